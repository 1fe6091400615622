"""Member page: who I am, and changing my own password."""

import streamlit as st

from ui.accounts.calendar import calendar_section
from ui.accounts.password import own_password_form
from ui.notify.prefs import notify_preferences
from ui.shell.frame import frame
from ui.shell.i18n import t

ctx = frame()
st.title(t("account.title"))
if ctx.actor is None:  # the page is listed for members only; a guest who lands here is told why
    st.info(t("account.guest"))
else:
    me = ctx.actor
    st.caption(t("account.who", name=me.display_name, username=me.username, role=t(f"role.{me.role}")))
    own_password_form(ctx)
    notify_preferences(ctx)
    calendar_section(ctx)
