"""Every curriculum text a form sends has a limit the service enforces with a translated message:
the typed tags, the search box and an imported note's cleaned-up text (the widgets cap at the same
constants, tests/pages/test_text_limits.py)."""

import pytest

from core.curriculum import notes_import
from core.curriculum import weeks as cur
from core.curriculum.search import MAX_QUERY, search
from core.errors import FieldError
from tests.support.factories import make_leader


def test_typed_tags_over_the_limit_are_refused_and_nothing_is_saved(db):
    leader = make_leader(db)
    # 12 short tags and a long run of separators: each tag passes, the text as typed does not
    typed = "a, b, c" + "," * cur.MAX_TAGS_TEXT
    with pytest.raises(FieldError) as err, db.write() as s:
        cur.create_week(session=s, by=leader, title_ko="x", tags=typed)
    assert err.value.field == "cur.week.tags"
    assert f"{cur.MAX_TAGS_TEXT}자 이하" in err.value.message("ko")
    assert f"at most {cur.MAX_TAGS_TEXT} characters" in err.value.message("en")
    with db.read() as s:
        assert cur.list_weeks(session=s, include_archived=True) == []


def test_tags_at_the_limit_are_kept(db):
    leader = make_leader(db)
    typed = "attention, rnn" + " " * (cur.MAX_TAGS_TEXT - len("attention, rnn"))
    with db.write() as s:
        week = cur.create_week(session=s, by=leader, title_ko="x", tags=typed)
    assert cur.tag_list(week.tags) == ["attention", "rnn"]


def test_a_search_longer_than_the_box_is_refused_in_words(db):
    make_leader(db)
    with db.read() as s:
        assert search(session=s, query="a" * MAX_QUERY) == []
        with pytest.raises(FieldError) as err:
            search(session=s, query="a" * (MAX_QUERY + 1))
    assert err.value.field == "cur.search.query"
    assert f"at most {MAX_QUERY} characters" in err.value.message("en")
    assert f"{MAX_QUERY}자 이하" in err.value.message("ko")


def test_an_import_that_cleans_up_longer_than_a_note_is_refused_not_cut():
    # within the import size, but longer than a note may be once cleaned up
    pasted = "# Long\n\n" + ("word " * (cur.MAX_NOTE // 5 + 10))
    assert len(pasted.encode()) <= notes_import.MAX_IMPORT_BYTES
    body = notes_import.from_paste(pasted).text
    assert len(body) > cur.MAX_NOTE
    with pytest.raises(FieldError) as err:
        cur.check_note_body(body)
    assert err.value.field == "cur.note.body"
    assert f"at most {cur.MAX_NOTE} characters" in err.value.message("en")
    assert cur.check_note_body(body[: cur.MAX_NOTE]) == body[: cur.MAX_NOTE].strip()
