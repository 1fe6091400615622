"""Times on screen: every page writes a time or a date through `show` (the group's zone, one set
of formats: core/timezone.py), and takes "today" from `today`.

    st.caption(f"{name} · {show(comment.created_at)}")      # 2026-12-03 09:00 in the group's zone
    st.caption(t("rev.edit.saved_at", time=show(saved_at, "clock")))
    st.date_input(..., value=today())

The zone is the group's setting, read from the database at most every ZONE_TTL_S seconds per
process (another app process sees a leader's change within that time; this one at once).
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import streamlit as st

from core import timezone
from ui.shell.frame import frame

ZONE_TTL_S = 10


@st.cache_data(ttl=ZONE_TTL_S, show_spinner=False)
def _zone_name(url: str) -> str:
    with frame().db.read() as s:
        return timezone.group_zone(session=s).key


def zone() -> ZoneInfo:
    """The group's time zone."""
    return ZoneInfo(_zone_name(frame().db.url))


def forget_zone() -> None:
    """Drop the remembered zone (after a leader changes it)."""
    _zone_name.clear()


def show(moment: datetime | date | None, style: str = "minute") -> str:
    """A stored UTC time (or a calendar date) as people here read it; `style` is one of
    core.timezone.STYLES ("minute", "second", "clock", "hm", "short", "date")."""
    return timezone.write_time(moment, zone(), style)


def today() -> date:
    """Today in the group's zone (date defaults: seminar form, notes, Q&A, due dates)."""
    return timezone.group_today(zone=zone())


def local(moment: datetime) -> datetime:
    """A stored instant as the group's wall-clock time (for a form's date and time fields)."""
    return timezone.to_group(moment, zone())


def to_utc(day: date, at: time) -> datetime:
    """What a form's date and time fields (the group's wall clock) mean as a UTC instant."""
    return timezone.group_to_utc(day, at, zone())


def day_range(first: date, last: date) -> tuple[datetime, datetime]:
    """The UTC instants from the start of the group's day `first` to the end of `last`."""
    return timezone.day_bounds(first, last, zone())
