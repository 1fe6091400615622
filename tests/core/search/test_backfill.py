"""Migration 0012 fills the index from rows written before it, and the first write after it makes
SQLite's FTS5 table from what the migration filled."""

import pytest
from sqlalchemy import text

from core.search.query import search
from db.engine import Database
from db.migrate import upgrade
from tests.support.db import create_pg_database, drop_pg_database

NOW = "2026-01-01 00:00:00"


def _old_rows(database: Database) -> None:
    with database.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO members (id, username, display_name, role, active, sign_in_epoch, language, "
                "created_at, version) VALUES (1, 'lee', '이', 'member', true, 0, 'ko', :now, 1)"
            ),
            {"now": NOW},
        )
        conn.execute(
            text(
                "INSERT INTO cur_weeks (id, number, title_ko, title_en, goals, summary, tags, archived, "
                "created_at, updated_at, version) VALUES (1, 1, '트랜스포머', '', '', '', '', false, :now, :now, 1)"
            ),
            {"now": NOW},
        )
        conn.execute(
            text(
                "INSERT INTO cur_notes (id, week_id, author_id, title, body, created_at, updated_at, version) "
                "VALUES (1, 1, 1, '메모', '어텐션을 $\\\\sqrt{d_k}$ 로 나눈다', :now, :now, 1)"
            ),
            {"now": NOW},
        )


def _check(database: Database) -> None:
    upgrade(database.engine, "0008")
    _old_rows(database)
    upgrade(database.engine)
    with database.read() as s:
        [hit] = search(session=s, query="어텐션")
        assert (hit.kind, hit.id) == ("note", 1) and "$" not in hit.snippet.text


def test_sqlite_backfill_then_fts_on_first_write(tmp_path):
    from core.curriculum import weeks as cur
    from tests.support.factories import make_leader

    database = Database(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        _check(database)
        with database.engine.connect() as conn:
            assert (
                conn.execute(text("SELECT name FROM sqlite_master WHERE name = 'search_fts'")).first() is None
            )
        leader = make_leader(database)
        with database.write() as s:
            cur.create_week(session=s, by=leader, title_ko="둘째 주")
        with database.engine.connect() as conn:
            rows = conn.execute(
                text("SELECT rowid FROM search_fts WHERE search_fts MATCH '\"어텐션\"'")
            ).all()
        assert len(rows) == 1  # the migration's rows went into the new FTS5 table
    finally:
        database.dispose()


@pytest.mark.postgres
@pytest.mark.slow  # a fresh PostgreSQL database, migrated twice over
def test_postgres_backfill(pg_server):
    url = create_pg_database(pg_server)
    database = Database(url)
    try:
        _check(database)
        with database.engine.connect() as conn:
            using = conn.execute(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_search_docs_trgm'")
            )
            assert "gin_trgm_ops" in using.scalar()
    finally:
        database.dispose()
        drop_pg_database(pg_server, url)
