"""One owner for time: the group's time zone (a setting kept in the database, default
Asia/Seoul), the clock, the group's today, and how a time is written for people.

Times are stored in UTC; they are shown, and dates are defaulted, in the group's zone. A page
reads the zone through `ui/shell/time.py`; an export or a service that has a session calls
`group_zone(session=...)`. Tests replace the clock with `use_clock` (no sleeps).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy.orm import Session

from core.accounts.actor import Actor, require_leader
from core.errors import FieldError
from db.models.meta import AppMeta

DEFAULT_ZONE = "Asia/Seoul"
SETTING_KEY = "group:time_zone"  # app_meta row holding the zone's IANA name
MAX_ZONE_NAME = 64
FIELD = "tz.zone"  # the label key of the setting's field

# How a time is written on screen and in exports: one table, one formatter (`write_time`).
STYLES = {
    "minute": "%Y-%m-%d %H:%M",
    "named": "%Y-%m-%d %H:%M %Z",  # with the zone's abbreviation, for text read away from the app
    "second": "%Y-%m-%d %H:%M:%S",
    "clock": "%H:%M:%S",
    "hm": "%H:%M",
    "short": "%m-%d %H:%M",
    "date": "%Y-%m-%d",
    "stamp": "%Y%m%d-%H%M",  # in a file name
}


def _system_clock() -> datetime:
    return datetime.now(UTC)


_clock: Callable[[], datetime] = _system_clock


def now_utc() -> datetime:
    """The current instant, aware, in UTC (through the replaceable clock)."""
    return _clock().astimezone(UTC)


@contextmanager
def use_clock(clock: Callable[[], datetime] | datetime) -> Iterator[None]:
    """Within the block, `now_utc()` answers from `clock` (a function, or one fixed instant)."""
    global _clock
    previous = _clock
    _clock = clock if callable(clock) else (lambda: clock)
    try:
        yield
    finally:
        _clock = previous


@cache
def zone_names() -> tuple[str, ...]:
    """Every IANA zone name this machine knows, sorted (what the setting may hold)."""
    return tuple(sorted(name for name in available_timezones() if "/" in name or name == "UTC"))


def zone_named(name: str | None) -> ZoneInfo:
    """The zone called `name`; a name that is not a known IANA zone raises a FieldError."""
    name = (name or "").strip()
    if not name:
        raise FieldError(FIELD, "common.error.required")
    if len(name) > MAX_ZONE_NAME or name not in zone_names():
        raise FieldError(FIELD, "tz.error.unknown_zone")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):  # listed but its data file went missing
        raise FieldError(FIELD, "tz.error.unknown_zone") from None


def group_zone(*, session: Session) -> ZoneInfo:
    """The group's time zone (the default when unset, or when a restored value is not a zone)."""
    row = session.get(AppMeta, SETTING_KEY)
    if row is not None:
        try:
            return zone_named(row.value)
        except FieldError:
            pass
    return ZoneInfo(DEFAULT_ZONE)


def set_group_zone(*, session: Session, by: Actor | None, name: str) -> ZoneInfo:
    """A leader sets the group's time zone (an IANA name such as "Asia/Seoul")."""
    require_leader(by)
    zone = zone_named(name)
    row = session.get(AppMeta, SETTING_KEY)
    if row is None:
        session.add(AppMeta(key=SETTING_KEY, value=zone.key))
    else:
        row.value = zone.key
    session.flush()
    return zone


def to_group(moment: datetime, zone: ZoneInfo) -> datetime:
    """A stored instant in `zone` (a naive value is taken as UTC, as the database stores it)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone)


def group_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """A wall-clock date and time in `zone`, as an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def group_today(*, session: Session | None = None, zone: ZoneInfo | None = None) -> date:
    """Today's date in the group's zone (`zone`, else the setting read with `session`, else the
    default zone): a due date or a note's day is a day on the group's calendar."""
    if zone is None:
        zone = group_zone(session=session) if session is not None else ZoneInfo(DEFAULT_ZONE)
    return now_utc().astimezone(zone).date()


def day_bounds(first: date, last: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants where the group's day `first` begins and the day after `last` begins."""
    start = group_to_utc(first, time.min, zone)
    end = group_to_utc(date.fromordinal(last.toordinal() + 1), time.min, zone)
    return start, end


def write_time(moment: datetime | date | None, zone: ZoneInfo, style: str = "minute") -> str:
    """How people read a time: a stored instant in `zone`, written in one of STYLES; a plain date
    (a due date, a week's start) is a calendar day and is written as it is; None is ""."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        return to_group(moment, zone).strftime(STYLES[style])
    return moment.strftime(STYLES["date"])
