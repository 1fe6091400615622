"""Model Lab rooms: a seminar's shared space on the projector. A leader opens a room (a short code
participants type or scan), people join it under a nickname, and every run they start from the
Lab while in the room is listed there (live from the job queue, then as its stored `LabRun`).

A room ends when a leader closes it or when it expires; an ended room stays viewable (its runs
are stored), but nobody joins it or starts runs in it any more. The rules live in core/lab/rooms.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, utcnow

ROOM_STATUSES = ("open", "closed")
CHALLENGE_METRICS = ("val_token_acc", "val_seq_acc")  # held-out accuracy a challenge's target is on


class LabRoom(Base):
    """One room. `code` is what participants type (upper-case letters and digits, unambiguous)."""

    __tablename__ = "lab_rooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default="open")  # ROOM_STATUSES
    seminar_id: Mapped[int | None] = mapped_column(
        ForeignKey("cur_seminars.id", ondelete="SET NULL"), nullable=True, index=True
    )
    opened_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    expires_at: Mapped[datetime] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # The challenge: a preset's config (`to_dict(TrainConfig)`) every participant's Lab offers,
    # a held-out accuracy target on `challenge_metric`, and the leader's words for it.
    challenge_preset: Mapped[str] = mapped_column(String(40), default="")
    challenge_config: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    challenge_metric: Mapped[str] = mapped_column(String(20), default="val_token_acc")
    challenge_target: Mapped[float | None] = mapped_column(Float, nullable=True)  # 0..1
    challenge_goal: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class LabRoomMember(Base):
    """Someone in a room under a nickname: a member ("member:<id>") or a guest's browser
    ("guest:<hex>"), as `core.lab.jobs.policy.Participant.key`. `nickname_key` is the nickname
    folded for comparison (two people cannot take "Kim" and "kim" in one room)."""

    __tablename__ = "lab_room_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("lab_rooms.id", ondelete="CASCADE"), index=True)
    participant_key: Mapped[str] = mapped_column(String(80))
    nickname: Mapped[str] = mapped_column(String(40))
    nickname_key: Mapped[str] = mapped_column(String(80))
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), nullable=True, index=True
    )
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("room_id", "nickname_key", name="uq_lab_room_members_nickname"),
        UniqueConstraint("room_id", "participant_key", name="uq_lab_room_members_participant"),
    )


class LabRoomRun(Base):
    """A run started in a room: the job id while it trains, the stored run once it ended."""

    __tablename__ = "lab_room_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("lab_rooms.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("lab_room_members.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[str] = mapped_column(String(64), unique=True)
    run_id: Mapped[int | None] = mapped_column(
        ForeignKey("lab_runs.id", ondelete="SET NULL"), nullable=True, index=True
    )
    config: Mapped[dict[str, Any]] = mapped_column(JSON)  # what it trains (the leaderboard's diff)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
