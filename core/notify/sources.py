"""One call per event, made by the service where the event happens, inside its transaction:
who hears about it, under which unique key, with which words and which page to open."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from core.accounts.members import Actor
from core.notify.outbox import active_members, emit
from core.timezone import group_zone, write_time
from db.models.curriculum import Answer, Question, Seminar
from db.models.reviews import Assignment, Paper, Review, ReviewComment


def when_text(session: Session, moment: datetime) -> str:
    """A seminar's start as the group reads it ("2026-12-05 19:00 KST")."""
    return write_time(moment, group_zone(session=session), "named")


def _paper_title(session: Session, paper_id: int) -> str:
    paper = session.get(Paper, paper_id)
    return paper.title if paper is not None else ""


def assigned(session: Session, rows: Iterable[Assignment], *, by: Actor) -> None:
    """A leader assigned (or re-dated) a paper: each member hears once per due date."""
    for row in rows:
        emit(
            session,
            "assigned",
            to=[row.member_id],
            ref=f"{row.paper_id}:{row.due_on.isoformat()}",
            params={"paper": _paper_title(session, row.paper_id), "due": row.due_on.isoformat()},
            page="write-review",
            query={"paper": row.paper_id},
            skip=by.id,
        )


def review_decided(session: Session, event: str, review: Review, *, by: Actor) -> None:
    """A leader returned ("returned") or approved ("approved") a review: its author hears."""
    emit(
        session,
        event,
        to=[review.author_id],
        ref=f"{review.id}:{review.updated_at.isoformat()}",
        params={"paper": _paper_title(session, review.paper_id), "by": by.display_name},
        page="write-review",
        query={"paper": review.paper_id},
        skip=by.id,
    )


def commented(session: Session, review: Review, comment: ReviewComment, *, by: Actor) -> None:
    """A comment on a review: the author hears of a leader's, the leaders of the author's."""
    to_author = review.author_id != by.id
    emit(
        session,
        "comment",
        to=[review.author_id] if to_author else active_members(session, leaders_only=True),
        ref=str(comment.id),
        params={"paper": _paper_title(session, review.paper_id), "by": by.display_name},
        page="write-review" if to_author else "reviews",
        query={"paper": review.paper_id} if to_author else {"review": review.id},
        skip=by.id,
    )


def seminar_created(session: Session, seminar: Seminar, *, by: Actor) -> None:
    """A new seminar: every active member hears."""
    emit(
        session,
        "new_seminar",
        to=active_members(session),
        ref=str(seminar.id),
        params={"title": seminar.title, "when": when_text(session, seminar.starts_at)},
        page="seminars",
        skip=by.id,
    )


def answered(session: Session, question: Question, reply: Answer, *, by: Actor) -> None:
    """An answer to a question: its asker hears (not of their own answer)."""
    emit(
        session,
        "answered",
        to=[question.author_id],
        ref=str(reply.id),
        params={"question": question.title, "by": by.display_name},
        page="qa",
        skip=by.id,
    )
