"""What a restored row must satisfy: the same rules the services apply when users write.

A backup is read from an upload (before any account exists, by anyone who reaches the setup
screen), so nothing in it is trusted: every cell is checked against its column's type and length,
columns with a fixed set of values against that set, and the structured columns (member names,
template fields, review answers, Lab configs and checkpoints) with the services' own validators.
`check_row` raises ValueError naming the problem; the caller turns it into BackupError.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from sqlalchemy import JSON, Boolean, Float, Integer, LargeBinary, String, Table, Text
from sqlalchemy.types import TypeDecorator

from core.accounts.identities import check_email
from core.accounts.members import USERNAME_RE, normalise_username
from core.codes import CODE_RE
from core.errors import AppError
from core.i18n import LANGUAGES
from core.lab.config import KINDS, TASK_NAMES, from_dict
from core.reviews.template_schema import validate_fields
from core.timezone import SETTING_KEY as TZ_SETTING_KEY
from core.timezone import zone_named
from db.models.curriculum import ATTENDANCE_STATUSES, MATERIAL_KINDS, RETRO_VISIBILITY
from db.models.lab import RUN_STATUSES
from db.models.members import ROLES
from db.models.reviews import REVIEW_STATUSES
from db.models.rooms import CHALLENGE_METRICS, ROOM_STATUSES

TEXT_MAX = 1_000_000  # characters in one Text cell; the services' own caps are far below
JSON_MAX_DEPTH = 24
JSON_MAX_NODES = 200_000  # values in one JSON cell (a long run's curves and probes stay far below)
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
ZIP_MAGIC = b"PK\x03\x04"  # torch.save's format: a checkpoint that is not a zip is not ours

CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("members", "role"): ROLES,
    ("members", "language"): LANGUAGES,
    ("cur_materials", "kind"): MATERIAL_KINDS,
    ("cur_attendance", "status"): ATTENDANCE_STATUSES,
    ("cur_retros", "visibility"): tuple(RETRO_VISIBILITY),
    ("reviews", "status"): REVIEW_STATUSES,
    ("review_revisions", "status"): REVIEW_STATUSES,
    ("review_comments", "kind"): ("comment", "return", "approve"),
    ("lab_runs", "kind"): KINDS,
    ("lab_runs", "task"): TASK_NAMES,
    ("lab_runs", "status"): RUN_STATUSES,
    ("lab_rooms", "status"): ROOM_STATUSES,
    ("lab_rooms", "challenge_metric"): CHALLENGE_METRICS,
}


def _base(coltype):
    return coltype.impl if isinstance(coltype, TypeDecorator) else coltype


def _json_shape(value: Any) -> None:
    """Bounded depth and size, walked without recursion (a deep document must not crash us)."""
    stack, nodes = [(value, 1)], 0
    while stack:
        item, depth = stack.pop()
        nodes += 1
        if depth > JSON_MAX_DEPTH or nodes > JSON_MAX_NODES:
            raise ValueError("JSON value nested too deep or too large")
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
        elif isinstance(item, float) and not math.isfinite(item):
            raise ValueError("JSON number is not finite")
        elif isinstance(item, int) and not isinstance(item, bool) and not INT_MIN <= item <= INT_MAX:
            raise ValueError("JSON number out of range")
        elif not (item is None or isinstance(item, str | int | float | bool)):
            raise ValueError("not a JSON value")


def check_cell(table: Table, column: str, value: Any) -> None:
    """The cell fits its column: type, length, range, and the fixed set of values where there is one."""
    col = table.c[column]
    if value is None:
        if not col.nullable and col.default is None and col.server_default is None:
            raise ValueError("missing value")
        return
    kind = _base(col.type)
    if isinstance(kind, Boolean):
        ok = isinstance(value, bool) or value in (0, 1)
    elif isinstance(kind, Integer):
        ok = isinstance(value, int) and not isinstance(value, bool) and INT_MIN <= value <= INT_MAX
    elif isinstance(kind, Float):
        ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    elif isinstance(kind, String | Text):  # String before Text: Text is a String without a length
        limit = kind.length or TEXT_MAX
        ok = isinstance(value, str) and len(value) <= limit and "\x00" not in value
    elif isinstance(kind, LargeBinary):
        ok = isinstance(value, bytes) and (kind.length is None or len(value) <= kind.length)
    elif isinstance(kind, JSON):
        _json_shape(value)
        ok = True
    else:  # dates and times arrive decoded by the caller
        ok = True
    if not ok:
        raise ValueError(f"not a valid {type(kind).__name__.lower()}")
    choices = CHOICES.get((table.name, column))
    if choices is not None and value not in choices:
        raise ValueError(f"{value!r} is not one of {', '.join(choices)}")


def _member(row: dict) -> None:
    if "username" in row:
        name = row["username"]
        if name != normalise_username(name) or not USERNAME_RE.match(name):
            raise ValueError("username breaks the sign-in name rules")
    if "display_name" in row and not (row["display_name"] or "").strip():
        raise ValueError("empty display name")
    if (row.get("password_hash") is None) != (row.get("password_salt") is None):
        raise ValueError("a password hash needs its salt")
    if row.get("email") is not None and check_email(row["email"]) != row["email"]:
        raise ValueError("e-mail is not a linkable, lower-case address")


def _app_meta(row: dict) -> None:
    if row.get("key") == TZ_SETTING_KEY:
        zone_named(row.get("value"))  # the group's time zone must be a known IANA zone


def _answers(row: dict) -> None:
    if "answers" in row and not isinstance(row["answers"], dict):
        raise ValueError("answers must be an object of field answers")


def _template_version(row: dict) -> None:
    if "fields" in row:
        validate_fields(row["fields"])


def _lab_config(row: dict, name: str, *, optional: bool = False) -> None:
    if optional and row.get(name) is None:
        return
    if name in row:
        if not isinstance(row[name], dict):
            raise ValueError(f"{name} must be an object")
        try:
            from_dict(row[name]).validate()
        except (AppError, TypeError) as exc:
            raise ValueError(f"{name}: {exc.message('en') if isinstance(exc, AppError) else exc}") from None


def _lab_run(row: dict) -> None:
    _lab_config(row, "config")
    for name in ("curves", "metrics", "probes"):
        if name in row and not isinstance(row[name], dict):
            raise ValueError(f"{name} must be an object")
    checkpoint = row.get("checkpoint")
    if checkpoint is not None and not checkpoint.startswith(ZIP_MAGIC):
        raise ValueError("checkpoint is not a saved model")


def _lab_room(row: dict) -> None:
    if "code" in row and not CODE_RE.match(row["code"] or ""):
        raise ValueError("room code breaks the code rules")
    _lab_config(row, "challenge_config", optional=True)


ROW_RULES: dict[str, Callable[[dict], None]] = {
    "members": _member,
    "app_meta": _app_meta,
    "reviews": _answers,
    "review_drafts": _answers,
    "review_revisions": _answers,
    "template_versions": _template_version,
    "lab_runs": _lab_run,
    "lab_rooms": _lab_room,
    "lab_room_runs": lambda row: _lab_config(row, "config"),
}


def check_row(table: Table, row: dict) -> None:
    """Every cell of `row` fits its column and the row passes its table's service rules."""
    for column, value in row.items():
        try:
            check_cell(table, column, value)
        except ValueError as exc:
            raise ValueError(f"{column}: {exc}") from None
    rule = ROW_RULES.get(table.name)
    if rule is not None:
        try:
            rule(row)
        except AppError as exc:
            raise ValueError(exc.message("en")) from None
        except (TypeError, ValueError, RecursionError) as exc:
            raise ValueError(str(exc)[:200] or type(exc).__name__) from None
