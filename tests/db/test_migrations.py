"""Alembic: an empty database upgrades to head, downgrades to base, upgrades again; the models
match the migrations."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from db.base import Base
from db.engine import Database
from db.migrate import current_heads, downgrade, ours, script_heads, upgrade
from tests.support.db import create_pg_database, drop_pg_database


def _roundtrip(database: Database) -> None:
    upgrade(database.engine)
    assert current_heads(database.engine) == script_heads()
    tables = set(inspect(database.engine).get_table_names())
    assert {t.name for t in Base.metadata.sorted_tables} <= tables
    with database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"include_name": ours}), Base.metadata)
    assert diff == [], f"models and migrations differ: {diff[:5]}"
    upgrade(database.engine)  # idempotent
    downgrade(database.engine, "base")
    assert set(inspect(database.engine).get_table_names()) <= {"alembic_version"}
    upgrade(database.engine)
    assert current_heads(database.engine) == script_heads()


def test_sqlite_up_down_up(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'm.db'}")
    _roundtrip(database)
    database.dispose()


@pytest.mark.postgres
@pytest.mark.slow  # ~4 s; every PostgreSQL test session upgrades a fresh database anyway
def test_postgres_up_down_up(pg_server):
    url = create_pg_database(pg_server)
    database = Database(url)
    try:
        _roundtrip(database)
    finally:
        database.dispose()
        drop_pg_database(pg_server, url)
