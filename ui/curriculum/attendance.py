"""A seminar's attendance: a member checks in while the window is open, a leader marks everyone,
and the charts (by member, by week) with a leader's CSV export."""

from __future__ import annotations

import streamlit as st

from core.curriculum import attendance
from db.base import utcnow
from db.models.curriculum import ATTENDANCE_STATUSES, Seminar
from ui.curriculum import keys
from ui.curriculum.widgets import when
from ui.shell.actions import act
from ui.shell.i18n import t


def check_in(ctx, sem: Seminar, marks: dict) -> None:
    """The member's own mark, or the check-in button while the window is open."""
    window = attendance.checkin_window(sem)
    st.caption(
        t(
            "cur.att.window",
            opens=when(window.opens),
            closes=when(window.closes)[-5:],
            late=int(attendance.LATE_AFTER.total_seconds() // 60),
        )
    )
    mine = marks.get(ctx.actor.id)
    if mine is not None:
        st.success(t("cur.att.yours", status=t(f"cur.att.{mine.status}")))
    elif window.is_open(utcnow()):
        if st.button(t("cur.att.check_in"), key=keys.CHECK_IN, type="primary", icon=":material/how_to_reg:"):
            act(
                ctx.db,
                lambda s: attendance.check_in(session=s, by=ctx.actor, seminar_id=sem.id),
                done="cur.att.checked_in",
                params=lambda row: {"status": t(f"cur.att.{row.status}")},
            )


def mark_form(ctx, sem: Seminar, marks: dict, people: list) -> None:
    """Leader: one status per active member; only changed marks are written."""
    status_labels = {"": t("cur.att.unmarked"), **{x: t(f"cur.att.{x}") for x in ATTENDANCE_STATUSES}}
    options = list(status_labels)
    with st.form(keys.attendance_form(sem.id)):
        chosen = {}
        cols = st.columns(2)
        for i, p in enumerate(people):
            current = marks[p.id].status if p.id in marks else ""
            chosen[p.id] = cols[i % 2].selectbox(
                p.display_name,
                options,
                index=options.index(current),
                key=keys.attendance_mark(sem.id, p.id),
                format_func=status_labels.get,
            )
        mark = st.form_submit_button(t("cur.att.mark"), type="primary")
    if not mark:
        return

    def write(s) -> None:
        for member_id, status in chosen.items():
            before = marks[member_id].status if member_id in marks else ""
            if status and status != before:
                attendance.mark(
                    session=s, by=ctx.actor, seminar_id=sem.id, member_id=member_id, status=status
                )

    act(ctx.db, write, done="cur.att.marked")


def attendance_section(ctx, sem: Seminar, people: list) -> None:
    """Members: check-in; leaders: marks; everyone signed in: the charts."""
    st.subheader(t("cur.att.title"), anchor=False)
    if ctx.actor is None:
        return
    with ctx.db.read() as s:
        marks = attendance.for_seminar(session=s, seminar_id=sem.id)
    check_in(ctx, sem, marks)
    if ctx.is_leader:
        mark_form(ctx, sem, marks, people)
    st.subheader(t("cur.att.stats"), anchor=False)
    with ctx.db.read() as s:
        df = attendance.frame(session=s, lang=ctx.lang)
    if df.empty:
        st.caption(t("cur.att.none"))
        return
    c1, c2 = st.columns(2)
    c1.altair_chart(attendance.by_member_chart(df, ctx.lang), width="stretch")
    c2.altair_chart(attendance.by_week_chart(df, ctx.lang), width="stretch")
    if ctx.is_leader:
        st.download_button(
            t("cur.att.csv"),
            attendance.to_csv(df, ctx.lang),
            file_name="attendance.csv",
            mime="text/csv",
            icon=":material/download:",
            key=keys.ATTENDANCE_CSV,
        )
