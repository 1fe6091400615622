"""The field schema of review templates (pydantic), and its errors as messages that name the
field in the reader's language."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from core.errors import InvalidInput
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


class SchemaError(InvalidInput):
    """Template fields that do not validate: every problem, each naming its field."""

    def __init__(self, problems: list[tuple[str, str, dict]]) -> None:
        self.problems = problems  # (where, i18n key or "", params incl. "msg")
        super().__init__("rev.error.schema", count=len(problems))

    def lines(self, lang: str) -> list[str]:
        """One line per problem: '<field> — <reason>'."""
        out = []
        for where, key, params in self.problems:
            reason = translate(key, lang, **params) if key else params.get("msg", "")
            out.append(f"{where} — {reason}" if where else reason)
        return out

    def message(self, lang: str) -> str:
        """Summary plus each problem."""
        head = translate("rev.error.schema", lang, count=len(self.problems))
        return head + " " + "; ".join(self.lines(lang))


_PYDANTIC_KEYS = {
    "missing": "common.error.required",
    "string_too_short": "common.error.required",
    "string_too_long": "common.error.too_long",
    "literal_error": "rev.schema.bad_type",
    "string_pattern_mismatch": "rev.schema.key_pattern",
    "extra_forbidden": "rev.schema.unknown_attr",
    "too_short": "rev.schema.no_fields",
}


def _where(loc: tuple, raw: Any) -> str:
    # ("fields", 2, "choices", 0, "label_en") -> "#3 strengths · choices[1].label_en"
    if len(loc) >= 2 and loc[0] == "fields" and isinstance(loc[1], int):
        idx = loc[1]
        key = ""
        if isinstance(raw, dict) and isinstance(raw.get("fields"), list) and idx < len(raw["fields"]):
            item = raw["fields"][idx]
            key = str(item.get("key", "")) if isinstance(item, dict) else ""
        rest = ".".join(f"[{p + 1}]" if isinstance(p, int) else str(p) for p in loc[2:]).replace(".[", "[")
        head = f"#{idx + 1} {key}".strip()
        return f"{head} · {rest}" if rest else head
    return ".".join(str(p) for p in loc)


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
                key = _PYDANTIC_KEYS.get(e["type"], "")
                if e["type"] == "string_too_long":
                    ctx = {"max": ctx.get("max_length")}
            ctx["msg"] = e["msg"]
            problems.append((_where(tuple(e["loc"]), raw), key, ctx))
        raise SchemaError(problems) from None


def dump_fields(schema: TemplateSchema) -> list[dict]:
    """The JSON-ready field list (what TemplateVersion.fields stores)."""
    return [f.model_dump() for f in schema.fields]
