"""Find and read reviews: filters (paper, member, status, week, tag, rating), full-text search in
answers, one review's page (?review=<id>), and exports."""

import streamlit as st

from core.accounts import members
from core.reviews import papers
from core.reviews.queries import find_reviews, hidden_count
from core.validate import url_id
from ui.reviews.find import exports, filter_bar, results
from ui.reviews.view import review_page
from ui.shell.frame import frame
from ui.shell.i18n import t

ctx = frame()

wanted = st.query_params.get("review")
if wanted is not None:
    if st.button(t("rev.find.back"), icon=":material/arrow_back:"):
        del st.query_params["review"]
        st.rerun()
    review_page(ctx, url_id(wanted) or 0)  # a malformed id is a review that does not exist
    st.stop()

st.title(t("rev.find.title"))
with ctx.db.read() as s:
    everything = find_reviews(session=s, by=ctx.actor)
    paper_by_id = {p.id: p for p, _ in papers.list_papers(session=s)}
    member_by_id = {m.id: m for m in members.list_members(session=s)}
    hidden = 0 if ctx.actor.is_leader else hidden_count(session=s, by=ctx.actor)
if not ctx.actor.is_leader:  # independent opinions first: say why others' reviews are missing
    waiting = f" {t('rev.find.waiting', n=hidden)}" if hidden else ""
    st.info(t("rev.find.independent") + waiting, icon=":material/visibility_off:")
filters = filter_bar(ctx, everything, paper_by_id, member_by_id)
with ctx.db.read() as s:
    rows = find_reviews(session=s, by=ctx.actor, filters=filters)
results(rows)
exports(ctx, filters.paper_id)
