"""Small validators shared by services; each raises InvalidInput naming the field."""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import urlparse

from core.errors import InvalidInput, StaleEdit
from core.i18n import translate


class FieldError(InvalidInput):
    """One invalid field: `field` is a translatable label key or a plain name."""

    def __init__(self, field: str, reason_key: str, **reason_params: object) -> None:
        self.field = field
        self.reason_key = reason_key
        self.reason_params = reason_params
        super().__init__("common.error.invalid", field=field, reason=reason_key)

    def message(self, lang: str) -> str:
        """'Please check: <field> — <reason>' in `lang`."""
        field = translate(self.field, lang) if "." in self.field else self.field
        reason = translate(self.reason_key, lang, **self.reason_params)
        return translate("common.error.invalid", lang, field=field, reason=reason)


def text(value: str | None, field: str, *, max_len: int, required: bool = True) -> str:
    """Strip `value`; require it (unless optional) and cap its length."""
    value = (value or "").strip()
    if required and not value:
        raise FieldError(field, "common.error.required")
    if len(value) > max_len:
        raise FieldError(field, "common.error.too_long", max=max_len)
    return value


def url(value: str | None, field: str, *, required: bool = False) -> str:
    """An http(s) URL or, when optional, the empty string."""
    value = (value or "").strip()
    if not value:
        if required:
            raise FieldError(field, "common.error.required")
        return ""
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or len(value) > 2000:
        raise FieldError(field, "common.error.bad_url")
    return value


def check_version(obj, expected: int | None, current: object = None) -> None:
    """Refuse a save begun from an older version of `obj` (its `version` column moved on)."""
    if expected is not None and obj.version != expected:
        raise StaleEdit(current=current if current is not None else snapshot(obj))


def snapshot(obj) -> SimpleNamespace:
    """Plain copy of a row's columns: stays readable after the failed transaction rolls back."""
    return SimpleNamespace(**{c.key: getattr(obj, c.key) for c in obj.__table__.columns})


def decode_text_upload(data: bytes, *, max_bytes: int) -> str:
    """Decode an uploaded text file, refusing oversized or binary content with a clear error."""
    if len(data) > max_bytes:
        raise InvalidInput("common.error.upload_too_large", max_kb=max_bytes // 1024)
    if b"\x00" in data:
        raise InvalidInput("common.error.not_text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput("common.error.not_text") from exc
