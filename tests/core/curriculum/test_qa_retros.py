"""Peer Q&A (answers, accept, resolve, authors only) and retrospective visibility."""

import pytest

from core.curriculum import qa, retros
from core.curriculum import weeks as cur
from core.errors import NotFound, PermissionDenied, StaleEdit
from core.validate import FieldError
from tests.support.factories import make_leader, make_member


@pytest.fixture
def group(db):
    leader = make_leader(db)
    a = make_member(db, "minjun", "이민준", by=leader)
    b = make_member(db, "seoyeon", "박서연", by=leader)
    with db.write() as s:
        week = cur.create_week(session=s, by=leader, title_ko="트랜스포머")
    return leader, a, b, week


def test_question_with_several_answers_accept_and_resolve(db, group):
    leader, asker, helper, week = group
    with db.write() as s:
        q = qa.ask(
            session=s,
            by=asker,
            week_id=week.id,
            title="Positional encoding은 더하는 건가요?",
            body="$PE_{(pos,2i)} = \\sin(pos/10000^{2i/d})$ 를 임베딩에 더하나요?",
        )
        a1 = qa.answer(session=s, by=helper, question_id=q.id, body="네, 같은 차원의 벡터를 더합니다.")
        a2 = qa.answer(
            session=s, by=leader, question_id=q.id, body="학습된 위치 임베딩도 비슷하게 동작합니다."
        )
    with pytest.raises(PermissionDenied), db.write() as s:
        qa.accept(session=s, by=helper, answer_id=a1.id)  # not the asker
    with db.write() as s:
        qa.accept(session=s, by=asker, answer_id=a2.id)
        qa.accept(session=s, by=asker, answer_id=a1.id)  # changing one's mind: only one accepted
    with db.read() as s:
        answers = qa.list_answers(session=s, question_id=q.id)
        question = qa.get_question(session=s, question_id=q.id)
        counts = qa.answer_counts(session=s, question_ids=[q.id])
    assert [(x.id, x.accepted) for x in answers] == [(a1.id, True), (a2.id, False)]
    assert question.resolved and counts == {q.id: 2}
    with db.write() as s:
        qa.set_resolved(session=s, by=leader, question_id=q.id, resolved=False)
    with db.read() as s:
        assert [x.id for x in qa.list_questions(session=s, week_id=week.id, open_only=True)] == [q.id]


def test_ask_needs_a_target_a_title_and_a_member(db, group):
    _, asker, _, week = group
    with pytest.raises(FieldError) as err, db.write() as s:
        qa.ask(session=s, by=asker, title="x")
    assert err.value.field == "cur.qa.target"
    with pytest.raises(FieldError) as err, db.write() as s:
        qa.ask(session=s, by=asker, week_id=week.id, title=" ")
    assert err.value.field == "cur.qa.title"
    with pytest.raises(PermissionDenied), db.write() as s:
        qa.ask(session=s, by=None, week_id=week.id, title="guest")


def test_only_authors_edit_and_stale_answer_edit(db, group):
    _, asker, helper, week = group
    with db.write() as s:
        q = qa.ask(session=s, by=asker, week_id=week.id, title="질문")
        a = qa.answer(session=s, by=helper, question_id=q.id, body="첫 답")
    with pytest.raises(PermissionDenied), db.write() as s:
        qa.update_answer(session=s, by=asker, answer_id=a.id, expected_version=a.version, body="남의 답")
    with pytest.raises(PermissionDenied), db.write() as s:
        qa.update_question(
            session=s, by=helper, question_id=q.id, expected_version=q.version, title="남의 질문", body=""
        )
    with db.write() as s:
        qa.update_answer(session=s, by=helper, answer_id=a.id, expected_version=a.version, body="고친 답")
    with pytest.raises(StaleEdit) as err, db.write() as s:
        qa.update_answer(session=s, by=helper, answer_id=a.id, expected_version=a.version, body="다른 탭")
    assert err.value.current.body == "고친 답"


def test_retro_visibility_is_enforced_in_core(db, group):
    leader, author, other, week = group
    with db.write() as s:
        private = retros.save(
            session=s,
            by=author,
            week_id=week.id,
            body="사실 많이 힘들었다",
            visibility="leaders",
            expected_version=None,
        )
        shared = retros.save(
            session=s,
            by=other,
            week_id=week.id,
            body="Q/K/V가 이제 이해된다",
            visibility="group",
            expected_version=None,
        )

    def visible(who):
        with db.read() as s:
            return {r.id for r in retros.list_retros(session=s, by=who, week_id=week.id)}

    assert visible(author) == {private.id, shared.id}
    assert visible(leader) == {private.id, shared.id}
    assert visible(other) == {shared.id}
    with pytest.raises(PermissionDenied), db.read() as s:
        retros.list_retros(session=s, by=None)
    with pytest.raises(NotFound), db.read() as s:
        retros.get_retro(session=s, by=other, retro_id=private.id)
    with db.read() as s:
        assert retros.get_retro(session=s, by=leader, retro_id=private.id).body == "사실 많이 힘들었다"
    # sharing it later makes it readable to the group
    with db.write() as s:
        retros.save(
            session=s,
            by=author,
            week_id=week.id,
            body="사실 많이 힘들었다",
            visibility="group",
            expected_version=private.version,
        )
    assert visible(other) == {private.id, shared.id}


def test_retro_one_per_week_and_stale_from_two_tabs(db, group):
    _, author, other, week = group
    with db.write() as s:
        first = retros.save(
            session=s, by=author, week_id=week.id, body="탭 1", visibility="leaders", expected_version=None
        )
    # Tab 2 opened the empty form before tab 1 saved: its save must not overwrite.
    with pytest.raises(StaleEdit) as err, db.write() as s:
        retros.save(
            session=s, by=author, week_id=week.id, body="탭 2", visibility="group", expected_version=None
        )
    assert err.value.current.body == "탭 1"
    with pytest.raises(FieldError), db.write() as s:
        retros.save(
            session=s,
            by=author,
            week_id=week.id,
            body="x",
            visibility="everyone",
            expected_version=first.version,
        )
    with pytest.raises(PermissionDenied), db.write() as s:
        retros.delete(session=s, by=other, retro_id=first.id)
    with db.write() as s:
        retros.delete(session=s, by=author, retro_id=first.id)
    with db.read() as s:
        assert retros.list_retros(session=s, by=author) == []
