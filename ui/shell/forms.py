"""Widgets a successful save must show empty: renew their keys.

Popping a widget's key from st.session_state empties only the server's copy: the browser keeps the
text it shows (and sends it back with the next rerun), so a saved form still looks filled in and a
second press saves it again. A widget drawn under a new key is a new widget, drawn empty. So a
create form draws its widgets under `fresh(key)`, and `act(..., renew=keys)` (or `renew(*keys)`)
moves them to the next generation once the write has committed.

    title = st.text_input(label, key=fresh(keys.NEW_WEEK_TITLE))
    act(ctx.db, write, done="cur.week.added", renew=(keys.NEW_WEEK_TITLE,))
"""

from __future__ import annotations

import streamlit as st


def generation(key: str) -> str:
    """The session key counting how many times `key` was renewed."""
    return f"{key}__gen"


def fresh(key: str) -> str:
    """The widget key to draw `key` under this run: `key`, then `key1`, `key2`... after each renew."""
    n = st.session_state.get(generation(key), 0)
    return f"{key}{n}" if n else key


def renew(*keys: str) -> None:
    """Draw the widgets under `keys` empty from the next run on."""
    for key in keys:
        st.session_state[generation(key)] = st.session_state.get(generation(key), 0) + 1
