"""Who is acting: the Actor value every service takes as `by`, and the role checks on it."""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import PermissionDenied
from db.models.members import Member


@dataclass(frozen=True)
class Actor:
    """A signed-in member (guests are `None` where an Actor is expected). `epoch` is the member's
    sign-in epoch when this sign-in began: a password reset or change moves it on, and an actor
    from before no longer refreshes (core.accounts.members.refresh_actor)."""

    id: int
    username: str
    display_name: str
    role: str
    language: str = "ko"
    epoch: int = 0

    @property
    def is_leader(self) -> bool:
        """True for study leaders."""
        return self.role == "leader"


def actor_of(m: Member) -> Actor:
    """The Actor for a member row."""
    return Actor(m.id, m.username, m.display_name, m.role, m.language, m.sign_in_epoch or 0)


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
