"""Every chart builder at the largest sizes the Lab's form allows builds, serialises through Altair's
row guard (`chart.to_dict()` raises MaxRowsError above 5,000 rows) and ships bounded data."""

import inspect

import numpy as np
import pandas as pd
import pytest

from core.lab import charts
from core.lab.charts.base import MAX_ROWS, thin
from core.lab.config import MODEL_LIMITS, TRAIN_LIMITS
from core.lab.models import positional_encoding
from core.lab.tasks import make_task

SEQ_MAX = int(TRAIN_LIMITS["seq_len"][1])
VOCAB_MAX = int(TRAIN_LIMITS["vocab_size"][1])
STEPS_MAX = int(TRAIN_LIMITS["steps"][1])
EVERY_MIN = int(TRAIN_LIMITS["eval_every"][0])
D_MAX = int(MODEL_LIMITS["d_model"][1])
HEADS_MAX = int(MODEL_LIMITS["n_heads"][1])
UNITS_MAX = int(MODEL_LIMITS["hidden"][1])
RNG = np.random.default_rng(0)


def _tokens() -> tuple[list[str], list[str]]:
    """The longest probe a task makes at the form's maximum: keys (source), queries (BOS + target)."""
    probes = [make_task(name, SEQ_MAX, VOCAB_MAX) for name in ("copy", "reverse", "sort", "recall")]
    task = max(probes, key=lambda t: t.probe()[1].shape[1])
    src, tgt = task.probe()
    xs = task.src_tokens(src[0])
    ys = [task.tgt_vocab[i] for i in tgt[0].tolist()]
    assert len(xs) >= SEQ_MAX and len(ys) >= SEQ_MAX  # the probe really is at the maximum length
    return xs, ys


def _curves() -> dict[str, list]:
    steps = list(range(1, STEPS_MAX + 1))
    evals = list(range(0, STEPS_MAX + 1, EVERY_MIN))  # one eval per step, and one before training
    return {
        "step": steps,
        "loss": np.linspace(3, 0.1, len(steps)).tolist(),
        "token_acc": np.linspace(0, 1, len(steps)).tolist(),
        "eval_step": evals,
        "val_loss": np.linspace(3, 0.2, len(evals)).tolist(),
        "val_token_acc": np.linspace(0, 1, len(evals)).tolist(),
        "val_seq_acc": np.linspace(0, 1, len(evals)).tolist(),
    }


def _attention_heatmap():
    xs, ys = _tokens()
    return charts.attention_heatmap(RNG.random((len(ys), len(xs))), xs, ys, lang="en")


def _attention_grid():
    xs, ys = _tokens()
    return charts.attention_grid(RNG.random((1, HEADS_MAX, len(ys), len(xs))), xs, ys, lang="en", cell=8)


def _attention_template():
    """The live page's grid: the spec without cells, then every head's cells as its named data."""
    xs, ys = _tokens()
    weights = RNG.random((HEADS_MAX, len(ys), len(xs)))
    rows = {
        f"head{h + 1}": pd.DataFrame(charts.heat_columns(weights[h], xs, ys, "en")) for h in range(HEADS_MAX)
    }
    chart = charts.attention_template(xs, len(ys), HEADS_MAX, lang="en", cell=8)
    return chart.properties(datasets={k: df.to_dict("records") for k, df in rows.items()})


def _positional_encoding_chart():
    # d_model at its maximum, over more positions than the longest sequence
    return charts.positional_encoding_chart(positional_encoding(4 * SEQ_MAX, D_MAX), lang="en")


def _gates_chart():
    xs, _ = _tokens()
    gates = {g: RNG.random((len(xs), UNITS_MAX)) for g in ("input", "forget", "cell", "output")}
    return charts.gates_chart(gates, xs, lang="en", max_units=UNITS_MAX)


def _grad_norm_chart():
    xs, _ = _tokens()
    return charts.grad_norm_chart({k: RNG.random(len(xs)) for k in ("RNN", "LSTM", "GRU")}, xs, lang="en")


def _curve_chart():
    line_df, point_df = charts.curve_frames("accuracy", _curves(), lang="en")
    series = charts.curve_series("accuracy", line_df, point_df, "en")
    return charts.curve_chart("accuracy", line_df, point_df, series, lang="en")


def _compare_chart():
    # far more runs than the page lets anyone pick: the runs share one budget
    runs = [(f"run {i}", _curves()) for i in range(40)]
    return charts.compare_chart(runs, metric="val_loss", lang="en")


def _matrix_chart():
    xs, _ = _tokens()  # the longest sequence at the widest model: columns are sampled
    return charts.matrix_chart(RNG.normal(size=(len(xs), D_MAX)), xs, lang="en")


def _score_matrix():
    xs, ys = _tokens()  # tokens both ways, a causal mask's -inf included
    m = RNG.normal(size=(len(ys), len(xs)))
    m[np.triu_indices(len(ys), 1, len(xs))] = -np.inf
    return charts.matrix_chart(m, ys, xs, lang="en", scale="free")


def _prob_chart():
    task = make_task("translate")
    return charts.prob_chart(
        RNG.random(len(task.tgt_vocab)), task.tgt_vocab, lang="en", top=len(task.tgt_vocab)
    )


def _embedding_chart():
    from core.lab.embeddings import word_class

    task = make_task("translate")
    vocab = task.tgt_vocab
    classes = [word_class(t, "tgt") for t in vocab]
    return charts.embedding_chart(RNG.normal(size=(len(vocab), 2)), vocab, classes, lang="en")


BUILDERS = {
    "matrix_chart": _matrix_chart,
    "prob_chart": _prob_chart,
    "embedding_chart": _embedding_chart,
    "attention_heatmap": _attention_heatmap,
    "attention_grid": _attention_grid,
    "attention_template": _attention_template,
    "positional_encoding_chart": _positional_encoding_chart,
    "gates_chart": _gates_chart,
    "grad_norm_chart": _grad_norm_chart,
    "loss_chart": lambda: charts.loss_chart(_curves(), lang="en"),
    "accuracy_chart": lambda: charts.accuracy_chart(_curves(), lang="en"),
    "curve_chart": _curve_chart,
    "compare_chart": _compare_chart,
    "room_chart": lambda: charts.room_chart([(f"p{i}", _curves()) for i in range(40)], lang="en"),
}


def _chart_builders() -> set[str]:
    """Public functions of core.lab.charts that return an Altair chart."""
    out = set()
    for name in charts.__all__:
        fn = getattr(charts, name)
        if inspect.isfunction(fn) and str(inspect.signature(fn).return_annotation).startswith("alt."):
            out.add(name)
    return out


def test_score_matrix_with_a_mask_serialises_within_the_budget():
    spec = _score_matrix().to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) <= MAX_ROWS and any(r["value"] is None and r["shown"] == "masked (−∞)" for r in rows)


def test_every_chart_builder_has_a_max_size_case():
    assert _chart_builders() == set(BUILDERS)


def _views(spec: dict) -> int:
    n = 1 if "mark" in spec else 0
    for key in ("layer", "concat", "hconcat", "vconcat"):
        n += sum(_views(sub) for sub in spec.get(key, []))
    return n


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_builder_at_form_maximum_serialises_with_bounded_rows(name):
    spec = BUILDERS[name]().to_dict()  # Altair's row guard on: MaxRowsError above MAX_ROWS
    sizes = [len(rows) for rows in spec.get("datasets", {}).values()]
    assert sizes, "the chart carries its data"
    assert max(sizes) <= MAX_ROWS
    assert sum(sizes) <= MAX_ROWS * _views(spec)  # at most one budget per drawn view (grid: per head)


@pytest.mark.parametrize("d_model", [104, 128, 256, 512])
def test_positional_encoding_of_a_wide_model_samples_real_dimension_pairs(d_model):
    pe = positional_encoding(50, d_model)  # the page's 50 positions
    spec = charts.positional_encoding_chart(pe, lang="en").to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) <= MAX_ROWS
    dims = sorted({r["dimension"] for r in rows})
    assert dims[0] == 0 and dims[-1] == d_model - 1  # fastest and slowest wavelengths both drawn
    assert all(d + 1 in dims for d in dims if d % 2 == 0)  # sin with its cos
    assert {r["position"] for r in rows} == set(range(50))
    for r in rows[:: len(rows) // 50]:
        assert r["value"] == pytest.approx(float(pe[r["position"], r["dimension"]]), abs=1e-6)
    assert spec["encoding"]["x"]["title"] == f"dimension ({len(dims)} of {d_model} shown)"
    assert set(spec["encoding"]["x"]["axis"]["values"]) <= set(dims)
    ko = charts.positional_encoding_chart(pe, lang="ko").to_dict()
    assert ko["encoding"]["x"]["title"] == f"차원 ({d_model}개 중 {len(dims)}개 표시)"


def test_positional_encoding_that_fits_is_drawn_whole():
    spec = charts.positional_encoding_chart(positional_encoding(50, 64), lang="en").to_dict()
    assert len(next(iter(spec["datasets"].values()))) == 50 * 64
    assert spec["encoding"]["x"]["title"] == "dimension"


def test_thin_shares_the_row_budget_between_lines_and_keeps_their_ends():
    df = pd.concat(
        [pd.DataFrame({"run": f"r{i}", "step": range(3000), "value": 1.0}) for i in range(10)],
        ignore_index=True,
    )
    out = thin(df, group="run", max_points=1500, max_rows=5000)
    assert len(out) <= 5000
    per_run = out.groupby("run")["step"]
    assert per_run.size().min() >= 400  # each run keeps its share, not the first runs everything
    assert (per_run.min() == 0).all() and (per_run.max() == 2999).all()


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_a_legend_of_names_never_cuts_them(name):
    """English labels are long ("validation sequence accuracy", run titles): a legend that lists
    names (a nominal colour) shows them whole (labelLimit 0) or is not drawn (legend None)."""

    def colours(spec):
        if "color" in spec.get("encoding", {}):
            yield spec["encoding"]["color"]
        for key in ("layer", "concat", "hconcat", "vconcat"):
            for sub in spec.get(key, []):
                yield from colours(sub)

    for colour in colours(BUILDERS[name]().to_dict()):
        if colour.get("type") == "nominal" and colour.get("legend", {}) is not None:
            assert colour.get("legend", {}).get("labelLimit") == 0, colour
