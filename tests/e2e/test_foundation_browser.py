"""The app in a real browser: Korean home page with the Hangul font, role-gated pages."""

from playwright.sync_api import Page, expect

from tests.support.browser import goto, sign_in, wait_idle
from tests.support.factories import PASSWORD


def test_home_renders_korean_with_hangul_font(page: Page, live_app, tmp_path):
    fonts: list[str] = []
    page.on("requestfinished", lambda r: r.url.endswith(".woff2") and fonts.append(r.url.rsplit("/", 1)[-1]))
    goto(page, live_app)
    expect(page.get_by_role("heading", name="스터디 대시보드").first).to_be_visible()
    # The served NanumGothic face (its common file) is loaded and covers Hangul (the default font
    # has none). `document.fonts.check` would say false: the rest face, unloaded, also covers Hangul.
    page.wait_for_function("document.fonts.status === 'loaded'")
    regular = page.evaluate(
        "[...document.fonts].filter(f => f.family.replace(/\"/g, '') === 'nanum' && f.weight === '400')"
        ".map(f => [f.unicodeRange, f.status])"
    )
    assert ["U+0-10FFFF", "loaded"] in regular  # the common face: no range of its own
    family = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert "nanum" in family
    page.screenshot(path=str(tmp_path / "home.png"))
    # Korean and English text takes the common file alone (scripts/subset_fonts.py) ...
    nanum = sorted({f for f in fonts if f.startswith("nanum-")})
    assert "nanum-regular-common.woff2" in nanum and not [f for f in nanum if "-rest" in f]
    # ... and a syllable outside KS X 1001 ("똠") brings in the rest file, drawn in NanumGothic.
    page.evaluate(
        "() => { const p = document.createElement('p'); p.textContent = '똠방각하';"
        " p.style.fontFamily = 'nanum'; document.body.appendChild(p); }"
    )
    page.wait_for_function(
        "[...document.fonts].some(f => f.family.replace(/\"/g, '') === 'nanum'"
        " && f.unicodeRange !== 'U+0-10FFFF' && f.status === 'loaded')"
    )
    assert page.evaluate("document.fonts.check('16px nanum', '똠')")
    assert any("nanum-regular-rest" in f for f in fonts)


def test_guest_cannot_open_members_page(page: Page, live_app):
    goto(page, live_app, "members")
    # The URL runs a notice instead of the screen: why, and the way to Home.
    expect(page.get_by_role("heading", name="멤버 관리")).to_have_count(0)
    expect(page.get_by_text("멤버 추가")).to_have_count(0)
    expect(page.get_by_text("'멤버 관리' 페이지는 로그인해야 열 수 있습니다.", exact=False)).to_be_visible()
    expect(page.get_by_role("link", name="홈으로")).to_be_visible()


def test_member_is_told_a_leader_page_is_for_leaders(page: Page, live_app):
    goto(page, live_app)
    sign_in(page, live_app.member, PASSWORD)
    goto(page, live_app, "members")
    expect(page.get_by_text("멤버 추가")).to_have_count(0)
    expect(page.get_by_text("'멤버 관리' 페이지는 스터디장만 열 수 있습니다.")).to_be_visible()


def test_leader_can_open_members_page_and_stays_signed_in_after_reload(page: Page, live_app):
    goto(page, live_app)
    sign_in(page, live_app.leader, PASSWORD)
    # A fresh page load (new Streamlit session) resumes the remembered sign-in from its cookie.
    goto(page, live_app, "members")
    expect(page.get_by_role("heading", name="멤버 관리").first).to_be_visible()
    expect(page.get_by_text("멤버 추가").first).to_be_visible()  # the leader-only add form


def test_sign_out_forgets_the_remembered_sign_in(page: Page, live_app):
    goto(page, live_app)
    sign_in(page, live_app.leader, PASSWORD)
    page.get_by_test_id("stSidebar").get_by_role("button", name="로그아웃").click()
    wait_idle(page)
    goto(page, live_app, "members")
    expect(page.get_by_role("heading", name="멤버 관리")).to_have_count(0)
    expect(page.get_by_test_id("stSidebar").get_by_role("button", name="로그인")).to_be_visible()


def test_switch_to_english(page: Page, live_app):
    goto(page, live_app)
    page.get_by_test_id("stSidebar").get_by_text("English").click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Study Dashboard").first).to_be_visible()
