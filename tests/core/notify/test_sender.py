"""The sender: Discord / Slack webhooks to a local receiver, e-mail to a local aiosmtpd server; a
dead webhook or a refusing mail server is retried with backoff and shown to leaders, and nothing is
sent twice even with two senders at once (both back ends)."""

import threading
from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from core.curriculum import seminars
from core.errors import PermissionDenied
from core.notify import outbox, prefs, sender
from core.notify.settings import Settings, Smtp
from core.timezone import use_clock
from db.models.notify import Delivery
from tests.support.appserver import free_port
from tests.support.factories import make_leader, make_member
from tests.support.webhook_receiver import webhook_receiver

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
LOCAL = Settings(allow_local_http=True)


class Clock:
    """A clock a test moves by hand."""

    def __init__(self, at=T0):
        self.at = at

    def __call__(self):
        return self.at


@pytest.fixture(autouse=True)
def notices_stamped_at_t0():
    """Notices are recorded at T0 on the one clock the drains below move from (with the real
    clock, a test run after T0 of the real day found its notices not yet due)."""
    with use_clock(T0):
        yield


@pytest.fixture
def local_http(monkeypatch):
    monkeypatch.setenv("STUDY_NOTIFY_ALLOW_LOCAL_HTTP", "1")


def _seminar(db, leader, title="Attention 세미나"):
    with db.write() as s:
        seminars.create_seminar(session=s, by=leader, title=title, starts_at=T0 + timedelta(days=2))


def _deliveries(db):
    with db.read() as s:
        return [(d.channel, d.status, d.attempts) for d in s.query(Delivery).order_by(Delivery.id)]


def test_discord_and_slack_get_one_message_each_in_the_members_language(db, local_http):
    leader = make_leader(db)
    kim = make_member(db, "kim", "김하연", by=leader)
    with webhook_receiver() as discord, webhook_receiver(status=200) as slack:
        with db.write() as s:
            prefs.set_addresses(session=s, by=kim, values={"discord": discord.url, "slack": slack.url})
        _seminar(db, leader, "<!channel> @everyone 세미나")
        out = sender.drain(db, clock=Clock(), conf=LOCAL)
        again = sender.drain(db, clock=Clock(T0 + timedelta(hours=1)), conf=LOCAL)
        assert (out.sent, again.sent) == (2, 0)
        [d_body], [s_body] = discord.bodies(), slack.bodies()
    assert d_body["content"].startswith("**새 세미나**\n새 세미나 '<!channel> @everyone 세미나'")
    assert d_body["allowed_mentions"] == {"parse": []}  # user text pings nobody
    assert "&lt;!channel&gt;" in s_body["text"] and "<!channel>" not in s_body["text"]
    assert _deliveries(db) == [("discord", "sent", 1), ("slack", "sent", 1)]


def test_a_dead_webhook_is_retried_with_backoff_then_stops_and_leaders_see_it(db, local_http):
    leader = make_leader(db)
    kim = make_member(db, "kim", "김하연", by=leader)
    clock = Clock()
    with webhook_receiver(status=500) as dead:
        with db.write() as s:
            prefs.set_addresses(session=s, by=kim, values={"discord": dead.url})
        _seminar(db, leader)
        waits = []
        for attempt in range(1, sender.MAX_ATTEMPTS + 1):
            out = sender.drain(db, clock=clock, conf=LOCAL)
            assert out.sent == 0 and len(dead.bodies()) == attempt
            assert sender.drain(db, clock=clock, conf=LOCAL).retrying == 0  # not due again yet
            with db.read() as s:
                row = s.query(Delivery).one()
            waits.append(row.next_at - clock.at)
            clock.at = max(row.next_at, clock.at)
        assert out.failed == 1
        assert waits[:4] == [timedelta(seconds=30 * 2**i) for i in range(4)]
        with db.read() as s:
            [(delivery, notice, member)] = outbox.problems(session=s, by=leader)
            with pytest.raises(PermissionDenied):
                outbox.problems(session=s, by=kim)
        assert member.id == kim.id and delivery.status == "failed"
        assert sender.error_text(delivery.last_error, "ko") == "웹후크가 HTTP 500 로 응답했습니다."
        assert sender.error_text(delivery.last_error, "en") == "The webhook answered HTTP 500."
        dead.status = 204  # the leader fixed it: retry sends it now, once
        with db.write() as s:
            assert outbox.retry_failed(session=s, by=leader, now=clock.at) == 1
        assert sender.drain(db, clock=clock, conf=LOCAL).sent == 1
        assert len(dead.bodies()) == sender.MAX_ATTEMPTS + 1
    with db.read() as s:
        assert outbox.problems(session=s, by=leader) == []


def test_an_unreachable_webhook_is_a_failure_not_a_crash(db, local_http):
    leader = make_leader(db)
    kim = make_member(db, "kim", "김하연", by=leader)
    with webhook_receiver() as gone:
        url = gone.url
    with db.write() as s:
        prefs.set_addresses(session=s, by=kim, values={"discord": url})
    _seminar(db, leader)
    out = sender.drain(db, clock=Clock(), conf=LOCAL)
    assert out.retrying == 1 and "Could not reach the webhook address" in out.errors[0]


@pytest.mark.slow
def test_two_senders_at_once_send_each_message_once(db, local_http):
    leader = make_leader(db)
    people = [make_member(db, f"mem{i}", f"멤버{i}", by=leader) for i in range(6)]
    with webhook_receiver() as hook:
        for m in people:
            with db.write() as s:
                prefs.set_addresses(session=s, by=m, values={"discord": hook.url, "slack": hook.url})
        for n in range(3):
            _seminar(db, leader, f"세미나 {n}")
        barrier = threading.Barrier(2)
        outcomes = []

        def run():
            barrier.wait()
            outcomes.append(sender.drain(db, clock=Clock(), conf=LOCAL, limit=5))
            while (more := sender.drain(db, clock=Clock(), conf=LOCAL, limit=5)).sent:
                outcomes.append(more)

        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        contents = [b.get("content") or b.get("text") for b in hook.bodies()]
    assert len(contents) == 6 * 2 * 3 == sum(o.sent for o in outcomes)
    assert all(status == "sent" for _c, status, _a in _deliveries(db))


class Refuse:
    """An SMTP handler that refuses every recipient."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        return "550 5.1.1 mailbox unavailable"


@pytest.fixture
def smtp_server():
    got = []

    class Keep(Message):
        def handle_message(self, message):
            got.append(message)

    controller = Controller(Keep(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, got
    finally:
        controller.stop()


def test_mail_goes_out_over_smtp_when_configured(db, monkeypatch, smtp_server):
    controller, got = smtp_server
    monkeypatch.setenv("STUDY_SMTP_HOST", "127.0.0.1")
    leader = make_leader(db)
    kim = make_member(db, "kim", "김하연", by=leader)
    with db.write() as s:
        prefs.set_addresses(session=s, by=kim, values={"email": "kim@example.com"})
    _seminar(db, leader)
    conf = Settings(smtp=Smtp(host="127.0.0.1", port=controller.port, tls="none"))
    assert sender.drain(db, clock=Clock(), conf=conf).sent == 1
    [mail] = got
    assert (
        mail["To"] == "kim@example.com"
        and str(make_header(decode_header(mail["Subject"]))) == "[스터디] 새 세미나"
    )
    assert "Attention 세미나" in mail.get_payload(decode=True).decode("utf-8")


def test_a_refusing_mail_server_is_retried_and_explained(db, monkeypatch):
    monkeypatch.setenv("STUDY_SMTP_HOST", "127.0.0.1")
    controller = Controller(Refuse(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        leader = make_leader(db)
        kim = make_member(db, "kim", "김하연", by=leader)
        with db.write() as s:
            prefs.set_addresses(session=s, by=kim, values={"email": "kim@example.com"})
        _seminar(db, leader)
        conf = Settings(smtp=Smtp(host="127.0.0.1", port=controller.port, tls="none"))
        out = sender.drain(db, clock=Clock(), conf=conf)
    finally:
        controller.stop()
    assert out.retrying == 1
    with db.read() as s:
        row = s.query(Delivery).one()
    text = sender.error_text(row.last_error, "ko")
    assert text.startswith("메일 서버가 거부했습니다") and "550" in text


def test_mail_is_off_by_default(db, monkeypatch):
    monkeypatch.delenv("STUDY_SMTP_HOST", raising=False)
    leader = make_leader(db)
    make_member(db, "kim", "김하연", by=leader)
    _seminar(db, leader)
    assert _deliveries(db) == []
