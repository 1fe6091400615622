"""The account page's calendar section: a member makes a private feed address (shown once, stored
hashed), renews it (the old one stops), revokes it, and downloads the .ics (AppTest)."""

from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from core.curriculum import calendar as cal
from core.curriculum import seminars
from db.models.calendar import CalendarFeed
from tests.support.factories import make_leader, make_member
from ui.accounts import keys


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _feed_url(at) -> str:
    [code] = [c.value for c in at.code]
    return code


def test_member_makes_renews_and_revokes_the_feed_address(run_page, db):
    kim = make_member(db, "kim", "김하연")
    at = run_page("views/account.py", actor=kim, lang="en")
    assert not at.exception
    assert "You have no feed address yet." in [c.value for c in at.caption]
    assert not [b for b in at.button if b.label == "Revoke the address"]
    at = _button(at, "Make a feed address").click().run()
    assert not at.exception and not at.error
    url = _feed_url(at)
    token = url.rsplit("/", 1)[-1].removesuffix(".ics")
    assert url.endswith(cal.FEED_PATH.format(token=token)) and cal.TOKEN_RE.match(token)
    with db.read() as s:
        assert s.get(CalendarFeed, kim.id).token_hash != token  # only its hash is stored
        assert cal.member_for_token(session=s, token=token).id == kim.id
    # renewing: a new address, and the old one opens nothing
    at = _button(at, "Renew the address").click().run()
    renewed = _feed_url(at).rsplit("/", 1)[-1].removesuffix(".ics")
    assert renewed != token
    with db.read() as s:
        assert cal.member_for_token(session=s, token=token) is None
        assert cal.member_for_token(session=s, token=renewed).id == kim.id
    at = _button(at, "Revoke the address").click().run()
    assert "Feed address revoked: the old address no longer opens." in at.toast[0].value
    assert not at.code and keys.CAL_TOKEN not in at.session_state
    with db.read() as s:
        assert cal.member_for_token(session=s, token=renewed) is None


def test_a_reload_no_longer_shows_the_address_only_that_it_is_live(run_page, db):
    kim = make_member(db, "kim")
    with db.write() as s:
        cal.renew_feed(session=s, by=kim)
    at = run_page("views/account.py", actor=kim, lang="ko")
    assert not at.code
    assert any("구독 주소가 살아 있습니다" in c.value for c in at.caption)


def test_the_download_is_the_members_calendar(run_page, db):
    leader = make_leader(db)
    kim = make_member(db, "kim", by=leader)
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    with db.write() as s:
        seminars.create_seminar(session=s, by=leader, title="Attention", starts_at=starts)
    at = run_page("views/account.py", actor=kim, lang="en")
    [download] = at.get("download_button")
    assert download.proto.label == "Download .ics file"
    with db.read() as s:
        data = cal.own_calendar(session=s, by=kim)
    [event] = Calendar.from_ical(data).walk("VEVENT")
    assert event.start.tzinfo.key == "Asia/Seoul" and event.start.astimezone(UTC) == starts
    assert "Times are in the group's time zone (Asia/Seoul)." in [c.value for c in at.caption]


def test_a_guest_gets_no_calendar_section(run_page, db):
    at = run_page("views/account.py", lang="en")
    assert not at.exception and not at.get("download_button")
