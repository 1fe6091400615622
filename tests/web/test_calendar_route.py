"""The calendar feed route (web/calendar.py) through Starlette's TestClient: a live token gets
the member's iCalendar as text/calendar; anything else a bare 404 that says nothing more."""

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from starlette.applications import Starlette
from starlette.testclient import TestClient

from core.curriculum import calendar as cal
from core.curriculum import seminars
from tests.support.factories import make_leader, make_member
from web import calendar as web_calendar
from web.routes import routes

START = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)


@pytest.fixture
def client(sqlite_db):
    app = Starlette(routes=web_calendar.routes(lambda: sqlite_db))
    with TestClient(app, base_url="http://testserver") as c:
        yield c


def _url(token: str) -> str:
    return "/" + cal.FEED_PATH.format(token=token)


def _token(db, who) -> str:
    with db.write() as s:
        return cal.renew_feed(session=s, by=who)


def test_a_live_token_gets_the_members_calendar(client, sqlite_db):
    leader = make_leader(sqlite_db)
    kim = make_member(sqlite_db, "kim", by=leader)
    with sqlite_db.write() as s:
        seminars.create_seminar(session=s, by=leader, title="Attention", starts_at=START, place="301")
    r = client.get(_url(_token(sqlite_db, kim)))
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/calendar; charset=utf-8"
    assert r.headers["cache-control"] == "private, no-store"
    parsed = Calendar.from_ical(r.content)
    [event] = parsed.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Attention"
    assert event.start.tzinfo.key == "Asia/Seoul" and event.start.astimezone(UTC) == START
    assert [tz["TZID"] for tz in parsed.walk("VTIMEZONE")] == ["Asia/Seoul"]
    assert client.head(_url(_token(sqlite_db, kim))).status_code == 200


def test_unknown_revoked_renewed_and_malformed_tokens_get_the_same_404(client, sqlite_db):
    kim = make_member(sqlite_db, "kim")
    old = _token(sqlite_db, kim)
    renewed = _token(sqlite_db, kim)
    answers = [client.get(_url(t)) for t in (old, "A" * 43, "short", "%2e%2e%2fetc")]
    with sqlite_db.write() as s:
        cal.revoke_feed(session=s, by=kim)
    answers.append(client.get(_url(renewed)))
    assert {(r.status_code, r.text) for r in answers} == {(404, "Not Found")}
    assert client.get("/feeds/calendar/").status_code == 404


def test_the_server_lists_the_feed_route():
    assert any(getattr(r, "path", "") == "/" + cal.FEED_PATH for r in routes())
