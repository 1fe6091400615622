"""Chart builders: specs built from small data, checked through `chart.to_dict()` (no browser)."""

import numpy as np
import pandas as pd
import pytest
import torch

from core.lab import charts


def _datasets(spec: dict) -> list[list[dict]]:
    """All inline datasets of a spec (Altair moves DataFrames into top-level `datasets`)."""
    return list(spec.get("datasets", {}).values())


def _units(spec: dict) -> list[dict]:
    """Every single-view spec (one with `encoding`) inside layers / concats / facets."""
    out = []
    if "encoding" in spec:
        out.append(spec)
    for key in ("layer", "concat", "hconcat", "vconcat"):
        for sub in spec.get(key, []):
            out.extend(_units(sub))
    if "spec" in spec:
        out.extend(_units(spec["spec"]))
    return out


def _tooltip_fields(unit: dict) -> set[str]:
    return {t["field"] for t in unit["encoding"].get("tooltip", [])}


CURVES = {
    "step": [1, 2, 3, 4],
    "loss": [2.0, 1.5, 1.0, 0.5],
    "token_acc": [0.1, 0.3, 0.6, 0.9],
    "eval_step": [2, 4],
    "val_loss": [1.6, 0.6],
    "val_token_acc": [0.25, 0.85],
    "val_seq_acc": [0.0, 0.5],
}


def test_loss_chart_lines_points_and_tooltips():
    spec = charts.loss_chart(CURVES, lang="en", title="loss").to_dict()
    units = _units(spec)
    assert len(units) == 2  # train line + validation points
    for u in units:
        assert u["encoding"]["x"]["field"] == "step"
        assert u["encoding"]["y"]["field"] == "value"
        assert {"series", "step", "value"} <= _tooltip_fields(u)
    assert units[0]["encoding"]["color"]["scale"]["domain"] == ["train loss", "validation loss"]
    rows = [r for d in _datasets(spec) for r in d]
    assert {r["series"] for r in rows} == {"train loss", "validation loss"}
    assert spec["config"]["font"] == charts.FONT


def test_loss_chart_before_first_eval_has_no_validation_legend():
    spec = charts.loss_chart({"step": [1, 2], "loss": [2.0, 1.0]}, lang="en", font=None).to_dict()
    assert _units(spec)[0]["encoding"]["color"]["scale"]["domain"] == ["train loss"]
    assert "config" not in spec or "font" not in spec.get("config", {})


def test_loss_chart_long_curve_is_thinned():
    n = 20_000
    spec = charts.loss_chart(pd.DataFrame({"step": range(n), "loss": np.linspace(3, 0, n)})).to_dict()
    rows = max(len(d) for d in _datasets(spec))
    assert rows <= charts.MAX_POINTS
    steps = [r["step"] for d in _datasets(spec) for r in d]
    assert 0 in steps and n - 1 in steps  # first and last step survive
    live = charts.accuracy_chart({"step": list(range(n)), "token_acc": [0.5] * n}, max_points=300).to_dict()
    assert 150 < max(len(d) for d in _datasets(live)) <= 300


def test_accuracy_chart_percent_axis_and_series():
    spec = charts.accuracy_chart(CURVES, lang="en").to_dict()
    units = _units(spec)
    assert units[0]["encoding"]["y"]["scale"]["domain"] == [0, 1]
    assert units[0]["encoding"]["y"]["axis"]["format"] == "%"
    assert units[0]["encoding"]["color"]["scale"]["domain"] == [
        "train token accuracy",
        "validation token accuracy",
        "validation sequence accuracy",
    ]


def test_curve_chart_without_step_is_refused():
    with pytest.raises(ValueError, match="step"):
        charts.loss_chart({"loss": [1.0, 0.5]})


def test_attention_heatmap_axes_follow_token_order_with_duplicates():
    x = ["3", "1", "3", "<eos>"]
    y = ["a", "b", "a"]
    w = torch.softmax(torch.randn(1, 1, 3, 4), dim=-1)  # (B, H, Tq, Tk): leading ones dropped
    spec = charts.attention_heatmap(w, x, y, title="t", lang="en").to_dict()
    enc = spec["encoding"]
    assert enc["x"]["field"] == "key" and enc["y"]["field"] == "query"
    assert enc["x"]["sort"] == ["3 (pos 1)", "1", "3 (pos 3)", "<eos>"]
    assert enc["y"]["sort"] == {"field": "query_pos", "op": "min"}  # the cells say the order
    assert enc["color"]["field"] == "weight"
    assert {"query_token", "key_token", "weight"} <= _tooltip_fields(spec)
    rows = _datasets(spec)[0]
    by_pos = {r["query_pos"]: r["query"] for r in rows}
    assert [by_pos[i] for i in sorted(by_pos)] == ["a (pos 1)", "b", "a (pos 3)"]
    assert len(rows) == 12  # one cell per (query, key), duplicates included
    assert len({(r["query"], r["key"]) for r in rows}) == 12
    cell = next(r for r in rows if r["query_pos"] == 3 and r["key_pos"] == 1)  # counted from 1
    assert cell["key_token"] == "3" and cell["query_token"] == "a"
    assert cell["weight"] == pytest.approx(float(w[0, 0, 2, 0]))


@pytest.mark.parametrize(("lang", "tick"), [("en", "{} (pos {})"), ("ko", "{} ({}번째)")])
def test_heatmap_tooltips_count_positions_as_the_tick_labels_do(lang, tick):
    x, y = ["3", "1", "3"], ["a", "a"]
    w = np.full((2, 2, 3), 1 / 3)  # (H, Tq, Tk)
    for spec in (
        charts.attention_heatmap(w[0], x, y, lang=lang).to_dict(),
        charts.attention_grid(w, x, y, lang=lang).to_dict(),
    ):
        for unit in _units(spec):
            tips = {t["field"]: t["title"] for t in unit["encoding"]["tooltip"]}
            assert tips["query_pos"].endswith("#") and tips["key_pos"].endswith("#")
        rows = [r for d in _datasets(spec) for r in d]
        assert {r["query_pos"] for r in rows} == {1, 2} and {r["key_pos"] for r in rows} == {1, 2, 3}
        for r in rows:  # "a (pos 2)" in the tick is position 2 in the tooltip
            assert r["query"] == tick.format(r["query_token"], r["query_pos"])
            if r["key_token"] == "3":
                assert r["key"] == tick.format("3", r["key_pos"])


def test_attention_heatmap_shape_mismatch():
    with pytest.raises(ValueError, match="do not match"):
        charts.attention_heatmap(np.ones((2, 3)), ["a", "b"], ["c", "d"])


def test_unique_labels_never_collide():
    labels = charts.unique_labels(["a", "a (2번째)", "a"])
    assert len(set(labels)) == 3
    assert charts.unique_labels(["x", "y"]) == ["x", "y"]


def test_repeated_tokens_name_their_position_in_the_viewers_language():
    assert charts.unique_labels(["5", "0", "5"], "ko") == ["5 (1번째)", "0", "5 (3번째)"]
    assert charts.unique_labels(["5", "0", "5"], "en") == ["5 (pos 1)", "0", "5 (pos 3)"]
    w = np.full((1, 3), 1 / 3)  # (Tq, Tk)
    upright = charts.attention_heatmap(w, ["1", "2", "3"], ["x"], lang="en").to_dict()
    slanted = charts.attention_heatmap(w, ["5", "0", "5"], ["x"], lang="en").to_dict()
    assert upright["encoding"]["x"]["axis"]["labelAngle"] == 0
    assert slanted["encoding"]["x"]["axis"]["labelAngle"] == -45  # wide labels do not overlap


def test_attention_grid_one_panel_per_head():
    heads = 3
    w = np.random.default_rng(0).random((1, heads, 2, 4))  # (B, H, Tq, Tk)
    spec = charts.attention_grid(
        w, ["1", "2", "2", "3"], ["x", "y"], title="grid", lang="en", columns=2
    ).to_dict()
    panels = spec["concat"]
    assert len(panels) == heads
    assert spec["columns"] == 2
    assert [p["title"] for p in panels] == [f"head {h}" for h in (1, 2, 3)]
    for p in panels:
        assert p["encoding"]["x"]["sort"] == ["1", "2 (pos 2)", "2 (pos 3)", "3"]
        assert "weight" in _tooltip_fields(p)
    assert spec["resolve"]["scale"]["color"] == "shared"


def test_positional_encoding_chart():
    from core.lab.models import positional_encoding

    spec = charts.positional_encoding_chart(positional_encoding(10, 16), lang="en").to_dict()
    assert spec["encoding"]["x"]["field"] == "dimension"
    assert spec["encoding"]["y"]["field"] == "position"
    assert {"position", "dimension", "value"} <= _tooltip_fields(spec)
    assert len(_datasets(spec)[0]) == 160


def test_compare_chart_runs_in_order_and_duplicate_labels():
    runs = [
        ("lstm", {"step": [1, 2], "loss": [2.0, 1.0]}),
        ("gru", pd.DataFrame({"step": [1, 2, 3], "loss": [2.1, 1.2, 0.9]})),
        ("lstm", {"step": [1], "loss": [1.9]}),
    ]
    spec = charts.compare_chart(runs, metric="loss", lang="en").to_dict()
    assert spec["encoding"]["color"]["scale"]["domain"] == ["lstm", "gru", "lstm (2)"]
    assert {"run", "step", "value"} <= _tooltip_fields(spec)
    assert len(_datasets(spec)[0]) == 6
    acc = charts.compare_chart(runs, metric="val_token_acc", lang="en").to_dict()
    assert acc["encoding"]["y"]["title"] == "validation token accuracy"


def test_gates_chart_one_panel_per_gate_and_tanh_scale():
    g = {"input": np.full((3, 5), 0.5), "cell": np.full((3, 5), 0.2)}  # (T, U); tanh gate all > 0
    spec = charts.gates_chart(g, ["a", "b", "a"], lang="en").to_dict()
    panels = spec["hconcat"]
    assert [p["title"] for p in panels] == ["input", "cell"]
    assert panels[0]["encoding"]["color"]["scale"]["domain"] == [0, 1]
    assert panels[1]["encoding"]["color"]["scale"]["domain"] == [-1, 1]
    assert panels[0]["encoding"]["x"]["sort"] == ["a (pos 1)", "b", "a (pos 3)"]
    assert "value" in _tooltip_fields(panels[0])
    with pytest.raises(ValueError, match="tokens"):
        charts.gates_chart(g, ["a", "b"])


def test_grad_norm_chart_models_side_by_side():
    norms = {"RNN": torch.tensor([1e-6, 1e-3, 1.0]), "LSTM": [0.1, 0.2, 0.3]}
    spec = charts.grad_norm_chart(norms, ["x", "y", "z"], lang="en").to_dict()
    enc = spec["encoding"]
    assert enc["x"]["sort"] == ["x", "y", "z"]
    assert enc["y"]["scale"]["type"] == "log"
    assert enc["color"]["scale"]["domain"] == ["RNN", "LSTM"]
    assert {"model", "norm"} <= _tooltip_fields(spec)
    single = charts.grad_norm_chart([1.0, 2.0], lang="en").to_dict()
    assert "color" not in single["encoding"]
    # Bars on a log axis drew nothing (no zero to start from): lines with points do draw.
    assert spec["mark"]["type"] == "line" and spec["mark"]["point"] is True
    assert "mark-line" in charts.chart_to_svg(charts.grad_norm_chart(norms, font=None))


def test_png_and_svg_export():
    chart = charts.attention_heatmap(np.eye(2), ["나는", "cats"], ["a", "b"], title="export")
    png = charts.chart_to_png(chart, scale=1)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    svg = charts.chart_to_svg(chart)
    assert "<svg" in svg
    assert charts.save_chart(chart, "svg").startswith(b"<svg")
    with pytest.raises(ValueError, match="png, svg or json"):
        charts.save_chart(chart, "gif")


def test_export_of_a_large_chart_is_not_blocked_by_row_limit():
    pe = np.zeros((50, 128))  # 6,400 cells: above Altair's default 5,000-row guard
    svg = charts.chart_to_svg(charts.positional_encoding_chart(pe, font=None))
    assert "<svg" in svg


def test_png_export_draws_hangul_glyphs():
    """Exported charts use the shipped NanumGothic TTF: two different Korean titles give
    different images (missing glyphs would draw the same empty boxes for both)."""
    import hashlib

    import altair as alt

    def digest(title: str) -> str:
        chart = (
            alt.Chart(pd.DataFrame({"x": [1, 2], "y": [1, 2]}))
            .mark_line()
            .encode(x="x", y="y")
            .properties(title=title)
            .configure(font=charts.FONT)
        )
        return hashlib.sha256(charts.chart_to_png(chart)).hexdigest()

    assert digest("가나다라") != digest("마바사아")


def test_curve_frames_before_the_first_train_step():
    """A job evaluates at step 0 before it trains: eval points only, no train line yet."""
    line_df, point_df = charts.curve_frames("loss", {"eval_step": [0], "val_loss": [2.5]}, lang="en")
    assert line_df.empty and point_df["value"].tolist() == [2.5]
    assert charts.curve_series("loss", line_df, point_df, "en") == ["validation loss"]


CURVE_CASES = {
    "before the first step": {
        "eval_step": [0],
        "val_loss": [2.5],
        "val_token_acc": [0.1],
        "val_seq_acc": [0.0],
    },
    "training": {
        "step": [1, 2, 3, 4],
        "loss": [2.0, None, 1.5, 1.2],  # a non-finite loss is stored as None
        "token_acc": [0.1, 0.2, 0.3, 0.4],
        "eval_step": [0, 2, 4],
        "val_loss": [2.4, 1.9, None],
        "val_token_acc": [0.1, 0.3, 0.5],
        "val_seq_acc": [0.0, 0.0, 0.25],
    },
    "a stored run joined on step": {"step": [1, 2], "loss": [1.0, 0.5], "val_loss": [float("nan"), 0.7]},
    "nothing yet": {"step": [], "loss": []},
}


@pytest.mark.parametrize("case", CURVE_CASES)
@pytest.mark.parametrize("kind", ["loss", "accuracy"])
def test_curve_columns_give_the_rows_and_legend_of_curve_frames(case, kind):
    """The live page's numpy path draws exactly what the pandas builders (and the export) draw."""
    data = CURVE_CASES[case]
    line_df, point_df = charts.curve_frames(kind, data, lang="en", max_points=None)
    line_cols, point_cols, series = charts.curve_columns(kind, data, "en")
    for df, cols in ((line_df, line_cols), (point_df, point_cols)):
        assert cols["series"] == df["series"].tolist()
        assert cols["step"].tolist() == [float(x) for x in df["step"]]
        assert cols["value"].tolist() == [float(x) for x in df["value"]]
    assert list(series) == charts.curve_series(kind, line_df, point_df, "en")


LONG = "#12 Transformer · reverse · d_model 64 · 2 layers · 2 heads · lr 0.003 · seed 7 (Ann's second try)"


def _legends(spec: dict) -> list[dict]:
    """The legend settings of every categorical colour in a spec (None: no legend drawn)."""
    return [
        u["encoding"]["color"].get("legend", {})
        for u in _units(spec)
        if u["encoding"].get("color", {}).get("type") == "nominal"
    ]


@pytest.mark.parametrize("scale", [1, 1.6])  # the page and presenter mode (a projector)
def test_long_english_legend_labels_are_never_cut(scale):
    from core.lab.charts.base import presented
    from core.lab.embeddings import word_class
    from core.lab.tasks import make_task

    two = {LONG: CURVES, LONG.replace("#12", "#13"): CURVES}
    vocab = make_task("translate").tgt_vocab  # its word classes: "determiner (the, my, 내)", ...
    built = {
        "compare": charts.compare_chart(two, metric="loss", lang="en"),
        "embeddings": charts.embedding_chart(
            np.zeros((len(vocab), 2)), vocab, [word_class(t, "tgt") for t in vocab], lang="en"
        ),
        "accuracy": charts.accuracy_chart(CURVES, lang="en"),  # "validation sequence accuracy"
        "grad norms": charts.grad_norm_chart({LONG: np.ones(3), "GRU": np.ones(3)}, lang="en"),
    }
    for name, chart in built.items():
        spec = presented(chart, scale).to_dict()
        legends = _legends(spec)
        assert legends, name
        assert all(legend["labelLimit"] == 0 for legend in legends), name
    rows = [r for d in _datasets(built["compare"].to_dict()) for r in d]
    assert LONG in {r["run"] for r in rows}  # the label itself is whole in the data
