"""A screen for AppTest: the Lab's "open a checkpoint" section of one model tab
(session "_teach_tab", default gru), as ui/lab/model_tab.py draws it."""

import streamlit as st

from ui.lab import checkpoint_in
from ui.shell.frame import frame

checkpoint_in.render(frame(), st.session_state.get("_teach_tab", "gru"), presenter=False)
