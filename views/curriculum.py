"""Curriculum: weeks with goals, summary, materials and members' notes; search; export.
Guests read; members write notes; leaders plan, reorder and archive weeks."""

import streamlit as st

from core.curriculum import weeks as cur
from ui.curriculum.materials import materials_section
from ui.curriculum.notes import import_note, new_note, notes_list
from ui.curriculum.search import search_box
from ui.curriculum.week import new_week, pick_week, week_admin, week_header
from ui.shell.frame import frame
from ui.shell.i18n import t

ctx = frame()
st.title(t("cur.nav.weeks"))

with ctx.db.read() as s:
    weeks = cur.list_weeks(session=s, include_archived=ctx.is_leader)
    tags = cur.all_tags(session=s)
search_box(ctx, weeks, tags)
if ctx.is_leader:
    new_week(ctx)
if not weeks:
    st.info(t("cur.week.none"))
    st.stop()

week = pick_week(ctx, weeks)
week_header(ctx, week)
if ctx.is_leader:
    week_admin(ctx, week)
materials_section(ctx, week)
notes_list(ctx, week)
if ctx.actor is None:
    st.info(t("cur.note.sign_in"))
    st.stop()
new_note(ctx, week)
import_note(ctx, week)
