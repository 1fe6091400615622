"""Backup and restore: round trip, SQLite file copy, and refusals that change nothing."""

import json

import pytest
from sqlalchemy import func, select

from core import backup
from core.accounts import signin
from core.errors import PermissionDenied
from db.engine import Database
from db.migrate import current_heads, upgrade
from db.models.members import Member
from db.seeds import run_seeds
from tests.support.db import wipe
from tests.support.factories import PASSWORD, make_leader, make_member


def _schema(db):
    return sorted(current_heads(db.engine))


def _fill(db):
    with db.write() as s:
        run_seeds(s)
    leader = make_leader(db, "boss", "김보스")
    make_member(db, "kim", "김민수", by=leader)
    return leader


def test_json_round_trip_into_fresh_database(db, tmp_path):
    leader = _fill(db)
    with db.read() as s:
        data = backup.export_json(session=s, by=leader)
        n = s.scalar(select(func.count()).select_from(Member))
    wipe(db)
    with db.write() as s:
        run_seeds(s)  # a new install shows demo content; restore replaces it
    with db.write() as s:
        rows = backup.restore(session=s, data=data, expected_schema=_schema(db))
    assert rows >= n
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Member)) == n
    # restored passwords still work, and new rows get fresh ids (sequences moved on)
    boss = signin.sign_in(db=db, username="boss", password=PASSWORD)
    make_member(db, "newbie", "새멤버", by=boss)


def test_sqlite_file_copy_restores_into_postgres_or_sqlite(db, tmp_path):
    source = Database(f"sqlite:///{tmp_path / 'src.db'}")
    upgrade(source.engine)
    leader = _fill(source)
    snapshot = backup.sqlite_snapshot(engine=source.engine, by=leader)
    assert snapshot.startswith(backup.SQLITE_MAGIC)
    source.dispose()
    with db.write() as s:
        backup.restore(session=s, data=snapshot, expected_schema=_schema(db))
    with db.read() as s:
        names = {m.username for m in s.scalars(select(Member))}
    assert {"boss", "kim", "demo.hayeon"} <= names


@pytest.mark.parametrize(
    "payload",
    [
        b"not json at all",
        b'{"format": "something-else", "tables": {}}',
        json.dumps(
            {"format": "study-dashboard-backup", "version": 1, "schema": [], "tables": {"evil": {}}}
        ).encode(),
        b"\x89PNG\r\n\x1a\n\x00\x00",
    ],
)
def test_malformed_or_foreign_files_change_nothing(db, payload):
    with db.write() as s:
        run_seeds(s)
    with db.read() as s:
        before = s.scalar(select(func.count()).select_from(Member))
    with pytest.raises(backup.BackupError) as exc, db.write() as s:
        backup.restore(session=s, data=payload, expected_schema=_schema(db))
    assert exc.value.message("ko") and exc.value.message("en")
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Member)) == before


def test_bad_row_midway_rolls_everything_back(db):
    leader = _fill(db)
    with db.read() as s:
        doc = json.loads(backup.export_json(session=s, by=leader))
    doc["tables"]["members"]["rows"].append(list(doc["tables"]["members"]["rows"][0]))  # duplicate id
    wipe(db)
    with pytest.raises(backup.BackupError), db.write() as s:
        backup.restore(session=s, data=json.dumps(doc).encode(), expected_schema=_schema(db))
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Member)) == 0


def test_restore_refused_once_accounts_exist(db):
    leader = _fill(db)
    with db.read() as s:
        data = backup.export_json(session=s, by=leader)
    with pytest.raises(backup.BackupError) as exc, db.write() as s:
        backup.restore(session=s, data=data, expected_schema=_schema(db))
    assert exc.value.key == "backup.error.not_empty"


def test_schema_mismatch_refused(db):
    leader = _fill(db)
    with db.read() as s:
        doc = json.loads(backup.export_json(session=s, by=leader))
    doc["schema"] = ["9999"]
    wipe(db)
    with pytest.raises(backup.BackupError) as exc, db.write() as s:
        backup.restore(session=s, data=json.dumps(doc).encode(), expected_schema=_schema(db))
    assert exc.value.key == "backup.error.version"


def test_only_leaders_export(db):
    leader = make_leader(db)
    member = make_member(db, by=leader)
    with db.read() as s, pytest.raises(PermissionDenied):
        backup.export_json(session=s, by=member)
    with pytest.raises(PermissionDenied):
        backup.sqlite_snapshot(engine=db.engine, by=None)
