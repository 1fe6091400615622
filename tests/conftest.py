"""Shared fixtures: a migrated database on SQLite (always) and PostgreSQL (when one answers), and
seeded random generators.

`db` is parametrised over both back ends (tests/pages/conftest.py narrows it to SQLite for page
tests). Each back end gets one fresh database per test run (a temp SQLite file; a uniquely named
PostgreSQL database, dropped at the end), migrated once; after every test all rows are deleted,
so tests start empty and stay independent. The helpers behind them live in tests/support/db.py.
"""

from __future__ import annotations

import random
import sys

import pytest

from db.engine import Database
from db.migrate import upgrade
from tests.support.db import PG_SKIP_REASON, create_pg_database, drop_pg_database, pg_admin_url, wipe

SEED = 0


@pytest.fixture(autouse=True)
def _seeded():
    """Every test starts from the same random state (Python's, and numpy's and torch's when loaded)."""
    random.seed(SEED)
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed(SEED)
    if "torch" in sys.modules:
        sys.modules["torch"].manual_seed(SEED)


@pytest.fixture(scope="session")
def pg_server():
    """An admin URL for PostgreSQL, or skip with a visible reason."""
    url = pg_admin_url()
    if url is None:
        pytest.skip(PG_SKIP_REASON)
    return url


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
