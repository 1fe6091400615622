"""Who is acting in the Lab: a member, or a guest's browser.

A guest gets a random id kept in a cookie of its own (`study_lab_guest`, readable on the next
request through `st.context.cookies`), so a reload still finds the runs it started and may stop
them. Not in the URL: a shared job link would hand the owner's id, and with it the Stop button, to
everyone who opens it. Cookie-less runs (AppTest, a browser refusing cookies) keep the id for the
browser session only. A guest may give a nickname that others see on their runs.
"""

from __future__ import annotations

import re

import streamlit as st

from core.lab.jobs.policy import Participant
from ui.lab import keys
from ui.shell.cookies import read_cookie, send, set_cookie_script
from ui.shell.frame import Frame

GUEST_COOKIE = "study_lab_guest"
GUEST_DAYS = 30
NICKNAME_MAX = 40
_ID = re.compile(r"^[0-9a-f]{32}$")


def _cookie() -> str | None:
    return read_cookie(GUEST_COOKIE, _ID)


def participant(ctx: Frame) -> Participant:
    """The acting participant: the signed-in member, or this browser's guest."""
    if ctx.actor is not None:
        return Participant(f"member:{ctx.actor.id}", ctx.actor.role, ctx.actor.display_name)
    gid = st.session_state.get(keys.GUEST_ID) or _cookie()
    if gid is None:
        import secrets

        gid = secrets.token_hex(16)
        st.session_state[keys.GUEST_COOKIE_JS] = set_cookie_script(GUEST_COOKIE, gid, GUEST_DAYS * 86400)
    st.session_state[keys.GUEST_ID] = gid
    nick = (st.session_state.get(keys.GUEST_NAME) or "").strip()[:NICKNAME_MAX]
    return Participant(f"guest:{gid}", "guest", nick or None)


def remember_guest() -> None:
    """Send a new guest id's cookie to the browser (an invisible element; once per new id)."""
    send(st.session_state.pop(keys.GUEST_COOKIE_JS, None))


def owner_name(owner: Participant | None, t) -> str:
    """How a run's owner is shown: the name, or "guest" / "게스트" (the server: "–")."""
    if owner is None:
        return "–"
    return owner.name or t("common.guest")
