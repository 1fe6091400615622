"""Independent opinions first, finding reviews (filters, Korean/English search), export."""

import io
import zipfile
from datetime import date, timedelta

import pytest

from core.errors import NotFound, PermissionDenied
from core.reviews import assignments
from core.reviews import workflow as reviews
from core.reviews.export import export_paper, export_review, export_zip
from core.reviews.queries import Filters, all_tags, find_reviews, get_review, hidden_count, rating_keys
from tests.support.factories import make_leader, make_member
from tests.support.reviews import GOOD, make_paper, make_template, start, submitted


@pytest.fixture
def group(db):
    leader = make_leader(db)
    kim = make_member(db, "kim", "김하연", by=leader)
    lee = make_member(db, "lee", "이민준", by=leader)
    tid = make_template(db, leader)
    pid = make_paper(db, kim)
    return leader, kim, lee, tid, pid


def test_member_sees_others_only_after_submitting_own(db, group):
    leader, kim, lee, tid, pid = group
    kim_rid = submitted(db, kim, pid, tid)
    with db.read() as s:
        with pytest.raises(NotFound):
            get_review(session=s, by=lee, review_id=kim_rid)
        assert find_reviews(session=s, by=lee, filters=Filters(paper_id=pid)) == []
        assert hidden_count(session=s, by=lee, paper_id=pid) == 1
        assert get_review(session=s, by=leader, review_id=kim_rid).id == kim_rid  # leaders see all
    lee_rid, v = start(db, lee, pid, tid)  # a draft is not enough
    with db.read() as s, pytest.raises(NotFound):
        get_review(session=s, by=lee, review_id=kim_rid)
    with db.read() as s, pytest.raises(NotFound):  # and kim cannot peek at lee's draft
        get_review(session=s, by=kim, review_id=lee_rid)
    with db.write() as s:
        reviews.commit_review(session=s, by=lee, review_id=lee_rid, answers=GOOD, expected_version=v)
    with db.read() as s:
        assert get_review(session=s, by=lee, review_id=kim_rid).id == kim_rid
        assert hidden_count(session=s, by=lee, paper_id=pid) == 0
        assert {
            r.author.username for r in find_reviews(session=s, by=lee, filters=Filters(paper_id=pid))
        } == {"kim", "lee"}


def test_leader_does_not_see_drafts_and_guests_see_nothing(db, group):
    leader, kim, _, tid, pid = group
    rid, _ = start(db, kim, pid, tid)
    with db.read() as s:
        assert find_reviews(session=s, by=leader) == []
        with pytest.raises(NotFound):
            get_review(session=s, by=leader, review_id=rid)
        with pytest.raises(PermissionDenied):
            find_reviews(session=s, by=None)


def test_filters_and_search_in_korean_and_english(db, group):
    leader, kim, lee, tid, pid = group
    pid2 = make_paper(db, kim, title="Sequence to Sequence Learning", arxiv="1409.3215")
    submitted(
        db, kim, pid, tid, {"summary": "멀티헤드 어텐션이 핵심이다", "score": 4, "tags": "transformer, NLP"}
    )
    submitted(db, lee, pid, tid, {"summary": "Positional Encoding matters", "score": 2, "tags": ["NLP"]})
    submitted(db, lee, pid2, tid, {"summary": "LSTM 인코더-디코더", "score": 3, "tags": ["RNN"]})

    def find(**kw):
        with db.read() as s:
            return sorted(
                (r.author.username, r.paper.id)
                for r in find_reviews(session=s, by=leader, filters=Filters(**kw))
            )

    assert find(text="어텐션") == [("kim", pid)]
    assert find(text="positional encoding") == [("lee", pid)]  # case-insensitive
    assert find(text="탁월") == [("kim", pid)]  # rating labels are searchable too
    assert find(text="100%_") == []  # LIKE wildcards are literal
    assert find(paper_id=pid2) == [("lee", pid2)]
    assert find(member_id=kim.id) == [("kim", pid)]
    assert find(tag="#nlp") == [("kim", pid), ("lee", pid)]
    assert find(rating_key="score", min_rating=3) == [("kim", pid), ("lee", pid2)]
    assert find(status="approved") == []
    with db.read() as s:
        rows = find_reviews(session=s, by=leader)
    assert all_tags(rows) == ["NLP", "RNN", "transformer"]
    assert rating_keys(rows, "en") == {"score": "Score"}


def test_week_filter_uses_assignment_week(db, group):
    leader, kim, _, tid, pid = group
    with db.write() as s:
        assignments.assign(
            session=s,
            by=leader,
            paper_id=pid,
            member_ids=[kim.id],
            due_on=date.today() + timedelta(days=3),
            week_no=7,
            template_id=tid,
        )
    with db.write() as s:
        r = reviews.start_review(session=s, by=kim, paper_id=pid)  # template and week from the assignment
        assert r.week_no == 7 and r.template_version.template_id == tid
        rid, v = r.id, r.draft.version
    with db.write() as s:
        reviews.commit_review(session=s, by=kim, review_id=rid, answers=GOOD, expected_version=v)
    with db.read() as s:
        assert [r.review.id for r in find_reviews(session=s, by=leader, filters=Filters(week_no=7))] == [rid]
        assert find_reviews(session=s, by=leader, filters=Filters(week_no=8)) == []


def test_exports_respect_visibility(db, group):
    leader, kim, lee, tid, pid = group
    rid = submitted(db, kim, pid, tid)
    start(db, lee, pid, tid)
    with db.read() as s:
        md = export_review(session=s, by=leader, review_id=rid, lang="ko")
        paper_md = export_paper(session=s, by=leader, paper_id=pid, lang="en")
        lee_md = export_paper(session=s, by=lee, paper_id=pid, lang="en")
        data = export_zip(session=s, by=leader, lang="ko")
        with pytest.raises(NotFound):
            export_review(session=s, by=lee, review_id=rid, lang="ko")
    assert md.startswith("# Attention Is All You Need") and "김하연 님의 리뷰" in md and "### 요약" in md
    assert "Review by 김하연" in paper_md and "arXiv: 1706.03762" in paper_md
    assert "Review by" not in lee_md and "No readable reviews" in lee_md
    zf = zipfile.ZipFile(io.BytesIO(data))
    names = zf.namelist()
    assert any(n.endswith("-kim.md") for n in names) and "papers.bib" in names
    assert any(n.startswith("templates/") for n in names)
