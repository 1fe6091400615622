"""The Model Lab in a real browser: a guest opens a shared link, trains a tiny model, watches the
loss chart and an attention heatmap render, then stops a second, long run."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from core.lab.jobs.policy import JobLimits
from tests.support.browser import goto, wait_idle
from tests.support.lab import fresh_seed

GUEST_MAX_STEPS = JobLimits().of("guest").max_steps

pytestmark = pytest.mark.e2e

CHART = "[data-testid='stVegaLiteChart']"


def _drawn_charts(page: Page) -> int:
    """Charts whose canvas or svg actually has a size (rendered by vega-embed)."""
    return page.evaluate(f"""[...document.querySelectorAll("{CHART}")].filter(el => {{
        const g = el.querySelector('canvas, svg');
        return g && g.getBoundingClientRect().width > 20 && g.getBoundingClientRect().height > 20;
    }}).length""")


def _map_cells(page: Page) -> int:
    """Cells of the attention map drawn (its spec names its cells; they come beside it)."""
    return page.evaluate(f"""Math.max(0, ...[...document.querySelectorAll("{CHART}")].map(
        el => el.querySelectorAll('.mark-rect path').length))""")


def test_guest_trains_from_a_shared_link_and_stops_a_second_run(page: Page, live_app, tmp_path):
    seed = fresh_seed()  # a fresh config, so no stored run offers an instant replay
    goto(
        page,
        live_app,
        "lab",
        f"tab=rnn&task=copy&seq_len=5&steps=60&eval_every=20&probe_every=20&seed={seed}",
    )
    expect(page.get_by_role("heading", name="모델 실험실").first).to_be_visible()
    # the link restored the tab's config (a guest, no sign-in)
    expect(page.get_by_role("tab", name="RNN", selected=True)).to_be_visible()
    expect(page.get_by_role("spinbutton", name="학습 스텝")).to_have_value("60")

    page.get_by_role("button", name="학습 시작").click()
    expect(page.get_by_text("완료:").first).to_be_visible(timeout=60_000)
    page.wait_for_function(f'document.querySelectorAll("{CHART}").length >= 3', timeout=20_000)
    page.wait_for_function(
        f"""[...document.querySelectorAll("{CHART}")].filter(el => {{
        const g = el.querySelector('canvas, svg'); return g && g.getBoundingClientRect().width > 20;
    }}).length >= 3""",
        timeout=20_000,
    )
    assert _drawn_charts(page) >= 3  # loss, accuracy and the attention heatmap
    assert _map_cells(page) >= 5 * 5  # a 5-token copy: every (output, input) pair a cell
    expect(page.get_by_text("프로브 입력:").first).to_be_visible()
    page.wait_for_url("**run=**", timeout=10_000)  # the finished run is stored; the address links to it
    page.screenshot(path=str(tmp_path / "lab_trained.png"), full_page=True)

    # a second, long run (as long as a guest may ask for): "Stop training" ends it within a moment
    wait_idle(page)
    steps = page.get_by_role("spinbutton", name="학습 스텝")
    steps.fill(str(GUEST_MAX_STEPS))
    steps.press("Enter")
    page.wait_for_url(f"**steps={GUEST_MAX_STEPS}**", timeout=10_000)  # the config is in the address bar
    wait_idle(page)
    page.get_by_role("button", name="학습 시작").click()
    stop = page.get_by_role("button", name="학습 중지")
    expect(stop).to_be_visible(timeout=30_000)
    expect(page.get_by_text("초당").first).to_be_visible(timeout=30_000)  # progress: steps/s, time left
    stop.click()
    expect(page.get_by_text("중지했습니다").first).to_be_visible(timeout=10_000)
    expect(page.get_by_role("button", name="학습 중지")).to_have_count(0)


def test_the_positional_encoding_chart_is_drawn_when_its_section_opens(page: Page, live_app):
    goto(page, live_app, "lab", "tab=transformer")
    title = page.locator("summary").filter(has_text=re.compile("위치 인코딩$"))
    section = page.get_by_test_id("stExpander").filter(has=title)
    summary = section.locator("summary")
    expect(summary).to_be_visible(timeout=30_000)
    wait_idle(page)
    assert section.locator(CHART).count() == 0  # closed: the server computed and sent nothing
    summary.click()
    expect(section.get_by_text("사인파 위치 인코딩").first).to_be_visible(timeout=20_000)
    expect(section.locator(CHART).first).to_be_visible(timeout=20_000)
    drawn = section.locator(f"{CHART} canvas, {CHART} svg").first
    expect(drawn).to_be_visible(timeout=20_000)
    assert drawn.bounding_box()["width"] > 20
