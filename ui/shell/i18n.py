"""The page-side translation helper: `t("key", **params)` in the session's language."""

from __future__ import annotations

import streamlit as st

from core.errors import AppError, InvalidFields
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


_MD_SPECIALS = str.maketrans({c: "\\" + c for c in "\\`*_[]<>$~|#"})


def error_text(err: AppError) -> str:
    """An AppError's message in the session's language; several problems (InvalidFields) as a
    heading and a Markdown list, one line per problem (its text escaped: labels and values may come
    from users)."""
    lang = current_lang()
    if isinstance(err, InvalidFields):
        items = "\n".join(f"- {line.translate(_MD_SPECIALS)}" for line in err.lines(lang))
        return f"{err.heading(lang)}\n\n{items}"
    return err.message(lang)


def show_error(err: AppError, where=st) -> None:
    """Show an AppError as a translated error box (every problem of a form at once)."""
    where.error(error_text(err), icon=":material/error:")
