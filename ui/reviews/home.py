"""The paper reviews' Home card: the signed-in member's open assignments."""

from __future__ import annotations

from datetime import date

import streamlit as st

from core.reviews import assignments
from ui.shell.i18n import t
from ui.shell.links import page_link


def home_card(ctx) -> None:
    """Home: the signed-in member's open review assignments, with links to write them."""
    if ctx.actor is None:
        return
    with ctx.db.read() as s:
        rows = assignments.open_assignments(session=s, by=ctx.actor, today=date.today())
    with st.container(border=True):
        st.subheader(t("rev.home.title"))
        if not rows:
            st.caption(t("rev.home.none"))
        for r in rows:
            week = t("rev.home.week", week=r.assignment.week_no) if r.assignment.week_no is not None else ""
            page_link("write-review", r.paper.title, query={"paper": r.paper.id})
            st.caption(
                f"{t(f'rev.board.{r.status}')} · {t('rev.asg.due')}: {r.assignment.due_on.isoformat()} {week}"
            )
