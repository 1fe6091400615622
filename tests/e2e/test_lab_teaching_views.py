"""The teaching views of a finished run in a real browser: "how this was computed" opens with its
formulas typeset by KaTeX and its charts drawn, and "embeddings over training" draws its scatter
and follows the step slider (the chart changes when the viewer moves to an earlier probe)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from core.i18n import translate
from tests.support.browser import goto, wait_idle
from tests.support.lab import fresh_seed

pytestmark = pytest.mark.e2e

CHART = "[data-testid='stVegaLiteChart']"


def _open(page: Page, title_key: str):
    box = page.get_by_test_id("stExpander").filter(has_text=translate(title_key, "ko"))
    box.locator("summary").first.click()
    return box


def test_step_through_and_embeddings_of_a_finished_transformer_run(page: Page, live_app):
    seed = fresh_seed()
    goto(
        page,
        live_app,
        "lab",
        f"tab=transformer&task=reverse&seq_len=6&steps=40&eval_every=10&probe_every=10&seed={seed}",
    )
    page.get_by_role("button", name="학습 시작").click()
    expect(page.get_by_text("완료:").first).to_be_visible(timeout=120_000)
    wait_idle(page)

    steps = _open(page, "lab.teach.st_title")
    wait_idle(page)
    expect(steps.locator(".katex").first).to_be_visible(timeout=30_000)  # formulas typeset, not raw TeX
    assert "\\frac" not in steps.inner_text()  # no TeX source left on screen
    expect(steps.locator(CHART).first.locator("canvas, svg").first).to_be_visible(timeout=30_000)
    assert steps.locator(CHART).count() >= 3  # embeddings + PE, scores, weights, probabilities...

    emb = _open(page, "lab.teach.emb_title")
    wait_idle(page)
    chart = emb.locator(CHART).first
    expect(chart.locator("canvas, svg").first).to_be_visible(timeout=30_000)
    slider = emb.get_by_role("slider").first
    expect(slider).to_have_attribute("aria-valuetext", "40")  # opens at the last probe
    before = chart.screenshot()
    slider.focus()
    page.keyboard.press("Home")  # the first probe: the untrained embeddings
    expect(slider).to_have_attribute("aria-valuetext", "0", timeout=10_000)
    wait_idle(page)
    after = emb.locator(CHART).first
    expect(after.locator("canvas, svg").first).to_be_visible(timeout=30_000)
    assert after.screenshot() != before  # the scatter shows that step's points, not the last ones
