"""Search across weeks, notes, Q&A, reviews and retrospectives; each hit opens its page.
Guests search what they may read; who sees which review or retrospective is decided in core."""

import streamlit as st

from ui.search.page import search_section
from ui.shell.frame import frame
from ui.shell.i18n import t

ctx = frame()
st.title(t("search.title"))
st.caption(t("search.intro"))
search_section(ctx)
