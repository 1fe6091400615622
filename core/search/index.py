"""Keeping the search index in step with its sources, in the writer's own transaction.

Every ORM flush that adds, changes or deletes a week, note, question, answer, review or
retrospective (or a paper or seminar, whose title or week its rows carry) rewrites their rows
here before the transaction commits: a search never sees a note the database does not have, nor
misses one it has. Statements run through `Session.execute` on those tables (a restore's bulk
inserts) mark the session, and its commit rebuilds the whole index.

Why hooks and not database triggers: an uploaded SQLite backup with triggers is refused
(core/backup.py opens files only without views or triggers), and the index text is Markdown
made plain in Python (core/search/text.py), which SQL cannot do.

SQLite: an FTS5 table with the trigram tokenizer (`search_fts`, rowid = search_docs.id) is the
trigram index. It is made by the first write after the migration, not by the migration itself:
an FTS5 table brings shadow tables that Alembic's model comparison would take for stray tables.
Until it exists, queries use LIKE on search_docs, with the same results.
"""

from __future__ import annotations

from sqlalchemy import Connection, delete, event, insert, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from core.search import docs
from db.base import utcnow
from db.models.curriculum import Answer, Note, Question, Retro, Seminar, Week
from db.models.members import Member
from db.models.reviews import Paper, Review
from db.models.search import SearchDoc

FTS = "search_fts"
SOURCES = {
    "week": Week,
    "note": Note,
    "question": Question,
    "answer": Answer,
    "review": Review,
    "retro": Retro,
}
# Tables whose bulk statements (not ORM flushes) make the index rebuild on commit: the sources
# and the index itself on any change; papers and seminars (titles, weeks) on a change or delete;
# members only on a delete (their reviews go with them; names are not indexed).
WATCHED = frozenset({m.__tablename__ for m in SOURCES.values()} | {SearchDoc.__tablename__})
WATCHED_CHANGES = frozenset({Paper.__tablename__, Seminar.__tablename__})
WATCHED_DELETES = frozenset({Member.__tablename__})
_REBUILD = "search_index_rebuild"
_FTS_STATE = "search_fts_ready"


# --- the SQLite trigram index ---------------------------------------------------------------


def fts_ready(conn: Connection, *, create: bool = False) -> bool:
    """Whether this SQLite database has its FTS5 trigram table (made and filled when `create`)."""
    if conn.dialect.name != "sqlite":
        return False
    if conn.info.get(_FTS_STATE):
        return True
    exists = conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = :n"), {"n": FTS}).first() is not None
    if not exists and create:
        try:
            conn.execute(text(f"CREATE VIRTUAL TABLE {FTS} USING fts5(folded, tokenize='trigram')"))
        except OperationalError:  # an SQLite without FTS5 or its trigram tokenizer (< 3.34): LIKE only
            return False
        conn.execute(text(f"INSERT INTO {FTS}(rowid, folded) SELECT id, folded FROM search_docs"))
        exists = True
    if exists:
        conn.info[_FTS_STATE] = True
    return exists


def _fts_put(conn: Connection, doc_id: int, folded: str | None) -> None:
    if not fts_ready(conn, create=True):
        return
    conn.execute(text(f"DELETE FROM {FTS} WHERE rowid = :id"), {"id": doc_id})
    if folded is not None:
        conn.execute(text(f"INSERT INTO {FTS}(rowid, folded) VALUES (:id, :f)"), {"id": doc_id, "f": folded})


# --- rows ------------------------------------------------------------------------------------


def put(conn: Connection, row: dict, *, fts: bool = True) -> None:
    """Insert or replace the index row of one source row (and its FTS5 row, unless not `fts`)."""
    found = conn.execute(
        select(SearchDoc.id).where(SearchDoc.kind == row["kind"], SearchDoc.ref_id == row["ref_id"])
    ).scalar()
    values = {**row, "updated_at": utcnow()}
    if found is None:
        found = conn.execute(insert(SearchDoc).values(**values)).inserted_primary_key[0]
    else:
        conn.execute(update(SearchDoc).where(SearchDoc.id == found).values(**values))
    if fts:
        _fts_put(conn, found, row["folded"])


def drop(conn: Connection, kind: str, ref_ids: list[int]) -> None:
    """Remove the index rows of these source rows."""
    if not ref_ids:
        return
    where = (SearchDoc.kind == kind, SearchDoc.ref_id.in_(ref_ids))
    for doc_id in conn.execute(select(SearchDoc.id).where(*where)).scalars().all():
        _fts_put(conn, doc_id, None)
    conn.execute(delete(SearchDoc).where(*where))


def prune(conn: Connection) -> None:
    """Remove rows whose source is gone (cascaded deletes the ORM did not see)."""
    for kind, model in SOURCES.items():
        conn.execute(
            delete(SearchDoc).where(SearchDoc.kind == kind, SearchDoc.ref_id.not_in(select(model.id)))
        )
    if fts_ready(conn):
        conn.execute(text(f"DELETE FROM {FTS} WHERE rowid NOT IN (SELECT id FROM search_docs)"))


def _seminar_weeks(conn: Connection, seminar_ids) -> dict[int, int | None]:
    ids = [i for i in seminar_ids if i is not None]
    if not ids:
        return {}
    return dict(conn.execute(select(Seminar.id, Seminar.week_id).where(Seminar.id.in_(ids))).all())


def _questions(conn: Connection, where) -> dict[int, tuple]:
    """question id -> (row, week id: its own or its seminar's) for the questions matching `where`."""
    questions = conn.execute(
        select(Question.id, Question.title, Question.body, Question.week_id, Question.seminar_id).where(where)
    ).all()
    weeks = _seminar_weeks(conn, {q.seminar_id for q in questions})
    return {q.id: (q, q.week_id if q.week_id is not None else weeks.get(q.seminar_id)) for q in questions}


def _answer_rows(conn: Connection, where) -> list[dict]:
    """Index rows for the answers matching `where`, titled and placed by their question."""
    answers = conn.execute(select(Answer.id, Answer.body, Answer.question_id).where(where)).all()
    found = _questions(conn, Question.id.in_({a.question_id for a in answers})) if answers else {}
    return [docs.answer_doc(a, found[a.question_id][0].title, found[a.question_id][1]) for a in answers]


def _question_rows(conn: Connection, where) -> list[dict]:
    """Index rows for the questions matching `where` and all their answers (which carry its title)."""
    found = _questions(conn, where)
    out = [docs.question_doc(q, week_id) for q, week_id in found.values()]
    return out + (_answer_rows(conn, Answer.question_id.in_(list(found))) if found else [])


def _review_rows(conn: Connection, where) -> list[dict]:
    rows = conn.execute(
        select(Review.id, Review.paper_id, Review.answers, Paper.title)
        .join(Paper, Paper.id == Review.paper_id)
        .where(where)
    ).all()
    return [docs.review_doc(r, r.title) for r in rows]


def rows_for(conn: Connection, kind: str, where=None) -> list[dict]:
    """Index rows of one kind built from the database (all of them when `where` is None)."""
    if kind == "week":
        q = select(Week.id, Week.title_ko, Week.title_en, Week.goals, Week.summary, Week.tags)
        return [docs.week_doc(w) for w in conn.execute(q if where is None else q.where(where))]
    if kind == "note":
        q = select(Note.id, Note.title, Note.body, Note.week_id)
        return [docs.note_doc(n) for n in conn.execute(q if where is None else q.where(where))]
    if kind == "retro":
        q = select(Retro.id, Retro.body, Retro.week_id)
        return [docs.retro_doc(r) for r in conn.execute(q if where is None else q.where(where))]
    if kind == "question":
        return _question_rows(conn, Question.id.is_not(None) if where is None else where)
    if kind == "answer":
        return _answer_rows(conn, Answer.id.is_not(None) if where is None else where)
    if kind == "review":
        return _review_rows(conn, Review.id.is_not(None) if where is None else where)
    raise ValueError(kind)


def rebuild(conn: Connection, *, fts: bool = True) -> int:
    """Make the whole index again from its sources (after a restore, or by hand); returns rows.
    The migration passes `fts=False`: it leaves the SQLite FTS5 table to the first write."""
    conn.execute(delete(SearchDoc))
    if fts and fts_ready(conn):
        conn.execute(text(f"DELETE FROM {FTS}"))
    rows = [row for kind in ("week", "note", "question", "review", "retro") for row in rows_for(conn, kind)]
    for row in rows:
        put(conn, row, fts=fts)
    return len(rows)


# --- the hooks -------------------------------------------------------------------------------


def _changed(session: Session) -> tuple[dict[str, set[int]], dict[str, set[int]], bool]:
    """(kind -> ids to rewrite, kind -> ids to drop, whether a cascade may have removed rows)."""
    put_ids: dict[str, set[int]] = {}
    drop_ids: dict[str, set[int]] = {}
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Paper):
            put_ids.setdefault("paper", set()).add(obj.id)
        elif isinstance(obj, Seminar):
            put_ids.setdefault("seminar", set()).add(obj.id)
        else:
            for kind, model in SOURCES.items():
                if isinstance(obj, model):
                    put_ids.setdefault(kind, set()).add(obj.id)
    cascade = False
    for obj in session.deleted:
        for kind, model in SOURCES.items():
            if isinstance(obj, model):
                drop_ids.setdefault(kind, set()).add(obj.id)
        cascade = cascade or isinstance(obj, Week | Question | Paper | Member | Seminar | Review)
    return put_ids, drop_ids, cascade


def sync(session: Session) -> None:
    """Rewrite the index rows of what this flush changed (called after every flush)."""
    put_ids, drop_ids, cascade = _changed(session)
    if not (put_ids or drop_ids or cascade):
        return
    conn = session.connection()
    for kind, ids in drop_ids.items():
        drop(conn, kind, sorted(ids))
        if kind == "question":
            drop(conn, "answer", conn.execute(select(SearchDoc.ref_id).where(
                SearchDoc.kind == "answer", SearchDoc.parent_id.in_(sorted(ids)))).scalars().all())  # fmt: skip
    rows: list[dict] = []
    for kind in ("week", "note", "retro", "answer"):
        if put_ids.get(kind):
            rows += rows_for(conn, kind, SOURCES[kind].id.in_(sorted(put_ids[kind])))
    question_ids = set(put_ids.get("question", set()))
    if put_ids.get("seminar"):
        question_ids |= set(
            conn.execute(
                select(Question.id).where(Question.seminar_id.in_(sorted(put_ids["seminar"])))
            ).scalars()
        )
    if question_ids:
        rows += rows_for(conn, "question", Question.id.in_(sorted(question_ids)))
    if put_ids.get("review") or put_ids.get("paper"):
        rows += rows_for(
            conn,
            "review",
            Review.id.in_(sorted(put_ids.get("review", set())))
            | Review.paper_id.in_(sorted(put_ids.get("paper", set()))),
        )
    for row in rows:
        put(conn, row)
    if cascade:
        prune(conn)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _flush_context) -> None:
    sync(session)


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    name = getattr(getattr(state.statement, "table", None), "name", None)
    if (
        name in WATCHED
        or (name in WATCHED_CHANGES and not state.is_insert)
        or (name in WATCHED_DELETES and state.is_delete)
    ):
        state.session.info[_REBUILD] = True


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.info.pop(_REBUILD, False):
        session.flush()
        rebuild(session.connection())
