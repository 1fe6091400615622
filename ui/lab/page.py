"""The Model Lab page: tabs RNN | LSTM | GRU | Transformer | Compare, presenter mode, URL state.

Only the open tab runs (lazy tabs), so one live fragment polls at a time.
"""

from __future__ import annotations

import streamlit as st

from core.lab.presets import MODEL_TABS, TAB_LABELS, TABS
from ui.lab import history, keys, model_tab, presets, room_lab, running
from ui.lab.identity import participant, remember_guest
from ui.lab.jobs import lab_jobs
from ui.lab.urlstate import apply_url, show_notices, write_url
from ui.lab.widgets import keep_widget_state, load_config
from ui.shell.actions import attempt
from ui.shell.frame import frame
from ui.shell.i18n import t

# Our own constant (never user text): larger type and roomier charts for a projector.
PRESENTER_CSS = """
<style>
[data-testid="stMainBlockContainer"] { max-width: 100%; padding-top: 1.5rem; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { font-size: 1.35rem; }
[data-testid="stAlertContainer"] p { font-size: 1.3rem; }
[data-testid="stCaptionContainer"] { font-size: 1.1rem; }
[data-testid="stTab"] p { font-size: 1.35rem; }
h1 { font-size: 2.6rem !important; }
</style>
"""


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


def render() -> None:
    """Draw the Lab."""
    ctx = frame()
    participant(ctx)  # a new guest gets its id before anything is started
    keep_widget_state()
    apply_url()
    _open_links(ctx)
    room_lab.apply(ctx)  # a seminar room's challenge as the starting config
    presenter = st.session_state.get(keys.PRESENTER, False)
    if presenter:
        st.markdown(PRESENTER_CSS, unsafe_allow_html=True)
    head, toggle = st.columns([4, 1], vertical_alignment="bottom")
    head.title(t("lab.page.title"))
    toggle.toggle(t("lab.page.presenter"), key=keys.PRESENTER, help=t("lab.page.presenter_help"))
    if not presenter:
        st.caption(t("lab.page.tagline"))
    show_notices()
    presets.picker()
    remember_guest()
    room_lab.banner(ctx)
    running.render(participant(ctx))
    active = _sync_tab()
    labels = _labels()
    containers = st.tabs([labels[k] for k in TABS], key=keys.TAB, on_change="rerun")
    for tab, box in zip(TABS, containers, strict=True):
        if not box.open:
            continue
        with box:
            if tab in MODEL_TABS:
                model_tab.render(ctx, tab, presenter=presenter)
            else:
                history.render(ctx)
    st.session_state[keys.RENDERED] = active
    write_url(active)
