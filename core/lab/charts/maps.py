"""Model Lab charts read token by token: attention heatmaps (one head, or every head of a layer),
the positional encoding, and the after-training views of gate activations and gradient
norms per encoder step. Pure functions returning Altair charts (no Streamlit)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from core.lab.charts.base import FONT, MAX_ROWS, as_array, chart_text, finish, spread, titled


def unique_labels(tokens: Sequence[Any], lang: str = "ko") -> list[str]:
    """Axis labels for tokens: a repeated token says where it stands ("3 (pos 1)" / "3 (1번째)",
    counted from 1) so cells stay distinct and a reader sees which 3 is meant."""
    tokens = [str(t) for t in tokens]
    counts = {t: tokens.count(t) for t in tokens}

    def at(i: int, tok: str) -> str:
        return chart_text("lab.chart.tick_at", lang, token=tok, n=i + 1)

    labels = [t if counts[t] == 1 else at(i, t) for i, t in enumerate(tokens)]
    if len(set(labels)) < len(labels):
        # A token that already reads like a generated label collided with one: number them all.
        labels = [at(i, t) for i, t in enumerate(tokens)]
    return labels


def heat_columns(weights: Any, x_tokens: Sequence[Any], y_tokens: Sequence[Any], lang: str = "ko") -> dict:
    """One attention map (Tq, Tk; leading size-1 axes dropped) as the columns of its cells, what
    `attention_template`'s named data ("map", "head1", ...) holds."""
    w = _map(weights, 2, x_tokens, y_tokens)
    return _heat_cols(w, unique_labels(x_tokens, lang), unique_labels(y_tokens, lang), x_tokens, y_tokens)


def _heat_cols(w: np.ndarray, x_labels: list[str], y_labels: list[str], x_tokens, y_tokens) -> dict:
    tq, tk = w.shape
    qi, ki = np.meshgrid(np.arange(tq), np.arange(tk), indexing="ij")  # (Tq, Tk) each
    return {
        "query": np.asarray(y_labels, dtype=object)[qi.ravel()],
        "key": np.asarray(x_labels, dtype=object)[ki.ravel()],
        "query_token": np.asarray([str(y_tokens[i]) for i in qi.ravel()], dtype=object),
        "key_token": np.asarray([str(x_tokens[i]) for i in ki.ravel()], dtype=object),
        # Counted from 1, as the tick labels count a repeated token's place ("3 (pos 2)").
        "query_pos": qi.ravel() + 1,
        "key_pos": ki.ravel() + 1,
        "weight": w.ravel(),
    }


def _heat(data: pd.DataFrame | alt.NamedData, x_labels, n_queries: int, lang, title, cell) -> alt.Chart:
    tip = [
        alt.Tooltip("query_token:N", title=chart_text("lab.chart.query", lang)),
        alt.Tooltip("key_token:N", title=chart_text("lab.chart.key", lang)),
        alt.Tooltip("query_pos:Q", title=chart_text("lab.chart.query", lang) + " #"),
        alt.Tooltip("key_pos:Q", title=chart_text("lab.chart.key", lang) + " #"),
        alt.Tooltip("weight:Q", title=chart_text("lab.chart.weight", lang), format=".3f"),
    ]
    return (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X(
                "key:O",
                sort=list(x_labels),
                title=chart_text("lab.chart.key", lang),
                # Tokens with their position are too wide to stand upright in a 22-px cell.
                axis=alt.Axis(labelAngle=0 if max(map(len, x_labels)) <= 3 else -45, orient="top"),
            ),
            # Ordered by the cells' positions, not a list of labels: the output tokens change as a
            # model learns, and a live map's spec must not (attention_template).
            y=alt.Y(
                "query:O",
                sort=alt.EncodingSortField(field="query_pos", op="min"),
                title=chart_text("lab.chart.query", lang),
            ),
            # A fixed 0..1 domain keeps colours comparable while replaying training steps.
            color=alt.Color(
                "weight:Q",
                scale=alt.Scale(scheme="blues", domain=[0, 1]),
                title=chart_text("lab.chart.weight", lang),
            ),
            tooltip=tip,
        )
        .properties(title=title or "", width=cell * len(x_labels), height=cell * n_queries)
    )


def _squeeze_to(w: np.ndarray, ndim: int) -> np.ndarray:
    """Drop leading size-1 axes (batch of one) until `ndim` axes are left."""
    while w.ndim > ndim and w.shape[0] == 1:
        w = w[0]
    if w.ndim != ndim:
        raise ValueError(f"expected {ndim} axes of attention weights, got shape {tuple(w.shape)}")
    return w


def _map(weights: Any, ndim: int, x_tokens: Sequence[Any], y_tokens: Sequence[Any]) -> np.ndarray:
    """The weights as (Tq, Tk) (ndim 2) or (H, Tq, Tk) (ndim 3), checked against the tokens."""
    w = _squeeze_to(as_array(weights), ndim)
    if w.shape[-2:] != (len(y_tokens), len(x_tokens)):
        raise ValueError(
            f"weights {tuple(w.shape)} do not match {len(y_tokens)} query x {len(x_tokens)} key tokens"
        )
    return w


def attention_heatmap(
    weights: Any,
    x_tokens: Sequence[Any],
    y_tokens: Sequence[Any],
    title: str | None = None,
    *,
    lang: str = "ko",
    cell: int = 28,
    font: str | None = FONT,
) -> alt.Chart:
    """Heatmap of one attention map (Tq, Tk): keys `x_tokens` across, queries `y_tokens` down.

    Leading size-1 axes are dropped, so a (1, 1, Tq, Tk) probe map works as it is.
    """
    w = _map(weights, 2, x_tokens, y_tokens)
    xl, yl = unique_labels(x_tokens, lang), unique_labels(y_tokens, lang)
    return finish(
        _heat(pd.DataFrame(_heat_cols(w, xl, yl, x_tokens, y_tokens)), xl, len(yl), lang, title, cell), font
    )


def attention_grid(
    weights_for_layer: Any,
    x_tokens: Sequence[Any],
    y_tokens: Sequence[Any],
    title: str | None = None,
    *,
    lang: str = "ko",
    columns: int = 4,
    cell: int = 22,
    font: str | None = FONT,
) -> alt.ConcatChart:
    """All heads of one layer (H, Tq, Tk) side by side (wrapping after `columns`), one colour scale."""
    w = _map(weights_for_layer, 3, x_tokens, y_tokens)
    xl, yl = unique_labels(x_tokens, lang), unique_labels(y_tokens, lang)
    frames = [pd.DataFrame(_heat_cols(w[h], xl, yl, x_tokens, y_tokens)) for h in range(w.shape[0])]
    return _grid(frames, xl, len(yl), lang, title, cell, columns, font)


def _grid(
    datas: list, xl, n_queries: int, lang: str, title, cell: int, columns: int, font
) -> alt.ConcatChart:
    head = chart_text("lab.chart.head", lang)
    parts = [_heat(d, xl, n_queries, lang, f"{head} {h + 1}", cell) for h, d in enumerate(datas)]
    chart = alt.concat(*parts, columns=max(1, min(columns, len(parts))))
    return finish(titled(chart.resolve_scale(color="shared"), title), font)


def attention_template(
    x_tokens: Sequence[Any],
    n_queries: int,
    heads: int | None = None,
    title: str | None = None,
    *,
    lang: str = "ko",
    cell: int = 28,
    columns: int = 4,
    font: str | None = FONT,
) -> alt.TopLevelMixin:
    """`attention_heatmap` (heads None) or `attention_grid` (`heads` maps) of `n_queries` query
    rows with the cells left as named data: "map", or "head1" ... "headH", each filled with
    `heat_columns`. The query tokens (a model's output, which changes as it learns) are in the
    cells only, so a live page sends one spec for every probe of a run and the browser swaps the
    new cells into the map it has (ui/lab/attention.py)."""
    xl = unique_labels(x_tokens, lang)
    if heads is None:
        return finish(_heat(alt.NamedData(name="map"), xl, n_queries, lang, title, cell), font)
    datas = [alt.NamedData(name=f"head{h + 1}") for h in range(heads)]
    return _grid(datas, xl, n_queries, lang, title, cell, columns, font)


# Positions drawn of a positional encoding: more rows than a chart's height has pixels tell nothing new.
PE_MAX_POSITIONS = 100


def _pe_sample(n_pos: int, dim: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions and dimensions of an (n_pos, dim) encoding drawn within `MAX_ROWS` cells.

    Dimensions are kept in (sin, cos) pairs spread over the whole range, so the slow wavelengths
    at the right stay visible beside the fast ones at the left; every cell drawn is a real value.
    """
    pos = spread(n_pos, PE_MAX_POSITIONS)
    budget = max(2, MAX_ROWS // len(pos))
    if dim <= budget:
        return pos, np.arange(dim)
    pairs = spread((dim + 1) // 2, budget // 2)  # index i of dimensions 2i (sin) and 2i + 1 (cos)
    dims = np.stack([2 * pairs, 2 * pairs + 1], axis=1).ravel()
    return pos, dims[dims < dim]


def positional_encoding_chart(
    pe: Any, *, lang: str = "ko", title: str | None = None, font: str | None = FONT
) -> alt.Chart:
    """Heatmap of a positional encoding (max_len, d_model): position down, dimension across.

    A wide encoding (d_model 512: 25,600 cells for 50 positions) is drawn on a sample of its
    dimensions (`_pe_sample`); the axis title says how many of how many.
    """
    p = _squeeze_to(as_array(pe), 2)  # (L, D)
    n_pos, dim = p.shape
    pos_idx, dim_idx = _pe_sample(n_pos, dim)
    pos, d = np.meshgrid(pos_idx, dim_idx, indexing="ij")  # (L', D') each
    df = pd.DataFrame({"position": pos.ravel(), "dimension": d.ravel(), "value": p[pos, d].ravel()})
    x_title = chart_text("lab.chart.dimension", lang)
    if len(dim_idx) < dim:
        x_title = chart_text("lab.chart.dimension_sampled", lang, shown=len(dim_idx), total=dim)
    x_ticks = dim_idx[:: max(1, len(dim_idx) // 8)]
    y_ticks = pos_idx[:: max(1, len(pos_idx) // 10)]
    chart = (
        alt.Chart(df)
        .mark_rect()
        .encode(
            x=alt.X(
                "dimension:O",
                title=x_title,
                axis=alt.Axis(values=[int(v) for v in x_ticks], labelAngle=0),
            ),
            y=alt.Y(
                "position:O",
                title=chart_text("lab.chart.position", lang),
                axis=alt.Axis(values=[int(v) for v in y_ticks]),
            ),
            color=alt.Color(
                "value:Q",
                scale=alt.Scale(scheme="redblue", domain=[-1, 1], reverse=True),
                title=chart_text("lab.chart.value", lang),
            ),
            tooltip=[
                alt.Tooltip("position:Q", title=chart_text("lab.chart.position", lang)),
                alt.Tooltip("dimension:Q", title=chart_text("lab.chart.dimension", lang)),
                alt.Tooltip("value:Q", title=chart_text("lab.chart.value", lang), format=".3f"),
            ],
        )
        .properties(title=title or "", width=min(640, 8 * len(dim_idx)), height=min(400, 6 * len(pos_idx)))
    )
    return finish(chart, font)


# Gate names (core/lab/inspect: LSTM i, f, g, o; GRU r, z, n) whose activation is tanh.
_TANH_GATES = {"cell", "new", "g", "n", "candidate", "hidden"}

# The gate panels share the width of the card they are drawn in (a Lab expander is ~938 px at the
# page's default width): they wrap into rows and their cells narrow, so every gate stays on screen
# at any sequence length (four 64-token panels side by side were 2,128 px and hid the forget gate).
GATES_MAX_WIDTH = 880
GATE_CELL = 18  # px per time step when there is room
GATE_MIN_PANEL = 120  # px of a panel's plot, however short the sequence
# What a panel needs beside its plot: the unit axis (labels and title), its colour legend and the
# gap to the next panel; measured ~105 px (SVG through vl-convert), ~130 with presenter-size text.
GATE_PANEL_EXTRA = 135
GATE_MIN_LABEL_GAP = 16  # px between slanted time-step labels (more would overlap: the rest are left out)


def gate_layout(n_gates: int, steps: int, max_width: int = GATES_MAX_WIDTH) -> tuple[int, int]:
    """(panels per row, plot width of one panel) so that a row of gate panels fits `max_width`.

    Rows are balanced (four gates: 4 or 2 + 2, never 3 + 1). All panels side by side when they fit
    at full cell size; otherwise two per row (one when two cannot fit), narrowed to their share.
    """
    natural = max(GATE_MIN_PANEL, GATE_CELL * steps)
    for rows in range(1, n_gates + 1):
        per_row = -(-n_gates // rows)  # ceil
        if per_row < min(2, n_gates):
            break
        if per_row * (natural + GATE_PANEL_EXTRA) <= max_width:
            return per_row, natural
    per_row = min(n_gates, 2) if 2 * (GATE_MIN_PANEL + GATE_PANEL_EXTRA) <= max_width else 1
    return per_row, max(GATE_MIN_PANEL, min(natural, max_width // per_row - GATE_PANEL_EXTRA))


def _gate_panel(name: str, g: np.ndarray, steps: list[str], width: int, lang: str) -> alt.Chart:
    t_idx, u_idx = np.meshgrid(np.arange(g.shape[0]), np.arange(g.shape[1]), indexing="ij")
    df = pd.DataFrame(
        {
            "step": np.asarray(steps, dtype=object)[t_idx.ravel()],
            "t": t_idx.ravel(),
            "unit": u_idx.ravel(),
            "value": g.ravel(),
        }
    )
    # tanh outputs live in -1..1 whatever this probe produced; colour them the same every time.
    signed = str(name).lower() in _TANH_GATES or bool((g < 0).any())
    scale = (
        alt.Scale(scheme="redblue", domain=[-1, 1], reverse=True)
        if signed
        else alt.Scale(scheme="greens", domain=[0, 1])
    )
    cell = width / max(1, len(steps))
    if cell >= 7 * max(map(len, steps), default=1):  # room for the label standing upright
        x_axis = alt.Axis(labelAngle=0)
    else:  # slanted; a narrow cell shows every `every`-th label, the rest are in the tooltip
        every = max(1, int(np.ceil(GATE_MIN_LABEL_GAP / cell)))
        x_axis = alt.Axis(labelAngle=-60, values=steps[::every] if every > 1 else alt.Undefined)
    return (
        alt.Chart(df)
        .mark_rect()
        .encode(
            x=alt.X("step:O", sort=steps, title=chart_text("lab.chart.time_step", lang), axis=x_axis),
            y=alt.Y(
                "unit:O",
                title=chart_text("lab.chart.unit", lang),
                axis=alt.Axis(values=list(range(0, g.shape[1], 4))),
            ),
            color=alt.Color("value:Q", scale=scale, title=str(name)),
            tooltip=[
                alt.Tooltip("step:N", title=chart_text("lab.chart.time_step", lang)),
                alt.Tooltip("unit:Q", title=chart_text("lab.chart.unit", lang)),
                alt.Tooltip("value:Q", title=str(name), format=".3f"),
            ],
        )
        .properties(title=str(name), width=width, height=6 * g.shape[1])
    )


def gates_chart(
    gates: Mapping[str, Any],
    tokens: Sequence[Any] | None = None,
    *,
    lang: str = "ko",
    title: str | None = None,
    max_units: int = 32,
    max_width: int = GATES_MAX_WIDTH,
    font: str | None = FONT,
) -> alt.HConcatChart | alt.VConcatChart:
    """One heatmap per gate (time step across, unit down), e.g. `gate_activations(...)["gates"]`.

    `gates`: {gate name: (T, units) array}; sigmoid gates are coloured 0..1, tanh ones -1..1.
    Only the first `max_units` units are drawn so the chart stays readable (and fewer, should a
    long sequence need it, so each gate's panel stays within `MAX_ROWS` cells). The panels fit
    `max_width` px (`gate_layout`): one row when they fit, else rows of two with narrower cells.
    """
    if not gates:
        raise ValueError("gates_chart needs at least one gate")
    panels = []
    for name, values in gates.items():
        g = _squeeze_to(as_array(values), 2)  # (T, units)
        g = g[:, : max(1, min(max_units, MAX_ROWS // max(1, g.shape[0])))]  # (T, U): one cell per (t, u)
        steps = unique_labels(tokens, lang) if tokens is not None else [str(i) for i in range(g.shape[0])]
        if len(steps) != g.shape[0]:
            raise ValueError(f"gate {name!r} has {g.shape[0]} steps but {len(steps)} tokens were given")
        panels.append((name, g, steps))
    per_row, width = gate_layout(len(panels), max(g.shape[0] for _, g, _ in panels), max_width)
    drawn = [_gate_panel(name, g, steps, width, lang) for name, g, steps in panels]
    rows = [
        alt.hconcat(*drawn[i : i + per_row]).resolve_scale(color="independent")
        for i in range(0, len(drawn), per_row)
    ]
    chart = rows[0] if len(rows) == 1 else alt.vconcat(*rows).resolve_scale(color="independent")
    return finish(titled(chart, title), font)


def grad_norm_chart(
    norms: Any,
    tokens: Sequence[Any] | None = None,
    *,
    lang: str = "ko",
    title: str | None = None,
    log_y: bool = True,
    font: str | None = FONT,
) -> alt.Chart:
    """Gradient norm reaching each encoder time step; `{model: (T,)}` draws one line per model.

    A log axis by default: vanishing gradients span orders of magnitude.
    """
    series = norms.items() if isinstance(norms, Mapping) else [("", norms)]
    parts = []
    for label, values in series:
        v = as_array(values).reshape(-1)  # (T,)
        steps = unique_labels(tokens, lang) if tokens is not None else [str(i) for i in range(len(v))]
        if len(steps) != len(v):
            raise ValueError(f"{len(v)} norms but {len(steps)} tokens were given")
        parts.append(
            pd.DataFrame(
                {
                    "model": str(label),
                    "step": steps,
                    "t": np.arange(len(v)),
                    "norm": np.maximum(v, 1e-30) if log_y else v,
                }
            )
        )
    df = pd.concat(parts, ignore_index=True)
    steps = list(dict.fromkeys(df.sort_values("t")["step"]))
    models = list(dict.fromkeys(df["model"]))
    enc = dict(
        x=alt.X(
            "step:O", sort=steps, title=chart_text("lab.chart.time_step", lang), axis=alt.Axis(labelAngle=0)
        ),
        y=alt.Y(
            "norm:Q",
            title=chart_text("lab.chart.grad_norm", lang),
            scale=alt.Scale(type="log") if log_y else alt.Undefined,
        ),
        tooltip=[
            alt.Tooltip("model:N", title=chart_text("lab.chart.model", lang)),
            alt.Tooltip("step:N", title=chart_text("lab.chart.time_step", lang)),
            alt.Tooltip("norm:Q", title=chart_text("lab.chart.grad_norm", lang), format=".3e"),
        ],
    )
    if len(models) > 1:
        enc["color"] = alt.Color(
            "model:N",
            sort=models,
            scale=alt.Scale(domain=models),
            title=chart_text("lab.chart.model", lang),
            legend=alt.Legend(labelLimit=0),  # model labels are the caller's: never cut them
        )
    # Lines with points, not bars: a log axis has no zero for bars to start from.
    chart = titled(alt.Chart(df).mark_line(point=True).encode(**enc), title)
    return finish(chart, font)
