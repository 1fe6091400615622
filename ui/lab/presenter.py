"""Presenter mode of the Lab (and of a seminar room's page, `room_toggle`): a projector's view. No sidebar, fewer controls, chart text enlarged
(`core.lab.charts.base.presented`), one chart filling the screen if the presenter picks one, keys
for the live run (space: pause / resume, right arrow: step), and all of it in the address bar
(`?present=1&chart=attention`) so a reload or a shared link opens the same view.

The rest of the Lab's URL is `ui/lab/urlstate.py`'s; this module adds its two parameters around it.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui.lab import keys
from ui.lab.urlstate import is_own_address, remember_address
from ui.lab.widgets import fmt
from ui.shell.i18n import t

PARAM = "present"  # ?present=1: presenter mode
CHART_PARAM = "chart"  # ?chart=<focus>: the one chart that fills the screen
FOCUS = "lab_presenter_chart"  # session key of the chart picker (segmented control)
ROOM_TOGGLE = "room_presenter"  # the seminar room page's presenter toggle
FOCUSES = ("all", "loss", "accuracy", "attention")  # "all": every chart, in the usual order
# The job controls the keys press (drawn by ui/lab/jobs.py with these Streamlit keys).
PAUSE_KEY, STEP_KEY = "lab_job_pause", "lab_job_step_1"

# Our own constant (never user text). The sidebar (navigation, sign-in, language) goes; type grows.
CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"] { display: none; }
[data-testid="stMainBlockContainer"] { max-width: 100%; padding-top: 1.5rem; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { font-size: 1.35rem; }
[data-testid="stAlertContainer"] p { font-size: 1.3rem; }
[data-testid="stCaptionContainer"] { font-size: 1.1rem; }
[data-testid="stTab"] p { font-size: 1.35rem; }
h1 { font-size: 2.6rem !important; }
</style>
"""
_JS = (
    Path(__file__)
    .with_name("presenter.js")
    .read_text(encoding="utf-8")
    .replace("__PAUSE__", PAUSE_KEY)
    .replace("__STEP__", STEP_KEY)
    .replace("__TOGGLE__", keys.PRESENTER)
)


def on() -> bool:
    """Presenter mode is on."""
    return bool(st.session_state.get(keys.PRESENTER))


def focus() -> str:
    """The chart that fills the screen ("all": none, every chart as usual); only in presenter mode."""
    chosen = st.session_state.get(FOCUS)
    return chosen if on() and chosen in FOCUSES else "all"


def _from_outside(params: dict[str, str]) -> bool:
    """The address came from outside this session (a link, a reload), not from our own writes:
    the test `ui.lab.urlstate.apply_url` makes, taken before it records the address."""
    return not is_own_address(params)


def apply_url() -> None:
    """Take presenter mode and its chart from an address opened from outside (call before
    `urlstate.apply_url`); otherwise the toggle and the picker are the truth."""
    if FOCUS in st.session_state:  # kept while the picker is not drawn (presenter mode off)
        st.session_state[FOCUS] = st.session_state[FOCUS]
    params = st.query_params.to_dict()
    if not _from_outside(params):
        return
    st.session_state[keys.PRESENTER] = params.get(PARAM) == "1"
    chart = params.get(CHART_PARAM)
    st.session_state[FOCUS] = chart if chart in FOCUSES else "all"


def write_url(tab: str, write) -> None:
    """`write(tab)` (urlstate.write_url) with presenter mode and its chart added to the address.

    urlstate compares its own parameters with what it last wrote: it is shown that without ours,
    so a run that changed nothing sends nothing to the browser.
    """
    written = st.session_state.get(keys.QUERY_WRITTEN)
    if written:
        st.session_state[keys.QUERY_WRITTEN] = {
            k: v for k, v in written.items() if k not in (PARAM, CHART_PARAM)
        }
    write(tab)
    want = dict(st.session_state.get(keys.QUERY_WRITTEN) or {})
    if on():
        want[PARAM] = "1"
        if focus() != "all":
            want[CHART_PARAM] = focus()
    if st.query_params.to_dict() != want:
        st.query_params.from_dict(want)
    st.session_state[keys.QUERY_WRITTEN] = want
    remember_address(want)


def style() -> None:
    """Presenter mode's page: its CSS and the keys (the script installs itself once per page)."""
    st.markdown(CSS, unsafe_allow_html=True)
    st.html(f"<script>\n{_JS}</script>", unsafe_allow_javascript=True)


def picker() -> None:
    """The chart picker: every chart, or one of them filling the screen."""
    if st.session_state.get(FOCUS) not in FOCUSES:
        st.session_state[FOCUS] = "all"  # session state, not `default=`: a link may have set it
    st.segmented_control(
        t("lab.presenter.chart"),
        FOCUSES,
        key=FOCUS,
        required=True,
        format_func=fmt(FOCUSES, lambda f: t(f"lab.presenter.chart.{f}")),
        help=t("lab.presenter.keys_help"),
    )


def room_toggle(where=st) -> bool:
    """The seminar room page's presenter toggle (drawn in `where`), kept in the URL beside the
    room's code (`?code=...&present=1`); when on, the page has no sidebar and large type. Returns
    whether it is on."""
    in_url = st.query_params.get(PARAM) == "1"
    if ROOM_TOGGLE not in st.session_state:  # opened from a link or reloaded: the URL says
        st.session_state[ROOM_TOGGLE] = in_url
    on = where.toggle(t("lab.page.presenter"), key=ROOM_TOGGLE, help=t("lab.presenter.room_help"))
    if on and not in_url:
        st.query_params[PARAM] = "1"
    elif in_url and not on:
        del st.query_params[PARAM]
    if on:
        st.markdown(CSS, unsafe_allow_html=True)
    return on
