"""Database errors that a race or user text can cause reach the screens as the app's own errors.

On PostgreSQL transactions run side by side, so two saves of one row (or two first inserts of one
attendance record) can both pass the service's checks; the loser must get ConcurrentEdit, not a
driver's StaleDataError or IntegrityError. A NUL byte, which PostgreSQL text cannot hold, is
InvalidInput on reads (a guest's search) and writes.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from core.curriculum import attendance, search, seminars, weeks
from core.errors import InvalidInput, StaleEdit
from db.engine import ConcurrentEdit
from db.models import Week
from tests.support.db import wipe
from tests.support.factories import make_leader, make_member


@pytest.fixture
def pg_db(postgres_database):
    wipe(postgres_database)
    return postgres_database


@pytest.mark.postgres
def test_a_save_that_lost_a_race_is_a_concurrent_edit_not_stale_data(pg_db):
    leader = make_leader(pg_db)
    with pg_db.write() as s:
        week_id = weeks.create_week(session=s, by=leader, title_ko="1주차").id
    with pytest.raises(ConcurrentEdit) as caught:
        with pg_db.write() as s:
            week = s.get(Week, week_id)
            with pg_db.engine.begin() as other:  # another request saves the week meanwhile
                other.execute(
                    text("UPDATE cur_weeks SET version = version + 1 WHERE id = :i"), {"i": week_id}
                )
            week.title_ko = "내 제목"
    assert "at the same moment" in caught.value.message("en")
    with pg_db.read() as s:
        assert s.get(Week, week_id).title_ko == "1주차"  # nothing of the loser was saved


@pytest.mark.postgres
def test_two_first_attendance_marks_at_once_end_saved_or_as_concurrent_edit(pg_db, monkeypatch):
    leader = make_leader(pg_db)
    member = make_member(pg_db, by=leader)
    with pg_db.write() as s:
        week = weeks.create_week(session=s, by=leader, title_ko="1주차")
        seminar_id = seminars.create_seminar(
            session=s,
            by=leader,
            week_id=week.id,
            title="세미나",
            starts_at=datetime(2026, 12, 3, 10, 0, tzinfo=UTC),
        ).id
    outcomes: list[str] = []
    barrier = threading.Barrier(2)
    record = attendance._record

    def record_then_meet(*args):
        # Both marks look for the record before either writes one: the race this test is about.
        # (Met earlier, a mark that reads after the other committed updates that record: saved.)
        found = record(*args)
        barrier.wait(timeout=10)
        return found

    monkeypatch.setattr(attendance, "_record", record_then_meet)

    def mark(status: str) -> None:
        try:
            with pg_db.write() as s:
                attendance.mark(
                    session=s, by=leader, seminar_id=seminar_id, member_id=member.id, status=status
                )
            outcomes.append("saved")
        except ConcurrentEdit:
            outcomes.append("concurrent")

    threads = [threading.Thread(target=mark, args=(st,)) for st in ("present", "late")]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=30)
    assert sorted(outcomes) == ["concurrent", "saved"]


def test_a_nul_byte_in_a_guests_search_or_a_save_is_invalid_input(db):
    leader = make_leader(db)
    try:
        with db.read() as s:
            hits = search.search(session=s, query="attention\x00")
    except InvalidInput as err:  # PostgreSQL text cannot hold it
        assert db.dialect == "postgresql" and "NUL" in err.message("en")
    else:  # SQLite can: then the search simply runs
        assert db.dialect == "sqlite" and hits == []
    if db.dialect == "postgresql":
        with pytest.raises(InvalidInput):
            with db.write() as s:
                weeks.create_week(session=s, by=leader, title_ko="1주차\x00")


@pytest.mark.postgres
def test_a_stale_edit_on_postgresql_gets_the_conflict_screen_with_the_newer_version(pg_db):
    leader = make_leader(pg_db)
    with pg_db.write() as s:
        week_id = weeks.create_week(session=s, by=leader, title_ko="1주차").id
    with pytest.raises(StaleEdit) as caught:
        with pg_db.write() as s:
            seen = s.get(Week, week_id)  # this request read the week (held: the session maps it by identity)
            assert seen.version == 1
            with pg_db.engine.begin() as other:
                other.execute(
                    text("UPDATE cur_weeks SET version = 2, title_ko = '남의 제목' WHERE id = :i"),
                    {"i": week_id},
                )
            weeks.update_week(session=s, by=leader, week_id=week_id, expected_version=1, title_ko="내 제목")
    assert caught.value.current.title_ko == "남의 제목" and caught.value.current.version == 2
