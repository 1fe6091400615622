"""Reading the Lab's state from the URL when a link is opened, and writing it back as the
viewer changes things, so the address bar is always a shareable link to what is on screen.

A query that differs from the one this session last wrote came from outside (a shared link, a
page link from a curriculum week, a reload): it is applied. Otherwise the widgets are the truth.
"""

from __future__ import annotations

import streamlit as st

from core.lab.presets import MODEL_TABS, PRESETS
from core.validate import url_id
from ui.lab import keys, query
from ui.lab.presets import open_preset
from ui.lab.widgets import current_config, load_config
from ui.shell.i18n import t

MAX_SEEN = 40
MAX_COMPARE = 8


def apply_url() -> None:
    """Apply `?preset=`, `?tab=` + config, `?run=`, `?job=` when the query came from outside."""
    params = st.query_params.to_dict()
    if is_own_address(params):
        # Ours: the one we wrote last, or one this session had before (a click sent before the
        # browser took our last URL update). Keep the widgets; write the state again at the end.
        st.session_state[keys.QUERY_WRITTEN] = params
        return
    notices: list[tuple[str, str, dict]] = []
    tab = None
    name = params.get("preset")
    if name in PRESETS:
        tab = open_preset(name)
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
        st.session_state[keys.OPEN_RUN] = rid  # resolved by the page (needs the database)
    elif "run" in params:
        notices.append(("warning", "lab.page.bad_params", {"names": "run"}))
    jid = query.job_id(params)
    if jid is not None:
        st.session_state[keys.OPEN_JOB] = (jid, tab or "transformer")
    runs = [i for i in map(url_id, params.get("runs", "").split(",")) if i is not None][:MAX_COMPARE]
    if runs:
        st.session_state[keys.COMPARE_IDS] = runs
    if tab is not None:
        st.session_state[keys.TAB_ID] = tab
    st.session_state.setdefault(keys.TAB_ID, "rnn")
    st.session_state[keys.NOTICES] = notices
    st.session_state[keys.QUERY_WRITTEN] = params
    remember_address(params)


def show_notices() -> None:
    """Messages about the link just opened (unknown preset, unreadable parameters)."""
    for kind, key, params in st.session_state.pop(keys.NOTICES, []):
        getattr(st, kind)(t(key, **params))


def write_url(tab: str) -> None:
    """Put the active tab's state into the address bar (only when it changed)."""
    out: dict[str, str] = {}
    if tab in MODEL_TABS:
        out = query.encode(tab, current_config(tab))
        preset = st.session_state.get(keys.PRESET)
        if preset in PRESETS and tab in PRESETS[preset].configs:
            out = {"preset": preset, **out}
        shown = st.session_state.get(keys.show(tab)) or {}
        if "run" in shown:
            out["run"] = str(shown["run"])
        elif "job" in shown:
            out["job"] = shown["job"]
    else:
        out = {"tab": tab}
        picked = st.session_state.get(keys.COMPARE_IDS) or []
        if picked:
            out["runs"] = ",".join(str(i) for i in picked)
    if out != st.session_state.get(keys.QUERY_WRITTEN):
        st.query_params.from_dict(out)
        st.session_state[keys.QUERY_WRITTEN] = out
        remember_address(out)


def is_own_address(params: dict[str, str]) -> bool:
    """Did this session apply or write `params` itself (not a link, a reload, a typed address)?"""
    if keys.TAB_ID not in st.session_state:
        return False
    return params == st.session_state.get(keys.QUERY_WRITTEN) or params in st.session_state.get(
        keys.QUERY_SEEN, []
    )


def remember_address(params: dict[str, str]) -> None:
    """Note `params` as an address this session applied or wrote itself (the newest MAX_SEEN), so
    the page can tell them from an address the user typed or a link opened in this tab."""
    seen = [p for p in st.session_state.get(keys.QUERY_SEEN, []) if p != params]
    st.session_state[keys.QUERY_SEEN] = [*seen, dict(params)][-MAX_SEEN:]
