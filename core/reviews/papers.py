"""Papers: add by hand or import BibTeX; duplicates (same arXiv id, DOI or normalised title)
are merged into the existing row instead of doubled. A DOI is stored as typed and compared
case-insensitively; a paper with a DOI and no URL links to its DOI."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from core.accounts.members import Actor, require_member
from core.errors import FieldError, InvalidFields, InvalidInput, NotFound, PermissionDenied
from core.reviews import bibtex
from core.reviews.bibtex import PaperData
from core.validate import Problems, check_version
from core.validate import text as check_text
from core.validate import url as check_url
from db.models.reviews import Paper, Review

MAX_TITLE = 500  # Paper.title String(500)
MAX_VENUE = 200  # Paper.venue String(200)
MAX_QUERY = 200  # the reading list's title search
MAX_AUTHORS = 5000
MAX_BIBTEX = bibtex.MAX_ENTRY_CHARS
MAX_ID = 300  # an arXiv id or DOI as typed (a URL to it included); the form caps it too
MAX_DOI = 200  # Paper.doi String(200): the DOI itself, once the URL around it is dropped


@dataclass
class ImportResult:
    """What a BibTeX import did, one item per entry: `added` (an entry that made a new paper),
    `merged` (an entry merged into a paper already there or added earlier in the same text; a paper
    appears once per entry merged into it), `failed` (entries skipped: unreadable or invalid) and
    `problems` (why, one line each, naming the entry and the line it starts on)."""

    added: list[Paper] = field(default_factory=list)
    merged: list[Paper] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    problems: list[FieldError] = field(default_factory=list)

    def unread(self, key: str = "rev.papers.failed") -> InvalidFields | None:
        """The skipped entries and why, as a heading and a list (None when every entry came in)."""
        if not self.failed:
            return None
        return InvalidFields(self.problems, key, keys=", ".join(self.failed))

    @property
    def papers(self) -> list[Paper]:
        """Every paper the import touched, once each, in the order met."""
        return list(dict.fromkeys([*self.added, *self.merged]))


def _checked(data: PaperData) -> PaperData:
    """Clean a paper's fields; raise InvalidInput naming every invalid one (by its form label)."""
    found = Problems()
    title = found.check(check_text, data.title, "rev.paper.title", max_len=MAX_TITLE)
    authors = found.check(check_text, data.authors, "rev.paper.authors", max_len=MAX_AUTHORS, required=False)
    venue = found.check(check_text, data.venue, "rev.paper.venue", max_len=MAX_VENUE, required=False)
    if data.year is not None and not 1900 <= int(data.year) <= 2100:
        found.add("rev.paper.year", "rev.error.year")
    url = found.check(check_url, data.url, "rev.paper.url")
    raw_arxiv = (data.arxiv_id or "").strip()
    arxiv = found.check(check_text, raw_arxiv, "rev.paper.arxiv", max_len=MAX_ID, required=False)
    arxiv = bibtex.normalise_arxiv(arxiv) if arxiv else None
    if raw_arxiv and len(raw_arxiv) <= MAX_ID and arxiv is None:
        found.add("rev.paper.arxiv", "rev.error.arxiv")
    raw_doi = (data.doi or "").strip()
    doi = found.check(check_text, raw_doi, "rev.paper.doi", max_len=MAX_ID, required=False)
    doi = bibtex.normalise_doi(doi) if doi else None
    if raw_doi and len(raw_doi) <= MAX_ID and (doi is None or len(doi) > MAX_DOI):
        found.add("rev.paper.doi", "rev.error.doi")
    bib = found.check(check_text, data.bibtex, "rev.paper.bibtex", max_len=MAX_BIBTEX, required=False)
    found.raise_if_any()
    data.title, data.authors, data.venue, data.url = title, authors, venue, url
    data.arxiv_id, data.doi, data.bibtex = arxiv, doi, bib
    return data


def doi_link(doi: str) -> str:
    """The resolver address of a DOI: https://doi.org/<doi>, the characters a URL path cannot hold escaped."""
    return "https://doi.org/" + quote(doi, safe="/:;()")


def link(paper: Paper) -> str:
    """Where a paper opens: its URL, else its DOI's resolver address, else its arXiv page ('' if none)."""
    if paper.url:
        return paper.url
    if paper.doi:
        return doi_link(paper.doi)
    return f"https://arxiv.org/abs/{paper.arxiv_id}" if paper.arxiv_id else ""


def find_duplicate(session: Session, data: PaperData, exclude_id: int | None = None) -> Paper | None:
    """An existing paper with the same arXiv id, DOI (in any case) or normalised title."""
    conds = [Paper.norm_title == bibtex.normalise_title(data.title)]
    if data.arxiv_id:
        conds.append(Paper.arxiv_id == data.arxiv_id)
    if data.doi:
        # DOIs are case-insensitive (the DOI Handbook, 3.4): 10.1109/CVPR.2016.90 is 10.1109/cvpr.2016.90.
        conds.append(func.lower(Paper.doi) == data.doi.lower())
    q = select(Paper).where(or_(*conds)).order_by(Paper.id)
    if exclude_id is not None:
        q = q.where(Paper.id != exclude_id)
    return session.scalars(q).first()


def _merge(paper: Paper, data: PaperData) -> None:
    # Keep what the group already has; only fill in what was missing.
    for attr in ("authors", "venue", "year", "url", "arxiv_id", "doi", "bibtex"):
        if not getattr(paper, attr) and getattr(data, attr):
            setattr(paper, attr, getattr(data, attr))


def _add_or_merge(session: Session, by: Actor, data: PaperData) -> tuple[Paper, bool]:
    data = _checked(data)
    existing = find_duplicate(session, data)
    if existing is not None:
        _merge(existing, data)
        session.flush()
        return existing, True
    paper = Paper(
        title=data.title,
        norm_title=bibtex.normalise_title(data.title),
        authors=data.authors,
        venue=data.venue,
        year=data.year,
        url=data.url,
        arxiv_id=data.arxiv_id,
        doi=data.doi,
        bibtex=data.bibtex,
        added_by_id=by.id,
    )
    session.add(paper)
    session.flush()
    return paper, False


def add_paper(*, session: Session, by: Actor | None, data: PaperData) -> tuple[Paper, bool]:
    """Add a paper by hand; returns (paper, merged) where merged means a duplicate was found."""
    return _add_or_merge(session, require_member(by), data)


def import_bibtex(*, session: Session, by: Actor | None, text: str) -> ImportResult:
    """Import every entry of a BibTeX text; duplicates (also within the text) are merged."""
    by = require_member(by)
    parsed = bibtex.parse(text)
    result = ImportResult(failed=list(parsed.failed), problems=list(parsed.problems))
    for data in parsed.papers:
        try:
            paper, merged = _add_or_merge(session, by, data)
        except InvalidInput as err:
            label = data.key or data.title[:60]
            result.failed.append(label)
            result.problems.extend(_entry_problem(label, data.line, p) for p in err.problems)
            continue
        (result.merged if merged else result.added).append(paper)
    if not result.added and not result.merged:
        raise result.unread("rev.error.bib_empty") or InvalidInput("rev.error.bib_empty", keys="-")
    return result


def _entry_problem(label: str, line: int | None, problem: FieldError) -> FieldError:
    # An invalid field of an imported entry, named "key (line 3) · Year" in each language.
    names = {
        lang: bibtex.entry_label(label, line)[lang] + " · " + problem.label(lang) for lang in ("ko", "en")
    }
    return FieldError(names, problem.reason_key, refs=problem.refs, **problem.reason_params)


def get_paper(*, session: Session, paper_id: int) -> Paper:
    """One paper by id."""
    paper = session.get(Paper, paper_id)
    if paper is None:
        raise NotFound()
    return paper


def list_papers(*, session: Session, query: str = "") -> list[tuple[Paper, int]]:
    """Papers (newest first) with their count of submitted reviews; `query` (at most MAX_QUERY
    characters) filters titles."""
    check_text(query, "rev.papers.search", max_len=MAX_QUERY, required=False)
    n = (
        select(func.count())
        .select_from(Review)
        .where(Review.paper_id == Paper.id, Review.status != "draft")
        .scalar_subquery()
    )
    q = select(Paper, n).order_by(Paper.created_at.desc(), Paper.id.desc())
    if query.strip():
        q = q.where(Paper.norm_title.contains(bibtex.normalise_title(query), autoescape=True))
    return [(p, c) for p, c in session.execute(q)]


def _may_edit(by: Actor, paper: Paper) -> bool:
    return by.is_leader or paper.added_by_id == by.id


def update_paper(
    *, session: Session, by: Actor | None, paper_id: int, expected_version: int, data: PaperData
) -> Paper:
    """Edit a paper (leaders, or the member who added it); stale saves are refused."""
    by = require_member(by)
    paper = get_paper(session=session, paper_id=paper_id)
    if not _may_edit(by, paper):
        raise PermissionDenied()
    check_version(paper, expected_version)
    data = _checked(data)
    other = find_duplicate(session, data, exclude_id=paper.id)
    if other is not None:
        raise InvalidInput("rev.error.paper_duplicate", title=other.title)
    paper.title, paper.norm_title = data.title, bibtex.normalise_title(data.title)
    for attr in ("authors", "venue", "year", "url", "arxiv_id", "doi", "bibtex"):
        setattr(paper, attr, getattr(data, attr))
    session.flush()
    return paper


def delete_paper(*, session: Session, by: Actor | None, paper_id: int) -> None:
    """Leaders delete a paper nobody has reviewed yet."""
    if by is None or not by.is_leader:
        raise PermissionDenied()
    paper = get_paper(session=session, paper_id=paper_id)
    if session.scalar(select(func.count()).select_from(Review).where(Review.paper_id == paper.id)):
        raise InvalidInput("rev.error.paper_has_reviews")
    session.delete(paper)
    session.flush()
