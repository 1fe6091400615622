"""The periodic check: notices that come from the clock, not from a write (due within 24 hours,
overdue, a seminar starting within 30 minutes). Idempotent: each notice's unique key makes a second
run, or the same check in another app process, record nothing new."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.notify.outbox import active_members, emit
from core.notify.sources import when_text
from core.timezone import group_zone
from db.models.curriculum import Seminar
from db.models.reviews import Assignment, Paper, Review

DUE_SOON = timedelta(hours=24)
OVERDUE_FOR = timedelta(days=7)  # an assignment overdue longer than this is not announced again
SEMINAR_SOON = timedelta(minutes=30)
OPEN_REVIEW = (None, "draft")  # not submitted yet


def deadline(due_on: date, zone: ZoneInfo) -> datetime:
    """The end of the due day on the group's calendar (a review is due by midnight)."""
    return datetime.combine(due_on + timedelta(days=1), time(0), tzinfo=zone)


def scan(session: Session, *, now: datetime) -> int:
    """Record every time-based notice due at `now`; returns how many notices were new."""
    made = 0
    zone = group_zone(session=session)
    today = now.astimezone(zone).date()
    rows = session.execute(
        select(Assignment, Paper.title, Review.status)
        .join(Paper, Paper.id == Assignment.paper_id)
        .outerjoin(
            Review, (Review.paper_id == Assignment.paper_id) & (Review.author_id == Assignment.member_id)
        )
        .where(Assignment.due_on >= today - OVERDUE_FOR, Assignment.due_on <= today + timedelta(days=1))
    ).all()
    for row, title, status in rows:
        if status not in OPEN_REVIEW:
            continue
        end = deadline(row.due_on, zone)
        if end - DUE_SOON <= now < end:
            event = "due_soon"
        elif end <= now < end + OVERDUE_FOR:
            event = "overdue"
        else:
            continue
        made += len(
            emit(
                session,
                event,
                to=[row.member_id],
                ref=f"{row.paper_id}:{row.due_on.isoformat()}",
                params={"paper": title, "due": row.due_on.isoformat()},
                page="write-review",
                query={"paper": row.paper_id},
                now=now,
            )
        )
    soon = session.scalars(
        select(Seminar).where(Seminar.starts_at > now, Seminar.starts_at <= now + SEMINAR_SOON)
    ).all()
    for seminar in soon:
        made += len(
            emit(
                session,
                "seminar_soon",
                to=active_members(session),
                ref=f"{seminar.id}:{seminar.starts_at.isoformat()}",
                params={"title": seminar.title, "when": when_text(session, seminar.starts_at)},
                page="seminars",
                now=now,
            )
        )
    return made
