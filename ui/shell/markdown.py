"""The one way a screen shows Markdown a member wrote (goals, answers, comments, notes, Q&A)."""

from __future__ import annotations

import streamlit as st

from core.markdown import prepare_user_markdown
from ui.shell.i18n import t


def _image_label(alt: str, host: str) -> str:
    host = host or "?"
    return t("md.external_image", alt=alt, host=host) if alt else t("md.external_image_no_alt", host=host)


def user_markdown(text: str | None, where=st) -> None:
    """Render a member's Markdown in `where` (st or a container): their line breaks kept, external
    images as click-to-open links, script / data links dropped, raw HTML never rendered."""
    where.markdown(prepare_user_markdown(text or "", _image_label))
