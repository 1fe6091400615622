"""Notifications in a real browser, on a server of their own (its sender polls every 0.5 s and may
post to a local webhook): a leader assigns a review, the member's bell and inbox show it, the local
webhook receiver got exactly one Discord-format message; the member then checks in to the seminar
that is on with its code."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect

from core.curriculum import seminars
from core.notify import prefs
from db.base import utcnow
from db.engine import Database
from db.migrate import upgrade
from db.models.notify import Delivery
from tests.support.appserver import serve_app
from tests.support.browser import goto, sign_in, wait_idle
from tests.support.factories import PASSWORD, make_leader, make_member
from tests.support.reviews import make_paper, make_template
from tests.support.waiting import wait_until
from tests.support.webhook_receiver import webhook_receiver

PAPER = "Sequence to Sequence Learning"
LOCAL_HTTP = {"STUDY_NOTIFY_ALLOW_LOCAL_HTTP": "1"}


@pytest.fixture(scope="module")
def notify_app(tmp_path_factory):
    """The app with a leader, a member whose Discord webhook is the local receiver, a paper, a
    template and a seminar on now; yields (base URL, database, receiver, seminar)."""
    db_url = f"sqlite:///{tmp_path_factory.mktemp('notify') / 'e2e.db'}"
    database = Database(db_url)
    upgrade(database.engine)
    leader = make_leader(database, "nt_leader", "이리더")
    member = make_member(database, "nt_member", "박멤버", by=leader)
    make_template(database, leader)
    make_paper(database, leader, PAPER, "1409.3215")
    with database.write() as s:
        seminar = seminars.create_seminar(
            session=s, by=leader, title="Seq2seq 세미나", starts_at=utcnow() - timedelta(minutes=5)
        )
    with webhook_receiver() as hook, pytest.MonkeyPatch.context() as mp:
        for key, value in LOCAL_HTTP.items():
            mp.setenv(key, value)
        with database.write() as s:
            prefs.set_addresses(session=s, by=member, values={"discord": hook.url})
        env = {"DATABASE_URL": db_url, "STUDY_DEMO_DATA": "0", "STUDY_NOTIFY_POLL_S": "0.5", **LOCAL_HTTP}
        with serve_app(env, tmp_path_factory.mktemp("notify-log") / "streamlit.log") as base:
            yield base, database, hook, seminar
    database.dispose()


def _pick(page: Page, label: str, option: str, *, many: bool = False) -> None:
    box = page.get_by_role("combobox", name=label)
    box.click()
    page.get_by_role("option", name=option).click()
    if many:  # a multiselect stays open for more choices
        page.keyboard.press("Escape")
    else:
        expect(box).to_have_value(option)


def _assignment_sent(database: Database) -> bool:
    with database.read() as s:
        return [(d.channel, d.status, d.attempts) for d in s.query(Delivery).all()] == [
            ("discord", "sent", 1)
        ]


def test_assigned_review_reaches_inbox_and_discord_once_then_member_checks_in(page: Page, notify_app):
    base, database, hook, seminar = notify_app
    app = SimpleNamespace(url=base)
    goto(page, app)
    sign_in(page, "nt_leader", PASSWORD)
    goto(page, app, "review-assignments")
    _pick(page, "논문", PAPER)
    _pick(page, "멤버", "박멤버", many=True)
    page.get_by_role("button", name="배정하기").click()
    wait_idle(page)
    expect(page.get_by_text("1명에게 배정했습니다.")).to_be_visible()

    page.get_by_test_id("stSidebar").get_by_role("button", name="로그아웃").click()
    wait_idle(page)
    sign_in(page, "nt_member", PASSWORD)
    # unread: the seminar made before the webhook was set (inbox only) and the assignment
    bell = page.get_by_test_id("stSidebar").get_by_role("button", name="알림 2")
    expect(bell).to_be_visible()
    bell.click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="알림").first).to_be_visible()
    expect(page.get_by_text(f"'{PAPER}' 리뷰가 배정되었습니다.", exact=False)).to_be_visible()

    wait_until(lambda: _assignment_sent(database), timeout=30, every=0.1, what="the Discord delivery")
    [body] = hook.bodies()  # exactly one message
    assert set(body) == {"content", "allowed_mentions"}
    assert body["content"].startswith("**리뷰 배정**\n") and PAPER in body["content"]

    goto(page, app, "seminars")
    page.get_by_role("textbox", name="체크인 코드").fill(seminar.checkin_code.lower())
    page.get_by_role("button", name="출석 체크인").click()
    wait_idle(page)
    expect(page.get_by_text("내 출석: 출석", exact=False).first).to_be_visible()
    assert len(hook.bodies()) == 1  # nothing else was sent meanwhile
