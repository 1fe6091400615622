"""The Lab's cold start in a real browser, through the benchmark's own code (benchmarks/cold_start.py):
a fresh server, the Lab opened the moment it answers, drawn with its controls, Train turning on by
itself when the engine is warm (no reload). Figures are the benchmark's to record, on a quiet machine."""

from __future__ import annotations

import pytest

from benchmarks.cold_start import one_start
from tests.support.appserver import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_first_lab_visit_after_a_server_start_draws_then_enables_train(browser):
    context = browser.new_context()
    try:
        row = one_start(context, delay=0.0, port=free_port(), log=lambda _msg: None)
    finally:
        context.close()
    assert 0 < row["title_s"] <= row["drawn_s"] <= row["usable_s"] < 120
    assert row["health_s"] > 0
