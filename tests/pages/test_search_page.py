"""The search page: hits link to the page that opens them (week, note, question, review), the
snippet is highlighted and escaped, ?q= fills the box, guests see no retrospectives or reviews,
and a query over the limit gets a translated message."""

import pytest

from core.curriculum import qa, retros
from core.curriculum import weeks as cur
from tests.support.factories import make_leader, make_member
from tests.support.reviews import make_review_group, submitted

PAGE = "views/search.py"


def _content(db):
    leader = make_leader(db)
    m = make_member(db, "minjun", "이민준", by=leader)
    with db.write() as s:
        w = cur.create_week(session=s, by=leader, title_ko="어텐션", title_en="Attention")
        n = cur.add_note(
            session=s,
            by=m,
            week_id=w.id,
            title="어텐션 메모",
            body="<script>x</script> 어텐션을 $\\sqrt{d_k}$ 로",
        )
        q = qa.ask(session=s, by=m, week_id=w.id, title="어텐션이 뭔가요?", body="")
        retros.save(
            session=s,
            by=m,
            week_id=w.id,
            body="어텐션 비밀 회고",
            visibility="leaders",
            expected_version=None,
        )
    return leader, m, w.id, n.id, q.id


def _links(at):
    return {(p.proto.label, p.proto.query_string) for p in at.get("page_link")}


def test_hits_link_to_their_pages(run_app, db):
    leader, m, week_id, note_id, q_id = _content(db)
    at = run_app(actor=m, lang="en")
    at.switch_page(PAGE)
    at.query_params["q"] = "어텐션을"
    at.run()
    assert not at.exception
    assert at.text_input(key="search_q").value == "어텐션을"
    links = _links(at)
    assert ("Week · Attention", f"week={week_id}") in links
    assert ("Note · 어텐션 메모", f"week={week_id}") in links
    assert ("Question · 어텐션이 뭔가요?", f"question={q_id}") in links
    assert ("Retrospective · Week 1 · Attention", f"week={week_id}") in links  # the author's own
    html = " ".join(h.proto.body for h in at.get("html"))
    assert "<mark>어텐션</mark>" in html and "&lt;script&gt;" in html and "<script>" not in html
    assert "$" not in html


def test_a_review_hit_opens_the_review(run_app, db):
    _leader, kim, _lee, _park, tid, pid = make_review_group(db)
    rid = submitted(db, kim, pid, tid, {"summary": "번역 품질이 좋다", "score": 4, "tags": []})
    at = run_app(actor=kim, lang="en")
    at.switch_page(PAGE)
    at.query_params["q"] = "번역"
    at.run()
    assert ("Review · Attention Is All You Need", f"review={rid}") in _links(at)


def test_guests_find_no_retrospectives_and_long_queries_are_refused(run_page, db):
    _content(db)
    at = run_page(PAGE, lang="en", query={"q": "비밀"})
    assert not at.exception
    assert "Nothing found." in [c.value for c in at.caption]
    at.text_input(key="search_q").set_value("x" * 200).run()
    assert not at.exception and not at.error
    assert at.text_input(key="search_q").proto.max_chars == 200
    assert [o for o in at.multiselect(key="search_kinds").options] == ["Week", "Note", "Question"]


@pytest.mark.both_backends
def test_a_nul_byte_gets_a_message_not_a_traceback(run_page, db):
    _content(db)
    at = run_page(PAGE, lang="en")
    at.text_input(key="search_q").set_value("어텐션\x00").run()
    assert not at.exception
    if db.dialect == "postgresql":  # PostgreSQL text cannot hold it; SQLite simply finds nothing
        assert at.error and "NUL" in at.error[0].value
    else:
        assert "Nothing found." in [c.value for c in at.caption]


def test_the_curriculum_search_box_links_its_hits_too(run_app, db):
    _leader, m, week_id, note_id, q_id = _content(db)
    at = run_app(actor=m, lang="en")
    at.switch_page("views/curriculum.py")
    at.run()
    at.text_input(key="cur_q").set_value("어텐션을").run()
    assert not at.exception
    links = _links(at)
    assert ("Note · 어텐션 메모", f"week={week_id}") in links
    assert ("Question · 어텐션이 뭔가요?", f"question={q_id}") in links
    assert not any(label.startswith("Retrospective") for label, _ in links)  # the box: weeks, notes, Q&A
