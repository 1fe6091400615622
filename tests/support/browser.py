"""Small helpers for browser tests against the running app."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.support.appserver import IDLE

QUIET_MS = 120  # how long 'notRunning' must hold before the page counts as settled

# True once stApp is 'notRunning' and its script state has not changed for `quietMs`. The first
# call on a page starts watching the attribute (a MutationObserver), so it waits quietMs at least.
_SETTLED = """(quietMs) => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app) return false;
  if (!window.__stWatch || window.__stWatch.app !== app) {
    const watch = {app, changed: performance.now()};
    new MutationObserver(() => { watch.changed = performance.now(); })
      .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
    window.__stWatch = watch;
  }
  return app.getAttribute('data-test-script-state') === 'notRunning'
    && performance.now() - window.__stWatch.changed >= quietMs;
}"""


def wait_idle(page: Page, timeout: float = 30_000) -> None:
    """Wait until the page's script runs are over: Streamlit marks the app 'notRunning', and it
    stays so for QUIET_MS. A save that calls st.rerun() runs the page twice, and Streamlit says
    'notRunning' for a moment between the two (app_session.py, SCRIPT_STOPPED_FOR_RERUN): a
    bare wait could end there, and the next click land while the second run redraws the page."""
    page.wait_for_selector(IDLE, timeout=timeout)
    page.wait_for_function(_SETTLED, arg=QUIET_MS, timeout=timeout, polling=50)


# Counts the app's script runs from now on: every change of stApp's script state away from
# 'notRunning' (the browser's own record, so a run that starts and ends between two polls counts).
_COUNT_RUNS = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  window.__stRuns = 0;
  if (window.__stRunsObserver) window.__stRunsObserver.disconnect();
  window.__stRunsObserver = new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') !== 'notRunning') window.__stRuns += 1;
  });
  window.__stRunsObserver.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""
_RAN_AND_IDLE = """() => window.__stRuns > 0 && document.querySelector("[data-testid='stApp']")
  .getAttribute('data-test-script-state') === 'notRunning'"""


def commit_text(box, text: str, timeout: float = 30_000) -> None:
    """Fill a text box that is not in a form with new text and leave it, then wait for the run
    that leaving it starts to finish. A bare wait for 'notRunning' can pass before that run began, and a click
    while it redraws the page can be lost (the button moves between mouse down and up)."""
    page = box.page
    page.evaluate(_COUNT_RUNS)
    box.fill(text)
    box.blur()
    page.wait_for_function(_RAN_AND_IDLE, timeout=timeout)


def goto(page: Page, live_app, url_path: str = "", query: str = "") -> None:
    """Open a page of the app by its url_path (and optional query string) and wait for it."""
    url = f"{live_app.url}/{url_path}" + (f"?{query}" if query else "")
    page.goto(url)
    wait_idle(page)


def sign_in(page: Page, username: str, password: str) -> None:
    """Sign in through the sidebar form and wait for the rerun."""
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_label("아이디").or_(sidebar.get_by_label("Username")).first.fill(username)
    sidebar.get_by_label("비밀번호").or_(sidebar.get_by_label("Password")).first.fill(password)
    # exact: with OIDC configured the sidebar also has "Google(으)로 로그인" and the like
    sidebar.get_by_role("button", name="로그인", exact=True).or_(
        sidebar.get_by_role("button", name="Sign in", exact=True)
    ).first.click()
    expect(
        sidebar.get_by_role("button", name="로그아웃")
        .or_(sidebar.get_by_role("button", name="Sign out"))
        .first
    ).to_be_visible(timeout=15_000)
    wait_idle(page)


# Draws `a` and `b` in the font stack `font` on a canvas (per-character fallback and unicode-range as
# in the page) and tells whether the pictures differ: page.evaluate(GLYPHS_DIFFER, [font, a, b]).
GLYPHS_DIFFER = """async ([font, a, b]) => {
  await document.fonts.load(font, a + b);
  const draw = (text) => {
    const c = document.createElement('canvas');
    c.width = 80; c.height = 80;
    const g = c.getContext('2d');
    g.font = font; g.fillStyle = '#000'; g.textBaseline = 'top';
    g.fillText(text, 10, 10);
    return Array.from(g.getImageData(0, 0, 80, 80).data).join(',');
  };
  return draw(a) !== draw(b);
}"""
