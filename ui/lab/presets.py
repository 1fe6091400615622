"""Seminar presets on the Lab page: the picker, opening a preset (a link's `?preset=` uses the same
`open_preset`), and the story box of the open preset with a link to the curriculum week that
teaches it. The presets themselves live in core/lab/presets.py."""

from __future__ import annotations

import streamlit as st

from core.lab.presets import PRESET_NAMES, PRESETS
from ui.lab import keys
from ui.lab.widgets import fmt, load_config
from ui.shell.frame import Frame
from ui.shell.i18n import current_lang, t
from ui.shell.links import page_link


def open_preset(name: str) -> str:
    """Load preset `name` into its tabs' widgets and remember it; returns the tab it opens."""
    preset = PRESETS[name]
    for tab, cfg in preset.configs.items():
        load_config(tab, cfg)
    st.session_state[keys.PRESET] = name
    st.session_state[keys.PE_OPEN] = preset.view == "pe"
    return preset.tab


def _picked() -> None:
    name = st.session_state.get(keys.PRESET_PICK)
    if name in PRESETS:
        st.session_state[keys.TAB_ID] = open_preset(name)


def _reset(name: str) -> None:
    st.session_state[keys.TAB_ID] = open_preset(name)  # a callback: runs before the widgets exist


def picker() -> None:
    """A select box of the seminar presets; picking one fills its tabs and opens the first."""
    # Show the preset a link, a room or an earlier pick opened (set before the widget is drawn).
    current = st.session_state.get(keys.PRESET)
    st.session_state[keys.PRESET_PICK] = current if current in PRESETS else None
    st.selectbox(
        t("lab.page.preset_pick"),
        PRESET_NAMES,
        index=None,
        key=keys.PRESET_PICK,
        format_func=fmt(PRESET_NAMES, lambda n: t(PRESETS[n].title_key)),
        placeholder=t("lab.page.preset_placeholder"),
        help=t("lab.page.preset_pick_help"),
        on_change=_picked,
    )


def _week_of(ctx: Frame, name: str):
    """The group's curriculum week that demonstrates preset `name` (the first active one), if any."""
    from core.curriculum.weeks import list_weeks

    with ctx.db.read() as s:
        return next((w for w in list_weeks(session=s) if w.lab_preset == name), None)


def story(ctx: Frame, tab: str) -> None:
    """The open preset's title, what to watch, and its curriculum week (on the tabs it fills)."""
    preset = PRESETS.get(st.session_state.get(keys.PRESET))
    if preset is None or tab not in preset.configs:
        return
    from ui.curriculum.widgets import week_label

    with st.container(border=True):
        st.markdown(f"**{t(preset.title_key)}**")
        st.markdown(t(preset.story_key))
        st.button(
            t("lab.page.preset_reset"),
            key=keys.PRESET_RESET,
            icon=":material/restart_alt:",
            help=t("lab.page.preset_reset_help"),
            on_click=_reset,
            args=(preset.name,),
        )
        week = _week_of(ctx, preset.name)
        if week is not None:
            page_link(
                "curriculum",
                t("lab.page.preset_week", week=week_label(week, current_lang())),
                query={"week": week.id},
            )
