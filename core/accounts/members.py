"""Members, roles and sign-in: scrypt password hashes, first-run leader, throttled sign-in.

Permission checks live here, not only in the UI: every management call takes `by`, the acting
member (an `Actor`), and raises PermissionDenied when that actor may not do it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from core.errors import AuthFailed, InvalidInput, NotFound, PermissionDenied, RateLimited
from core.i18n import LANGUAGES
from core.validate import FieldError, check_version
from core.validate import text as check_text
from db.base import utcnow
from db.models.members import ROLES, AuthSession, LoginThrottle, Member

USERNAME_RE = re.compile(r"^[a-z0-9._-]{3,32}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 256
FREE_FAILURES = 5  # failed sign-ins allowed before the delay starts
BASE_DELAY_S = 30  # first lock; doubles with each further failure
MAX_DELAY_S = 3600
SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 64}
_DUMMY_SALT = secrets.token_bytes(16)


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in member. Guests are `None` where an Actor is expected."""

    id: int
    username: str
    display_name: str
    role: str
    language: str = "ko"

    @property
    def is_leader(self) -> bool:
        """True for study leaders."""
        return self.role == "leader"


def actor_of(m: Member) -> Actor:
    """The Actor for a member row."""
    return Actor(m.id, m.username, m.display_name, m.role, m.language)


def require_leader(by: Actor | None) -> Actor:
    """Return `by` if it is a leader, else raise PermissionDenied."""
    if by is None or not by.is_leader:
        raise PermissionDenied()
    return by


def require_member(by: Actor | None) -> Actor:
    """Return `by` if signed in, else raise PermissionDenied."""
    if by is None:
        raise PermissionDenied()
    return by


def hash_password(password: str, salt: bytes | None = None) -> tuple[bytes, bytes]:
    """scrypt(password, per-user salt) -> (hash, salt)."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, maxmem=64 * 1024 * 1024, **SCRYPT)
    return digest, salt


def verify_password(password: str, digest: bytes, salt: bytes) -> bool:
    """Constant-time comparison of scrypt(password, salt) with `digest`."""
    return hmac.compare_digest(hash_password(password, salt)[0], digest)


def normalise_username(username: str) -> str:
    """Usernames are case-insensitive: stored and compared lower-case."""
    return (username or "").strip().lower()


def _check_username(username: str) -> str:
    name = normalise_username(username)
    if not USERNAME_RE.match(name):
        raise FieldError("auth.username", "members.error.username")
    return name


def _check_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise FieldError("auth.password", "members.error.password_short")
    if len(password) > MAX_PASSWORD:
        raise FieldError("auth.password", "common.error.too_long", max=MAX_PASSWORD)
    return password


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise FieldError("members.role", "common.error.invalid_choice")
    return role


def needs_first_leader(*, session: Session) -> bool:
    """True until an active leader who can sign in exists (first-run setup)."""
    q = (
        select(func.count())
        .select_from(Member)
        .where(Member.role == "leader", Member.active.is_(True), Member.password_hash.is_not(None))
    )
    return session.scalar(q) == 0


def _insert_member(
    session: Session, username: str, display_name: str, role: str, password: str | None, language: str = "ko"
) -> Member:
    name = _check_username(username)
    display = check_text(display_name, "members.display_name", max_len=50)
    if session.scalar(select(Member.id).where(Member.username == name)) is not None:
        raise InvalidInput("members.error.duplicate", username=name)
    member = Member(
        username=name,
        display_name=display,
        role=_check_role(role),
        language=language if language in LANGUAGES else "ko",
    )
    if password is not None:
        member.password_hash, member.password_salt = hash_password(_check_password(password))
    session.add(member)
    session.flush()
    return member


def create_first_leader(
    *, session: Session, username: str, display_name: str, password: str, language: str = "ko"
) -> Actor:
    """Create the first leader; refused once a usable leader exists (no default password)."""
    if not needs_first_leader(session=session):
        raise PermissionDenied("setup.already")
    return actor_of(_insert_member(session, username, display_name, "leader", password, language))


def add_member(
    *,
    session: Session,
    by: Actor | None,
    username: str,
    display_name: str,
    password: str | None,
    role: str = "member",
) -> Member:
    """A leader adds a member (duplicate names refused, nothing saved)."""
    require_leader(by)
    return _insert_member(session, username, display_name, role, password)


def get_member(*, session: Session, member_id: int) -> Member:
    """One member by id."""
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound()
    return member


def list_members(*, session: Session, active_only: bool = False) -> list[Member]:
    """Members ordered by name."""
    q = select(Member).order_by(Member.display_name, Member.id)
    if active_only:
        q = q.where(Member.active.is_(True))
    return list(session.scalars(q))


def _active_leaders(session: Session) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(Member).where(Member.role == "leader", Member.active.is_(True))
        )
        or 0
    )


def update_member(
    *,
    session: Session,
    by: Actor | None,
    member_id: int,
    expected_version: int,
    display_name: str | None = None,
    role: str | None = None,
    active: bool | None = None,
) -> Member:
    """A leader edits a member; a save begun from an older version is refused (StaleEdit)."""
    require_leader(by)
    member = get_member(session=session, member_id=member_id)
    check_version(member, expected_version)
    losing_leader = (
        member.role == "leader"
        and member.active
        and ((role is not None and role != "leader") or active is False)
    )
    if losing_leader and _active_leaders(session) <= 1:
        raise InvalidInput("members.error.last_leader")
    if active is False and member.id == by.id:
        raise InvalidInput("members.error.self_deactivate")
    if display_name is not None:
        member.display_name = check_text(display_name, "members.display_name", max_len=50)
    if role is not None:
        member.role = _check_role(role)
    if active is not None:
        member.active = active
        if not active:  # a deactivated member is signed out everywhere
            session.execute(delete(AuthSession).where(AuthSession.member_id == member.id))
    session.flush()
    return member


def reset_password(*, session: Session, by: Actor | None, member_id: int, new_password: str) -> None:
    """A leader sets a new password for a member (also clears that name's sign-in lock)."""
    require_leader(by)
    member = get_member(session=session, member_id=member_id)
    member.password_hash, member.password_salt = hash_password(_check_password(new_password))
    throttle = session.get(LoginThrottle, member.username)
    if throttle is not None:
        session.delete(throttle)
    # whoever knew the old password may hold a remembered sign-in: end them all
    session.execute(delete(AuthSession).where(AuthSession.member_id == member.id))
    session.flush()


def change_own_password(*, session: Session, by: Actor | None, old_password: str, new_password: str) -> None:
    """A member changes their own password after proving the old one."""
    me = get_member(session=session, member_id=require_member(by).id)
    if me.password_hash is None or not verify_password(old_password, me.password_hash, me.password_salt):
        raise AuthFailed()
    me.password_hash, me.password_salt = hash_password(_check_password(new_password))
    session.flush()


def set_language(*, session: Session, by: Actor | None, language: str) -> None:
    """Remember a member's language choice."""
    if language not in LANGUAGES:
        raise FieldError("lang.label", "common.error.invalid_choice")
    me = get_member(session=session, member_id=require_member(by).id)
    if me.language != language:
        me.language = language
        session.flush()


def _lock_seconds(failures: int) -> int:
    """Delay after `failures` consecutive failures: none for the first 5, then growing."""
    if failures < FREE_FAILURES:
        return 0
    return min(MAX_DELAY_S, BASE_DELAY_S * 2 ** (failures - FREE_FAILURES))


def authenticate(*, session: Session, username: str, password: str, now: datetime | None = None) -> Actor:
    """Check a sign-in. One generic AuthFailed whether the name exists or not; after 5
    failures for a name, tries are refused (RateLimited) for a delay that grows."""
    now = now or utcnow()
    name = normalise_username(username)[:64]
    throttle = session.get(LoginThrottle, name)
    if throttle and throttle.locked_until and throttle.locked_until > now:
        raise RateLimited(seconds=int((throttle.locked_until - now).total_seconds()) + 1)
    member = session.scalar(select(Member).where(Member.username == name)) if name else None
    ok = False
    if member is not None and member.password_hash is not None:
        ok = verify_password(password or "", member.password_hash, member.password_salt)
    else:
        hash_password(password or "", _DUMMY_SALT)  # same work, so timing reveals nothing
    if ok and member.active:
        if throttle is not None:
            session.delete(throttle)
            session.flush()
        return actor_of(member)
    if throttle is None:
        throttle = LoginThrottle(username=name, failures=0)
        session.add(throttle)
    throttle.failures += 1
    delay = _lock_seconds(throttle.failures)
    throttle.locked_until = now + timedelta(seconds=delay) if delay else None
    session.flush()
    raise AuthFailed()


def refresh_actor(*, session: Session, actor: Actor) -> Actor | None:
    """Re-read a signed-in actor: None if the account was deactivated meanwhile."""
    member = session.get(Member, actor.id)
    if member is None or not member.active:
        return None
    return actor_of(member)
