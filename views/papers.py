"""Papers: the group's reading list. Add by hand or import BibTeX (paste or upload several
entries); duplicates are merged. Open a paper to write or read its reviews."""

import pandas as pd
import streamlit as st

from core.reviews import papers
from ui.reviews import keys
from ui.reviews.papers import add_papers, paper_details, paper_edit
from ui.reviews.summary import summary_section
from ui.shell.frame import frame
from ui.shell.i18n import t

ctx = frame()
st.title(t("rev.papers.title"))
add_papers(ctx)

query = st.text_input(t("rev.papers.search"), key=keys.PAPER_QUERY, max_chars=papers.MAX_QUERY)
with ctx.db.read() as s:
    rows = papers.list_papers(session=s, query=query)
if not rows:
    st.info(t("rev.papers.none"))
    st.stop()
st.dataframe(
    pd.DataFrame(
        [
            {
                t("rev.paper.title"): p.title,
                t("rev.paper.authors"): p.authors,
                t("rev.paper.venue"): p.venue,
                t("rev.paper.year"): p.year,
                "arXiv": p.arxiv_id,
                t("rev.papers.reviews"): n,
            }
            for p, n in rows
        ]
    ),
    hide_index=True,
    width="stretch",
)

by_id = {p.id: p for p, _ in rows}
pid = st.selectbox(
    t("rev.papers.open"), list(by_id), format_func=lambda i: by_id[i].title, key=keys.PAPER_PICK
)
paper = by_id[pid]
paper_details(paper)
if ctx.is_leader:
    summary_section(ctx, paper.id)
if ctx.is_leader or paper.added_by_id == ctx.actor.id:
    paper_edit(ctx, paper)
