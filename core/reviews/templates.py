"""The template store: leaders create, edit (each edit is a new version), duplicate, archive,
and import / export templates as JSON. Reviews keep the version they were written with."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts.members import Actor, require_leader
from core.errors import InvalidInput, NotFound
from core.reviews.template_schema import (
    SELECT_TYPES,
    FieldSpec,
    SchemaError,
    TemplateSchema,
    dump_fields,
    validate_fields,
)
from core.validate import Problems, check_version, decode_text_upload, load_json
from core.validate import text as check_text
from db.models.reviews import ReviewTemplate, TemplateVersion

EXPORT_FORMAT = "study-dashboard/review-template"
MAX_TEMPLATE_JSON = 200 * 1024
MAX_NAME = 100  # ReviewTemplate.name_ko / name_en String(100)
MAX_DESCRIPTION = 2000


def schema_of(version: TemplateVersion) -> TemplateSchema:
    """The validated schema of a stored version."""
    return TemplateSchema.model_validate({"fields": version.fields})


def template_name(template: ReviewTemplate, lang: str) -> str:
    """The template's name in `lang`."""
    return template.name_en if lang == "en" else template.name_ko


def list_templates(*, session: Session, include_archived: bool = False) -> list[ReviewTemplate]:
    """Templates by name; archived ones only when asked."""
    q = select(ReviewTemplate).order_by(ReviewTemplate.archived, ReviewTemplate.id)
    if not include_archived:
        q = q.where(ReviewTemplate.archived.is_(False))
    return list(session.scalars(q))


def get_template(*, session: Session, template_id: int) -> ReviewTemplate:
    """One template by id."""
    template = session.get(ReviewTemplate, template_id)
    if template is None:
        raise NotFound()
    return template


def get_version(*, session: Session, template_id: int, number: int | None = None) -> TemplateVersion:
    """A template's version `number` (the current one by default)."""
    template = get_template(session=session, template_id=template_id)
    number = number or template.current_version
    version = session.scalar(
        select(TemplateVersion).where(
            TemplateVersion.template_id == template_id, TemplateVersion.number == number
        )
    )
    if version is None:
        raise NotFound()
    return version


def _checked(name_ko: str, name_en: str, description_ko: str, description_en: str, fields: Any):
    """The names and the field list, checked together: every problem of the form at once."""
    found = Problems()
    names = {
        "name_ko": found.check(check_text, name_ko, "rev.tpl.name_ko", max_len=MAX_NAME),
        "name_en": found.check(check_text, name_en, "rev.tpl.name_en", max_len=MAX_NAME),
        "description_ko": found.check(
            check_text, description_ko, "rev.tpl.description_ko", max_len=MAX_DESCRIPTION, required=False
        ),
        "description_en": found.check(
            check_text, description_en, "rev.tpl.description_en", max_len=MAX_DESCRIPTION, required=False
        ),
    }
    schema = found.check(validate_fields, fields)
    if found:
        raise SchemaError(found.found)
    return names, schema


def create_template(
    *,
    session: Session,
    by: Actor | None,
    name_ko: str,
    name_en: str,
    fields: list,
    description_ko: str = "",
    description_en: str = "",
) -> ReviewTemplate:
    """A leader creates a template (version 1) from a field list."""
    by = require_leader(by)
    names, schema = _checked(name_ko, name_en, description_ko, description_en, fields)
    template = ReviewTemplate(**names, current_version=1, created_by_id=by.id)
    session.add(template)
    session.flush()
    session.add(
        TemplateVersion(template_id=template.id, number=1, fields=dump_fields(schema), created_by_id=by.id)
    )
    session.flush()
    return template


def update_template(
    *,
    session: Session,
    by: Actor | None,
    template_id: int,
    expected_version: int,
    name_ko: str,
    name_en: str,
    fields: list,
    description_ko: str = "",
    description_en: str = "",
) -> ReviewTemplate:
    """A leader edits a template: changed fields make a new version; old versions stay."""
    by = require_leader(by)
    template = get_template(session=session, template_id=template_id)
    check_version(template, expected_version)
    names, schema = _checked(name_ko, name_en, description_ko, description_en, fields)
    new_fields = dump_fields(schema)
    for k, v in names.items():
        setattr(template, k, v)
    current = get_version(session=session, template_id=template_id)
    if new_fields != current.fields:
        template.current_version = current.number + 1
        session.add(
            TemplateVersion(
                template_id=template.id,
                number=template.current_version,
                fields=new_fields,
                created_by_id=by.id,
            )
        )
    session.flush()
    return template


def duplicate_template(*, session: Session, by: Actor | None, template_id: int) -> ReviewTemplate:
    """A leader copies a template's current version into a new template."""
    require_leader(by)
    source = get_template(session=session, template_id=template_id)
    fields = get_version(session=session, template_id=template_id).fields
    return create_template(
        session=session,
        by=by,
        name_ko=f"{source.name_ko} (사본)"[:100],
        name_en=f"{source.name_en} (copy)"[:100],
        fields=fields,
        description_ko=source.description_ko,
        description_en=source.description_en,
    )


def set_archived(*, session: Session, by: Actor | None, template_id: int, archived: bool) -> ReviewTemplate:
    """A leader archives (hides from new reviews) or restores a template."""
    require_leader(by)
    template = get_template(session=session, template_id=template_id)
    template.archived = archived
    session.flush()
    return template


def export_json(*, session: Session, template_id: int) -> str:
    """The template's current version as a JSON document."""
    template = get_template(session=session, template_id=template_id)
    doc = {
        "format": EXPORT_FORMAT,
        "schema": 1,
        "name_ko": template.name_ko,
        "name_en": template.name_en,
        "description_ko": template.description_ko,
        "description_en": template.description_en,
        "fields": get_version(session=session, template_id=template_id).fields,
    }
    return json.dumps(doc, ensure_ascii=False, indent=2)


def import_json(*, session: Session, by: Actor | None, data: bytes) -> ReviewTemplate:
    """A leader imports a template exported by this app (size-limited, validated)."""
    require_leader(by)
    doc = load_json(decode_text_upload(data, max_bytes=MAX_TEMPLATE_JSON))
    if not isinstance(doc, dict) or doc.get("format") != EXPORT_FORMAT:
        raise InvalidInput("rev.error.json_format")
    return create_template(
        session=session,
        by=by,
        name_ko=str(doc.get("name_ko", "")),
        name_en=str(doc.get("name_en", "")),
        fields=doc.get("fields"),
        description_ko=str(doc.get("description_ko", "")),
        description_en=str(doc.get("description_en", "")),
    )


# --- the leader's field table (st.data_editor rows) <-> field dicts --------------------------

ROW_COLUMNS = (
    "key",
    "type",
    "label_ko",
    "label_en",
    "help_ko",
    "help_en",
    "required",
    "choices",
    "scale_min",
    "scale_max",
)


def format_choices(field: FieldSpec) -> str:
    """Options / labelled points as one line: 'value=한국어/English; ...'."""
    items = field.choices if field.type in SELECT_TYPES else field.points
    return "; ".join(f"{c.value}={c.label_ko}/{c.label_en}" for c in items)


def parse_choices(text: str) -> list[dict]:
    """'a=가/A; b=나/B' -> [{'value': 'a', 'label_ko': '가', 'label_en': 'A'}, ...]."""
    out = []
    for part in (text or "").split(";"):
        if not part.strip():
            continue
        value, _, labels = part.partition("=")
        ko, _, en = labels.partition("/")
        out.append({"value": value.strip(), "label_ko": ko.strip(), "label_en": (en or ko).strip()})
    return out


def fields_to_rows(fields: list) -> list[dict]:
    """Stored fields -> one flat row per field for the table editor."""
    rows = []
    for f in TemplateSchema.model_validate({"fields": fields}).fields:
        rows.append(
            {
                "key": f.key,
                "type": f.type,
                "label_ko": f.label_ko,
                "label_en": f.label_en,
                "help_ko": f.help_ko,
                "help_en": f.help_en,
                "required": f.required,
                "choices": format_choices(f),
                "scale_min": f.scale_min,
                "scale_max": f.scale_max,
            }
        )
    return rows


def _int_or(value, default: int):
    try:
        return int(value) if value is not None and str(value).strip() != "" else default
    except (TypeError, ValueError):
        return value  # let the schema name the field


def rows_to_fields(rows: list[dict]) -> list[dict]:
    """Table-editor rows -> field dicts (validated later by validate_fields); blank rows dropped."""
    fields = []
    for row in rows:
        if not any(str(row.get(c) or "").strip() for c in ("key", "label_ko", "label_en")):
            continue
        ftype = str(row.get("type") or "short_text")
        field = {c: (str(row.get(c) or "")) for c in ("key", "label_ko", "label_en", "help_ko", "help_en")}
        field.update(type=ftype, required=bool(row.get("required")))
        choices = parse_choices(str(row.get("choices") or ""))
        if ftype == "rating":
            field.update(
                scale_min=_int_or(row.get("scale_min"), 1), scale_max=_int_or(row.get("scale_max"), 5)
            )
            field["points"] = [{**c, "value": _int_or(c["value"], c["value"])} for c in choices]
        elif ftype in SELECT_TYPES or choices:
            field["choices"] = choices
        fields.append(field)
    return fields
