"""Search across weeks, notes and Q&A (titles and bodies, Korean and English), with a tag filter.

Every word of the query must appear (case-insensitive substring, so a Korean stem also finds the
word with its particle: "어텐션" finds "어텐션을"). Notes and questions take the tags of their week
(a seminar's question, the tags of the seminar's week). Retrospectives are never searched: their
visibility is per reader. Archived weeks and what hangs on them are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Text, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from core.curriculum.weeks import week_title
from core.validate import text as check_text
from db.models.curriculum import Answer, Note, Question, Seminar, Week

MAX_QUERY = 200  # characters typed in the search box
MAX_TERMS = 8
MAX_RESULTS = 100
SNIPPET = 80


@dataclass(frozen=True)
class Hit:
    """One search result: kind ('week' | 'note' | 'question'), ids, title and a snippet."""

    kind: str
    id: int
    week_id: int | None
    title: str
    snippet: str


def terms_of(query: str) -> list[str]:
    """The query's words, lower-cased (at most MAX_TERMS)."""
    return [w.lower() for w in (query or "").split()][:MAX_TERMS]


def _all_terms(terms: list[str], *cols):
    # Each term in at least one of the columns; lower() is Unicode-aware on PostgreSQL and
    # ASCII-only on SQLite, which is enough: Hangul has no case.
    return and_(
        *[or_(*[func.lower(cast(c, Text)).contains(t, autoescape=True) for c in cols]) for t in terms]
    )


def _snippet(text: str, terms: list[str]) -> str:
    flat = " ".join((text or "").split())
    low = flat.lower()
    pos = min((p for p in (low.find(t) for t in terms) if p >= 0), default=0)
    start = max(0, pos - SNIPPET // 2)
    piece = flat[start : start + SNIPPET]
    return ("…" if start else "") + piece + ("…" if start + SNIPPET < len(flat) else "")


def search(*, session: Session, query: str, tag: str | None = None, lang: str = "ko") -> list[Hit]:
    """Weeks, notes and questions matching every word of `query` (and `tag`, when given); a
    query over MAX_QUERY characters is refused (FieldError)."""
    check_text(query, "cur.search.query", max_len=MAX_QUERY, required=False)
    terms = terms_of(query)
    tag = (tag or "").strip().lower() or None
    if not terms and not tag:
        return []
    weeks = {w.id: w for w in session.scalars(select(Week).where(Week.archived.is_(False)))}
    tagged = {wid for wid, w in weeks.items() if tag is None or f",{tag}," in (w.tags or "")}
    hits: list[Hit] = []

    q = select(Week).where(Week.id.in_(tagged)).order_by(Week.number)
    if terms:
        q = q.where(_all_terms(terms, Week.title_ko, Week.title_en, Week.goals, Week.summary, Week.tags))
    for w in session.scalars(q):
        hits.append(Hit("week", w.id, w.id, week_title(w, lang), _snippet(w.summary or w.goals, terms)))

    q = select(Note).where(Note.week_id.in_(tagged)).order_by(Note.created_at.desc())
    if terms:
        q = q.where(_all_terms(terms, Note.title, Note.body))
    for n in session.scalars(q):
        hits.append(Hit("note", n.id, n.week_id, n.title, _snippet(n.body, terms)))

    seminar_week = dict(session.execute(select(Seminar.id, Seminar.week_id)).all())
    q = select(Question).order_by(Question.created_at.desc())
    if terms:
        # A question matches through its own text or any of its answers.
        answered = select(Answer.question_id).where(_all_terms(terms, Answer.body))
        q = q.where(or_(_all_terms(terms, Question.title, Question.body), Question.id.in_(answered)))
    for question in session.scalars(q):
        week_id = question.week_id or seminar_week.get(question.seminar_id)
        if week_id is not None and week_id not in weeks:
            continue  # hangs on an archived week
        if tag is not None and week_id not in tagged:
            continue
        hits.append(Hit("question", question.id, week_id, question.title, _snippet(question.body, terms)))
    return hits[:MAX_RESULTS]
