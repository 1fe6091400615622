"""The seminar room's chart: every participant's run on one projector chart, training loss and
held-out accuracy side by side, one line per participant, each labelled with the nickname at its
end (no legend to look up from across a room). Pure: returns an Altair chart, touches nothing else.

One dataset for both panels, bounded by `MAX_ROWS` however many participants and steps: each
panel gets half the budget, shared between the lines (`base.thin`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd

from core.lab.charts.base import FONT, MAX_POINTS, MAX_ROWS, as_frame, chart_text, finish, thin

METRIC_KEYS = {"val_token_acc": "lab.room.metric.val_token_acc", "val_seq_acc": "lab.room.metric.val_seq_acc"}


def _label(labels: Sequence[str]) -> list[str]:
    """Two lines with one name would merge into one zigzag: number the repeats."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def room_frame(
    lines: Sequence[tuple[str, Mapping]], *, metric: str = "val_token_acc", max_rows: int = MAX_ROWS
) -> pd.DataFrame:
    """Long form (who, panel, step, value): `loss` per training step and `metric` per evaluation of
    each (label, curves) pair; at most `max_rows` rows, half per panel."""
    parts = []
    for who, (_, curves) in zip(_label([str(name) for name, _ in lines]), lines, strict=True):
        df = as_frame({k: v for k, v in curves.items() if k in ("step", "loss")})
        if {"step", "loss"} <= set(df.columns):
            part = df[["step", "loss"]].dropna().rename(columns={"loss": "value"})
            parts.append(part.assign(who=who, panel="loss"))
        ev = as_frame({k: v for k, v in curves.items() if k in ("eval_step", metric)})
        if {"eval_step", metric} <= set(ev.columns):
            part = ev[["eval_step", metric]].dropna().rename(columns={"eval_step": "step", metric: "value"})
            parts.append(part.assign(who=who, panel="accuracy"))
    if not parts:
        return pd.DataFrame({"who": [], "panel": [], "step": [], "value": []})
    df = pd.concat(parts, ignore_index=True)[["who", "panel", "step", "value"]]
    half = max(2, max_rows // 2)
    return pd.concat(
        [
            thin(df[df.panel == p], group="who", max_points=MAX_POINTS, max_rows=half)
            for p in ("loss", "accuracy")
        ],
        ignore_index=True,
    )


def room_chart(
    lines: Sequence[tuple[str, Mapping]],
    *,
    metric: str = "val_token_acc",
    lang: str = "ko",
    height: int = 320,
    width: int = 460,
    font: str | None = FONT,
) -> alt.HConcatChart:
    """Loss and held-out accuracy of each participant's run, side by side: one coloured, labelled
    line per (label, curves) pair, in the given order. `curves`: a job's or a stored run's curves
    (`step`, `loss`, `eval_step`, `<metric>`)."""
    df = room_frame(lines, metric=metric)
    order = list(dict.fromkeys(_label([str(name) for name, _ in lines])))
    who = chart_text("lab.room.chart_who", lang)
    step = chart_text("lab.room.chart_step", lang)
    color = alt.Color("who:N", sort=order, scale=alt.Scale(domain=order), title=who, legend=None)
    base = alt.Chart(df).encode(x=alt.X("step:Q", title=step), color=color)

    def panel(name: str, y_title: str, y: alt.Y) -> alt.LayerChart:
        data = base.transform_filter(alt.datum.panel == name)
        tip = [
            alt.Tooltip("who:N", title=who),
            alt.Tooltip("step:Q", title=step),
            alt.Tooltip("value:Q", title=y_title, format=".4f"),
        ]
        line = data.mark_line(strokeWidth=3, point=name == "accuracy").encode(y=y, tooltip=tip)
        # The nickname at the newest point of each line.
        ends = (
            data.transform_joinaggregate(last="max(step)", groupby=["who"])
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


__all__ = ["room_chart", "room_frame"]
