"""Assignments: leader-only, statuses on the board (incl. overdue), members' open work, chart."""

import json
from datetime import date, timedelta

import pandas as pd
import pytest

from core.errors import InvalidInput, PermissionDenied
from core.reviews import assignments
from core.reviews import workflow as reviews
from tests.support.factories import make_leader, make_member
from tests.support.reviews import GOOD, make_paper, make_template, start, submitted

TODAY = date(2026, 3, 10)


def test_board_statuses_through_the_workflow(db):
    leader = make_leader(db)
    kim, lee, park = (make_member(db, n, by=leader) for n in ("kim", "lee", "park"))
    tid = make_template(db, leader)
    pid = make_paper(db, leader)
    with db.write() as s:
        made = assignments.assign(
            session=s,
            by=leader,
            paper_id=pid,
            member_ids=[kim.id, lee.id, park.id, kim.id],
            due_on=TODAY + timedelta(days=2),
            week_no=3,
            template_id=tid,
            today=TODAY,
        )
        assert len(made) == 3  # a repeated member is not doubled

    def statuses(today=TODAY):
        with db.read() as s:
            return {r.member.username: r.status for r in assignments.board(session=s, by=leader, today=today)}

    assert statuses() == {"kim": "assigned", "lee": "assigned", "park": "assigned"}
    start(db, lee, pid, tid)
    kim_rid = submitted(db, kim, pid, tid)
    assert statuses() == {"kim": "submitted", "lee": "drafting", "park": "assigned"}
    assert statuses(TODAY + timedelta(days=3)) == {"kim": "submitted", "lee": "overdue", "park": "overdue"}
    with db.write() as s:
        reviews.return_review(session=s, by=leader, review_id=kim_rid, feedback="다시")
    assert statuses()["kim"] == "returned"
    with db.read() as s:
        open_kim = assignments.open_assignments(session=s, by=kim, today=TODAY)
        assert [r.status for r in open_kim] == ["returned"]
    with db.read() as s:
        v = s.get(reviews.Review, kim_rid).draft.version
    with db.write() as s:
        reviews.commit_review(session=s, by=kim, review_id=kim_rid, answers=GOOD, expected_version=v)
    with db.write() as s:
        reviews.approve_review(session=s, by=leader, review_id=kim_rid)
    assert statuses()["kim"] == "approved"
    with db.read() as s:
        assert assignments.open_assignments(session=s, by=kim, today=TODAY) == []
        rows = assignments.board(session=s, by=leader, today=TODAY)
    counts = assignments.board_counts(rows)
    assert set(counts.columns) == {"member", "status", "n"} and counts["n"].sum() == 3
    labels = {s: s.upper() for s in assignments.BOARD_STATUSES}
    spec = assignments.board_chart(counts, labels).to_dict()
    assert spec["mark"]["type"] == "bar" and "APPROVED" in json.dumps(spec)


def test_only_leaders_assign_and_see_the_board(db):
    leader = make_leader(db)
    kim = make_member(db, "kim", by=leader)
    pid = make_paper(db, leader)
    with db.write() as s, pytest.raises(PermissionDenied):
        assignments.assign(session=s, by=kim, paper_id=pid, member_ids=[kim.id], due_on=TODAY, today=TODAY)
    with db.read() as s, pytest.raises(PermissionDenied):
        assignments.board(session=s, by=kim, today=TODAY)
    with db.write() as s, pytest.raises(InvalidInput) as err:
        assignments.assign(session=s, by=leader, paper_id=pid, member_ids=[], due_on=TODAY, today=TODAY)
    assert "멤버" in err.value.message("ko")


def test_reassign_updates_due_date_and_unassign(db):
    leader = make_leader(db)
    kim = make_member(db, "kim", by=leader)
    pid = make_paper(db, leader)
    with db.write() as s:
        first = assignments.assign(
            session=s, by=leader, paper_id=pid, member_ids=[kim.id], due_on=TODAY, week_no=1, today=TODAY
        )[0]
        second = assignments.assign(
            session=s,
            by=leader,
            paper_id=pid,
            member_ids=[kim.id],
            due_on=TODAY + timedelta(days=7),
            week_no=2,
            today=TODAY,
        )[0]
        assert first.id == second.id and second.week_no == 2
    with db.write() as s, pytest.raises(PermissionDenied):
        assignments.unassign(session=s, by=kim, assignment_id=first.id)
    with db.write() as s:
        assignments.unassign(session=s, by=leader, assignment_id=first.id)
    with db.read() as s:
        assert assignments.board(session=s, by=leader, today=TODAY) == []


def _legend_spec(statuses: list[str]) -> dict:
    counts = pd.DataFrame(
        [{"member": f"m{i % 2}", "status": s} for i, s in enumerate(statuses)], columns=["member", "status"]
    )
    counts = counts.groupby(["member", "status"], as_index=False).size().rename(columns={"size": "n"})
    labels = {s: f"상태 {s}" for s in assignments.BOARD_STATUSES}
    return assignments.board_chart(counts, labels).to_dict()["encoding"]["color"]


@pytest.mark.parametrize(
    "drawn",
    [
        ["approved", "overdue"],
        ["overdue", "assigned", "approved", "submitted"],
        list(assignments.BOARD_STATUSES),
    ],
)
def test_chart_legend_lists_exactly_the_statuses_drawn_with_their_colours(drawn):
    color = _legend_spec(drawn)
    in_order = [s for s in assignments.BOARD_STATUSES if s in drawn]
    assert color["scale"]["domain"] == [f"상태 {s}" for s in in_order]
    assert color["scale"]["range"] == [assignments.STATUS_COLORS[s] for s in in_order]
    legend = color["legend"]
    # under the bars (a one-member chart is too short for a legend beside it), labels never cut
    assert legend["orient"] == "bottom" and legend["labelLimit"] == 0


def test_a_week_not_set_reads_as_a_dash():
    from core.reviews.queries import week_text

    assert week_text(None) == "—" and week_text(0) == "0" and week_text(12) == "12"
