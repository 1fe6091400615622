"""The server's notification jobs (web/notify_jobs.py): started as the lifespan starts them, the
sender delivers a queued notice within its poll interval and stops cleanly."""

from datetime import timedelta

import pytest

from core.curriculum import seminars
from core.notify import prefs, sender
from db.base import utcnow
from tests.support.factories import make_leader, make_member
from tests.support.waiting import wait_until
from tests.support.webhook_receiver import webhook_receiver
from web import notify_jobs


@pytest.mark.slow
def test_started_jobs_send_a_queued_notice_and_stop(db, monkeypatch):
    monkeypatch.setenv("STUDY_NOTIFY_ALLOW_LOCAL_HTTP", "1")
    monkeypatch.setenv("STUDY_NOTIFY_POLL_S", "0.2")
    leader = make_leader(db)
    kim = make_member(db, "kim", "김하연", by=leader)
    with webhook_receiver() as hook:
        with db.write() as s:
            prefs.set_addresses(session=s, by=kim, values={"discord": hook.url})
        stop = notify_jobs.start(db.url)
        try:
            assert sender.RUNNING.is_set()
            with db.write() as s:
                seminars.create_seminar(
                    session=s, by=leader, title="GRU", starts_at=utcnow() + timedelta(days=1)
                )
            wait_until(lambda: hook.bodies(), timeout=20, what="the webhook message")
        finally:
            stop()
        assert not sender.RUNNING.is_set()
        assert len(hook.bodies()) == 1 and "GRU" in hook.bodies()[0]["content"]


def test_the_periodic_check_uses_the_injected_clock(db, monkeypatch):
    leader = make_leader(db)
    make_member(db, "kim", "김하연", by=leader)
    start = utcnow() + timedelta(days=3)
    with db.write() as s:
        seminars.create_seminar(session=s, by=leader, title="GRU", starts_at=start)
    monkeypatch.setattr(notify_jobs, "clock", lambda: start - timedelta(minutes=10))
    assert notify_jobs.check_clock(db) == 2
    assert notify_jobs.check_clock(db) == 0
