"""Members (accounts with a role), remembered sign-ins, their hand-offs and the sign-in throttle's
counters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, utcnow

ROLES = ("leader", "member")


class Member(Base):
    """A study-group account. `version` guards against stale concurrent edits."""

    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(32), unique=True)  # stored lower-case
    display_name: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(10), default="member")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # scrypt hash, per-user salt and the cost it was made with ("scrypt:n=131072,r=8,p=1");
    # NULL hash means "cannot sign in yet" (demo authors)
    password_hash: Mapped[bytes | None] = mapped_column(LargeBinary(64), nullable=True)
    password_salt: Mapped[bytes | None] = mapped_column(LargeBinary(32), nullable=True)
    password_params: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # +1 on every password reset or change: a browser session signed in before it is signed out
    sign_in_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    language: Mapped[str] = mapped_column(String(5), default="ko")
    # The e-mail a leader linked for signing in with the group's accounts (OIDC); lower-case,
    # NULL when not linked (core/accounts/identities.py)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True, unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class LoginThrottle(Base):
    """One sign-in counter (core/accounts/throttle.py): scope "pair" counts one client's failures
    on one name and locks that pair; "client" counts a client's failures across names in a window;
    "all" counts everyone's failures in a window (name and client are "" where they do not apply)."""

    __tablename__ = "login_throttle"

    scope: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    client: Mapped[str] = mapped_column(String(128), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    since: Mapped[datetime] = mapped_column()  # start of the window, or the pair's first failure
    last_at: Mapped[datetime] = mapped_column()  # the latest try counted
    locked_until: Mapped[datetime | None] = mapped_column(nullable=True)  # pairs only


class AuthSession(Base):
    """A remembered sign-in: the browser keeps a random token in a cookie, we keep its hash."""

    __tablename__ = "auth_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    # The hand-off this sign-in was made from: the browser session that signed in knows it (the
    # cookie itself is HttpOnly), so it can name this sign-in to keep or end it.
    handoff_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)


class AuthHandoff(Base):
    """A one-time, short-lived ticket from a signed-in script run to the browser, which trades it
    at /auth/session/remember for the HttpOnly remembered-sign-in cookie (core/accounts/sessions.py)."""

    __tablename__ = "auth_handoffs"

    handoff_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    epoch: Mapped[int] = mapped_column(Integer)  # the member's sign-in epoch when it was made
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
