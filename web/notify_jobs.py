"""Notifications' background work in the app process: APScheduler runs the sender (drains the
outbox every STUDY_NOTIFY_POLL_S seconds) and the periodic check (due in 24 h, overdue, seminar in
30 minutes, every STUDY_NOTIFY_SCAN_S seconds) off the pages' threads, so a slow or dead channel
never holds up a page. Several app processes may each run it: notices have unique keys and
deliveries are claimed before sending (core/notify), so nothing is recorded or sent twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler

from core.notify import schedule, sender
from core.notify import settings as notify_settings
from db.base import utcnow
from db.engine import Database, resolve_url
from db.migrate import upgrade

log = logging.getLogger(__name__)

clock: Callable[[], datetime] = utcnow  # tests replace it


def check_clock(database: Database) -> int:
    """One periodic check: record the time-based notices due now."""
    with database.write() as s:
        return schedule.scan(s, now=clock())


def send_due(database: Database) -> sender.Outcome:
    """One pass of the sender; failures are counted and retried later, never raised."""
    out = sender.drain(database, clock=clock)
    if out.errors:
        log.warning("notifications: %d not delivered yet (%s)", len(out.errors), out.errors[0])
    return out


def _guarded(job: Callable[[Database], object], database: Database) -> None:
    try:
        job(database)
    except Exception:  # a database hiccup: the next interval tries again
        log.exception("notifications: %s failed", job.__name__)


def start(url: str | None = None) -> Callable[[], None]:
    """Start the sender and the periodic check; returns the stop function."""
    conf = notify_settings.load()
    database = Database(url or resolve_url())
    upgrade(database.engine)  # the jobs may run before any page has opened the database
    scheduler = BackgroundScheduler(
        timezone=UTC, job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None}
    )
    first = datetime.now(UTC)
    scheduler.add_job(
        _guarded,
        "interval",
        args=[send_due, database],
        seconds=conf.poll_s,
        id="notify-send",
        next_run_time=first,
    )
    scheduler.add_job(
        _guarded,
        "interval",
        args=[check_clock, database],
        seconds=conf.scan_s,
        id="notify-check",
        next_run_time=first,
    )
    scheduler.start()
    sender.RUNNING.set()

    def stop() -> None:
        sender.RUNNING.clear()
        scheduler.shutdown(wait=True)
        database.dispose()

    return stop
