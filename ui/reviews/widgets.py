"""Streamlit glue for paper reviews: template-driven form widgets, answer rendering, status
labels and the problems box (the type-and-save script is ui/reviews/autosave.py)."""

from __future__ import annotations

import streamlit as st

from core.reviews import answers as ans
from core.reviews.template_schema import FieldSpec, TemplateSchema
from core.validate import MAX_URL
from ui.reviews.keys import answer_field
from ui.shell.i18n import current_lang, show_error, t
from ui.shell.markdown import markdown_editor, user_markdown
from ui.shell.widgets import pick_many

STATUS_ICONS = {"draft": "✏️", "submitted": "📨", "returned": "↩️", "resubmitted": "🔁", "approved": "✅"}


def widget_key(prefix: str, field: FieldSpec) -> str:
    """Session-state key of one field's widget."""
    return answer_field(prefix, field.key)


def _widget_value(field: FieldSpec, value):
    if field.type == "tags":
        return ", ".join(value or [])
    if field.type in ("short_text", "long_text", "url"):
        return value or ""
    if field.type == "multi_select":
        return list(value or [])
    if field.type == "checkbox":
        return bool(value)
    return value


def load_values(schema: TemplateSchema, prefix: str, answers: dict) -> None:
    """Put answers into the widgets' session state (restoring a draft)."""
    for f in schema.fields:
        st.session_state[widget_key(prefix, f)] = _widget_value(f, answers.get(f.key))


def read_values(schema: TemplateSchema, prefix: str) -> dict:
    """The answers currently in the widgets, cleaned to the template's types."""
    raw = {f.key: st.session_state.get(widget_key(prefix, f)) for f in schema.fields}
    return ans.clean(schema, raw)


def field_widget(field: FieldSpec, prefix: str, *, on_change=None, args=(), disabled: bool = False) -> None:
    """One input widget for a template field (label, help and required mark in the UI language)."""
    lang = current_lang()
    key = widget_key(prefix, field)
    label = field.label(lang) + (" *" if field.required else "")
    common = {
        "key": key,
        "help": field.help(lang) or None,
        "on_change": on_change,
        "args": args,
        "disabled": disabled,
    }
    if field.type == "short_text":
        st.text_input(label, max_chars=ans.MAX_SHORT, **common)
    elif field.type == "url":
        st.text_input(label, max_chars=MAX_URL, placeholder="https://", **common)
    elif field.type == "long_text":
        markdown_editor(label, max_chars=ans.MAX_LONG, height=140, **common)
    elif field.type == "tags":
        st.text_input(label, max_chars=ans.MAX_TAGS_TEXT, placeholder=t("rev.form.tags_hint"), **common)
    elif field.type == "rating":
        points = list(range(field.scale_min, field.scale_max + 1))
        st.radio(
            label,
            points,
            index=None,
            horizontal=True,
            format_func=lambda v: (
                f"{v} · {field.point_label(v, lang)}" if field.point_label(v, lang) else str(v)
            ),
            **common,
        )
    elif field.type == "single_select":
        st.selectbox(
            label,
            [c.value for c in field.choices],
            index=None,
            format_func=lambda v: field.choice_label(v, lang),
            placeholder=t("rev.form.pick"),
            **common,
        )
    elif field.type == "multi_select":
        pick_many(
            label,
            [c.value for c in field.choices],
            format_func=lambda v: field.choice_label(v, lang),
            placeholder=t("rev.form.pick"),
            **common,
        )
    elif field.type == "checkbox":
        st.checkbox(label, **common)


def render_answers(schema: TemplateSchema, answers: dict) -> None:
    """Show answers under their labels; Markdown and LaTeX render, raw HTML never does."""
    lang = current_lang()
    for f in schema.fields:
        value = answers.get(f.key)
        st.markdown(f"**{f.label(lang)}**")
        if f.type == "long_text" and value:
            user_markdown(value)  # typed line breaks kept, outside images click-to-load, no raw HTML
        else:
            text = ans.display_value(f, value, lang)
            st.text(text or "—")


def status_label(status: str) -> str:
    """Icon + translated review status."""
    return f"{STATUS_ICONS.get(status, '')} {t(f'rev.status.{status}')}"


def problems_box(err) -> None:
    """Every problem of a refused submit / template, as one error with a bullet each."""
    lines = err.lines(current_lang()) if hasattr(err, "lines") else []
    if not lines:
        show_error(err)
        return
    head = (
        t("rev.error.incomplete", count=len(lines))
        if err.key == "rev.error.incomplete"
        else t("rev.error.schema", count=len(lines))
    )
    st.error(head + "\n\n" + "\n".join(f"- {line}" for line in lines), icon=":material/error:")
