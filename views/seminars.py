"""Seminars and attendance: leaders schedule seminars and mark attendance; members check
themselves in while a seminar is on; attendance charts and a CSV export."""

import streamlit as st

from core.accounts import members
from core.curriculum import seminars
from core.curriculum import weeks as cur
from ui.curriculum.attendance import attendance_section
from ui.curriculum.seminar import new_seminar, pick_seminar, seminar_admin, seminar_details
from ui.curriculum.widgets import seminar_facts
from ui.shell.frame import frame
from ui.shell.i18n import t

ctx = frame()
st.title(t("cur.nav.seminars"))

with ctx.db.read() as s:
    all_seminars = seminars.list_seminars(session=s)
    weeks = cur.list_weeks(session=s)
    people = members.list_members(session=s, active_only=True) if ctx.actor is not None else []
    upcoming = seminars.next_seminar(session=s)

if upcoming is not None:
    with st.container(border=True):
        st.subheader(f"{t('cur.seminar.next')}: {upcoming.title}", anchor=False)
        seminar_facts(upcoming, ctx.lang)
if ctx.is_leader:
    new_seminar(ctx, people, weeks)
if not all_seminars:
    st.info(t("cur.seminar.none"))
    st.stop()

sem = pick_seminar(all_seminars, upcoming)
seminar_details(ctx, sem)
if ctx.is_leader:
    seminar_admin(ctx, sem, people, weeks)
attendance_section(ctx, sem, people)
