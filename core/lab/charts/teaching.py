"""Charts of the Lab's teaching views: a labelled matrix (an embedding, Q / K / V, scores, weights,
hidden states: tokens down, dimensions or tokens across, the number in the tooltip), next-token
probabilities as bars, and token embeddings in 2-D. Pure functions returning Altair charts.
Every chart stays within `MAX_ROWS` rows at any size the Lab's form allows (wide matrices show a
sample of their columns, and say so)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from core.lab.charts.base import FONT, MAX_ROWS, as_array, chart_text, finish, spread
from core.lab.charts.maps import unique_labels

SCALES = ("signed", "unit", "free")  # colour: symmetric red-blue | 0..1 blues | viridis over the data


def _color(scale: str, values: np.ndarray, title: str) -> alt.Color:
    finite = values[np.isfinite(values)]
    top = float(np.abs(finite).max()) if finite.size else 1.0
    if scale == "unit":
        sc = alt.Scale(scheme="blues", domain=[0, 1])
    elif scale == "signed":
        sc = alt.Scale(scheme="redblue", domain=[-max(top, 1e-6), max(top, 1e-6)], reverse=True)
    else:
        sc = alt.Scale(scheme="viridis")
    return alt.Color("value:Q", scale=sc, title=title)


def matrix_chart(
    values: Any,
    rows: Sequence[Any],
    cols: Sequence[Any] | None = None,
    *,
    lang: str = "ko",
    title: str | None = None,
    row_title: str | None = None,
    col_title: str | None = None,
    scale: str = "signed",
    cell: int = 14,
    font: str | None = FONT,
) -> alt.Chart:
    """Heatmap of a (R, C) matrix: `rows` (tokens) down, `cols` across (None: dimensions 0..C-1,
    sampled evenly when R x C would pass MAX_ROWS). -inf cells (a mask) are left empty and say so."""
    m = as_array(values)
    if m.ndim != 2 or m.shape[0] != len(rows):
        raise ValueError(f"matrix {m.shape} does not match {len(rows)} row labels")
    if cols is not None and len(cols) != m.shape[1]:
        raise ValueError(f"matrix {m.shape} does not match {len(cols)} column labels")
    row_labels = unique_labels(rows, lang)
    if cols is None:
        idx = spread(m.shape[1], max(1, MAX_ROWS // max(1, m.shape[0])))
        col_labels = [str(int(i)) for i in idx]
        sampled = len(idx) < m.shape[1]
        col_title = col_title or (
            chart_text("lab.teach.chart.dimension_sampled", lang, shown=len(idx), total=m.shape[1])
            if sampled
            else chart_text("lab.teach.chart.dimension", lang)
        )
    else:
        idx = np.arange(m.shape[1])
        col_labels = unique_labels(cols, lang)
    sub = m[:, idx]  # (R, C')
    r, c = np.meshgrid(np.arange(sub.shape[0]), np.arange(sub.shape[1]), indexing="ij")
    flat = sub.ravel()
    masked = ~np.isfinite(flat)
    value_title = chart_text("lab.teach.chart.value", lang)
    df = pd.DataFrame(
        {
            "row": np.asarray(row_labels, dtype=object)[r.ravel()],
            "col": np.asarray(col_labels, dtype=object)[c.ravel()],
            "value": np.where(masked, np.nan, flat),
            "shown": [
                chart_text("lab.teach.chart.masked", lang) if x else f"{v:.4f}"
                for x, v in zip(masked, flat, strict=True)
            ],
        }
    )
    row_title = row_title or chart_text("lab.teach.chart.token", lang)
    chart = (
        alt.Chart(df)
        .mark_rect()
        .encode(
            x=alt.X(
                "col:O",
                sort=col_labels,
                title=col_title,
                axis=alt.Axis(
                    labelAngle=0 if max(map(len, col_labels)) <= 3 else -45,
                    values=col_labels[:: max(1, len(col_labels) // 16)] if cols is None else alt.Undefined,
                ),
            ),
            y=alt.Y("row:O", sort=row_labels, title=row_title),
            color=_color(scale, sub, value_title),
            tooltip=[
                alt.Tooltip("row:N", title=row_title),
                alt.Tooltip("col:N", title=col_title),
                alt.Tooltip("shown:N", title=value_title),
            ],
        )
        .properties(
            title=title or "",
            width=max(60, min(720, cell * len(col_labels))),
            height=max(40, min(640, cell * len(row_labels))),
        )
    )
    return finish(chart, font)


def prob_chart(
    probs: Any,
    vocab: Sequence[str],
    *,
    lang: str = "ko",
    title: str | None = None,
    top: int = 12,
    font: str | None = FONT,
) -> alt.Chart:
    """The `top` most likely next tokens as horizontal bars, the probability in the tooltip."""
    p = as_array(probs).reshape(-1)  # (V,)
    if len(p) != len(vocab):
        raise ValueError(f"{len(p)} probabilities but {len(vocab)} tokens")
    order = np.argsort(-p, kind="stable")[: max(1, min(top, len(p)))]
    labels = unique_labels([vocab[i] for i in order], lang)
    df = pd.DataFrame({"token": labels, "p": p[order], "rank": np.arange(len(order))})
    tok, prob = chart_text("lab.teach.chart.token", lang), chart_text("lab.teach.chart.probability", lang)
    chart = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=alt.Y("token:N", sort=labels, title=tok),
            x=alt.X("p:Q", scale=alt.Scale(domain=[0, 1]), title=prob),
            color=alt.condition(alt.datum.rank == 0, alt.value("#1f77b4"), alt.value("#9ecae1")),
            tooltip=[alt.Tooltip("token:N", title=tok), alt.Tooltip("p:Q", title=prob, format=".4f")],
        )
        .properties(title=title or "", width=320, height=max(60, 18 * len(order)))
    )
    return finish(chart, font)


def embedding_chart(
    points: Any,
    tokens: Sequence[str],
    classes: Sequence[str] | None = None,
    *,
    lang: str = "ko",
    title: str | None = None,
    x_range: tuple[float, float] | None = None,
    y_range: tuple[float, float] | None = None,
    explained: Sequence[float] | None = None,
    font: str | None = FONT,
) -> alt.LayerChart:
    """Tokens at their 2-D coordinates (N, 2), labelled; coloured by word class when given. Fixed
    axis ranges (`x_range`, `y_range`) keep a replay from rescaling between frames."""
    pts = as_array(points)
    if pts.shape != (len(tokens), 2):
        raise ValueError(f"points {pts.shape} do not match {len(tokens)} tokens")
    n = min(len(tokens), MAX_ROWS)
    ratio = list(explained) if explained is not None else [0.0, 0.0]
    cls_title = chart_text("lab.teach.chart.class", lang)
    names = [chart_text(f"lab.teach.class.{c}", lang) for c in classes[:n]] if classes is not None else None
    df = pd.DataFrame({"x": pts[:n, 0], "y": pts[:n, 1], "token": [str(t) for t in tokens[:n]]})
    if names is not None:
        df["class"] = names
    axis = [chart_text("lab.teach.chart.pc", lang, n=i + 1, pct=f"{100 * ratio[i]:.0f}") for i in range(2)]
    enc: dict[str, Any] = dict(
        x=alt.X("x:Q", title=axis[0], scale=alt.Scale(domain=list(x_range)) if x_range else alt.Undefined),
        y=alt.Y("y:Q", title=axis[1], scale=alt.Scale(domain=list(y_range)) if y_range else alt.Undefined),
        tooltip=[
            alt.Tooltip("token:N", title=chart_text("lab.teach.chart.token", lang)),
            *([alt.Tooltip("class:N", title=cls_title)] if names is not None else []),
            alt.Tooltip("x:Q", title=axis[0], format=".3f"),
            alt.Tooltip("y:Q", title=axis[1], format=".3f"),
        ],
    )
    if names is not None:
        order = list(dict.fromkeys(names))
        enc["color"] = alt.Color(
            "class:N",
            sort=order,
            scale=alt.Scale(domain=order),
            title=cls_title,
            legend=alt.Legend(labelLimit=0),
        )
    base = alt.Chart(df).encode(**enc)
    chart = (
        base.mark_circle(size=60) + base.mark_text(dx=7, align="left", fontSize=12).encode(text="token:N")
    ).properties(title=title or "", width=520, height=420)
    return finish(chart, font)
