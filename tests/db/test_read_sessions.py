"""Database.read() on both back ends: it never writes (a flush of changes raises, nothing is
stored), and on PostgreSQL it holds no transaction open between statements (no BEGIN before and
no ROLLBACK after a read's queries), while a write session on the same pooled connection is a
real transaction again."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from db.engine import ReadOnlySession
from db.models.meta import AppMeta
from tests.support.db import wipe


@pytest.fixture
def pg_db(postgres_database):
    wipe(postgres_database)
    return postgres_database


def test_a_write_inside_a_read_session_raises_and_stores_nothing(db):
    with pytest.raises(ReadOnlySession):
        with db.read() as s:
            s.add(AppMeta(key="sneaky", value="x"))
            s.flush()
    with db.read() as s:
        assert s.scalar(select(AppMeta).where(AppMeta.key == "sneaky")) is None


def test_a_changed_object_in_a_read_session_is_not_written_by_a_later_query(db):
    with db.write() as s:
        s.add(AppMeta(key="shown", value="as stored"))
    with db.read() as s:
        row = s.scalar(select(AppMeta).where(AppMeta.key == "shown"))
        row.value = "changed for display"
        assert s.scalar(select(AppMeta.value).where(AppMeta.key == "shown")) == "as stored"  # no autoflush
    with db.read() as s:
        assert s.scalar(select(AppMeta.value).where(AppMeta.key == "shown")) == "as stored"


@pytest.mark.postgres
def test_a_postgresql_read_holds_no_transaction_and_a_write_after_it_still_rolls_back(pg_db):
    from psycopg.pq import TransactionStatus

    with pg_db.read() as s:
        s.execute(text("SELECT 1")).scalar()
        raw = s.connection().connection.dbapi_connection
        assert raw.info.transaction_status == TransactionStatus.IDLE  # nothing left to roll back
    with pytest.raises(RuntimeError, match="undone"):
        with pg_db.write() as s:  # most likely the same pooled connection, now transactional
            s.add(AppMeta(key="undone", value="x"))
            s.flush()
            raise RuntimeError("undone")
    with pg_db.read() as s:
        assert s.scalar(select(AppMeta).where(AppMeta.key == "undone")) is None
