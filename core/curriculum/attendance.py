"""Seminar attendance: leaders mark present / late / absent / excused; members check themselves
in during a window around the seminar; a table, two Altair charts and a CSV export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import altair as alt
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts.members import Actor, require_leader, require_member
from core.curriculum.seminars import ends_at, get_seminar, to_local
from core.errors import InvalidInput
from core.i18n import translate
from core.spreadsheet import safe_frame
from core.validate import FieldError
from db.base import utcnow
from db.models.curriculum import ATTENDANCE_STATUSES, Attendance, Seminar
from db.models.members import Member

CHECKIN_OPENS_BEFORE = timedelta(minutes=30)
LATE_AFTER = timedelta(minutes=10)
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


def check_in(
    *, session: Session, by: Actor | None, seminar_id: int, now: datetime | None = None
) -> Attendance:
    """A member checks in while the window is open: present, or late after the grace period."""
    me = require_member(by)
    now = now or utcnow()
    seminar = get_seminar(session=session, seminar_id=seminar_id)
    window = checkin_window(seminar)
    if not window.is_open(now):
        opens, closes = to_local(window.opens), to_local(window.closes)
        raise InvalidInput(
            "cur.error.checkin_closed", opens=opens.strftime("%m-%d %H:%M"), closes=closes.strftime("%H:%M")
        )
    row = _record(session, seminar_id, me.id)
    if row is not None:
        raise InvalidInput("cur.error.already_marked")
    row = Attendance(
        seminar_id=seminar_id,
        member_id=me.id,
        self_checked_in=True,
        status="late" if now > window.late_from else "present",
    )
    session.add(row)
    session.flush()
    return row


def for_seminar(*, session: Session, seminar_id: int) -> dict[int, Attendance]:
    """member id -> attendance row for one seminar."""
    rows = session.scalars(select(Attendance).where(Attendance.seminar_id == seminar_id))
    return {r.member_id: r for r in rows}


def frame(*, session: Session, lang: str = "ko") -> pd.DataFrame:
    """One row per recorded attendance: seminar, date, week, member, status (keys, not labels)."""
    q = (
        select(Attendance, Seminar)
        .join(Seminar, Attendance.seminar_id == Seminar.id)
        .order_by(Seminar.starts_at, Attendance.member_id)
    )
    rows = []
    for att, sem in session.execute(q):
        week = sem.week
        rows.append(
            {
                "seminar": sem.title,
                "date": to_local(sem.starts_at).strftime("%Y-%m-%d %H:%M"),
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
