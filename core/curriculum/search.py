"""The curriculum page's search box, now served by the one search: core/search/ (index, ranking,
snippets, who sees what). Kept as a name for callers not yet moved; it adds nothing but its
defaults: weeks, notes and Q&A as a guest sees them, errors shown on the box's own label."""

from __future__ import annotations

from core.search.query import MAX_QUERY, Hit
from core.search.query import search as _search

__all__ = ["MAX_QUERY", "Hit", "search"]

CURRICULUM_KINDS = ("week", "note", "question")


def search(*, session, query: str, tag: str | None = None, lang: str = "ko", by=None) -> list[Hit]:
    """Weeks, notes and questions matching every word of `query` (and `tag`), best first."""
    return _search(
        session=session,
        query=query,
        by=by,
        tag=tag,
        kinds=CURRICULUM_KINDS,
        lang=lang,
        field="cur.search.query",
    )
