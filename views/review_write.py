"""Write a review: pick a paper (or open an assignment), start on a template, and fill the
form; the draft is saved on the server as you type."""

import streamlit as st

from core.reviews import papers, templates
from core.reviews import workflow as reviews
from core.reviews.queries import hidden_count, my_reviews
from core.validate import url_id
from ui.reviews import keys
from ui.reviews.editor import editor
from ui.shell.actions import act
from ui.shell.frame import frame
from ui.shell.i18n import t
from ui.shell.links import page_link

ctx = frame()
st.title(t("rev.write.title"))

with ctx.db.read() as s:
    paper_rows = papers.list_papers(session=s)
    tpl_rows = templates.list_templates(session=s)
by_id = {p.id: p for p, _ in paper_rows}
if not by_id:
    st.info(t("rev.write.no_papers"))
    page_link("papers", t("rev.nav.papers"))
    st.stop()

wanted = url_id(st.query_params.get("paper"))
ids = list(by_id)
index = ids.index(wanted) if wanted in by_id else None
paper_id = st.selectbox(
    t("rev.write.paper"),
    ids,
    index=index,
    format_func=lambda i: by_id[i].title,
    placeholder=t("rev.form.pick"),
    key=keys.WRITE_PAPER,
)
if paper_id is None:
    st.stop()
if str(paper_id) != wanted:
    st.query_params["paper"] = str(paper_id)  # a reload reopens the same review

with ctx.db.read() as s:
    mine = next((row.review for row in my_reviews(session=s, by=ctx.actor) if row.paper.id == paper_id), None)
    hidden = hidden_count(session=s, by=ctx.actor, paper_id=paper_id)

paper = by_id[paper_id]
st.caption(" · ".join(x for x in (paper.authors, paper.venue, str(paper.year or "")) if x))
if hidden and (mine is None or mine.status == "draft"):
    st.info(t("rev.write.hidden", n=hidden), icon=":material/visibility_off:")

if mine is None:
    if not tpl_rows:
        st.warning(t("rev.write.no_templates"))
        st.stop()
    tpl_ids = [tp.id for tp in tpl_rows]
    names = {tp.id: templates.template_name(tp, ctx.lang) for tp in tpl_rows}
    tpl_id = st.selectbox(t("rev.template"), tpl_ids, format_func=names.get, key=keys.WRITE_TEMPLATE)
    week = st.number_input(t("rev.week"), min_value=0, max_value=200, value=None, step=1, key=keys.WRITE_WEEK)
    if st.button(t("rev.write.start"), type="primary", icon=":material/edit:"):
        act(
            ctx.db,
            lambda s: reviews.start_review(
                session=s,
                by=ctx.actor,
                paper_id=paper_id,
                template_id=tpl_id,
                week_no=int(week) if week is not None else None,
            ),
        )
    st.stop()

editor(ctx, mine.id)
if mine.status != "draft":
    page_link("reviews", t("rev.write.open_read"), ":material/visibility:", {"review": mine.id})
