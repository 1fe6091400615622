"""The "running now" panel: every running and queued job (owner, model, progress, place, time
left); anyone may open one to watch it, a leader may cancel any or move a queued one to the front.
The owner or a leader pauses, steps and resumes the run the open tab shows (ui.lab.jobs
live_controls). Guests set the nickname others see on their runs here."""

from __future__ import annotations

import re

import streamlit as st

from core.lab.jobs.policy import Participant
from core.lab.presets import TAB_LABELS
from ui.lab import keys
from ui.lab.draw import secs, shared
from ui.lab.identity import NICKNAME_MAX, owner_name
from ui.lab.jobs import lab_jobs, live_controls
from ui.lab.widgets import fmt
from ui.shell.actions import attempt
from ui.shell.i18n import t

POLL_S = 2.0
_MD = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def plain(text: str) -> str:
    """User text (a nickname) shown literally inside Markdown."""
    return _MD.sub(r"\\\1", text)


def _watch(job) -> None:
    st.session_state[keys.TAB_ID] = job.kind
    st.session_state[keys.show(job.kind)] = {"job": job.job_id}


COLUMNS = ("who", "model", "progress", "where", "eta")


def _table(jobs):
    """One row per job: who, model, progress (0-1), where it stands, time left or to its start, as
    an Arrow table made once per state of the queue for every tab showing it. Every tab of a
    30-person room drew the panel every POLL_S through a pandas frame and its conversion to
    Arrow: 11% of the server's CPU on PostgreSQL (docs/benchmarks.md, ninth session)."""
    rows = []
    for job in jobs:
        running = job.status == "running"
        rows.append(
            (
                owner_name(job.owner, t),
                TAB_LABELS.get(job.kind, job.kind),
                job.step / job.steps if running and job.steps else 0.0,
                t("lab.run.progress", step=job.step, total=job.steps)
                if running
                else t("lab.run.place", pos=job.queue_position),
                t("lab.run.eta_left" if running else "lab.run.eta_wait", eta=secs(job.eta_s)),
            )
        )
    return shared(("running-now", tuple(rows)), lambda: _arrow(rows))


def _arrow(rows: list[tuple]):
    import pyarrow as pa

    cols = list(zip(*rows, strict=True)) if rows else [()] * len(COLUMNS)
    types = [pa.string(), pa.string(), pa.float64(), pa.string(), pa.string()]
    return pa.table([pa.array(c, type=ty) for c, ty in zip(cols, types, strict=True)], names=list(COLUMNS))


def _columns() -> dict:
    return {
        "who": st.column_config.TextColumn(t("lab.run.col_who")),
        "model": st.column_config.TextColumn(t("lab.run.col_model")),
        "progress": st.column_config.ProgressColumn(
            t("lab.run.col_progress"), min_value=0.0, max_value=1.0, format="percent"
        ),
        "where": st.column_config.TextColumn(t("lab.run.col_where")),
        "eta": st.column_config.TextColumn(t("lab.run.col_eta")),
    }


def _label(job) -> str:
    """A job in the picker: stable while it waits and trains (the picker keeps its choice by label)."""
    return f"{owner_name(job.owner, t)} · {TAB_LABELS.get(job.kind, job.kind)} · #{job.job_id[:6]}"


def _actions(jobs, who: Participant) -> None:
    """Pick a job, then watch it (anyone), cancel it or move it to the front (a leader)."""
    by_id = {j.job_id: j for j in jobs}
    ids = list(by_id)
    pick = st.selectbox(
        t("lab.run.pick"),
        ids,
        index=None,
        key=keys.JOB_PICK,
        format_func=fmt(ids, lambda i: _label(by_id[i])),
        placeholder=t("lab.run.pick_placeholder"),
    )
    job = by_id.get(pick)
    cols = st.columns(3 if who.is_leader else 1)
    if cols[0].button(
        t("lab.run.watch"), key=keys.JOB_WATCH, icon=":material/visibility:", disabled=job is None
    ):
        _watch(job)
        st.rerun()
    if not who.is_leader:
        return
    if cols[1].button(
        t("lab.run.cancel"), key=keys.JOB_CANCEL, icon=":material/cancel:", disabled=job is None
    ):
        if attempt(lambda: lab_jobs().stop(job.job_id, by=who) or True):
            st.rerun()
    front = job is not None and job.status == "queued" and job.queue_position != 1
    if cols[2].button(
        t("lab.run.front"), key=keys.JOB_FRONT, icon=":material/vertical_align_top:", disabled=not front
    ):
        if attempt(lambda: lab_jobs().move_to_front(job.job_id, by=who) or True):
            st.rerun()


def _panel(who: Participant) -> None:
    jobs = lab_jobs().active()
    with st.expander(t("lab.run.title", n=len(jobs)), icon=":material/directions_run:", expanded=bool(jobs)):
        if who.role == "guest":
            st.text_input(
                t("lab.run.nickname"),
                key=keys.GUEST_NAME,
                max_chars=NICKNAME_MAX,
                help=t("lab.run.nickname_help"),
            )
        if not jobs:
            st.caption(t("lab.run.none"))
        else:
            # One table element, not a row of columns and buttons per job: a room's 30 tabs drew
            # every job's row every poll, a third of the server's CPU (docs/benchmarks.md).
            st.dataframe(_table(jobs), hide_index=True, column_config=_columns())
            _actions(jobs, who)
        watched = _watched_job()
        if watched is not None and any(j.job_id == watched and j.status == "running" for j in jobs):
            live_controls(watched, who)  # pause / step the run this tab shows (owner or leader)


def _watched_job() -> str | None:
    """The job the open tab shows, if it shows one."""
    tab = st.session_state.get(keys.TAB_ID)
    shown = st.session_state.get(keys.show(tab)) if tab else None
    return shown.get("job") if isinstance(shown, dict) else None


_panel_fragment = st.fragment(run_every=POLL_S)(_panel)


def render(who: Participant) -> None:
    """Draw the panel (it refreshes itself every POLL_S seconds)."""
    _panel_fragment(who)
