"""Demo members: authors and presenters of the demo content. They have no password, so nobody
can sign in as them until a leader sets one (there is no default password anywhere)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models.members import Member

ORDER = 0

DEMO_MEMBERS = [
    ("demo.hayeon", "김하연"),
    ("demo.minjun", "이민준"),
    ("demo.seoyeon", "박서연"),
    ("demo.jiho", "최지호"),
]


def is_empty(session: Session) -> bool:
    """No members yet."""
    return session.scalar(select(func.count()).select_from(Member)) == 0


def seed(session: Session) -> None:
    """Add the demo members (role member, no password)."""
    for username, name in DEMO_MEMBERS:
        session.add(Member(username=username, display_name=name, role="member"))
    session.flush()


def demo_member(session: Session, username: str) -> Member | None:
    """A demo member by username, for other seed modules."""
    return session.scalar(select(Member).where(Member.username == username))
