"""PostgreSQL connections are pinged before use only after lying idle (db/engine.py): one in use
moments ago goes straight to work (no round trip per transaction), one idle past PING_IDLE_S is
pinged, and one the server dropped meanwhile is replaced without the caller seeing an error.
Skipped with the reason where no PostgreSQL answers."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from db import engine as db_engine
from db.engine import PING_IDLE_S, Database
from tests.support.db import create_pg_database, drop_pg_database

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg(pg_server, monkeypatch):
    """A fresh Database (its own pool), a clock the test moves, and a count of the pings."""
    url = create_pg_database(pg_server)
    db = Database(url)
    now = [1000.0]
    monkeypatch.setattr(db_engine, "clock", lambda: now[0])
    pings: list[int] = []
    real = db.engine.dialect.do_ping
    monkeypatch.setattr(db.engine.dialect, "do_ping", lambda conn: (pings.append(1), real(conn))[1])
    yield db, now, pings
    db.dispose()
    drop_pg_database(pg_server, url)


def backend_pid(db: Database) -> int:
    with db.read() as s:
        return s.scalar(text("SELECT pg_backend_pid()"))


def test_a_connection_in_use_moments_ago_is_not_pinged(pg):
    db, now, pings = pg
    pids = set()
    for _ in range(10):
        pids.add(backend_pid(db))
        now[0] += PING_IDLE_S / 2
    assert pings == [] and len(pids) == 1  # one pooled connection, reused, no round trip before use


def test_an_idle_connection_is_pinged_once_and_kept_when_it_answers(pg):
    db, now, pings = pg
    first = backend_pid(db)
    now[0] += PING_IDLE_S + 1
    assert backend_pid(db) == first and len(pings) == 1
    assert backend_pid(db) == first and len(pings) == 1  # in use again: trusted


def test_an_idle_connection_the_server_dropped_is_replaced_unseen(pg, pg_server):
    db, now, pings = pg
    first = backend_pid(db)
    with Database(pg_server).engine.connect() as admin:  # the server ends that session
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        admin.commit()
    now[0] += PING_IDLE_S + 1
    second = backend_pid(db)  # no error reaches the caller
    assert second != first and len(pings) == 1
