"""A crafted backup is refused with the reason and changes nothing: every restored row passes the
services' own rules, parsing is bounded, and an uploaded SQLite file cannot run views or triggers."""

from __future__ import annotations

import json
import sqlite3
import time

import pytest
from sqlalchemy import func, select

from core import backup
from core.backup_rules import check_row
from db.base import Base
from db.engine import Database
from db.migrate import current_heads, upgrade
from db.models.members import Member
from db.seeds import run_seeds
from tests.support.db import wipe
from tests.support.factories import make_leader, make_member


def _export(db) -> dict:
    with db.write() as s:
        run_seeds(s)
    leader = make_leader(db, "boss", "김보스")
    make_member(db, "kim", "김민수", by=leader)
    with db.read() as s:
        return json.loads(backup.export_json(session=s, by=leader))


def _cell(doc: dict, table: str, column: str, row: int = 0):
    part = doc["tables"][table]
    return part["rows"][row], part["columns"].index(column)


def _refused(db, data: bytes) -> str:
    wipe(db)
    with pytest.raises(backup.BackupError) as caught, db.write() as s:
        backup.restore(session=s, data=data, expected_schema=sorted(current_heads(db.engine)))
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Member)) == 0  # nothing written
    return caught.value.message("en")


@pytest.mark.parametrize(
    ("table", "column", "value", "reason"),
    [
        ("members", "role", "admin", "not one of leader, member"),
        ("members", "username", "x" * 120, "not a valid string"),
        ("members", "username", "Boss Man", "sign-in name rules"),
        ("members", "display_name", "   ", "empty display name"),
        ("members", "language", "fr", "not one of ko, en"),
        ("reviews", "answers", "just a string", "answers must be an object"),
        ("reviews", "status", "published", "not one of"),
        ("template_versions", "fields", [{"key": 1, "type": "??"}], "template_versions"),
        ("cur_weeks", "number", 10**30, "not a valid integer"),
        ("cur_weeks", "title_ko", "a\x00b", "not a valid string"),
    ],
)
def test_a_tampered_row_is_refused_naming_table_and_column(db, table, column, value, reason):
    doc = _export(db)
    row, i = _cell(doc, table, column)
    row[i] = value
    message = _refused(db, json.dumps(doc).encode())
    assert table in message and reason in message


def test_json_nested_thousands_deep_or_a_number_of_5000_digits_is_refused(db):
    deep = b'{"format": "study-dashboard-backup", "tables": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    assert "nested too deep" in _refused(db, deep)
    digits = b'{"format": "study-dashboard-backup", "version": ' + b"9" * 5000 + b"}"
    assert "too many digits" in _refused(db, digits)


def test_a_deeply_nested_json_cell_is_refused(db):
    doc = _export(db)
    row, i = _cell(doc, "reviews", "answers")
    nested: dict = {}
    for _ in range(100):
        nested = {"a": nested}
    row[i] = nested
    assert "nested too deep" in _refused(db, json.dumps(doc).encode())


def _runs_table():
    return Base.metadata.tables["lab_runs"]


def test_lab_runs_need_a_valid_config_and_a_real_checkpoint():
    table = _runs_table()
    with pytest.raises(ValueError, match="config"):
        check_row(table, {"config": {"steps": -5}})
    with pytest.raises(ValueError, match="(?i)unknown config fields: evil"):
        check_row(table, {"config": {"evil": 1}})
    with pytest.raises(ValueError, match="not a saved model"):
        check_row(table, {"checkpoint": b"\x80\x04\x95cos\nsystem\n"})  # pickle bytes
    check_row(table, {"config": {}, "checkpoint": b"PK\x03\x04rest"})  # defaults and a zip pass


def _sqlite_copy(tmp_path) -> bytes:
    source = Database(f"sqlite:///{tmp_path / 'src.db'}")
    upgrade(source.engine)
    leader = make_leader(source, "boss", "김보스")
    data = backup.sqlite_snapshot(engine=source.engine, by=leader)
    source.dispose()
    return data


def _tampered(tmp_path, data: bytes, sql: str) -> bytes:
    path = tmp_path / "tampered.db"
    path.write_bytes(data)
    conn = sqlite3.connect(path)
    conn.executescript(sql)
    conn.close()
    return path.read_bytes()


RECURSIVE = "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT x FROM r"


@pytest.mark.parametrize(
    "sql",
    [
        f"CREATE VIEW endless AS {RECURSIVE};",
        f"DROP TABLE cur_weeks; CREATE VIEW cur_weeks AS {RECURSIVE};",
        "CREATE TRIGGER t AFTER INSERT ON cur_weeks BEGIN DELETE FROM members; END;",
    ],
)
def test_an_uploaded_sqlite_file_with_views_or_triggers_is_refused_at_once(sqlite_db, tmp_path, sql):
    data = _tampered(tmp_path, _sqlite_copy(tmp_path), sql)
    started = time.perf_counter()
    _refused(sqlite_db, data)
    assert time.perf_counter() - started < 5  # bounded: refused before any row is read


def test_an_uploaded_sqlite_file_is_read_only_and_its_reading_has_a_work_budget(tmp_path, monkeypatch):
    path = tmp_path / "copy.db"
    path.write_bytes(_sqlite_copy(tmp_path))
    conn = backup._read_only(path)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("DELETE FROM members")
    monkeypatch.setattr(backup, "SQLITE_STEP_BUDGET", 5)
    conn = backup._read_only(path)
    with pytest.raises(sqlite3.OperationalError, match="interrupt"):
        conn.execute(f"SELECT count(*) FROM ({RECURSIVE} LIMIT 10000000)").fetchall()


def test_sign_in_counters_are_not_part_of_a_backup(db):
    doc = _export(db)
    assert "login_throttle" not in doc["tables"] and "members" in doc["tables"]
    assert "auth_handoffs" not in doc["tables"]  # one-minute sign-in tickets
    assert "search_docs" not in doc["tables"]  # derived: a restore rebuilds the index


def test_a_restored_member_email_and_group_time_zone_must_be_what_the_services_allow():
    members, meta = Base.metadata.tables["members"], Base.metadata.tables["app_meta"]
    with pytest.raises(ValueError, match="e-mail"):
        check_row(members, {"email": "Kim@Example.com"})  # the services store it lower-cased
    with pytest.raises(ValueError, match="e-mail"):
        check_row(members, {"email": "not an address"})
    check_row(members, {"email": "kim@example.com"})
    check_row(members, {"email": None})
    with pytest.raises(ValueError):
        check_row(meta, {"key": "group:time_zone", "value": "Mars/Olympus"})
    check_row(meta, {"key": "group:time_zone", "value": "Asia/Seoul"})
    check_row(meta, {"key": "seed:curriculum", "value": "anything"})
