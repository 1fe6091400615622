"""Retrospectives (회고): one per member per week. The author chooses who reads it: "leaders"
(only me and the leaders) or "group" (every signed-in member). Guests never read them.

The rule lives here, in every read path, so a page that forgets to filter cannot leak one.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.accounts.members import Actor, require_member
from core.errors import NotFound, PermissionDenied, StaleEdit
from core.validate import FieldError, check_version, snapshot
from core.validate import text as check_text
from db.models.curriculum import RETRO_VISIBILITY, Retro, Week

MAX_BODY = 20_000


def can_read(by: Actor | None, retro: Retro) -> bool:
    """Author and leaders always; other members only when shared with the group; guests never."""
    if by is None:
        return False
    return by.is_leader or retro.author_id == by.id or retro.visibility == "group"


def _visible(by: Actor | None):
    require_member(by)
    q = select(Retro)
    if not by.is_leader:
        q = q.where(or_(Retro.author_id == by.id, Retro.visibility == "group"))
    return q


def list_retros(*, session: Session, by: Actor | None, week_id: int | None = None) -> list[Retro]:
    """The retrospectives `by` may read, newest first (one week's when `week_id` is given)."""
    q = _visible(by).order_by(Retro.updated_at.desc(), Retro.id.desc())
    if week_id is not None:
        q = q.where(Retro.week_id == week_id)
    return list(session.scalars(q))


def get_retro(*, session: Session, by: Actor | None, retro_id: int) -> Retro:
    """One retrospective, or NotFound when it does not exist or `by` may not read it."""
    require_member(by)
    retro = session.get(Retro, retro_id)
    if retro is None or not can_read(by, retro):
        raise NotFound()
    return retro


def my_retro(*, session: Session, by: Actor | None, week_id: int) -> Retro | None:
    """`by`'s own retrospective for a week, if written."""
    me = require_member(by)
    return session.scalar(select(Retro).where(Retro.week_id == week_id, Retro.author_id == me.id))


def save(
    *,
    session: Session,
    by: Actor | None,
    week_id: int,
    body: str,
    visibility: str,
    expected_version: int | None,
) -> Retro:
    """Write or edit one's own retrospective for a week. `expected_version` is None when the
    form began with no retrospective; if one appeared since (another tab), that is stale too."""
    me = require_member(by)
    if session.get(Week, week_id) is None:
        raise FieldError("cur.retro.week", "cur.error.unknown_week")
    if visibility not in RETRO_VISIBILITY:
        raise FieldError("cur.retro.visibility", "common.error.invalid_choice")
    body = check_text(body, "cur.retro.body", max_len=MAX_BODY)
    retro = my_retro(session=session, by=me, week_id=week_id)
    if retro is None:
        retro = Retro(week_id=week_id, author_id=me.id, body=body, visibility=visibility)
        session.add(retro)
    else:
        if expected_version is None:
            raise StaleEdit(current=snapshot(retro))
        check_version(retro, expected_version)
        retro.body, retro.visibility = body, visibility
    session.flush()
    return retro


def delete(*, session: Session, by: Actor | None, retro_id: int) -> None:
    """The author deletes their own retrospective."""
    me = require_member(by)
    retro = session.get(Retro, retro_id)
    if retro is None:
        raise NotFound()
    if retro.author_id != me.id:
        raise PermissionDenied("cur.error.not_author")
    session.delete(retro)
    session.flush()
