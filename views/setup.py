"""First run: create the first leader account (there is no default password), or restore."""

import streamlit as st

from core.accounts import members
from ui.shell.actions import act
from ui.shell.auth import sign_in_as
from ui.shell.frame import frame
from ui.shell.i18n import current_lang, t
from ui.shell.restore import restore_form

ctx = frame()
st.title(t("setup.title"))
st.write(t("setup.intro"))

with st.form("setup"):
    username = st.text_input(t("auth.username"), max_chars=members.MAX_USERNAME)
    display_name = st.text_input(t("members.display_name"), max_chars=members.MAX_DISPLAY_NAME)
    password = st.text_input(t("auth.password"), type="password", max_chars=members.MAX_PASSWORD)
    password2 = st.text_input(t("auth.password_again"), type="password", max_chars=members.MAX_PASSWORD)
    submitted = st.form_submit_button(t("setup.create"), type="primary")

if submitted:
    if password != password2:
        st.error(t("members.error.password_mismatch"))
    else:
        act(
            ctx.db,
            lambda s: members.create_first_leader(
                session=s,
                username=username,
                display_name=display_name,
                password=password,
                language=current_lang(),
            ),
            done="setup.done",
            on_success=lambda actor: sign_in_as(actor, ctx.db),
        )

st.divider()
restore_form(ctx.db)
