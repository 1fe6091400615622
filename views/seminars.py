"""Seminars and attendance: leaders schedule seminars and mark attendance; members check
themselves in while a seminar is on; attendance charts and a CSV export."""

from datetime import time

import streamlit as st

from core.accounts import members
from core.curriculum import attendance, seminars
from core.curriculum import weeks as cur
from core.errors import AppError
from db.base import utcnow
from db.models.curriculum import ATTENDANCE_STATUSES
from ui.curriculum.widgets import base_version, save_versioned, seminar_facts, week_label, when
from ui.shell.frame import frame
from ui.shell.i18n import show_error, t

ctx = frame()
me = ctx.actor
is_leader = me is not None and me.is_leader
st.title(t("cur.nav.seminars"))

with ctx.db.read() as s:
    all_seminars = seminars.list_seminars(session=s)
    weeks = cur.list_weeks(session=s)
    people = members.list_members(session=s, active_only=True) if me is not None else []
    upcoming = seminars.next_seminar(session=s)
week_by_id = {w.id: w for w in weeks}
person_by_id = {p.id: p for p in people}


def seminar_form(prefix: str, sem=None) -> dict:
    """Seminar fields inside a form; explicit keys keep typed text after a refused save."""
    local = seminars.to_local(sem.starts_at) if sem else None
    title = st.text_input(t("cur.seminar.title"), value=sem.title if sem else "", key=f"{prefix}_title")
    c1, c2, c3 = st.columns(3)
    day = c1.date_input(t("cur.seminar.date"), value=local.date() if local else "today", key=f"{prefix}_day")
    at = c2.time_input(t("cur.seminar.time"), value=local.time() if local else time(19, 0),
                       step=300, key=f"{prefix}_time")
    duration = c3.number_input(t("cur.seminar.duration"), 1, seminars.MAX_DURATION_MIN,
                               value=sem.duration_min if sem else 90, step=15, key=f"{prefix}_dur")
    c1, c2 = st.columns(2)
    place = c1.text_input(t("cur.seminar.place"), value=sem.place if sem else "", key=f"{prefix}_place")
    link = c2.text_input(t("cur.seminar.link"), value=sem.link if sem else "", placeholder="https://",
                         key=f"{prefix}_link")
    presenters = {None: t("cur.seminar.no_presenter"), **{i: p.display_name for i, p in person_by_id.items()}}
    presenter_ids = list(presenters)
    presenter = c1.selectbox(
        t("cur.seminar.presenter"), presenter_ids,
        index=presenter_ids.index(sem.presenter_id) if sem and sem.presenter_id in presenter_ids else 0,
        format_func=presenters.get, key=f"{prefix}_presenter")
    week_labels = {None: t("cur.seminar.no_week"), **{i: week_label(w, ctx.lang) for i, w in week_by_id.items()}}
    week_ids = list(week_labels)
    week = c2.selectbox(
        t("cur.seminar.week"), week_ids,
        index=week_ids.index(sem.week_id) if sem and sem.week_id in week_ids else 0,
        format_func=week_labels.get, key=f"{prefix}_week")
    paper_title = c1.text_input(t("cur.seminar.paper_title"), value=sem.paper_title if sem else "",
                                key=f"{prefix}_paper")
    paper_url = c2.text_input(t("cur.seminar.paper_url"), value=sem.paper_url if sem else "",
                              placeholder="https://", key=f"{prefix}_paper_url")
    slides_url = st.text_input(t("cur.seminar.slides_url"), value=sem.slides_url if sem else "",
                               placeholder="https://", key=f"{prefix}_slides")
    description = st.text_area(t("cur.seminar.description"), value=sem.description if sem else "",
                               key=f"{prefix}_desc")
    return {"title": title, "starts_at": seminars.local_to_utc(day, at) if day and at else None,
            "duration_min": int(duration or 0), "place": place, "link": link, "presenter_id": presenter,
            "paper_title": paper_title, "paper_url": paper_url, "slides_url": slides_url,
            "description": description, "week_id": week}


if upcoming is not None:
    with st.container(border=True):
        st.subheader(f"{t('cur.seminar.next')}: {upcoming.title}", anchor=False)
        seminar_facts(upcoming, ctx.lang)

if is_leader:
    with st.expander(t("cur.seminar.new"), icon=":material/add:"):
        with st.form("cur_new_seminar"):
            fields = seminar_form("cur_sn")
            create = st.form_submit_button(t("cur.seminar.create"), type="primary")
        if create:
            try:
                with ctx.db.write() as s:
                    new = seminars.create_seminar(session=s, by=me, **fields)
            except AppError as err:
                show_error(err)
            else:
                st.session_state["cur_seminar"] = new.id
                st.success(t("cur.seminar.created"))
                st.rerun()

if not all_seminars:
    st.info(t("cur.seminar.none"))
    st.stop()

by_id = {x.id: x for x in all_seminars}
if st.session_state.get("cur_seminar") not in by_id:
    st.session_state["cur_seminar"] = upcoming.id if upcoming else all_seminars[0].id
sem_labels = {i: f"{when(x.starts_at)} · {x.title}" for i, x in by_id.items()}
sem_id = st.selectbox(t("cur.seminar.pick"), list(by_id), key="cur_seminar", format_func=sem_labels.get)
sem = by_id[sem_id]

st.header(sem.title, anchor=False)
seminar_facts(sem, ctx.lang)
if sem.description:
    st.markdown(sem.description)

if is_leader:
    base_key = f"cur_sem_base_{sem.id}"
    base_version(base_key, sem.version)  # the version this edit starts from
    with st.expander(t("cur.seminar.edit"), icon=":material/edit:"):
        with st.form(f"cur_edit_seminar_{sem.id}"):
            fields = seminar_form(f"cur_s{sem.id}", sem)
            save = st.form_submit_button(t("common.save"), type="primary")
        if save:
            save_versioned(
                ctx.db, base_key,
                lambda s, v: seminars.update_seminar(session=s, by=me, seminar_id=sem.id, expected_version=v,
                                                     **fields),
                lambda x: f"**{x.title}** · {when(x.starts_at)}\n\n{x.description}", "cur.seminar.updated")
        if st.button(t("cur.seminar.delete"), key=f"cur_sem_del_{sem.id}", icon=":material/delete:"):
            try:
                with ctx.db.write() as s:
                    seminars.delete_seminar(session=s, by=me, seminar_id=sem.id)
            except AppError as err:
                show_error(err)
            else:
                st.session_state.pop("cur_seminar", None)
                st.rerun()

# --- attendance ---------------------------------------------------------------------------------
st.subheader(t("cur.att.title"), anchor=False)
if me is None:
    st.stop()
with ctx.db.read() as s:
    marks = attendance.for_seminar(session=s, seminar_id=sem.id)
window = attendance.checkin_window(sem)
st.caption(t("cur.att.window", opens=when(window.opens), closes=when(window.closes)[-5:],
             late=int(attendance.LATE_AFTER.total_seconds() // 60)))
mine = marks.get(me.id)
if mine is not None:
    st.success(t("cur.att.yours", status=t(f"cur.att.{mine.status}")))
elif window.is_open(utcnow()):
    if st.button(t("cur.att.check_in"), key="cur_checkin", type="primary", icon=":material/how_to_reg:"):
        try:
            with ctx.db.write() as s:
                row = attendance.check_in(session=s, by=me, seminar_id=sem.id)
        except AppError as err:
            show_error(err)
        else:
            st.success(t("cur.att.checked_in", status=t(f"cur.att.{row.status}")))
            st.rerun()

if is_leader:
    status_labels = {"": t("cur.att.unmarked"), **{x: t(f"cur.att.{x}") for x in ATTENDANCE_STATUSES}}
    options = list(status_labels)
    with st.form(f"cur_att_{sem.id}"):
        chosen = {}
        cols = st.columns(2)
        for i, p in enumerate(people):
            current = marks[p.id].status if p.id in marks else ""
            chosen[p.id] = cols[i % 2].selectbox(
                p.display_name, options, index=options.index(current), key=f"cur_att_{sem.id}_{p.id}",
                format_func=status_labels.get)
        mark = st.form_submit_button(t("cur.att.mark"), type="primary")
    if mark:
        try:
            with ctx.db.write() as s:
                for member_id, status in chosen.items():
                    before = marks[member_id].status if member_id in marks else ""
                    if status and status != before:
                        attendance.mark(session=s, by=me, seminar_id=sem.id, member_id=member_id,
                                        status=status)
        except AppError as err:
            show_error(err)
        else:
            st.success(t("cur.att.marked"))
            st.rerun()

st.subheader(t("cur.att.stats"), anchor=False)
with ctx.db.read() as s:
    df = attendance.frame(session=s, lang=ctx.lang)
if df.empty:
    st.caption(t("cur.att.none"))
else:
    c1, c2 = st.columns(2)
    c1.altair_chart(attendance.by_member_chart(df, ctx.lang), width="stretch")
    c2.altair_chart(attendance.by_week_chart(df, ctx.lang), width="stretch")
    if is_leader:
        st.download_button(t("cur.att.csv"), attendance.to_csv(df, ctx.lang), file_name="attendance.csv",
                           mime="text/csv", icon=":material/download:", key="cur_att_csv")
