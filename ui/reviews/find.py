"""Finding reviews: the filter bar (paper, member, status, week, tag, rating, text), the result
table with links to each review, and the exports (one paper's reviews, a ZIP of all)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.reviews import export as review_export
from core.reviews.queries import MAX_TEXT, Filters, all_tags, rating_keys, week_text
from core.reviews.queries import STATUSES as REVIEW_STATUSES
from core.validate import url_id
from ui.reviews import keys
from ui.shell.i18n import t
from ui.shell.links import page_link
from ui.shell.time import show


def _number(value) -> int | None:
    return int(value) if value is not None else None


def filter_bar(ctx, everything: list, paper_by_id: dict, member_by_id: dict) -> Filters:
    """Eight filters in two rows; `?paper=<id>` preselects the paper."""
    any_ = t("rev.find.any")
    c1, c2, c3, c4 = st.columns(4)
    paper_q = st.query_params.get("paper")
    paper_ids = list(paper_by_id)
    wanted = url_id(paper_q) if url_id(paper_q) in paper_by_id else None
    paper_id = c1.selectbox(
        t("rev.find.paper"),
        paper_ids,
        format_func=lambda i: paper_by_id[i].title,
        index=paper_ids.index(wanted) if wanted is not None else None,
        placeholder=any_,
        key=keys.FIND_PAPER,
    )
    member_id = c2.selectbox(
        t("rev.find.member"),
        list(member_by_id),
        format_func=lambda i: member_by_id[i].display_name,
        index=None,
        placeholder=any_,
        key=keys.FIND_MEMBER,
    )
    status = c3.selectbox(
        t("rev.find.status"),
        REVIEW_STATUSES,
        format_func=lambda x: t(f"rev.status.{x}"),
        index=None,
        placeholder=any_,
        key=keys.FIND_STATUS,
    )
    week = c4.number_input(t("rev.week"), min_value=0, max_value=200, value=None, step=1, key=keys.FIND_WEEK)
    c5, c6, c7, c8 = st.columns(4)
    tag = c5.selectbox(
        t("rev.find.tag"), all_tags(everything), index=None, placeholder=any_, key=keys.FIND_TAG
    )
    ratings = rating_keys(everything, ctx.lang)
    rating_key = c6.selectbox(
        t("rev.find.rating"),
        list(ratings),
        format_func=ratings.get,
        index=None,
        placeholder=any_,
        key=keys.FIND_RATING_KEY,
    )
    min_rating = c7.number_input(
        t("rev.find.min_rating"), value=None, step=1, key=keys.FIND_MIN_RATING, disabled=rating_key is None
    )
    text = c8.text_input(
        t("rev.find.text"), key=keys.FIND_TEXT, placeholder=t("rev.find.text_hint"), max_chars=MAX_TEXT
    )
    return Filters(
        paper_id=paper_id,
        member_id=member_id,
        status=status,
        week_no=_number(week),
        tag=tag or "",
        rating_key=rating_key or "",
        min_rating=_number(min_rating),
        text=text,
    )


def results(rows: list) -> None:
    """The matching reviews as a table, then a link to each of the first 50."""
    st.caption(t("rev.find.count", n=len(rows)))
    if not rows:
        st.info(t("rev.find.none"))
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("rev.paper.title"): r.paper.title,
                    t("rev.find.member"): r.author.display_name,
                    t("rev.find.status"): t(f"rev.status.{r.review.status}"),
                    t("rev.week"): week_text(r.review.week_no),
                    t("rev.helpfulness"): r.helpfulness,
                    t("rev.find.updated"): show(r.review.updated_at),
                }
                for r in rows
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    for r in rows[:50]:
        page_link("reviews", f"{r.paper.title} — {r.author.display_name}", query={"review": r.review.id})


def exports(ctx, paper_id: int | None) -> None:
    """The filtered paper's reviews as Markdown; every readable review as a ZIP, prepared on request."""
    paper_md = None
    if paper_id:
        with ctx.db.read() as s:
            paper_md = review_export.export_paper(session=s, by=ctx.actor, paper_id=paper_id, lang=ctx.lang)
    c1, c2 = st.columns(2)
    if paper_md:
        c1.download_button(
            t("rev.find.download_paper"),
            paper_md,
            file_name=f"paper-{paper_id}-reviews.md",
            mime="text/markdown",
            icon=":material/download:",
        )
    if c2.button(t("rev.find.prepare_zip"), icon=":material/folder_zip:"):
        with ctx.db.read() as s:
            st.session_state[keys.ZIP] = review_export.export_zip(session=s, by=ctx.actor, lang=ctx.lang)
    if st.session_state.get(keys.ZIP):
        c2.download_button(
            t("rev.find.download_zip"),
            st.session_state[keys.ZIP],
            file_name="reviews.zip",
            mime="application/zip",
            icon=":material/download:",
        )
