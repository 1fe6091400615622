"""Training curves and the run comparison: pure functions returning Altair charts (no Streamlit).

Inputs are forgiving: a pandas DataFrame, a dict of equal-length lists (what `JobSnapshot`
holds), numpy arrays or torch tensors. Every builder documents the columns it reads. Pass
`font=None` to get a chart without a top-level `config` so a page can still layer or concat it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from core.lab.charts.base import FONT, MAX_POINTS, as_frame, chart_text, finish, long_form, thin, titled

# Curve charts: {kind: (train-line columns, eval-point columns, y-axis label key)}.
CURVES: dict[str, tuple[dict[str, str], dict[str, str], str]] = {
    "loss": ({"loss": "lab.chart.train_loss"}, {"val_loss": "lab.chart.val_loss"}, "lab.chart.loss"),
    "accuracy": (
        {"token_acc": "lab.chart.train_token_acc"},
        {"val_token_acc": "lab.chart.val_token_acc", "val_seq_acc": "lab.chart.val_seq_acc"},
        "lab.chart.accuracy",
    ),
}


def curve_frames(
    kind: str, data: Any, *, lang: str = "ko", max_points: int | None = MAX_POINTS
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two long-form (step, value, series) tables a curve chart draws: train lines, eval points.

    `data`: columns `step` + the kind's train columns, eval columns either joined on `step`
    (NaN where no eval ran) or listed separately as `eval_step` + eval columns (a job's curves).
    `max_points` thins each train line and each eval series; None for data thinned already (the
    Lab page's curves, decimated when stored: core.lab.runs.decimate).
    """
    lines, points, _ = CURVES[kind]
    df = as_frame(data)
    if "eval_step" in df and "step" not in df:  # evaluated (step 0) before the first train step
        df = df.assign(step=np.nan)
    df = _split_evals(df, tuple(points))
    if "step" not in df:
        if len(df):
            raise ValueError("curve data needs a 'step' column")
        df = pd.DataFrame({"step": []})
    line_df, point_df = long_form(df, lines, lang), long_form(df, points, lang)
    if max_points:  # eval points too: `eval_every` 1 gives one per step
        line_df, point_df = thin(line_df, max_points=max_points), thin(point_df, max_points=max_points)
    return line_df, point_df


def curve_columns(kind: str, curves: Mapping[str, Sequence], lang: str = "ko") -> tuple[dict, dict, tuple]:
    """What `curve_frames(kind, curves, max_points=None)` gives for a job's curves (a dict of
    lists: `step` + train columns, `eval_step` + eval columns, None for a missing value), as
    columns {step, value, series} of numpy arrays plus the legend (`curve_series`), without pandas.

    A live page redraws its curves at every new state of a run: built through pandas and Arrow's
    pandas conversion this was a quarter of the server's CPU in a 30-person room
    (docs/benchmarks.md); the same rows from numpy cost a small fraction of that.
    """
    lines, points, _ = CURVES[kind]

    def col(name: str, n: int) -> np.ndarray:
        return np.asarray(list(curves.get(name, ()))[:n], dtype=float)

    def long(x_name: str, columns: Mapping[str, str]) -> dict:
        steps_all = curves.get(x_name) if x_name in curves else None
        parts: list[tuple[np.ndarray, np.ndarray, str]] = []
        for name, key in columns.items():
            if steps_all is None or name not in curves:
                continue
            n = min(len(steps_all), len(curves[name]))
            x, y = col(x_name, n), col(name, n)
            keep = ~(np.isnan(x) | np.isnan(y))
            if keep.any():
                parts.append((x[keep], y[keep], chart_text(key, lang)))
        return {
            "step": np.concatenate([p[0] for p in parts]) if parts else np.zeros(0),
            "value": np.concatenate([p[1] for p in parts]) if parts else np.zeros(0),
            "series": [label for x, _, label in parts for _ in range(len(x))],
        }

    line_cols = long("step", lines)
    point_cols = long("eval_step" if "eval_step" in curves else "step", points)
    present = set(line_cols["series"]) | set(point_cols["series"])
    series = tuple(
        s for s in (chart_text(k, lang) for k in (*lines.values(), *points.values())) if s in present
    )
    return line_cols, point_cols, series


def curve_series(kind: str, line_df: pd.DataFrame, point_df: pd.DataFrame, lang: str) -> list[str]:
    """Legend entries in order: only series that have data (no "validation" swatch before an eval)."""
    lines, points, _ = CURVES[kind]
    present = set(line_df["series"]) | set(point_df["series"])
    return [s for s in (chart_text(k, lang) for k in (*lines.values(), *points.values())) if s in present]


def curve_chart(
    kind: str,
    line_data: Any,
    point_data: Any,
    series: Sequence[str],
    *,
    lang: str = "ko",
    title: str | None = None,
    font: str | None = FONT,
    log_y: bool = False,
) -> alt.LayerChart:
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
    x = alt.X("step:Q", title=chart_text("lab.chart.step", lang))
    y = alt.Y(
        "value:Q",
        title=chart_text(y_key, lang),
        scale=y_scale,
        axis=alt.Axis(format=y_format) if y_format else alt.Undefined,
    )
    color = alt.Color(
        "series:N",
        sort=order,
        scale=alt.Scale(domain=order),
        title=chart_text("lab.chart.series", lang),
        legend=alt.Legend(labelLimit=0),  # "validation sequence accuracy" is long: never cut it
    )
    tip = [
        alt.Tooltip("series:N", title=chart_text("lab.chart.series", lang)),
        alt.Tooltip("step:Q", title=chart_text("lab.chart.step", lang)),
        alt.Tooltip("value:Q", title=chart_text(y_key, lang), format=".4f"),
    ]
    base_line = alt.Chart(line_data).mark_line(strokeWidth=1.5).encode(x=x, y=y, color=color, tooltip=tip)
    base_pts = (
        alt.Chart(point_data)
        .mark_line(point=alt.OverlayMarkDef(size=50), strokeDash=[4, 3])
        .encode(x=x, y=y, color=color, tooltip=tip)
    )
    chart = titled(alt.layer(base_line, base_pts), title)
    return finish(chart, font)


def _curve(
    kind: str,
    df: Any,
    lang: str,
    title: str | None,
    font: str | None,
    max_points: int | None,
    log_y: bool = False,
) -> alt.LayerChart:
    line_df, point_df = curve_frames(kind, df, lang=lang, max_points=max_points)
    return curve_chart(
        kind,
        line_df,
        point_df,
        curve_series(kind, line_df, point_df, lang),
        lang=lang,
        title=title,
        font=font,
        log_y=log_y,
    )


def loss_chart(
    df: Any,
    *,
    lang: str = "ko",
    title: str | None = None,
    log_y: bool = False,
    font: str | None = FONT,
    max_points: int | None = MAX_POINTS,
) -> alt.LayerChart:
    """Train loss per step (line) and validation loss at evaluations (points).

    Columns: `step`, `loss` (train), optional `val_loss` (NaN or absent where no eval ran).
    A dict of lists works too; eval points may also come as `eval_step`/`val_loss` lists.
    `max_points` thins the train line (None: draw every row given).
    """
    return _curve("loss", df, lang, title, font, max_points, log_y=log_y)


def accuracy_chart(
    df: Any,
    *,
    lang: str = "ko",
    title: str | None = None,
    font: str | None = FONT,
    max_points: int | None = MAX_POINTS,
) -> alt.LayerChart:
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
        df = as_frame(curve)
        if metric in df and "step" in df:
            part = df[["step", metric]].dropna().rename(columns={metric: "value"})
            part.insert(0, "run", label)
            parts.append(part)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["run", "step", "value"])


# y-axis title per compared metric; anything else is titled by its own name.
_METRIC_KEYS = {
    "loss": "lab.chart.loss",
    "val_loss": "lab.chart.val_loss",
    "token_acc": "lab.chart.train_token_acc",
    "val_token_acc": "lab.chart.val_token_acc",
    "val_seq_acc": "lab.chart.val_seq_acc",
}


def compare_chart(
    runs: Any,
    *,
    metric: str = "loss",
    lang: str = "ko",
    title: str | None = None,
    log_y: bool = False,
    font: str | None = FONT,
) -> alt.Chart:
    """Several runs' curves on one chart, coloured by run label (legend in the given order).

    `runs`: a DataFrame with columns `run`, `step`, `<metric>`; or a mapping / list of
    (label, curve) where each curve has `step` and `<metric>` (DataFrame or dict of lists).
    """
    df = thin(_runs_frame(runs, metric), group="run")
    order = list(dict.fromkeys(df["run"]))
    y_key = _METRIC_KEYS.get(metric, metric)
    chart = (
        alt.Chart(df)
        .mark_line(strokeWidth=1.5)
        .encode(
            x=alt.X("step:Q", title=chart_text("lab.chart.step", lang)),
            y=alt.Y(
                "value:Q",
                title=chart_text(y_key, lang),
                scale=alt.Scale(type="log") if log_y else alt.Undefined,
            ),
            color=alt.Color(
                "run:N",
                sort=order,
                scale=alt.Scale(domain=order),
                title=chart_text("lab.chart.run", lang),
                legend=alt.Legend(labelLimit=0),  # English run labels are long: never cut them
            ),
            tooltip=[
                alt.Tooltip("run:N", title=chart_text("lab.chart.run", lang)),
                alt.Tooltip("step:Q", title=chart_text("lab.chart.step", lang)),
                alt.Tooltip("value:Q", title=chart_text(y_key, lang), format=".4f"),
            ],
        )
    )
    chart = titled(chart, title)
    return finish(chart, font)
