"""Members, roles and passwords: scrypt hashes that carry their parameters, first-run leader,
the leader's member tools. Sign-in itself is core/accounts/signin.py.

Permission checks live here, not only in the UI: every management call takes `by`, the acting
member (an `Actor`), and raises PermissionDenied when that actor may not do it.

A password is hashed before the service's first query: a write session takes SQLite's write lock
at its first statement, so the ~0.3 s hash never holds it (tests/core/accounts/test_signin.py).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import threading
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.accounts import sessions, throttle
from core.accounts.actor import Actor, actor_of, require_leader, require_member
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.i18n import LANGUAGES
from core.validate import FieldError, check_version
from core.validate import text as check_text
from db.models.members import ROLES, Member

MAX_USERNAME = 32
MAX_DISPLAY_NAME = 50  # the members.display_name column
USERNAME_RE = re.compile(rf"^[a-z0-9._-]{{3,{MAX_USERNAME}}}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 256
# OWASP's scrypt floor is n=2**17, r=8, p=1 (128 MiB a hash): 0.29-0.36 s a hash on the 2-core dev box
# (2026-12-03), under the 0.5 s that would call for less. Stored with each hash; older ones upgrade.
SCRYPT = {"n": 2**17, "r": 8, "p": 1, "dklen": 64}
# Hashes run at most this many at once: each takes 128*r*n bytes, so a flood of sign-ins queues
# for a slot instead of taking a gigabyte.
HASH_SLOTS = max(1, min(4, os.cpu_count() or 1))
_HASH_GATE = threading.BoundedSemaphore(HASH_SLOTS)
_PARAMS_RE = re.compile(r"^scrypt:n=(\d+),r=(\d+),p=(\d+)$")
_PARAM_LIMITS = {"n": 2**20, "r": 32, "p": 16}  # refuse a stored cost that would exhaust memory
_DUMMY_SALT = secrets.token_bytes(16)


@dataclass(frozen=True)
class PasswordHash:
    """A stored password: scrypt digest, per-user salt, and the parameters it was made with."""

    digest: bytes
    salt: bytes
    params: str


def params_text(params: dict | None = None) -> str:
    """The stored form of scrypt parameters (the current SCRYPT by default)."""
    p = params or SCRYPT
    return f"scrypt:n={p['n']},r={p['r']},p={p['p']}"


def _parse_params(text: str | None) -> dict | None:
    m = _PARAMS_RE.match(text or "")
    if m is None:
        return None
    n, r, p = (int(g) for g in m.groups())
    if n < 2 or n & (n - 1) or n > _PARAM_LIMITS["n"] or not 1 <= r <= _PARAM_LIMITS["r"]:
        return None
    if not 1 <= p <= _PARAM_LIMITS["p"]:
        return None
    return {"n": n, "r": r, "p": p, "dklen": SCRYPT["dklen"]}


def _scrypt(password: str, salt: bytes, params: dict) -> bytes:
    # OpenSSL refuses unless maxmem covers scrypt's V (128*r*(n+2)) and B (128*r*p) arrays.
    maxmem = 128 * params["r"] * (params["n"] + params["p"] + 2) + 2**20
    with _HASH_GATE:
        return hashlib.scrypt(password.encode("utf-8"), salt=salt, maxmem=maxmem, **params)


def hash_password(password: str, salt: bytes | None = None) -> PasswordHash:
    """scrypt(password, per-user salt) with the current parameters."""
    salt = salt or secrets.token_bytes(16)
    return PasswordHash(_scrypt(password, salt, SCRYPT), salt, params_text())


def verify_password(password: str, stored: PasswordHash) -> bool:
    """Constant-time comparison of scrypt(password) under the stored salt and parameters."""
    params = _parse_params(stored.params)
    if params is None:  # unreadable parameters: do the same work, then refuse
        _scrypt(password, stored.salt, SCRYPT)
        return False
    return hmac.compare_digest(_scrypt(password, stored.salt, params), stored.digest)


def dummy_verify(password: str) -> None:
    """The work of one verification, for a name that has no password (timing reveals nothing)."""
    _scrypt(password, _DUMMY_SALT, SCRYPT)


def is_current(stored: PasswordHash) -> bool:
    """Was this hash made with today's parameters? (Older ones are upgraded at sign-in.)"""
    return stored.params == params_text()


def _store(member: Member, hashed: PasswordHash) -> None:
    member.password_hash, member.password_salt, member.password_params = (
        hashed.digest,
        hashed.salt,
        hashed.params,
    )


def stored_password(member: Member) -> PasswordHash | None:
    """A member's stored password, or None for a member who cannot sign in."""
    if member.password_hash is None:
        return None
    return PasswordHash(member.password_hash, member.password_salt or b"", member.password_params or "")


def normalise_username(username: str) -> str:
    """Usernames are case-insensitive: stored and compared lower-case."""
    return (username or "").strip().lower()


def _check_username(username: str) -> str:
    name = normalise_username(username)
    if not USERNAME_RE.match(name):
        raise FieldError("auth.username", "members.error.username")
    return name


def check_new_password(password: str) -> str:
    """A new password's length rules (FieldError names the password field)."""
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
    """First-run setup: True only while no member at all has a password. Demo authors have none;
    once anyone can sign in, setup never reopens (a leader is made by a leader from then on)."""
    return session.scalar(select(Member.id).where(Member.password_hash.is_not(None)).limit(1)) is None


@dataclass(frozen=True)
class _NewMember:
    username: str
    display_name: str
    role: str
    language: str
    password: PasswordHash | None


def _new_member(
    username: str, display_name: str, role: str, password: str | None, language: str = "ko"
) -> _NewMember:
    """Check a new member's fields and hash the password; no query yet."""
    name = _check_username(username)
    display = check_text(display_name, "members.display_name", max_len=MAX_DISPLAY_NAME)
    role = _check_role(role)
    hashed = hash_password(check_new_password(password)) if password is not None else None
    return _NewMember(name, display, role, language if language in LANGUAGES else "ko", hashed)


def _insert_member(session: Session, new: _NewMember) -> Member:
    if session.scalar(select(Member.id).where(Member.username == new.username)) is not None:
        raise InvalidInput("members.error.duplicate", username=new.username)
    member = Member(
        username=new.username, display_name=new.display_name, role=new.role, language=new.language
    )
    if new.password is not None:
        _store(member, new.password)
    session.add(member)
    session.flush()
    return member


def create_first_leader(
    *, session: Session, username: str, display_name: str, password: str, language: str = "ko"
) -> Actor:
    """Create the first leader; refused once anyone can sign in (there is no default password)."""
    new = _new_member(username, display_name, "leader", password, language)
    if not needs_first_leader(session=session):
        raise PermissionDenied("setup.already")
    return actor_of(_insert_member(session, new))


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
    return _insert_member(session, _new_member(username, display_name, role, password))


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


def _can_sign_in_as_leader(member: Member) -> bool:
    return member.role == "leader" and member.active and member.password_hash is not None


def _leaders_who_can_sign_in(session: Session) -> int:
    q = (
        select(func.count())
        .select_from(Member)
        .where(Member.role == "leader", Member.active.is_(True), Member.password_hash.is_not(None))
    )
    return session.scalar(q) or 0


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
    """A leader edits a member; a save begun from an older version is refused (StaleEdit). The
    last leader who can sign in (active, with a password) stays one."""
    require_leader(by)
    member = get_member(session=session, member_id=member_id)
    check_version(member, expected_version)
    losing_leader = _can_sign_in_as_leader(member) and (
        (role is not None and role != "leader") or active is False
    )
    if losing_leader and _leaders_who_can_sign_in(session) <= 1:
        raise InvalidInput("members.error.last_leader")
    if active is False and member.id == by.id:
        raise InvalidInput("members.error.self_deactivate")
    if display_name is not None:
        member.display_name = check_text(display_name, "members.display_name", max_len=MAX_DISPLAY_NAME)
    if role is not None:
        member.role = _check_role(role)
    if active is not None:
        member.active = active
        if not active:  # a deactivated member is signed out everywhere
            sessions.end_all_sessions(session=session, member_id=member.id)
    session.flush()
    return member


def _new_password_for(
    session: Session, member: Member, hashed: PasswordHash, keep_token: str | None
) -> Actor:
    """End every client's lock on the name, store `hashed`, and sign out every session of the
    member but `keep_token`'s (open browser sessions too: the epoch moves on)."""
    throttle.forget_name(session=session, name=member.username)  # before the member's row: lock order
    _store(member, hashed)
    member.sign_in_epoch = (member.sign_in_epoch or 0) + 1
    session.flush()
    sessions.end_all_sessions(session=session, member_id=member.id, keep_token=keep_token)
    return actor_of(member)


def reset_password(
    *, session: Session, by: Actor | None, member_id: int, new_password: str, keep_token: str | None = None
) -> Actor:
    """A leader sets a new password for a member, which signs that member out everywhere (a
    leader resetting their own keeps `keep_token`, their own remembered sign-in). Returns the
    member as an Actor of the new epoch."""
    require_leader(by)
    hashed = hash_password(check_new_password(new_password))
    member = get_member(session=session, member_id=member_id)
    return _new_password_for(session, member, hashed, keep_token if member.id == by.id else None)


@dataclass(frozen=True)
class Credential:
    """What a sign-in reads before it checks the password (outside any transaction)."""

    member_id: int
    username: str
    active: bool
    stored: PasswordHash | None


def credential(*, session: Session, username: str) -> Credential | None:
    """The stored password of a (normalised) name, or None when there is no such member."""
    member = session.scalar(select(Member).where(Member.username == username)) if username else None
    if member is None:
        return None
    return Credential(member.id, member.username, member.active, stored_password(member))


def password_matches(password: str, cred: Credential | None) -> bool:
    """Slow: scrypt. Call it with no transaction open. Same work whether the name exists or not."""
    if cred is None or cred.stored is None:
        dummy_verify(password or "")
        return False
    return verify_password(password or "", cred.stored)


def confirm_sign_in(*, session: Session, cred: Credential, upgrade: PasswordHash | None) -> Actor | None:
    """The member whose password was just verified, if it is still that password and the member
    is still active; stores `upgrade` (today's parameters) in place of an older hash."""
    member = session.get(Member, cred.member_id)
    if member is None or not member.active or cred.stored is None:
        return None
    if member.password_hash != cred.stored.digest:  # changed while we were checking
        return None
    if upgrade is not None:
        _store(member, upgrade)
        session.flush()
    return actor_of(member)


def replace_own_password(
    *, session: Session, cred: Credential, new: PasswordHash, keep_token: str | None
) -> Actor | None:
    """Store a member's new password, if the old one just verified is still the stored one."""
    member = session.get(Member, cred.member_id)
    if member is None or not member.active or cred.stored is None:
        return None
    if member.password_hash != cred.stored.digest:
        return None
    return _new_password_for(session, member, new, keep_token)


def set_language(*, session: Session, by: Actor | None, language: str) -> None:
    """Remember a member's language choice."""
    if language not in LANGUAGES:
        raise FieldError("lang.label", "common.error.invalid_choice")
    me = get_member(session=session, member_id=require_member(by).id)
    if me.language != language:
        me.language = language
        session.flush()


def refresh_actor(*, session: Session, actor: Actor) -> Actor | None:
    """Re-read a signed-in actor: None if the account was deactivated, or its password was reset
    or changed elsewhere, since this sign-in began."""
    member = session.get(Member, actor.id)
    if member is None or not member.active or (member.sign_in_epoch or 0) != actor.epoch:
        return None
    return actor_of(member)
