"""Search on both back ends: Korean inflected forms, the glossary, ranking, safe snippets, the
index kept in step with every write, and hits only for those who may read them."""

import pytest
from sqlalchemy import select, text

from core.curriculum import qa, retros
from core.curriculum import weeks as cur
from core.search.query import MAX_QUERY, search
from core.validate import FieldError
from db.models.search import SearchDoc
from tests.support.factories import make_leader, make_member


def found(hits):
    return [(h.kind, h.id) for h in hits]


@pytest.fixture
def group(db):
    leader = make_leader(db)
    m = make_member(db, "minjun", "이민준", by=leader)
    with db.write() as s:
        week = cur.create_week(
            session=s, by=leader, title_ko="어텐션과 트랜스포머", title_en="Attention", tags="attention"
        )
        rnn = cur.create_week(session=s, by=leader, title_ko="순환 신경망", title_en="RNNs", tags="rnn")
    return leader, m, week.id, rnn.id


def note(db, by, week_id, title, body):
    with db.write() as s:
        return cur.add_note(session=s, by=by, week_id=week_id, title=title, body=body).id


def test_a_word_typed_with_its_particle_finds_the_bare_word(db, group):
    _, m, week_id, _ = group
    n = note(db, m, week_id, "가중치 정리", "쿼리와 키의 내적으로 어텐션 가중치를 구한다. 정규화 없이.")
    with db.read() as s:
        assert ("note", n) in found(search(session=s, query="어텐션을"))
        assert ("note", n) in found(search(session=s, query="어텐션으로 가중치는"))
        assert ("note", n) in found(search(session=s, query="정규화하는"))
        assert found(search(session=s, query="어텐션을 고양이")) == []  # every word must match


def test_two_syllable_words_are_found_without_a_trigram(db, group):
    _, m, week_id, _ = group
    n = note(db, m, week_id, "메모", "학습률 설정에 주의하세요. 위치 정보가 없다.")
    with db.read() as s:
        assert ("note", n) in found(search(session=s, query="주의"))
        assert ("note", n) in found(search(session=s, query="위치"))


def test_the_glossary_joins_korean_and_english_terms(db, group):
    _, m, week_id, rnn_week = group
    n = note(db, m, week_id, "포지셔널 인코딩", "사인과 코사인으로 만든다.")
    with db.write() as s:
        q = qa.ask(session=s, by=m, week_id=week_id, title="위치 인코딩은 왜 더하나요?", body="").id
    with db.read() as s:
        for query in ("positional encoding", "포지셔널", "위치 인코딩을"):
            assert {("note", n), ("question", q)} <= set(found(search(session=s, query=query))), query
        assert ("week", rnn_week) in found(search(session=s, query="RNN"))
        assert ("week", rnn_week) in found(search(session=s, query="recurrent neural network"))


def test_ranking_title_and_repetition_first_synonyms_after_the_word_itself(db, group):
    _, m, week_id, _ = group
    once = note(db, m, week_id, "메모", "오늘은 트랜스포머 얘기를 조금 했다. " + "기타 내용. " * 40)
    titled = note(db, m, week_id, "트랜스포머 구조", "인코더와 디코더.")
    many = note(db, m, week_id, "정리", "트랜스포머의 인코더. 트랜스포머의 디코더. 트랜스포머 학습.")
    synonym = note(db, m, week_id, "Transformer", "encoder and decoder")
    with db.read() as s:
        ranked = [i for kind, i in found(search(session=s, query="트랜스포머")) if kind == "note"]
    assert ranked.index(titled) < ranked.index(once)
    assert ranked.index(many) < ranked.index(once)
    assert ranked.index(titled) < ranked.index(synonym)  # the word as typed beats its synonym


def test_snippets_are_plain_and_their_html_is_escaped(db, group):
    _, m, week_id, _ = group
    body = (
        "어텐션을 계산할 때 $\\sqrt{d_k}$ 로 나눈다.\n\n| 기호 | 뜻 |\n|---|---|\n| $d_k$ | 어텐션 차원 |\n\n"
        "<script>alert('어텐션')</script> <b>굵게</b>\n```\ncode 어텐션\n```"
    )
    n = note(db, m, week_id, "<i>어텐션</i> 정리", body)
    with db.read() as s:
        [hit] = [h for h in search(session=s, query="어텐션") if h.id == n and h.kind == "note"]
    snip = hit.snippet
    assert "$" not in snip.text and "|" not in snip.text and "\\" not in snip.text and "```" not in snip.text
    assert snip.marks and all(snip.text[a:b] == "어텐션" for a, b in snip.marks)
    rendered = snip.html()
    assert "<script" not in rendered and "<b>" not in rendered and "&lt;script&gt;" in rendered
    assert "<mark>어텐션</mark>" in rendered
    assert "<i>" not in hit.title_marks.html() and "&lt;i&gt;<mark>어텐션</mark>" in hit.title_marks.html()
    with db.read() as s:
        assert ("note", n) in found(search(session=s, query="d_k"))  # formulas stay findable


def test_the_index_follows_edits_deletes_and_archiving(db, group):
    leader, m, week_id, _ = group
    n = note(db, m, week_id, "메모", "드롭아웃 비율")
    with db.write() as s:
        cur.update_note(session=s, by=m, note_id=n, expected_version=1, title="메모", body="배치 정규화")
        q = qa.ask(session=s, by=m, week_id=week_id, title="질문", body="본문")
        a = qa.answer(session=s, by=leader, question_id=q.id, body="레이어 정규화를 보세요")
    with db.read() as s:
        assert found(search(session=s, query="드롭아웃")) == []
        assert found(search(session=s, query="배치 정규화")) == [("note", n)]
        # a question is found through its answer
        assert found(search(session=s, query="레이어 정규화"))[0] == ("question", q.id)
    with db.write() as s:
        cur.delete_note(session=s, by=m, note_id=n)
        qa.delete_answer(session=s, by=leader, answer_id=a.id)
    with db.read() as s:
        assert found(search(session=s, query="정규화")) == []
        kinds = set(s.scalars(select(SearchDoc.kind).where(SearchDoc.ref_id == n)))
        assert "note" not in kinds  # the row itself is gone, not only hidden
    with db.write() as s:
        cur.set_archived(session=s, by=leader, week_id=week_id, archived=True)
    with db.read() as s:
        assert search(session=s, query="어텐션") == []


def test_tag_and_kind_filters(db, group):
    _, m, week_id, rnn_week = group
    n = note(db, m, week_id, "메모", "트랜스포머")
    with db.read() as s:
        assert found(search(session=s, query="", tag="rnn")) == [("week", rnn_week)]
        assert found(search(session=s, query="트랜스포머", kinds=("note",))) == [("note", n)]
        assert search(session=s, query="트랜스포머", tag="rnn") == []


def test_percent_underscore_and_quotes_are_literal(db, group):
    _, m, week_id, _ = group
    note(db, m, week_id, "메모", 'h_t 와 "따옴표"')
    with db.read() as s:
        assert search(session=s, query="%") == [] and search(session=s, query="_") != []
        assert search(session=s, query='"따옴표"') != [] and search(session=s, query='"') == []


def test_a_query_longer_than_the_box_is_refused(db):
    with db.read() as s:
        with pytest.raises(FieldError) as err:
            search(session=s, query="a" * (MAX_QUERY + 1))
    assert err.value.field == "search.query"


def test_retrospectives_only_for_those_who_may_read_them(db, group):
    leader, m, week_id, _ = group
    other = make_member(db, "seoyeon", "박서연", by=leader)
    with db.write() as s:
        private = retros.save(
            session=s, by=m, week_id=week_id, body="비밀 회고: 진도가 빠르다", visibility="leaders",
            expected_version=None,
        ).id  # fmt: skip
        shared = retros.save(
            session=s, by=other, week_id=week_id, body="공개 회고: 진도가 좋다", visibility="group",
            expected_version=None,
        ).id  # fmt: skip
    with db.read() as s:
        assert found(search(session=s, query="진도")) == []  # guests never
        assert set(found(search(session=s, query="진도", by=m))) == {("retro", private), ("retro", shared)}
        assert found(search(session=s, query="진도", by=other)) == [("retro", shared)]
        assert set(found(search(session=s, query="진도", by=leader))) == {
            ("retro", private),
            ("retro", shared),
        }
        [hit] = [h for h in search(session=s, query="비밀", by=leader)]
        assert hit.author == "이민준" and hit.week_id == week_id


def test_blind_reviews_stay_hidden_until_yours_is_submitted(db):
    from tests.support.reviews import make_review_group, start, submitted

    leader, kim, lee, _park, tid, pid = make_review_group(db)
    rid = submitted(db, kim, pid, tid, {"summary": "번역 품질이 좋다", "score": 4, "tags": ["nlp"]})
    start(db, lee, pid, tid)  # lee's draft: not submitted
    with db.read() as s:
        assert ("review", rid) in found(search(session=s, query="번역", by=kim))
        assert ("review", rid) in found(search(session=s, query="번역", by=leader))
        assert found(search(session=s, query="번역", by=lee)) == []
        assert found(search(session=s, query="번역")) == []  # guests never see reviews
    submitted(db, lee, pid, tid, {"summary": "다른 의견", "score": 3, "tags": []})
    with db.read() as s:
        assert ("review", rid) in found(search(session=s, query="번역", by=lee))
        [hit] = [h for h in search(session=s, query="번역 품질", by=lee) if h.id == rid]
        assert hit.title == "Attention Is All You Need"


def test_rebuild_after_a_restore_and_on_sqlite_the_fts_table(db, group):
    from core import backup
    from db.migrate import current_heads
    from tests.support.db import wipe

    leader, m, week_id, _ = group
    n = note(db, m, week_id, "복원 전", "그래디언트 클리핑")
    with db.read() as s:
        data = backup.export_json(session=s, by=leader)
    wipe(db)
    with db.write() as s:
        s.execute(text("DELETE FROM search_docs"))
    with db.write() as s:
        backup.restore(session=s, data=data, expected_schema=sorted(current_heads(db.engine)))
    with db.read() as s:
        assert found(search(session=s, query="기울기 클리핑")) == [("note", n)]
        rows = s.scalar(select(SearchDoc.id).where(SearchDoc.kind == "note", SearchDoc.ref_id == n))
        assert rows is not None
        if db.dialect == "sqlite":
            fts = s.execute(
                text("SELECT rowid FROM search_fts WHERE search_fts MATCH '\"클리핑\"'")
            ).scalars()
            assert rows in set(fts)


def test_seminar_questions_follow_their_seminar_and_cascades_leave_the_index(db, group):
    from datetime import UTC, datetime

    from core.curriculum import seminars

    leader, m, week_id, rnn_week = group
    with db.write() as s:
        sem = seminars.create_seminar(
            session=s,
            by=leader,
            title="발표",
            starts_at=datetime(2026, 4, 1, 10, tzinfo=UTC),
            week_id=rnn_week,
        )
        q = qa.ask(session=s, by=m, seminar_id=sem.id, title="게이트 질문", body="망각 게이트는?")
        qa.answer(session=s, by=leader, question_id=q.id, body="셀 상태를 지웁니다")
    with db.read() as s:
        assert found(search(session=s, query="게이트", tag="rnn")) == [("question", q.id)]
    with db.write() as s:
        seminars.delete_seminar(session=s, by=leader, seminar_id=sem.id)  # its questions go with it
    with db.read() as s:
        assert search(session=s, query="게이트") == [] and search(session=s, query="셀 상태") == []
        left = s.scalars(select(SearchDoc.kind).where(SearchDoc.kind.in_(("question", "answer")))).all()
        assert left == []  # pruned, not only hidden


def test_a_renamed_paper_renames_its_review_hits(db):
    from core.reviews import papers
    from core.reviews.bibtex import PaperData
    from tests.support.reviews import make_review_group, submitted

    _leader, kim, _lee, _park, tid, pid = make_review_group(db)
    rid = submitted(db, kim, pid, tid, {"summary": "번역 품질이 좋다", "score": 4, "tags": []})
    with db.write() as s:
        papers.update_paper(
            session=s,
            by=kim,
            paper_id=pid,
            expected_version=1,
            data=PaperData(title="Transformers", arxiv_id="1706.03762"),
        )
    with db.read() as s:
        [hit] = search(session=s, query="번역", by=kim)
        assert (hit.kind, hit.id, hit.title) == ("review", rid, "Transformers")
        assert found(search(session=s, query="트랜스포머", by=kim)) == [
            ("review", rid)
        ]  # glossary, in the title


def test_bulk_statements_rebuild_on_commit_but_member_updates_do_not(db, group):
    from sqlalchemy import update

    from core.search import index
    from db.models.curriculum import Note
    from db.models.members import Member

    _, m, week_id, _ = group
    n = note(db, m, week_id, "메모", "드롭아웃")
    with db.write() as s:
        s.execute(
            update(Note).where(Note.id == n).values(body="배치 정규화")
        )  # not through the ORM unit of work
        assert s.info.get(index._REBUILD)
    with db.read() as s:
        assert found(search(session=s, query="배치 정규화")) == [("note", n)]
        assert search(session=s, query="드롭아웃") == []
    with db.write() as s:
        s.execute(update(Member).where(Member.id == m.id).values(language="en"))
        assert not s.info.get(index._REBUILD)
