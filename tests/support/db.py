"""Test databases: the PostgreSQL admin URL, per-run databases made and dropped, and `wipe`."""

from __future__ import annotations

import os
import socket
import uuid
from urllib.parse import urlsplit

from sqlalchemy import create_engine, text

from db.base import Base
from db.engine import Database

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PG_SKIP_REASON = "PostgreSQL not reachable (set TEST_DATABASE_URL or start one on 127.0.0.1:5432)"


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


def _with_db_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    return parts._replace(path=f"/{name}").geturl()


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


def wipe(database: Database) -> None:
    """Delete every row (schema stays), so the next test starts empty."""
    with database.engine.begin() as conn:
        if database.dialect == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
