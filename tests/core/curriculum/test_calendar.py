"""The member's calendar: seminars in the group's zone (with its VTIMEZONE) and the member's
review due dates, read back with icalendar; feed tokens hashed, renewable, revocable."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from core import timezone
from core.curriculum import calendar as cal
from core.curriculum import seminars
from core.errors import InvalidInput, PermissionDenied
from core.reviews import assignments
from db.models.calendar import CalendarFeed
from db.models.members import Member
from tests.support.factories import make_leader, make_member
from tests.support.reviews import make_paper

NOW = datetime(2026, 12, 3, 1, 0, tzinfo=UTC)
START = datetime(2026, 12, 10, 10, 0, tzinfo=UTC)  # 19:00 in Seoul


@pytest.fixture
def group(db):
    leader = make_leader(db)
    kim = make_member(db, "kim", "김하연", by=leader)
    lee = make_member(db, "lee", "이민준", by=leader)
    pid = make_paper(db, leader)
    with db.write() as s:
        sem = seminars.create_seminar(
            session=s,
            by=leader,
            title="Attention Is All You Need",
            starts_at=START,
            duration_min=90,
            place="공학관 301호",
            link="https://meet.example.org/abc",
            presenter_id=kim.id,
            paper_title="Attention Is All You Need",
            paper_url="https://arxiv.org/abs/1706.03762",
        )
        seminars.create_seminar(
            session=s, by=leader, title="Long ago", starts_at=NOW - timedelta(days=400), duration_min=60
        )
        seminars.create_seminar(
            session=s,
            by=leader,
            title="Online only",
            starts_at=START + timedelta(days=7),
            link="https://x.org/m",
        )
        [asg] = assignments.assign(
            session=s,
            by=leader,
            paper_id=pid,
            member_ids=[kim.id],
            due_on=date(2026, 12, 20),
            week_no=3,
            today=NOW.date(),
        )
    return leader, kim, lee, sem.id, asg.id


def _parse(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def _by_uid(parsed: Calendar) -> dict:
    return {str(e["UID"]): e for e in parsed.walk("VEVENT")}


def test_seminars_carry_the_groups_zone_and_a_vtimezone(db, group):
    leader, kim, lee, sem_id, asg_id = group
    with db.read() as s:
        data = cal.own_calendar(session=s, by=kim, now=NOW)
    parsed = _parse(data)
    assert [tz["TZID"] for tz in parsed.walk("VTIMEZONE")] == ["Asia/Seoul"]
    assert b"DTSTART;TZID=Asia/Seoul:20261210T190000" in data
    events = _by_uid(parsed)
    sem = events[f"seminar-{sem_id}@study-dashboard"]
    assert sem.start == datetime(2026, 12, 10, 19, 0, tzinfo=ZoneInfo("Asia/Seoul"))
    assert sem.start.astimezone(UTC) == START
    assert sem.end - sem.start == timedelta(minutes=90)
    assert str(sem["SUMMARY"]) == "Attention Is All You Need"
    assert str(sem["LOCATION"]) == "공학관 301호"
    description = str(sem["DESCRIPTION"])
    assert "발표: 김하연" in description  # kim's language is Korean
    assert "https://arxiv.org/abs/1706.03762" in description and "https://meet.example.org/abc" in description
    online = next(e for e in events.values() if str(e["SUMMARY"]) == "Online only")
    assert str(online["LOCATION"]) == "https://x.org/m"  # no place: the link is where it happens
    assert "Long ago" not in {str(e["SUMMARY"]) for e in events.values()}  # older than PAST_DAYS


def test_review_due_dates_are_all_day_events_of_the_member_only(db, group):
    leader, kim, lee, sem_id, asg_id = group
    with db.read() as s:
        mine = _by_uid(_parse(cal.own_calendar(session=s, by=kim, now=NOW)))
        lees = _by_uid(_parse(cal.own_calendar(session=s, by=lee, now=NOW)))
    due = mine[f"review-due-{asg_id}@study-dashboard"]
    assert due.start == date(2026, 12, 20) and due.end == date(2026, 12, 21)
    assert "Attention Is All You Need" in str(due["SUMMARY"])
    assert "3주차" in str(due["DESCRIPTION"])
    assert f"review-due-{asg_id}@study-dashboard" not in lees
    assert f"seminar-{sem_id}@study-dashboard" in lees  # everyone sees the group's seminars


def test_the_feed_follows_the_zone_setting_and_the_members_language(db, group):
    leader, kim, lee, sem_id, asg_id = group
    with db.write() as s:
        timezone.set_group_zone(session=s, by=leader, name="America/New_York")
        s.get(Member, kim.id).language = "en"
    with db.read() as s:
        data = cal.own_calendar(session=s, by=kim, now=NOW)
    parsed = _parse(data)
    assert [tz["TZID"] for tz in parsed.walk("VTIMEZONE")] == ["America/New_York"]
    sem = _by_uid(parsed)[f"seminar-{sem_id}@study-dashboard"]
    assert sem.start == datetime(2026, 12, 10, 5, 0, tzinfo=ZoneInfo("America/New_York"))
    assert sem.start.astimezone(UTC) == START  # the same instant, placed in another zone
    assert "Presenter: 김하연" in str(sem["DESCRIPTION"])
    assert str(parsed["X-WR-TIMEZONE"]) == "America/New_York"


def test_feed_tokens_are_hashed_renewable_and_revocable(db, group):
    leader, kim, lee, sem_id, asg_id = group
    with db.read() as s:
        assert cal.feed_state(session=s, by=kim).active is False
    with db.write() as s:
        token = cal.renew_feed(session=s, by=kim)
    assert cal.TOKEN_RE.match(token)
    with db.read() as s:
        row = s.get(CalendarFeed, kim.id)
        assert token not in row.token_hash and len(row.token_hash) == 64  # only the hash is kept
        assert cal.feed_state(session=s, by=kim).active is True
        assert cal.member_for_token(session=s, token=token).id == kim.id
        assert b"BEGIN:VCALENDAR" in cal.feed_for_token(session=s, token=token, now=NOW)
    with db.write() as s:
        renewed = cal.renew_feed(session=s, by=kim)
    with db.read() as s:
        assert renewed != token
        assert cal.feed_for_token(session=s, token=token) is None  # the old address stops
        assert cal.member_for_token(session=s, token=renewed).id == kim.id
    with db.write() as s:
        cal.revoke_feed(session=s, by=kim)
    with db.read() as s:
        assert cal.feed_for_token(session=s, token=renewed) is None
        assert cal.feed_state(session=s, by=kim).active is False
    with db.write() as s, pytest.raises(InvalidInput) as err:
        cal.revoke_feed(session=s, by=kim)
    assert err.value.message("en") == "There is no feed address to revoke."


@pytest.mark.parametrize("token", ["", "short", "x" * 43 + "y", "../" * 15, "가" * 43, None, "A" * 43])
def test_malformed_or_unknown_tokens_open_nothing(db, group, token):
    with db.read() as s:
        assert cal.member_for_token(session=s, token=token) is None
        assert cal.feed_for_token(session=s, token=token) is None


def test_a_deactivated_members_feed_stops(db, group):
    leader, kim, lee, sem_id, asg_id = group
    with db.write() as s:
        token = cal.renew_feed(session=s, by=kim)
        s.get(Member, kim.id).active = False
    with db.read() as s:
        assert cal.feed_for_token(session=s, token=token) is None


def test_guests_have_no_feed(db, group):
    with db.write() as s, pytest.raises(PermissionDenied):
        cal.renew_feed(session=s, by=None)
    with db.read() as s, pytest.raises(PermissionDenied):
        cal.own_calendar(session=s, by=None)
