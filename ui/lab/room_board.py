"""The room's live part, made for the projector: every participant's run on one chart (one
labelled line each) and the leaderboard (held-out accuracy, steps, time, what differs from the
challenge's preset). Each run opens in the Lab (attention replay included) with one click; its
owner may stop it and a leader may cancel any (the job queue enforces who may)."""

from __future__ import annotations

import functools
import json

import altair as alt
import streamlit as st

from core.lab import rooms
from core.lab.charts.base import presented
from core.lab.charts.room import room_frame, room_layout, room_order
from core.lab.config import field_label
from core.lab.jobs.policy import Participant, may_control
from ui.lab import room_keys
from ui.lab.draw import arrow_rows, secs
from ui.lab.jobs import lab_jobs
from ui.lab.running import plain
from ui.shell.actions import attempt
from ui.shell.frame import Frame
from ui.shell.i18n import current_lang, t
from ui.shell.links import page_link

POLL_S = 2.0
MAX_BOARD = 30  # leaderboard lines drawn (the rest are counted)
ROOM_DATA = "room"  # the chart's dataset name
WIDTHS = [0.6, 2, 1.3, 1.8, 1.2, 1, 3, 1, 1.4]


def _live(job_id: str):
    return lab_jobs().registry.snapshot(job_id)


def _diff_text(diff) -> str:
    if not diff:
        return t("lab.room.same_as_preset")
    lang = current_lang()
    # config values: numbers and fixed choices, no user text
    return ", ".join(f"{field_label(name, lang)} {old} → {new}" for name, old, new in diff)


def _link(run: rooms.RoomRun) -> None:
    if run.run_id is not None and not run.active:
        query = {"run": run.run_id}
    else:
        query = {"job": run.job_id, "tab": (run.config.get("model") or {}).get("kind", "rnn")}
    page_link("lab", t("lab.room.open_run"), icon=":material/open_in_new:", query=query)


def _stop(run: rooms.RoomRun, who: Participant, where) -> None:
    if not run.active or not may_control(who, Participant(run.participant_key, "guest")):
        return
    label = t("lab.room.stop") if who.key == run.participant_key else t("lab.room.cancel")
    if where.button(label, key=room_keys.stop(run.job_id), icon=":material/stop:"):
        if attempt(lambda: lab_jobs().stop(run.job_id, by=who) or True):
            st.toast(t("lab.room.stopping"), icon=":material/stop:")
            st.rerun()


def _row(row: rooms.BoardRow, who: Participant) -> None:
    run = row.run
    cols = st.columns(WIDTHS, vertical_alignment="center")
    cols[0].markdown(f"**{row.rank}**")
    cols[1].markdown(f"**{plain(run.nickname)}**")
    cols[2].markdown(t(f"lab.room.status.{run.status}"))
    acc = "–" if row.accuracy is None else f"{row.accuracy:.1%}"
    cols[3].markdown(acc)
    if row.reached_at is not None:
        cols[3].caption(t("lab.room.reached", step=row.reached_at))
    total = (run.config or {}).get("steps")
    cols[4].markdown(f"{run.step}/{total}" if total else str(run.step))
    cols[5].markdown(secs(run.seconds))
    cols[6].caption(_diff_text(row.diff))
    with cols[7]:
        _link(run)
    _stop(run, who, cols[8])


@functools.lru_cache(maxsize=32)
def _template(order: tuple[str, ...], metric: str, lang: str, presenter: bool) -> str:
    """The room chart's Vega-Lite spec (JSON) with its rows left as a named dataset: the same while
    the room's lines are the same people, so the projector swaps new rows into the chart it has,
    and the server skips Altair (its schema walk took most of a poll; docs/benchmarks.md)."""
    chart = room_layout(alt.NamedData(name=ROOM_DATA), order, metric=metric, lang=lang)
    return json.dumps((presented(chart) if presenter else chart).to_dict(validate=False))


def board(
    ctx: Frame, room_id: int, challenge: rooms.Challenge | None, who: Participant, *, presenter: bool = False
) -> None:
    """The chart and the leaderboard of the room's runs, as they are now (`presenter`: the chart's
    text enlarged for a projector)."""
    with ctx.db.read() as s:
        runs = rooms.room_runs(session=s, room_id=room_id, live=_live)
    st.subheader(t("lab.room.chart_heading"))
    if not runs:
        st.caption(t("lab.room.no_runs"))
        return
    lines = [(r.nickname, r.curves) for r in rooms.latest_per_participant(runs)]
    metric = rooms.board_metric(runs, challenge)
    spec = json.loads(_template(tuple(room_order(lines)), metric, current_lang(), presenter))
    spec["datasets"] = {ROOM_DATA: arrow_rows(room_frame(lines, metric=metric))}
    st.vega_lite_chart(spec=spec, width="content")
    st.subheader(t("lab.room.board_heading"))
    head = st.columns(WIDTHS)
    for col, key in zip(head, ("rank", "name", "status", "acc", "steps", "time", "diff"), strict=False):
        col.caption(t(f"lab.room.col_{key}"))
    ranked = rooms.leaderboard(runs, challenge)
    for row in ranked[:MAX_BOARD]:
        _row(row, who)
    if len(ranked) > MAX_BOARD:
        st.caption(t("lab.room.more_rows", shown=MAX_BOARD, total=len(ranked)))


live_board = st.fragment(run_every=POLL_S)(board)
