"""The Markdown editor's preview in a real browser: a member types a three-line note with a formula and
code holding a backslash, presses Preview, and sees three lines, a KaTeX formula, and backslashes
drawn as backslashes (in code and in body text, whose NanumGothic draws U+005C as the won sign).
Screenshot: /tmp/shots/preview.png."""

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.support.browser import GLYPHS_DIFFER, goto, sign_in, wait_idle
from tests.support.factories import PASSWORD

SHOTS = Path("/tmp/shots")
NOTE = "첫 줄: 스케일은 $\\sqrt{d_k}$ 로 나눈다\n둘째 줄: 코드 `scores = q @ k.T \\ d`\n셋째 줄: 경로는 C:\\data 입니다"


# The paragraph's lines as the reader sees them: split at <br>, a KaTeX formula as "<math>".
_LINES = """p => {
  const lines = [[]];
  for (const n of p.childNodes) {
    if (n.nodeName === 'BR') lines.push([]);
    else if (n.nodeType === 1 && (n.matches('.katex') || n.querySelector('.katex'))) lines.at(-1).push('<math>');
    else lines.at(-1).push(n.textContent);
  }
  return lines.map((parts) => parts.join('').trim());
}"""


def _font_of(locator) -> str:
    return locator.evaluate("el => '40px ' + getComputedStyle(el).fontFamily")


def test_note_preview_shows_three_lines_a_formula_and_backslashes(page: Page, live_app):
    goto(page, live_app, "curriculum")
    sign_in(page, live_app.member, PASSWORD)
    page.get_by_test_id("stExpander").locator("summary").filter(has_text="노트 쓰기").click()
    box = page.locator(".st-key-cur_note_body textarea")
    box.fill(NOTE)
    box.blur()
    wait_idle(page)
    page.locator(".st-key-mdpreview_cur_note_body").get_by_role("button", name="미리보기").click()
    wait_idle(page)

    preview = page.locator(".st-key-mdpreview_cur_note_body_box")
    expect(preview).to_contain_text("미리보기 · 저장될 모습")
    paragraph = preview.get_by_test_id("stMarkdownContainer").locator("p").filter(has_text="첫 줄")
    expect(paragraph).to_be_visible()
    lines = paragraph.evaluate(_LINES)
    assert lines == [  # typed line breaks kept: three lines
        "첫 줄: 스케일은 <math> 로 나눈다",
        "둘째 줄: 코드 scores = q @ k.T \\ d",
        "셋째 줄: 경로는 C:\\data 입니다",
    ], lines
    expect(paragraph.locator(".katex")).to_have_count(1)  # the formula is typeset by KaTeX
    code = paragraph.locator("code")
    expect(code).to_have_text("scores = q @ k.T \\ d")
    # a backslash is drawn as a backslash, not as ₩: in code (the code font) and in body text
    assert page.evaluate(GLYPHS_DIFFER, [_font_of(code), "\\", "₩"])
    assert page.evaluate(GLYPHS_DIFFER, [_font_of(paragraph), "\\", "₩"])
    expect(box).to_have_value(NOTE)  # the preview saved nothing and kept the text
    expect(page.locator("[class*='st-key-cur_note_card_']").filter(has_text="셋째 줄")).to_have_count(0)
    page.mouse.move(0, 0)  # no button tooltip over the picture
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".st-key-cur_note_body").locator("xpath=ancestor::*[@data-testid='stForm']").screenshot(
        path=SHOTS / "preview.png"
    )


def test_ctrl_enter_in_a_form_box_previews_instead_of_saving(page: Page, live_app):
    goto(page, live_app, "qa")
    sign_in(page, live_app.member, PASSWORD)
    page.get_by_test_id("stExpander").locator("summary").filter(has_text="질문하기").click()
    page.locator(".st-key-cur_ask_title input").fill("미리 보기만 한 질문")
    box = page.locator(".st-key-cur_ask_body textarea")
    box.fill("한 줄\n두 줄")
    box.press("Control+Enter")
    preview = page.locator(".st-key-mdpreview_cur_ask_body_box")
    expect(preview.locator("p").filter(has_text="한 줄")).to_be_visible()
    expect(preview.locator("p br")).to_have_count(1)
    wait_idle(page)
    expect(page.get_by_text("미리 보기만 한 질문")).to_have_count(0)  # not asked: no question box
