"""Gate-activation charts fit their card at any sequence length the form allows (issue 13 item 6),
and presenter mode enlarges every text of a chart through one factor."""

import re

import numpy as np
import pytest

from core.lab import charts
from core.lab.charts.base import PRESENTER_SCALE, presented
from core.lab.charts.maps import GATE_PANEL_EXTRA, GATES_MAX_WIDTH, gate_layout
from core.lab.config import TRAIN_LIMITS

SEQ_MAX = int(TRAIN_LIMITS["seq_len"][1]) + 2  # a probe may carry two more tokens than seq_len
LSTM = ("input", "forget", "cell", "output")
GRU = ("reset", "update", "new")
RNG = np.random.default_rng(0)


def _gates(names, steps: int, units: int = 32) -> dict:
    return {name: RNG.random((steps, units)) for name in names}


def _rows(spec: dict) -> list[list[dict]]:
    """The panels of a gates chart spec, row by row (one hconcat, or a vconcat of them)."""
    if "hconcat" in spec:
        return [spec["hconcat"]]
    return [row["hconcat"] for row in spec["vconcat"]]


@pytest.mark.parametrize("names", [LSTM, GRU], ids=["lstm", "gru"])
def test_every_gate_panel_fits_the_card_at_every_length(names):
    for steps in range(1, SEQ_MAX + 1):
        per_row, width = gate_layout(len(names), steps)
        assert per_row * (width + GATE_PANEL_EXTRA) <= GATES_MAX_WIDTH, (steps, per_row, width)
    for steps in (1, 7, 20, SEQ_MAX):  # the chart itself follows the layout
        per_row, width = gate_layout(len(names), steps)
        tokens = [str(i % 10) for i in range(steps)]
        rows = _rows(charts.gates_chart(_gates(names, steps), tokens, lang="en").to_dict())
        assert [p["title"] for row in rows for p in row] == list(names)  # every gate drawn, in order
        assert all(len(row) <= per_row for row in rows) and all(
            p["width"] == width for row in rows for p in row
        )


def test_long_sequences_wrap_into_rows_of_two_and_thin_their_labels():
    tokens = [str(i % 10) for i in range(SEQ_MAX)]
    spec = charts.gates_chart(_gates(LSTM, SEQ_MAX), tokens, lang="en").to_dict()
    rows = _rows(spec)
    assert [len(r) for r in rows] == [2, 2]  # four 64-token panels in one row were 2,128 px wide
    forget = rows[0][1]
    assert forget["title"] == "forget"
    shown = forget["encoding"]["x"]["axis"]["values"]
    assert 4 <= len(shown) < SEQ_MAX and shown[0] == forget["encoding"]["x"]["sort"][0]
    short = charts.gates_chart(_gates(GRU, 4), ["a", "b", "c", "d"], lang="en").to_dict()
    assert [len(r) for r in _rows(short)] == [3]  # a short probe keeps one row at full cell size
    assert short["hconcat"][0]["encoding"]["x"]["axis"]["labelAngle"] == 0


@pytest.mark.slow
def test_drawn_gates_chart_is_no_wider_than_the_card_even_in_presenter_mode():
    """The real picture (vl-convert's SVG, the same Vega the browser runs) with presenter-size text."""
    tokens = [f"{i % 10}" for i in range(SEQ_MAX)]
    chart = presented(charts.gates_chart(_gates(LSTM, SEQ_MAX), tokens, lang="ko"))
    svg = charts.chart_to_svg(chart)
    width = float(re.search(r'<svg[^>]*\swidth="([\d.]+)"', svg).group(1))
    assert width <= GATES_MAX_WIDTH


def test_presenter_scale_enlarges_ticks_legends_titles_and_cell_text():
    chart = charts.attention_heatmap(np.eye(3), ["a", "b", "c"], ["x", "y", "z"], lang="en")
    assert presented(chart, 1) is chart
    config = presented(chart).to_dict()["config"]
    assert config["axis"]["labelFontSize"] == round(10 * PRESENTER_SCALE) >= 16
    assert config["legend"]["labelFontSize"] >= 16 and config["legend"]["titleFontSize"] >= 17
    assert config["title"]["fontSize"] >= 20 and config["text"]["fontSize"] >= 17
    assert config["header"]["labelFontSize"] >= 16  # facet / concat headers too
    assert config["font"] == charts.FONT  # the builder's own config is kept
