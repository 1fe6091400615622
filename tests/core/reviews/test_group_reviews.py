"""Reviews as the group works: feedback and helpfulness stay between the author and the leaders,
returned reviews are listed for their author, hidden reviews are counted, a past due date is
refused, and leaders get a per-paper summary (ratings' mean and spread, who is missing)."""

from datetime import date, timedelta

import pytest

from core.errors import FieldError, PermissionDenied
from core.reviews import assignments
from core.reviews import workflow as reviews
from core.reviews.queries import Filters, find_reviews, get_row, hidden_count, returned_reviews
from core.reviews.summary import paper_summary
from tests.support.reviews import GOOD, make_paper, make_review_group, start, submitted

TODAY = date(2026, 3, 10)


@pytest.fixture
def group(db):
    return make_review_group(db)


def test_feedback_and_helpfulness_only_for_author_and_leaders(db, group):
    leader, kim, lee, _, tid, pid = group
    kim_rid = submitted(db, kim, pid, tid)
    submitted(db, lee, pid, tid)  # lee may now read kim's review
    with db.write() as s:
        reviews.rate_helpfulness(session=s, by=leader, review_id=kim_rid, score=4)
        reviews.return_review(session=s, by=leader, review_id=kim_rid, feedback="근거를 보강해 주세요")
    with db.read() as s:
        assert get_row(session=s, by=lee, review_id=kim_rid).review.id == kim_rid  # the answers: yes
        with pytest.raises(PermissionDenied) as err:
            reviews.comments(session=s, by=lee, review_id=kim_rid)
        assert "author" in err.value.message("en")
        for who in (kim, leader):
            assert [c.body for c in reviews.comments(session=s, by=who, review_id=kim_rid)] == [
                "근거를 보강해 주세요"
            ]
        assert get_row(session=s, by=lee, review_id=kim_rid).helpfulness is None
        assert get_row(session=s, by=kim, review_id=kim_rid).helpfulness == 4

        def helpfulness(who):
            rows = find_reviews(session=s, by=who, filters=Filters(paper_id=pid, member_id=kim.id))
            return [r.helpfulness for r in rows]

        assert helpfulness(lee) == [None]
        assert helpfulness(kim) == [4]
        assert helpfulness(leader) == [4]


def test_returned_reviews_listed_for_their_author_until_resubmitted(db, group):
    leader, kim, lee, _, tid, pid = group
    rid = submitted(db, kim, pid, tid)
    with db.write() as s:
        reviews.return_review(session=s, by=leader, review_id=rid, feedback="첫 번째")
    with db.read() as s:
        v = s.get(reviews.Review, rid).draft.version
    with db.write() as s:
        reviews.commit_review(session=s, by=kim, review_id=rid, answers=GOOD, expected_version=v)
    with db.write() as s:
        reviews.return_review(session=s, by=leader, review_id=rid, feedback="두 번째")
    with db.read() as s:
        mine = returned_reviews(session=s, by=kim)
        assert [(r.review_id, r.paper_id, r.feedback) for r in mine] == [(rid, pid, "두 번째")]
        assert returned_reviews(session=s, by=lee) == []
        v = s.get(reviews.Review, rid).draft.version
    with db.write() as s:
        reviews.commit_review(session=s, by=kim, review_id=rid, answers=GOOD, expected_version=v)
    with db.read() as s:
        assert returned_reviews(session=s, by=kim) == []


def test_hidden_count_over_every_paper(db, group):
    leader, kim, lee, park, tid, pid = group
    pid2 = make_paper(db, kim, title="Sequence to Sequence Learning", arxiv="1409.3215")
    submitted(db, kim, pid, tid)
    submitted(db, park, pid, tid)
    submitted(db, kim, pid2, tid)
    start(db, park, pid2, tid)  # a draft is nobody else's business
    with db.read() as s:
        assert hidden_count(session=s, by=lee) == 3
        assert hidden_count(session=s, by=lee, paper_id=pid2) == 1
        assert hidden_count(session=s, by=leader) == 0
    submitted(db, lee, pid, tid)
    with db.read() as s:
        assert hidden_count(session=s, by=lee) == 1


def test_past_due_date_is_refused_naming_the_field(db, group):
    leader, kim, _, _, tid, pid = group
    with db.write() as s, pytest.raises(FieldError) as err:
        assignments.assign(
            session=s,
            by=leader,
            paper_id=pid,
            member_ids=[kim.id],
            due_on=TODAY - timedelta(days=1),
            today=TODAY,
        )
    assert "Due date — This date has passed. Pick today (2026-03-10)" in err.value.message("en")
    assert "마감일 — 지난 날짜입니다" in err.value.message("ko")
    with db.read() as s:
        assert assignments.board(session=s, by=leader, today=TODAY) == []  # nothing half-saved
    with db.write() as s:  # today itself is fine
        made = assignments.assign(
            session=s, by=leader, paper_id=pid, member_ids=[kim.id], due_on=TODAY, today=TODAY
        )
        assert made[0].due_on == TODAY


def test_paper_summary_for_leaders(db, group):
    leader, kim, lee, park, tid, pid = group
    with db.write() as s:
        assignments.assign(
            session=s,
            by=leader,
            paper_id=pid,
            member_ids=[kim.id, lee.id, park.id],
            due_on=TODAY + timedelta(days=3),
            template_id=tid,
            today=TODAY,
        )
    submitted(db, kim, pid, tid, {"summary": "a", "score": 4})
    submitted(db, lee, pid, tid, {"summary": "b", "score": 2})
    start(db, park, pid, tid)  # a draft is not submitted
    with db.read() as s:
        summary = paper_summary(session=s, by=leader, paper_id=pid, lang="en")
        with pytest.raises(PermissionDenied):
            paper_summary(session=s, by=kim, paper_id=pid, lang="en")
    assert summary.submitted == 2 and summary.assigned == 3
    assert summary.missing == ["박서준"]
    [score] = summary.ratings
    assert (score.key, score.label, score.n) == ("score", "Score", 2)
    assert (score.mean, score.sd, score.low, score.high) == (3.0, 1.0, 2, 4)


def test_paper_summary_without_reviews(db, group):
    leader, _, _, _, _, pid = group
    with db.read() as s:
        summary = paper_summary(session=s, by=leader, paper_id=pid, lang="ko")
    assert (summary.submitted, summary.ratings, summary.assigned, summary.missing) == (0, [], 0, [])
