"""The leader's assignment status board: a chart and a table of who owes which review, and removing
an assignment."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from core.reviews import assignments
from core.reviews.queries import week_text
from ui.reviews import keys
from ui.shell.actions import act
from ui.shell.i18n import t
from ui.shell.widgets import pick_one


def status_board(ctx, today: date) -> None:
    """Every assignment's status (optionally of one week), as a chart and a table."""
    st.subheader(t("rev.asg.board"))
    week_filter = st.number_input(
        t("rev.asg.week_filter"), min_value=0, max_value=200, value=None, step=1, key=keys.BOARD_WEEK
    )
    with ctx.db.read() as s:
        rows = assignments.board(
            session=s,
            by=ctx.actor,
            today=today,
            week_no=int(week_filter) if week_filter is not None else None,
        )
    if not rows:
        st.info(t("rev.asg.none"))
        return
    labels = {x: t(f"rev.board.{x}") for x in assignments.BOARD_STATUSES}
    st.altair_chart(assignments.board_chart(assignments.board_counts(rows), labels), width="stretch")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("rev.asg.members"): r.member.display_name,
                    t("rev.find.paper"): r.paper.title,
                    t("rev.week"): week_text(r.assignment.week_no),
                    t("rev.asg.due"): r.assignment.due_on,
                    t("rev.find.status"): labels[r.status],
                }
                for r in rows
            ]
        ),
        hide_index=True,
        width="stretch",
    )

    by_id = {r.assignment.id: r for r in rows}
    pick = pick_one(
        t("rev.asg.remove_pick"),
        list(by_id),
        index=None,
        format_func=lambda i: f"{by_id[i].member.display_name} · {by_id[i].paper.title}",
    )
    if pick is not None and st.button(t("rev.asg.remove"), icon=":material/delete:"):
        act(ctx.db, lambda s: assignments.unassign(session=s, by=ctx.actor, assignment_id=pick))
