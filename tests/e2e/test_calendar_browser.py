"""The calendar feed in a real browser: a member makes the private address on the account page,
the address shown opens the feed from the same server, and the download button gives the .ics."""

import urllib.error
import urllib.request
from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import Page, expect

from tests.support.browser import goto, sign_in, wait_idle
from tests.support.factories import PASSWORD


def test_member_makes_the_feed_address_opens_it_and_downloads_the_ics(page: Page, live_app):
    goto(page, live_app)
    sign_in(page, live_app.member, PASSWORD)
    goto(page, live_app, "account")
    page.get_by_role("button", name="구독 주소 만들기").click()
    wait_idle(page)
    address = page.get_by_test_id("stCode").inner_text().strip()
    assert address.startswith(live_app.url + "/feeds/calendar/") and address.endswith(".ics")
    with urllib.request.urlopen(address, timeout=30) as r:  # what a calendar app does
        assert r.headers["content-type"].startswith("text/calendar")
        assert Calendar.from_ical(r.read())["X-WR-TIMEZONE"] == "Asia/Seoul"
    with page.expect_download() as info:
        page.get_by_role("button", name=".ics 파일 내려받기").click()
    body = Path(info.value.path()).read_bytes()
    assert info.value.suggested_filename == f"study-calendar-{live_app.member}.ics"
    assert Calendar.from_ical(body)["X-WR-TIMEZONE"] == "Asia/Seoul"
    page.get_by_role("button", name="주소 끊기").click()
    wait_idle(page)
    expect(page.get_by_test_id("stCode")).to_have_count(0)
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(address, timeout=30)
    assert err.value.code == 404
