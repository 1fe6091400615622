"""Export a week, or the whole curriculum, as one Markdown file (materials, seminars, notes and
Q&A included; retrospectives are personal and stay out)."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from core.curriculum import qa, seminars
from core.curriculum.weeks import get_week, list_materials, list_notes, list_weeks, tag_list
from core.i18n import translate
from core.timezone import group_zone, write_time
from db.models.curriculum import Week


def _week_md(session: Session, week: Week, lang: str) -> str:
    tr = lambda key, **kw: translate(key, lang, **kw)  # noqa: E731
    title = week.title_ko + (f" ({week.title_en})" if week.title_en else "")
    out, zone = [f"## {tr('cur.week.short', n=week.number)} · {title}", ""], group_zone(session=session)
    if week.start_date or week.end_date:
        out += [f"*{week.start_date or ''} ~ {week.end_date or ''}*", ""]
    if tag_list(week.tags):
        out += [f"{tr('cur.week.tags')}: " + ", ".join(f"`{t}`" for t in tag_list(week.tags)), ""]
    if week.goals:
        out += [f"### {tr('cur.week.goals')}", "", week.goals, ""]
    if week.summary:
        out += [f"### {tr('cur.week.summary')}", "", week.summary, ""]
    materials = list_materials(session=session, week_id=week.id)
    if materials:
        out += [f"### {tr('cur.materials')}", ""]
        for m in materials:
            link = f"[{m.title}]({m.url})" if m.url else m.title
            out.append(f"- {tr(f'cur.material.kind.{m.kind}')}: {link}" + (f" — {m.note}" if m.note else ""))
        out.append("")
    for s in reversed(seminars.list_seminars(session=session, week_id=week.id)):
        when = write_time(s.starts_at, zone)
        out += [f"### {tr('cur.seminar.heading')}: {s.title}", "", f"- {tr('cur.seminar.date')}: {when}"]
        if s.presenter is not None:
            out.append(f"- {tr('cur.seminar.presenter')}: {s.presenter.display_name}")
        if s.paper_title:
            paper = f"[{s.paper_title}]({s.paper_url})" if s.paper_url else s.paper_title
            out.append(f"- {tr('cur.seminar.paper_title')}: {paper}")
        out += ["", s.description, ""] if s.description else [""]
    for n in list_notes(session=session, week_id=week.id):
        out += [
            f"### {n.title}",
            "",
            f"*{n.author.display_name} · {write_time(n.created_at, zone, 'date')}*",
            "",
            n.body.strip(),
            "",
        ]
    for q in reversed(qa.list_questions(session=session, week_id=week.id)):
        mark = f" ({tr('cur.qa.resolved')})" if q.resolved else ""
        out += [f"### Q. {q.title}{mark}", "", f"*{q.author.display_name}*", ""]
        if q.body:
            out += [q.body.strip(), ""]
        for a in qa.list_answers(session=session, question_id=q.id):
            tick = " ✅" if a.accepted else ""
            out += [f"**A. {a.author.display_name}{tick}**", "", a.body.strip(), ""]
    return "\n".join(out).rstrip() + "\n"


def week_markdown(*, session: Session, week_id: int, lang: str = "ko") -> str:
    """One week as a Markdown document."""
    week = get_week(session=session, week_id=week_id)
    return f"# {translate('cur.export.title', lang)}\n\n" + _week_md(session, week, lang)


def curriculum_markdown(*, session: Session, lang: str = "ko") -> str:
    """The whole (non-archived) curriculum as one Markdown document, with a table of contents."""
    weeks = list_weeks(session=session)
    out = [f"# {translate('cur.export.title', lang)}", ""]
    for w in weeks:
        out.append(
            f"- {translate('cur.week.short', lang, n=w.number)} · {w.title_ko}"
            + (f" ({w.title_en})" if w.title_en else "")
        )
    out.append("")
    return "\n".join(out) + "\n" + "\n".join(_week_md(session, w, lang) for w in weeks)


def filename(week: Week | None = None) -> str:
    """A safe file name: 'curriculum.md' or 'week-03-attention.md'."""
    if week is None:
        return "curriculum.md"
    slug = re.sub(r"[^a-z0-9]+", "-", (week.title_en or "").lower()).strip("-")[:40]
    return f"week-{week.number:02d}" + (f"-{slug}" if slug else "") + ".md"
