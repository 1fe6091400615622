"""New-item forms of the curriculum page start empty again after a save in the browser itself:
popping a widget's session key empties only the server's copy while the browser keeps showing
(and would resend) the saved text, so these forms draw renewed widgets instead."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import commit_text, goto, sign_in, wait_idle
from tests.support.factories import PASSWORD


def _expand(page: Page, title: str) -> None:
    page.get_by_test_id("stExpander").locator("summary").filter(has_text=title).click()


def _box(page: Page, key_prefix: str, field: str, tag: str = "input"):
    """The one widget of a form whose key starts with `key_prefix` and ends with `field`."""
    return page.locator(f"[class*='st-key-{key_prefix}'][class*='_{field}'] {tag}")


def _type(box, text: str) -> None:
    """Fill a text box of a form and leave it, so Streamlit holds the text before a button is
    pressed (a click straight after typing may only commit the text and lose the click)."""
    box.fill(text)
    box.blur()
    wait_idle(box.page)


@pytest.mark.e2e
def test_new_week_material_and_imported_note_forms_are_empty_after_saving(page: Page, live_app):
    goto(page, live_app, "curriculum")
    sign_in(page, live_app.leader, PASSWORD)

    _expand(page, "새 주차 만들기")
    _type(page.get_by_label("제목(한국어)").first, "브라우저에서 만든 주차")
    page.get_by_role("button", name="주차 추가").click()
    expect(page.get_by_role("heading", name=re.compile("브라우저에서 만든 주차"))).to_be_visible(
        timeout=30_000
    )
    wait_idle(page)
    _expand(page, "새 주차 만들기")
    expect(_box(page, "cur_new", "title_ko")).to_have_value("")

    _expand(page, "자료 추가")
    _type(page.get_by_label("자료 제목").last, "브라우저 자료")
    _type(page.get_by_label("주소(URL)").last, "https://example.org/slides")
    page.get_by_role("button", name="자료 추가").click()
    expect(page.get_by_role("link", name="브라우저 자료")).to_be_visible(timeout=30_000)
    wait_idle(page)
    expect(_box(page, "cur_mat", "title").last).to_have_value("")

    _expand(page, "노트 가져오기")
    commit_text(page.get_by_label("붙여넣을 텍스트"), "# 가져온 노트\n\n" + "본문 " * 1000)  # about 3 KB
    page.get_by_role("button", name="정리하고 미리 보기").click()
    page.get_by_role("button", name="이 노트로 저장").click(timeout=30_000)
    note = page.locator("[class*='st-key-cur_note_card_']").filter(has_text="가져온 노트")
    expect(note).to_have_count(1, timeout=30_000)
    wait_idle(page)
    expect(page.locator(".st-key-cur_import_paste textarea")).to_have_value("")
