"""The seminar room's chart: every participant's run on one projector chart, training loss and
held-out accuracy side by side, one line per participant, each labelled with the nickname at its
end (no legend to look up from across a room). Pure: returns an Altair chart, touches nothing else.

One dataset for both panels, bounded by `MAX_ROWS` however many participants and steps: each
panel gets half the budget, shared between the lines (`base.thin`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from core.lab.charts.base import FONT, MAX_POINTS, MAX_ROWS, chart_text, finish, spread

METRIC_KEYS = {"val_token_acc": "lab.room.metric.val_token_acc", "val_seq_acc": "lab.room.metric.val_seq_acc"}


def _label(labels: Sequence[str]) -> list[str]:
    """Two lines with one name would merge into one zigzag: number the repeats."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def _points(curves: Mapping, x: str, y: str) -> tuple[np.ndarray, np.ndarray]:
    """(steps, values) of one curve, rows with a missing or NaN step or value left out."""
    xs, ys = curves.get(x), curves.get(y)
    if xs is None or ys is None:
        return np.empty(0), np.empty(0)
    n = min(len(xs), len(ys))
    xs = np.array(list(xs)[:n], dtype=float)  # None -> NaN
    ys = np.array(list(ys)[:n], dtype=float)
    keep = ~(np.isnan(xs) | np.isnan(ys))
    return xs[keep].astype(np.int64), ys[keep]  # steps are whole numbers


def room_frame(
    lines: Sequence[tuple[str, Mapping]], *, metric: str = "val_token_acc", max_rows: int = MAX_ROWS
) -> pd.DataFrame:
    """Long form (who, panel, step, value): `loss` per training step and `metric` per evaluation of
    each (label, curves) pair; at most `max_rows` rows, half per panel, shared between the lines as
    `base.thin` shares them. Built with numpy, one frame at the end: the projector redraws it every
    poll with every participant's curves."""
    labels = _label([str(name) for name, _ in lines])
    half = max(2, max_rows // 2)
    cols: dict[str, list] = {"who": [], "panel": [], "step": [], "value": []}
    for panel, x, y in (("loss", "step", "loss"), ("accuracy", "eval_step", metric)):
        groups = [(who, *_points(curves, x, y)) for who, (_, curves) in zip(labels, lines, strict=True)]
        groups = [g for g in groups if len(g[1])]
        per = max(2, min(MAX_POINTS, half // max(1, len(groups))))
        thinning = sum(len(g[1]) for g in groups) > per
        for who, steps, values in groups:
            if thinning and len(steps) > per:
                keep = spread(len(steps), per)
                steps, values = steps[keep], values[keep]
            cols["who"].append(np.full(len(steps), who, dtype=object))
            cols["panel"].append(np.full(len(steps), panel, dtype=object))
            cols["step"].append(steps)
            cols["value"].append(values)
    if not cols["step"]:
        return pd.DataFrame({"who": [], "panel": [], "step": [], "value": []})
    return pd.DataFrame({k: np.concatenate(v) for k, v in cols.items()})


def room_order(lines: Sequence[tuple[str, Mapping]]) -> list[str]:
    """The lines' labels in the order given (repeated names numbered): the chart's colours."""
    return list(dict.fromkeys(_label([str(name) for name, _ in lines])))


def room_chart(
    lines: Sequence[tuple[str, Mapping]], *, metric: str = "val_token_acc", **layout
) -> alt.HConcatChart:
    """Loss and held-out accuracy of each participant's run, side by side: one coloured, labelled
    line per (label, curves) pair, in the given order. `curves`: a job's or a stored run's curves
    (`step`, `loss`, `eval_step`, `<metric>`); `layout`: `room_layout`'s lang, height, width, font."""
    return room_layout(room_frame(lines, metric=metric), room_order(lines), metric=metric, **layout)


def room_layout(
    data: pd.DataFrame | alt.NamedData,
    order: Sequence[str],
    *,
    metric: str = "val_token_acc",
    lang: str = "ko",
    height: int = 320,
    width: int = 460,
    font: str | None = FONT,
) -> alt.HConcatChart:
    """The room chart of `data` (a `room_frame`, or a reference to one sent beside the spec, so a
    projector polling it gets the same spec each time) with the lines' labels `order`."""
    order = list(order)
    who = chart_text("lab.room.chart_who", lang)
    step = chart_text("lab.room.chart_step", lang)
    color = alt.Color("who:N", sort=order, scale=alt.Scale(domain=order), title=who, legend=None)
    base = alt.Chart(data).encode(x=alt.X("step:Q", title=step), color=color)

    def panel(name: str, y_title: str, y: alt.Y) -> alt.LayerChart:
        rows = base.transform_filter(alt.datum.panel == name)
        tip = [
            alt.Tooltip("who:N", title=who),
            alt.Tooltip("step:Q", title=step),
            alt.Tooltip("value:Q", title=y_title, format=".4f"),
        ]
        line = rows.mark_line(strokeWidth=3, point=name == "accuracy").encode(y=y, tooltip=tip)
        # The nickname at the newest point of each line.
        ends = (
            rows.transform_joinaggregate(last="max(step)", groupby=["who"])
            .transform_filter("datum.step == datum.last")
            .mark_text(align="left", dx=6, fontSize=16, fontWeight="bold")
            .encode(y=y, text="who:N")
        )
        return alt.layer(line, ends).properties(title=y_title, height=height, width=width)

    loss_title = chart_text("lab.room.chart_loss", lang)
    acc_title = chart_text(METRIC_KEYS.get(metric, "lab.room.metric.val_token_acc"), lang)
    chart = alt.hconcat(
        panel("loss", loss_title, alt.Y("value:Q", title=loss_title)),
        panel(
            "accuracy",
            acc_title,
            alt.Y("value:Q", title=acc_title, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        ),
    )
    return finish(chart, font)


__all__ = ["room_chart", "room_frame", "room_layout", "room_order"]
