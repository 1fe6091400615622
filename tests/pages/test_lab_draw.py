"""Chart specs the Lab sends while a run trains: stable across redraws, data beside them."""

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from core.lab import charts
from ui.lab.draw import _curve_template, stable_dataset_names


def _without_data(spec: dict) -> str:
    return json.dumps({k: v for k, v in spec.items() if k != "datasets"}, sort_keys=True)


def test_heatmaps_of_two_probe_steps_share_one_spec():
    """A new probe map only swaps data: Altair's hashed dataset names become positional ones."""
    src, out = ["i", "love", "cats"], ["나는", "고양이를", "좋아해"]
    early = charts.attention_heatmap(np.full((3, 3), 1 / 3), src, out, lang="en").to_dict(validate=False)
    late = charts.attention_heatmap(np.eye(3)[::-1], src, out, lang="en").to_dict(validate=False)
    assert _without_data(early) != _without_data(late)  # hashed names differ with the data
    a, b = stable_dataset_names(early), stable_dataset_names(late)
    assert _without_data(a) == _without_data(b)
    assert list(a["datasets"]) == ["d0"] and a["datasets"]["d0"] != b["datasets"]["d0"]
    assert a["data"] == {"name": "d0"}


@pytest.mark.parametrize("heads", [None, 3])
def test_attention_template_filled_with_its_cells_draws_the_full_chart(heads):
    """What a live page sends (the template and each map's cells) is the chart an export draws:
    the same spec, the same cells, a repeated output token numbered by its place."""
    src, out = ["i", "love", "cats", "<eos>"], ["나는", "고양이를", "고양이를"]
    w = np.random.default_rng(1).random((heads or 1, 3, 4))
    if heads is None:
        full = charts.attention_heatmap(w[0], src, out, "t", lang="en", cell=20)
    else:
        full = charts.attention_grid(w, src, out, "t", lang="en", cell=20)
    full = stable_dataset_names(full.to_dict(validate=False))
    names = ["map"] if heads is None else [f"head{h + 1}" for h in range(heads)]
    template = charts.attention_template(src, len(out), heads, "t", lang="en", cell=20).to_dict(
        validate=False
    )
    shown = _without_data(full)
    for i, name in enumerate(names):
        shown = shown.replace(f'"name": "d{i}"', f'"name": "{name}"')
    assert shown == _without_data(template) and "datasets" not in template
    for i in range(len(names)):
        cells = pd.DataFrame(charts.heat_columns(w[i], src, out, "en")).to_dict("records")
        assert len(cells) == len(full["datasets"][f"d{i}"]) == 12
        for sent, drawn in zip(cells, full["datasets"][f"d{i}"], strict=True):
            assert sent == {**drawn, "weight": pytest.approx(drawn["weight"])}
    assert {c["query"] for c in cells} == {"나는", "고양이를 (pos 2)", "고양이를 (pos 3)"}


def test_curve_template_refers_to_named_rows_and_depends_on_the_legend():
    spec = json.loads(_curve_template("loss", ("train loss", "validation loss"), "en", "Loss", False))
    assert [layer["data"] for layer in spec["layer"]] == [{"name": "lines"}, {"name": "points"}]
    assert "datasets" not in spec and spec["title"] == "Loss"
    assert spec["usermeta"]["embedOptions"]["renderer"] == "canvas"
    one = json.loads(_curve_template("loss", ("validation loss",), "en", "Loss", False))
    assert one["layer"][0]["encoding"]["color"]["scale"]["domain"] == ["validation loss"]
    big = json.loads(_curve_template("loss", ("train loss", "validation loss"), "en", "Loss", True))
    assert big["config"]["axis"]["labelFontSize"] == 16  # presenter mode: readable from the back row


def test_shared_tables_are_made_once_per_key_and_the_oldest_go_first(monkeypatch):
    from ui.lab import draw

    monkeypatch.setattr(draw, "_shared", type(draw._shared)())
    monkeypatch.setattr(draw, "_SHARED_LIMIT", 2)
    made: list[str] = []

    def make(name):
        return lambda: made.append(name) or f"rows of {name}"

    assert draw.shared(("a",), make("a")) == draw.shared(("a",), make("a")) == "rows of a"
    draw.shared(("b",), make("b"))
    draw.shared(("a",), make("a"))  # used again: now the newest
    draw.shared(("c",), make("c"))  # over the limit: "b", the oldest used, goes
    draw.shared(("a",), make("a"))
    draw.shared(("b",), make("b"))
    assert made == ["a", "b", "c", "b"]


def _map_view(weights, **ids):
    from core.lab.config import replace
    from core.lab.presets import tab_default
    from core.lab.view import Probe, RunView

    probe = Probe(10, ["a", "b", "<eos>"], ["b", "a", "<eos>"], {"cross": np.asarray(weights)[None]})
    cfg = replace(tab_default("gru"), task="reverse", seq_len=2)
    return RunView("finished", cfg, 10, {}, [10], lambda step: probe if step == 10 else None, **ids)


def _drawn_cells(view) -> list[float]:
    from streamlit.testing.v1 import AppTest

    def page(view):
        from ui.lab.attention import draw_attention

        draw_attention(view, "lab_gru")

    at = AppTest.from_function(page, kwargs={"view": view}).run()
    assert not at.exception, at.exception
    (chart,) = [c for c in at.get("vega_lite_chart") if '"field": "weight"' in c.proto.spec]
    return sorted(pa.ipc.open_stream(chart.proto.datasets[0].data.data).read_all()["weight"].to_pylist())


def test_two_uploaded_checkpoints_at_the_same_step_show_their_own_maps():
    """Maps are shared between viewers only when a job or a stored run names them: two opened
    checkpoints (no job, no run) probed at the same step each show their own."""
    one, other = np.eye(3), np.full((3, 3), 1 / 3)
    assert _drawn_cells(_map_view(one)) == sorted(one.ravel().tolist())
    assert _drawn_cells(_map_view(other)) == pytest.approx(sorted(other.ravel().tolist()))
    stored = _drawn_cells(_map_view(one, run_id=987_654))
    assert _drawn_cells(_map_view(other, run_id=987_654)) == stored  # one stored run: one map, shared
