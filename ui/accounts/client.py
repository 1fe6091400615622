"""Where a sign-in try comes from, for the throttle (core/accounts/throttle.py): the browser's IP
address. Not a session id: a new browser session is free to open, so it would reset every limit.
Behind a reverse proxy every browser shows the proxy's address; on localhost there is none, and
all tries share throttle.NO_CLIENT."""

from __future__ import annotations

import streamlit as st

from core.accounts.throttle import NO_CLIENT


def client_id() -> str:
    """The IP address of this browser's connection, or NO_CLIENT where Streamlit has none."""
    try:
        ip = st.context.ip_address
    except Exception:  # noqa: BLE001  no browser connection (AppTest, bare mode)
        ip = None
    return ip if isinstance(ip, str) and ip else NO_CLIENT  # AppTest's context is a mock
