"""Reviews as the group works, on screen: a returned review flagged on its author's Home, the
search saying why others' reviews are missing, the leaders' per-paper summary, and a peer who
reads a review without its feedback or helpfulness rating."""

from datetime import timedelta

import pytest

from core.reviews import assignments
from core.reviews import workflow as reviews
from tests.support.reviews import make_review_group, start, submitted

FEEDBACK = "근거 실험을 보강해 주세요"


@pytest.fixture
def group(db):
    return make_review_group(db)


def _returned(db, leader, kim, tid, pid) -> int:
    rid = submitted(db, kim, pid, tid)
    with db.write() as s:
        reviews.rate_helpfulness(session=s, by=leader, review_id=rid, score=3)
        reviews.return_review(session=s, by=leader, review_id=rid, feedback=FEEDBACK)
    return rid


def _markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown) + "\n".join(c.value for c in at.caption)


def test_returned_review_is_flagged_on_the_authors_home(run_page, db, group):
    leader, kim, lee, _, tid, pid = group
    _returned(db, leader, kim, tid, pid)
    at = run_page("views/home.py", actor=kim, lang="en")
    assert not at.exception
    assert [w.value for w in at.warning] == ["Returned review: Attention Is All You Need"]
    assert FEEDBACK in _markdown(at)
    at = run_page("views/home.py", actor=lee, lang="en")
    assert not at.warning and FEEDBACK not in _markdown(at)


def test_search_explains_that_others_reviews_come_after_yours(run_page, db, group):
    leader, kim, lee, _, tid, pid = group
    submitted(db, kim, pid, tid)
    at = run_page("views/reviews.py", actor=lee, lang="en")
    [info] = at.info[:1]
    assert "appear here after you submit your own review" in info.value
    assert "1 review(s) by others are waiting for yours" in info.value
    at = run_page("views/reviews.py", actor=lee, lang="ko")
    assert "내 리뷰를 제출한 뒤에 보입니다" in at.info[0].value
    at = run_page("views/reviews.py", actor=leader, lang="en")  # leaders see every submitted review
    assert not any("after you submit" in i.value for i in at.info)


def test_leader_sees_the_paper_summary_and_who_is_missing(run_page, db, group):
    leader, kim, lee, park, tid, pid = group
    with db.write() as s:
        assignments.assign(
            session=s,
            by=leader,
            paper_id=pid,
            member_ids=[kim.id, lee.id, park.id],
            due_on=assignments.group_today() + timedelta(days=3),
            template_id=tid,
        )
    submitted(db, kim, pid, tid, {"summary": "a", "score": 4})
    submitted(db, lee, pid, tid, {"summary": "b", "score": 2})
    start(db, park, pid, tid)
    at = run_page("views/papers.py", actor=leader, lang="en")
    assert not at.exception
    assert [m.value for m in at.metric] == ["2"]
    table = at.dataframe[-1].value
    row = table.iloc[0]
    assert (row["Rating"], row["Answers"], row["Mean"], row["Std. dev."], row["Min"], row["Max"]) == (
        "Score",
        2,
        3.0,
        1.0,
        2,
        4,
    )
    assert [w.value for w in at.warning] == ["Assigned but not yet submitted: 박서준"]
    at = run_page("views/papers.py", actor=kim, lang="en")  # members get no summary
    assert not at.exception and not at.metric and "Review summary" not in _markdown(at)


def test_peer_reads_the_review_without_its_feedback(run_page, db, group):
    leader, kim, lee, _, tid, pid = group
    rid = _returned(db, leader, kim, tid, pid)
    submitted(db, lee, pid, tid)  # lee may now read kim's review
    at = run_page("views/reviews.py", actor=lee, lang="en", query={"review": str(rid)})
    assert not at.exception and not at.error
    text = _markdown(at)
    assert "Attention만으로" in text  # the answers are there
    assert FEEDBACK not in text and "Helpfulness" not in text and "★" not in text
    at = run_page("views/reviews.py", actor=kim, lang="en", query={"review": str(rid)})
    text = _markdown(at)
    assert FEEDBACK in text and "★★★☆☆" in text
