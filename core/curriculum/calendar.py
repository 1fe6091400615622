"""A member's calendar: the group's seminars and the member's review due dates as iCalendar
(built with `icalendar`), served at a private token URL (web/calendar.py) or downloaded.

Seminar times carry the group's time zone with its VTIMEZONE, so Google and Apple calendars place
them right; a review due date is an all-day event on the group's calendar day. The feed token is
random, shown to the member once, and stored only as its SHA-256 (one live token per member:
renewing replaces it, revoking deletes it).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts.actor import Actor, require_member
from core.curriculum.seminars import ends_at
from core.errors import InvalidInput, NotFound
from core.i18n import translate
from core.timezone import group_zone, now_utc, to_group
from db.models.calendar import CalendarFeed
from db.models.curriculum import Seminar
from db.models.members import Member
from db.models.reviews import Assignment, Paper

TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 43 URL-safe characters, 256 random bits
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")
PAST_DAYS = 180  # seminars this far back stay in the feed (calendars keep what they once saw)
PRODID = "-//study-dashboard//calendar//EN"
UID_DOMAIN = "study-dashboard"
REFRESH = timedelta(hours=1)
FEED_PATH = "feeds/calendar/{token}.ics"  # under the app's root; the server route (web/calendar.py)
MEDIA_TYPE = "text/calendar; charset=utf-8"


@dataclass(frozen=True)
class FeedState:
    """Whether the member has a live feed token, and since when."""

    active: bool
    created_at: datetime | None = None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def feed_state(*, session: Session, by: Actor | None) -> FeedState:
    """The actor's own feed: live or not."""
    by = require_member(by)
    row = session.get(CalendarFeed, by.id)
    return FeedState(True, row.created_at) if row is not None else FeedState(False)


def renew_feed(*, session: Session, by: Actor | None) -> str:
    """A new feed token for the actor (any earlier one stops working); returns the token, the only
    time it exists in clear."""
    by = require_member(by)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = session.get(CalendarFeed, by.id)
    if row is None:
        session.add(CalendarFeed(member_id=by.id, token_hash=_digest(token), created_at=now_utc()))
    else:
        row.token_hash, row.created_at = _digest(token), now_utc()
    session.flush()
    return token


def revoke_feed(*, session: Session, by: Actor | None) -> None:
    """The actor's feed token stops working."""
    by = require_member(by)
    row = session.get(CalendarFeed, by.id)
    if row is None:
        raise InvalidInput("cal.error.no_feed")
    session.delete(row)
    session.flush()


def member_for_token(*, session: Session, token: str) -> Member | None:
    """The active member whose live feed token this is, else None (malformed, revoked, renewed,
    unknown, or the member deactivated: the caller answers all of them alike)."""
    if not isinstance(token, str) or not TOKEN_RE.match(token):
        return None
    member = session.scalar(
        select(Member)
        .join(CalendarFeed, CalendarFeed.member_id == Member.id)
        .where(CalendarFeed.token_hash == _digest(token))
    )
    return member if member is not None and member.active else None


def _seminar_event(seminar: Seminar, zone, lang: str, stamp: datetime) -> Event:
    lines = []
    if seminar.presenter is not None:
        lines.append(translate("cal.presenter", lang, name=seminar.presenter.display_name))
    if seminar.paper_title or seminar.paper_url:
        paper = " ".join(
            x for x in (seminar.paper_title, seminar.paper_url and f"<{seminar.paper_url}>") if x
        )
        lines.append(translate("cal.paper", lang, title=paper))
    if seminar.link:
        lines.append(translate("cal.online", lang, url=seminar.link))
    if seminar.slides_url:
        lines.append(translate("cal.slides", lang, url=seminar.slides_url))
    if seminar.description:
        lines += ["", seminar.description]
    event = Event.new(
        uid=f"seminar-{seminar.id}@{UID_DOMAIN}",
        summary=seminar.title,
        start=to_group(seminar.starts_at, zone),
        end=to_group(ends_at(seminar), zone),
        location=seminar.place or seminar.link or None,
        description="\n".join(lines) or None,
        url=seminar.link or None,
        stamp=stamp,
        sequence=max(seminar.version - 1, 0),
    )
    return event


def _due_event(assignment: Assignment, paper: Paper, lang: str, stamp: datetime) -> Event:
    week = translate("cal.due_week", lang, n=assignment.week_no) if assignment.week_no is not None else None
    return Event.new(
        uid=f"review-due-{assignment.id}@{UID_DOMAIN}",
        summary=translate("cal.due", lang, paper=paper.title),
        start=assignment.due_on,  # a calendar day: an all-day event, the same day everywhere
        end=assignment.due_on + timedelta(days=1),
        description=week,
        url=paper.url or None,
        stamp=stamp,
    )


def member_calendar(*, session: Session, member: Member, now: datetime | None = None) -> bytes:
    """The .ics text of `member`'s calendar: seminars from PAST_DAYS ago on, in the group's zone,
    and the member's review due dates, in the member's language."""
    now = now or now_utc()
    zone = group_zone(session=session)
    lang = member.language
    cal = Calendar.new(
        prodid=PRODID,
        name=translate("cal.name", lang, name=member.display_name),
        refresh_interval=REFRESH,
        uid=f"calendar-{member.id}@{UID_DOMAIN}",  # stable: a calendar app keeps one subscription
    )
    cal.add("X-WR-TIMEZONE", zone.key)
    seminars = session.scalars(
        select(Seminar)
        .where(Seminar.starts_at >= now - timedelta(days=PAST_DAYS))
        .order_by(Seminar.starts_at)
    )
    for seminar in seminars:
        cal.add_component(_seminar_event(seminar, zone, lang, now))
    dues = session.execute(
        select(Assignment, Paper)
        .join(Paper, Paper.id == Assignment.paper_id)
        .where(Assignment.member_id == member.id)
        .order_by(Assignment.due_on, Assignment.id)
    )
    for assignment, paper in dues:
        cal.add_component(_due_event(assignment, paper, lang, now))
    cal.add_missing_timezones()
    return cal.to_ical()


def own_calendar(*, session: Session, by: Actor | None, now: datetime | None = None) -> bytes:
    """The signed-in member's own calendar (the download button)."""
    by = require_member(by)
    member = session.get(Member, by.id)
    if member is None or not member.active:
        raise NotFound()
    return member_calendar(session=session, member=member, now=now)


def feed_filename(member: Member | Actor) -> str:
    """The download's file name."""
    return f"study-calendar-{member.username}.ics"


def feed_for_token(*, session: Session, token: str, now: datetime | None = None) -> bytes | None:
    """The calendar a feed URL's token opens, or None (the route answers 404 alike for all)."""
    member = member_for_token(session=session, token=token)
    return None if member is None else member_calendar(session=session, member=member, now=now)
