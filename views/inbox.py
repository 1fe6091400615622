"""Member page: my notifications (the sidebar's bell opens it); leaders also see failed deliveries."""

import streamlit as st

from ui.notify.inbox import inbox_section
from ui.notify.problems import delivery_problems
from ui.shell.frame import frame
from ui.shell.i18n import t

ctx = frame()
st.title(t("notify.inbox.title"))
if ctx.actor is None:  # the page is listed for members only; a guest who lands here is told why
    st.info(t("account.guest"))
else:
    inbox_section(ctx)
    if ctx.is_leader:
        delivery_problems(ctx)
