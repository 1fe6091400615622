"""A member changes their own password (the old one proves it is them)."""

from __future__ import annotations

import streamlit as st

from core.accounts import members, signin
from core.errors import InvalidInput
from ui.accounts import keys
from ui.accounts.client import client_id
from ui.shell.actions import act
from ui.shell.forms import fresh
from ui.shell.i18n import show_error, t
from ui.shell.keys import ACTOR_KEY, TOKEN_KEY


def own_password_form(ctx) -> None:
    """Current password, new password twice; on success this browser stays signed in."""
    st.subheader(t("account.password.heading"))
    st.caption(t("account.password.help"))
    with st.form(keys.OWN_PASSWORD_FORM):
        old = st.text_input(
            t("account.password.current"),
            type="password",
            max_chars=members.MAX_PASSWORD,
            key=fresh(keys.OLD_PASSWORD),
        )
        new = st.text_input(
            t("account.password.new"),
            type="password",
            max_chars=members.MAX_PASSWORD,
            key=fresh(keys.NEW_PASSWORD),
        )
        again = st.text_input(
            t("account.password.again"),
            type="password",
            max_chars=members.MAX_PASSWORD,
            key=fresh(keys.NEW_PASSWORD_AGAIN),
        )
        submitted = st.form_submit_button(t("account.password.submit"), type="primary")
    if not submitted:
        return
    if new != again:
        show_error(InvalidInput("members.error.password_mismatch"))
        return
    if new == old:
        show_error(InvalidInput("account.password.same"))
        return
    act(
        ctx.db,
        # the session act opens stays unused: the change runs its own short transactions, with
        # the slow hashes between them (core/accounts/signin.py)
        lambda _unused: signin.change_own_password(
            db=ctx.db,
            by=ctx.actor,
            old_password=old,
            new_password=new,
            client=client_id(),
            keep_token=st.session_state.get(TOKEN_KEY),
        ),
        done="account.password.done",
        renew=keys.PASSWORD_FIELDS,  # drawn empty after the change
        on_success=lambda fresh: st.session_state.update({ACTOR_KEY: fresh}),
    )
