"""Autosaved drafts, stale saves from another tab, submit listing every problem, revisions, diff."""

import pytest

from core.errors import InvalidInput, PermissionDenied, StaleEdit
from core.reviews import answers as ans
from core.reviews import templates
from core.reviews import workflow as reviews
from core.reviews.answers import ReviewIncomplete
from db.models.reviews import Review
from tests.support.factories import make_leader, make_member
from tests.support.reviews import GOOD, make_paper, make_template, start


@pytest.fixture
def setup(db):
    leader = make_leader(db)
    member = make_member(db, by=leader)
    tid = make_template(db, leader)
    pid = make_paper(db, member)
    rid, version = start(db, member, pid, tid)
    return leader, member, rid, version


def save(db, by, rid, answers, version):
    with db.write() as s:
        return reviews.save_draft(
            session=s, by=by, review_id=rid, answers=answers, expected_version=version
        ).version


def test_autosave_persists_and_bumps_version_only_on_change(db, setup):
    _, member, rid, v1 = setup
    v2 = save(db, member, rid, {"summary": "초안 첫 줄"}, v1)
    assert v2 == v1 + 1
    assert save(db, member, rid, {"summary": "초안 첫 줄"}, v2) == v2  # nothing changed, nothing written
    with db.read() as s:
        review = s.get(Review, rid)
        assert review.draft.answers["summary"] == "초안 첫 줄" and review.status == "draft"
        assert review.answers == {}  # nothing submitted yet


def test_stale_save_from_second_tab_is_refused_with_newer_text(db, setup):
    _, member, rid, v1 = setup
    save(db, member, rid, {"summary": "탭 A의 글"}, v1)
    with pytest.raises(StaleEdit) as err:
        save(db, member, rid, {"summary": "탭 B의 글"}, v1)
    assert err.value.current.answers["summary"] == "탭 A의 글"
    assert "Your own text is kept" in err.value.message("en")
    with db.read() as s:
        assert s.get(Review, rid).draft.answers["summary"] == "탭 A의 글"
    # the member chooses to keep their own text: saving from the newer version works
    save(db, member, rid, {"summary": "탭 B의 글"}, err.value.current.version)


def test_a_late_save_of_the_text_already_saved_is_not_a_conflict(db, setup):
    # a page's last save lands after the reloaded page saved the same text from the newer version
    _, member, rid, v1 = setup
    v2 = save(db, member, rid, {"summary": "마지막 줄까지"}, v1)
    assert (
        save(db, member, rid, {"summary": "마지막 줄까지"}, v1) == v2
    )  # same text: success, nothing written
    with pytest.raises(StaleEdit):  # other text from the old version still is a conflict
        save(db, member, rid, {"summary": "다른 글"}, v1)


def test_members_edit_only_their_own_drafts(db, setup):
    leader, _, rid, v1 = setup
    other = make_member(db, "other", by=leader)
    for who in (other, leader):
        with pytest.raises(PermissionDenied):
            save(db, who, rid, {"summary": "x"}, v1)


def test_submit_lists_every_problem_and_keeps_the_draft(db, setup):
    _, member, rid, v1 = setup
    v2 = save(db, member, rid, {"tags": "a, b"}, v1)
    with pytest.raises(ReviewIncomplete) as err:
        with db.write() as s:
            reviews.commit_review(
                session=s, by=member, review_id=rid, answers={"tags": "a, b"}, expected_version=v2
            )
    lines = err.value.lines("ko")
    assert len(lines) == 2 and lines[0].startswith("요약") and lines[1].startswith("점수")
    assert "Summary" in err.value.message("en") and "Score" in err.value.message("en")
    with db.read() as s:
        review = s.get(Review, rid)
        assert review.status == "draft" and review.draft.answers["tags"] == ["a", "b"]


def test_revisions_after_submit_and_diff(db, setup):
    leader, member, rid, v1 = setup
    with db.write() as s:
        reviews.commit_review(session=s, by=member, review_id=rid, answers=GOOD, expected_version=v1)
    with db.read() as s:
        v = s.get(Review, rid).draft.version
    with db.write() as s:  # unchanged: no empty revision
        reviews.commit_review(session=s, by=member, review_id=rid, answers=GOOD, expected_version=v)
    v = save(db, member, rid, dict(GOOD, summary="Self-attention만으로 번역을 잘한다."), v)
    with db.read() as s:  # autosave after submit does not touch what others read
        assert s.get(Review, rid).answers["summary"] == GOOD["summary"]
    with db.write() as s:
        reviews.commit_review(
            session=s,
            by=member,
            review_id=rid,
            answers=dict(GOOD, summary="Self-attention만으로 번역을 잘한다."),
            expected_version=v,
        )
    with db.read() as s:
        revs = reviews.revisions(session=s, by=leader, review_id=rid)
        schema = templates.schema_of(s.get(Review, rid).template_version)
    assert [r.number for r in revs] == [1, 2] and [r.status for r in revs] == ["submitted", "submitted"]
    d = ans.diff(schema, revs[0].answers, revs[1].answers, "ko", ("#1", "#2"))
    assert "-Attention만으로 번역을 잘한다." in d and "+Self-attention만으로 번역을 잘한다." in d


def test_approved_review_is_locked(db, setup):
    leader, member, rid, v1 = setup
    with db.write() as s:
        reviews.commit_review(session=s, by=member, review_id=rid, answers=GOOD, expected_version=v1)
    with db.write() as s:
        reviews.approve_review(session=s, by=leader, review_id=rid, comment="좋아요!")
    with db.read() as s:
        v = s.get(Review, rid).draft.version
    with pytest.raises(InvalidInput) as err:
        save(db, member, rid, {"summary": "x"}, v)
    assert "approved" in err.value.message("en")


def test_leader_action_does_not_make_the_authors_autosave_stale(db, setup):
    leader, member, rid, v1 = setup
    with db.write() as s:
        reviews.commit_review(session=s, by=member, review_id=rid, answers=GOOD, expected_version=v1)
    with db.read() as s:
        v = s.get(Review, rid).draft.version
    with db.write() as s:
        reviews.return_review(session=s, by=leader, review_id=rid, feedback="보강해 주세요")
        reviews.add_comment(session=s, by=leader, review_id=rid, body="$\\alpha$ 정의도요")
    v2 = save(db, member, rid, dict(GOOD, summary="보강함"), v)
    with db.write() as s:
        assert (
            reviews.commit_review(
                session=s, by=member, review_id=rid, answers=dict(GOOD, summary="보강함"), expected_version=v2
            ).status
            == "resubmitted"
        )


def test_start_review_reuses_existing_and_needs_a_template(db, setup):
    _, member, rid, _ = setup
    with db.read() as s:
        pid = s.get(Review, rid).paper_id
    with db.write() as s:
        assert reviews.start_review(session=s, by=member, paper_id=pid).id == rid
    other_pid = make_paper(db, member, title="BERT", arxiv="1810.04805")
    with db.write() as s, pytest.raises(InvalidInput) as err:
        reviews.start_review(session=s, by=member, paper_id=other_pid)
    assert "템플릿" in err.value.message("ko")
