"""Review pages in AppTest: a member writes (autosave, reload, submit listing problems, stale
save kept), a leader returns / approves, templates, assignments, papers; Korean and English."""

import pytest

from core.reviews import workflow as reviews
from db.models.reviews import Paper, Review
from tests.support.factories import make_leader, make_member
from tests.support.reviews import make_paper, make_template, start, submitted


@pytest.fixture
def group(db):
    leader = make_leader(db)
    member = make_member(db, "kim", "김하연", by=leader)
    tid = make_template(db, leader)
    pid = make_paper(db, member)
    return leader, member, tid, pid


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _draft(db, rid):
    with db.read() as s:
        return dict(s.get(Review, rid).draft.answers)


@pytest.mark.parametrize("page", ["views/papers.py", "views/review_write.py", "views/reviews.py"])
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_member_pages_render(run_page, group, page, lang):
    at = run_page(page, actor=group[1], lang=lang)
    assert not at.exception


@pytest.mark.parametrize("page", ["views/templates.py", "views/assignments.py"])
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_leader_pages_render(run_page, group, page, lang):
    at = run_page(page, actor=group[0], lang=lang)
    assert not at.exception


def test_member_writes_autosaves_reloads_and_submits(run_page, db, group):
    _, member, tid, pid = group
    at = run_page("views/review_write.py", actor=member, lang="en", query={"paper": str(pid)})
    _button(at, "Start review").click().run()
    assert not at.exception
    with db.read() as s:
        rid = s.query(Review.id).scalar()
    key = f"revf_r{rid}_summary"
    at.text_area(key=key).input("어텐션만으로 충분하다 $O(n^2)$").run()
    assert _draft(db, rid)["summary"] == "어텐션만으로 충분하다 $O(n^2)$"  # saved on change
    # a reload is a new browser session: the draft comes back from the server
    at = run_page("views/review_write.py", actor=member, lang="en", query={"paper": str(pid)})
    assert at.text_area(key=key).value == "어텐션만으로 충분하다 $O(n^2)$"
    # submit without the required score: every problem listed, nothing cleared
    _button(at, "Submit").click().run()
    assert "Score" in at.error[0].value and "1 field" in at.error[0].value
    assert at.text_area(key=key).value == "어텐션만으로 충분하다 $O(n^2)$"
    at.radio(key=f"revf_r{rid}_score").set_value(4).run()
    _button(at, "Submit").click().run()
    assert not at.exception
    with db.read() as s:
        review = s.get(Review, rid)
        assert review.status == "submitted" and review.answers["score"] == 4


def test_stale_save_from_another_tab_keeps_my_text(run_page, db, group):
    _, member, tid, pid = group
    rid, v = start(db, member, pid, tid)
    at = run_page("views/review_write.py", actor=member, lang="en", query={"paper": str(pid)})
    with db.write() as s:  # the other tab saves first
        reviews.save_draft(
            session=s, by=member, review_id=rid, answers={"summary": "from tab A"}, expected_version=v
        )
    key = f"revf_r{rid}_summary"
    at.text_area(key=key).input("from tab B").run()
    assert any("Someone else saved first" in e.value for e in at.error)
    assert at.text_area(key=key).value == "from tab B"
    assert _draft(db, rid)["summary"] == "from tab A"
    _button(at, "Keep my text (save over it)").click().run()
    assert _draft(db, rid)["summary"] == "from tab B"


def test_leader_returns_then_approves(run_page, db, group):
    leader, member, tid, pid = group
    rid = submitted(db, member, pid, tid)
    at = run_page("views/reviews.py", actor=leader, lang="ko", query={"review": str(rid)})
    assert not at.exception
    assert any("Attention만으로" in m.value for m in at.markdown)
    _button(at, "반려").click().run()  # no feedback: refused, names the field by its form label
    assert "피드백" in at.error[0].value and "코멘트" not in at.error[0].value
    at.text_area(key=f"rev_fb_{rid}").input("**방법**을 더 자세히, 예: $\\sqrt{d_k}$").run()
    _button(at, "반려").click().run()
    with db.read() as s:
        assert s.get(Review, rid).status == "returned"
    # the member sees the feedback in the editor and resubmits
    at = run_page("views/review_write.py", actor=member, lang="ko", query={"paper": str(pid)})
    assert any("방법" in m.value for m in at.markdown)
    _button(at, "다시 제출").click().run()
    at = run_page("views/reviews.py", actor=leader, lang="ko", query={"review": str(rid)})
    _button(at, "승인").click().run()
    with db.read() as s:
        assert s.get(Review, rid).status == "approved"


def test_member_cannot_read_others_before_submitting(run_page, db, group):
    leader, member, tid, pid = group
    rid = submitted(db, member, pid, tid)
    lee = make_member(db, "lee", "이민준", by=leader)
    at = run_page("views/reviews.py", actor=lee, lang="en", query={"review": str(rid)})
    assert at.error and "Not found" in at.error[0].value
    at = run_page("views/review_write.py", actor=lee, lang="en", query={"paper": str(pid)})
    assert any("1 review(s) by others" in i.value for i in at.info)


def test_guest_and_member_cannot_reach_leader_pages(run_app, db, group):
    leader, member, _, _ = group
    for who in (None, member):
        at = run_app(actor=who)
        for page in ("views/templates.py", "views/assignments.py"):
            with pytest.raises(ValueError):
                at.switch_page(page).run()
    at = run_app(actor=None)
    with pytest.raises(ValueError):
        at.switch_page("views/reviews.py").run()


def test_leader_assigns_and_member_sees_it_on_home(run_page, run_app, db, group):
    leader, member, tid, pid = group
    at = run_page("views/assignments.py", actor=leader, lang="en")
    at.selectbox[0].set_value(pid)
    at.multiselect[0].set_value([member.id])
    at.number_input[0].set_value(3)
    at.button[0].click().run()
    assert not at.exception
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    home = run_app(actor=member, lang="en")  # the real router: Home links to every page
    assert not home.exception
    assert any("My review assignments" in h.value for h in home.subheader)
    assert any("Due date" in c.value for c in home.caption)


def test_templates_page_edit_makes_new_version(run_page, db, group):
    leader, _, tid, _ = group
    at = run_page("views/templates.py", actor=leader, lang="en")
    at.text_input(key=f"rev_tpl_nen_{tid}").input("Basic v2").run()
    _button(at, "Save").click().run()
    assert not at.exception
    from core.reviews import templates

    with db.read() as s:
        assert templates.get_template(session=s, template_id=tid).name_en == "Basic v2"


def test_papers_page_imports_pasted_bibtex(run_page, db, group):
    _, member, _, _ = group
    at = run_page("views/papers.py", actor=member, lang="ko")
    at.text_area(key="rev_bib_text").input(
        "@article{a, title={Deep Residual Learning}, author={He, Kaiming and 김, 철수}, year={2016}}\n"
        "@article{b, title={Attention is all you need}, eprint={1706.03762}}"
    ).run()
    _button(at, "가져오기").click().run()
    assert "새 논문 1편" in at.success[0].value and "1편" in at.success[0].value
    with db.read() as s:
        assert s.query(Paper).count() == 2


def test_assignment_form_lists_every_missing_field_then_clears_after_saving(run_page, db, group):
    leader, member, tid, pid = group
    at = run_page("views/assignments.py", actor=leader, lang="ko")
    at.button[0].click().run()  # nothing picked: every missing field at once, as a list
    error = at.error[0].value
    assert "- 논문 — 필수 항목입니다." in error and "- 멤버 — 필수 항목입니다." in error
    at.selectbox(key="rev_assign_paper").set_value(pid)
    at.multiselect(key="rev_assign_members").set_value([member.id])
    at.button[0].click().run()
    assert not at.exception and not at.error
    # saved: the paper and the members are empty again, ready for the next assignment
    # drawn as new widgets (renewed keys), so the browser shows them empty too
    assert at.selectbox(key="rev_assign_paper1").value is None
    assert at.multiselect(key="rev_assign_members1").value == []
    table = at.dataframe[0].value
    assert list(table["주차"]) == ["—"]  # no week set: a dash, not "None"


def test_paper_form_lists_every_bad_field(run_page, db, group):
    _, member, _, _ = group
    at = run_page("views/papers.py", actor=member, lang="en")
    at.text_input(key="rev_new_doi").input("nonsense")
    at.text_input(key="rev_new_url").input("ftp://x").run()
    at.button(key="rev_add_paper").click().run()
    error = at.error[0].value
    assert error.startswith("Please check 3 field(s):")
    assert (
        "- Title — This field is required." in error and "- DOI — Not a DOI" in error and "- URL — " in error
    )
