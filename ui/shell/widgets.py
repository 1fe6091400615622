"""Streamlit widgets with our own texts where Streamlit 1.67 would show its English ones.

Settable from Python, and set here once: the placeholder of a selectbox or multiselect ("Choose an
option", "Choose options") and the per-widget upload limit. Not settable (hard-coded in the
frontend bundle): the multiselect's "Select all" row (so `pick_many` turns it off), the uploader's
"Upload" button and its "200MB per file • MD" line, and the "Press Enter to apply" hints of text
inputs. `streamlit_texts_css` hides that line and those hints and relabels the button; `upload`
writes the real limit in our caption instead.

    pick_one(t("rev.find.paper"), ids, format_func=names.get, index=None)
    pick_many(t("rev.asg.members"), ids, format_func=names.get, where=col)
    upload(t("cur.import.file"), max_bytes=MAX_IMPORT_BYTES, types=["md", "txt"], key=keys.IMPORT_FILE)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import streamlit as st

from ui.shell.i18n import t

MB = 1024 * 1024  # what Streamlit calls a megabyte (server.maxUploadSize, max_upload_size)


def pick_one(label: str, options: Sequence[Any], *, where=st, **kwargs: Any) -> Any:
    """st.selectbox with a translated placeholder (a caller's own placeholder wins)."""
    kwargs.setdefault("placeholder", t("widget.pick_one"))
    return where.selectbox(label, options, **kwargs)


def pick_many(label: str, options: Sequence[Any], *, where=st, **kwargs: Any) -> list:
    """st.multiselect with a translated placeholder and without Streamlit's English "Select all"."""
    kwargs.setdefault("placeholder", t("widget.pick_many"))
    kwargs.setdefault("select_all", False)
    return where.multiselect(label, options, **kwargs)


def size_text(n_bytes: int) -> str:
    """A byte count as people read a limit: 200KB, 512KB, 4MB, 1.5MB (KB and MB of 1024)."""
    if n_bytes >= MB:
        value, unit = n_bytes / MB, "MB"
    else:
        value, unit = n_bytes / 1024, "KB"
    return f"{value:.1f}".rstrip("0").rstrip(".") + unit


def upload_limit_mb(max_bytes: int) -> int:
    """The whole megabytes Streamlit's uploader must let through for a `max_bytes` limit (at least 1)."""
    return max(1, math.ceil(max_bytes / MB))


def upload(label: str, *, max_bytes: int, types: Sequence[str], key: str, where=st, **kwargs: Any):
    """st.file_uploader that refuses files over `max_bytes` (rounded up to whole MB in the browser,
    exact in core) and says the real limit under it in the session's language."""
    uploaded = where.file_uploader(
        label, type=list(types), key=key, max_upload_size=upload_limit_mb(max_bytes), **kwargs
    )
    kinds = ", ".join(f".{ext}" for ext in types)
    size = size_text(max_bytes)
    where.caption(
        t("widget.upload.limit_types", size=size, types=kinds)
        if types
        else t("widget.upload.limit", size=size)
    )
    return uploaded


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def streamlit_texts_css() -> str:
    """The style sheet that hides or relabels Streamlit's English texts (frame draws it each run)."""
    return f"""<style>
/* "200MB per file • MD": the server-wide limit, not the widget's; `upload` writes the real one */
[data-testid="stFileUploaderDropzoneInstructions"] {{ display: none; }}
/* the uploader's "Upload" button */
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] > p {{ display: none; }}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]::after {{
  content: {_css_string(t("widget.upload.button"))};
}}
/* "Press Enter to apply" / "Press Enter to submit form" is always the first hint (none in a chat
   input or an enter_to_submit=False form: neither is used here); a character count ("10/64") may
   follow it and stays. In the narrow sidebar the hint covered the password. */
[data-testid="InputInstructions"] > span:first-child {{ display: none; }}
[data-testid="InputInstructions"] > span + span::before {{ content: none; }}
</style>"""
