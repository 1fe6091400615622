"""Shared pieces of the Model Lab chart builders: the font, label lookup, forgiving input
frames, long-form curves and thinning (no Streamlit)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from core.i18n import translate

# The app serves NanumGothic under the family "nanum"; "NanumGothic" catches an installed
# TTF (PNG export through vl-convert), the rest fall back to whatever has Hangul.
FONT = "nanum, NanumGothic, 'Noto Sans CJK KR', sans-serif"


def chart_text(key: str, lang: str, **params: object) -> str:
    """A chart label in `lang` (catalog: core/lab/catalog/charts.py)."""
    return translate(key, lang, **params)


def as_array(x: Any) -> np.ndarray:
    """numpy view of a tensor / array / nested list (detached, on the CPU, float64)."""
    if hasattr(x, "detach"):  # torch.Tensor without importing torch here
        x = x.detach().float().cpu().numpy()
    return np.asarray(x, dtype=float)


def as_frame(data: Any) -> pd.DataFrame:
    """DataFrame from a DataFrame, a dict of lists or a list of row dicts."""
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, Mapping):
        cols = {k: v for k, v in data.items() if isinstance(v, (list, tuple, np.ndarray, pd.Series))}
        width = max((len(v) for v in cols.values()), default=0)
        # Columns of different lengths (train curve vs eval points) are padded with NaN.
        return pd.DataFrame({k: list(v) + [np.nan] * (width - len(v)) for k, v in cols.items()})
    return pd.DataFrame(list(data))


def finish(chart: alt.TopLevelMixin, font: str | None) -> alt.TopLevelMixin:
    return chart.configure(font=font) if font else chart


# Presenter mode (a projector, the back row): every text of a chart this many times Vega-Lite's
# default size. One factor for axis ticks and titles, legends, facet headers, chart titles and text
# marks (the numbers written into heatmap cells), so nothing is left small beside the rest.
PRESENTER_SCALE = 1.6
_TEXT = {  # Vega-Lite's default sizes (px) of the texts the factor scales
    "axis": {"labelFontSize": 10, "titleFontSize": 11},
    "legend": {"labelFontSize": 10, "titleFontSize": 11},
    "header": {"labelFontSize": 10, "titleFontSize": 11},
    "title": {"fontSize": 13},
    "text": {"fontSize": 11},
}


def presented(chart: alt.TopLevelMixin, scale: float = PRESENTER_SCALE) -> alt.TopLevelMixin:
    """The chart with its text `scale` times the default size (1: unchanged); legends keep their
    labels whole at that size."""
    if scale == 1:
        return chart
    size = {part: {k: round(v * scale) for k, v in props.items()} for part, props in _TEXT.items()}
    return (
        chart.configure_axis(**size["axis"])
        .configure_legend(**size["legend"], labelLimit=round(200 * scale))
        .configure_header(**size["header"])
        .configure_title(**size["title"])
        .configure_text(**size["text"])
    )


def titled(chart: alt.TopLevelMixin, title: str | None) -> alt.TopLevelMixin:
    return chart.properties(title=title) if title else chart


def long_form(df: pd.DataFrame, columns: Mapping[str, str], lang: str) -> pd.DataFrame:
    """Long form (step, value, series) of the present, non-empty `columns` {col: label key}."""
    parts = []
    for col, key in columns.items():
        if col in df and df[col].notna().any():
            part = df[["step", col]].dropna().rename(columns={col: "value"})
            part["series"] = chart_text(key, lang)
            parts.append(part)
    if not parts:
        return pd.DataFrame({"step": [], "value": [], "series": []})
    return pd.concat(parts, ignore_index=True)


# Rows one dataset of a chart may hold. Altair refuses more (`MaxRowsError`, its default guard,
# which st.altair_chart and `Chart.to_dict()` apply). We keep that guard on and make every builder
# stay under it by design, at any size the Lab's form allows (core/lab/config.py limits): curves are
# thinned, the positional encoding shows a sample of its dimensions, attention / gate maps are one
# cell per token pair (at most (64 + 2)^2 per panel). Turning the guard off instead would ship
# megabytes of JSON per redraw and have the browser draw more cells than the chart has pixels;
# a builder that outgrows the budget fails in tests/core/lab/test_charts.py, not in a seminar.
MAX_ROWS = 5000

# Points per line kept in a chart: a 20,000-step curve would ship megabytes of JSON at every
# redraw; the shape survives at this density.
MAX_POINTS = 1500


def spread(n: int, k: int) -> np.ndarray:
    """At most `k` indices spread evenly over range(n), the first and the last always among them."""
    if n <= k:
        return np.arange(n)
    if k <= 1:
        return np.array([n - 1])
    return np.unique(np.linspace(0, n - 1, k).round().astype(int))


def thin(
    df: pd.DataFrame, group: str = "series", max_points: int = MAX_POINTS, max_rows: int = MAX_ROWS
) -> pd.DataFrame:
    """Evenly spaced rows per `group` (first and last kept): each line has at most `max_points`
    and all lines together at most `max_rows` (a comparison of many runs shares the budget)."""
    if df.empty:
        return df
    n_groups = df[group].nunique(dropna=False) if group in df else 1
    per = max(2, min(max_points, max_rows // max(1, n_groups)))
    if len(df) <= per:
        return df
    parts = []
    for _, part in df.groupby(group, sort=False, dropna=False) if group in df else [(None, df)]:
        if len(part) > per:
            part = part.iloc[spread(len(part), per)]
        parts.append(part)
    return pd.concat(parts, ignore_index=True)
