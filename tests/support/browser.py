"""Small helpers for browser tests against the running app."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.support.appserver import IDLE


def wait_idle(page: Page, timeout: float = 30_000) -> None:
    """Wait until the script run finished (Streamlit marks the app 'notRunning')."""
    page.wait_for_selector(IDLE, timeout=timeout)


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
