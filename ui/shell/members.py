"""The leader's member editor: name / role / active with a stale-save check, password reset, and
the e-mail linked for signing in with the group's accounts."""

import streamlit as st

from core.accounts import members
from core.accounts.members import ROLES
from core.errors import StaleEdit
from ui.accounts.identity import identity_link
from ui.shell import keys
from ui.shell.actions import act
from ui.shell.i18n import show_error, t


def member_editor(ctx, rows) -> None:
    """Pick a member of `rows` and edit them (ctx: the page frame)."""
    st.subheader(t("members.edit"))
    by_id = {m.id: m for m in rows}
    picked = st.selectbox(
        t("members.pick"),
        list(by_id),
        key=keys.MEMBER_PICK,
        format_func=lambda i: f"{by_id[i].display_name} ({by_id[i].username})",
    )
    if picked is not None:
        chosen = by_id[picked]  # read this run: after someone else's save, it is their newer version
        # The version this edit starts from: a later save by someone else makes ours stale.
        base_key = keys.member_base(picked)
        st.session_state.setdefault(base_key, chosen.version)
        with st.form(f"edit_member_{picked}"):
            new_name = st.text_input(
                t("members.display_name"),
                value=chosen.display_name,
                max_chars=members.MAX_DISPLAY_NAME,
                key=keys.member_field(picked, "name"),
            )
            new_role = st.selectbox(
                t("members.role"),
                ROLES,
                index=ROLES.index(chosen.role),
                format_func=lambda r: t(f"role.{r}"),
                key=keys.member_field(picked, "role"),
            )
            new_active = st.checkbox(
                t("members.active"), value=chosen.active, key=keys.member_field(picked, "active")
            )
            save = st.form_submit_button(t("common.save"), type="primary")

        def refused(err) -> None:
            show_error(err)
            if isinstance(err, StaleEdit):
                st.info(
                    f"{chosen.display_name} · {t(f'role.{chosen.role}')} · "
                    f"{t('members.active')}: {t('common.yes') if chosen.active else t('common.no')}"
                )
                st.session_state[base_key] = chosen.version  # the next save starts from the newer one

        if save:
            act(
                ctx.db,
                lambda s: members.update_member(
                    session=s,
                    by=ctx.actor,
                    member_id=picked,
                    expected_version=st.session_state[base_key],
                    display_name=new_name,
                    role=new_role,
                    active=new_active,
                ),
                done="members.updated",
                forget=(base_key,),
                on_error=refused,
            )
        _reset_password(ctx, picked)
        identity_link(ctx, chosen)


def _reset_password(ctx, picked: int) -> None:
    """Set a member's password; that member is signed out everywhere (a leader resetting their
    own stays signed in in this browser)."""
    self_reset = ctx.actor is not None and picked == ctx.actor.id
    with st.form(f"reset_pw_{picked}", clear_on_submit=True):
        new_pw = st.text_input(t("members.new_password"), type="password", max_chars=members.MAX_PASSWORD)
        st.caption(t("account.reset.self_note" if self_reset else "account.reset.others_note"))
        reset = st.form_submit_button(t("members.reset_password"))
    if reset:

        def done(fresh) -> None:
            if self_reset:  # this browser's actor moves to the new sign-in epoch with it
                st.session_state[keys.ACTOR_KEY] = fresh
            st.success(t("members.password_reset_done"))

        act(
            ctx.db,
            lambda s: members.reset_password(
                session=s,
                by=ctx.actor,
                member_id=picked,
                new_password=new_pw,
                keep_token=st.session_state.get(keys.TOKEN_KEY),
            ),
            rerun=False,
            on_success=done,
        )
