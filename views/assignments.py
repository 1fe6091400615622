"""Leader page: assign papers to members (due date, week number), and the status board as a
table and a chart."""

from datetime import timedelta

import streamlit as st

from core.accounts import members
from core.reviews import assignments, papers, templates
from ui.reviews import keys
from ui.reviews.board import status_board
from ui.shell.actions import act
from ui.shell.forms import fresh
from ui.shell.frame import frame
from ui.shell.i18n import t
from ui.shell.time import today as group_today
from ui.shell.widgets import pick_many, pick_one

ctx = frame()
st.title(t("rev.asg.title"))
today = group_today()

with ctx.db.read() as s:
    paper_by_id = {p.id: p for p, _ in papers.list_papers(session=s)}
    people = {m.id: m for m in members.list_members(session=s, active_only=True)}
    tpls = {tp.id: tp for tp in templates.list_templates(session=s)}

with st.form(keys.ASSIGN_FORM):
    paper_id = pick_one(
        t("rev.find.paper"),
        list(paper_by_id),
        format_func=lambda i: paper_by_id[i].title,
        index=None,
        key=fresh(keys.ASSIGN_PAPER),
    )
    member_ids = pick_many(
        t("rev.asg.members"),
        list(people),
        format_func=lambda i: people[i].display_name,
        key=fresh(keys.ASSIGN_MEMBERS),
    )
    c1, c2, c3 = st.columns(3)
    due = c1.date_input(
        t("rev.asg.due"), value=today + timedelta(days=7), min_value=today, key=keys.ASSIGN_DUE
    )
    week = c2.number_input(
        t("rev.week"), min_value=0, max_value=200, value=None, step=1, key=keys.ASSIGN_WEEK
    )
    tpl_id = c3.selectbox(
        t("rev.template"),
        list(tpls),
        format_func=lambda i: templates.template_name(tpls[i], ctx.lang),
        index=0 if tpls else None,
        key=keys.ASSIGN_TEMPLATE,
    )
    go = st.form_submit_button(t("rev.asg.assign"), type="primary", icon=":material/assignment_add:")
if go:
    week_no = int(week) if week is not None else None
    act(
        ctx.db,
        lambda s: assignments.assign(
            session=s,
            by=ctx.actor,
            paper_id=paper_id,
            member_ids=member_ids,
            due_on=due,
            week_no=week_no,
            template_id=tpl_id,
            today=today,
        ),
        done="rev.asg.done",
        params=lambda made: {"n": len(made)},
        renew=keys.ASSIGN_RENEW,
        once=(paper_id, tuple(member_ids), due, week_no, tpl_id),
    )

status_board(ctx, today)
