"""Seminars: date and time, place or online link, presenter, paper, slides, linked week.

Times are stored in UTC and entered / shown in the group's time zone (core/timezone.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts.members import Actor, require_leader
from core.errors import NotFound
from core.notify import sources as notify
from core.validate import FieldError, check_version
from core.validate import text as check_text
from core.validate import url as check_url
from db.base import utcnow
from db.models.curriculum import Seminar, Week
from db.models.members import Member

MAX_DURATION_MIN = 12 * 60
MAX_TITLE = 200  # Seminar.title String(200)
MAX_PLACE = 200  # Seminar.place String(200)
MAX_PAPER_TITLE = 300  # Seminar.paper_title String(300)
MAX_DESCRIPTION = 20_000


def ends_at(seminar: Seminar) -> datetime:
    """When the seminar ends."""
    return seminar.starts_at + timedelta(minutes=seminar.duration_min)


def get_seminar(*, session: Session, seminar_id: int) -> Seminar:
    """One seminar by id."""
    seminar = session.get(Seminar, seminar_id) if seminar_id is not None else None
    if seminar is None:
        raise NotFound()
    return seminar


def list_seminars(*, session: Session, week_id: int | None = None) -> list[Seminar]:
    """Seminars, latest first (only one week's when `week_id` is given)."""
    q = select(Seminar).order_by(Seminar.starts_at.desc(), Seminar.id.desc())
    if week_id is not None:
        q = q.where(Seminar.week_id == week_id)
    return list(session.scalars(q))


def next_seminar(*, session: Session, now: datetime | None = None) -> Seminar | None:
    """The seminar on now, or else the next one to come (None when nothing is planned)."""
    now = now or utcnow()
    # A seminar lasts at most MAX_DURATION_MIN, so this bound lets the database do the filtering.
    q = (
        select(Seminar)
        .where(Seminar.starts_at > now - timedelta(minutes=MAX_DURATION_MIN))
        .order_by(Seminar.starts_at, Seminar.id)
    )
    return next((s for s in session.scalars(q) if ends_at(s) > now), None)


def _fields(
    session: Session,
    *,
    title,
    starts_at,
    duration_min,
    place,
    link,
    presenter_id,
    paper_title,
    paper_url,
    slides_url,
    description,
    week_id,
) -> dict:
    title = check_text(title, "cur.seminar.title", max_len=MAX_TITLE)
    if starts_at is None:
        raise FieldError("cur.seminar.date", "common.error.required")
    if starts_at.tzinfo is None:
        raise FieldError("cur.seminar.date", "cur.error.naive_time")
    if not isinstance(duration_min, int) or not 1 <= duration_min <= MAX_DURATION_MIN:
        raise FieldError("cur.seminar.duration", "cur.error.duration", max=MAX_DURATION_MIN)
    if presenter_id is not None:
        presenter = session.get(Member, presenter_id)
        if presenter is None or not presenter.active:
            raise FieldError("cur.seminar.presenter", "cur.error.unknown_presenter")
    if week_id is not None and session.get(Week, week_id) is None:
        raise FieldError("cur.seminar.week", "cur.error.unknown_week")
    return {
        "title": title,
        "starts_at": starts_at,
        "duration_min": duration_min,
        "place": check_text(place, "cur.seminar.place", max_len=MAX_PLACE, required=False),
        "link": check_url(link, "cur.seminar.link"),
        "presenter_id": presenter_id,
        "paper_title": check_text(
            paper_title, "cur.seminar.paper_title", max_len=MAX_PAPER_TITLE, required=False
        ),
        "paper_url": check_url(paper_url, "cur.seminar.paper_url"),
        "slides_url": check_url(slides_url, "cur.seminar.slides_url"),
        "description": check_text(
            description, "cur.seminar.description", max_len=MAX_DESCRIPTION, required=False
        ),
        "week_id": week_id,
    }


def create_seminar(
    *,
    session: Session,
    by: Actor | None,
    title: str,
    starts_at: datetime,
    duration_min: int = 90,
    place: str = "",
    link: str = "",
    presenter_id: int | None = None,
    paper_title: str = "",
    paper_url: str = "",
    slides_url: str = "",
    description: str = "",
    week_id: int | None = None,
) -> Seminar:
    """A leader schedules a seminar (presenter must be an active member; URLs http(s))."""
    by = require_leader(by)
    seminar = Seminar(
        **_fields(
            session,
            title=title,
            starts_at=starts_at,
            duration_min=duration_min,
            place=place,
            link=link,
            presenter_id=presenter_id,
            paper_title=paper_title,
            paper_url=paper_url,
            slides_url=slides_url,
            description=description,
            week_id=week_id,
        )
    )
    session.add(seminar)
    session.flush()
    notify.seminar_created(session, seminar, by=by)
    return seminar


def update_seminar(
    *,
    session: Session,
    by: Actor | None,
    seminar_id: int,
    expected_version: int,
    title: str,
    starts_at: datetime,
    duration_min: int = 90,
    place: str = "",
    link: str = "",
    presenter_id: int | None = None,
    paper_title: str = "",
    paper_url: str = "",
    slides_url: str = "",
    description: str = "",
    week_id: int | None = None,
) -> Seminar:
    """A leader edits a seminar; refused (StaleEdit) if it changed since the edit began."""
    require_leader(by)
    seminar = get_seminar(session=session, seminar_id=seminar_id)
    check_version(seminar, expected_version)
    fields = _fields(
        session,
        title=title,
        starts_at=starts_at,
        duration_min=duration_min,
        place=place,
        link=link,
        presenter_id=presenter_id,
        paper_title=paper_title,
        paper_url=paper_url,
        slides_url=slides_url,
        description=description,
        week_id=week_id,
    )
    for key, value in fields.items():
        setattr(seminar, key, value)
    session.flush()
    return seminar


def delete_seminar(*, session: Session, by: Actor | None, seminar_id: int) -> None:
    """A leader deletes a seminar (its attendance and questions go with it)."""
    require_leader(by)
    session.delete(get_seminar(session=session, seminar_id=seminar_id))
    session.flush()
