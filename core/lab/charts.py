"""Chart builders for the Model Lab: pure functions returning Altair charts (no Streamlit).

Inputs are forgiving: a pandas DataFrame, a dict of equal-length lists (what `JobSnapshot`
holds), numpy arrays or torch tensors. Every builder documents the columns it reads. Pass
`font=None` to get a chart without a top-level `config` so a page can still layer or concat it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from core.i18n import translate

# The app serves NanumGothic under the family "nanum"; "NanumGothic" catches an installed
# TTF (PNG export through vl-convert), the rest fall back to whatever has Hangul.
FONT = "nanum, NanumGothic, 'Noto Sans CJK KR', sans-serif"


def _t(key: str, lang: str) -> str:
    """A chart label in `lang` (catalog: core/i18n/lab_charts.py)."""
    return translate(key, lang)


def _array(x: Any) -> np.ndarray:
    """numpy view of a tensor / array / nested list (detached, on the CPU, float64)."""
    if hasattr(x, "detach"):  # torch.Tensor without importing torch here
        x = x.detach().float().cpu().numpy()
    return np.asarray(x, dtype=float)


def _frame(data: Any) -> pd.DataFrame:
    """DataFrame from a DataFrame, a dict of lists or a list of row dicts."""
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, Mapping):
        cols = {k: v for k, v in data.items() if isinstance(v, (list, tuple, np.ndarray, pd.Series))}
        width = max((len(v) for v in cols.values()), default=0)
        # Columns of different lengths (train curve vs eval points) are padded with NaN.
        return pd.DataFrame({k: list(v) + [np.nan] * (width - len(v)) for k, v in cols.items()})
    return pd.DataFrame(list(data))


def _finish(chart: alt.TopLevelMixin, font: str | None) -> alt.TopLevelMixin:
    return chart.configure(font=font) if font else chart


def _titled(chart: alt.TopLevelMixin, title: str | None) -> alt.TopLevelMixin:
    return chart.properties(title=title) if title else chart


def _long(df: pd.DataFrame, columns: Mapping[str, str], lang: str) -> pd.DataFrame:
    """Long form (step, value, series) of the present, non-empty `columns` {col: label key}."""
    parts = []
    for col, key in columns.items():
        if col in df and df[col].notna().any():
            part = df[["step", col]].dropna().rename(columns={col: "value"})
            part["series"] = _t(key, lang)
            parts.append(part)
    if not parts:
        return pd.DataFrame({"step": [], "value": [], "series": []})
    return pd.concat(parts, ignore_index=True)


# Points per line kept in a chart: a 20,000-step curve would ship megabytes of JSON at every
# redraw and trip Altair's 5,000-row limit on export; the shape survives at this density.
MAX_POINTS = 1500


def _thin(df: pd.DataFrame, group: str = "series", max_points: int = MAX_POINTS) -> pd.DataFrame:
    """Every k-th row per `group` (first and last kept) so each line has at most `max_points`."""
    if df.empty or len(df) <= max_points:
        return df
    parts = []
    for _, part in df.groupby(group, sort=False):
        n = len(part)
        if n > max_points:
            idx = np.unique(np.linspace(0, n - 1, max_points).round().astype(int))
            part = part.iloc[idx]
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


# Curve charts: {kind: (train-line columns, eval-point columns, y-axis label key)}.
CURVES: dict[str, tuple[dict[str, str], dict[str, str], str]] = {
    "loss": ({"loss": "lab.chart.train_loss"}, {"val_loss": "lab.chart.val_loss"}, "lab.chart.loss"),
    "accuracy": ({"token_acc": "lab.chart.train_token_acc"},
                 {"val_token_acc": "lab.chart.val_token_acc", "val_seq_acc": "lab.chart.val_seq_acc"},
                 "lab.chart.accuracy"),
}


def curve_frames(kind: str, data: Any, *, lang: str = "ko",
                 max_points: int = MAX_POINTS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two long-form (step, value, series) tables a curve chart draws: train lines, eval points.

    `data`: columns `step` + the kind's train columns, eval columns either joined on `step`
    (NaN where no eval ran) or listed separately as `eval_step` + eval columns (a job's curves).
    """
    lines, points, _ = CURVES[kind]
    df = _frame(data)
    if "eval_step" in df and "step" not in df:  # evaluated (step 0) before the first train step
        df = df.assign(step=np.nan)
    df = _split_evals(df, tuple(points))
    if "step" not in df:
        if len(df):
            raise ValueError("curve data needs a 'step' column")
        df = pd.DataFrame({"step": []})
    return _thin(_long(df, lines, lang), max_points=max_points), _long(df, points, lang)


def curve_series(kind: str, line_df: pd.DataFrame, point_df: pd.DataFrame, lang: str) -> list[str]:
    """Legend entries in order: only series that have data (no "validation" swatch before an eval)."""
    lines, points, _ = CURVES[kind]
    present = set(line_df["series"]) | set(point_df["series"])
    return [s for s in (_t(k, lang) for k in (*lines.values(), *points.values())) if s in present]


def curve_chart(kind: str, line_data: Any, point_data: Any, series: Sequence[str], *, lang: str = "ko",
                title: str | None = None, font: str | None = FONT, log_y: bool = False) -> alt.LayerChart:
    """A loss or accuracy chart: lines per step + points at evaluations.

    `line_data` / `point_data`: the tables from `curve_frames`, or `alt.NamedData` references
    (a spec that stays the same while a live page swaps in new data under those names).
    """
    _, _, y_key = CURVES[kind]
    if kind == "accuracy":
        y_scale, y_format = alt.Scale(domain=[0, 1]), "%"
    else:
        y_scale, y_format = (alt.Scale(type="log") if log_y else alt.Undefined), None
    order = list(series)
    x = alt.X("step:Q", title=_t("lab.chart.step", lang))
    y = alt.Y("value:Q", title=_t(y_key, lang), scale=y_scale,
              axis=alt.Axis(format=y_format) if y_format else alt.Undefined)
    color = alt.Color("series:N", sort=order, scale=alt.Scale(domain=order),
                      title=_t("lab.chart.series", lang))
    tip = [alt.Tooltip("series:N", title=_t("lab.chart.series", lang)),
           alt.Tooltip("step:Q", title=_t("lab.chart.step", lang)),
           alt.Tooltip("value:Q", title=_t(y_key, lang), format=".4f")]
    base_line = alt.Chart(line_data).mark_line(strokeWidth=1.5).encode(x=x, y=y, color=color, tooltip=tip)
    base_pts = alt.Chart(point_data).mark_line(point=alt.OverlayMarkDef(size=50), strokeDash=[4, 3]).encode(
        x=x, y=y, color=color, tooltip=tip)
    chart = _titled(alt.layer(base_line, base_pts), title)
    return _finish(chart, font)


def _curve(kind: str, df: Any, lang: str, title: str | None, font: str | None, max_points: int,
           log_y: bool = False) -> alt.LayerChart:
    line_df, point_df = curve_frames(kind, df, lang=lang, max_points=max_points)
    return curve_chart(kind, line_df, point_df, curve_series(kind, line_df, point_df, lang), lang=lang,
                       title=title, font=font, log_y=log_y)


def loss_chart(df: Any, *, lang: str = "ko", title: str | None = None, log_y: bool = False,
               font: str | None = FONT, max_points: int = MAX_POINTS) -> alt.LayerChart:
    """Train loss per step (line) and validation loss at evaluations (points).

    Columns: `step`, `loss` (train), optional `val_loss` (NaN or absent where no eval ran).
    A dict of lists works too; eval points may also come as `eval_step`/`val_loss` lists.
    `max_points` thins the train line (a live view redrawn twice a second may ask for ~300).
    """
    return _curve("loss", df, lang, title, font, max_points, log_y=log_y)


def accuracy_chart(df: Any, *, lang: str = "ko", title: str | None = None,
                   font: str | None = FONT, max_points: int = MAX_POINTS) -> alt.LayerChart:
    """Train token accuracy per step (line) and validation token / sequence accuracy (points).

    Columns: `step`, `token_acc`, optional `val_token_acc`, `val_seq_acc` (fractions 0..1).
    """
    return _curve("accuracy", df, lang, title, font, max_points)


def _split_evals(df: pd.DataFrame, val_cols: Sequence[str]) -> pd.DataFrame:
    """Rows for eval points listed separately (`eval_step` + val columns) joined on `step`."""
    if "eval_step" not in df:
        return df
    train_cols = [c for c in df.columns if c not in (*val_cols, "eval_step")]
    train = df[train_cols].dropna(subset=["step"])
    evals = df[["eval_step", *[c for c in val_cols if c in df]]].dropna(subset=["eval_step"])
    evals = evals.rename(columns={"eval_step": "step"})
    return pd.concat([train, evals], ignore_index=True)


def unique_labels(tokens: Sequence[Any]) -> list[str]:
    """Axis labels for tokens: repeated tokens get their position ("3·2") so cells stay distinct."""
    tokens = [str(t) for t in tokens]
    counts = {t: tokens.count(t) for t in tokens}
    labels = [t if counts[t] == 1 else f"{t}·{i}" for i, t in enumerate(tokens)]
    if len(set(labels)) < len(labels):
        # A token that already reads like "a·1" collided with a generated label: number them all.
        labels = [f"{t}·{i}" for i, t in enumerate(tokens)]
    return labels


def _heat_frame(w: np.ndarray, x_labels: list[str], y_labels: list[str], x_tokens, y_tokens) -> pd.DataFrame:
    tq, tk = w.shape
    qi, ki = np.meshgrid(np.arange(tq), np.arange(tk), indexing="ij")  # (Tq, Tk) each
    return pd.DataFrame({
        "query": np.asarray(y_labels, dtype=object)[qi.ravel()],
        "key": np.asarray(x_labels, dtype=object)[ki.ravel()],
        "query_token": [str(y_tokens[i]) for i in qi.ravel()],
        "key_token": [str(x_tokens[i]) for i in ki.ravel()],
        "query_pos": qi.ravel(),
        "key_pos": ki.ravel(),
        "weight": w.ravel(),
    })


def _heat(df: pd.DataFrame, x_labels, y_labels, lang, title, cell) -> alt.Chart:
    tip = [alt.Tooltip("query_token:N", title=_t("lab.chart.query", lang)),
           alt.Tooltip("key_token:N", title=_t("lab.chart.key", lang)),
           alt.Tooltip("query_pos:Q", title=_t("lab.chart.query", lang) + " #"),
           alt.Tooltip("key_pos:Q", title=_t("lab.chart.key", lang) + " #"),
           alt.Tooltip("weight:Q", title=_t("lab.chart.weight", lang), format=".3f")]
    return alt.Chart(df).mark_rect().encode(
        x=alt.X("key:O", sort=list(x_labels), title=_t("lab.chart.key", lang),
                axis=alt.Axis(labelAngle=0, orient="top")),
        y=alt.Y("query:O", sort=list(y_labels), title=_t("lab.chart.query", lang)),
        # A fixed 0..1 domain keeps colours comparable while replaying training steps.
        color=alt.Color("weight:Q", scale=alt.Scale(scheme="blues", domain=[0, 1]),
                        title=_t("lab.chart.weight", lang)),
        tooltip=tip,
    ).properties(title=title or "", width=cell * len(x_labels), height=cell * len(y_labels))


def _squeeze_to(w: np.ndarray, ndim: int) -> np.ndarray:
    """Drop leading size-1 axes (batch of one) until `ndim` axes are left."""
    while w.ndim > ndim and w.shape[0] == 1:
        w = w[0]
    if w.ndim != ndim:
        raise ValueError(f"expected {ndim} axes of attention weights, got shape {tuple(w.shape)}")
    return w


def attention_heatmap(weights: Any, x_tokens: Sequence[Any], y_tokens: Sequence[Any],
                      title: str | None = None, *, lang: str = "ko", cell: int = 28,
                      font: str | None = FONT) -> alt.Chart:
    """Heatmap of one attention map (Tq, Tk): keys `x_tokens` across, queries `y_tokens` down.

    Leading size-1 axes are dropped, so a (1, 1, Tq, Tk) probe map works as it is.
    """
    w = _squeeze_to(_array(weights), 2)  # (Tq, Tk)
    if w.shape != (len(y_tokens), len(x_tokens)):
        raise ValueError(f"weights {tuple(w.shape)} do not match {len(y_tokens)} query x "
                         f"{len(x_tokens)} key tokens")
    xl, yl = unique_labels(x_tokens), unique_labels(y_tokens)
    chart = _heat(_heat_frame(w, xl, yl, x_tokens, y_tokens), xl, yl, lang, title, cell)
    return _finish(chart, font)


def attention_grid(weights_for_layer: Any, x_tokens: Sequence[Any], y_tokens: Sequence[Any],
                   title: str | None = None, *, lang: str = "ko", columns: int = 4, cell: int = 22,
                   font: str | None = FONT) -> alt.ConcatChart:
    """All heads of one layer (H, Tq, Tk) side by side (wrapping after `columns`), one colour scale."""
    w = _squeeze_to(_array(weights_for_layer), 3)  # (H, Tq, Tk)
    if w.shape[1:] != (len(y_tokens), len(x_tokens)):
        raise ValueError(f"weights {tuple(w.shape)} do not match {len(y_tokens)} query x "
                         f"{len(x_tokens)} key tokens")
    xl, yl = unique_labels(x_tokens), unique_labels(y_tokens)
    head = _t("lab.chart.head", lang)
    charts = [_heat(_heat_frame(w[h], xl, yl, x_tokens, y_tokens), xl, yl, lang, f"{head} {h + 1}", cell)
              for h in range(w.shape[0])]
    chart = alt.concat(*charts, columns=max(1, min(columns, w.shape[0])))
    chart = _titled(chart.resolve_scale(color="shared"), title)
    return _finish(chart, font)


def positional_encoding_chart(pe: Any, *, lang: str = "ko", title: str | None = None,
                              font: str | None = FONT) -> alt.Chart:
    """Heatmap of a positional encoding (max_len, d_model): position down, dimension across."""
    p = _squeeze_to(_array(pe), 2)  # (L, D)
    n_pos, dim = p.shape
    pos, d = np.meshgrid(np.arange(n_pos), np.arange(dim), indexing="ij")
    df = pd.DataFrame({"position": pos.ravel(), "dimension": d.ravel(), "value": p.ravel()})
    tick = max(1, dim // 8)
    chart = alt.Chart(df).mark_rect().encode(
        x=alt.X("dimension:O", title=_t("lab.chart.dimension", lang),
                axis=alt.Axis(values=list(range(0, dim, tick)), labelAngle=0)),
        y=alt.Y("position:O", title=_t("lab.chart.position", lang),
                axis=alt.Axis(values=list(range(0, n_pos, max(1, n_pos // 10))))),
        color=alt.Color("value:Q", scale=alt.Scale(scheme="redblue", domain=[-1, 1], reverse=True),
                        title=_t("lab.chart.value", lang)),
        tooltip=[alt.Tooltip("position:Q", title=_t("lab.chart.position", lang)),
                 alt.Tooltip("dimension:Q", title=_t("lab.chart.dimension", lang)),
                 alt.Tooltip("value:Q", title=_t("lab.chart.value", lang), format=".3f")],
    ).properties(title=title or "", width=min(640, 8 * dim), height=min(400, 6 * n_pos))
    return _finish(chart, font)


def _runs_frame(runs: Any, metric: str) -> pd.DataFrame:
    """Long form (run, step, value) from a long DataFrame, {label: curve} or [(label, curve)]."""
    if isinstance(runs, pd.DataFrame):
        if not {"run", "step", metric} <= set(runs.columns):
            raise ValueError(f"compare data needs columns run, step, {metric}")
        return runs[["run", "step", metric]].rename(columns={metric: "value"}).dropna()
    items = runs.items() if isinstance(runs, Mapping) else runs
    parts, seen = [], {}
    for label, curve in items:
        label = str(label)
        # Two runs with the same label would merge into one zigzag line: number the repeats.
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            label = f"{label} ({seen[label]})"
        df = _frame(curve)
        if metric in df and "step" in df:
            part = df[["step", metric]].dropna().rename(columns={metric: "value"})
            part.insert(0, "run", label)
            parts.append(part)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["run", "step", "value"])


# y-axis title per compared metric; anything else is titled by its own name.
_METRIC_KEYS = {"loss": "lab.chart.loss", "val_loss": "lab.chart.val_loss",
                "token_acc": "lab.chart.train_token_acc", "val_token_acc": "lab.chart.val_token_acc",
                "val_seq_acc": "lab.chart.val_seq_acc"}


def compare_chart(runs: Any, *, metric: str = "loss", lang: str = "ko", title: str | None = None,
                  log_y: bool = False, font: str | None = FONT) -> alt.Chart:
    """Several runs' curves on one chart, coloured by run label (legend in the given order).

    `runs`: a DataFrame with columns `run`, `step`, `<metric>`; or a mapping / list of
    (label, curve) where each curve has `step` and `<metric>` (DataFrame or dict of lists).
    """
    df = _thin(_runs_frame(runs, metric), group="run")
    order = list(dict.fromkeys(df["run"]))
    y_key = _METRIC_KEYS.get(metric, metric)
    chart = alt.Chart(df).mark_line(strokeWidth=1.5).encode(
        x=alt.X("step:Q", title=_t("lab.chart.step", lang)),
        y=alt.Y("value:Q", title=_t(y_key, lang), scale=alt.Scale(type="log") if log_y else alt.Undefined),
        color=alt.Color("run:N", sort=order, scale=alt.Scale(domain=order), title=_t("lab.chart.run", lang)),
        tooltip=[alt.Tooltip("run:N", title=_t("lab.chart.run", lang)),
                 alt.Tooltip("step:Q", title=_t("lab.chart.step", lang)),
                 alt.Tooltip("value:Q", title=_t(y_key, lang), format=".4f")],
    )
    chart = _titled(chart, title)
    return _finish(chart, font)


# Gate names (core/lab/inspect: LSTM i, f, g, o; GRU r, z, n) whose activation is tanh.
_TANH_GATES = {"cell", "new", "g", "n", "candidate", "hidden"}


def gates_chart(gates: Mapping[str, Any], tokens: Sequence[Any] | None = None, *, lang: str = "ko",
                title: str | None = None, max_units: int = 32, font: str | None = FONT) -> alt.ConcatChart:
    """One heatmap per gate (time step across, unit down), e.g. `gate_activations(...)["gates"]`.

    `gates`: {gate name: (T, units) array}; sigmoid gates are coloured 0..1, tanh ones -1..1.
    Only the first `max_units` units are drawn so the chart stays readable.
    """
    if not gates:
        raise ValueError("gates_chart needs at least one gate")
    charts = []
    for name, values in gates.items():
        g = _squeeze_to(_array(values), 2)[:, :max_units]  # (T, U)
        steps = unique_labels(tokens) if tokens is not None else [str(i) for i in range(g.shape[0])]
        if len(steps) != g.shape[0]:
            raise ValueError(f"gate {name!r} has {g.shape[0]} steps but {len(steps)} tokens were given")
        t_idx, u_idx = np.meshgrid(np.arange(g.shape[0]), np.arange(g.shape[1]), indexing="ij")
        df = pd.DataFrame({"step": np.asarray(steps, dtype=object)[t_idx.ravel()], "t": t_idx.ravel(),
                           "unit": u_idx.ravel(), "value": g.ravel()})
        # tanh outputs live in -1..1 whatever this probe produced; colour them the same every time.
        signed = str(name).lower() in _TANH_GATES or bool((g < 0).any())
        scale = alt.Scale(scheme="redblue", domain=[-1, 1], reverse=True) if signed else \
            alt.Scale(scheme="greens", domain=[0, 1])
        charts.append(alt.Chart(df).mark_rect().encode(
            x=alt.X("step:O", sort=steps, title=_t("lab.chart.time_step", lang), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("unit:O", title=_t("lab.chart.unit", lang), axis=alt.Axis(values=list(range(0, g.shape[1], 4)))),
            color=alt.Color("value:Q", scale=scale, title=str(name)),
            tooltip=[alt.Tooltip("step:N", title=_t("lab.chart.time_step", lang)),
                     alt.Tooltip("unit:Q", title=_t("lab.chart.unit", lang)),
                     alt.Tooltip("value:Q", title=str(name), format=".3f")],
        ).properties(title=str(name), width=max(120, 18 * g.shape[0]), height=6 * g.shape[1]))
    chart = _titled(alt.hconcat(*charts).resolve_scale(color="independent"), title)
    return _finish(chart, font)


def grad_norm_chart(norms: Any, tokens: Sequence[Any] | None = None, *, lang: str = "ko",
                    title: str | None = None, log_y: bool = True, font: str | None = FONT) -> alt.Chart:
    """Gradient norm reaching each encoder time step; `{model: (T,)}` draws one line per model.

    A log axis by default: vanishing gradients span orders of magnitude.
    """
    series = norms.items() if isinstance(norms, Mapping) else [("", norms)]
    parts = []
    for label, values in series:
        v = _array(values).reshape(-1)  # (T,)
        steps = unique_labels(tokens) if tokens is not None else [str(i) for i in range(len(v))]
        if len(steps) != len(v):
            raise ValueError(f"{len(v)} norms but {len(steps)} tokens were given")
        parts.append(pd.DataFrame({"model": str(label), "step": steps, "t": np.arange(len(v)),
                                   "norm": np.maximum(v, 1e-30) if log_y else v}))
    df = pd.concat(parts, ignore_index=True)
    steps = list(dict.fromkeys(df.sort_values("t")["step"]))
    models = list(dict.fromkeys(df["model"]))
    enc = dict(
        x=alt.X("step:O", sort=steps, title=_t("lab.chart.time_step", lang), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("norm:Q", title=_t("lab.chart.grad_norm", lang),
                scale=alt.Scale(type="log") if log_y else alt.Undefined),
        tooltip=[alt.Tooltip("model:N", title=_t("lab.chart.model", lang)),
                 alt.Tooltip("step:N", title=_t("lab.chart.time_step", lang)),
                 alt.Tooltip("norm:Q", title=_t("lab.chart.grad_norm", lang), format=".3e")],
    )
    if len(models) > 1:
        enc["color"] = alt.Color("model:N", sort=models, scale=alt.Scale(domain=models),
                                 title=_t("lab.chart.model", lang))
    # Lines with points, not bars: a log axis has no zero for bars to start from.
    chart = _titled(alt.Chart(df).mark_line(point=True).encode(**enc), title)
    return _finish(chart, font)


_fonts_registered = False


def _register_fonts() -> None:
    """Let vl-convert find a Hangul TTF (it cannot read WOFF2): static/NanumGothic.ttf ships one."""
    global _fonts_registered
    if _fonts_registered:
        return
    import vl_convert as vlc

    here = os.path.dirname(os.path.abspath(__file__))
    for d in (os.path.join(here, "..", "..", "static"), "/usr/share/fonts/truetype/nanum",
              "/usr/share/fonts/opentype/noto"):
        if os.path.isdir(d):
            vlc.register_font_directory(os.path.abspath(d))
    _fonts_registered = True


def _spec_json(chart: alt.TopLevelMixin) -> str:
    """Vega-Lite JSON without Altair's 5,000-row guard (a 50 x 512 encoding is 25,600 cells)."""
    with alt.data_transformers.disable_max_rows():
        return chart.to_json()


def chart_to_png(chart: alt.TopLevelMixin, *, scale: float = 2.0) -> bytes:
    """PNG bytes of a chart (vl-convert, no browser); `scale` 2 suits a projector slide."""
    import vl_convert as vlc

    _register_fonts()
    return vlc.vegalite_to_png(_spec_json(chart), scale=scale)


def chart_to_svg(chart: alt.TopLevelMixin) -> str:
    """SVG text of a chart (vl-convert, no browser)."""
    import vl_convert as vlc

    _register_fonts()
    return vlc.vegalite_to_svg(_spec_json(chart))


def save_chart(chart: alt.TopLevelMixin, fmt: str) -> bytes:
    """Chart as `fmt` ("png" | "svg" | "json") bytes, for download buttons."""
    if fmt == "png":
        return chart_to_png(chart)
    if fmt == "svg":
        return chart_to_svg(chart).encode("utf-8")
    if fmt == "json":
        return _spec_json(chart).encode("utf-8")
    raise ValueError(f"unknown chart format {fmt!r}; use png, svg or json")


__all__ = ["FONT", "loss_chart", "accuracy_chart", "attention_heatmap", "attention_grid",
           "positional_encoding_chart", "compare_chart", "gates_chart", "grad_norm_chart",
           "unique_labels", "chart_to_png", "chart_to_svg", "save_chart"]
