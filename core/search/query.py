"""Search: ranked hits with highlighted snippets, only among what the reader may see.

The index finds the rows where every word of the query (or one of its spellings: stems, glossary
synonyms) occurs: `LIKE '%word%'` on folded text, served by the pg_trgm GIN index on PostgreSQL
and narrowed by the FTS5 trigram table on SQLite (a word under three characters, common in
Korean: "주의", "위치", has no trigram and is matched by LIKE alone). Ranking is computed here, the
same on both back ends: per word its best spelling's weight times a saturating count (title
counts double, long bodies count less), plus a bonus when the query appears as typed.

Who sees what: guests see weeks, notes and Q&A; members also retrospectives they may read
(core.curriculum.retros.can_read) and reviews they may read (core.reviews.queries.visible_clause:
others' reviews of a paper only once their own is submitted). Archived weeks and what hangs on
them are left out, as on the curriculum pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select, text
from sqlalchemy.orm import Session

from core.accounts.members import Actor
from core.curriculum.retros import can_read
from core.curriculum.weeks import week_title
from core.reviews.queries import visible_clause
from core.search.index import FTS, SOURCES, fts_ready
from core.search.snippet import Snippet, highlight, make_snippet
from core.search.terms import Group, groups_of
from core.search.text import fold
from core.validate import text as check_text
from db.models.curriculum import Retro, Week
from db.models.members import Member
from db.models.reviews import Review
from db.models.search import SearchDoc

MAX_QUERY = 200  # characters typed in a search box
MAX_RESULTS = 50
MAX_CANDIDATES = 1000  # rows ranked per query (the most recently written first)
RESULT_KINDS = ("week", "note", "question", "review", "retro")
PUBLIC_KINDS = ("week", "note", "question")
TITLE_WEIGHT, K1, B, PHRASE_BONUS = 2.0, 1.2, 0.75, 1.0
_ORDER = {k: i for i, k in enumerate(RESULT_KINDS)}


@dataclass(frozen=True)
class Hit:
    """One result: what opens (`kind`, `id`; a question found through an answer is the question),
    its week, title (highlighted), snippet, score, and the author for a retrospective."""

    kind: str
    id: int
    week_id: int | None
    title: str
    snippet: Snippet
    score: float
    title_marks: Snippet | None = None
    author: str = ""
    via_answer: bool = False


def _like(word: str):
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return SearchDoc.folded.like(f"%{escaped}%", escape="\\")


def _fts_match(groups: list[Group]) -> str | None:
    """An FTS5 query for the groups whose every spelling has a trigram (three characters or more)."""
    parts = []
    for g in groups:
        if all(len(s) >= 3 for s in g.texts):
            parts.append("(" + " OR ".join('"' + s.replace('"', '""') + '"' for s in g.texts) + ")")
    return " AND ".join(parts) or None


def _doc_kinds(by: Actor | None, kinds) -> list[str]:
    allowed = RESULT_KINDS if by is not None else PUBLIC_KINDS
    wanted = [k for k in (kinds or RESULT_KINDS) if k in allowed]
    return wanted + (["answer"] if "question" in wanted else [])


_COLUMNS = (
    SearchDoc.id,
    SearchDoc.kind,
    SearchDoc.ref_id,
    SearchDoc.parent_id,
    SearchDoc.week_id,
    SearchDoc.folded,
)


def _candidates(session: Session, by, groups, doc_kinds, week_ids, tagged: bool) -> list:
    """Matching index rows (without their text for snippets), newest first, at most MAX_CANDIDATES."""
    q = select(*_COLUMNS).where(SearchDoc.kind.in_(doc_kinds))
    in_weeks = SearchDoc.week_id.in_(sorted(week_ids))
    # reviews hang on no week; a question may hang on a seminar without one
    q = q.where(in_weeks if tagged else or_(in_weeks, SearchDoc.week_id.is_(None) & SearchDoc.kind.in_(
        ("review", "question", "answer"))))  # fmt: skip
    if "review" in doc_kinds:
        q = q.where(
            or_(SearchDoc.kind != "review", SearchDoc.ref_id.in_(select(Review.id).where(visible_clause(by))))
        )
    for g in groups:
        q = q.where(or_(*[_like(s) for s in g.texts]))
    match = _fts_match(groups)
    if match and fts_ready(session.connection()):
        q = q.where(
            SearchDoc.id.in_(text(f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH :m").bindparams(m=match))
        )
    q = q.order_by(SearchDoc.updated_at.desc(), SearchDoc.id.desc()).limit(MAX_CANDIDATES)
    return list(session.execute(q))


def _saturated(count: int, length: int, avg: float) -> float:
    return count * (K1 + 1) / (count + K1 * (1 - B + B * length / avg)) if count else 0.0


def _score(doc, groups: list[Group], phrase: str, avg: float) -> float:
    body = doc.folded
    title = body.partition("\n")[0]  # folded is fold(title + "\n" + body); titles are one line
    total = 0.0
    for g in groups:
        best = 0.0
        for spelling, weight in g.spellings:
            in_title = title.count(spelling)
            in_body = body.count(spelling) - in_title
            value = TITLE_WEIGHT * _saturated(in_title, 1, 1) + _saturated(in_body, len(body), avg)
            best = max(best, weight * value)
        total += best
    if phrase and len(groups) > 1 and phrase in body:
        total += PHRASE_BONUS
    return total


def _readable(session: Session, by: Actor | None, docs: list) -> list:
    """The candidates whose source still exists and that `by` may read (retrospectives)."""
    ids: dict[str, list[int]] = {}
    for d in docs:
        ids.setdefault(d.kind, []).append(d.ref_id)
    alive = {
        kind: set(session.scalars(select(SOURCES[kind].id).where(SOURCES[kind].id.in_(refs))))
        for kind, refs in ids.items()
    }
    retros = {r.id: r for r in session.scalars(select(Retro).where(Retro.id.in_(ids.get("retro", []))))}
    return [
        d
        for d in docs
        if d.ref_id in alive.get(d.kind, ()) and (d.kind != "retro" or can_read(by, retros[d.ref_id]))
    ]


def _authors(session: Session, docs: list) -> dict[int, str]:
    retro_ids = [d.ref_id for d in docs if d.kind == "retro"]
    if not retro_ids:
        return {}
    q = (
        select(Retro.id, Member.display_name)
        .join(Member, Member.id == Retro.author_id)
        .where(Retro.id.in_(retro_ids))
    )
    return dict(session.execute(q).all())


def search(
    *,
    session: Session,
    query: str,
    by: Actor | None = None,
    tag: str | None = None,
    kinds=None,
    lang: str = "ko",
    limit: int = MAX_RESULTS,
    field: str = "search.query",
) -> list[Hit]:
    """Hits for `query` (every word must match) among what `by` may read, best first; `tag`
    keeps what hangs on weeks with that tag; `kinds` limits the result kinds. A query longer than
    MAX_QUERY is refused (FieldError on `field`, the label of the box it was typed in)."""
    check_text(query, field, max_len=MAX_QUERY, required=False)
    groups = groups_of(query)
    tag = (tag or "").strip().lower() or None
    if not groups and not tag:
        return []
    weeks = {w.id: w for w in session.scalars(select(Week).where(Week.archived.is_(False)))}
    week_ids = {i for i, w in weeks.items() if tag is None or f",{tag}," in (w.tags or "")}
    docs = _candidates(session, by, groups, _doc_kinds(by, kinds), week_ids, tag is not None)
    docs = _readable(session, by, docs)
    avg = max(1.0, sum(len(d.folded) for d in docs) / len(docs)) if docs else 1.0
    spellings = [g.texts for g in groups]
    phrase = fold(" ".join(g.typed for g in groups))
    scored: dict[tuple[str, int], tuple[float, object]] = {}
    for d in docs:
        key = ("question", d.parent_id) if d.kind == "answer" else (d.kind, d.ref_id)
        score = _score(d, groups, phrase, avg) if groups else 0.0
        if key not in scored or scored[key][0] < score:
            scored[key] = (score, d)
    # best first; equals by kind (weeks, notes, questions, ...), then as found (newest first)
    order = {key: i for i, key in enumerate(scored)}
    ranked = sorted(scored, key=lambda k: (-scored[k][0], _ORDER[k[0]], order[k]))[:limit]
    top = [scored[k][1] for k in ranked]
    authors = _authors(session, top)
    texts = {
        row.id: row
        for row in session.execute(
            select(SearchDoc.id, SearchDoc.title, SearchDoc.body).where(SearchDoc.id.in_([d.id for d in top]))
        )
    }
    hits = []
    for (kind, ref), d in zip(ranked, top, strict=True):
        title = (
            week_title(weeks[d.week_id], lang) if kind == "week" and d.week_id in weeks else texts[d.id].title
        )
        hits.append(
            Hit(
                kind=kind,
                id=ref,
                week_id=d.week_id,
                title=title,
                snippet=make_snippet(texts[d.id].body, spellings),
                score=scored[(kind, ref)][0],
                title_marks=highlight(title, spellings),
                author=authors.get(d.ref_id, "") if d.kind == "retro" else "",
                via_answer=d.kind == "answer",
            )
        )
    return hits
