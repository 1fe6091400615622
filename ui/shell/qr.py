"""A page's address on this server with a query string, and a QR code of it, for links people
open on their phones off a projector (a Lab room's join link, a seminar's check-in link)."""

from __future__ import annotations

import io
from urllib.parse import urlencode, urlsplit

import streamlit as st

from ui.shell.nav import PAGES, SETUP_PAGE


def page_url(page: str, query: dict[str, str]) -> str:
    """This server's page `page` (a url_path) with `query`: absolute when the browser's address is
    known, else relative. Whatever page the browser is on now, the link points at `page`."""
    try:
        here = urlsplit(st.context.url or "")
    except Exception:  # noqa: BLE001  no browser request (AppTest)
        here = urlsplit("")
    base = here.path.rstrip("/")
    last = base.rsplit("/", 1)[-1]
    # Streamlit serves every page at /<url_path> under the app's root; drop the current page's part.
    if last in {spec.url_path for spec in (*PAGES, SETUP_PAGE)}:
        base = base[: -len(last)].rstrip("/")
    tail = f"{base}/{page}?{urlencode(query)}"
    if not here.scheme or not here.netloc:
        return tail
    return f"{here.scheme}://{here.netloc}{tail}"


@st.cache_data(show_spinner=False, max_entries=64)
def qr_png(text: str) -> bytes:
    """A QR code of `text` as PNG bytes (segno, pure Python)."""
    import segno

    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=10, border=2)
    return buf.getvalue()
