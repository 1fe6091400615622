"""The curriculum's Home cards: the week in progress (or next) and the next seminar."""

from __future__ import annotations

import streamlit as st

from core.curriculum import seminars
from core.curriculum import weeks as curriculum
from core.timezone import now_utc
from ui.curriculum.widgets import seminar_facts, week_label
from ui.shell.i18n import t
from ui.shell.links import lab_link, page_link
from ui.shell.markdown import user_markdown
from ui.shell.time import show, today


def this_week_card(ctx) -> None:
    """Home card: the week in progress (or next), its goals, tags and Lab demo."""
    with ctx.db.read() as s:
        week = curriculum.current_week(session=s, today=today())
        n_notes = len(curriculum.list_notes(session=s, week_id=week.id)) if week else 0
        n_materials = len(curriculum.list_materials(session=s, week_id=week.id)) if week else 0
    with st.container(border=True):
        st.subheader(t("cur.home.week"), anchor=False)
        if week is None:
            st.caption(t("home.empty"))
            return
        st.markdown(f"**{week_label(week, ctx.lang)}**")
        if week.start_date:
            end = f" – {show(week.end_date)}" if week.end_date else ""
            st.caption(f"{show(week.start_date)}{end}")
        if week.goals:
            st.markdown(f"**{t('cur.week.goals')}**")
            user_markdown(week.goals)
        tags = curriculum.tag_list(week.tags)
        if tags:
            st.markdown(" ".join(f":blue-badge[{tag}]" for tag in tags))
        st.caption(t("cur.home.counts", notes=n_notes, materials=n_materials))
        cols = st.columns(2)
        page_link("curriculum", t("cur.nav.weeks"), where=cols[0])
        if week.lab_preset:
            lab_link(t("cur.home.demo"), preset=week.lab_preset, where=cols[1])


def next_seminar_card(ctx) -> None:
    """Home card: the seminar on now or coming next, with a link to the seminars page."""
    with ctx.db.read() as s:
        sem = seminars.next_seminar(session=s)
    with st.container(border=True):
        st.subheader(t("cur.home.next"), anchor=False)
        if sem is None:
            st.caption(t("cur.home.none"))
            return
        if sem.starts_at <= now_utc():
            st.badge(t("cur.seminar.now"), color="green")
        st.markdown(f"**{sem.title}**")
        seminar_facts(sem, ctx.lang)
        page_link("seminars", t("cur.nav.seminars"))
