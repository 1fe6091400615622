"""Review answers against a template version: cleaning while drafting, full checks on submit
(every problem at once), and plain-text / Markdown forms for search, diffs and export."""

from __future__ import annotations

import difflib
import unicodedata
from typing import Any

from core.errors import FieldError, InvalidFields, InvalidInput
from core.i18n import translate
from core.reviews.template_schema import FieldSpec, TemplateSchema
from core.validate import MAX_URL
from core.validate import url as check_url

MAX_SHORT = 300
MAX_LONG = 30_000
MAX_TAGS = 20
MAX_TAG_LEN = 40
MAX_TAGS_TEXT = MAX_TAGS * (MAX_TAG_LEN + 2)  # the tags as typed: every tag at full length, ", " apart


class ReviewIncomplete(InvalidFields):
    """Submit refused: every missing or invalid answer, each naming its field by its label."""

    key = "rev.error.incomplete"


def _problem(field: FieldSpec, reason_key: str) -> FieldError:
    return FieldError({"ko": field.label("ko"), "en": field.label("en")}, reason_key)


def _tags(value: Any) -> list[str]:
    if isinstance(value, str):
        items = value[:MAX_TAGS_TEXT].split(",")
    else:
        items = value if isinstance(value, list) else []
    out: list[str] = []
    for item in items:
        if len(out) == MAX_TAGS:
            break
        tag = " ".join(str(item).strip().lstrip("#").split())[:MAX_TAG_LEN]
        if tag and tag.casefold() not in {t.casefold() for t in out}:
            out.append(tag)
    return out[:MAX_TAGS]


def clean_value(field: FieldSpec, value: Any) -> Any:
    """Coerce one answer to its field's type, dropping what cannot belong (never raises)."""
    t = field.type
    if t in ("short_text", "long_text", "url"):
        limit = MAX_SHORT if t == "short_text" else (MAX_LONG if t == "long_text" else MAX_URL)
        return (value if isinstance(value, str) else "")[:limit]
    if t == "rating":
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            return None
        try:
            n = int(value)
        except (TypeError, ValueError, OverflowError):  # "x", inf
            return None
        return n if field.scale_min <= n <= field.scale_max else None
    if t == "single_select":
        return value if isinstance(value, str) and value in {c.value for c in field.choices} else None
    if t == "multi_select":
        allowed = [c.value for c in field.choices]
        picked = {v for v in value if isinstance(v, str)} if isinstance(value, list) else set()
        return [v for v in allowed if v in picked]
    if t == "checkbox":
        return bool(value)
    return _tags(value)  # tags


def clean(schema: TemplateSchema, raw: dict | None) -> dict:
    """Keep only this template's fields, each coerced to its type (for autosaved drafts)."""
    raw = raw or {}
    return {f.key: clean_value(f, raw.get(f.key)) for f in schema.fields}


def is_empty(field: FieldSpec, value: Any) -> bool:
    """No answer given (an unchecked checkbox counts as empty)."""
    if field.type in ("short_text", "long_text", "url"):
        return not (value or "").strip()
    if field.type in ("multi_select", "tags"):
        return not value
    if field.type == "checkbox":
        return not value
    return value is None


def check_complete(schema: TemplateSchema, answers: dict) -> dict:
    """Validate for submit; raise ReviewIncomplete listing every problem (nothing is cleared)."""
    answers = clean(schema, answers)
    problems = []
    for f in schema.fields:
        value = answers.get(f.key)
        if f.required and is_empty(f, value):
            problems.append(_problem(f, "common.error.required"))
        elif f.type == "url" and value:
            try:
                answers[f.key] = check_url(value, f.key)
            except InvalidInput:
                problems.append(_problem(f, "common.error.bad_url"))
    if problems:
        raise ReviewIncomplete(problems)
    return answers


def display_value(field: FieldSpec, value: Any, lang: str) -> str:
    """An answer as plain text in `lang` (labels for choices and rating points)."""
    if is_empty(field, value) and field.type != "checkbox":
        return ""
    if field.type == "rating":
        label = field.point_label(value, lang)
        return f"{value} / {field.scale_max}" + (f" — {label}" if label else "")
    if field.type == "single_select":
        return field.choice_label(value, lang)
    if field.type == "multi_select":
        return ", ".join(field.choice_label(v, lang) for v in value)
    if field.type == "checkbox":
        return translate("common.yes" if value else "common.no", lang)
    if field.type == "tags":
        return ", ".join(f"#{t}" for t in value)
    return str(value)


def search_text(schema: TemplateSchema, answers: dict) -> str:
    """Every answer in both languages, case-folded, for substring search (Korean or English)."""
    parts = []
    for f in schema.fields:
        value = answers.get(f.key)
        if f.type == "checkbox" or is_empty(f, value):
            continue
        for lang in ("ko", "en"):
            parts.append(display_value(f, value, lang))
            if f.type not in ("single_select", "multi_select", "rating"):
                break
    return unicodedata.normalize("NFKC", "\n".join(parts)).casefold()


def to_markdown(schema: TemplateSchema, answers: dict, lang: str, level: int = 3) -> str:
    """The answers as Markdown: one heading per field."""
    out = []
    hashes = "#" * level
    for f in schema.fields:
        value = display_value(f, answers.get(f.key), lang)
        out.append(f"{hashes} {f.label(lang)}\n\n{value or '—'}\n")
    return "\n".join(out)


def diff(schema: TemplateSchema, old: dict, new: dict, lang: str, names: tuple[str, str]) -> str:
    """A unified diff (difflib) between two answer sets, as plain text."""
    a = to_markdown(schema, old, lang).splitlines()
    b = to_markdown(schema, new, lang).splitlines()
    return "\n".join(difflib.unified_diff(a, b, fromfile=names[0], tofile=names[1], lineterm=""))
