"""Paper reviews: papers, versioned review templates, reviews with drafts, revisions,
comments, and assignments.

Weeks are stored as a plain integer `week_no` (no foreign key to the curriculum tables), so this
domain migrates and runs on its own.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, utcnow

REVIEW_STATUSES = ("draft", "submitted", "returned", "resubmitted", "approved")


class Paper(Base):
    """A paper the group reads. `norm_title`, `arxiv_id` and `doi` find duplicates."""

    __tablename__ = "papers"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    norm_title: Mapped[str] = mapped_column(String(500), index=True)
    authors: Mapped[str] = mapped_column(Text, default="")  # "A. Name, B. Name" in order
    venue: Mapped[str] = mapped_column(String(200), default="")
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    url: Mapped[str] = mapped_column(String(2000), default="")
    arxiv_id: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    doi: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    bibtex: Mapped[str] = mapped_column(Text, default="")
    added_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class ReviewTemplate(Base):
    """A named review template; its fields live in immutable TemplateVersion rows."""

    __tablename__ = "review_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_ko: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    description_ko: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    versions: Mapped[list[TemplateVersion]] = relationship(
        back_populates="template", order_by="TemplateVersion.number"
    )

    __mapper_args__ = {"version_id_col": version}


class TemplateVersion(Base):
    """One frozen field list of a template; reviews point at the version they were written with."""

    __tablename__ = "template_versions"
    __table_args__ = (UniqueConstraint("template_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("review_templates.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    fields: Mapped[list] = mapped_column(JSON)  # validated by core.reviews.templates.TemplateSchema
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    template: Mapped[ReviewTemplate] = relationship(back_populates="versions")


class Review(Base):
    """One member's review of one paper. `answers` is the last submitted content; the working
    copy the member types into lives in ReviewDraft, so autosaves never touch this row."""

    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("paper_id", "author_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    template_version_id: Mapped[int] = mapped_column(ForeignKey("template_versions.id"))
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    search_text: Mapped[str] = mapped_column(Text, default="")  # case-folded answers, for search
    week_no: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    lab_run_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    helpfulness: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(nullable=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    template_version: Mapped[TemplateVersion] = relationship()
    draft: Mapped[ReviewDraft] = relationship(back_populates="review", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}


class ReviewDraft(Base):
    """The working copy of a review, saved as the author types (its own version counter, so a
    leader's action on the review never makes the author's autosave stale)."""

    __tablename__ = "review_drafts"

    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    review: Mapped[Review] = relationship(back_populates="draft")

    __mapper_args__ = {"version_id_col": version}


class ReviewRevision(Base):
    """Submitted content, one row per submit / resubmit / saved edit after submitting."""

    __tablename__ = "review_revisions"
    __table_args__ = (UniqueConstraint("review_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    answers: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReviewComment(Base):
    """A Markdown comment on a review; `kind` marks feedback that returned or approved it."""

    __tablename__ = "review_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), nullable=True
    )
    kind: Mapped[str] = mapped_column(String(10), default="comment")  # comment | return | approve
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Assignment(Base):
    """A leader asks a member to review a paper by a date, in a curriculum week (plain number)."""

    __tablename__ = "review_assignments"
    __table_args__ = (UniqueConstraint("paper_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    template_id: Mapped[int | None] = mapped_column(
        ForeignKey("review_templates.id", ondelete="SET NULL"), nullable=True
    )
    due_on: Mapped[date] = mapped_column(Date)
    week_no: Mapped[int | None] = mapped_column(Integer, nullable=True)
    assigned_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
