"""Private calendar feeds: one secret token per member, kept only as its SHA-256 (the member's
feed URL carries the token itself; core/curriculum/calendar.py makes, checks and revokes it)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, utcnow


class CalendarFeed(Base):
    """A member's live feed token (no row: no feed; renewing replaces the hash)."""

    __tablename__ = "calendar_feeds"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # hex SHA-256 of the token
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
