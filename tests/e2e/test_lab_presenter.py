"""Presenter mode in a real browser: no sidebar, the view kept across a reload, the keys and
buttons driving a live run (space: pause / resume, right arrow: one step, "10 steps"), the
attention replay following each held step, and the gate charts inside their card."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from core.i18n import translate
from tests.support.browser import goto, wait_idle
from tests.support.lab import fresh_seed
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e

PAUSE = ".st-key-lab_job_pause button"  # ui/lab/jobs.py's job controls (live_controls, step_key)
STEP_10 = ".st-key-lab_job_step_10 button"
STEP_TEXT = re.compile(r"스텝 (\d+)/(\d+) ·")  # the progress line (lab.page.progress)


def _step(page: Page) -> int | None:
    """The step the progress line shows now (None while there is none: queued, between runs)."""
    found = STEP_TEXT.search(page.locator("[data-testid='stMain']").inner_text())
    return int(found.group(1)) if found else None


def _replay_at(page: Page, step: int) -> None:
    """The attention replay shows the probe taken at `step` (its slider follows the newest probe;
    the caption is lab.page.probe_io)."""
    expect(page.get_by_text(re.compile(rf"→ 스텝 {step}의 출력")).first).to_be_visible(timeout=30_000)


def _settled(page: Page, timeout: float = 30.0) -> int:
    """Wait until the step counter stops moving (two reads a poll apart agree; a read while the
    page redraws, with no counter, is skipped); returns it."""
    last: dict[str, int | None] = {"n": None}

    def same() -> bool:
        n = _step(page)
        if n is None:
            return False
        if n == last["n"]:
            return True
        last["n"] = n
        return False

    wait_until(same, timeout=timeout, every=1.5, what="the step counter to stand still")
    return last["n"]


def test_presenter_link_hides_the_sidebar_and_survives_a_reload(page: Page, live_app):
    goto(page, live_app, "lab", "tab=rnn&present=1&chart=loss")
    expect(page.get_by_role("heading", name="모델 실험실").first).to_be_visible()
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    expect(page.locator(".st-key-lab_presenter input")).to_be_checked()
    expect(
        page.get_by_role("radio", name="손실").or_(page.get_by_role("button", name="손실")).first
    ).to_be_visible()
    page.reload()
    wait_idle(page)
    assert "present=1" in page.url and "chart=loss" in page.url
    expect(page.locator(".st-key-lab_presenter input")).to_be_checked()
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    page.locator(".st-key-lab_presenter label").first.click()  # leaving presenter mode
    wait_idle(page)
    page.wait_for_url(lambda url: "present=" not in url, timeout=10_000)
    expect(page.get_by_test_id("stSidebar")).to_be_visible()


def test_space_pauses_steps_follow_in_the_counter_and_replay_and_space_resumes(page: Page, live_app):
    seed = fresh_seed()
    goto(
        page,
        live_app,
        "lab",
        f"tab=rnn&task=copy&seq_len=8&steps=2000&eval_every=50&probe_every=50&seed={seed}&present=1",
    )
    page.get_by_role("button", name="학습 시작").click()
    pause = page.locator(PAUSE).first
    expect(pause, "the job controls (lab_job_pause / lab_job_step_N) are on the page").to_be_visible(
        timeout=60_000
    )
    wait_until(lambda: (_step(page) or 0) > 0, timeout=60, what="training to begin")
    page.locator("[data-testid='stMain']").click(position={"x": 5, "y": 5})  # focus on the page, no box
    expect(pause).to_contain_text(translate("lab.job.pause", "ko"))

    page.keyboard.press("Space")  # pause
    expect(pause).to_contain_text(translate("lab.job.resume", "ko"), timeout=20_000)
    held = _settled(page)
    assert held < 2000
    _replay_at(page, held)  # where it paused, a probe: the attention a presenter explains

    page.keyboard.press("ArrowRight")  # one step
    wait_until(lambda: _step(page) == held + 1, timeout=30, what="one step after the right arrow")
    assert _settled(page) == held + 1  # ...and no more
    expect(pause).to_contain_text(translate("lab.job.resume", "ko"))  # still held
    _replay_at(page, held + 1)

    page.locator(STEP_10).first.click()  # ten steps
    wait_until(lambda: _step(page) == held + 11, timeout=30, what="ten steps after the button")
    assert _settled(page) == held + 11
    expect(pause).to_contain_text(translate("lab.job.resume", "ko"))
    _replay_at(page, held + 11)

    page.locator("[data-testid='stMain']").click(position={"x": 5, "y": 5})  # the button had the focus
    page.keyboard.press("Space")  # resume
    expect(pause).to_contain_text(translate("lab.job.pause", "ko"), timeout=20_000)
    wait_until(lambda: (_step(page) or 0) > held + 11, timeout=60, what="training to go on after space")


def test_gate_charts_fit_their_card_at_the_longest_sequence(page: Page, live_app):
    seed = fresh_seed()
    goto(
        page, live_app, "lab", f"tab=lstm&task=copy&seq_len=64&steps=4&eval_every=2&probe_every=2&seed={seed}"
    )
    page.get_by_role("button", name="학습 시작").click()
    expect(page.get_by_text("완료:").first).to_be_visible(timeout=120_000)
    wait_idle(page)
    gates = page.get_by_test_id("stExpander").filter(has_text="게이트 활성값")
    gates.locator("summary").first.click()
    chart = gates.locator("[data-testid='stVegaLiteChart']").first
    expect(chart.locator("canvas, svg").first).to_be_visible(timeout=20_000)
    sizes = gates.evaluate(
        """(card) => {
        const graphic = card.querySelector("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg");
        const box = card.getBoundingClientRect(), g = graphic.getBoundingClientRect();
        return {card: [box.left, box.right], chart: [g.left, g.right]};
    }"""
    )
    (card_left, card_right), (left, right) = sizes["card"], sizes["chart"]
    assert card_left <= left and right <= card_right, sizes  # the forget gate is inside the card
