"""Small validators shared by services (each raises a FieldError naming the field by its label
key), `Problems` to report every problem of a form at once, and JSON parse errors in words."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from types import SimpleNamespace
from typing import Any, TypeVar
from urllib.parse import urlparse

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.orm import object_session

from core.errors import FieldError, InvalidFields, InvalidInput, StaleEdit
from core.i18n import translate

T = TypeVar("T")
MAX_URL = 2000
__all__ = ["MAX_URL", "FieldError", "InvalidFields", "JsonError", "Problems", "load_json", "text", "url"]


class Problems:
    """Collects the problems of one form so it reports every one at once, not the first:

        found = Problems()
        title = found.check(text, data.title, "rev.paper.title", max_len=500)
        if data.year is not None and not 1900 <= data.year <= 2100:
            found.add("rev.paper.year", "rev.error.year")
        found.raise_if_any()  # the one FieldError, or InvalidFields listing them all

    `one` / `many` let a feature raise its own subclasses (the Lab's ConfigError).
    """

    def __init__(self, *, one: type[FieldError] = FieldError, many: type[InvalidFields] = InvalidFields):
        self.found: list[FieldError] = []
        self._one, self._many = one, many

    def add(self, field: str | Mapping[str, str], reason_key: str, /, **params: Any) -> None:
        """Note one problem (see FieldError for the arguments)."""
        self.found.append(self._one(field, reason_key, **params))

    def check(self, validator: Callable[..., T], /, *args: Any, **kwargs: Any) -> T | None:
        """`validator(*args, **kwargs)`, noting its field problems; None when it found some."""
        try:
            return validator(*args, **kwargs)
        except InvalidInput as err:
            if not err.problems:
                raise  # not about a field (a file too large...): nothing to add to a list
            self.found.extend(err.problems)
            return None

    def __bool__(self) -> bool:
        return bool(self.found)

    def raise_if_any(self, key: str | None = None, /, **params: Any) -> None:
        """Raise the one problem found, or all of them (heading `key`); do nothing if none."""
        if len(self.found) == 1 and key is None:
            raise self.found[0]
        if self.found:
            raise self._many(self.found, key, **params)


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
    if parsed.scheme not in ("http", "https") or not parsed.netloc or len(value) > MAX_URL:
        raise FieldError(field, "common.error.bad_url")
    return value


def check_version(obj, expected: int | None, current: object = None) -> None:
    """Refuse a save begun from an older version of `obj` (its `version` column moved on).

    The row is first re-read under a row lock (`SELECT ... FOR UPDATE`; SQLite, whose writers are
    serialised anyway, ignores the lock): on PostgreSQL two saves of one row then queue here, and
    the later one sees the newer version and gets StaleEdit with it, the app's conflict screen,
    instead of failing at flush. Call it before changing `obj`."""
    if expected is None:
        return
    session = object_session(obj)
    if session is not None:
        mapper = sa_inspect(obj).mapper
        key = mapper.primary_key_from_instance(obj)
        locked = session.execute(
            select(mapper.local_table.c.version)
            .where(*[col == value for col, value in zip(mapper.primary_key, key, strict=True)])
            .with_for_update()  # the row alone: FOR UPDATE refuses the outer joins of eager loads
        ).scalar_one_or_none()
        if locked is not None and locked != obj.version:
            session.refresh(obj)  # a save landed since this request read the row: show that one
    if obj.version != expected:
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


# json's messages (CPython's json.decoder / scanner) -> our reason keys; anything else: generic.
_JSON_REASONS = {
    "Expecting value": "validation.json.value",
    "Expecting ',' delimiter": "validation.json.comma",
    "Expecting ':' delimiter": "validation.json.colon",
    "Expecting property name enclosed in double quotes": "validation.json.name",
    "Unterminated string starting at": "validation.json.string",
    "Invalid control character at": "validation.json.control",
    "Invalid \\escape": "validation.json.escape",
    "Invalid \\uXXXX escape": "validation.json.escape",
    "Extra data": "validation.json.extra",
    "Illegal trailing comma before end of object": "validation.json.trailing_comma",
    "Illegal trailing comma before end of array": "validation.json.trailing_comma",
}


class JsonError(InvalidInput):
    """Text that is not JSON: where (line, column) and why, in the reader's language."""

    key = "validation.json.bad"

    def __init__(self, exc: json.JSONDecodeError, key: str | None = None) -> None:
        self.reason_key = _JSON_REASONS.get(exc.msg, "validation.json.other")
        super().__init__(key, line=exc.lineno, column=exc.colno)

    def message(self, lang: str) -> str:
        """'Cannot read the JSON: line L, column C — <reason>' in `lang`."""
        reason = translate(self.reason_key, lang)
        return translate(self.key, lang, **self.params, reason=reason)


def load_json(text: str, key: str | None = None) -> Any:
    """`json.loads(text)`, or JsonError (heading `key`) saying where and why it is not JSON."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise JsonError(exc, key) from None
    except RecursionError:  # arrays or objects nested thousands deep
        raise InvalidInput("validation.json.too_deep") from None
    except ValueError:  # an integer of more than 4,300 digits (Python's int parsing limit)
        raise InvalidInput("validation.json.long_number") from None


_URL_ID = re.compile(r"[0-9]{1,10}")


def url_id(raw: str | None) -> int | None:
    """A row id from a URL (`?week=12`), or None for anything else: ASCII digits only (not "²" or
    "٣"), and within a database integer (a 310-digit id overflows the driver)."""
    if raw is None or not _URL_ID.fullmatch(raw):
        return None
    value = int(raw)
    return value if 0 < value < 2**31 else None
