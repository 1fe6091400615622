"""The search index: one row per searchable text (a week, note, question, answer, review or
retrospective), kept in step with its source in the same transaction by core/search/index.py.

Derived data: `python -m core.search rebuild` makes it again from the sources, and a restore
rebuilds it on commit. `folded` is what queries match (core/search/text.py `fold`); on
PostgreSQL a pg_trgm GIN index serves `LIKE '%word%'` on it; on SQLite the same name is an empty
partial index and the trigram index is an FTS5 table core/search/index.py keeps beside it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, utcnow

SEARCH_KINDS = ("week", "note", "question", "answer", "review", "retro")


class SearchDoc(Base):
    """One indexed text: what it is (`kind`, `ref_id`), where it hangs (`week_id`, `parent_id`:
    an answer's question) and its plain title and body."""

    __tablename__ = "search_docs"
    __table_args__ = (
        UniqueConstraint("kind", "ref_id"),
        Index(
            "ix_search_docs_trgm",
            "folded",
            postgresql_using="gin",
            postgresql_ops={"folded": "gin_trgm_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    ref_id: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    week_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    folded: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


import core.search.index  # noqa: E402, F401  (the hooks that keep this table in step with its sources)
