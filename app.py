"""Router: page config, language, sign-in box, and st.navigation with the pages for this role."""

import streamlit as st

from ui.shell.frame import render_frame
from ui.shell.nav import FAVICON, open_page

# A local image: a ":material/...:" page icon makes the browser fetch the favicon from Google's font host.
st.set_page_config(page_icon=str(FAVICON), layout="wide")
ctx = render_frame()
open_page(ctx.actor, setup=ctx.setup).run()
