"""A seminar room in real browsers: a leader opens a room and sets a challenge, two guests (their
own browser contexts, so their own guest ids) join with nicknames and train from the challenge,
the room chart shows both lines, a guest has no way to stop the other's run, and the leader
cancels it from the room's leaderboard.

Its own server: two training slots (both guests train at once) and a guest step limit high
enough for a run that is still training when the leader cancels it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from db.engine import Database
from db.migrate import upgrade
from tests.support.appserver import serve_app
from tests.support.browser import sign_in, wait_idle
from tests.support.factories import PASSWORD, make_leader

pytestmark = pytest.mark.e2e

CHART = "[data-testid='stVegaLiteChart']"
CHALLENGE_STEPS = 60
LONG_STEPS = 20000


@pytest.fixture(scope="module")
def room_app(tmp_path_factory):
    db_url = f"sqlite:///{tmp_path_factory.mktemp('room') / 'room.db'}"
    database = Database(db_url)
    upgrade(database.engine)
    make_leader(database, "room_leader", "방장")
    env = {
        "DATABASE_URL": db_url,
        "STUDY_DEMO_DATA": "0",
        "STUDY_LAB_SLOTS": "2",
        "STUDY_LAB_GUEST_MAX_STEPS": str(LONG_STEPS),
    }
    with serve_app(env, tmp_path_factory.mktemp("room-log") / "streamlit.log") as base:
        yield base
    database.dispose()


def _open(browser: Browser, args: dict, url: str) -> Page:
    page = browser.new_context(**args).new_page()
    page.goto(url)
    wait_idle(page)
    return page


def _join_and_open_lab(page: Page, nickname: str) -> None:
    page.get_by_role("textbox", name="닉네임").fill(nickname)
    page.get_by_role("button", name="참여", exact=True).click()
    expect(page.get_by_text(f"이 방에서 내 닉네임: {nickname}")).to_be_visible(timeout=15_000)
    page.get_by_role("link", name="실험실에서 학습하기").click()
    expect(page.get_by_text("로 참여 중입니다").first).to_be_visible(timeout=30_000)
    # the challenge is the starting config
    expect(page.get_by_role("spinbutton", name="학습 스텝")).to_have_value(
        str(CHALLENGE_STEPS), timeout=15_000
    )
    wait_idle(page)


def test_leader_opens_a_room_guests_train_and_the_leader_cancels_a_run(
    browser: Browser, browser_context_args, room_app
):
    leader = _open(browser, browser_context_args, f"{room_app}/room")
    sign_in(leader, "room_leader", PASSWORD)
    leader.get_by_role("textbox", name="방 이름").fill("RNN 세미나")
    leader.get_by_role("button", name="방 열기").click()
    leader.wait_for_url(re.compile(r".*code=[A-Z2-9]{6}"), timeout=15_000)
    code = re.search(r"code=([A-Z2-9]{6})", leader.url).group(1)
    expect(leader.get_by_role("heading", name=f"방 {code}")).to_be_visible()
    expect(leader.get_by_role("img", name=f"방 {code} 참여 링크의 QR 코드")).to_be_visible()
    wait_idle(leader)  # the page's runs after opening the room are done before the form is used
    leader.get_by_text("도전 과제 정하기").click()
    leader.get_by_role("spinbutton", name="학습 스텝").fill(str(CHALLENGE_STEPS))
    leader.get_by_role("spinbutton", name="목표 정확도(%)").fill("90")
    leader.get_by_role("button", name="저장").click()
    expect(leader.get_by_text("목표: 검증 토큰 정확도 90% 이상").first).to_be_visible(timeout=15_000)

    alice = _open(browser, browser_context_args, f"{room_app}/room?code={code.lower()}")
    _join_and_open_lab(alice, "Alice")
    steps = alice.get_by_role("spinbutton", name="학습 스텝")
    steps.fill(str(LONG_STEPS))
    steps.press("Enter")
    alice.wait_for_url(f"**steps={LONG_STEPS}**", timeout=10_000)
    wait_idle(alice)
    alice.get_by_role("button", name="학습 시작").click()
    expect(alice.get_by_role("button", name="학습 중지")).to_be_visible(timeout=60_000)

    bob = _open(browser, browser_context_args, f"{room_app}/room?code={code}")
    _join_and_open_lab(bob, "Bob")
    bob.get_by_role("button", name="학습 시작").click()
    expect(bob.get_by_text("완료:").first).to_be_visible(timeout=90_000)

    # the room: both lines on one chart, labelled with the nicknames
    bob.get_by_role("link", name="방 화면").click()
    expect(bob.get_by_role("heading", name=f"방 {code}")).to_be_visible(timeout=15_000)
    chart = bob.locator(CHART).first
    expect(chart).to_be_visible(timeout=15_000)
    for name in ("Alice", "Bob"):
        expect(bob.get_by_text(name, exact=True).first).to_be_visible()  # leaderboard rows
    bob.wait_for_function(
        """sel => { const svg = document.querySelector(sel + ' svg');
            const labels = svg ? [...svg.querySelectorAll('text')].map(t => t.textContent) : [];
            return labels.filter(l => l === 'Alice').length >= 2 && labels.filter(l => l === 'Bob').length >= 2; }""",
        arg=CHART,
        timeout=20_000,
    )  # each name at the end of its line, in the loss and the accuracy panels
    # a guest has no stop for someone else's run (the job queue would refuse it anyway)
    expect(bob.get_by_text("학습 중", exact=True).first).to_be_visible()
    expect(bob.get_by_role("button", name="학습 중지")).to_have_count(0)
    expect(bob.get_by_role("button", name="취소")).to_have_count(0)

    # the leader cancels Alice's run from the leaderboard
    leader.reload()
    wait_idle(leader)
    cancel = leader.get_by_role("button", name="취소")
    expect(cancel).to_have_count(1, timeout=15_000)
    cancel.click()
    expect(leader.get_by_text("중지됨", exact=True).first).to_be_visible(timeout=30_000)
    expect(alice.get_by_role("button", name="학습 중지")).to_have_count(0, timeout=30_000)
