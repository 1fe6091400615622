"""The paper reviews' Home card: the signed-in member's returned reviews (flagged, with the leader's
feedback) and open assignments."""

from __future__ import annotations

import streamlit as st

from core.reviews import assignments
from core.reviews.queries import returned_reviews
from ui.shell.i18n import t
from ui.shell.links import page_link
from ui.shell.markdown import user_markdown
from ui.shell.time import show, today


def home_card(ctx) -> None:
    """Home: returned reviews first (to revise and resubmit), then open review assignments."""
    if ctx.actor is None:
        return
    with ctx.db.read() as s:
        returned = returned_reviews(session=s, by=ctx.actor)
        rows = assignments.open_assignments(session=s, by=ctx.actor, today=today())
    flagged = {r.paper_id for r in returned}
    rows = [r for r in rows if r.paper.id not in flagged]  # shown once, as a returned review
    with st.container(border=True):
        st.subheader(t("rev.home.title"))
        for r in returned:
            st.warning(t("rev.home.returned", title=r.title), icon=":material/undo:")
            if r.feedback:
                st.caption(t("rev.home.returned_feedback"))
                user_markdown(r.feedback)
            page_link("write-review", t("rev.home.revise"), ":material/edit:", {"paper": r.paper_id})
        if not rows and not returned:
            st.caption(t("rev.home.none"))
        for r in rows:
            week = t("rev.home.week", week=r.assignment.week_no) if r.assignment.week_no is not None else ""
            page_link("write-review", r.paper.title, query={"paper": r.paper.id})
            st.caption(
                f"{t(f'rev.board.{r.status}')} · {t('rev.asg.due')}: {show(r.assignment.due_on)} {week}"
            )
