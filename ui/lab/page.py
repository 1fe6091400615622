"""The Model Lab page: tabs RNN | LSTM | GRU | Transformer | Compare, presenter mode, URL state.

Only the open tab runs (lazy tabs), so one live fragment polls at a time.
"""

from __future__ import annotations

import streamlit as st

from core.lab.presets import MODEL_TABS, TAB_LABELS, TABS
from ui.lab import engine, history, keys, model_tab, presenter, presets, room_lab, running
from ui.lab.identity import participant, remember_guest
from ui.lab.jobs import lab_jobs
from ui.lab.urlstate import apply_url, show_notices, write_url
from ui.lab.widgets import keep_widget_state, load_config
from ui.shell.actions import attempt
from ui.shell.frame import frame
from ui.shell.i18n import t


def _labels() -> dict[str, str]:
    return {**TAB_LABELS, "compare": t("lab.page.compare")}


def _sync_tab() -> str:
    """Reconcile the tab the viewer clicked with one chosen by a link or a button."""
    labels = _labels()
    from core.i18n import LANGUAGES, translate

    by_label = {v: k for k, v in TAB_LABELS.items()}
    by_label.update({translate("lab.page.compare", lang): "compare" for lang in LANGUAGES})
    clicked = by_label.get(st.session_state.get(keys.TAB))
    chosen = st.session_state.get(keys.TAB_ID, "rnn")
    if chosen == st.session_state.get(keys.RENDERED) and clicked is not None:
        chosen = clicked
    chosen = chosen if chosen in TABS else "rnn"
    st.session_state[keys.TAB_ID] = chosen
    st.session_state[keys.TAB] = labels[chosen]
    return chosen


def _open_links(ctx) -> None:
    """Resolve `?run=` and `?job=` from a link (they need the database and the registry)."""
    rid = st.session_state.pop(keys.OPEN_RUN, None)
    if rid is not None:
        from core.lab import runs as lab_runs
        from core.lab.config import from_dict

        def read():
            with ctx.db.read() as s:
                return lab_runs.get_run(session=s, run_id=rid)

        run = attempt(read)
        if run is not None:
            st.session_state[keys.TAB_ID] = run.kind
            load_config(run.kind, from_dict(run.config))
            st.session_state[keys.show(run.kind)] = {"run": run.id}
    if not engine.ready():  # a ?job= link waits for the job registry (it comes with the engine)
        return
    job = st.session_state.pop(keys.OPEN_JOB, None)
    if job is not None:
        job_id, tab = job
        view = lab_jobs().view(job_id)
        if view is not None:
            kind = view.config.model.kind
            st.session_state[keys.TAB_ID] = kind
            load_config(kind, view.config)  # the form shows what this run trains, not the link's
            st.session_state[keys.show(kind)] = {"job": job_id}
        else:
            st.session_state[keys.STALE] = (job_id, tab)


def _header(on: bool) -> None:
    """Title and the presenter toggle; in presenter mode the chart picker beside them."""
    if on:
        presenter.style()
        head, pick, toggle = st.columns([3, 3, 1], vertical_alignment="bottom")
        with pick:
            presenter.picker()
    else:
        head, toggle = st.columns([4, 1], vertical_alignment="bottom")
    head.title(t("lab.page.title"))
    toggle.toggle(t("lab.page.presenter"), key=keys.PRESENTER, help=t("lab.page.presenter_help"))


def render() -> None:
    """Draw the Lab (at once: the training engine may still be warming, see ui/lab/engine.py)."""
    ctx = frame()
    participant(ctx)  # a new guest gets its id before anything is started
    keep_widget_state()
    presenter.apply_url()
    apply_url()
    _open_links(ctx)
    room_lab.apply(ctx)  # a seminar room's challenge as the starting config
    on = presenter.on()
    _header(on)
    if not on:
        st.caption(t("lab.page.tagline"))
    show_notices()
    if not on:
        presets.picker()
    remember_guest()
    room_lab.banner(ctx)
    if engine.ready() and not on:  # the panel reads the job registry; the projector needs it not
        running.render(participant(ctx))
    active = _sync_tab()
    labels = _labels()
    containers = st.tabs([labels[k] for k in TABS], key=keys.TAB, on_change="rerun")
    for tab, box in zip(TABS, containers, strict=True):
        if not box.open:
            continue
        with box:
            if tab in MODEL_TABS:
                model_tab.render(ctx, tab, presenter=on)
            else:
                history.render(ctx)
    st.session_state[keys.RENDERED] = active
    presenter.write_url(active, write_url)
