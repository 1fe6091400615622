"""A member types a review draft in a real browser, reloads, and finds the text still there, even when
the reload comes a moment after the last key."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from core.accounts import members
from core.reviews import assignments, papers, templates
from core.reviews.bibtex import PaperData
from db.models.reviews import Review
from tests.support.browser import goto, sign_in, wait_idle
from tests.support.factories import PASSWORD, any_leader
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e
TEXT = "어텐션만으로 번역한다. Self-attention is all we need"


def _arrange(live_app, title: str = "E2E Draft Paper") -> int:
    leader = any_leader(live_app.db)
    with live_app.db.write() as s:
        member_id = next(m.id for m in members.list_members(session=s) if m.username == live_app.member)
        paper, _ = papers.add_paper(session=s, by=leader, data=PaperData(title=title))
        tid = templates.list_templates(session=s)[0].id
        assignments.assign(
            session=s,
            by=leader,
            paper_id=paper.id,
            member_ids=[member_id],
            due_on=date.today() + timedelta(days=3),
            week_no=2,
            template_id=tid,
        )
        return paper.id


def _open_from_home(page: Page, live_app, title: str = "E2E Draft Paper") -> None:
    goto(page, live_app)
    sign_in(page, live_app.member, PASSWORD)
    page.get_by_role("link", name=title).first.click()  # the Home card's assignment
    wait_idle(page)


def _draft(live_app, pid: int) -> str:
    with live_app.db.read() as s:
        return s.query(Review).filter_by(paper_id=pid).one().draft.answers.get("tldr", "")


def test_draft_survives_a_reload(page: Page, live_app):
    pid = _arrange(live_app)
    _open_from_home(page, live_app)
    page.get_by_role("button", name="리뷰 시작").click()
    wait_idle(page)
    box = page.locator("[class*='st-key-revf_'][class*='_tldr'] textarea")
    box.click()
    box.press_sequentially(TEXT, delay=20)  # typing, no blur: the autosave must still catch it

    def saved() -> bool:
        with live_app.db.read() as s:
            return s.query(Review).filter_by(paper_id=pid).one().draft.answers.get("tldr", "") == TEXT

    wait_until(saved, timeout=15, every=0.2, what="the autosaved draft in the database")
    assert "paper=" in page.url  # the review's address, so a reload reopens it
    page.reload()
    wait_idle(page)
    # The reload is a new Streamlit session: the remembered sign-in (cookie) resumes it, and the
    # same review opens with the draft read back from the server.
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("button", name="로그아웃")).to_be_visible()
    expect(page.locator("[class*='st-key-revf_'][class*='_tldr'] textarea")).to_have_value(TEXT)


def test_a_reload_right_after_the_last_key_keeps_the_text(page: Page, live_app):
    pid = _arrange(live_app, "E2E Quick Reload Paper")
    _open_from_home(page, live_app, "E2E Quick Reload Paper")
    page.get_by_role("button", name="리뷰 시작").click()
    wait_idle(page)
    box = page.locator("[class*='st-key-revf_'][class*='_tldr'] textarea")
    box.click()
    box.press_sequentially(TEXT, delay=20)
    dialogs: list[str] = []

    def leave_anyway(dialog) -> None:
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", leave_anyway)
    page.wait_for_timeout(300)  # the behaviour under test: leaving 0.3 s after the last key
    page.reload()
    wait_idle(page)
    expect(page.locator("[class*='st-key-revf_'][class*='_tldr'] textarea")).to_have_value(TEXT)
    wait_until(lambda: _draft(live_app, pid) == TEXT, timeout=15, every=0.2, what="the draft saved")
    assert dialogs == ["beforeunload"]  # the save was still on its way: the browser asked first
    wait_idle(page)
    expect(page.get_by_role("button", name="내 내용으로 덮어쓰기")).to_have_count(0)  # no conflict
