"""Q&A and retrospectives pages in AppTest on SQLite: ask, answer, accept; who reads which
retrospective; the links search hits and notices carry (?question=, ?week=)."""

from core.curriculum import qa, retros
from tests.support.factories import make_leader, make_member
from tests.support.pages import button, make_week, texts


def test_member_asks_and_another_answers_then_asker_accepts(run_page, db):
    leader = make_leader(db)
    asker = make_member(db, "minjun", "이민준", by=leader)
    helper = make_member(db, "seoyeon", "박서연", by=leader)
    w = make_week(db, leader)
    at = run_page("views/qa.py", actor=asker, lang="en")
    at.text_input(key="cur_ask_title").input("Positional encoding은 더하나요?")
    button(at, "Ask").click().run()
    assert not at.exception and not at.error
    with db.read() as s:
        [q] = qa.list_questions(session=s, week_id=w.id)
    at = run_page("views/qa.py", actor=helper, lang="en")
    at.text_area(key=f"cur_ans_{q.id}").input("네, 같은 차원의 $PE$ 벡터를 더합니다.")
    button(at, "Post answer").click().run()
    assert not at.exception
    with db.read() as s:
        [a] = qa.list_answers(session=s, question_id=q.id)
    assert not [b for b in at.button if b.label == "Accept"]  # only the asker / a leader
    at = run_page("views/qa.py", actor=asker, lang="en")
    at.button(key=f"cur_acc_{a.id}").click().run()
    with db.read() as s:
        assert qa.get_question(session=s, question_id=q.id).resolved


def test_retros_page_respects_visibility(run_page, db, run_app):
    leader = make_leader(db)
    a = make_member(db, "minjun", "이민준", by=leader)
    b = make_member(db, "seoyeon", "박서연", by=leader)
    w = make_week(db, leader)
    with db.write() as s:
        retros.save(
            session=s, by=b, week_id=w.id, body="비공개 회고", visibility="leaders", expected_version=None
        )
    at = run_page("views/retros.py", actor=a, lang="en")
    at.text_area(key=f"cur_retro_body_{w.id}").input("공유하는 회고")
    at.radio(key=f"cur_retro_vis_{w.id}").set_value("group")
    button(at, "Save retrospective").click().run()
    assert not at.exception
    assert "비공개 회고" not in texts(at)
    at = run_page("views/retros.py", actor=leader)
    assert "비공개 회고" in texts(at) and "공유하는 회고" in texts(at)
    import pytest

    with pytest.raises(ValueError):  # guests cannot reach the page at all
        run_app().switch_page("views/retros.py").run()


def test_a_question_link_shows_that_question_open_even_when_resolved(run_page, db):
    """A search hit or a notice links `qa?question=<id>`: the page shows every week, closed questions
    included, and that question's box opens."""
    leader = make_leader(db)
    w1, w2 = make_week(db, leader), make_week(db, leader, title_ko="트랜스포머")
    with db.write() as s:
        qa.ask(session=s, by=leader, title="첫 질문", week_id=w1.id)
        q2 = qa.ask(session=s, by=leader, title="해결된 질문", week_id=w2.id)
        qa.set_resolved(session=s, by=leader, question_id=q2.id, resolved=True)
    at = run_page(
        "views/qa.py", actor=leader, lang="en", state={"cur_qa_open": True}, query={"question": str(q2.id)}
    )
    assert not at.exception
    boxes = {e.proto.label.split(" · ")[0]: e.proto.expanded for e in at.expander if " · " in e.proto.label}
    assert boxes == {"첫 질문": False, "해결된 질문": True}
    at = run_page("views/qa.py", actor=leader, lang="en", query={"question": "9x"})  # not an id: no box opens
    assert not any(e.proto.expanded for e in at.expander if " · " in e.proto.label) and not at.exception


def test_a_retrospective_link_picks_its_week(run_page, db):
    leader = make_leader(db)
    make_week(db, leader)
    w2 = make_week(db, leader, title_ko="트랜스포머")
    at = run_page("views/retros.py", actor=leader, lang="en", query={"week": str(w2.id)})
    assert not at.exception and at.selectbox(key="cur_retro_week").value == w2.id
