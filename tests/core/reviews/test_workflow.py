"""The review state machine: every allowed and refused transition, and who may do it."""

import pytest

from core.errors import InvalidInput, NotFound, PermissionDenied
from core.reviews import workflow as reviews
from db.models.reviews import REVIEW_STATUSES, Review
from tests.support.factories import make_leader, make_member
from tests.support.reviews import GOOD, make_paper, make_template, start, submitted

ACTIONS = ("submit", "resubmit", "revise", "return", "approve")
PATHS = {  # how to reach each status from a fresh draft
    "draft": [],
    "submitted": ["submit"],
    "returned": ["submit", "return"],
    "resubmitted": ["submit", "return", "resubmit"],
    "approved": ["submit", "approve"],
}
EXPECTED = {  # the whole table: every other (status, action) pair is refused
    ("draft", "submit"): "submitted",
    ("returned", "resubmit"): "resubmitted",
    ("submitted", "revise"): "submitted",
    ("resubmitted", "revise"): "resubmitted",
    ("submitted", "return"): "returned",
    ("resubmitted", "return"): "returned",
    ("submitted", "approve"): "approved",
    ("resubmitted", "approve"): "approved",
}


@pytest.fixture
def people(db):
    leader = make_leader(db)
    return {
        "leader": leader,
        "author": make_member(db, "author", by=leader),
        "other": make_member(db, "other", by=leader),
        "leader2": make_leader(db, "leader2", "부스터디장"),
        "tid": make_template(db, leader),
    }


def act(db, by, review_id, action, answers=None):
    with db.write() as s:
        if action in ("submit", "resubmit", "revise"):
            draft_v = s.get(Review, review_id).draft.version
            return reviews.commit_review(
                session=s,
                by=by,
                review_id=review_id,
                action=action,
                answers=answers or dict(GOOD, summary=f"{action} {draft_v}"),
                expected_version=draft_v,
            ).status
        if action == "return":
            return reviews.return_review(
                session=s, by=by, review_id=review_id, feedback="방법 부분을 보강해 주세요."
            ).status
        return reviews.approve_review(session=s, by=by, review_id=review_id).status


def reach(db, people, status):
    pid = make_paper(db, people["author"])
    rid, _ = start(db, people["author"], pid, people["tid"])
    for action in PATHS[status]:
        act(
            db,
            people["author"] if action in ("submit", "resubmit", "revise") else people["leader"],
            rid,
            action,
        )
    return rid


@pytest.mark.parametrize("status", REVIEW_STATUSES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_transition_allowed_or_refused(db, people, status, action):
    rid = reach(db, people, status)
    actor = people["author"] if action in ("submit", "resubmit", "revise") else people["leader2"]
    if (status, action) in EXPECTED:
        assert act(db, actor, rid, action) == EXPECTED[(status, action)]
    else:
        # a wrong action is refused as invalid; a draft is invisible to leaders (NotFound)
        refused = NotFound if status == "draft" and action in ("return", "approve") else InvalidInput
        with pytest.raises(refused):
            act(db, actor, rid, action)
        with db.read() as s:
            assert s.get(Review, rid).status == status


def test_who_may_act(db, people):
    rid = reach(db, people, "submitted")
    for who in ("author", "other"):
        for action in ("return", "approve"):
            with pytest.raises(PermissionDenied):
                act(db, people[who], rid, action)
    with pytest.raises(PermissionDenied):
        act(db, people["other"], rid, "revise")
    with pytest.raises(PermissionDenied):  # leaders cannot edit a member's review either
        act(db, people["leader"], rid, "revise")
    with db.write() as s, pytest.raises(PermissionDenied):
        reviews.return_review(session=s, by=None, review_id=rid, feedback="x")


def test_leader_cannot_approve_own_review(db, people):
    pid = make_paper(db, people["leader"])
    rid = submitted(db, people["leader"], pid, people["tid"])
    with pytest.raises(PermissionDenied):
        act(db, people["leader"], rid, "approve")
    assert act(db, people["leader2"], rid, "approve") == "approved"


def test_return_needs_feedback_and_records_thread(db, people):
    rid = reach(db, people, "submitted")
    with db.write() as s, pytest.raises(InvalidInput) as err:
        reviews.return_review(session=s, by=people["leader"], review_id=rid, feedback="  ")
    # named by the label the leader's form shows for it (피드백), not "코멘트"
    assert err.value.field == "rev.view.feedback"
    assert "피드백" in err.value.message("ko") and "코멘트" not in err.value.message("ko")
    assert "Feedback" in err.value.message("en")
    act(db, people["leader"], rid, "return")
    with db.write() as s:
        reviews.add_comment(session=s, by=people["author"], review_id=rid, body="수식 $E=mc^2$ 추가했어요")
    with db.write() as s, pytest.raises(PermissionDenied):
        reviews.add_comment(session=s, by=people["other"], review_id=rid, body="hi")
    with db.read() as s:
        thread = reviews.comments(session=s, by=people["author"], review_id=rid)
    assert [c.kind for c in thread] == ["return", "comment"]


def test_helpfulness_only_by_leaders_on_submitted_reviews(db, people):
    draft_pid = make_paper(db, people["author"], title="Draft paper", arxiv=None)
    draft_id, _ = start(db, people["author"], draft_pid, people["tid"])
    rid = reach(db, people, "submitted")
    with db.write() as s:
        assert (
            reviews.rate_helpfulness(session=s, by=people["leader"], review_id=rid, score=5).helpfulness == 5
        )
    with db.write() as s, pytest.raises(PermissionDenied):
        reviews.rate_helpfulness(session=s, by=people["author"], review_id=rid, score=5)
    with db.write() as s, pytest.raises(InvalidInput):
        reviews.rate_helpfulness(session=s, by=people["leader"], review_id=rid, score=9)
    with db.write() as s, pytest.raises(NotFound):  # a draft is the author's alone
        reviews.rate_helpfulness(session=s, by=people["leader"], review_id=draft_id, score=3)


def test_lab_run_attached_by_author_only(db, people):
    rid = reach(db, people, "submitted")
    with db.write() as s:
        assert reviews.set_lab_run(session=s, by=people["author"], review_id=rid, run_id=42).lab_run_id == 42
    with db.write() as s, pytest.raises(PermissionDenied):
        reviews.set_lab_run(session=s, by=people["other"], review_id=rid, run_id=1)
