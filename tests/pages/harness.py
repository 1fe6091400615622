"""AppTest harness: runs the app's frame, then one screen from views/ (AppTest.switch_page does
not run the entrypoint's own code, see STREAMLIT.md)."""

from pathlib import Path

import streamlit as st

from ui.shell.frame import render_frame

ROOT = Path(__file__).resolve().parents[2]

ctx = render_frame()
st.navigation([st.Page(str(ROOT / st.session_state["_harness_page"]))]).run()
