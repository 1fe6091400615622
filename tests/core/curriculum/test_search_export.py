"""Search across weeks, notes and Q&A in Korean and English with a tag filter; Markdown export."""

from datetime import UTC, datetime

import pytest

from core.curriculum import qa, retros, seminars
from core.curriculum import weeks as cur
from core.curriculum.export import curriculum_markdown, filename, week_markdown
from core.curriculum.search import search
from tests.support.factories import make_leader, make_member


@pytest.fixture
def content(db):
    leader = make_leader(db)
    m = make_member(db, "minjun", "이민준", by=leader)
    with db.write() as s:
        w1 = cur.create_week(
            session=s,
            by=leader,
            title_ko="순환 신경망",
            title_en="Recurrent networks",
            summary="RNN은 이전 은닉 상태를 기억한다.",
            tags="rnn, basics",
        )
        w2 = cur.create_week(
            session=s,
            by=leader,
            title_ko="어텐션과 Q/K/V",
            title_en="Attention and Q/K/V",
            summary="쿼리와 키의 내적으로 가중치를 구한다.",
            tags="attention, transformer",
        )
        cur.add_material(
            session=s,
            by=leader,
            week_id=w2.id,
            kind="paper",
            title="Attention Is All You Need",
            url="https://arxiv.org/abs/1706.03762",
        )
        n = cur.add_note(
            session=s,
            by=m,
            week_id=w2.id,
            title="Scaled dot-product attention 정리",
            body="어텐션을 계산할 때 $\\sqrt{d_k}$ 로 나눈다. Softmax 이전에 스케일링.",
        )
        q = qa.ask(
            session=s,
            by=m,
            week_id=w2.id,
            title="Positional encoding은 왜 더하나요?",
            body="임베딩에 사인 값을 더하는 이유",
        )
        qa.answer(
            session=s,
            by=leader,
            question_id=q.id,
            body="순서 정보가 없기 때문입니다. Self-attention은 순서를 모릅니다.",
        )
        retros.save(
            session=s,
            by=m,
            week_id=w2.id,
            body="어텐션 비밀 회고",
            visibility="leaders",
            expected_version=None,
        )
        seminars.create_seminar(
            session=s,
            by=leader,
            title="Attention Is All You Need 발표",
            starts_at=datetime(2025, 4, 10, 10, tzinfo=UTC),
            presenter_id=m.id,
            week_id=w2.id,
        )
    return leader, m, w1, w2, n, q


def kinds(hits):
    return sorted((h.kind, h.id) for h in hits)


def test_korean_stem_finds_words_with_particles(db, content):
    *_, w2, n, q = content
    with db.read() as s:
        hits = search(session=s, query="어텐션")
    # "어텐션" finds the week title "어텐션과", the note body "어텐션을"; retrospectives never show
    assert ("week", w2.id) in kinds(hits) and ("note", n.id) in kinds(hits)
    assert all("비밀" not in h.snippet for h in hits)


def test_english_is_case_insensitive_and_all_words_must_match(db, content):
    *_, w2, n, q = content
    with db.read() as s:
        assert kinds(search(session=s, query="SCALED attention")) == [("note", n.id)]
        assert kinds(search(session=s, query="softmax 스케일링")) == [("note", n.id)]
        assert search(session=s, query="softmax 고양이") == []
        # a question is found through its answers too
        assert ("question", q.id) in kinds(search(session=s, query="self-attention 순서"))


def test_tag_filter(db, content):
    _, _, w1, w2, n, q = content
    with db.read() as s:
        assert kinds(search(session=s, query="", tag="rnn")) == [("week", w1.id)]
        assert {h.kind for h in search(session=s, query="", tag="Attention")} == {"week", "note", "question"}
        assert search(session=s, query="어텐션", tag="rnn") == []
        assert cur.all_tags(session=s) == ["attention", "basics", "rnn", "transformer"]


def test_archived_weeks_leave_search(db, content):
    leader, _, _, w2, _, _ = content
    with db.write() as s:
        cur.set_archived(session=s, by=leader, week_id=w2.id, archived=True)
    with db.read() as s:
        assert search(session=s, query="어텐션") == []


def test_percent_and_underscore_are_literal(db, content):
    with db.read() as s:
        assert search(session=s, query="%") == []
        assert search(session=s, query="d_k") != []


def test_week_export_has_materials_seminar_notes_and_qa(db, content):
    _, _, w1, w2, n, q = content
    with db.read() as s:
        md = week_markdown(session=s, week_id=w2.id, lang="ko")
        week = cur.get_week(session=s, week_id=w2.id)
    assert md.startswith("# 스터디 커리큘럼\n\n## 2주차 · 어텐션과 Q/K/V (Attention and Q/K/V)")
    assert "- 논문: [Attention Is All You Need](https://arxiv.org/abs/1706.03762)" in md
    assert "### 세미나: Attention Is All You Need 발표" in md and "2025-04-10 19:00" in md
    assert "### Scaled dot-product attention 정리" in md and "$\\sqrt{d_k}$" in md
    assert "### Q. Positional encoding은 왜 더하나요?" in md and "**A. 스터디장**" in md
    assert "비밀 회고" not in md
    assert filename(week) == "week-02-attention-and-q-k-v.md"


def test_whole_curriculum_export_in_english(db, content):
    with db.read() as s:
        md = curriculum_markdown(session=s, lang="en")
    assert md.startswith("# Study curriculum\n\n- Week 1 · 순환 신경망 (Recurrent networks)\n- Week 2")
    assert md.index("## Week 1") < md.index("## Week 2")
    assert filename() == "curriculum.md"
