"""The shell in a real browser: every leader page listed, tab titles, a locked link that opens
after sign-in, the sign-in box after a failure, Streamlit's English hidden or relabelled, and no
request to any host but the app's."""

import re
from urllib.parse import urlparse

from playwright.sync_api import Page, expect

from core.i18n import translate
from core.reviews import papers
from tests.support.browser import goto, sign_in, wait_idle
from tests.support.factories import PASSWORD
from ui.shell.nav import PAGES


def test_leader_sees_every_page_listed_without_view_more(page: Page, live_app):
    goto(page, live_app)
    sign_in(page, live_app.leader, PASSWORD)
    nav = page.get_by_test_id("stSidebarNav")
    for spec in PAGES:  # every page, the leader's own last in the list
        expect(nav.get_by_role("link", name=translate(spec.title_key, "ko"), exact=True)).to_be_visible()
    expect(nav.get_by_text(re.compile(r"View \d+ more"))).to_have_count(0)
    nav.get_by_role("link", name="멤버 관리").click()
    wait_idle(page)
    expect(page).to_have_title("멤버 관리 · 스터디 대시보드")


def test_tab_title_follows_page_and_language(page: Page, live_app):
    goto(page, live_app)
    expect(page).to_have_title("홈 · 스터디 대시보드")
    page.get_by_test_id("stSidebar").get_by_text("English").click()
    wait_idle(page)
    expect(page).to_have_title("Home · Study Dashboard")


def test_locked_link_asks_to_sign_in_then_opens_with_its_query(page: Page, live_app):
    with live_app.db.read() as s:
        paper = papers.list_papers(session=s)[0][0]
    goto(page, live_app, "write-review", f"paper={paper.id}")
    expect(page.get_by_text("'리뷰 쓰기' 페이지는 로그인해야 열 수 있습니다.", exact=False)).to_be_visible()
    sign_in(page, live_app.member, PASSWORD)
    expect(page.get_by_role("heading", name="리뷰 쓰기").first).to_be_visible()
    expect(page.get_by_role("combobox", name="논문")).to_have_value(paper.title)
    assert f"paper={paper.id}" in page.url
    assert urlparse(page.url).path.endswith("/write-review")


def test_failed_sign_in_clears_password_and_hides_enter_hint(page: Page, live_app):
    goto(page, live_app)
    sidebar = page.get_by_test_id("stSidebar")
    user, password = sidebar.get_by_label("아이디"), sidebar.get_by_label("비밀번호")
    user.fill("nobody_c1")
    password.fill("not the password")
    # Streamlit's own "Press Enter to submit form" (and no "16/256" count) over the password dots
    expect(sidebar.get_by_text("Press Enter", exact=False)).to_be_hidden()
    expect(sidebar.get_by_text("/256")).to_have_count(0)
    sidebar.get_by_role("button", name="로그인").click()
    wait_idle(page)
    expect(sidebar.get_by_text("아이디 또는 비밀번호가 올바르지 않습니다.")).to_be_visible()
    expect(password).to_have_value("")
    expect(user).to_have_value("nobody_c1")


def test_uploader_speaks_korean(page: Page, live_app):
    goto(page, live_app)
    sign_in(page, live_app.leader, PASSWORD)
    goto(page, live_app, "papers")
    page.get_by_text("논문 추가").first.click()
    page.get_by_role("tab", name="BibTeX 가져오기").click()
    uploader = page.get_by_test_id("stFileUploader").first
    expect(uploader.get_by_role("button", name="파일 선택")).to_be_visible()
    expect(uploader.get_by_text("per file", exact=False)).to_be_hidden()
    expect(uploader.get_by_text("Upload", exact=True)).to_be_hidden()


def test_page_load_requests_only_the_app(page: Page, live_app):
    app_host = urlparse(live_app.url).netloc
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if _host(r.url) not in ("", app_host) else None)
    goto(page, live_app)
    page.wait_for_function("document.fonts.status === 'loaded'")
    goto(page, live_app, "lab")  # a second page: its icon must not become an outside favicon
    icon = page.evaluate("document.querySelector(\"link[rel~='icon']\").href")
    assert icon.startswith(live_app.url), icon
    assert outside == []


def _host(url: str) -> str:
    parsed = urlparse(url)
    return parsed.netloc if parsed.scheme in ("http", "https", "ws", "wss") else ""
