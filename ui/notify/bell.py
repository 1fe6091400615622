"""The sidebar's bell: the signed-in member's unread count; pressing it opens the inbox."""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException

from core.accounts.members import Actor
from core.notify import inbox
from db.engine import Database
from ui.notify import keys
from ui.shell.i18n import t
from ui.shell.nav import page_spec

INBOX_PAGE = "inbox"


def open_inbox() -> None:
    """Go to the inbox page (where it is not registered, as in a one-page harness, stay)."""
    try:
        st.switch_page(page_spec(INBOX_PAGE).file)
    except (StreamlitAPIException, ValueError):
        pass


def notify_bell(database: Database, actor: Actor | None) -> None:
    """Draw the bell with the unread count under the sign-in box (members only)."""
    if actor is None:
        return
    with database.read() as s:
        unread = inbox.unread_count(session=s, by=actor)
    pressed = st.sidebar.button(
        t("notify.bell", count=unread),
        key=keys.BELL,
        icon=":material/notifications_active:" if unread else ":material/notifications:",
        help=t("notify.bell_help", count=unread),
        type="primary" if unread else "secondary",
        width="stretch",
    )
    if pressed:
        open_inbox()
