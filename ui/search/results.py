"""Search hits on screen: a link to the page that opens each one, what and where it is, and its
snippet. The snippet is plain text escaped before its matches are wrapped in <mark>
(core.search.snippet.Snippet.html), so nothing a member typed becomes markup."""

from __future__ import annotations

import streamlit as st

from core.search.query import Hit
from db.models.curriculum import Week
from ui.curriculum.widgets import week_label
from ui.shell.i18n import t
from ui.shell.links import page_link


def target(hit: Hit) -> tuple[str, dict]:
    """The page key and query string that open a hit (the pages read these parameters)."""
    if hit.kind == "week":
        return "curriculum", {"week": hit.id}
    if hit.kind == "note":
        return "curriculum", {"week": hit.week_id}
    if hit.kind == "question":
        return "qa", {"question": hit.id}
    if hit.kind == "review":
        return "reviews", {"review": hit.id}
    return "retros", {"week": hit.week_id}


def _where(hit: Hit, weeks: dict[int, Week], lang: str) -> str:
    parts = []
    if hit.kind != "week" and hit.week_id in weeks:
        parts.append(week_label(weeks[hit.week_id], lang))
    if hit.author:
        parts.append(t("search.by", name=hit.author))
    if hit.via_answer:
        parts.append(t("search.via_answer"))
    return " · ".join(parts)


def hit_card(hit: Hit, weeks: dict[int, Week], lang: str) -> None:
    """One hit: its link (kind and title), where it hangs, and the highlighted snippet."""
    box = st.container(border=True)
    page, query = target(hit)
    title = hit.title or (week_label(weeks[hit.week_id], lang) if hit.week_id in weeks else "")
    label = f"{t(f'search.kind.{hit.kind}')} · {title}"
    page_link(page, label, query=query, where=box, unavailable=t("search.unavailable"))
    where = _where(hit, weeks, lang)
    if where:
        box.caption(where)
    if hit.snippet.text:
        box.html(f'<div class="search-snippet">{hit.snippet.html()}</div>')


def hit_list(hits: list[Hit], weeks: dict[int, Week], lang: str, *, limit: int) -> None:
    """The count, then every hit; a note when the list was cut at `limit`."""
    if not hits:
        st.caption(t("search.none"))
        return
    st.caption(t("search.count", n=len(hits)))
    for hit in hits:
        hit_card(hit, weeks, lang)
    if len(hits) >= limit:
        st.caption(t("search.more", n=limit))
