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
from ui.lab.draw import secs
from ui.lab.identity import NICKNAME_MAX, owner_name
from ui.lab.jobs import lab_jobs, live_controls
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


def _row(job, who: Participant) -> None:
    name = plain(owner_name(job.owner, t))
    if job.status == "running":
        where = t("lab.run.progress", step=job.step, total=job.steps)
        eta = t("lab.run.eta_left", eta=secs(job.eta_s))
    else:
        where = t("lab.run.place", pos=job.queue_position)
        eta = t("lab.run.eta_wait", eta=secs(job.eta_s))
    cols = st.columns([3, 2, 2, 2, 1, 1, 1], vertical_alignment="center")
    cols[0].markdown(f"**{name}**")
    cols[1].markdown(TAB_LABELS.get(job.kind, job.kind))
    cols[2].markdown(where)
    cols[3].markdown(eta)
    if cols[4].button(t("lab.run.watch"), key=keys.job_watch(job.job_id), icon=":material/visibility:"):
        _watch(job)
        st.rerun()
    if not who.is_leader:
        return
    if cols[5].button(t("lab.run.cancel"), key=keys.job_cancel(job.job_id), icon=":material/cancel:"):
        if attempt(lambda: lab_jobs().stop(job.job_id, by=who) or True):
            st.rerun()
    if job.status == "queued" and job.queue_position != 1:
        if cols[6].button(
            t("lab.run.front"), key=keys.job_front(job.job_id), icon=":material/vertical_align_top:"
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
        for job in jobs:
            _row(job, who)
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
