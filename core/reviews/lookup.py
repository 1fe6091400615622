"""A paper's fields from a pasted arXiv id / URL or DOI: arXiv's Atom API or Crossref's JSON, fetched
with httpx under short timeouts and a size bound. Every failure (offline, slow, not found, an answer
that cannot be read) is a translated LookupFailed; nothing is stored here, the form is only filled."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from time import monotonic
from urllib.parse import quote
from xml.etree.ElementTree import Element, ParseError

import httpx
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from core.errors import AppError, InvalidInput
from core.reviews import bibtex, papers
from core.reviews.bibtex import PaperData
from core.validate import MAX_URL

ARXIV_API = "https://export.arxiv.org/api/query"
CROSSREF_API = "https://api.crossref.org/works/"
# arXiv registers its own DOIs with DataCite, not Crossref (Crossref answers 404 for them):
# 10.48550/arXiv.<id> is looked up at arXiv.
ARXIV_DOI_RE = re.compile(r"10\.48550/arxiv\.(.{1,40})", re.IGNORECASE)
SECONDS = 5.0  # connect and read timeout each
DEADLINE = 10.0  # the whole answer: a source trickling bytes inside the read timeout is cut off here
MAX_BYTES = 1_000_000  # an Atom entry or a Crossref record is a few KB; a larger answer is refused
MAX_REDIRECTS = 3
USER_AGENT = "study-dashboard/1.0 (paper look-up for a study group's reading list)"
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV_NS = "{http://arxiv.org/schemas/atom}"
_TAG_RE = re.compile(r"<[^<>]{0,200}>")  # JATS / HTML markup in Crossref titles (<i>, <sub>)


class LookupFailed(AppError):
    """The look-up did not give a paper (offline, timeout, not found, unreadable answer); says which
    source and why, and that the form can still be filled by hand."""

    key = "rev.lookup.bad_reply"


@dataclass(frozen=True)
class PaperId:
    """What was pasted: `kind` is "arxiv" or "doi"; `value` the id (a DOI as typed)."""

    kind: str
    value: str

    @property
    def source(self) -> str:
        """Who answers for it: arXiv for arXiv ids and arXiv's own DOIs, else Crossref."""
        return "arXiv" if self.kind == "arxiv" or ARXIV_DOI_RE.fullmatch(self.value) else "Crossref"


def parse_id(text: str) -> PaperId:
    """'1706.03762', 'arXiv:1706.03762v5', an arxiv.org URL, '10.1109/CVPR.2016.90' or a doi.org URL.
    Anything else (or longer than papers.MAX_ID) is refused in words."""
    text = (text or "").strip()
    if len(text) <= papers.MAX_ID:
        # The DOI first: an arXiv DOI (10.48550/arXiv.1706.03762) holds an arXiv id too.
        doi = bibtex.normalise_doi(text)
        if doi and len(doi) <= papers.MAX_DOI:
            return PaperId("doi", doi)
        arxiv = bibtex.normalise_arxiv(text)
        if arxiv:
            return PaperId("arxiv", arxiv)
    raise InvalidInput("rev.lookup.bad_id")


def lookup(text: str) -> PaperData:
    """The paper `text` names, its fields filled from arXiv or Crossref (within the form's limits)."""
    pid = parse_id(text)
    with new_client() as http:
        if pid.source == "arXiv":
            arxiv = bibtex.normalise_arxiv(ARXIV_DOI_RE.sub(r"\1", pid.value)) or pid.value
            body = _get(http, pid, ARXIV_API, params={"id_list": arxiv, "max_results": "1"})
            data = parse_arxiv(body, pid)
            if pid.kind == "doi":
                data.doi = pid.value
            return data
        # The DOI is a path segment: its ?, #, % and <> must not end or change the path.
        body = _get(http, pid, CROSSREF_API + quote(pid.value, safe="/:;()"))
        return parse_crossref(body, pid)


def new_client() -> httpx.Client:
    """An httpx client with the look-up's timeouts, redirect limit and User-Agent."""
    return httpx.Client(
        timeout=httpx.Timeout(SECONDS),
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        headers={"User-Agent": USER_AGENT, "Accept": "application/atom+xml, application/json"},
    )


def _get(http: httpx.Client, pid: PaperId, url: str, params: dict[str, str] | None = None) -> bytes:
    """The answer's body, at most MAX_BYTES; every transport failure as a LookupFailed."""
    src = {"source": pid.source}
    started = monotonic()
    try:
        with http.stream("GET", url, params=params) as reply:
            if reply.status_code == 404:
                raise LookupFailed("rev.lookup.not_found", id=pid.value, **src)
            if reply.status_code != 200:
                raise LookupFailed("rev.lookup.unavailable", status=reply.status_code, **src)
            declared = reply.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > MAX_BYTES:
                raise LookupFailed("rev.lookup.too_large", max_kb=MAX_BYTES // 1000, **src)
            body = bytearray()
            for chunk in reply.iter_bytes():  # a missing or false Content-Length is bounded here
                body += chunk
                if len(body) > MAX_BYTES:
                    raise LookupFailed("rev.lookup.too_large", max_kb=MAX_BYTES // 1000, **src)
                if monotonic() - started > DEADLINE:
                    raise LookupFailed("rev.lookup.timeout", seconds=int(DEADLINE), **src)
            return bytes(body)
    except httpx.TimeoutException:
        raise LookupFailed("rev.lookup.timeout", seconds=int(SECONDS), **src) from None
    except httpx.TooManyRedirects:
        raise LookupFailed("rev.lookup.redirects", max=MAX_REDIRECTS, **src) from None
    except httpx.TransportError:  # connection refused, DNS, network down, TLS
        raise LookupFailed("rev.lookup.offline", **src) from None
    except httpx.HTTPError:  # anything else httpx raises (an invalid redirect URL, a bad header)
        raise LookupFailed("rev.lookup.bad_reply", **src) from None


def _text(value: object) -> str:
    return " ".join(html.unescape(_TAG_RE.sub("", value if isinstance(value, str) else "")).split())


def _authors(names: list[str]) -> str:
    """Names joined, within papers.MAX_AUTHORS: a collaboration of thousands ends in 'et al.'."""
    kept: list[str] = []
    for name in filter(None, names):
        if len(", ".join([*kept, name])) + len(", et al.") > papers.MAX_AUTHORS:
            return ", ".join([*kept, "et al."])
        kept.append(name)
    return ", ".join(kept)


def _year(value: object) -> int | None:
    year = value if isinstance(value, int) else None
    if isinstance(value, str) and value[:4].isdigit():
        year = int(value[:4])
    return year if year is not None and 1900 <= year <= 2100 else None


def _url(value: str) -> str:
    return value if value.startswith(("http://", "https://")) and len(value) <= MAX_URL else ""


def _paper(pid: PaperId, **fields) -> PaperData:
    title = fields.pop("title")
    if not title:
        raise LookupFailed("rev.lookup.not_found", id=pid.value, source=pid.source)
    fields["venue"] = fields.get("venue", "")[: papers.MAX_VENUE]
    return PaperData(title=title[: papers.MAX_TITLE], **fields)


def parse_arxiv(body: bytes, pid: PaperId) -> PaperData:
    """The first entry of an arXiv API Atom feed (no entry, or arXiv's error entry: not found)."""
    try:
        feed: Element = fromstring(body)
    except (ParseError, DefusedXmlException, ValueError):
        raise LookupFailed("rev.lookup.bad_reply", source=pid.source) from None
    entry = feed.find(f"{ATOM}entry")
    entry_id = _text(entry.findtext(f"{ATOM}id")) if entry is not None else ""
    arxiv = bibtex.normalise_arxiv(entry_id) if "/api/errors" not in entry_id else None
    if entry is None or arxiv is None:
        raise LookupFailed("rev.lookup.not_found", id=pid.value, source=pid.source)
    names = [_text(a.findtext(f"{ATOM}name")) for a in entry.findall(f"{ATOM}author")]
    doi = bibtex.normalise_doi(_text(entry.findtext(f"{ARXIV_NS}doi")))
    return _paper(
        pid,
        title=_text(entry.findtext(f"{ATOM}title")),
        authors=_authors(names),
        venue=_text(entry.findtext(f"{ARXIV_NS}journal_ref")) or "arXiv",
        year=_year(_text(entry.findtext(f"{ATOM}published"))),
        url=f"https://arxiv.org/abs/{arxiv}",
        arxiv_id=arxiv,
        doi=doi if doi and len(doi) <= papers.MAX_DOI else None,
    )


def _first(value: object) -> str:
    return _text(value[0]) if isinstance(value, list) and value else _text(value)


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _crossref_year(msg: dict) -> int | None:
    # The print date when there is one (what a citation gives), else the earliest the record has.
    for key in ("published-print", "published-online", "published", "issued", "created"):
        parts = _list(_dict(msg.get(key)).get("date-parts"))
        year = _year(_list(parts[0])[0]) if parts and _list(parts[0]) else None
        if year:
            return year
    return None


def _crossref_author(author: dict) -> str:
    # A person has given + family; a consortium has only name.
    person = " ".join(filter(None, (_text(author.get("given")), _text(author.get("family")))))
    return person or _text(author.get("name"))


def parse_crossref(body: bytes, pid: PaperId) -> PaperData:
    """A Crossref /works/<doi> record (its "message") as paper fields; the DOI kept as typed, the
    link the publisher's page (Crossref's own "URL" is the DOI link, which papers.link gives anyway)."""
    try:
        msg = _dict(json.loads(body)).get("message")
    except (ValueError, UnicodeDecodeError):
        msg = None
    if not isinstance(msg, dict):
        raise LookupFailed("rev.lookup.bad_reply", source=pid.source)
    preprints = _list(_dict(msg.get("relation")).get("has-preprint"))
    arxiv_ids = [_text(_dict(r).get("id")) for r in preprints if _dict(r).get("id-type") == "arxiv"]
    venue = _first(msg.get("container-title")) or _text(_dict(msg.get("event")).get("name"))
    return _paper(
        pid,
        title=_first(msg.get("title")),
        authors=_authors([_crossref_author(_dict(a)) for a in _list(msg.get("author"))]),
        venue=venue or _text(msg.get("publisher")),
        year=_crossref_year(msg),
        url=_url(_text(_dict(_dict(msg.get("resource")).get("primary")).get("URL"))),
        arxiv_id=bibtex.normalise_arxiv(arxiv_ids[0]) if arxiv_ids else None,
        doi=pid.value,
    )
