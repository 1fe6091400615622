"""Helpers that make accounts for tests (through the real services)."""

from __future__ import annotations

from core.accounts import members
from core.accounts.members import Actor, actor_of
from db.engine import Database

PASSWORD = "correct horse 1"


def make_leader(db: Database, username: str = "leader", name: str = "스터디장") -> Actor:
    """The first leader (or another leader if one exists)."""
    with db.write() as s:
        if members.needs_first_leader(session=s):
            return members.create_first_leader(
                session=s, username=username, display_name=name, password=PASSWORD
            )
    boss = any_leader(db)
    with db.write() as s:
        return actor_of(
            members.add_member(
                session=s, by=boss, username=username, display_name=name, password=PASSWORD, role="leader"
            )
        )


def make_member(db: Database, username: str = "member", name: str = "멤버", by: Actor | None = None) -> Actor:
    """A member with PASSWORD, added by a leader (made first if needed)."""
    by = by or any_leader(db) or make_leader(db)
    with db.write() as s:
        return actor_of(
            members.add_member(session=s, by=by, username=username, display_name=name, password=PASSWORD)
        )


def any_leader(db: Database) -> Actor | None:
    """An active leader who can sign in, or None."""
    with db.read() as s:
        for m in members.list_members(session=s, active_only=True):
            if m.role == "leader" and m.password_hash:
                return actor_of(m)
    return None
