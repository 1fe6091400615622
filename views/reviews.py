"""Find and read reviews: filters (paper, member, status, week, tag, rating), full-text search in
answers, one review's page (?review=<id>), and exports."""

import pandas as pd
import streamlit as st

from core.accounts import members
from core.reviews import export as review_export
from core.reviews import papers
from core.reviews.queries import STATUSES as REVIEW_STATUSES
from core.reviews.queries import Filters, all_tags, find_reviews, rating_keys
from ui.reviews.view import review_page
from ui.reviews.widgets import page_link
from ui.shell.frame import frame
from ui.shell.i18n import t

ctx = frame()
if flash := st.session_state.pop("rev_flash", None):
    st.success(flash)

wanted = st.query_params.get("review")
if wanted and wanted.isdigit():
    if st.button(t("rev.find.back"), icon=":material/arrow_back:"):
        del st.query_params["review"]
        st.rerun()
    review_page(ctx, int(wanted))
    st.stop()

st.title(t("rev.find.title"))
with ctx.db.read() as s:
    everything = find_reviews(session=s, by=ctx.actor)
    paper_by_id = {p.id: p for p, _ in papers.list_papers(session=s)}
    member_by_id = {m.id: m for m in members.list_members(session=s)}

c1, c2, c3, c4 = st.columns(4)
paper_q = st.query_params.get("paper")
paper_ids = [i for i in paper_by_id]
paper_id = c1.selectbox(t("rev.find.paper"), paper_ids, format_func=lambda i: paper_by_id[i].title,
                        index=paper_ids.index(int(paper_q)) if paper_q and paper_q.isdigit() and int(paper_q) in paper_by_id else None,
                        placeholder=t("rev.find.any"), key="rev_f_paper")
member_id = c2.selectbox(t("rev.find.member"), list(member_by_id), format_func=lambda i: member_by_id[i].display_name,
                         index=None, placeholder=t("rev.find.any"), key="rev_f_member")
status = c3.selectbox(t("rev.find.status"), REVIEW_STATUSES, format_func=lambda x: t(f"rev.status.{x}"),
                      index=None, placeholder=t("rev.find.any"), key="rev_f_status")
week = c4.number_input(t("rev.week"), min_value=0, max_value=200, value=None, step=1, key="rev_f_week")
c5, c6, c7, c8 = st.columns(4)
tags = all_tags(everything)
tag = c5.selectbox(t("rev.find.tag"), tags, index=None, placeholder=t("rev.find.any"), key="rev_f_tag")
ratings = rating_keys(everything, ctx.lang)
rating_key = c6.selectbox(t("rev.find.rating"), list(ratings), format_func=ratings.get, index=None,
                          placeholder=t("rev.find.any"), key="rev_f_rkey")
min_rating = c7.number_input(t("rev.find.min_rating"), value=None, step=1, key="rev_f_rmin",
                             disabled=rating_key is None)
text = c8.text_input(t("rev.find.text"), key="rev_f_text", placeholder=t("rev.find.text_hint"), max_chars=200)

filters = Filters(paper_id=paper_id, member_id=member_id, status=status,
                  week_no=int(week) if week is not None else None, tag=tag or "",
                  rating_key=rating_key or "", min_rating=int(min_rating) if min_rating is not None else None,
                  text=text)
with ctx.db.read() as s:
    rows = find_reviews(session=s, by=ctx.actor, filters=filters)
    paper_md = review_export.export_paper(session=s, by=ctx.actor, paper_id=paper_id, lang=ctx.lang) if paper_id else None

st.caption(t("rev.find.count", n=len(rows)))
if rows:
    st.dataframe(pd.DataFrame([{
        t("rev.paper.title"): r.paper.title, t("rev.find.member"): r.author.display_name,
        t("rev.find.status"): t(f"rev.status.{r.review.status}"), t("rev.week"): r.review.week_no,
        t("rev.helpfulness"): r.review.helpfulness,
        t("rev.find.updated"): r.review.updated_at.astimezone().strftime("%Y-%m-%d %H:%M"),
    } for r in rows]), hide_index=True, width="stretch")
    for r in rows[:50]:
        page_link("views/reviews.py", f"{r.paper.title} — {r.author.display_name}", ":material/rate_review:", {"review": str(r.review.id)})
else:
    st.info(t("rev.find.none"))

c1, c2 = st.columns(2)
if paper_md:
    c1.download_button(t("rev.find.download_paper"), paper_md, file_name=f"paper-{paper_id}-reviews.md",
                       mime="text/markdown", icon=":material/download:")
if c2.button(t("rev.find.prepare_zip"), icon=":material/folder_zip:"):
    with ctx.db.read() as s:
        st.session_state["rev_zip"] = review_export.export_zip(session=s, by=ctx.actor, lang=ctx.lang)
if st.session_state.get("rev_zip"):
    c2.download_button(t("rev.find.download_zip"), st.session_state["rev_zip"], file_name="reviews.zip",
                       mime="application/zip", icon=":material/download:")
