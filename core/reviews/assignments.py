"""Assignments: leaders assign a paper to members with a due date and a week number, and a
status board shows where each one stands (assigned, drafting, submitted, returned, approved,
overdue). Week numbers are plain integers, not links to the curriculum tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import altair as alt
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts.members import Actor, require_leader, require_member
from core.errors import InvalidInput, NotFound
from core.notify import sources as notify
from core.timezone import group_today
from core.validate import Problems
from db.models.members import Member
from db.models.reviews import Assignment, Paper, Review, ReviewTemplate

BOARD_STATUSES = ("assigned", "drafting", "submitted", "returned", "approved", "overdue")
OPEN_STATUSES = ("assigned", "drafting", "returned", "overdue")
STATUS_COLORS = dict(
    zip(BOARD_STATUSES, ("#9e9e9e", "#42a5f5", "#7e57c2", "#ffa726", "#66bb6a", "#ef5350"), strict=True)
)


@dataclass
class BoardRow:
    """One assignment with its paper, member, the member's review (if any) and its status."""

    assignment: Assignment
    paper: Paper
    member: Member
    review: Review | None
    status: str


def board_status(review: Review | None, due_on: date, today: date) -> str:
    """Where an assignment stands; 'overdue' when past due and not yet submitted."""
    if review is None or review.status == "draft":
        if due_on < today:
            return "overdue"
        return "assigned" if review is None else "drafting"
    return {
        "submitted": "submitted",
        "resubmitted": "submitted",
        "returned": "returned",
        "approved": "approved",
    }[review.status]


def assign(
    *,
    session: Session,
    by: Actor | None,
    paper_id: int | None,
    member_ids: list[int],
    due_on: date | None,
    week_no: int | None = None,
    template_id: int | None = None,
    today: date | None = None,
) -> list[Assignment]:
    """A leader assigns a paper to members; an existing assignment is updated, not doubled.
    Every missing or invalid field of the form is named at once; a due date before `today`
    (default: the group's today) is refused."""
    by = require_leader(by)
    today = today or group_today(session=session)
    found = Problems()
    if paper_id is None:
        found.add("rev.find.paper", "common.error.required")
    elif session.get(Paper, paper_id) is None:
        raise NotFound()
    if not member_ids:
        found.add("rev.asg.members", "common.error.required")
    if due_on is None:
        found.add("rev.asg.due", "common.error.required")
    elif due_on < today:
        found.add("rev.asg.due", "rev.error.due_past", today=today.isoformat())
    if week_no is not None and not 0 <= int(week_no) <= 200:
        found.add("rev.week", "common.error.invalid_choice")
    found.raise_if_any()
    if template_id is not None:
        template = session.get(ReviewTemplate, template_id)
        if template is None or template.archived:
            raise InvalidInput("rev.error.template_archived")
    out = []
    for member_id in dict.fromkeys(member_ids):
        member = session.get(Member, member_id)
        if member is None or not member.active:
            raise NotFound()
        row = session.scalar(
            select(Assignment).where(Assignment.paper_id == paper_id, Assignment.member_id == member_id)
        )
        if row is None:
            row = Assignment(paper_id=paper_id, member_id=member_id, assigned_by_id=by.id)
            session.add(row)
        row.due_on, row.week_no, row.template_id = due_on, week_no, template_id
        out.append(row)
    session.flush()
    notify.assigned(session, out, by=by)
    return out


def unassign(*, session: Session, by: Actor | None, assignment_id: int) -> None:
    """A leader removes an assignment (the member's review, if any, stays)."""
    require_leader(by)
    row = session.get(Assignment, assignment_id)
    if row is None:
        raise NotFound()
    session.delete(row)
    session.flush()


def _rows(session: Session, q, today: date) -> list[BoardRow]:
    q = (
        q.join(Paper, Paper.id == Assignment.paper_id)
        .join(Member, Member.id == Assignment.member_id)
        .outerjoin(
            Review, (Review.paper_id == Assignment.paper_id) & (Review.author_id == Assignment.member_id)
        )
        .order_by(Assignment.due_on, Member.display_name, Assignment.id)
    )
    return [BoardRow(a, p, m, r, board_status(r, a.due_on, today)) for a, p, m, r in session.execute(q)]


def board(*, session: Session, by: Actor | None, today: date, week_no: int | None = None) -> list[BoardRow]:
    """Every assignment with its status (leaders only)."""
    require_leader(by)
    q = select(Assignment, Paper, Member, Review)
    if week_no is not None:
        q = q.where(Assignment.week_no == week_no)
    return _rows(session, q, today)


def open_assignments(*, session: Session, by: Actor | None, today: date) -> list[BoardRow]:
    """The actor's own assignments that still need work, soonest due first."""
    by = require_member(by)
    rows = _rows(
        session, select(Assignment, Paper, Member, Review).where(Assignment.member_id == by.id), today
    )
    return [r for r in rows if r.status in OPEN_STATUSES]


def board_chart(counts: pd.DataFrame, status_labels: dict[str, str]) -> alt.Chart:
    """Stacked bars: assignments per member by status. `counts` has member, status, n.

    The legend lists exactly the statuses drawn, in board order, each with its colour and
    translated label; it sits under the bars (a chart one member high has no room for a legend
    beside it) and never shortens a label."""
    present = set(counts["status"])
    drawn = [s for s in BOARD_STATUSES if s in present]
    order = [status_labels[s] for s in drawn]
    data = counts.assign(status=counts["status"].map(status_labels))
    legend = alt.Legend(
        orient="bottom", direction="horizontal", columns=min(len(drawn), 3) or 1, labelLimit=0, symbolLimit=0
    )
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("n:Q", title=None, axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("member:N", title=None, sort="ascending"),
            color=alt.Color(
                "status:N",
                title=None,
                sort=order,
                scale=alt.Scale(domain=order, range=[STATUS_COLORS[s] for s in drawn]),
                legend=legend,
            ),
            order=alt.Order("status_rank:Q"),
            tooltip=["member:N", "status:N", "n:Q"],
        )
        .transform_calculate(status_rank=f"indexof({order!r}, datum.status)")
        .properties(height=alt.Step(28))
    )


def board_counts(rows: list[BoardRow]) -> pd.DataFrame:
    """Counts per (member, status) for the chart."""
    df = pd.DataFrame(
        [{"member": r.member.display_name, "status": r.status} for r in rows], columns=["member", "status"]
    )
    return df.groupby(["member", "status"], as_index=False).size().rename(columns={"size": "n"})
