"""Remembered sign-ins, so a page reload does not sign a member out.

The browser keeps a random token (a cookie); the database keeps only its SHA-256, the member
and an expiry. A password reset or change and a deactivation end a member's sessions.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.accounts.actor import Actor, actor_of
from db.base import utcnow
from db.models.members import AuthSession, Member

SESSION_DAYS = 14


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_session(*, session: Session, actor: Actor, now: datetime | None = None) -> str:
    """Start a remembered sign-in for `actor`; returns the token for the cookie."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    session.add(
        AuthSession(
            token_hash=_digest(token),
            member_id=actor.id,
            created_at=now,
            expires_at=now + timedelta(days=SESSION_DAYS),
        )
    )
    session.execute(delete(AuthSession).where(AuthSession.expires_at < now))  # tidy up
    session.flush()
    return token


def resume_session(*, session: Session, token: str | None, now: datetime | None = None) -> Actor | None:
    """The member a cookie token belongs to, or None (unknown, expired, or deactivated)."""
    if not token or len(token) > 200:
        return None
    now = now or utcnow()
    row = session.get(AuthSession, _digest(token))
    if row is None or row.expires_at <= now:
        return None
    member = session.get(Member, row.member_id)
    if member is None or not member.active:
        return None
    return actor_of(member)


def end_session(*, session: Session, token: str | None) -> None:
    """Forget one remembered sign-in (sign out)."""
    if token:
        session.execute(delete(AuthSession).where(AuthSession.token_hash == _digest(token)))


def end_all_sessions(*, session: Session, member_id: int, keep_token: str | None = None) -> None:
    """Forget every remembered sign-in of a member (password reset or change, deactivation),
    except `keep_token`'s: the browser that changed its own password stays signed in."""
    q = delete(AuthSession).where(AuthSession.member_id == member_id)
    if keep_token:
        q = q.where(AuthSession.token_hash != _digest(keep_token))
    session.execute(q)


def active_session_count(*, session: Session, member_id: int) -> int:
    """How many remembered sign-ins a member has (for tests and the members page)."""
    return len(
        session.scalars(
            select(AuthSession.token_hash).where(
                AuthSession.member_id == member_id, AuthSession.expires_at > utcnow()
            )
        ).all()
    )
