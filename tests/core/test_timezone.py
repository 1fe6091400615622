"""The group's time zone (a leader's setting, default Asia/Seoul), the injectable clock, the group's
today, and the one way times are written; exports follow the setting."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from core import timezone
from core.curriculum import seminars
from core.curriculum import weeks as cur
from core.curriculum.export import week_markdown
from core.errors import FieldError, PermissionDenied
from core.i18n import translate
from core.reviews import assignments
from core.reviews import export as review_export
from db.models.meta import AppMeta
from db.models.reviews import Review
from tests.support.factories import make_leader, make_member
from tests.support.reviews import make_paper, make_template, submitted

INSTANT = datetime(2026, 12, 3, 15, 30, tzinfo=UTC)  # 2026-12-04 00:30 in Seoul
SEOUL, BERLIN = ZoneInfo("Asia/Seoul"), ZoneInfo("Europe/Berlin")


def test_default_zone_is_seoul_and_a_leader_changes_it(db):
    leader = make_leader(db)
    with db.read() as s:
        assert timezone.group_zone(session=s) == SEOUL
    with db.write() as s:
        assert timezone.set_group_zone(session=s, by=leader, name=" Europe/Berlin ") == BERLIN
    with db.read() as s:
        assert timezone.group_zone(session=s) == BERLIN
    with db.write() as s:  # a second change updates the one row
        timezone.set_group_zone(session=s, by=leader, name="UTC")
    with db.read() as s:
        assert timezone.group_zone(session=s) == ZoneInfo("UTC")
        assert s.get(AppMeta, timezone.SETTING_KEY).value == "UTC"


def test_only_a_leader_sets_the_zone(db):
    member = make_member(db, "kim")
    with db.write() as s, pytest.raises(PermissionDenied):
        timezone.set_group_zone(session=s, by=member, name="UTC")
    with db.write() as s, pytest.raises(PermissionDenied):
        timezone.set_group_zone(session=s, by=None, name="UTC")


@pytest.mark.parametrize("name", ["Mars/Olympus", "asia/seoul", "../../etc/passwd", "x" * 500, "Seoul"])
def test_unknown_zone_is_refused_with_a_translated_message_and_nothing_changes(db, name):
    leader = make_leader(db)
    with db.write() as s:
        timezone.set_group_zone(session=s, by=leader, name="Europe/Berlin")
    with db.write() as s, pytest.raises(FieldError) as err:
        timezone.set_group_zone(session=s, by=leader, name=name)
    assert "Unknown time zone" in err.value.message("en")
    assert "알 수 없는 시간대" in err.value.message("ko")
    with db.read() as s:
        assert timezone.group_zone(session=s) == BERLIN


def test_empty_zone_is_required(db):
    leader = make_leader(db)
    with db.write() as s, pytest.raises(FieldError) as err:
        timezone.set_group_zone(session=s, by=leader, name="  ")
    assert err.value.reason_key == "common.error.required"


def test_a_restored_bad_value_falls_back_to_the_default(db):
    with db.write() as s:
        s.add(AppMeta(key=timezone.SETTING_KEY, value="Not/AZone"))
    with db.read() as s:
        assert timezone.group_zone(session=s) == SEOUL


def test_clock_is_injectable_and_group_today_is_the_groups_day(db):
    with timezone.use_clock(INSTANT):
        assert timezone.now_utc() == INSTANT
        assert timezone.group_today(zone=SEOUL) == date(2026, 12, 4)  # already tomorrow in Seoul
        assert timezone.group_today(zone=ZoneInfo("UTC")) == date(2026, 12, 3)
        assert timezone.group_today() == date(2026, 12, 4)  # no session, no zone: the default
        with db.read() as s:
            assert timezone.group_today(session=s) == date(2026, 12, 4)
    assert timezone.now_utc() != INSTANT  # the real clock is back


def test_assignments_keeps_group_today_and_refuses_yesterday_in_the_groups_zone(db):
    leader = make_leader(db)
    kim = make_member(db, "kim", by=leader)
    pid = make_paper(db, leader)
    assert assignments.group_today is timezone.group_today
    with timezone.use_clock(INSTANT), db.write() as s, pytest.raises(FieldError) as err:
        # 12-03 is still today in UTC, but yesterday in Seoul
        assignments.assign(session=s, by=leader, paper_id=pid, member_ids=[kim.id], due_on=date(2026, 12, 3))
    assert "2026-12-04" in err.value.message("en")


def test_conversions_and_the_one_formatter():
    assert timezone.to_group(INSTANT, SEOUL).hour == 0
    assert timezone.to_group(INSTANT.replace(tzinfo=None), SEOUL) == timezone.to_group(INSTANT, SEOUL)
    assert timezone.group_to_utc(date(2026, 12, 4), time(0, 30), SEOUL) == INSTANT
    assert timezone.write_time(INSTANT, SEOUL) == "2026-12-04 00:30"
    assert timezone.write_time(INSTANT, BERLIN) == "2026-12-03 16:30"
    assert timezone.write_time(INSTANT, SEOUL, "clock") == "00:30:00"
    assert timezone.write_time(INSTANT, SEOUL, "date") == "2026-12-04"
    assert timezone.write_time(date(2026, 12, 3), SEOUL) == "2026-12-03"  # a calendar day stays
    assert timezone.write_time(None, SEOUL) == ""
    start, end = timezone.day_bounds(date(2026, 12, 4), date(2026, 12, 5), SEOUL)
    assert (start, end) == (datetime(2026, 12, 3, 15, tzinfo=UTC), datetime(2026, 12, 5, 15, tzinfo=UTC))


def test_exports_write_times_in_the_groups_zone(db):
    leader = make_leader(db)
    tid = make_template(db, leader)
    pid = make_paper(db, leader)
    rid = submitted(db, leader, pid, tid)
    with db.write() as s:
        week = cur.create_week(session=s, by=leader, title_ko="트랜스포머")
        seminars.create_seminar(session=s, by=leader, title="Attention", starts_at=INSTANT, week_id=week.id)
        s.get(Review, rid).submitted_at = INSTANT
    with db.read() as s:
        md = week_markdown(session=s, week_id=week.id, lang="en")
        review_md = review_export.export_review(session=s, by=leader, review_id=rid, lang="en")
    assert f"{translate('cur.seminar.date', 'en')}: 2026-12-04 00:30" in md
    assert "Date: 2026-12-04" in review_md
    with db.write() as s:
        timezone.set_group_zone(session=s, by=leader, name="Europe/Berlin")
    with db.read() as s:
        md = week_markdown(session=s, week_id=week.id, lang="en")
        review_md = review_export.export_review(session=s, by=leader, review_id=rid, lang="en")
    assert f"{translate('cur.seminar.date', 'en')}: 2026-12-03 16:30" in md
    assert "Date: 2026-12-03" in review_md
