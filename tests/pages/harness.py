"""AppTest harness: runs the app's frame, then one page (see STREAMLIT.md: a folder named
pages/ makes AppTest.switch_page skip the entrypoint's own code)."""

from pathlib import Path

import streamlit as st

from ui.frame import render_frame

ROOT = Path(__file__).resolve().parents[2]

ctx = render_frame()
st.navigation([st.Page(str(ROOT / st.session_state["_harness_page"]))]).run()
