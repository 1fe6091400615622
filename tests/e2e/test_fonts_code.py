"""Code text (the review revision diff, code in a note import preview) draws Hangul with the shipped
code font on a machine without Korean fonts, and a backslash as a backslash (not the won sign).
Screenshots go to /tmp/shots/ for a person to look at."""

from pathlib import Path

from playwright.sync_api import Page, expect

from core.accounts import members
from core.accounts.members import actor_of
from core.reviews import papers
from core.reviews import workflow as reviews
from core.reviews.bibtex import PaperData
from db.models.reviews import Review
from tests.support.browser import GLYPHS_DIFFER, goto, sign_in, wait_idle
from tests.support.factories import PASSWORD, any_leader
from tests.support.reviews import make_template

SHOTS = Path("/tmp/shots")
FONT_FILE = "/app/static/StudyCode.woff2"


def _watch_font(page: Page) -> list[int]:
    statuses: list[int] = []
    page.on("response", lambda r: statuses.append(r.status) if r.url.endswith(FONT_FILE) else None)
    return statuses


def _assert_code_font(page: Page, code, statuses: list[int]) -> None:
    expect(code).to_be_visible()
    family = code.evaluate("el => getComputedStyle(el).fontFamily")
    assert family.split(",")[0].strip().strip("\"'") == "studycode", family
    text = code.inner_text()
    assert page.evaluate("t => document.fonts.load('16px studycode', t).then(f => f.length)", text) == 1
    assert page.evaluate("t => document.fonts.check('16px studycode', t)", text)
    assert statuses and all(s == 200 for s in statuses), statuses  # the file was served


def _review_with_two_revisions(live_app) -> int:
    leader = any_leader(live_app.db)
    tid = make_template(live_app.db, leader, name="폰트 확인")
    with live_app.db.write() as s:
        member = actor_of(next(m for m in members.list_members(session=s) if m.username == live_app.member))
        paper, _ = papers.add_paper(session=s, by=leader, data=PaperData(title="E2E Font Paper"))
        r = reviews.start_review(session=s, by=member, paper_id=paper.id, template_id=tid)
        rid, version = r.id, r.draft.version
    first = {"summary": "어텐션으로 번역한다.\n손실은 \\mathcal{L}", "score": 3, "tags": ["한국어"]}
    second = {
        "summary": "셀프 어텐션만으로 번역한다.\n손실은 \\mathcal{L}_{CE}",
        "score": 4,
        "tags": ["한국어"],
    }
    with live_app.db.write() as s:
        reviews.commit_review(session=s, by=member, review_id=rid, answers=first, expected_version=version)
    with live_app.db.write() as s:
        reviews.return_review(session=s, by=leader, review_id=rid, feedback="수식 설명을 보완해 주세요")
    with live_app.db.write() as s:
        version = s.get(Review, rid).draft.version
        reviews.commit_review(session=s, by=member, review_id=rid, answers=second, expected_version=version)
    return rid


def test_the_revision_diff_draws_hangul_and_backslashes_with_the_code_font(page: Page, live_app):
    rid = _review_with_two_revisions(live_app)
    statuses = _watch_font(page)
    goto(page, live_app)
    sign_in(page, live_app.member, PASSWORD)
    goto(page, live_app, "reviews", f"review={rid}")
    page.get_by_text("수정 이력 (2)").click()
    code = page.get_by_test_id("stCode").locator("code").filter(has_text="셀프 어텐션만으로")
    _assert_code_font(page, code, statuses)
    expect(code).to_contain_text("\\mathcal{L}_{CE}")
    # The code font draws U+005C as a backslash; NanumGothic (the text font) draws it as the won
    # sign, which is why the same check on it must find the two alike.
    assert page.evaluate(GLYPHS_DIFFER, ["40px studycode", "\\", "₩"])
    assert not page.evaluate(GLYPHS_DIFFER, ["40px nanum", "\\", "₩"])
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.get_by_test_id("stExpander").filter(has_text="수정 이력").screenshot(path=SHOTS / "review_diff.png")


def test_code_in_a_note_import_preview_draws_hangul(page: Page, live_app):
    statuses = _watch_font(page)
    goto(page, live_app)
    sign_in(page, live_app.leader, PASSWORD)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="커리큘럼").click()
    wait_idle(page)
    page.get_by_text("노트 가져오기").click()
    page.get_by_label("붙여넣을 텍스트").fill(
        "# 어텐션 구현\n\n```python\n# 한국어 주석: 점수를 정규화한다\nscores = q @ k.T / d ** 0.5  # \\sqrt{d}\n```\n\n"
        "옵션 형식은 `value=한국어/English` 입니다."
    )
    page.get_by_role("button", name="정리하고 미리 보기").click()
    wait_idle(page)
    preview = page.get_by_test_id("stMarkdownContainer").filter(has_text="옵션 형식은")
    code = preview.locator("pre code").filter(has_text="한국어 주석")
    _assert_code_font(page, code, statuses)
    _assert_code_font(page, preview.locator("code").filter(has_text="value=한국어"), statuses)
    SHOTS.mkdir(parents=True, exist_ok=True)
    preview.screenshot(path=SHOTS / "note_import_preview.png")
