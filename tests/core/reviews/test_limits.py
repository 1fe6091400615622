"""The reviews' search boxes have a limit the service enforces with a translated message (the
widgets cap at the same constants, tests/pages/test_text_limits.py)."""

import pytest

from core.errors import FieldError
from core.reviews import papers
from core.reviews.queries import MAX_TEXT, Filters, find_reviews
from tests.support.factories import make_leader, make_member
from tests.support.reviews import make_paper


def test_a_title_search_longer_than_the_box_is_refused_in_words(db):
    leader = make_leader(db)
    make_paper(db, leader)
    with db.read() as s:
        assert len(papers.list_papers(session=s, query="attention" + " " * (papers.MAX_QUERY - 9))) == 1
        with pytest.raises(FieldError) as err:
            papers.list_papers(session=s, query="a" * (papers.MAX_QUERY + 1))
    assert err.value.field == "rev.papers.search"
    assert f"at most {papers.MAX_QUERY} characters" in err.value.message("en")
    assert f"{papers.MAX_QUERY}자 이하" in err.value.message("ko")


def test_an_answer_search_longer_than_the_box_is_refused_in_words(db):
    kim = make_member(db, "kim", by=make_leader(db))
    with db.read() as s:
        assert find_reviews(session=s, by=kim, filters=Filters(text="a" * MAX_TEXT)) == []
        with pytest.raises(FieldError) as err:
            find_reviews(session=s, by=kim, filters=Filters(text="a" * (MAX_TEXT + 1)))
    assert err.value.field == "rev.find.text"
    assert f"at most {MAX_TEXT} characters" in err.value.message("en")
