"""BibTeX to paper records with bibtexparser 2: LaTeX accents and braces become readable text,
"Last, First" names become "First Last", and arXiv ids / DOIs are pulled out for de-duplication.
An entry that cannot be read is reported with the line it starts on and why (an unclosed brace,
a missing comma, a key used twice, no title, too long)."""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field

import bibtexparser
from bibtexparser.middlewares import (
    BlockMiddleware,
    LatexDecodingMiddleware,
    MergeNameParts,
    SeparateCoAuthors,
    SplitNameParts,
)

from core.errors import FieldError, InvalidInput
from core.i18n import translate

MAX_BIB_BYTES = 512 * 1024
MAX_ENTRY_CHARS = 20_000  # one entry's BibTeX as stored with its paper; a longer entry is skipped
# Linear-time patterns (a BibTeX field may hold up to MAX_BIB_BYTES of text): a match starts only
# at the start of a word (the lookbehind) and every repetition before a fixed character is bounded,
# so no start position backtracks over the rest of the text. The old `[a-z\-]+.../` took 1.2 s on
# 10,000 letters and 19 s on 40,000 (square of the length: about an hour at the size limit).
ARXIV_RE = re.compile(
    r"(?<![a-z0-9.\-])(?:arxiv[:/ ]\s{0,3}|abs/|pdf/)?"
    r"(\d{4}\.\d{4,5}|[a-z][a-z\-]{1,15}(?:\.[a-z\-]{2,10})?/\d{7})(?:v\d{1,3})?",
    re.IGNORECASE,
)
DOI_RE = re.compile(r"(?<![0-9.])10\.\d{4,9}/\S+", re.IGNORECASE)


@dataclass
class PaperData:
    """The fields of a paper as parsed (or typed by hand), before it is stored."""

    title: str
    authors: str = ""
    venue: str = ""
    year: int | None = None
    url: str = ""
    arxiv_id: str | None = None
    doi: str | None = None
    bibtex: str = ""
    key: str = ""  # the BibTeX citation key, for messages
    line: int | None = None  # the line of the pasted text the entry starts on (1-based), for messages


@dataclass
class ParseResult:
    """Entries that parsed; the citation keys / snippets of blocks that did not (`failed`) and,
    for each, why (`problems`: one FieldError naming the entry and its line)."""

    papers: list[PaperData] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    problems: list[FieldError] = field(default_factory=list)

    def skip(self, label: str, line: int | None, reason_key: str, **params: object) -> None:
        """Record an entry that was not read, and why."""
        self.failed.append(label)
        self.problems.append(unread(label, line, reason_key, **params))


def entry_label(label: str, line: int | None) -> dict[str, str]:
    """An unread entry's name in every language: 'key (line 3)'."""
    name = "bib.entry" if line else "bib.entry_no_line"
    return {lang: translate(f"rev.{name}", lang, key=label, line=line) for lang in ("ko", "en")}


def unread(label: str, line: int | None, reason_key: str, /, **params: object) -> FieldError:
    """Why the entry `label` (starting on `line`) was not read, as a FieldError naming it."""
    return FieldError(entry_label(label, line), reason_key, **params)


def normalise_title(title: str) -> str:
    """Title for duplicate detection: NFKC, case-folded, punctuation and braces dropped."""
    title = unicodedata.normalize("NFKC", title or "").casefold().replace("{", "").replace("}", "")
    title = "".join(ch if ch.isalnum() else " " for ch in title)
    return " ".join(title.split())[:500]


def normalise_arxiv(value: str | None) -> str | None:
    """'arXiv:1706.03762v5', 'https://arxiv.org/abs/1706.03762' -> '1706.03762'."""
    if not value:
        return None
    m = ARXIV_RE.search(value.strip())
    return m.group(1).lower() if m else None


def normalise_doi(value: str | None) -> str | None:
    """'https://doi.org/10.1000/XYZ.' -> '10.1000/XYZ': the DOI as typed (its case kept; DOIs
    compare case-insensitively, see papers.find_duplicate)."""
    if not value:
        return None
    m = DOI_RE.search(value.strip())
    return (m.group(0).rstrip(".,;") or None) if m else None


# bibtexparser's reasons for a block it gave up on (its English, matched by the start of the text)
# -> ours, translated. The first match wins; anything else is "cannot be read".
_ABORT_REASONS = (
    ("Unexpectedly reached end of file", "rev.bib.unclosed"),
    ("Unexpected block start", "rev.bib.unclosed"),
    ("Expected comma after entry key", "rev.bib.key_comma"),
    ("Expected a `=` after entry key", "rev.bib.equals"),
    ("Expected equals sign after field key", "rev.bib.equals"),
    ("Expected either a `,` or", "rev.bib.field_comma"),
)
_LABEL_RE = re.compile(r"@[a-z]{1,30}\s{0,5}[{(]\s{0,5}([^\s,={}()]{1,100})", re.IGNORECASE)


def _failed_label(raw: str) -> str:
    # The citation key when the block has one, else its first characters.
    m = _LABEL_RE.match(raw)
    return m.group(1) if m else (raw.splitlines()[0][:60] if raw else "?")


def _why(block) -> tuple[str, dict[str, object]]:
    """The catalog key (and its parameters) saying why bibtexparser skipped `block`."""
    kind = type(block).__name__
    if kind == "DuplicateBlockKeyBlock":
        first = _line(getattr(block, "previous_block", None))
        return "rev.bib.duplicate_key", {"key": getattr(block, "key", "") or "?", "first": first or "?"}
    if kind == "DuplicateFieldKeyBlock":
        names = sorted(getattr(block, "duplicate_keys", None) or ()) or ["?"]
        return "rev.bib.duplicate_field", {"fields": ", ".join(names)}
    reason = str(getattr(getattr(block, "error", None), "abort_reason", "") or "")
    for start, key in _ABORT_REASONS:
        if start in reason:
            if key == "rev.bib.unclosed":
                # "... field-value closing `"`" is an open quote; anything else an open brace.
                return key, {"mark": '"' if 'closing `"`' in reason else "{"}
            return key, {}
    return "rev.bib.unreadable", {}


def _clean(value: object) -> str:
    # The decoder leaves stray braces of protected words ({BERT}) in a few cases; drop them.
    text = value if isinstance(value, str) else ""
    text = text.replace("{", "").replace("}", "").replace("~", " ")
    return " ".join(text.split())


def _authors(value: object) -> str:
    names = value if isinstance(value, list) else ([value] if isinstance(value, str) else [])
    return ", ".join(n for n in (_clean(n) for n in names) if n)


def _year(value: object) -> int | None:
    m = re.search(r"\d{4}", value if isinstance(value, str) else "")
    return int(m.group(0)) if m else None


def _entry(entry) -> PaperData:
    f = {k.lower(): v.value for k, v in entry.fields_dict.items()}
    arxiv = None
    if "arxiv" in str(f.get("archiveprefix", "")).lower() or "eprint" in f:
        arxiv = normalise_arxiv(str(f.get("eprint", "")))
    for source in ("journal", "url", "note", "howpublished"):
        if arxiv is None and "arxiv" in str(f.get(source, "")).lower():
            arxiv = normalise_arxiv(str(f.get(source)))
    venue = _clean(f.get("booktitle") or f.get("journal") or f.get("publisher") or "")
    url = _clean(f.get("url", ""))
    if not url and arxiv:
        url = f"https://arxiv.org/abs/{arxiv}"
    return PaperData(
        title=_clean(f.get("title", "")),
        authors=_authors(f.get("author")),
        venue=venue[:200],
        year=_year(f.get("year")),
        url=url if url.startswith(("http://", "https://")) else "",
        arxiv_id=arxiv,
        doi=normalise_doi(str(f.get("doi", "")) or None),
        bibtex=entry.raw.strip(),
        key=entry.key,
        line=_line(entry),
    )


def _line(block) -> int | None:
    # bibtexparser counts lines from 0.
    start = getattr(block, "start_line", None)
    return start + 1 if isinstance(start, int) else None


# The fields `_entry` reads; the others (abstracts, keywords, files: most of a real .bib) are
# dropped before the LaTeX decoder, which reads about 250 KB a second.
READ_FIELDS = frozenset(
    ("title", "author", "booktitle", "journal", "publisher", "url", "eprint", "archiveprefix")
    + ("note", "howpublished", "doi", "year")
)


class _Trim(BlockMiddleware):
    """Runs before the decoder: drops entries longer than MAX_ENTRY_CHARS (they could not be stored;
    their keys are kept to report) and the fields nobody reads."""

    def __init__(self) -> None:
        super().__init__(allow_inplace_modification=True, allow_parallel_execution=False)
        self.skipped: list[tuple[str, int | None]] = []

    def transform_entry(self, entry, library):
        if len(entry.raw or "") > MAX_ENTRY_CHARS:
            self.skipped.append((entry.key or "?", _line(entry)))
            return None
        entry.fields = [f for f in entry.fields if f.key.lower() in READ_FIELDS]
        return entry


def parse(text: str) -> ParseResult:
    """Parse BibTeX text with several entries; blocks that do not parse are reported."""
    if len(text.encode("utf-8")) > MAX_BIB_BYTES:
        raise InvalidInput("common.error.upload_too_large", max_kb=MAX_BIB_BYTES // 1024)
    # bibtexparser logs every broken block at WARNING; we report them to the user instead.
    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.ERROR + 10)
    oversized = _Trim()
    try:
        library = bibtexparser.parse_string(
            text,
            append_middleware=[
                oversized,
                LatexDecodingMiddleware(),
                SeparateCoAuthors(),
                SplitNameParts(),
                MergeNameParts(style="first"),
            ],
        )
    finally:
        logger.setLevel(level)
    result = ParseResult()
    skipped = [(line, key, "rev.bib.too_long", {"max": MAX_ENTRY_CHARS}) for key, line in oversized.skipped]
    for entry in library.entries:
        paper = _entry(entry)
        if paper.title:
            result.papers.append(paper)
        else:
            skipped.append((paper.line, entry.key or "?", "rev.bib.no_title", {}))
    for block in library.failed_blocks:
        label = _failed_label((getattr(block, "raw", "") or "").strip())
        skipped.append((_line(block), label, *_why(block)))
    if not library.entries and not skipped and text.strip():
        skipped.append((None, text.strip().splitlines()[0][:60], "rev.bib.no_entry", {}))
    # Reported in the order of the text, as the user reads it.
    for line, label, reason, params in sorted(skipped, key=lambda s: s[0] or 0):
        result.skip(label, line, reason, **params)
    return result
