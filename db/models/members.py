"""Members (accounts with a role) and the sign-in throttle."""

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
    # scrypt hash and per-user salt; NULL means "cannot sign in yet" (demo authors)
    password_hash: Mapped[bytes | None] = mapped_column(LargeBinary(64), nullable=True)
    password_salt: Mapped[bytes | None] = mapped_column(LargeBinary(32), nullable=True)
    language: Mapped[str] = mapped_column(String(5), default="ko")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class LoginThrottle(Base):
    """Failed sign-ins per (lower-cased) name, and until when further tries are refused."""

    __tablename__ = "login_throttle"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(nullable=True)


class AuthSession(Base):
    """A remembered sign-in: the browser keeps a random token in a cookie, we keep its hash."""

    __tablename__ = "auth_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
