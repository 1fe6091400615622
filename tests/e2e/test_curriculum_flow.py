"""A member's full curriculum flow in a real browser: open the seeded curriculum, write a note
with LaTeX (rendered by KaTeX), then answer the positional-encoding question in Q&A."""

import pytest
from playwright.sync_api import Page, expect

from core.curriculum import qa
from core.curriculum import weeks as cur
from tests.support.browser import goto, sign_in, wait_idle
from tests.support.factories import PASSWORD


def open_nav(page: Page, name: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name).click()
    wait_idle(page)


@pytest.mark.e2e
def test_member_writes_a_note_and_answers_a_question(page: Page, live_app):
    goto(page, live_app)
    sign_in(page, live_app.member, PASSWORD)

    open_nav(page, "커리큘럼")
    expect(page.get_by_role("heading", name="1주차 · 신경망 기초: MLP, CNN, RNN")).to_be_visible()
    expect(
        page.get_by_text("모델 실험실에서 직접 해 보기").first
    ).to_be_visible()  # Lab link (or its caption)

    page.get_by_text("노트 쓰기").click()
    page.get_by_label("노트 제목").fill("브라우저에서 쓴 노트")
    page.get_by_role("textbox", name="본문 (Markdown과 LaTeX 수식)").fill(
        "은닉 상태: $h_t = \\tanh(W h_{t-1} + U x_t)$"
    )
    page.get_by_role("button", name="노트 저장").click()
    wait_idle(page)
    # Each note is a bordered container keyed cur_note_card_<id> (Streamlit 1.67 has no
    # stVerticalBlockBorderWrapper test id any more).
    note = page.locator("[class*='st-key-cur_note_card_']").filter(has_text="브라우저에서 쓴 노트")
    expect(note).to_have_count(1)
    expect(note).to_be_visible()
    expect(note.locator(".katex").first).to_be_visible()  # the formula is typeset, not raw text
    # the new-note form is empty again in the browser (not just on the server)
    expect(page.locator(".st-key-cur_note_title input")).to_have_value("")
    expect(page.locator(".st-key-cur_note_body textarea")).to_have_value("")

    open_nav(page, "질문 게시판")
    page.get_by_text("위치 인코딩은 임베딩에 그냥 더하는 건가요?").click()
    box = page.get_by_label("답변(Markdown, LaTeX)").first
    box.fill("학습된 위치 임베딩과 비교해 보면 좋아요: $PE_{pos}$")
    page.get_by_role("button", name="답변 달기").first.click()
    wait_idle(page)
    # The question stays open (its label now counts one more answer) and shows the new answer typeset.
    answer = page.get_by_test_id("stMarkdownContainer").filter(
        has_text="학습된 위치 임베딩과 비교해 보면 좋아요"
    )
    expect(answer.first).to_be_visible()
    expect(answer.first.locator(".katex").first).to_be_visible()
    expect(page.locator("[class*='st-key-cur_ans_'] textarea").first).to_have_value("")  # answer box emptied

    with live_app.db.read() as s:
        week1 = cur.list_weeks(session=s)[0]
        assert [n.title for n in cur.list_notes(session=s, week_id=week1.id)] == ["브라우저에서 쓴 노트"]
        [question] = qa.list_questions(session=s)
        bodies = [a.body for a in qa.list_answers(session=s, question_id=question.id)]
    assert any("학습된 위치 임베딩과 비교" in b for b in bodies)
