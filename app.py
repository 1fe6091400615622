"""Router: page config, language, sign-in box, and st.navigation with the pages for this role."""

import streamlit as st

from ui.shell.frame import render_frame
from ui.shell.nav import navigation

st.set_page_config(page_title="스터디 대시보드", page_icon=":material/school:", layout="wide")
ctx = render_frame()
navigation(ctx.actor, setup=ctx.setup).run()
