"""The reading list's parts: the paper fields, adding by hand (filled from an arXiv id or DOI if asked)
or by BibTeX (paste or upload; duplicates are merged), one paper's details with its review links, and
editing / deleting it."""

from __future__ import annotations

import streamlit as st

from core.errors import AppError, StaleEdit
from core.reviews import lookup, papers
from core.reviews.bibtex import MAX_BIB_BYTES, PaperData
from core.validate import MAX_URL, decode_text_upload
from db.models.reviews import Paper
from ui.reviews import keys
from ui.shell.actions import act
from ui.shell.i18n import error_text, show_error, t
from ui.shell.links import page_link
from ui.shell.widgets import upload


def lookup_paper(prefix: str) -> None:
    """An arXiv id / URL or DOI box whose button fills the paper form `prefix` (drawn below it).
    A failed look-up shows why and leaves the form as it was."""
    c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
    text = c1.text_input(
        t("rev.lookup.label"),
        key=keys.LOOKUP_TEXT,
        max_chars=papers.MAX_ID,
        placeholder="1706.03762 · https://arxiv.org/abs/1706.03762 · 10.1109/CVPR.2016.90",
        help=t("rev.lookup.help"),
    )
    if not c2.button(t("rev.lookup.go"), key=keys.LOOKUP_GO, icon=":material/search:"):
        return
    try:
        found = lookup.lookup(text)
    except AppError as err:
        show_error(err)
        return
    st.session_state[keys.paper_fill(prefix)] = found
    st.success(t("rev.lookup.filled", title=found.title, source=lookup.parse_id(text).source))


def _apply_fill(prefix: str) -> None:
    # Runs before the form's widgets exist in this run: a drawn widget's key cannot be assigned.
    found: PaperData | None = st.session_state.pop(keys.paper_fill(prefix), None)
    if found is None:
        return
    values = {
        "title": found.title,
        "year": found.year,
        "authors": found.authors,
        "venue": found.venue,
        "arxiv": found.arxiv_id,
        "doi": found.doi,
        "url": found.url,
    }
    for field, value in values.items():
        if value:  # what the source does not know stays as the user typed it
            st.session_state[keys.paper_field(prefix, field)] = value


def paper_inputs(prefix: str, paper: Paper | None = None) -> PaperData:
    """The paper fields as widgets (keys keep the user's text across reruns)."""
    _apply_fill(prefix)
    key = lambda field: keys.paper_field(prefix, field)  # noqa: E731
    c1, c2 = st.columns([3, 1])
    title = c1.text_input(
        t("rev.paper.title"), value=paper.title if paper else "", key=key("title"), max_chars=papers.MAX_TITLE
    )
    year = c2.number_input(
        t("rev.paper.year"),
        min_value=1900,
        max_value=2100,
        step=1,
        value=paper.year if paper else None,
        key=key("year"),
    )
    authors = st.text_input(
        t("rev.paper.authors"),
        value=paper.authors if paper else "",
        key=key("authors"),
        max_chars=papers.MAX_AUTHORS,
    )
    c1, c2, c3 = st.columns(3)
    venue = c1.text_input(
        t("rev.paper.venue"), value=paper.venue if paper else "", key=key("venue"), max_chars=papers.MAX_VENUE
    )
    arxiv = c2.text_input(
        t("rev.paper.arxiv"),
        value=(paper.arxiv_id or "") if paper else "",
        key=key("arxiv"),
        max_chars=papers.MAX_ID,
    )
    doi = c3.text_input(
        t("rev.paper.doi"), value=(paper.doi or "") if paper else "", key=key("doi"), max_chars=papers.MAX_ID
    )
    url = st.text_input(
        t("rev.paper.url"), value=paper.url if paper else "", key=key("url"), max_chars=MAX_URL
    )
    return PaperData(
        title=title,
        authors=authors,
        venue=venue,
        year=int(year) if year else None,
        url=url,
        arxiv_id=arxiv,
        doi=doi,
        bibtex=paper.bibtex if paper else "",
    )


def add_papers(ctx) -> None:
    """An expander with two tabs: one paper by hand, or BibTeX entries pasted and / or uploaded."""
    with st.expander(t("rev.papers.add"), icon=":material/add:"):
        tab_hand, tab_bib = st.tabs([t("rev.papers.by_hand"), t("rev.papers.bibtex")])
        with tab_hand:
            lookup_paper(keys.NEW_PAPER)
            data = paper_inputs(keys.NEW_PAPER)
            if st.button(t("rev.papers.add"), key=keys.ADD_PAPER, type="primary"):
                act(
                    ctx.db,
                    lambda s: papers.add_paper(session=s, by=ctx.actor, data=data),
                    done=lambda added: "rev.papers.merged" if added[1] else "rev.papers.added",
                    params=lambda added: {"title": added[0].title},
                )
        with tab_bib:
            _import_bibtex(ctx)


def _import_bibtex(ctx) -> None:
    pasted = st.text_area(
        t("rev.papers.paste"),
        key=keys.BIB_TEXT,
        height=180,
        placeholder="@article{...}",
        max_chars=MAX_BIB_BYTES,
    )
    bib_file = upload(
        t("rev.papers.upload"), max_bytes=MAX_BIB_BYTES, types=["bib", "txt"], key=keys.BIB_FILE
    )
    if not st.button(t("rev.papers.import"), key=keys.BIB_GO, type="primary", icon=":material/upload:"):
        return

    def write(s):
        text = pasted
        if bib_file is not None:
            text = decode_text_upload(bib_file.getvalue(), max_bytes=MAX_BIB_BYTES) + "\n" + pasted
        result = papers.import_bibtex(session=s, by=ctx.actor, text=text)
        return result, [p.title for p in result.papers]

    def imported(done) -> None:  # no rerun: the list of what came in stays on screen
        result, titles = done
        counts = {"added": len(result.added), "merged": len(result.merged), "skipped": len(result.failed)}
        st.success(t("rev.papers.imported", **counts))
        st.markdown("\n".join(f"- {title}" for title in titles))
        unread = result.unread()
        if unread is not None:
            st.warning(error_text(unread), icon=":material/warning:")

    act(ctx.db, write, rerun=False, on_success=imported)


def paper_details(paper: Paper) -> None:
    """Title, authors, link, where to write or read its reviews, and its BibTeX."""
    st.subheader(paper.title)
    st.caption(" · ".join(x for x in (paper.authors, paper.venue, str(paper.year or "")) if x))
    link = papers.link(paper)
    if link:
        st.link_button(t("rev.paper.url"), link, icon=":material/open_in_new:")
    c1, c2 = st.columns(2)
    page_link("write-review", t("rev.papers.write"), query={"paper": paper.id}, where=c1)
    page_link("reviews", t("rev.papers.read"), query={"paper": paper.id}, where=c2)
    if paper.bibtex:
        with st.expander("BibTeX"):
            st.code(paper.bibtex, language="latex")


def paper_edit(ctx, paper: Paper) -> None:
    """The paper's editor (who added it, or a leader); a stale save shows the newer one. Leaders delete."""
    pid = paper.id
    with st.expander(t("rev.papers.edit"), icon=":material/edit:"):
        base_key = keys.paper_base(pid)
        st.session_state.setdefault(base_key, paper.version)
        data = paper_inputs(keys.paper_prefix(pid), paper)

        def refused(err) -> None:
            show_error(err)
            if isinstance(err, StaleEdit):
                st.info(f"{err.current.title} · {err.current.authors}")
                st.session_state[base_key] = err.current.version

        if st.button(t("common.save"), key=keys.paper_save(pid), type="primary"):
            act(
                ctx.db,
                lambda s: papers.update_paper(
                    session=s,
                    by=ctx.actor,
                    paper_id=pid,
                    expected_version=st.session_state[base_key],
                    data=data,
                ),
                done="common.saved",
                forget=(base_key,),
                on_error=refused,
            )
        if ctx.is_leader and st.button(
            t("common.delete"), key=keys.paper_delete(pid), icon=":material/delete:"
        ):
            act(ctx.db, lambda s: papers.delete_paper(session=s, by=ctx.actor, paper_id=pid))
