"""Model Lab: train tiny RNN / LSTM / GRU / Transformer models live, watch loss and attention,
compare runs and share them by link (guests too). The page imports torch through ui.lab."""

import streamlit as st

if "frame" not in st.session_state:
    # A shared link opened as the first request after the server started: Streamlit still runs
    # pages/ files as v1 pages until some script calls st.navigation, so app.py (frame, roles)
    # was skipped. Rerun through app.py, keeping the URL and its query.
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    st.rerun()

from ui.lab.page import render  # noqa: E402  (after the guard: no torch import for a bounced run)

render()
