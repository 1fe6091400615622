"""Seminar attendance: leaders mark present / late / absent / excused (or everyone present at once);
members check themselves in during a window around the seminar by typing or scanning the seminar's
check-in code; each member's attendance rate; a table, two Altair charts and a CSV export.

Visibility is decided here: a member's queries return only their own records, a leader's everyone's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import altair as alt
import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.accounts.members import Actor, require_leader, require_member
from core.codes import normalise_code
from core.curriculum.seminars import ends_at, get_seminar, next_seminar
from core.errors import AppError, InvalidInput
from core.i18n import translate
from core.spreadsheet import safe_frame
from core.timezone import group_zone, write_time
from core.validate import FieldError
from db.base import utcnow
from db.engine import Database
from db.models.curriculum import (
    ATTENDANCE_STATUSES,
    Attendance,
    CheckinMiss,
    Seminar,
)
from db.models.members import Member

CHECKIN_OPENS_BEFORE = timedelta(minutes=30)
LATE_AFTER = timedelta(minutes=10)
MAX_MISSES = 10  # wrong codes one member may type for one seminar: 10 of 32^6 codes is no guess
STATUS_COLOURS = {"present": "#2e7d32", "late": "#f9a825", "absent": "#c62828", "excused": "#607d8b"}


@dataclass(frozen=True)
class Window:
    """When self check-in is open, and from when it counts as late."""

    opens: datetime
    late_from: datetime
    closes: datetime

    def is_open(self, now: datetime) -> bool:
        """True while members may check themselves in."""
        return self.opens <= now <= self.closes


def checkin_window(seminar: Seminar) -> Window:
    """30 minutes before the start until the end; more than 10 minutes after the start is late."""
    return Window(seminar.starts_at - CHECKIN_OPENS_BEFORE, seminar.starts_at + LATE_AFTER, ends_at(seminar))


def _record(session: Session, seminar_id: int, member_id: int) -> Attendance | None:
    return session.scalar(
        select(Attendance).where(Attendance.seminar_id == seminar_id, Attendance.member_id == member_id)
    )


def mark(*, session: Session, by: Actor | None, seminar_id: int, member_id: int, status: str) -> Attendance:
    """A leader sets one member's attendance (overrides a self check-in)."""
    require_leader(by)
    get_seminar(session=session, seminar_id=seminar_id)
    if status not in ATTENDANCE_STATUSES:
        raise FieldError("cur.att.status", "common.error.invalid_choice")
    member = session.get(Member, member_id)
    if member is None:
        raise FieldError("cur.att.member", "cur.error.unknown_member")
    row = _record(session, seminar_id, member_id)
    if row is None:
        row = Attendance(seminar_id=seminar_id, member_id=member_id, status=status)
        session.add(row)
    row.status, row.marked_by_id, row.self_checked_in = status, by.id, False
    session.flush()
    return row


def clean_code(raw: str | None) -> str:
    """A typed or scanned code as stored: case, spaces, dashes and full-width letters do not matter."""
    return normalise_code(raw)


def _charge_miss(session: Session, seminar_id: int, member_id: int) -> int:
    """Count one wrong code (one atomic statement, so parallel tries all count); the new total."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    t = CheckinMiss.__table__
    session.execute(
        dialect.insert(t)
        .values(seminar_id=seminar_id, member_id=member_id, misses=1)
        .on_conflict_do_update(
            index_elements=[t.c.seminar_id, t.c.member_id], set_={"misses": t.c.misses + 1}
        )
    )
    return session.scalar(select(t.c.misses).where(t.c.seminar_id == seminar_id, t.c.member_id == member_id))


def _misses(session: Session, seminar_id: int, member_id: int) -> int:
    row = session.get(CheckinMiss, (seminar_id, member_id))
    return row.misses if row else 0


def _try_code(
    session: Session, me: Actor, code: str, seminar_id: int | None, now: datetime
) -> Attendance | AppError:
    """The check-in, or the error to show; a wrong code is counted in this transaction."""
    typed = clean_code(code)
    if seminar_id is not None:
        seminar = get_seminar(session=session, seminar_id=seminar_id)
    else:  # a scanned link: the code names its seminar; a wrong one counts against the one on now
        seminar = session.scalar(select(Seminar).where(Seminar.checkin_code == typed)) if typed else None
        seminar = seminar or next_seminar(session=session, now=now)
        if seminar is None:
            return InvalidInput("cur.error.checkin_code", left=MAX_MISSES)
    if _record(session, seminar.id, me.id) is not None:
        return InvalidInput("cur.error.already_marked")
    if _misses(session, seminar.id, me.id) >= MAX_MISSES:
        return InvalidInput("cur.error.checkin_tries")
    if typed != seminar.checkin_code:
        misses = _charge_miss(session, seminar.id, me.id)
        if misses >= MAX_MISSES:
            return InvalidInput("cur.error.checkin_tries")
        return InvalidInput("cur.error.checkin_code", left=MAX_MISSES - misses)
    window = checkin_window(seminar)
    if not window.is_open(now):
        zone = group_zone(session=session)
        return InvalidInput(
            "cur.error.checkin_closed",
            opens=write_time(window.opens, zone, "short"),
            closes=write_time(window.closes, zone, "hm"),
        )
    row = Attendance(
        seminar_id=seminar.id,
        member_id=me.id,
        self_checked_in=True,
        status="late" if now > window.late_from else "present",
    )
    session.add(row)
    session.execute(
        delete(CheckinMiss).where(CheckinMiss.seminar_id == seminar.id, CheckinMiss.member_id == me.id)
    )
    session.flush()
    return row


def check_in(
    *,
    db: Database,
    by: Actor | None,
    code: str,
    seminar_id: int | None = None,
    now: datetime | None = None,
) -> Attendance:
    """A member checks in with the seminar's code while the window is open: present, or late after
    the grace period. Without `seminar_id` (a scanned link) the code finds its seminar.

    Unlike other services this takes the Database and runs its own transaction: a wrong code must
    stay counted when the error is raised (a raise inside `db.write()` would roll the count back),
    so the attempt commits first and the error is raised after. Past MAX_MISSES wrong codes for a
    seminar every try is refused; a leader can still mark the member."""
    me = require_member(by)
    now = now or utcnow()
    with db.write() as s:
        outcome = _try_code(s, me, code, seminar_id, now)
    if isinstance(outcome, AppError):
        raise outcome
    return outcome


def mark_all_present(*, session: Session, by: Actor | None, seminar_id: int) -> int:
    """A leader marks every active member without a record present (recorded marks stay); how many."""
    require_leader(by)
    get_seminar(session=session, seminar_id=seminar_id)
    marked = set(session.scalars(select(Attendance.member_id).where(Attendance.seminar_id == seminar_id)))
    todo = [m for m in session.scalars(select(Member.id).where(Member.active.is_(True))) if m not in marked]
    for member_id in todo:
        session.add(
            Attendance(
                seminar_id=seminar_id,
                member_id=member_id,
                status="present",
                marked_by_id=by.id,
                self_checked_in=False,
            )
        )
    session.flush()
    return len(todo)


def checkin_code(*, session: Session, by: Actor | None, seminar_id: int) -> str:
    """The seminar's check-in code, for a leader to show (members must not read it off a page)."""
    require_leader(by)
    return get_seminar(session=session, seminar_id=seminar_id).checkin_code


def _visible(q, by: Actor | None):
    """Leaders see everyone's records, a member only their own, a guest nothing."""
    me = require_member(by)
    return q if me.is_leader else q.where(Attendance.member_id == me.id)


def for_seminar(*, session: Session, by: Actor | None, seminar_id: int) -> dict[int, Attendance]:
    """member id -> attendance row for one seminar (a member gets only their own)."""
    rows = session.scalars(_visible(select(Attendance).where(Attendance.seminar_id == seminar_id), by))
    return {r.member_id: r for r in rows}


def frame(*, session: Session, by: Actor | None, lang: str = "ko") -> pd.DataFrame:
    """One row per recorded attendance visible to `by`: seminar, date, week, member, status (keys,
    not labels)."""
    q = _visible(
        select(Attendance, Seminar)
        .join(Seminar, Attendance.seminar_id == Seminar.id)
        .order_by(Seminar.starts_at, Attendance.member_id),
        by,
    )
    rows, zone = [], group_zone(session=session)
    for att, sem in session.execute(q):
        week = sem.week
        rows.append(
            {
                "seminar": sem.title,
                "date": write_time(sem.starts_at, zone),
                "week": translate("cur.week.short", lang, n=week.number) if week else "—",
                "week_number": week.number if week else 0,
                "member": att.member.display_name,
                "status": att.status,
                "self_check_in": att.self_checked_in,
            }
        )
    return pd.DataFrame(
        rows, columns=["seminar", "date", "week", "week_number", "member", "status", "self_check_in"]
    )


RATE_COLUMNS = ["member", "present", "late", "absent", "excused", "held", "rate"]


def rates(*, session: Session, by: Actor | None, now: datetime | None = None) -> pd.DataFrame:
    """Each member's attendance over the term (every seminar started by `now`): present and late
    count as attended, an excused seminar does not count, a seminar with no record counts as
    missed. `rate` is attended / (held - excused), None when nothing counts. A member gets only
    their own row; a leader every active member's and anyone else with a record."""
    me = require_member(by)
    now = now or utcnow()
    held = list(session.scalars(select(Seminar.id).where(Seminar.starts_at <= now)))
    q = _visible(select(Attendance).where(Attendance.seminar_id.in_(held)), me) if held else None
    records = list(session.scalars(q)) if q is not None else []
    people = {me.id: me.display_name}
    if me.is_leader:
        for m in session.scalars(select(Member).where(Member.active.is_(True)).order_by(Member.display_name)):
            people[m.id] = m.display_name
        for r in records:
            people.setdefault(r.member_id, r.member.display_name)
    rows = []
    for member_id, name in people.items():
        counts = dict.fromkeys(ATTENDANCE_STATUSES, 0)
        for r in records:
            if r.member_id == member_id:
                counts[r.status] += 1
        counted = len(held) - counts["excused"]
        attended = counts["present"] + counts["late"]
        rate = attended / counted if counted > 0 else None
        rows.append({"member": name, **counts, "held": len(held), "rate": rate})
    return pd.DataFrame(rows, columns=RATE_COLUMNS).sort_values("member", ignore_index=True)


# Counts are whole: ticks one apart at least, printed without decimals (not 0.1 ... 0.9).
_COUNT_AXIS = alt.Axis(tickMinStep=1, format="d")


def _status_scale(lang: str) -> alt.Scale:
    return alt.Scale(
        domain=[translate(f"cur.att.{s}", lang) for s in ATTENDANCE_STATUSES],
        range=list(STATUS_COLOURS.values()),
    )


def _labelled(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = df.copy()
    out["status_label"] = [translate(f"cur.att.{s}", lang) for s in out["status"]]
    return out


def by_member_chart(df: pd.DataFrame, lang: str = "ko") -> alt.Chart:
    """Stacked bars: how often each member was present / late / absent / excused."""
    status = translate("cur.att.status", lang)
    return (
        alt.Chart(_labelled(df, lang))
        .mark_bar()
        .encode(
            y=alt.Y("member:N", title=translate("cur.att.member", lang), sort="ascending"),
            x=alt.X("count():Q", title=translate("cur.att.count", lang), axis=_COUNT_AXIS),
            color=alt.Color("status_label:N", title=status, scale=_status_scale(lang)),
            tooltip=["member:N", alt.Tooltip("status_label:N", title=status), "count():Q"],
        )
        .properties(title=translate("cur.att.chart_member", lang))
    )


def by_week_chart(df: pd.DataFrame, lang: str = "ko") -> alt.Chart:
    """Stacked bars: attendance statuses per curriculum week."""
    status = translate("cur.att.status", lang)
    return (
        alt.Chart(_labelled(df, lang))
        .mark_bar()
        .encode(
            x=alt.X(
                "week:N",
                title=translate("cur.seminar.week", lang),
                sort=alt.EncodingSortField("week_number", order="ascending"),
            ),
            y=alt.Y("count():Q", title=translate("cur.att.count", lang), axis=_COUNT_AXIS),
            color=alt.Color("status_label:N", title=status, scale=_status_scale(lang)),
            tooltip=["week:N", alt.Tooltip("status_label:N", title=status), "count():Q"],
        )
        .properties(title=translate("cur.att.chart_week", lang))
    )


def to_csv(df: pd.DataFrame, lang: str = "ko") -> bytes:
    """The attendance table as CSV with translated headers and statuses (BOM so Excel reads
    Hangul correctly)."""
    out = _labelled(df, lang).drop(columns=["status", "week_number"])
    out = out[["seminar", "date", "week", "member", "status_label", "self_check_in"]]
    out.columns = [
        translate(k, lang)
        for k in (
            "cur.seminar.title",
            "cur.seminar.date",
            "cur.seminar.week",
            "cur.att.member",
            "cur.att.status",
            "cur.att.self_check_in",
        )
    ]
    # names and titles are user text: a spreadsheet must not run "=HYPERLINK(...)" as a formula
    return safe_frame(out).to_csv(index=False).encode("utf-8-sig")
