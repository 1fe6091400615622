"""Remembered sign-ins, so a page reload does not sign a member out.

The browser keeps a random token in an HttpOnly cookie that only the server sets: a script run
cannot set response headers, so after a sign-in it makes a one-time hand-off (60 s, stored
hashed) and the browser trades it at REMEMBER_PATH (web/session.py) for the cookie. The database
keeps only SHA-256 digests, the member and an expiry. A password reset or change and a
deactivation end a member's sessions and void their pending hand-offs.

The browser session that signed in never sees the cookie's token; it names its sign-in by the
hand-off instead, which the remembered sign-in records (`handoff_hash`): `end_session` and
`end_all_sessions(keep_token=...)` accept either.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from core.accounts.actor import Actor, actor_of
from db.base import utcnow
from db.models.members import AuthHandoff, AuthSession, Member

SESSION_DAYS = 14
HANDOFF_SECONDS = 60
COOKIE = "study_session"  # the remembered sign-in's cookie (HttpOnly, set by the server)
REMEMBER_PATH = "/auth/session/remember"  # POST {"handoff": ...}: sets the cookie
FORGET_PATH = "/auth/session/forget"  # POST: ends the cookie's sign-in and clears it
TOKEN_RE = re.compile(r"[A-Za-z0-9_\-]{20,100}")  # what secrets.token_urlsafe(32) makes


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _well_formed(token: str | None) -> bool:
    return isinstance(token, str) and TOKEN_RE.fullmatch(token) is not None


def create_session(
    *, session: Session, actor: Actor, now: datetime | None = None, handoff_hash: str | None = None
) -> str:
    """Start a remembered sign-in for `actor`; returns the token for the cookie."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    session.add(
        AuthSession(
            token_hash=_digest(token),
            member_id=actor.id,
            created_at=now,
            expires_at=now + timedelta(days=SESSION_DAYS),
            handoff_hash=handoff_hash,
        )
    )
    session.execute(delete(AuthSession).where(AuthSession.expires_at < now))  # tidy up
    session.flush()
    return token


def create_handoff(*, session: Session, actor: Actor, now: datetime | None = None) -> str:
    """A one-time ticket (valid HANDOFF_SECONDS) the browser trades for the remembered sign-in."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    session.execute(delete(AuthHandoff).where(AuthHandoff.expires_at < now))  # tidy up
    session.add(
        AuthHandoff(
            handoff_hash=_digest(token),
            member_id=actor.id,
            epoch=actor.epoch,
            created_at=now,
            expires_at=now + timedelta(seconds=HANDOFF_SECONDS),
        )
    )
    session.flush()
    return token


def redeem_handoff(*, session: Session, handoff: str | None, now: datetime | None = None) -> str | None:
    """Trade a hand-off for a remembered sign-in: the cookie's token, or None when the hand-off
    is unknown, already used, expired, or its member was deactivated or changed password since.
    Used at most once: the row is deleted first, and only the caller whose delete took it goes on."""
    if not _well_formed(handoff):
        return None
    now = now or utcnow()
    digest = _digest(handoff)
    row = session.get(AuthHandoff, digest)
    if row is None:
        return None
    member_id, epoch, expires_at = row.member_id, row.epoch, row.expires_at
    taken = session.execute(delete(AuthHandoff).where(AuthHandoff.handoff_hash == digest))
    if taken.rowcount != 1 or expires_at <= now:
        return None
    member = session.get(Member, member_id)
    if member is None or not member.active or (member.sign_in_epoch or 0) != epoch:
        return None
    return create_session(session=session, actor=actor_of(member), now=now, handoff_hash=digest)


def resume_session(*, session: Session, token: str | None, now: datetime | None = None) -> Actor | None:
    """The member a cookie token belongs to, or None (unknown, expired, or deactivated)."""
    if not _well_formed(token):
        return None
    now = now or utcnow()
    row = session.get(AuthSession, _digest(token))
    if row is None or row.expires_at <= now:
        return None
    member = session.get(Member, row.member_id)
    if member is None or not member.active:
        return None
    return actor_of(member)


def _named(digest: str):
    return or_(AuthSession.token_hash == digest, AuthSession.handoff_hash == digest)


def end_session(*, session: Session, token: str | None) -> None:
    """Forget one remembered sign-in (sign out), named by its cookie token or by its hand-off
    (a hand-off not traded yet is voided too)."""
    if token:
        digest = _digest(token)
        session.execute(delete(AuthSession).where(_named(digest)))
        session.execute(delete(AuthHandoff).where(AuthHandoff.handoff_hash == digest))


def end_all_sessions(*, session: Session, member_id: int, keep_token: str | None = None) -> None:
    """Forget every remembered sign-in and pending hand-off of a member (password reset or change,
    deactivation), except `keep_token`'s (a cookie token or the hand-off that made it): the browser
    that changed its own password stays signed in."""
    q = delete(AuthSession).where(AuthSession.member_id == member_id)
    if keep_token:
        digest = _digest(keep_token)
        q = q.where(
            AuthSession.token_hash != digest,
            or_(AuthSession.handoff_hash.is_(None), AuthSession.handoff_hash != digest),
        )
    session.execute(q)
    session.execute(delete(AuthHandoff).where(AuthHandoff.member_id == member_id))


def active_session_count(*, session: Session, member_id: int) -> int:
    """How many remembered sign-ins a member has (for tests and the members page)."""
    return len(
        session.scalars(
            select(AuthSession.token_hash).where(
                AuthSession.member_id == member_id, AuthSession.expires_at > utcnow()
            )
        ).all()
    )
