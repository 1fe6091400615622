"""Peer Q&A on a week or a seminar: questions, several answers, an accepted answer, resolved.

Members ask and answer; authors edit their own posts (versioned). The question's author or a
leader accepts an answer (which also marks the question resolved) or marks it resolved.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts.members import Actor, require_member
from core.errors import NotFound, PermissionDenied
from core.notify import sources as notify
from core.validate import FieldError, check_version
from core.validate import text as check_text
from db.models.curriculum import Answer, Question, Seminar, Week

MAX_TITLE = 200  # Question.title String(200)
MAX_BODY = 50_000


def _get(session: Session, model, obj_id):
    obj = session.get(model, obj_id) if obj_id is not None else None
    if obj is None:
        raise NotFound()
    return obj


def get_question(*, session: Session, question_id: int) -> Question:
    """One question by id."""
    return _get(session, Question, question_id)


def list_questions(
    *, session: Session, week_id: int | None = None, seminar_id: int | None = None, open_only: bool = False
) -> list[Question]:
    """Questions, newest first; filtered to a week and/or a seminar when given."""
    q = select(Question).order_by(Question.created_at.desc(), Question.id.desc())
    if week_id is not None:
        q = q.where(Question.week_id == week_id)
    if seminar_id is not None:
        q = q.where(Question.seminar_id == seminar_id)
    if open_only:
        q = q.where(Question.resolved.is_(False))
    return list(session.scalars(q))


def list_answers(*, session: Session, question_id: int) -> list[Answer]:
    """A question's answers: the accepted one first, then oldest first."""
    return list(
        session.scalars(
            select(Answer)
            .where(Answer.question_id == question_id)
            .order_by(Answer.accepted.desc(), Answer.created_at, Answer.id)
        )
    )


def answer_counts(*, session: Session, question_ids: list[int]) -> dict[int, int]:
    """question id -> number of answers."""
    counts = dict.fromkeys(question_ids, 0)
    for qid in session.scalars(select(Answer.question_id).where(Answer.question_id.in_(question_ids))):
        counts[qid] += 1
    return counts


def ask(
    *,
    session: Session,
    by: Actor | None,
    title: str,
    body: str = "",
    week_id: int | None = None,
    seminar_id: int | None = None,
) -> Question:
    """A member asks a question about a week or a seminar (at least one of them)."""
    me = require_member(by)
    if week_id is None and seminar_id is None:
        raise FieldError("cur.qa.target", "common.error.required")
    if week_id is not None and session.get(Week, week_id) is None:
        raise FieldError("cur.qa.target", "cur.error.unknown_week")
    if seminar_id is not None and session.get(Seminar, seminar_id) is None:
        raise FieldError("cur.qa.target", "cur.error.unknown_seminar")
    question = Question(
        week_id=week_id,
        seminar_id=seminar_id,
        author_id=me.id,
        title=check_text(title, "cur.qa.title", max_len=MAX_TITLE),
        body=check_text(body, "cur.qa.body", max_len=MAX_BODY, required=False),
    )
    session.add(question)
    session.flush()
    return question


def update_question(
    *, session: Session, by: Actor | None, question_id: int, expected_version: int, title: str, body: str
) -> Question:
    """The author edits their question; refused (StaleEdit) if it changed meanwhile."""
    me = require_member(by)
    question = get_question(session=session, question_id=question_id)
    if question.author_id != me.id:
        raise PermissionDenied("cur.error.not_author")
    check_version(question, expected_version)
    question.title = check_text(title, "cur.qa.title", max_len=MAX_TITLE)
    question.body = check_text(body, "cur.qa.body", max_len=MAX_BODY, required=False)
    session.flush()
    return question


def answer(*, session: Session, by: Actor | None, question_id: int, body: str) -> Answer:
    """A member answers a question (several answers per question)."""
    me = require_member(by)
    question = get_question(session=session, question_id=question_id)
    reply = Answer(
        question_id=question_id, author_id=me.id, body=check_text(body, "cur.qa.answer", max_len=MAX_BODY)
    )
    session.add(reply)
    session.flush()
    notify.answered(session, question, reply, by=me)
    return reply


def update_answer(
    *, session: Session, by: Actor | None, answer_id: int, expected_version: int, body: str
) -> Answer:
    """The author edits their answer; refused (StaleEdit) if it changed meanwhile."""
    me = require_member(by)
    reply = _get(session, Answer, answer_id)
    if reply.author_id != me.id:
        raise PermissionDenied("cur.error.not_author")
    check_version(reply, expected_version)
    reply.body = check_text(body, "cur.qa.answer", max_len=MAX_BODY)
    session.flush()
    return reply


def _may_moderate(me: Actor, question: Question) -> None:
    if question.author_id != me.id and not me.is_leader:
        raise PermissionDenied("cur.error.asker_only")


def accept(*, session: Session, by: Actor | None, answer_id: int) -> Question:
    """The asker or a leader accepts one answer; the question becomes resolved."""
    me = require_member(by)
    reply = _get(session, Answer, answer_id)
    question = get_question(session=session, question_id=reply.question_id)
    _may_moderate(me, question)
    for other in list_answers(session=session, question_id=question.id):
        if other.accepted != (other.id == reply.id):
            other.accepted = other.id == reply.id
    question.resolved = True
    session.flush()
    return question


def set_resolved(*, session: Session, by: Actor | None, question_id: int, resolved: bool) -> Question:
    """The asker or a leader marks a question resolved (or opens it again)."""
    me = require_member(by)
    question = get_question(session=session, question_id=question_id)
    _may_moderate(me, question)
    if question.resolved != resolved:
        question.resolved = resolved
        session.flush()
    return question


def delete_answer(*, session: Session, by: Actor | None, answer_id: int) -> None:
    """The author or a leader deletes an answer."""
    me = require_member(by)
    reply = _get(session, Answer, answer_id)
    if reply.author_id != me.id and not me.is_leader:
        raise PermissionDenied("cur.error.not_author")
    session.delete(reply)
    session.flush()
