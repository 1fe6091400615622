"""The one way a screen shows Markdown a member wrote (goals, answers, comments, notes, Q&A), and the
one editor for it: a text box with a preview of exactly what will be saved."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.elements.lib.form_utils import current_form_id

from core.markdown import prepare_user_markdown
from ui.shell.i18n import t


def _image_label(alt: str, host: str) -> str:
    host = host or "?"
    return t("md.external_image", alt=alt, host=host) if alt else t("md.external_image_no_alt", host=host)


def user_markdown(text: str | None, where=st) -> None:
    """Render a member's Markdown in `where` (st or a container): their line breaks kept, external
    images as click-to-open links, script / data links dropped, raw HTML never rendered."""
    where.markdown(prepare_user_markdown(text or "", _image_label))


def preview_key(key: str) -> str:
    """The preview switch of the editor `key`. It never begins with the editor's own key: the review
    type-and-save script (ui/reviews/autosave.js) treats every input under "st-key-revf_..." as a field."""
    return f"mdpreview_{key}"


def _form_of(where) -> str:
    """The id of the st.form `where` draws into, "" outside one. Streamlit has no public test for
    this; tests/pages/test_markdown_editor.py covers both answers, so a change here fails there first."""
    return current_form_id(where if isinstance(where, DeltaGenerator) else st._main)


def markdown_editor(
    label: str, *, key: str, max_chars: int, height: int | None = None, where=st, **kwargs
) -> str:
    """A Markdown + LaTeX text box (`st.text_area`, same key and arguments) with a preview under it
    rendered by user_markdown, i.e. what the saved text will look like. Outside a form a "Preview"
    switch shows it, refreshed on every rerun (a text box sends its text on leaving it or Ctrl+Enter).
    Inside a form nothing reaches the server before a submit, so a "Preview" submit button (the
    form's first, so Ctrl+Enter in the box previews rather than saves) turns on the previews of the
    whole form and every submit refreshes them. Returns the text."""
    text = where.text_area(label, key=key, max_chars=max_chars, height=height, **kwargs)
    form = _form_of(where)
    if form:
        # One switch per form: Ctrl+Enter in any of its boxes presses its first submit button, which
        # may be another editor's Preview, so every preview of the form opens together.
        shown_key = f"mdpreview_on_{form}"
        if where.form_submit_button(
            t("md.preview"),
            key=preview_key(key),
            help=t("md.preview_form_help"),
            icon=":material/visibility:",
        ) and not st.session_state.get(shown_key):
            st.session_state[shown_key] = True
            st.rerun()  # the form's editors drawn above this one show theirs too
        shown = st.session_state.get(shown_key, False)
    else:
        shown = where.toggle(t("md.preview"), key=preview_key(key), help=t("md.preview_help"))
    if shown:
        box = where.container(border=True, key=f"{preview_key(key)}_box")
        box.caption(t("md.preview_caption"))
        if (text or "").strip():
            user_markdown(text, where=box)
        else:
            box.caption(t("md.preview_empty"))
    return text
