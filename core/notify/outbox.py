"""Recording notices and their deliveries, in the caller's transaction.

`emit` writes one notice per recipient under a unique key ("<event>:<ref>:<member>") with an
insert that does nothing on a conflict, so the same event noticed twice (a second periodic check,
another app process, a repeated save) is recorded once and sent once. For each outbound channel the
member has an address for and left on, a pending delivery joins the outbox; nothing is sent here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.accounts.members import Actor, require_leader
from core.notify import prefs
from core.notify import settings as notify_settings
from core.notify.events import EVENTS, INBOX, OUTBOUND
from core.timezone import now_utc
from db.models.members import Member
from db.models.notify import Delivery, Notice

MAX_KEY = 200  # Notice.key String(200)


def _insert(session: Session, model):
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model)


def active_members(session: Session, *, leaders_only: bool = False) -> list[int]:
    """Ids of the active members (or active leaders), for events that go to the whole group."""
    q = select(Member.id).where(Member.active.is_(True))
    if leaders_only:
        q = q.where(Member.role == "leader")
    return list(session.scalars(q.order_by(Member.id)))


def emit(
    session: Session,
    event: str,
    *,
    to: Iterable[int | None],
    ref: str,
    params: dict,
    page: str = "",
    query: dict | None = None,
    skip: int | None = None,
    now: datetime | None = None,
) -> list[int]:
    """Record `event` for each active member in `to` (except `skip`, the one who caused it) and
    queue its deliveries; returns the ids of the notices recorded now (none for a key already recorded)."""
    if event not in EVENTS:
        raise ValueError(f"unknown notification event {event!r}")
    now = now or now_utc()  # the one replaceable clock (core/timezone.py): tests set it
    wanted = [m for m in dict.fromkeys(to) if m is not None and m != skip]
    if not wanted:
        return []
    active = set(session.scalars(select(Member.id).where(Member.id.in_(wanted), Member.active.is_(True))))
    email_on = notify_settings.load().smtp.enabled
    made: list[int] = []
    for member_id in (m for m in wanted if m in active):
        choices = prefs.matrix(session=session, member_id=member_id)
        key = f"{event}:{ref}:{member_id}"[:MAX_KEY]
        stmt = (
            _insert(session, Notice)
            .values(
                member_id=member_id,
                key=key,
                event=event,
                params=params,
                page=page,
                query=query or {},
                in_inbox=choices[(event, INBOX)],
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(Notice.id)
        )
        notice_id = session.execute(stmt).scalar()
        if notice_id is None:
            continue  # already recorded (and queued) by an earlier check or another process
        where = prefs.addresses(session=session, member_id=member_id)
        for channel in OUTBOUND:
            if not where[channel] or not choices[(event, channel)] or (channel == "email" and not email_on):
                continue
            session.add(
                Delivery(
                    notice_id=notice_id, channel=channel, address=where[channel], next_at=now, created_at=now
                )
            )
        made.append(notice_id)
    session.flush()
    return made


def problems(
    *, session: Session, by: Actor | None, limit: int = 200
) -> list[tuple[Delivery, Notice, Member]]:
    """Leaders: deliveries that failed at least once and are not sent (retrying, or stopped)."""
    require_leader(by)
    q = (
        select(Delivery, Notice, Member)
        .join(Notice, Notice.id == Delivery.notice_id)
        .join(Member, Member.id == Notice.member_id)
        .where(Delivery.status.in_(("pending", "failed")), Delivery.attempts > 0)
        .order_by(Delivery.next_at.desc(), Delivery.id.desc())
        .limit(limit)
    )
    return [tuple(row) for row in session.execute(q)]


def own_problems(*, session: Session, member_id: int) -> dict[str, Delivery]:
    """channel -> the member's latest delivery there that failed and is not sent."""
    q = (
        select(Delivery)
        .join(Notice, Notice.id == Delivery.notice_id)
        .where(
            Notice.member_id == member_id, Delivery.status.in_(("pending", "failed")), Delivery.attempts > 0
        )
        .order_by(Delivery.id)
    )
    return {d.channel: d for d in session.scalars(q)}


def retry_failed(*, session: Session, by: Actor | None, now: datetime | None = None) -> int:
    """Leaders: send stopped and waiting deliveries again now, with a fresh count of attempts."""
    require_leader(by)
    result = session.execute(
        update(Delivery)
        .where(Delivery.status.in_(("pending", "failed")), Delivery.attempts > 0)
        .values(status="pending", attempts=0, next_at=now or now_utc(), claim=None)
    )
    return result.rowcount or 0


def pending_count(*, session: Session) -> int:
    """Deliveries waiting to be sent."""
    return session.scalar(select(func.count()).select_from(Delivery).where(Delivery.status == "pending")) or 0
