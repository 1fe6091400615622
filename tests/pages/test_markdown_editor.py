"""ui/shell/markdown.markdown_editor: every Markdown + LaTeX box shows, on request, exactly what will be
saved (rendered by user_markdown, typed line breaks kept), and asking for the preview saves nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from core.curriculum import qa
from core.curriculum import weeks as cur
from db.models.curriculum import Answer, Note, Question, Retro, Seminar, Week
from db.models.reviews import Review, ReviewComment
from tests.support.factories import make_leader, make_member
from tests.support.reviews import make_paper, make_template, start, submitted

THREE_LINES = "첫 줄 $\\sqrt{d_k}$\n둘째 줄 `a\\b`\n셋째 줄"
RENDERED = "첫 줄 $\\sqrt{d_k}$  \n둘째 줄 `a\\b`  \n셋째 줄"  # a hard break after each typed line


def _markdown(at) -> list[str]:
    return [m.value for m in at.markdown]


def _captions(at) -> list[str]:
    return [c.value for c in at.caption]


def _outside_a_form() -> None:
    import streamlit as st

    from ui.shell.markdown import markdown_editor

    st.session_state["got"] = markdown_editor("Body", key="revf_r1_summary", max_chars=50)


def _inside_a_form() -> None:
    import streamlit as st

    from ui.shell.markdown import markdown_editor

    with st.form("f"):
        body = markdown_editor("Body", key="body", max_chars=50)
        markdown_editor("Summary", key="summary", max_chars=50)
        if st.form_submit_button("Save"):
            st.session_state["saved"] = body


def _app(fn) -> AppTest:
    at = AppTest.from_function(fn, default_timeout=20)
    at.session_state["lang_choice"] = "en"
    return at.run()


def test_outside_a_form_the_switch_shows_the_current_text_as_it_will_render():
    at = _app(_outside_a_form)
    assert not at.exception
    at.text_area(key="revf_r1_summary").input(THREE_LINES).run()
    assert RENDERED not in _markdown(at)  # no preview until asked
    # the switch sits outside the field's "st-key-revf_..." container the review autosave script scans
    assert not at.toggle(key="mdpreview_revf_r1_summary").value
    at.toggle(key="mdpreview_revf_r1_summary").set_value(True).run()
    assert RENDERED in _markdown(at)
    assert "Preview · as it will be saved" in _captions(at)
    at.text_area(key="revf_r1_summary").input("A\nB").run()  # the preview follows the text
    assert "A  \nB" in _markdown(at) and RENDERED not in _markdown(at)
    assert at.session_state["got"] == "A\nB"  # the editor still returns the text
    at.text_area(key="revf_r1_summary").input("").run()
    assert "Nothing written yet." in _captions(at)


def test_inside_a_form_the_preview_button_shows_the_text_and_saves_nothing():
    at = _app(_inside_a_form)
    assert not at.exception
    at.text_area(key="body").input(THREE_LINES)
    at.text_area(key="summary").input("요약\n둘째 줄")
    # the second editor's button (Ctrl+Enter presses the form's first): the whole form's previews open
    at.button(key="mdpreview_summary").click().run()
    assert RENDERED in _markdown(at) and "요약  \n둘째 줄" in _markdown(at)
    assert "saved" not in at.session_state
    assert at.text_area(key="body").value == THREE_LINES  # kept in the box
    # it stays open and every submit refreshes it, the save included
    at.text_area(key="body").input("x\ny")
    next(b for b in at.button if b.label == "Save").click().run()
    assert "x  \ny" in _markdown(at) and at.session_state["saved"] == "x\ny"


# --- every screen's editor: (page, actor, widget key) ---------------------------------------------
def _curriculum_cases(db):
    leader = make_leader(db)
    member = make_member(db, "minjun", "이민준", by=leader)
    with db.write() as s:
        week = cur.create_week(session=s, by=leader, title_ko="어텐션")
        q = qa.ask(session=s, by=member, week_id=week.id, title="PE는 더하나요?", body="")
    return {
        "new note": ("views/curriculum.py", member, "cur_note_body"),
        "week goals": ("views/curriculum.py", leader, "cur_new_goals"),
        "week summary": ("views/curriculum.py", leader, "cur_new_summary"),
        "seminar description": ("views/seminars.py", leader, "cur_sn_desc"),
        "question": ("views/qa.py", member, "cur_ask_body"),
        "answer": ("views/qa.py", member, f"cur_ans_{q.id}"),
        "retrospective": ("views/retros.py", member, f"cur_retro_body_{week.id}"),
    }


def _rows(db) -> list[int]:
    """How many weeks, notes, seminars, questions, answers and retrospectives are stored."""
    with db.read() as s:
        return [
            s.scalar(select(func.count()).select_from(m))
            for m in (Week, Note, Seminar, Question, Answer, Retro)
        ]


@pytest.mark.parametrize(
    "editor",
    ["new note", "week goals", "week summary", "seminar description", "question", "answer", "retrospective"],
)
def test_curriculum_editors_preview_three_lines_without_saving(run_page, db, editor):
    page, actor, key = _curriculum_cases(db)[editor]
    before = _rows(db)
    at = run_page(page, actor=actor, lang="en")
    assert not at.exception
    at.text_area(key=key).input(THREE_LINES)
    at.button(key=f"mdpreview_{key}").click().run()
    assert not at.exception and not at.error
    assert RENDERED in _markdown(at)
    assert at.text_area(key=key).value == THREE_LINES
    assert _rows(db) == before  # a preview saves nothing


# --- reviews ---------------------------------------------------------------------------------------
@pytest.fixture
def group(db):
    leader = make_leader(db)
    member = make_member(db, "kim", "김하연", by=leader)
    return leader, member, make_template(db, leader), make_paper(db, member)


def _comments(db, rid) -> list[str]:
    with db.read() as s:
        return list(s.scalars(select(ReviewComment.body).where(ReviewComment.review_id == rid)))


def test_a_long_review_field_previews_while_autosave_keeps_saving(run_page, db, group):
    _, member, tid, pid = group
    rid, _ = start(db, member, pid, tid)
    at = run_page("views/review_write.py", actor=member, lang="en", query={"paper": str(pid)})
    key = f"revf_r{rid}_summary"
    at.toggle(key=f"mdpreview_{key}").set_value(True).run()
    at.text_area(key=key).input(THREE_LINES).run()
    assert not at.exception and RENDERED in _markdown(at)
    with db.read() as s:
        assert s.get(Review, rid).draft.answers["summary"] == THREE_LINES  # the draft is saved as typed


def test_a_comment_preview_keeps_the_text_and_posting_empties_the_box(run_page, db, group):
    _, member, tid, pid = group
    rid = submitted(db, member, pid, tid)
    at = run_page("views/reviews.py", actor=member, lang="en", query={"review": str(rid)})
    key = f"rev_cbody_{rid}"
    at.text_area(key=key).input(THREE_LINES)
    at.button(key=f"mdpreview_{key}").click().run()
    assert not at.exception and RENDERED in _markdown(at)
    assert at.text_area(key=key).value == THREE_LINES and _comments(db, rid) == []
    next(b for b in at.button if b.label == "Post comment").click().run()
    assert _comments(db, rid) == [THREE_LINES]
    assert at.text_area(key=f"{key}1").value == ""  # drawn anew, empty, for the next comment


def test_leader_feedback_previews_before_returning(run_page, db, group):
    leader, member, tid, pid = group
    rid = submitted(db, member, pid, tid)
    at = run_page("views/reviews.py", actor=leader, lang="ko", query={"review": str(rid)})
    at.text_area(key=f"rev_fb_{rid}").input(THREE_LINES).run()
    at.toggle(key=f"mdpreview_rev_fb_{rid}").set_value(True).run()
    assert not at.exception and RENDERED in _markdown(at)
    assert "미리보기 · 저장될 모습" in _captions(at)
    with db.read() as s:
        assert s.get(Review, rid).status == "submitted"
