"""Curriculum weeks, their materials and members' notes.

Leaders plan weeks (create, edit, reorder, archive) and attach materials; any signed-in member
adds notes to a week and edits their own. Guests read. Every edit of a week or a note is checked
against the version it began from (StaleEdit carries the newer row).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.accounts.members import Actor, require_leader, require_member
from core.errors import NotFound, PermissionDenied, StaleEdit
from core.lab.presets import PRESET_NAMES
from core.timezone import group_zone, to_group
from core.validate import FieldError, check_version, snapshot
from core.validate import text as check_text
from core.validate import url as check_url
from db.models.curriculum import MATERIAL_KINDS, Material, Note, Seminar, Week

MAX_TITLE = 200
MAX_GOALS = 5_000
MAX_SUMMARY = 20_000
MAX_NOTE = 100_000
MAX_TAGS = 12
MAX_TAG_LEN = 30
MAX_TAGS_TEXT = 500  # the tags as typed ('a, b, #c'); the stored ',a,b,c,' fits Week.tags String(500)
MAX_MATERIAL_TITLE = 300  # Material.title String(300)
MAX_MATERIAL_NOTE = 2_000
_TAG_SPLIT = re.compile(r"[,\n#]+")


def normalise_tags(raw: str | list[str] | None) -> str:
    """'Attention, Q/K/V,#rnn' -> ',attention,q/k/v,rnn,' (lower-case, unique, in order)."""
    if isinstance(raw, str) and len(raw) > MAX_TAGS_TEXT:
        raise FieldError("cur.week.tags", "common.error.too_long", max=MAX_TAGS_TEXT)
    parts = raw if isinstance(raw, list) else _TAG_SPLIT.split(raw or "")
    tags: list[str] = []
    for part in parts:
        tag = " ".join(part.split()).lower()
        if not tag or tag in tags:
            continue
        if len(tag) > MAX_TAG_LEN:
            raise FieldError("cur.week.tags", "common.error.too_long", max=MAX_TAG_LEN)
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise FieldError("cur.week.tags", "cur.error.too_many_tags", max=MAX_TAGS)
    return f",{','.join(tags)}," if tags else ""


def tag_list(tags: str) -> list[str]:
    """The stored ',a,b,' form as ['a', 'b']."""
    return [t for t in (tags or "").split(",") if t]


def week_title(week: Week, lang: str) -> str:
    """The week's title in `lang` (English falls back to Korean when not given)."""
    return (week.title_en or week.title_ko) if lang == "en" else week.title_ko


def _get(session: Session, model, obj_id: int | None):
    obj = session.get(model, obj_id) if obj_id is not None else None
    if obj is None:
        raise NotFound()
    return obj


def get_week(*, session: Session, week_id: int) -> Week:
    """One week by id."""
    return _get(session, Week, week_id)


def list_weeks(*, session: Session, include_archived: bool = False) -> list[Week]:
    """Weeks in curriculum order (archived ones only when asked)."""
    q = select(Week).order_by(Week.number, Week.id)
    if not include_archived:
        q = q.where(Week.archived.is_(False))
    return list(session.scalars(q))


def current_week(*, session: Session, today: date) -> Week | None:
    """The week whose dates contain `today`; else the next one; else the last (see _week_spans).
    Past the last dated week, an undated week after it in the curriculum is the next one; with
    no dates anywhere, the curriculum starts at its first week."""
    weeks = list_weeks(session=session)
    spans = _week_spans(session, weeks)
    if not spans:
        return weeks[0] if weeks else None
    by_id = {w.id: w for w in weeks}
    running = [(start, by_id[i]) for i, (start, end) in spans.items() if start <= today <= end]
    if running:  # overlapping weeks: the one that began last
        return max(running, key=lambda pair: (pair[0], pair[1].number))[1]
    upcoming = [(start, by_id[i]) for i, (start, _) in spans.items() if start > today]
    if upcoming:
        return min(upcoming, key=lambda pair: (pair[0], pair[1].number))[1]
    last = max((by_id[i] for i in spans), key=lambda w: (spans[w.id][1], w.number))
    after = [w for w in weeks if w.number > last.number and w.id not in spans]
    return after[0] if after else last


def _week_spans(session: Session, weeks: list[Week]) -> dict[int, tuple[date, date]]:
    """Week id -> (first day, last day) for the weeks that have dates: their own start and end
    dates (a start without an end lasts seven days), else the days of their seminars."""
    seminar_days: dict[int, list[date]] = {}
    linked = select(Seminar.week_id, Seminar.starts_at).where(Seminar.week_id.is_not(None))
    zone = group_zone(session=session)
    for week_id, starts_at in session.execute(linked):
        seminar_days.setdefault(week_id, []).append(to_group(starts_at, zone).date())
    spans = {}
    for w in weeks:
        days = seminar_days.get(w.id, [])
        start = w.start_date or (min(days) if days else None)
        end = w.end_date or (max(days) if days and not w.start_date else None)
        if start is None and end is not None:
            start = end - timedelta(days=6)
        if start is None:
            continue
        spans[w.id] = (start, end or start + timedelta(days=6))
    return spans


def all_tags(*, session: Session) -> list[str]:
    """Every tag used by a non-archived week, sorted."""
    tags: set[str] = set()
    for raw in session.scalars(select(Week.tags).where(Week.archived.is_(False))):
        tags.update(tag_list(raw))
    return sorted(tags)


def _week_fields(title_ko, title_en, start_date, end_date, goals, summary, tags, lab_preset) -> dict:
    if start_date and end_date and start_date > end_date:
        raise FieldError("cur.week.end_date", "cur.error.dates_order")
    preset = (lab_preset or "").strip() or None
    if preset is not None and preset not in PRESET_NAMES:  # a week links to a Lab preset by name
        raise FieldError("cur.week.lab_preset", "common.error.invalid_choice")
    return {
        "title_ko": check_text(title_ko, "cur.week.title_ko", max_len=MAX_TITLE),
        "title_en": check_text(title_en, "cur.week.title_en", max_len=MAX_TITLE, required=False),
        "start_date": start_date,
        "end_date": end_date,
        "goals": check_text(goals, "cur.week.goals", max_len=MAX_GOALS, required=False),
        "summary": check_text(summary, "cur.week.summary", max_len=MAX_SUMMARY, required=False),
        "tags": normalise_tags(tags),
        "lab_preset": preset,
    }


def create_week(
    *,
    session: Session,
    by: Actor | None,
    title_ko: str,
    title_en: str = "",
    start_date: date | None = None,
    end_date: date | None = None,
    goals: str = "",
    summary: str = "",
    tags: str | list[str] = "",
    lab_preset: str | None = None,
) -> Week:
    """A leader adds a week at the end of the curriculum."""
    require_leader(by)
    fields = _week_fields(title_ko, title_en, start_date, end_date, goals, summary, tags, lab_preset)
    last = session.scalar(select(func.max(Week.number))) or 0
    week = Week(number=last + 1, **fields)
    session.add(week)
    session.flush()
    return week


def update_week(
    *,
    session: Session,
    by: Actor | None,
    week_id: int,
    expected_version: int,
    title_ko: str,
    title_en: str = "",
    start_date: date | None = None,
    end_date: date | None = None,
    goals: str = "",
    summary: str = "",
    tags: str | list[str] = "",
    lab_preset: str | None = None,
) -> Week:
    """A leader edits a week; refused (StaleEdit) if someone saved it since the edit began."""
    require_leader(by)
    week = get_week(session=session, week_id=week_id)
    check_version(week, expected_version)
    fields = _week_fields(title_ko, title_en, start_date, end_date, goals, summary, tags, lab_preset)
    for key, value in fields.items():
        setattr(week, key, value)
    session.flush()
    return week


def move_week(*, session: Session, by: Actor | None, week_id: int, step: int) -> Week:
    """A leader moves a week up (step -1) or down (+1) among the active weeks."""
    require_leader(by)
    week = get_week(session=session, week_id=week_id)
    order = list_weeks(session=session)
    if week not in order:
        return week
    i = order.index(week)
    j = i + (1 if step > 0 else -1)
    if 0 <= j < len(order):
        order[i], order[j] = order[j], order[i]
        # Renumber the whole active list: archived weeks keep their old numbers out of the way.
        for n, w in enumerate(order, start=1):
            if w.number != n:
                w.number = n
        session.flush()
    return week


def set_archived(*, session: Session, by: Actor | None, week_id: int, archived: bool) -> Week:
    """A leader archives a week (hidden from the list and search) or brings it back at the end."""
    require_leader(by)
    week = get_week(session=session, week_id=week_id)
    if week.archived != archived:
        week.archived = archived
        if not archived:
            week.number = (
                session.scalar(select(func.max(Week.number)).where(Week.archived.is_(False))) or 0
            ) + 1
        session.flush()
    return week


def list_materials(*, session: Session, week_id: int) -> list[Material]:
    """A week's materials in the order they were added."""
    return list(session.scalars(select(Material).where(Material.week_id == week_id).order_by(Material.id)))


def add_material(
    *, session: Session, by: Actor | None, week_id: int, kind: str, title: str, url: str = "", note: str = ""
) -> Material:
    """A leader attaches a paper / lecture / slides / code / link to a week."""
    require_leader(by)
    get_week(session=session, week_id=week_id)
    if kind not in MATERIAL_KINDS:
        raise FieldError("cur.material.kind", "common.error.invalid_choice")
    material = Material(
        week_id=week_id,
        kind=kind,
        title=check_text(title, "cur.material.title", max_len=MAX_MATERIAL_TITLE),
        url=check_url(url, "cur.material.url"),
        note=check_text(note, "cur.material.note", max_len=MAX_MATERIAL_NOTE, required=False),
    )
    session.add(material)
    session.flush()
    return material


MATERIAL_FIELDS = ("kind", "title", "url", "note")


def update_material(
    *,
    session: Session,
    by: Actor | None,
    material_id: int,
    kind: str,
    title: str,
    url: str = "",
    note: str = "",
    seen: dict[str, str] | None = None,
) -> Material:
    """A leader corrects a material. `seen` holds the fields as the editor showed them: if
    another leader changed the material since, the save is refused with the newer fields
    (`StaleEdit.current`) and nothing changes."""
    require_leader(by)
    material = _get(session, Material, material_id)
    if seen is not None and any(getattr(material, k) != seen.get(k) for k in MATERIAL_FIELDS):
        raise StaleEdit(current=snapshot(material))
    if kind not in MATERIAL_KINDS:
        raise FieldError("cur.material.kind", "common.error.invalid_choice")
    material.kind = kind
    material.title = check_text(title, "cur.material.title", max_len=MAX_MATERIAL_TITLE)
    material.url = check_url(url, "cur.material.url")
    material.note = check_text(note, "cur.material.note", max_len=MAX_MATERIAL_NOTE, required=False)
    session.flush()
    return material


def delete_material(*, session: Session, by: Actor | None, material_id: int) -> None:
    """A leader removes a material."""
    require_leader(by)
    session.delete(_get(session, Material, material_id))
    session.flush()


def list_notes(*, session: Session, week_id: int) -> list[Note]:
    """A week's notes, oldest first, with their authors loaded."""
    return list(
        session.scalars(select(Note).where(Note.week_id == week_id).order_by(Note.created_at, Note.id))
    )


def get_note(*, session: Session, note_id: int) -> Note:
    """One note by id."""
    return _get(session, Note, note_id)


def check_note_body(body: str | None) -> str:
    """A note's body, stripped; required and at most MAX_NOTE characters (an import's preview too)."""
    return check_text(body, "cur.note.body", max_len=MAX_NOTE)


def add_note(*, session: Session, by: Actor | None, week_id: int, title: str, body: str) -> Note:
    """A signed-in member adds a Markdown + LaTeX note to a week."""
    me = require_member(by)
    week = get_week(session=session, week_id=week_id)
    if week.archived and not me.is_leader:
        raise PermissionDenied("cur.error.archived")
    note = Note(
        week_id=week_id,
        author_id=me.id,
        title=check_text(title, "cur.note.title", max_len=MAX_TITLE),
        body=check_note_body(body),
    )
    session.add(note)
    session.flush()
    return note


def update_note(
    *, session: Session, by: Actor | None, note_id: int, expected_version: int, title: str, body: str
) -> Note:
    """The author edits their note; refused (StaleEdit) if it changed since the edit began."""
    me = require_member(by)
    note = get_note(session=session, note_id=note_id)
    if note.author_id != me.id:
        raise PermissionDenied("cur.error.not_author")
    check_version(note, expected_version)
    note.title = check_text(title, "cur.note.title", max_len=MAX_TITLE)
    note.body = check_note_body(body)
    session.flush()
    return note


def delete_note(*, session: Session, by: Actor | None, note_id: int) -> None:
    """The author or a leader deletes a note."""
    me = require_member(by)
    note = get_note(session=session, note_id=note_id)
    if note.author_id != me.id and not me.is_leader:
        raise PermissionDenied("cur.error.not_author")
    session.delete(note)
    session.flush()
