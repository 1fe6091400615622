"""The search page's section: the box (filled from ?q= on the first visit, which it keeps in the
URL so a search can be shared), the kinds to look in, and the hits the reader may see."""

from __future__ import annotations

import streamlit as st

from core.curriculum import weeks as cur
from core.search.query import MAX_QUERY, MAX_RESULTS, PUBLIC_KINDS, RESULT_KINDS, search
from ui.search import keys
from ui.search.results import hit_list
from ui.shell.actions import attempt
from ui.shell.i18n import t
from ui.shell.widgets import pick_many


def search_section(ctx) -> None:
    """Box, kinds, hits."""
    if keys.QUERY not in st.session_state:
        st.session_state[keys.QUERY] = (st.query_params.get(keys.URL_PARAM) or "")[:MAX_QUERY]
    query = st.text_input(
        t("search.query"), max_chars=MAX_QUERY, key=keys.QUERY, placeholder=t("search.placeholder")
    )
    offered = RESULT_KINDS if ctx.actor is not None else PUBLIC_KINDS
    kinds = pick_many(t("search.kinds"), offered, key=keys.KINDS, format_func=lambda k: t(f"search.kind.{k}"))
    if ctx.actor is None:
        st.caption(t("search.guest_note"))
    elif not ctx.actor.is_leader and (not kinds or "review" in kinds):
        st.caption(t("search.reviews_note"))
    if query.strip():
        st.query_params[keys.URL_PARAM] = query.strip()
    elif keys.URL_PARAM in st.query_params:
        del st.query_params[keys.URL_PARAM]
    if not query.strip():
        return

    def find():
        with ctx.db.read() as s:  # a NUL byte PostgreSQL cannot take is InvalidInput when the read ends
            weeks = {w.id: w for w in cur.list_weeks(session=s)}
            return weeks, search(session=s, query=query, by=ctx.actor, kinds=kinds or None, lang=ctx.lang)

    found = attempt(find)
    if found is not None:
        hit_list(found[1], found[0], ctx.lang, limit=MAX_RESULTS)
