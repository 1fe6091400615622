"""Reading the Lab's state from the URL when a link is opened, and writing it back as the
viewer changes things, so the address bar is always a shareable link to what is on screen.

A query that differs from the one this session last wrote came from outside (a shared link, a
page link from a curriculum week, a reload): it is applied. Otherwise the widgets are the truth.
"""

from __future__ import annotations

import streamlit as st

from ui.lab import query
from ui.lab.presets import PRESETS, TABS, preset_tab
from ui.lab.widgets import current_config, load_config
from ui.shell.i18n import t

WRITTEN = "_lab_query_written"
SEEN = "_lab_query_seen"      # addresses this session applied or wrote (recent first last)
MAX_SEEN = 40
TAB_ID = "lab_tab_id"
PRESET = "lab_preset"
NOTICES = "_lab_notices"
PE_OPEN = "lab_pe_open"
MAX_COMPARE = 8


def show_key(tab: str) -> str:
    """Session key of what a model tab shows: {"job": id} or {"run": id} (or nothing)."""
    return f"lab_{tab}_show"


def apply_url() -> None:
    """Apply `?preset=`, `?tab=` + config, `?run=`, `?job=` when the query came from outside."""
    params = st.query_params.to_dict()
    if TAB_ID in st.session_state:
        if params == st.session_state.get(WRITTEN):
            return
        if params in st.session_state.get(SEEN, []):
            # An address this session already had: a click sent before the browser took our last
            # URL update. Keep the widgets; write the current state again at the end of the run.
            st.session_state[WRITTEN] = params
            return
    notices: list[tuple[str, str, dict]] = []
    tab = None
    name = params.get("preset")
    if name in PRESETS:
        for ptab, cfg in PRESETS[name].configs.items():
            load_config(ptab, cfg)
        tab = preset_tab(name)
        st.session_state[PRESET] = name
        st.session_state[PE_OPEN] = PRESETS[name].view == "pe"
    elif name:
        notices.append(("warning", "lab.page.unknown_preset", {"name": name}))
    qtab, cfg, bad = query.decode(params)
    if qtab is not None:
        tab = qtab
    if cfg is not None:  # encode() is relative to the tab default, so this is the exact config
        load_config(qtab, cfg)
    if bad:
        notices.append(("warning", "lab.page.bad_params", {"names": ", ".join(bad)}))
    rid = query.run_id(params)
    if rid is not None:
        st.session_state["_lab_open_run"] = rid  # resolved by the page (needs the database)
    elif "run" in params:
        notices.append(("warning", "lab.page.bad_params", {"names": "run"}))
    jid = query.job_id(params)
    if jid is not None:
        st.session_state["_lab_open_job"] = (jid, tab or "transformer")
    runs = [int(x) for x in params.get("runs", "").split(",") if x.isdigit()][:MAX_COMPARE]
    if runs:
        st.session_state["lab_compare_ids"] = runs
    if tab is not None:
        st.session_state[TAB_ID] = tab
    st.session_state.setdefault(TAB_ID, "rnn")
    st.session_state[NOTICES] = notices
    st.session_state[WRITTEN] = params
    _seen(params)


def show_notices() -> None:
    """Messages about the link just opened (unknown preset, unreadable parameters)."""
    for kind, key, params in st.session_state.pop(NOTICES, []):
        getattr(st, kind)(t(key, **params))


def write_url(tab: str) -> None:
    """Put the active tab's state into the address bar (only when it changed)."""
    out: dict[str, str] = {}
    if tab in TABS[:-1]:
        out = query.encode(tab, current_config(tab))
        preset = st.session_state.get(PRESET)
        if preset in PRESETS and tab in PRESETS[preset].configs:
            out = {"preset": preset, **out}
        shown = st.session_state.get(show_key(tab)) or {}
        if "run" in shown:
            out["run"] = str(shown["run"])
        elif "job" in shown:
            out["job"] = shown["job"]
    else:
        out = {"tab": tab}
        picked = st.session_state.get("lab_compare_ids") or []
        if picked:
            out["runs"] = ",".join(str(i) for i in picked)
    if out != st.session_state.get(WRITTEN):
        st.query_params.from_dict(out)
        st.session_state[WRITTEN] = out
        _seen(out)


def _seen(params: dict[str, str]) -> None:
    seen = [p for p in st.session_state.get(SEEN, []) if p != params]
    st.session_state[SEEN] = [*seen, dict(params)][-MAX_SEEN:]
