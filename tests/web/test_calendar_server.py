"""The calendar feed through the real server (`streamlit run server.py`): st.App serves the route
beside the pages, from the same database setting."""

import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from core.curriculum import calendar as cal
from core.curriculum import seminars
from db.engine import Database
from db.migrate import upgrade
from tests.support.appserver import serve_app
from tests.support.factories import make_leader, make_member


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.headers.get("content-type", ""), r.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("content-type", ""), err.read()


@pytest.mark.slow  # starts the server (~5 s)
def test_the_server_answers_the_feed_and_404s_anything_else(tmp_path):
    url = f"sqlite:///{tmp_path / 'feed.db'}"
    database = Database(url)
    upgrade(database.engine)
    leader = make_leader(database)
    kim = make_member(database, "kim", by=leader)
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    with database.write() as s:
        seminars.create_seminar(session=s, by=leader, title="Attention", starts_at=starts)
        token = cal.renew_feed(session=s, by=kim)
    env = {"DATABASE_URL": url, "STUDY_DEMO_DATA": "0", "STUDY_LAB_EMBEDDED_WORKER": "0"}
    try:
        with serve_app(env, tmp_path / "streamlit.log") as base:
            status, kind, body = _get(f"{base}/{cal.FEED_PATH.format(token=token)}")
            assert (status, kind) == (200, cal.MEDIA_TYPE)
            [event] = Calendar.from_ical(body).walk("VEVENT")
            assert event.start.tzinfo.key == "Asia/Seoul" and event.start.astimezone(UTC) == starts
            status, _, body = _get(f"{base}/{cal.FEED_PATH.format(token='A' * 43)}")
            assert (status, body) == (404, b"Not Found")
    finally:
        database.dispose()
