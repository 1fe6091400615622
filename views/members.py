"""Leader page: add members, edit name / role / active, reset passwords."""

import pandas as pd
import streamlit as st

from core.accounts import members
from core.accounts.members import ROLES
from ui.shell.actions import act
from ui.shell.frame import frame
from ui.shell.i18n import t
from ui.shell.members import member_editor
from ui.shell.zone_setting import zone_setting

ctx = frame()
st.title(t("members.title"))

with ctx.db.read() as s:
    rows = members.list_members(session=s)

st.subheader(t("members.list"))
st.dataframe(
    pd.DataFrame(
        [
            {
                t("auth.username"): m.username,
                t("members.display_name"): m.display_name,
                t("members.role"): t(f"role.{m.role}"),
                t("members.active"): m.active,
                t("auth.password"): "✓" if m.password_hash else t("members.no_password"),
            }
            for m in rows
        ]
    ),
    hide_index=True,
    width="stretch",
)

with st.expander(t("members.add"), icon=":material/person_add:", expanded=False):
    with st.form("add_member", clear_on_submit=False):
        username = st.text_input(t("auth.username"), max_chars=members.MAX_USERNAME)
        display_name = st.text_input(t("members.display_name"), max_chars=members.MAX_DISPLAY_NAME)
        role = st.selectbox(t("members.role"), ROLES, index=1, format_func=lambda r: t(f"role.{r}"))
        password = st.text_input(t("auth.password"), type="password", max_chars=members.MAX_PASSWORD)
        add = st.form_submit_button(t("members.add"), type="primary")
    if add:
        act(
            ctx.db,
            lambda s: members.add_member(
                session=s,
                by=ctx.actor,
                username=username,
                display_name=display_name,
                password=password,
                role=role,
            ),
            done="members.added",
            params=lambda m: {"name": m.display_name},
        )

member_editor(ctx, rows)
zone_setting(ctx)
