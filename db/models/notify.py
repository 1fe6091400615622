"""Notification tables: each notice a member gets (the inbox), what they chose to receive where
(preferences and channel addresses), and the outbox of deliveries to Discord, Slack and e-mail.

A notice's `key` is unique: the same event for the same member is recorded once, whichever app
process (or periodic check) noticed it first. Each delivery row is claimed by one sender before it
is sent (core/notify/sender.py), so it goes out once even with several app processes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, utcnow

DELIVERY_STATUSES = ("pending", "sending", "sent", "failed")


class Notice(Base):
    """One event for one member; `in_inbox` is False when the member turned the inbox off for it."""

    __tablename__ = "notify_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200), unique=True)  # "<event>:<what>:<member id>"
    event: Mapped[str] = mapped_column(String(20))
    params: Mapped[dict] = mapped_column(JSON, default=dict)  # filled into the event's text
    page: Mapped[str] = mapped_column(String(40), default="")  # a page key (ui/shell/nav.py)
    query: Mapped[dict] = mapped_column(JSON, default=dict)  # that page's query string
    in_inbox: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(nullable=True)

    __table_args__ = (Index("ix_notify_notices_member_read", "member_id", "read_at"),)


class NotifyPref(Base):
    """A member's choice for one event on one channel (no row: the default, on)."""

    __tablename__ = "notify_prefs"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    event: Mapped[str] = mapped_column(String(20), primary_key=True)
    channel: Mapped[str] = mapped_column(String(10), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)


class NotifyChannel(Base):
    """Where a member's outbound channel sends: a webhook URL or an e-mail address."""

    __tablename__ = "notify_channels"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(10), primary_key=True)
    address: Mapped[str] = mapped_column(String(2000))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Delivery(Base):
    """One notice to one outbound channel: pending until a sender claims it (`claim`), then sent,
    or pending again with a later `next_at` after a failure, or failed after the last attempt."""

    __tablename__ = "notify_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notify_notices.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(10))
    address: Mapped[str] = mapped_column(String(2000))  # as the member had it when the event happened
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_at: Mapped[datetime] = mapped_column(default=utcnow)
    claim: Mapped[str | None] = mapped_column(String(32), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("notice_id", "channel", name="uq_notify_outbox_notice_id_channel"),
        Index("ix_notify_outbox_status_next_at", "status", "next_at"),
    )
