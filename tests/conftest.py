"""Shared fixtures: a migrated database on SQLite (always) and PostgreSQL (when one answers), and
seeded random generators.

`db` is parametrised over both back ends (tests/pages/conftest.py narrows it to SQLite for page
tests). Each back end gets one fresh database per test run (a temp SQLite file; a uniquely named
PostgreSQL database, dropped at the end), migrated once; every test that takes one starts by
deleting all rows, so tests start empty and stay independent. The helpers behind them live in
tests/support/db.py.

Passwords are hashed with a cheap scrypt cost in this process (the product's cost, scrypt 2^17, is ~0.3 s a
hash, and most tests make three or four accounts); the browser tests keep the real cost, since the
server they start verifies the passwords their fixtures hash.

No training slot is kept for leaders' runs unless a test asks for one (`STUDY_LAB_LEADER_SLOTS=0`
here and in the servers and workers tests start), and one job trains at a time unless a test asks
for more (`STUDY_LAB_SLOTS=1`; the default follows the machine's cores): the queue's tests count
slots exactly, and the leaders' slot and the default have tests of their own.
"""

from __future__ import annotations

import importlib
import os
import random
import sys

import pytest

from core.accounts import members
from db.engine import Database
from db.migrate import upgrade
from tests.support.db import PG_SKIP_REASON, create_pg_database, drop_pg_database, pg_admin_url, wipe

SEED = 0
os.environ.setdefault("STUDY_LAB_LEADER_SLOTS", "0")
os.environ.setdefault("STUDY_LAB_SLOTS", "1")
CHEAP_SCRYPT = {**members.SCRYPT, "n": 2**4}  # same algorithm and sizes, a trivial work factor


@pytest.fixture(autouse=True)
def _seeded():
    """Every test starts from the same random state (Python's, and numpy's and torch's when loaded)."""
    random.seed(SEED)
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed(SEED)
    if "torch" in sys.modules:
        # import_module waits for an import in progress (the Lab engine's warm-up thread, started
        # by an earlier page test, may be importing torch right now) instead of seeing it half-made
        importlib.import_module("torch").manual_seed(SEED)


@pytest.fixture(autouse=True)
def _cheap_password_hashing(request, monkeypatch):
    if request.node.get_closest_marker("e2e") is None:
        monkeypatch.setattr(members, "SCRYPT", CHEAP_SCRYPT)


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
    wipe(database)  # before, not after: the next user of the database wipes it again anyway
    return database


@pytest.fixture
def sqlite_db(sqlite_database) -> Database:
    """A migrated, empty SQLite Database (for tests that need only one back end)."""
    wipe(sqlite_database)
    return sqlite_database
