"""Browser cookies a screen keeps (the remembered sign-in, a Lab guest's id): read from the
request, written by a small script, since a Streamlit script cannot set response headers.

Values are only ones we generated (URL-safe base64 or hex, checked by the reader's pattern), never
user text, so the script stays constant apart from them.
"""

from __future__ import annotations

import re

import streamlit as st

_SET_COOKIE_JS = """<script>
(() => {{
  const doc = (window.parent && window.parent.document) || document;
  const secure = doc.location.protocol === 'https:' ? '; Secure' : '';
  doc.cookie = '{name}={value}; path=/; max-age={max_age}; SameSite=Strict' + secure;
}})();
</script>"""
_SAFE_VALUE = re.compile(r"[A-Za-z0-9_\-]*")


def read_cookie(name: str, pattern: re.Pattern[str] | None = None) -> str | None:
    """The cookie `name` of this browser's request (None without one, or when it fails `pattern`)."""
    try:
        value = st.context.cookies.get(name)
    except Exception:  # noqa: BLE001  no browser request (AppTest, bare mode)
        return None
    if not isinstance(value, str) or (pattern is not None and not pattern.fullmatch(value)):
        return None
    return value


def set_cookie_script(name: str, value: str, max_age: int) -> str:
    """The script that stores (or, with max_age 0, clears) a cookie; draw it with `send`."""
    if not _SAFE_VALUE.fullmatch(value) or not _SAFE_VALUE.fullmatch(name):
        raise ValueError("cookie names and values are ones we generated: letters, digits, - and _")
    return _SET_COOKIE_JS.format(name=name, value=value, max_age=int(max_age))


def send(script: str | None, where=st) -> None:
    """Run a pending cookie script in the browser (an invisible element)."""
    if script:
        where.html(script, unsafe_allow_javascript=True)
