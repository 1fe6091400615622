"""Export reviews as Markdown (one review, all reviews of a paper) and everything as a zip.
Exports include only what the actor may read."""

from __future__ import annotations

import io
import json
import re
import zipfile
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from core.accounts.members import Actor, require_member
from core.i18n import translate
from core.reviews import answers as ans
from core.reviews.papers import get_paper
from core.reviews.queries import Filters, ReviewRow, find_reviews, get_row, week_text
from core.reviews.templates import export_json, list_templates, schema_of
from core.timezone import group_zone, write_time
from db.models.reviews import Paper


def paper_header(paper: Paper, lang: str) -> str:
    """Markdown lines describing a paper."""
    lines = [f"# {paper.title}", ""]
    meta = [paper.authors, paper.venue, str(paper.year or "")]
    lines.append(" · ".join(m for m in meta if m) or "")
    for label, value in (("arXiv", paper.arxiv_id), ("DOI", paper.doi), ("URL", paper.url)):
        if value:
            lines.append(f"- {label}: {value}")
    return "\n".join(lines).rstrip() + "\n"


def review_markdown(row: ReviewRow, lang: str, *, zone: ZoneInfo, with_paper: bool = True) -> str:
    """One review as Markdown (status, author, week, answers by the template it was written with;
    its date is the group's day in `zone`)."""
    r = row.review
    schema = schema_of(r.template_version)
    head = paper_header(row.paper, lang) + "\n" if with_paper else ""
    status = translate(f"rev.status.{r.status}", lang)
    meta = translate(
        "rev.export.meta",
        lang,
        author=row.author.display_name,
        status=status,
        week=week_text(r.week_no),
        date=write_time(r.submitted_at or r.updated_at, zone, "date"),
    )
    body = ans.to_markdown(schema, r.answers, lang, level=3)
    return f"{head}## {translate('rev.export.review_by', lang, name=row.author.display_name)}\n\n{meta}\n\n{body}"


def export_review(*, session: Session, by: Actor | None, review_id: int, lang: str) -> str:
    """One readable review as Markdown."""
    row = get_row(session=session, by=by, review_id=review_id)
    return review_markdown(row, lang, zone=group_zone(session=session))


def export_paper(*, session: Session, by: Actor | None, paper_id: int, lang: str) -> str:
    """Every review of a paper that the actor may read, as one Markdown document."""
    rows = [
        r
        for r in find_reviews(session=session, by=by, filters=Filters(paper_id=paper_id))
        if r.review.status != "draft"
    ]
    paper = get_paper(session=session, paper_id=paper_id)
    parts = [paper_header(paper, lang)]
    zone = group_zone(session=session)
    parts += [review_markdown(row, lang, zone=zone, with_paper=False) for row in rows]
    if not rows:
        parts.append(translate("rev.export.none", lang))
    return "\n\n---\n\n".join(parts)


def _slug(text: str) -> str:
    text = re.sub(r"[^\w\-]+", "-", text, flags=re.UNICODE).strip("-")
    return text[:60] or "paper"


def export_zip(*, session: Session, by: Actor | None, lang: str) -> bytes:
    """A zip: one Markdown file per readable review (folders by paper), papers.bib, templates."""
    by = require_member(by)
    rows = [r for r in find_reviews(session=session, by=by) if r.review.status != "draft"]
    buf, zone = io.BytesIO(), group_zone(session=session)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        papers: dict[int, Paper] = {}
        for row in rows:
            papers[row.paper.id] = row.paper
            folder = f"{row.paper.id:04d}-{_slug(row.paper.title)}"
            name = f"{folder}/{row.review.id:05d}-{_slug(row.author.username)}.md"
            zf.writestr(name, review_markdown(row, lang, zone=zone))
        bib = "\n\n".join(p.bibtex for p in papers.values() if p.bibtex)
        zf.writestr("papers.bib", bib + ("\n" if bib else ""))
        index = [{"paper": p.title, "arxiv": p.arxiv_id, "doi": p.doi} for p in papers.values()]
        zf.writestr("papers.json", json.dumps(index, ensure_ascii=False, indent=2))
        for tpl in list_templates(session=session, include_archived=True):
            zf.writestr(
                f"templates/{tpl.id:03d}-{_slug(tpl.name_en)}.json",
                export_json(session=session, template_id=tpl.id),
            )
    return buf.getvalue()
