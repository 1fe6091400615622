"""The members page's section where a leader links or unlinks the e-mail a member signs in with
through the group's accounts (core/accounts/identities.py; the provider setup: ui/accounts/oidc.py)."""

from __future__ import annotations

import streamlit as st

from core.accounts import identities
from ui.accounts import oidc
from ui.accounts.keys import identity_email
from ui.shell.actions import act
from ui.shell.i18n import t
from ui.shell.keys import member_base


def identity_link(ctx, member) -> None:
    """Link form and unlink button for one member row (ctx: the page frame)."""
    st.markdown(f"**{t('identity.heading')}**")
    st.caption(t("identity.help"))
    if not oidc.enabled():
        st.caption(t("identity.off"))
    st.write(t("identity.linked", email=member.email) if member.email else t("identity.not_linked"))
    # A link changes the member's row version: the editor above starts again from the new one.
    forget = (member_base(member.id),)
    with st.form(f"identity_{member.id}", clear_on_submit=False):
        email = st.text_input(
            t("identity.email"),
            value=member.email or "",
            max_chars=identities.MAX_EMAIL,
            key=identity_email(member.id),
            placeholder="name@example.org",
        )
        link = st.form_submit_button(t("identity.link"), icon=":material/link:")
    if link:
        act(
            ctx.db,
            lambda s: identities.link_identity(session=s, by=ctx.actor, member_id=member.id, email=email),
            done="identity.linked_done",
            forget=forget,
        )
    if member.email and st.button(
        t("identity.unlink"), key=f"identity_unlink_{member.id}", icon=":material/link_off:"
    ):
        act(
            ctx.db,
            lambda s: identities.unlink_identity(session=s, by=ctx.actor, member_id=member.id),
            done="identity.unlinked_done",
            forget=(*forget, identity_email(member.id)),
        )
