"""Backup and restore: a JSON export of every table (any back end), a consistent online copy
of a SQLite file, and a restore into a database that holds no real data yet.

A restore checks everything before it writes: format marker, schema revision, known tables and
columns, and every row with the services' own rules (`core/backup_rules.py`). An uploaded SQLite
file is opened read-only, with no views or triggers, and its reading has a work budget. Any
problem raises an AppError and the caller's transaction rolls back, so a malformed, foreign or
crafted file changes nothing.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import tempfile
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Date, DateTime, Integer, LargeBinary, delete, func, insert, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

import db.models  # noqa: F401  (registers every table)
from core.accounts.members import Actor, require_leader
from core.backup_rules import check_row
from core.errors import AppError, InvalidInput
from db.base import Base, utcnow
from db.models.members import Member

FORMAT = "study-dashboard-backup"
FORMAT_VERSION = 1
MAX_BACKUP_BYTES = 64 * 1024 * 1024  # JSON parsing holds ~25x the file in memory: 64 MB -> ~1.6 GB peak
SQLITE_MAGIC = b"SQLite format 3\x00"
# Rows a backup leaves out: short-lived ones (sign-in counters, one-minute sign-in hand-off tickets)
# and derived ones (the search index, rebuilt from the restored rows when the restore commits).
TRANSIENT_TABLES = frozenset({"login_throttle", "auth_handoffs", "search_docs"})
SQLITE_STEP_BUDGET = 200_000  # progress-handler calls (x1000 VM steps) allowed for reading an uploaded file


class BackupError(AppError):
    """A backup file that cannot be restored; the key says why."""

    key = "backup.error.malformed"


def _schema_revision(session: Session) -> list[str]:
    try:
        rows = session.execute(text("SELECT version_num FROM alembic_version")).scalars()
        return sorted(rows)
    except SQLAlchemyError:
        return []


def _base(coltype):
    # TypeDecorators (e.g. UTCDateTime) encode like the type they wrap.
    return coltype.impl if isinstance(coltype, TypeDecorator) else coltype


def _encode(value, coltype):
    coltype = _base(coltype)
    if value is None:
        return None
    if isinstance(coltype, LargeBinary):
        return {"b64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _decode(value, coltype, where: str):
    coltype = _base(coltype)
    if value is None:
        return None
    try:
        if isinstance(coltype, LargeBinary):
            return base64.b64decode(value["b64"], validate=True)
        if isinstance(coltype, DateTime):
            return datetime.fromisoformat(value)
        if isinstance(coltype, Date):
            return date.fromisoformat(value)
        if isinstance(coltype, Integer) and not isinstance(value, int):
            raise TypeError("not an integer")
    except (TypeError, ValueError, KeyError) as exc:
        raise BackupError(detail=f"{where}: {exc}") from exc
    return value


def dump_tables(session: Session) -> dict:
    """Every table's rows as JSON-able data, with the schema revision."""
    tables = {}
    for table in Base.metadata.sorted_tables:
        if table.name in TRANSIENT_TABLES:
            continue
        cols = list(table.columns)
        rows = session.execute(select(*cols).order_by(*table.primary_key.columns)).all()
        tables[table.name] = {
            "columns": [c.name for c in cols],
            "rows": [[_encode(v, c.type) for v, c in zip(row, cols, strict=True)] for row in rows],
        }
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created_at": utcnow().isoformat(),
        "schema": _schema_revision(session),
        "tables": tables,
    }


def export_json(*, session: Session, by: Actor | None) -> bytes:
    """A leader's full JSON backup as bytes."""
    require_leader(by)
    return json.dumps(dump_tables(session), ensure_ascii=False).encode("utf-8")


def sqlite_snapshot(*, engine, by: Actor | None) -> bytes:
    """A consistent online copy of the SQLite database file (sqlite3 backup API)."""
    require_leader(by)
    if engine.dialect.name != "sqlite":
        raise InvalidInput("backup.error.not_sqlite")
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "copy.db"
        raw = engine.raw_connection()
        try:
            dst = sqlite3.connect(target)
            with dst:
                raw.driver_connection.backup(dst)
            dst.close()
        finally:
            raw.close()
        return target.read_bytes()


def is_restorable(*, session: Session) -> bool:
    """True while no account can sign in: the database holds at most demo content."""
    return (
        session.scalar(select(func.count()).select_from(Member).where(Member.password_hash.is_not(None))) == 0
    )


def _parse(data: bytes) -> dict:
    if len(data) > MAX_BACKUP_BYTES:
        raise BackupError("backup.error.too_large", max_mb=MAX_BACKUP_BYTES // 2**20)
    if data.startswith(SQLITE_MAGIC):
        return _read_sqlite_file(data)
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError("backup.error.foreign") from exc
    except RecursionError as exc:  # arrays or objects nested thousands deep
        raise BackupError("validation.json.too_deep") from exc
    except ValueError as exc:  # an integer of thousands of digits
        raise BackupError("validation.json.long_number") from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise BackupError("backup.error.foreign")
    if doc.get("version") != FORMAT_VERSION or not isinstance(doc.get("tables"), dict):
        raise BackupError(detail="unsupported backup format version")
    return doc


def _read_only(path: Path) -> sqlite3.Connection:
    """The uploaded file opened read-only, refusing views and triggers (a recursive view can eat
    gigabytes), with a budget of work after which every statement is interrupted."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    try:
        odd = conn.execute(
            "SELECT type, name FROM sqlite_master WHERE type IN ('view', 'trigger')"
        ).fetchall()
        if odd:
            raise BackupError(
                detail=f"the file holds a {odd[0][0]} ({odd[0][1][:40]}); a backup holds only tables"
            )
        known = {t.name for t in Base.metadata.sorted_tables}
        kinds = dict(conn.execute("SELECT name, type FROM sqlite_master").fetchall())
        if any(kinds.get(name, "table") != "table" for name in known):
            raise BackupError("backup.error.foreign")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise BackupError("backup.error.foreign") from exc
    except BackupError:
        conn.close()
        raise
    calls = 0

    def budget() -> int:
        nonlocal calls
        calls += 1
        return calls > SQLITE_STEP_BUDGET  # non-zero interrupts the running statement

    conn.set_progress_handler(budget, 1000)
    return conn


def _read_sqlite_file(data: bytes) -> dict:
    from sqlalchemy import create_engine  # local: only this path needs a second engine

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "restore.db"
        path.write_bytes(data)
        conn = _read_only(path)
        engine = create_engine("sqlite://", creator=lambda: conn)
        try:
            with Session(engine) as s:
                if not _schema_revision(s):
                    raise BackupError("backup.error.foreign")
                return dump_tables(s)
        except SQLAlchemyError as exc:
            raise BackupError(detail=str(exc).splitlines()[0][:300]) from exc
        finally:
            engine.dispose()
            conn.close()


def _validated_rows(doc: dict) -> list[tuple]:
    known = {t.name: t for t in Base.metadata.sorted_tables}
    unknown = set(doc["tables"]) - set(known)
    if unknown:
        raise BackupError("backup.error.foreign")
    plan = []
    for table in Base.metadata.sorted_tables:
        part = doc["tables"].get(table.name, {"columns": [], "rows": []})
        cols = part.get("columns")
        rows = part.get("rows")
        if not isinstance(cols, list) or not isinstance(rows, list) or not set(cols) <= set(table.c.keys()):
            raise BackupError(detail=f"table {table.name}: unexpected columns")
        decoded = []
        for i, row in enumerate(rows):
            if not isinstance(row, list) or len(row) != len(cols):
                raise BackupError(detail=f"table {table.name}, row {i + 1}: wrong length")
            values = {
                c: _decode(v, table.c[c].type, f"{table.name}.{c}") for c, v in zip(cols, row, strict=True)
            }
            try:
                check_row(table, values)
            except ValueError as exc:
                raise BackupError(detail=f"table {table.name}, row {i + 1}: {exc}") from exc
            decoded.append(values)
        plan.append((table, decoded))
    return plan


def restore(*, session: Session, data: bytes, expected_schema: list[str]) -> int:
    """Restore a JSON or SQLite backup into a database with no real data; returns rows written.
    Everything is checked before writing; on any error nothing is changed."""
    if not is_restorable(session=session):
        raise BackupError("backup.error.not_empty")
    doc = _parse(data)
    if sorted(doc.get("schema") or []) != sorted(expected_schema):
        raise BackupError(
            "backup.error.version",
            found=",".join(doc.get("schema") or []) or "?",
            expected=",".join(expected_schema),
        )
    plan = _validated_rows(doc)
    for table in reversed(Base.metadata.sorted_tables):  # drop demo content first
        session.execute(delete(table))
    written = 0
    try:
        for table, rows in plan:
            if rows:
                session.execute(insert(table), rows)
                written += len(rows)
        session.flush()
    except SQLAlchemyError as exc:
        raise BackupError(detail=str(exc).splitlines()[0][:300]) from exc
    if session.bind.dialect.name == "postgresql":
        _reset_sequences(session)
    return written


def _reset_sequences(session: Session) -> None:
    # Rows came with their ids; move each serial sequence past the largest one.
    for table in Base.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and isinstance(pk[0].type, Integer) and pk[0].autoincrement in (True, "auto"):
            session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
                    f"COALESCE((SELECT MAX({pk[0].name}) FROM {table.name}), 0) + 1, false)"
                )
            )


def _cli(argv: list[str] | None = None) -> int:
    """python -m core.backup export FILE | restore FILE  (server-side, on the configured DB)."""
    import argparse

    from db.engine import Database, resolve_url
    from db.migrate import current_heads, upgrade

    parser = argparse.ArgumentParser(prog="python -m core.backup")
    parser.add_argument("action", choices=["export", "restore"])
    parser.add_argument("file")
    args = parser.parse_args(argv)
    database = Database(resolve_url())
    upgrade(database.engine)
    try:
        if args.action == "export":
            with database.read() as s:
                Path(args.file).write_bytes(json.dumps(dump_tables(s), ensure_ascii=False).encode("utf-8"))
            print(f"wrote {args.file}")
        else:
            with database.write() as s:
                rows = restore(
                    session=s,
                    data=Path(args.file).read_bytes(),
                    expected_schema=sorted(current_heads(database.engine)),
                )
            print(f"restored {rows} rows")
    except AppError as err:
        print(f"error: {err}")
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(_cli())
