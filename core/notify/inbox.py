"""A member's inbox: their notices newest first, the unread count (the sidebar's bell), mark read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.accounts.members import Actor, require_member
from core.errors import NotFound
from db.base import utcnow
from db.models.notify import Notice

PAGE_SIZE = 100


def _mine(member_id: int):
    return (Notice.member_id == member_id) & Notice.in_inbox.is_(True)


def unread_count(*, session: Session, by: Actor | None) -> int:
    """How many of the actor's inbox notices are unread (0 for a guest)."""
    if by is None:
        return 0
    q = select(func.count()).select_from(Notice).where(_mine(by.id), Notice.read_at.is_(None))
    return session.scalar(q) or 0


def notices(
    *, session: Session, by: Actor | None, unread_only: bool = False, limit: int = PAGE_SIZE
) -> list[Notice]:
    """The actor's inbox, newest first."""
    me = require_member(by)
    q = select(Notice).where(_mine(me.id))
    if unread_only:
        q = q.where(Notice.read_at.is_(None))
    return list(session.scalars(q.order_by(Notice.created_at.desc(), Notice.id.desc()).limit(limit)))


def mark_read(*, session: Session, by: Actor | None, notice_id: int, now: datetime | None = None) -> Notice:
    """Mark one of the actor's own notices read (another member's is NotFound)."""
    me = require_member(by)
    notice = session.get(Notice, notice_id)
    if notice is None or notice.member_id != me.id:
        raise NotFound()
    if notice.read_at is None:
        notice.read_at = now or utcnow()
        session.flush()
    return notice


def mark_all_read(*, session: Session, by: Actor | None, now: datetime | None = None) -> int:
    """Mark every unread notice of the actor read; returns how many."""
    me = require_member(by)
    result = session.execute(
        update(Notice).where(_mine(me.id), Notice.read_at.is_(None)).values(read_at=now or utcnow())
    )
    return result.rowcount or 0
