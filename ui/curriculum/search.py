"""The curriculum page's search box: words and a tag across weeks, notes and Q&A, drawn with the
search page's result list (ui/search/results.py); the search itself is core/search/."""

from __future__ import annotations

import streamlit as st

from core.curriculum.search import MAX_QUERY, search
from core.search.query import MAX_RESULTS
from db.models.curriculum import Week
from ui.curriculum import keys
from ui.search.results import hit_list
from ui.shell.actions import attempt
from ui.shell.i18n import t


def search_box(ctx, weeks: list[Week], tags: list[str]) -> None:
    """An expander (open while a search is typed) listing the hits, each a link to its page."""
    typed = st.session_state.get(keys.SEARCH_QUERY) or st.session_state.get(keys.SEARCH_TAG)
    with st.expander(t("cur.search.title"), icon=":material/search:", expanded=bool(typed)):
        c1, c2 = st.columns([3, 1])
        query = c1.text_input(t("cur.search.query"), max_chars=MAX_QUERY, key=keys.SEARCH_QUERY)
        tag_labels = {"": t("cur.search.any_tag"), **{x: x for x in tags}}
        tag = c2.selectbox(
            t("cur.search.tag"), list(tag_labels), key=keys.SEARCH_TAG, format_func=tag_labels.get
        )
        if not (query.strip() or tag):
            return

        def find():
            with ctx.db.read() as s:  # a NUL byte PostgreSQL cannot take is InvalidInput when the read ends
                return search(session=s, query=query, tag=tag or None, lang=ctx.lang, by=ctx.actor)

        hits = attempt(find)
        if hits is not None:
            hit_list(hits, {w.id: w for w in weeks}, ctx.lang, limit=MAX_RESULTS)
