"""Check-in codes: typed or scanned, only in the window, wrong codes counted and limited, leaders'
"mark all present", attendance rates, and who sees whose records."""

from datetime import UTC, datetime, timedelta

import pytest

from core.accounts import members
from core.curriculum import attendance, seminars
from core.errors import InvalidInput, PermissionDenied
from db.models.curriculum import CHECKIN_CODE_ALPHABET, CHECKIN_CODE_LEN, Attendance
from tests.support.factories import make_leader, make_member

START = datetime(2025, 4, 10, 10, 0, tzinfo=UTC)  # 19:00 in Seoul


def _seminar(db, leader, starts_at=START, title="Attention"):
    with db.write() as s:
        return seminars.create_seminar(session=s, by=leader, title=title, starts_at=starts_at)


@pytest.fixture
def people(db):
    leader = make_leader(db)
    return (
        leader,
        make_member(db, "minjun", "이민준", by=leader),
        make_member(db, "seoyeon", "김서연", by=leader),
    )


def _wrong(code: str) -> str:
    """A valid-looking code that is not `code`."""
    return "".join(CHECKIN_CODE_ALPHABET[(CHECKIN_CODE_ALPHABET.index(c) + 1) % 32] for c in code)


def test_every_seminar_gets_its_own_short_unambiguous_code(db, people):
    leader = people[0]
    codes = {_seminar(db, leader, title=f"S{i}").checkin_code for i in range(20)}
    assert len(codes) == 20
    for code in codes:
        assert len(code) == CHECKIN_CODE_LEN and set(code) <= set(CHECKIN_CODE_ALPHABET)
        assert not set(code) & set("0O1I")


def test_code_is_compared_ignoring_case_spaces_and_width(db, people):
    leader, member, _ = people
    sem = _seminar(db, leader)
    typed = f" {sem.checkin_code[:3].lower()}-{sem.checkin_code[3:]} "
    row = attendance.check_in(db=db, by=member, code=typed, seminar_id=sem.id, now=START)
    assert (row.status, row.self_checked_in) == ("present", True)


def test_scanned_link_code_finds_its_seminar(db, people):
    leader, member, _ = people
    _seminar(db, leader, starts_at=START - timedelta(days=7), title="last week")
    sem = _seminar(db, leader)
    row = attendance.check_in(db=db, by=member, code=sem.checkin_code, now=START + timedelta(minutes=15))
    assert (row.seminar_id, row.status) == (sem.id, "late")


def test_code_of_another_seminar_is_wrong(db, people):
    leader, member, _ = people
    sem = _seminar(db, leader)
    other = _seminar(db, leader, starts_at=START + timedelta(days=7), title="next week")
    with pytest.raises(InvalidInput) as err:
        attendance.check_in(db=db, by=member, code=other.checkin_code, seminar_id=sem.id, now=START)
    assert err.value.key == "cur.error.checkin_code"
    assert "9" in err.value.message("en")  # tries left


def test_code_outside_the_window_is_expired_and_nothing_is_stored(db, people):
    leader, member, _ = people
    sem = _seminar(db, leader)
    with pytest.raises(InvalidInput) as err:
        attendance.check_in(db=db, by=member, code=sem.checkin_code, now=START + timedelta(hours=2))
    assert err.value.key == "cur.error.checkin_closed"
    with db.read() as s:
        assert attendance.for_seminar(session=s, by=leader, seminar_id=sem.id) == {}


def test_wrong_codes_stay_counted_and_are_limited_per_member(db, people):
    leader, member, other = people
    sem = _seminar(db, leader)
    bad = _wrong(sem.checkin_code)
    for left in range(attendance.MAX_MISSES - 1, 0, -1):
        with pytest.raises(InvalidInput) as err:
            attendance.check_in(db=db, by=member, code=bad, seminar_id=sem.id, now=START)
        assert err.value.params == {"left": left}
    with pytest.raises(InvalidInput) as err:  # the tenth wrong code
        attendance.check_in(db=db, by=member, code=bad, seminar_id=sem.id, now=START)
    assert err.value.key == "cur.error.checkin_tries"
    with pytest.raises(InvalidInput) as err:  # now even the right code is refused
        attendance.check_in(db=db, by=member, code=sem.checkin_code, seminar_id=sem.id, now=START)
    assert err.value.key == "cur.error.checkin_tries"
    # another member is not affected, and a leader can still mark the locked-out one
    assert attendance.check_in(db=db, by=other, code=sem.checkin_code, seminar_id=sem.id, now=START)
    with db.write() as s:
        attendance.mark(session=s, by=leader, seminar_id=sem.id, member_id=member.id, status="present")


def test_a_right_code_clears_the_wrong_ones(db, people):
    leader, member, _ = people
    sem = _seminar(db, leader)
    for _ in range(3):
        with pytest.raises(InvalidInput):
            attendance.check_in(db=db, by=member, code=_wrong(sem.checkin_code), seminar_id=sem.id, now=START)
    attendance.check_in(db=db, by=member, code=sem.checkin_code, seminar_id=sem.id, now=START)
    with db.read() as s:
        assert attendance._misses(s, sem.id, member.id) == 0


def test_unknown_scanned_code_counts_against_the_seminar_on_now(db, people):
    leader, member, _ = people
    sem = _seminar(db, leader)
    with pytest.raises(InvalidInput) as err:
        attendance.check_in(
            db=db, by=member, code="ZZZZZZ" if sem.checkin_code != "ZZZZZZ" else "YYYYYY", now=START
        )
    assert err.value.key == "cur.error.checkin_code"
    with db.read() as s:
        assert attendance._misses(s, sem.id, member.id) == 1


def test_only_leaders_read_the_code(db, people):
    leader, member, _ = people
    sem = _seminar(db, leader)
    with db.read() as s:
        assert attendance.checkin_code(session=s, by=leader, seminar_id=sem.id) == sem.checkin_code
        with pytest.raises(PermissionDenied):
            attendance.checkin_code(session=s, by=member, seminar_id=sem.id)


def test_mark_all_present_keeps_recorded_marks_and_skips_inactive(db, people):
    leader, member, other = people
    gone = make_member(db, "gone", "떠난 멤버", by=leader)
    with db.write() as s:
        version = members.get_member(session=s, member_id=gone.id).version
        members.update_member(session=s, by=leader, member_id=gone.id, expected_version=version, active=False)
    sem = _seminar(db, leader)
    with db.write() as s:
        attendance.mark(session=s, by=leader, seminar_id=sem.id, member_id=member.id, status="excused")
        assert attendance.mark_all_present(session=s, by=leader, seminar_id=sem.id) == 2
    with db.read() as s:
        marks = attendance.for_seminar(session=s, by=leader, seminar_id=sem.id)
    assert {m: r.status for m, r in marks.items()} == {
        member.id: "excused",
        other.id: "present",
        leader.id: "present",
    }
    with pytest.raises(PermissionDenied), db.write() as s:
        attendance.mark_all_present(session=s, by=member, seminar_id=sem.id)


def test_members_see_only_their_own_records(db, people):
    leader, member, other = people
    sem = _seminar(db, leader)
    with db.write() as s:
        attendance.mark_all_present(session=s, by=leader, seminar_id=sem.id)
    with db.read() as s:
        assert set(attendance.for_seminar(session=s, by=member, seminar_id=sem.id)) == {member.id}
        assert set(attendance.frame(session=s, by=member)["member"]) == {"이민준"}
        assert set(attendance.frame(session=s, by=leader)["member"]) == {"이민준", "김서연", "스터디장"}
        assert list(attendance.rates(session=s, by=member, now=START)["member"]) == ["이민준"]
        with pytest.raises(PermissionDenied):
            attendance.frame(session=s, by=None)


def test_rates_over_the_term(db, people):
    leader, member, other = people
    held = [_seminar(db, leader, starts_at=START + timedelta(days=7 * i), title=f"W{i}") for i in range(4)]
    _seminar(db, leader, starts_at=START + timedelta(days=60), title="not yet")
    with db.write() as s:
        for sem, status in zip(held, ("present", "late", "excused", "absent"), strict=True):
            attendance.mark(session=s, by=leader, seminar_id=sem.id, member_id=member.id, status=status)
        attendance.mark(session=s, by=leader, seminar_id=held[0].id, member_id=other.id, status="present")
    with db.read() as s:
        df = attendance.rates(session=s, by=leader, now=START + timedelta(days=30)).set_index("member")
    assert df.loc["이민준", "held"] == 4
    assert df.loc["이민준", "rate"] == pytest.approx(2 / 3)  # present + late of 4 held, 1 excused
    assert df.loc["김서연", "rate"] == pytest.approx(1 / 4)  # unrecorded seminars count as missed
    assert df.loc["스터디장", "rate"] == 0


def test_attendance_rows_go_with_a_deleted_seminar(db, people):
    leader, member, _ = people
    sem = _seminar(db, leader)
    with pytest.raises(InvalidInput):
        attendance.check_in(db=db, by=member, code=_wrong(sem.checkin_code), seminar_id=sem.id, now=START)
    with db.write() as s:
        seminars.delete_seminar(session=s, by=leader, seminar_id=sem.id)
    with db.read() as s:
        assert s.query(Attendance).count() == 0
        assert attendance._misses(s, sem.id, member.id) == 0
