"""A member's calendar on the account page: the private feed address (made, renewed, revoked by
the member; shown only when made) and a direct .ics download."""

from __future__ import annotations

import streamlit as st

from core.curriculum import calendar as cal
from ui.accounts import keys
from ui.shell.actions import act
from ui.shell.i18n import t
from ui.shell.qr import page_url
from ui.shell.time import show, zone


def feed_url(token: str) -> str:
    """The feed's address on this server (absolute when the browser's address is known)."""
    return page_url(cal.FEED_PATH.format(token=token), {}).rstrip("?")


def calendar_section(ctx) -> None:
    """Feed address, renew / revoke, and the download."""
    st.subheader(t("cal.heading"))
    st.caption(t("cal.help"))
    with ctx.db.read() as s:
        state = cal.feed_state(session=s, by=ctx.actor)
    token = st.session_state.get(keys.CAL_TOKEN) if state.active else None
    if token:
        st.success(t("cal.created"))
        st.code(feed_url(token), language=None, wrap_lines=True)  # the code box has a copy button
        st.caption(t("cal.url"))
    elif state.active:
        st.caption(t("cal.active", when=show(state.created_at)))
    else:
        st.caption(t("cal.none"))
    c1, c2, c3 = st.columns(3)
    if c1.button(
        t("cal.renew") if state.active else t("cal.create"), key=keys.CAL_RENEW, icon=":material/link:"
    ):
        act(
            ctx.db,
            lambda s: cal.renew_feed(session=s, by=ctx.actor),
            on_success=lambda made: st.session_state.update({keys.CAL_TOKEN: made}),
        )
    if state.active and c2.button(t("cal.revoke"), key=keys.CAL_REVOKE, icon=":material/link_off:"):
        act(
            ctx.db,
            lambda s: cal.revoke_feed(session=s, by=ctx.actor),
            forget=(keys.CAL_TOKEN,),
            done="cal.revoked",
        )

    def _ics() -> bytes:  # made when the button is pressed, on Streamlit's own thread
        with ctx.db.read() as s:
            return cal.own_calendar(session=s, by=ctx.actor)

    c3.download_button(
        t("cal.download"),
        _ics,
        file_name=cal.feed_filename(ctx.actor),
        mime="text/calendar",
        key=keys.CAL_DOWNLOAD,
        on_click="ignore",
        icon=":material/download:",
    )
    st.caption(t("cal.zone", zone=zone().key))
