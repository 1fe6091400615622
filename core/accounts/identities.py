"""Signing in with the group's accounts (OIDC through Streamlit's st.login), optional per
deployment: a leader links a member to the e-mail address their provider reports, and a
provider's *verified* e-mail signs that member in. Local accounts keep working beside it.

The link is the member's `email` (unique, stored lower-case). Linking and unlinking are leader
calls; the mapping refuses an unverified e-mail, one that matches no member, and a deactivated
member, each with its own translated reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts.actor import Actor, actor_of, require_leader
from core.accounts.members import get_member
from core.errors import InvalidInput
from core.validate import FieldError
from db.models.members import Member

MAX_EMAIL = 254  # the members.email column (RFC 5321's path limit)
_LOCAL_MAX = 64


def normalise_email(email: str | None) -> str:
    """E-mail addresses are compared lower-case, without surrounding blanks."""
    return (email or "").strip().lower()


def check_email(email: str | None) -> str:
    """A linkable address (one @, a dotted domain, no blanks or control characters); lower-cased."""
    addr = normalise_email(email)
    if len(addr) > MAX_EMAIL:
        raise FieldError("identity.email", "common.error.too_long", max=MAX_EMAIL)
    local, at, domain = addr.rpartition("@")
    ok = (
        at == "@"
        and 0 < len(local) <= _LOCAL_MAX
        and "@" not in local
        and "." in domain.strip(".")
        and not domain.startswith(".")
        and not domain.endswith(".")
        and ".." not in domain
        and all(c.isprintable() and not c.isspace() for c in addr)
    )
    if not ok:
        raise FieldError("identity.email", "identity.error.email")
    return addr


def link_identity(*, session: Session, by: Actor | None, member_id: int, email: str) -> Member:
    """A leader links `email` to a member (replacing an earlier link); an address already linked
    to someone else is refused, naming them."""
    require_leader(by)
    addr = check_email(email)
    member = get_member(session=session, member_id=member_id)
    other = session.scalar(select(Member).where(Member.email == addr, Member.id != member.id))
    if other is not None:
        raise InvalidInput("identity.error.taken", email=addr, name=other.display_name)
    if member.email != addr:
        member.email = addr
        session.flush()
    return member


def unlink_identity(*, session: Session, by: Actor | None, member_id: int) -> Member:
    """A leader removes a member's link: the next page that member opens through the provider
    is signed out (ui/accounts/oidc.py checks the link on every run)."""
    require_leader(by)
    member = get_member(session=session, member_id=member_id)
    if member.email is not None:
        member.email = None
        session.flush()
    return member


def _verified(value: Any) -> bool:
    # Google and Keycloak send a JSON boolean; some bridges send the string "true".
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def member_for_identity(*, session: Session, claims: Mapping[str, Any]) -> Actor:
    """The member a provider's claims (st.user) sign in as; InvalidInput with the reason when the
    e-mail is missing, unverified, linked to nobody, or its member is deactivated."""
    raw = claims.get("email")
    addr = normalise_email(raw if isinstance(raw, str) else None)
    if not addr or len(addr) > MAX_EMAIL:
        raise InvalidInput("identity.error.no_email")
    if not _verified(claims.get("email_verified")):
        raise InvalidInput("identity.error.unverified", email=addr)
    member = session.scalar(select(Member).where(Member.email == addr))
    if member is None:
        raise InvalidInput("identity.error.no_member", email=addr)
    if not member.active:
        raise InvalidInput("identity.error.inactive", email=addr)
    return actor_of(member)
