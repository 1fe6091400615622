"""The script that saves a review field while the member types and before the page goes away
(ui/reviews/autosave.js says how)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui.reviews.keys import FIELD_PREFIX

COMMIT_DELAY_MS = 500  # quiet time after the last key before the field is sent to the server
_JS = (
    Path(__file__)
    .with_name("autosave.js")
    .read_text(encoding="utf-8")
    .replace("__PREFIX__", FIELD_PREFIX)
    .replace("__DELAY_MS__", str(COMMIT_DELAY_MS))
)


def install_autocommit() -> None:
    """Add the type-and-save script to the page (a constant, no user input in it; safe every run)."""
    st.html(f"<script>\n{_JS}</script>", unsafe_allow_javascript=True)
