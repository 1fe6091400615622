"""Shared fixtures: a migrated database on SQLite (always) and PostgreSQL (when one answers).

`db` is parametrised over both back ends. Each back end gets one fresh database per test run
(a temp SQLite file; a uniquely named PostgreSQL database, dropped at the end), migrated once;
after every test all rows are deleted, so tests start empty and stay independent.
"""

from __future__ import annotations

import os
import socket
import uuid
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, text

from db.base import Base
from db.engine import Database
from db.migrate import upgrade

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def pg_admin_url() -> str | None:
    """TEST_DATABASE_URL, or the local server when 127.0.0.1:5432 answers; else None."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
            return DEFAULT_PG
    except OSError:
        return None


PG_SKIP_REASON = "PostgreSQL not reachable (set TEST_DATABASE_URL or start one on 127.0.0.1:5432)"


def _with_db_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    return parts._replace(path=f"/{name}").geturl()


@pytest.fixture(scope="session")
def pg_server():
    """An admin URL for PostgreSQL, or skip with a visible reason."""
    url = pg_admin_url()
    if url is None:
        pytest.skip(PG_SKIP_REASON)
    return url


def create_pg_database(admin_url: str) -> str:
    """Create a uniquely named database next to the admin one; returns its URL."""
    name = f"study_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return _with_db_name(admin_url, name)


def drop_pg_database(admin_url: str, url: str) -> None:
    """Drop a database made by create_pg_database."""
    name = urlsplit(url).path.lstrip("/")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_database(tmp_path_factory):
    database = Database(f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}")
    upgrade(database.engine)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def postgres_database(pg_server):
    url = create_pg_database(pg_server)
    database = Database(url)
    upgrade(database.engine)
    yield database
    database.dispose()
    drop_pg_database(pg_server, url)


def wipe(database: Database) -> None:
    """Delete every row (schema stays), so the next test starts empty."""
    with database.engine.begin() as conn:
        if database.dialect == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request) -> Database:
    """A migrated, empty Database on each back end."""
    database = request.getfixturevalue(f"{request.param}_database")
    wipe(database)
    yield database
    wipe(database)


@pytest.fixture
def sqlite_db(sqlite_database) -> Database:
    """A migrated, empty SQLite Database (for tests that need only one back end)."""
    wipe(sqlite_database)
    yield sqlite_database
    wipe(sqlite_database)
