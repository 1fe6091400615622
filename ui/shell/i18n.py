"""The page-side translation helper: `t("key", **params)` in the session's language."""

from __future__ import annotations

import streamlit as st

from core.errors import AppError
from core.i18n import DEFAULT_LANGUAGE, LANGUAGES, translate
from ui.shell.keys import LANG_KEY

LANG_NAMES = {"ko": "한국어", "en": "English"}


def current_lang() -> str:
    """'ko' or 'en' for this browser session (Korean by default)."""
    lang = st.session_state.get(LANG_KEY, DEFAULT_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, /, **params: object) -> str:
    """Translate `key` into the session's language."""
    return translate(key, current_lang(), **params)


def error_text(err: AppError) -> str:
    """An AppError's message in the session's language."""
    return err.message(current_lang())


def show_error(err: AppError, where=st) -> None:
    """Show an AppError as a translated error box."""
    where.error(error_text(err), icon=":material/error:")
