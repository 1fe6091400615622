"""Notification screens: the sidebar bell's unread count, the inbox (mark read, mark all read,
open), preferences on the account page (a webhook that is not https is refused in the member's
language and nothing is lost; event choices saved), and the leaders' delivery problems."""

from datetime import UTC, datetime, timedelta

from core.curriculum import seminars
from core.notify import inbox, prefs, sender
from core.notify.settings import Settings
from db.base import utcnow
from tests.support.factories import make_leader, make_member
from tests.support.webhook_receiver import webhook_receiver
from ui.notify import keys


def _seminar(db, leader, title="Attention 세미나"):
    with db.write() as s:
        return seminars.create_seminar(
            session=s, by=leader, title=title, starts_at=utcnow() + timedelta(days=2)
        )


def _unread(db, who):
    with db.read() as s:
        return inbox.unread_count(session=s, by=who)


def _bell(at):
    return next(b for b in at.sidebar.button if b.key == keys.BELL)


def test_the_bell_counts_unread_notices(run_page, db):
    leader = make_leader(db)
    kim = make_member(db, "kim", "김하연", by=leader)
    at = run_page("views/home.py", actor=kim, lang="ko")
    assert _bell(at).label == "알림 0"
    _seminar(db, leader)
    _seminar(db, leader, "GRU 세미나")
    at = run_page("views/home.py", actor=kim, lang="en")
    assert not at.exception and _bell(at).label == "Notifications 2"
    assert not [b for b in run_page("views/home.py", lang="en").sidebar.button if b.key == keys.BELL]


def test_inbox_lists_marks_one_read_then_all(run_page, db):
    leader = make_leader(db)
    kim = make_member(db, "kim", "김하연", by=leader)
    first = _seminar(db, leader)
    _seminar(db, leader, "GRU 세미나")
    at = run_page("views/inbox.py", actor=kim, lang="en")
    assert not at.exception
    assert at.title[0].value == "Notifications"
    texts = [x.value for x in at.text]
    assert texts[0].startswith("New seminar 'GRU 세미나'") and "Attention 세미나" in texts[1]
    with db.read() as s:
        oldest = inbox.notices(session=s, by=kim)[-1]
    assert oldest.params["title"] == first.title
    at.button(key=keys.mark_read(oldest.id)).click().run()
    assert not at.exception and _unread(db, kim) == 1
    at.button(key=keys.MARK_ALL).click().run()
    assert not at.exception and _unread(db, kim) == 0
    assert "Marked 1 notifications as read." in [t.value for t in at.toast]


def test_open_marks_read(run_page, db):
    leader = make_leader(db)
    kim = make_member(db, "kim", "김하연", by=leader)
    _seminar(db, leader)
    at = run_page("views/inbox.py", actor=kim, lang="ko")
    with db.read() as s:
        [notice] = inbox.notices(session=s, by=kim)
    at.button(key=keys.open_notice(notice.id)).click().run()
    assert not at.exception and _unread(db, kim) == 0  # the harness has no seminars page: it stays


def test_empty_inbox_and_guest(run_page, db):
    kim = make_member(db, "kim", "김하연")
    at = run_page("views/inbox.py", actor=kim, lang="ko")
    assert "알림이 없습니다" in at.info[0].value
    assert not run_page("views/inbox.py", lang="en").exception


def test_a_webhook_that_is_not_https_is_refused_and_the_saved_one_kept(run_page, db, monkeypatch):
    monkeypatch.delenv("STUDY_NOTIFY_ALLOW_LOCAL_HTTP", raising=False)
    kim = make_member(db, "kim", "김하연")
    good = "https://discord.com/api/webhooks/1/abc"
    at = run_page("views/account.py", actor=kim, lang="ko")
    at.text_input(key=keys.address("discord")).input(good)
    at.button(key="FormSubmitter:notify_channels-받을 곳 저장").click().run()
    assert not at.exception and not at.error
    at.text_input(key=keys.address("discord")).input("http://discord.com/api/webhooks/2/x")
    at.text_input(key=keys.address("slack")).input("hooks.slack.com/services/x")
    at.button(key="FormSubmitter:notify_channels-받을 곳 저장").click().run()
    assert "웹후크 주소는 https:// 로 시작해야 합니다." in at.error[0].value
    assert at.text_input(key=keys.address("discord")).value == "http://discord.com/api/webhooks/2/x"  # kept
    with db.read() as s:
        assert prefs.addresses(session=s, member_id=kim.id) == {"discord": good, "slack": "", "email": ""}
    assert "이메일 발송이 꺼져 있습니다" in " ".join(c.value for c in at.caption)


def test_event_choices_are_saved(run_page, db):
    leader = make_leader(db)
    kim = make_member(db, "kim", "김하연", by=leader)
    at = run_page("views/account.py", actor=kim, lang="en")
    assert not at.exception
    assert at.checkbox(key=keys.choice("new_seminar", "inbox")).value is True
    at.checkbox(key=keys.choice("new_seminar", "inbox")).uncheck()
    at.button(key="FormSubmitter:notify_events-Save notification choices").click().run()
    assert not at.exception
    with db.read() as s:
        assert prefs.matrix(session=s, member_id=kim.id)[("new_seminar", "inbox")] is False
    _seminar(db, leader)
    assert _unread(db, kim) == 0
    assert at.run().checkbox(key=keys.choice("new_seminar", "inbox")).value is False


def test_leaders_see_failed_deliveries_in_their_language_and_retry(run_page, db, monkeypatch):
    monkeypatch.setenv("STUDY_NOTIFY_ALLOW_LOCAL_HTTP", "1")
    leader = make_leader(db)
    kim = make_member(db, "kim", "김하연", by=leader)
    with webhook_receiver(status=404) as dead:
        with db.write() as s:
            prefs.set_addresses(session=s, by=kim, values={"discord": dead.url})
        _seminar(db, leader)
        sender.drain(db, clock=lambda: datetime.now(UTC), conf=Settings(allow_local_http=True))
    at = run_page("views/inbox.py", actor=leader, lang="ko")
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["멤버"]) == ["김하연"] and list(table["오류"]) == ["웹후크가 HTTP 404 로 응답했습니다."]
    assert list(table["상태"]) == ["재시도 대기"]
    mine = run_page("views/account.py", actor=kim, lang="en")
    assert (
        "Sending to Discord keeps failing (1 tries): The webhook answered HTTP 404." in mine.warning[0].value
    )
    at.button(key=keys.RETRY).click().run()
    assert not at.exception
    member_view = run_page("views/inbox.py", actor=kim, lang="ko")
    assert not member_view.dataframe  # members never see the delivery problems
