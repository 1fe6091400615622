"""Every text box has a length limit, and it is the very constant its service enforces: an AST walk
finds no st.text_input / st.text_area / st.chat_input without max_chars (named exemptions aside),
and a few representative forms show the service's constant in the widget."""

from __future__ import annotations

import ast

import pytest

from core.curriculum import notes_import, qa, retros
from core.curriculum import weeks as cur
from core.reviews import answers as ans
from core.reviews import workflow as reviews
from tests.support.factories import make_leader, make_member
from tests.support.paths import ROOT
from tests.support.reviews import make_paper, make_template, start, submitted
from ui.reviews import keys as review_keys

TEXT_WIDGETS = {"text_input", "text_area", "chat_input"}
# (file, label key) -> why that box has no max_chars
EXEMPT = {
    ("ui/shell/auth.py", "auth.password"): (
        "its '10/256' counter covered the password dots in the narrow sidebar; "
        "core/accounts/signin.py refuses a password over members.MAX_PASSWORD without hashing it"
    ),
}
# where every max_chars is a service's constant, never a literal of its own
CONSTANTS_ONLY = ("ui/", "views/", "app.py")


def _label_key(call: ast.Call) -> str | None:
    """'auth.password' for st.text_input(t("auth.password"), ...)."""
    label = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "label"), None)
    if isinstance(label, ast.Call) and label.args and isinstance(label.args[0], ast.Constant):
        return label.args[0].value
    return None


def _text_widgets():
    files = [*ROOT.glob("ui/**/*.py"), *ROOT.glob("views/*.py"), ROOT / "app.py"]
    for path in sorted(files):
        rel = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in TEXT_WIDGETS or name == "markdown_editor":  # the editor draws a text_area
                if rel != "ui/shell/markdown.py":  # ...from its own max_chars argument
                    yield rel, node


def test_every_text_box_has_a_length_limit():
    widgets = list(_text_widgets())
    assert len(widgets) > 60  # the walk sees the app's forms
    missing = [
        f"{rel}:{node.lineno} {_label_key(node)}"
        for rel, node in widgets
        if not any(k.arg == "max_chars" for k in node.keywords) and (rel, _label_key(node)) not in EXEMPT
    ]
    assert missing == []
    # an exemption that no longer matches a widget is stale
    seen = {(rel, _label_key(node)) for rel, node in widgets}
    assert set(EXEMPT) <= seen


def test_limits_are_the_services_constants_not_literals():
    literal = [
        f"{rel}:{node.lineno}"
        for rel, node in _text_widgets()
        if rel.startswith(CONSTANTS_ONLY)
        for k in node.keywords
        if k.arg == "max_chars" and isinstance(k.value, ast.Constant)
    ]
    assert literal == []


def _button(at, label):
    found = [b for b in at.button if b.label == label]
    assert found, f"no button {label!r} in {[b.label for b in at.button]}"
    return found[0]


def test_week_and_note_forms_cap_at_the_weeks_service_limits(run_page, db):
    leader = make_leader(db)
    with db.write() as s:
        cur.create_week(session=s, by=leader, title_ko="어텐션")
    at = run_page("views/curriculum.py", actor=leader, lang="en")
    assert not at.exception
    assert at.text_input(key="cur_new_title_ko").max_chars == cur.MAX_TITLE
    assert at.text_area(key="cur_new_summary").max_chars == cur.MAX_SUMMARY
    assert at.text_input(key="cur_new_tags").max_chars == cur.MAX_TAGS_TEXT
    assert at.text_input(key="cur_note_title").max_chars == cur.MAX_TITLE
    assert at.text_area(key="cur_note_body").max_chars == cur.MAX_NOTE


def test_an_import_longer_than_a_note_is_refused_in_words_not_cut(run_page, db):
    leader = make_leader(db)
    with db.write() as s:
        cur.create_week(session=s, by=leader, title_ko="어텐션")
    at = run_page("views/curriculum.py", actor=leader, lang="en")
    pasted = "# Long\n\n" + "word " * (cur.MAX_NOTE // 5 + 10)
    assert len(pasted) <= notes_import.MAX_IMPORT_BYTES
    at.text_area(key="cur_import_paste").input(pasted)
    _button(at, "Clean up and preview").click().run()
    assert not at.exception
    assert f"at most {cur.MAX_NOTE} characters" in at.error[0].value
    assert "cur_import" not in at.session_state  # no preview, so nothing cut short to save
    assert at.text_area(key="cur_import_paste").value == pasted  # what was pasted stays


def test_question_and_answer_boxes_cap_at_the_qa_limits(run_page, db):
    leader = make_leader(db)
    asker = make_member(db, "minjun", "이민준", by=leader)
    with db.write() as s:
        week = cur.create_week(session=s, by=leader, title_ko="어텐션")
        q = qa.ask(session=s, by=asker, week_id=week.id, title="PE는 더하나요?", body="")
    at = run_page("views/qa.py", actor=asker, lang="en")
    assert not at.exception
    assert at.text_input(key="cur_ask_title").max_chars == qa.MAX_TITLE
    assert at.text_area(key="cur_ask_body").max_chars == qa.MAX_BODY
    assert at.text_area(key=f"cur_ans_{q.id}").max_chars == qa.MAX_BODY


def test_review_answer_and_comment_boxes_cap_at_the_reviews_limits(run_page, db):
    leader = make_leader(db)
    member = make_member(db, "kim", "김하연", by=leader)
    tid = make_template(db, leader)
    pid = make_paper(db, member)
    rid, _ = start(db, member, pid, tid)
    at = run_page("views/review_write.py", actor=member, lang="en", query={"paper": str(pid)})
    assert not at.exception
    assert at.text_area(key=f"revf_r{rid}_summary").max_chars == ans.MAX_LONG
    assert at.text_input(key=f"revf_r{rid}_tags").max_chars == ans.MAX_TAGS_TEXT
    done = submitted(db, member, make_paper(db, member, title="LSTM", arxiv="1503.04069"), tid)
    at = run_page("views/reviews.py", actor=leader, lang="en", query={"review": str(done)})
    assert not at.exception
    assert at.text_area(key=review_keys.comment_body(done)).max_chars == reviews.MAX_COMMENT
    assert at.text_area(key=review_keys.feedback(done)).max_chars == reviews.MAX_COMMENT


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_retrospective_box_caps_at_the_retros_limit(run_page, db, lang):
    leader = make_leader(db)
    with db.write() as s:
        week = cur.create_week(session=s, by=leader, title_ko="어텐션")
    at = run_page("views/retros.py", actor=leader, lang=lang)
    assert not at.exception
    assert at.text_area(key=f"cur_retro_body_{week.id}").max_chars == retros.MAX_BODY
