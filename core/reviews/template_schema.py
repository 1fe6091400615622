"""The field schema of review templates (pydantic), and its errors as messages that name the
field in the reader's language (never pydantic's English)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from core.errors import FieldError, InvalidFields
from core.i18n import translate

FIELD_TYPES = (
    "short_text",
    "long_text",
    "rating",
    "single_select",
    "multi_select",
    "checkbox",
    "url",
    "tags",
)
SELECT_TYPES = ("single_select", "multi_select")
MAX_FIELDS = 60
KEY_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"


def _err(i18n_key: str, **params: Any) -> PydanticCustomError:
    # type "rev" + an i18n key in ctx: SchemaError translates it; pydantic's own errors keep
    # their English text (they only happen for hand-written JSON).
    return PydanticCustomError("rev", i18n_key, {"i18n": i18n_key, **params})


class Choice(BaseModel):
    """One option of a select field."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    value: str = Field(min_length=1, max_length=50)
    label_ko: str = Field(min_length=1, max_length=100)
    label_en: str = Field(min_length=1, max_length=100)


class Point(BaseModel):
    """A labelled point of a rating scale ("4 = accept")."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    value: int
    label_ko: str = Field(min_length=1, max_length=100)
    label_en: str = Field(min_length=1, max_length=100)


class FieldSpec(BaseModel):
    """One typed field of a template."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    key: str = Field(pattern=KEY_PATTERN)
    type: Literal[
        "short_text", "long_text", "rating", "single_select", "multi_select", "checkbox", "url", "tags"
    ]
    label_ko: str = Field(min_length=1, max_length=120)
    label_en: str = Field(min_length=1, max_length=120)
    help_ko: str = Field(default="", max_length=1000)
    help_en: str = Field(default="", max_length=1000)
    required: bool = False
    choices: list[Choice] = Field(default_factory=list, max_length=30)
    scale_min: int = 1
    scale_max: int = 5
    points: list[Point] = Field(default_factory=list, max_length=21)

    @field_validator("key", mode="before")
    @classmethod
    def _key_lower(cls, v: Any) -> Any:
        return v.strip() if isinstance(v, str) else v

    @model_validator(mode="after")
    def _by_type(self) -> FieldSpec:
        if self.type in SELECT_TYPES:
            if len(self.choices) < 2:
                raise _err("rev.schema.choices_needed")
            values = [c.value for c in self.choices]
            if len(set(values)) != len(values):
                raise _err("rev.schema.choices_unique")
        elif self.choices:
            raise _err("rev.schema.choices_only_select")
        if self.type == "rating":
            if not (-10 <= self.scale_min < self.scale_max <= 100 and self.scale_max - self.scale_min <= 20):
                raise _err("rev.schema.scale", min=self.scale_min, max=self.scale_max)
            values = [p.value for p in self.points]
            if len(set(values)) != len(values) or any(
                not self.scale_min <= v <= self.scale_max for v in values
            ):
                raise _err("rev.schema.points", min=self.scale_min, max=self.scale_max)
        elif self.points:
            raise _err("rev.schema.points_only_rating")
        return self

    def label(self, lang: str) -> str:
        """The label in `lang`."""
        return self.label_en if lang == "en" else self.label_ko

    def help(self, lang: str) -> str:
        """The help text in `lang`."""
        return self.help_en if lang == "en" else self.help_ko

    def choice_label(self, value: str, lang: str) -> str:
        """The label of a select option (the raw value if the option is gone)."""
        for c in self.choices:
            if c.value == value:
                return c.label_en if lang == "en" else c.label_ko
        return str(value)

    def point_label(self, value: int, lang: str) -> str:
        """The label of a rating point, or '' if unlabelled."""
        for p in self.points:
            if p.value == value:
                return p.label_en if lang == "en" else p.label_ko
        return ""


class TemplateSchema(BaseModel):
    """A template's field list: 1-60 fields with unique keys."""

    model_config = ConfigDict(extra="forbid")
    fields: list[FieldSpec] = Field(min_length=1, max_length=MAX_FIELDS)

    @model_validator(mode="after")
    def _unique_keys(self) -> TemplateSchema:
        seen: set[str] = set()
        for f in self.fields:
            if f.key in seen:
                raise _err("rev.schema.key_duplicate", key=f.key)
            seen.add(f.key)
        return self


class SchemaError(InvalidFields):
    """Template fields that do not validate: every problem, each naming its field (its position,
    its key, and the column of the leader's table it is in)."""

    key = "rev.error.schema"


# pydantic's error types -> our reasons; one not listed reads "This value is not valid."
_PYDANTIC_KEYS = {
    "missing": "common.error.required",
    "string_too_short": "common.error.required",
    "string_too_long": "common.error.too_long",
    "literal_error": "rev.schema.bad_type",
    "string_pattern_mismatch": "rev.schema.key_pattern",
    "extra_forbidden": "rev.schema.unknown_attr",
    "too_short": "rev.schema.no_fields",
    "too_long": "validation.too_many",
    "string_type": "validation.text",
    "int_type": "validation.whole_number",
    "int_parsing": "validation.whole_number",
    "int_from_float": "validation.whole_number",
    "bool_type": "validation.yes_no",
    "bool_parsing": "validation.yes_no",
    "list_type": "validation.list",
    "model_type": "validation.object",
    "model_attributes_type": "validation.object",
    "dict_type": "validation.object",
}
# A field attribute -> the label key of its column in the leader's table (ui/reviews/templates.py).
COLUMN_LABELS = {
    "key": "rev.tpl.col_key",
    "type": "rev.tpl.col_type",
    "label_ko": "rev.tpl.col_label_ko",
    "label_en": "rev.tpl.col_label_en",
    "help_ko": "rev.tpl.col_help_ko",
    "help_en": "rev.tpl.col_help_en",
    "required": "rev.tpl.col_required",
    "choices": "rev.tpl.col_choices",
    "points": "rev.tpl.col_choices",
    "scale_min": "rev.tpl.col_min",
    "scale_max": "rev.tpl.col_max",
    "value": "rev.tpl.choice_value",
}


def _where(loc: tuple, raw: Any, lang: str) -> str:
    # ("fields", 2, "choices", 0, "label_en") -> "#3 strengths · Options / point labels [1] · Label (English)"
    if len(loc) >= 2 and loc[0] == "fields" and isinstance(loc[1], int):
        idx = loc[1]
        key = ""
        if isinstance(raw, dict) and isinstance(raw.get("fields"), list) and idx < len(raw["fields"]):
            item = raw["fields"][idx]
            key = str(item.get("key", ""))[:40] if isinstance(item, dict) else ""
        parts = [f"#{idx + 1} {key}".strip()]
        for p in loc[2:]:
            if isinstance(p, int):
                parts[-1] += f" [{p + 1}]"
            else:
                parts.append(translate(COLUMN_LABELS[p], lang) if p in COLUMN_LABELS else str(p))
        return " · ".join(parts)
    return translate("rev.tpl.fields", lang)


def validate_fields(fields: Any) -> TemplateSchema:
    """Validate a field list; raise SchemaError listing every problem with its field."""
    raw = {"fields": fields}
    try:
        return TemplateSchema.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for e in exc.errors():
            ctx = dict(e.get("ctx") or {})
            if e["type"] == "rev":
                key = ctx.pop("i18n")
            else:
                key = _PYDANTIC_KEYS.get(e["type"], "validation.bad_value")
                ctx = {"max": ctx.get("max_length")}
            loc = tuple(e["loc"])
            label = {lang: _where(loc, raw, lang) for lang in ("ko", "en")}
            problems.append(FieldError(label, key, **ctx))
        raise SchemaError(problems) from None


def dump_fields(schema: TemplateSchema) -> list[dict]:
    """The JSON-ready field list (what TemplateVersion.fields stores)."""
    return [f.model_dump() for f in schema.fields]
