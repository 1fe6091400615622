"""Browser cookies a screen keeps: read from the request (`read_cookie`); written by a small script,
since a Streamlit script cannot set response headers. A cookie page scripts may see (a Lab guest's
id) is set by `set_cookie_script`; one they must not see (the remembered sign-in, HttpOnly) is set
by a server route (web/session.py) that the browser calls through `post_script`.

Values are only ones we generated (URL-safe base64 or hex, checked by the reader's pattern), never
user text, so the script stays constant apart from them.
"""

from __future__ import annotations

import json
import re

import streamlit as st

_SET_COOKIE_JS = """<script>
(() => {{
  const doc = (window.parent && window.parent.document) || document;
  const secure = doc.location.protocol === 'https:' ? '; Secure' : '';
  doc.cookie = '{name}={value}; path=/; max-age={max_age}; SameSite=Strict' + secure;
}})();
</script>"""
# keepalive: the request still completes (and its Set-Cookie is stored) when the page is left or
# reloaded right after the run that drew this script.
_POST_JS = """<script>
(() => {{
  fetch({path}, {{
    method: 'POST', credentials: 'same-origin', keepalive: true, cache: 'no-store',
    headers: {{'Content-Type': 'application/json'}}, body: {body}
  }}).catch(() => {{}});
}})();
</script>"""
_SAFE_VALUE = re.compile(r"[A-Za-z0-9_\-]*")
_SAFE_PATH = re.compile(r"(/[A-Za-z0-9_\-]+)+")


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


def post_script(path: str, fields: dict[str, str] | None = None) -> str:
    """The script that POSTs `fields` as JSON to this site's route `path` (a cookie the server
    sets or clears there arrives with the answer); draw it with `send`."""
    fields = fields or {}
    if not _SAFE_PATH.fullmatch(path) or not all(
        _SAFE_VALUE.fullmatch(k) and _SAFE_VALUE.fullmatch(v) for k, v in fields.items()
    ):
        raise ValueError("routes and values are ones we generated: letters, digits, - and _")
    return _POST_JS.format(path=json.dumps(path), body=json.dumps(json.dumps(fields)))


def send(script: str | None, where=st) -> None:
    """Run a pending cookie script in the browser (an invisible element)."""
    if script:
        where.html(script, unsafe_allow_javascript=True)
