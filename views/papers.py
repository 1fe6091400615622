"""Papers: the group's reading list. Add by hand or import BibTeX (paste or upload several
entries); duplicates are merged. Open a paper to write or read its reviews."""

import pandas as pd
import streamlit as st

from core.errors import AppError, StaleEdit
from core.reviews import papers
from core.reviews.bibtex import MAX_BIB_BYTES, PaperData
from core.validate import decode_text_upload
from ui.reviews.widgets import page_link
from ui.shell.frame import frame
from ui.shell.i18n import show_error, t

ctx = frame()
st.title(t("rev.papers.title"))
if flash := st.session_state.pop("rev_flash", None):
    st.success(flash)


def paper_inputs(prefix: str, paper=None) -> PaperData:
    """The paper fields as widgets (keys keep the user's text across reruns)."""
    c1, c2 = st.columns([3, 1])
    title = c1.text_input(t("rev.paper.title"), value=paper.title if paper else "", key=f"{prefix}_title", max_chars=500)
    year = c2.number_input(t("rev.paper.year"), min_value=1900, max_value=2100, step=1,
                           value=paper.year if paper else None, key=f"{prefix}_year")
    authors = st.text_input(t("rev.paper.authors"), value=paper.authors if paper else "", key=f"{prefix}_authors")
    c1, c2, c3 = st.columns(3)
    venue = c1.text_input(t("rev.paper.venue"), value=paper.venue if paper else "", key=f"{prefix}_venue", max_chars=200)
    arxiv = c2.text_input(t("rev.paper.arxiv"), value=(paper.arxiv_id or "") if paper else "", key=f"{prefix}_arxiv")
    doi = c3.text_input(t("rev.paper.doi"), value=(paper.doi or "") if paper else "", key=f"{prefix}_doi")
    url = st.text_input(t("rev.paper.url"), value=paper.url if paper else "", key=f"{prefix}_url")
    return PaperData(title=title, authors=authors, venue=venue, year=int(year) if year else None, url=url,
                     arxiv_id=arxiv, doi=doi, bibtex=paper.bibtex if paper else "")


with st.expander(t("rev.papers.add"), icon=":material/add:"):
    tab_hand, tab_bib = st.tabs([t("rev.papers.by_hand"), t("rev.papers.bibtex")])
    with tab_hand:
        data = paper_inputs("rev_new")
        if st.button(t("rev.papers.add"), key="rev_add_paper", type="primary"):
            try:
                with ctx.db.write() as s:
                    paper, merged = papers.add_paper(session=s, by=ctx.actor, data=data)
            except AppError as err:
                show_error(err)
            else:
                st.session_state["rev_flash"] = t("rev.papers.merged" if merged else "rev.papers.added", title=paper.title)
                st.rerun()
    with tab_bib:
        pasted = st.text_area(t("rev.papers.paste"), key="rev_bib_text", height=180, placeholder="@article{...}")
        upload = st.file_uploader(t("rev.papers.upload", max_kb=MAX_BIB_BYTES // 1024), type=["bib", "txt"],
                                  key="rev_bib_file")
        if st.button(t("rev.papers.import"), key="rev_bib_go", type="primary", icon=":material/upload:"):
            try:
                text = pasted
                if upload is not None:
                    text = decode_text_upload(upload.getvalue(), max_bytes=MAX_BIB_BYTES) + "\n" + pasted
                with ctx.db.write() as s:
                    result = papers.import_bibtex(session=s, by=ctx.actor, text=text)
                    titles = [p.title for p in result.added + result.merged]
            except AppError as err:
                show_error(err)
            else:
                st.success(t("rev.papers.imported", added=len(result.added), merged=len(result.merged)))
                st.markdown("\n".join(f"- {title}" for title in titles))
                if result.failed:
                    st.warning(t("rev.papers.failed", keys=", ".join(result.failed)))

query = st.text_input(t("rev.papers.search"), key="rev_paper_q", max_chars=200)
with ctx.db.read() as s:
    rows = papers.list_papers(session=s, query=query)
if not rows:
    st.info(t("rev.papers.none"))
    st.stop()
st.dataframe(pd.DataFrame([{
    t("rev.paper.title"): p.title, t("rev.paper.authors"): p.authors, t("rev.paper.venue"): p.venue,
    t("rev.paper.year"): p.year, "arXiv": p.arxiv_id, t("rev.papers.reviews"): n,
} for p, n in rows]), hide_index=True, width="stretch")

by_id = {p.id: p for p, _ in rows}
pid = st.selectbox(t("rev.papers.open"), list(by_id), format_func=lambda i: by_id[i].title, key="rev_paper_pick")
paper = by_id[pid]
st.subheader(paper.title)
st.caption(" · ".join(x for x in (paper.authors, paper.venue, str(paper.year or "")) if x))
if paper.url:
    st.link_button(t("rev.paper.url"), paper.url, icon=":material/open_in_new:")
c1, c2 = st.columns(2)
page_link("views/review_write.py", t("rev.papers.write"), ":material/edit_note:", {"paper": str(pid)}, where=c1)
page_link("views/reviews.py", t("rev.papers.read"), ":material/rate_review:", {"paper": str(pid)}, where=c2)
if paper.bibtex:
    with st.expander("BibTeX"):
        st.code(paper.bibtex, language="latex")

if ctx.actor.is_leader or paper.added_by_id == ctx.actor.id:
    with st.expander(t("rev.papers.edit"), icon=":material/edit:"):
        base_key = f"rev_paper_base_{pid}"
        st.session_state.setdefault(base_key, paper.version)
        data = paper_inputs(f"rev_edit_{pid}", paper)
        if st.button(t("common.save"), key=f"rev_paper_save_{pid}", type="primary"):
            try:
                with ctx.db.write() as s:
                    papers.update_paper(session=s, by=ctx.actor, paper_id=pid,
                                        expected_version=st.session_state[base_key], data=data)
            except StaleEdit as err:
                show_error(err)
                st.info(f"{err.current.title} · {err.current.authors}")
                st.session_state[base_key] = err.current.version
            except AppError as err:
                show_error(err)
            else:
                st.session_state.pop(base_key, None)
                st.session_state["rev_flash"] = t("common.saved")
                st.rerun()
        if ctx.actor.is_leader and st.button(t("common.delete"), key=f"rev_paper_del_{pid}", icon=":material/delete:"):
            try:
                with ctx.db.write() as s:
                    papers.delete_paper(session=s, by=ctx.actor, paper_id=pid)
            except AppError as err:
                show_error(err)
            else:
                st.rerun()
