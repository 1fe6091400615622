"""The frame every page runs in: database, language switch, sign-in box, and navigation."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.accounts import members
from core.accounts.members import Actor
from core.i18n import LANGUAGES
from db.engine import Database
from ui.notify.bell import notify_bell
from ui.shell import auth
from ui.shell.db import get_db
from ui.shell.i18n import LANG_NAMES, current_lang, t
from ui.shell.keys import FRAME_KEY, LANG_KEY
from ui.shell.widgets import streamlit_texts_css


@dataclass(frozen=True)
class Frame:
    """What a page needs from the frame."""

    db: Database
    actor: Actor | None
    lang: str
    setup: bool

    @property
    def is_leader(self) -> bool:
        """Is someone signed in, and a leader?"""
        return self.actor is not None and self.actor.is_leader


def render_frame() -> Frame:
    """Draw the sidebar (language, sign-in) and return the context for the page."""
    database = get_db()
    auth.resume_from_cookie(database)
    auth.apply_pending_language()
    st.html(streamlit_texts_css())  # style only: takes no space on the page
    st.sidebar.title(t("app.title"))
    st.sidebar.radio(t("lang.label"), LANGUAGES, key=LANG_KEY, horizontal=True, format_func=LANG_NAMES.get)
    actor = auth.refresh(database)
    auth.remember_language(database)
    with database.read() as s:
        setup = members.needs_first_leader(session=s)
    if not setup:
        auth.sign_in_box(database)
        actor = auth.current_actor()
        notify_bell(database, actor)
    auth.flush_cookie_script()
    st.session_state[FRAME_KEY] = Frame(database, actor, current_lang(), setup)
    return st.session_state[FRAME_KEY]


def frame() -> Frame:
    """The frame drawn for this run (pages call this)."""
    return st.session_state[FRAME_KEY]
