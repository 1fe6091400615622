"""Curriculum tables: weeks with materials and notes, seminars with attendance, peer Q&A and
retrospectives (회고). Editable rows carry `version` (optimistic concurrency)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.codes import CODE_ALPHABET, CODE_LEN, new_code
from db.base import Base, utcnow
from db.models.members import Member

MATERIAL_KINDS = ("paper", "lecture", "slides", "code", "link")
ATTENDANCE_STATUSES = ("present", "late", "absent", "excused")
RETRO_VISIBILITY = ("leaders", "group")  # "only me and leaders" | "the whole group"
# A seminar's check-in code is one of the app's short codes (core/codes.py).
CHECKIN_CODE_ALPHABET = CODE_ALPHABET
CHECKIN_CODE_LEN = CODE_LEN


def new_checkin_code() -> str:
    """A fresh random check-in code."""
    return new_code()


class Week(Base):
    """One curriculum week. `number` orders the weeks (reordering swaps numbers)."""

    __tablename__ = "cur_weeks"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer)
    title_ko: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    goals: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    # ",attention,rnn," form: a tag filter is one LIKE '%,tag,%' on every back end
    tags: Mapped[str] = mapped_column(String(500), default="")
    lab_preset: Mapped[str | None] = mapped_column(String(40), nullable=True)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Material(Base):
    """A paper, lecture, slide deck, code repository or link attached to a week."""

    __tablename__ = "cur_materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    week_id: Mapped[int] = mapped_column(ForeignKey("cur_weeks.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="link")
    title: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(2000), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Note(Base):
    """A member's Markdown + LaTeX note on a week."""

    __tablename__ = "cur_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    week_id: Mapped[int] = mapped_column(ForeignKey("cur_weeks.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    author: Mapped[Member] = relationship(Member, foreign_keys=[author_id], lazy="joined")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Seminar(Base):
    """A seminar: when, where (place or online link), who presents which paper."""

    __tablename__ = "cur_seminars"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    duration_min: Mapped[int] = mapped_column(Integer, default=90)
    place: Mapped[str] = mapped_column(String(200), default="")
    link: Mapped[str] = mapped_column(String(2000), default="")
    presenter_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), nullable=True)
    # A plain paper title/URL (the reviews domain keeps its own paper table).
    paper_title: Mapped[str] = mapped_column(String(300), default="")
    paper_url: Mapped[str] = mapped_column(String(2000), default="")
    slides_url: Mapped[str] = mapped_column(String(2000), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    week_id: Mapped[int | None] = mapped_column(
        ForeignKey("cur_weeks.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    presenter: Mapped[Member | None] = relationship(Member, lazy="joined")
    week: Mapped[Week | None] = relationship(Week, lazy="joined")
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Members type or scan it during the check-in window (core/curriculum/attendance.py).
    checkin_code: Mapped[str] = mapped_column(String(CHECKIN_CODE_LEN), unique=True, default=new_checkin_code)

    __mapper_args__ = {"version_id_col": version}


class Attendance(Base):
    """One member's attendance at one seminar (marked by a leader or by self check-in)."""

    __tablename__ = "cur_attendance"
    __table_args__ = (UniqueConstraint("seminar_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seminar_id: Mapped[int] = mapped_column(ForeignKey("cur_seminars.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    self_checked_in: Mapped[bool] = mapped_column(Boolean, default=False)
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    member: Mapped[Member] = relationship(Member, foreign_keys=[member_id], lazy="joined")


class CheckinMiss(Base):
    """How many wrong check-in codes one member typed for one seminar (a light rate limit)."""

    __tablename__ = "cur_checkin_misses"

    seminar_id: Mapped[int] = mapped_column(
        ForeignKey("cur_seminars.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    misses: Mapped[int] = mapped_column(Integer, default=0)


class Question(Base):
    """A peer question on a week or a seminar."""

    __tablename__ = "cur_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    week_id: Mapped[int | None] = mapped_column(
        ForeignKey("cur_weeks.id", ondelete="CASCADE"), nullable=True, index=True
    )
    seminar_id: Mapped[int | None] = mapped_column(
        ForeignKey("cur_seminars.id", ondelete="CASCADE"), nullable=True, index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    author: Mapped[Member] = relationship(Member, foreign_keys=[author_id], lazy="joined")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Answer(Base):
    """One answer to a question; at most one per question is `accepted`."""

    __tablename__ = "cur_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("cur_questions.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    body: Mapped[str] = mapped_column(Text)
    accepted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    author: Mapped[Member] = relationship(Member, foreign_keys=[author_id], lazy="joined")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Retro(Base):
    """A member's retrospective (회고) for a week; `visibility` is the author's choice."""

    __tablename__ = "cur_retros"
    __table_args__ = (UniqueConstraint("week_id", "author_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    week_id: Mapped[int] = mapped_column(ForeignKey("cur_weeks.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    visibility: Mapped[str] = mapped_column(String(10), default="leaders")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    author: Mapped[Member] = relationship(Member, foreign_keys=[author_id], lazy="joined")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
