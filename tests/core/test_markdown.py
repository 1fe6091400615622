"""User Markdown: typed line breaks kept, external images behind a click, script / data links gone."""

import time

import pytest

from core.markdown import keep_line_breaks, prepare_user_markdown, safe_links


def label(alt: str, host: str) -> str:
    return f"IMG {host}: {alt}" if alt else f"IMG {host}"


# --- line breaks --------------------------------------------------------------------------------------
def test_a_three_line_summary_keeps_its_three_lines():
    text = "트랜스포머는 RNN 없이 어텐션만 쓴다.\n병렬화가 쉽다.\nWMT14에서 SOTA."
    assert keep_line_breaks(text) == (
        "트랜스포머는 RNN 없이 어텐션만 쓴다.  \n병렬화가 쉽다.  \nWMT14에서 SOTA."
    )


def test_paragraph_breaks_and_the_last_line_get_nothing():
    assert keep_line_breaks("첫 문단\n\n둘째 문단\n") == "첫 문단\n\n둘째 문단\n"


def test_lists_keep_their_structure_and_an_item_keeps_its_own_line_breaks():
    text = "목표:\n- 어텐션 구현\n- 마스킹 이해\n  패딩 마스크 포함\n1. 읽기\n2. 발표"
    assert keep_line_breaks(text) == (
        "목표:\n- 어텐션 구현\n- 마스킹 이해  \n  패딩 마스크 포함\n1. 읽기\n2. 발표"
    )


def test_a_number_that_cannot_start_a_list_is_a_line_of_the_paragraph():
    # CommonMark: only "1." may interrupt a paragraph, so "2024." continues it and needs the break
    assert keep_line_breaks("발표일\n2024. 3. 2") == "발표일  \n2024. 3. 2"


def test_code_fences_math_blocks_and_tables_are_untouched():
    text = (
        "코드:\n```python\nx = attn(q, k, v)\ny = x + 1\n```\n"
        "수식\n$$\nA = \\mathrm{softmax}(QK^T)\\\\\nB = AV\n$$\n"
        "| 모델 | BLEU |\n|---|---:|\n| base | 27.3 |\n| big | 28.4 |\n"
    )
    assert keep_line_breaks(text) == text


def test_a_tilde_fence_and_an_unclosed_fence_run_to_their_end():
    text = "~~~\n한 줄\n두 줄\n~~~~\nafter\nthis"
    assert keep_line_breaks(text) == "~~~\n한 줄\n두 줄\n~~~~\nafter  \nthis"
    assert keep_line_breaks("```\na\nb") == "```\na\nb"


def test_headings_rules_setext_and_indented_code_stay_as_they_are():
    text = "# 제목\n본문\n\n제목2\n---\n***\n\n    code a\n    code b\n\n본문"
    assert keep_line_breaks(text) == text


def test_quotes_keep_their_lines_inside_the_quote():
    assert keep_line_breaks("> 인용 1\n> 인용 2\n\n끝") == "> 인용 1  \n> 인용 2\n\n끝"


def test_existing_hard_breaks_and_windows_newlines():
    assert keep_line_breaks("a  \nb\\\nc\r\nd") == "a  \nb\\\nc  \nd"


@pytest.mark.parametrize(
    "text",
    [
        "a\nb\nc",
        "- a\n- b\n  c\n\n1. x\n2. y",
        "```\ncode\n```\nx\ny",
        "| a |\n| - |\n| 1 |\nz",
        "$$\nx\n$$\nq\nr",
        "> q\n> r",
        "one \ntwo",
    ],
)
def test_idempotent(text):
    once = keep_line_breaks(text)
    assert keep_line_breaks(once) == once


def _best_of(fn, arg, runs=3) -> float:
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        fn(arg)
        best = min(best, time.perf_counter() - t0)
    return best


@pytest.mark.parametrize(
    "unit",
    [
        "[a](b" * 50 + "\n",  # unclosed link targets
        "![x](http://e (" * 50 + "\n",  # unclosed titles and parens
        "`" * 7 + " `` ` " * 20 + "\n",  # backtick runs that never close
        "[" * 100 + "\n",
        "- item\n  text\n| a |\n|---|\n$$\n```\n",
    ],
)
def test_cost_grows_linearly_with_the_text(unit):
    """8x the text must cost far less than the 64x a quadratic scan would."""
    small, big = unit * 40, unit * 320
    t_small = _best_of(lambda s: prepare_user_markdown(s, label), small)
    t_big = _best_of(lambda s: prepare_user_markdown(s, label), big)
    assert t_big < 24 * t_small + 0.05, (t_small, t_big)


# --- links and images --------------------------------------------------------------------------------
def test_an_external_image_becomes_a_link_that_loads_nothing():
    out = safe_links('그림: ![어텐션 맵](https://img.example.org/attn.png "map")', label)
    assert out == '그림: [IMG img.example.org: 어텐션 맵](https://img.example.org/attn.png "map")'
    assert "![" not in out


def test_images_on_this_server_stay():
    text = "![logo](/app/static/logo.png) ![rel](figs/a.png)"
    assert safe_links(text, label) == text


@pytest.mark.parametrize(
    "src",
    [
        "http://e.example/a.png",
        "//e.example/a.png",
        "<https://e.example/a b.png>",
        "HTTPS://E.EXAMPLE/x.png",
        "/\\e.example/a.png",
        "https://e.example/(1).png",
    ],
)
def test_every_spelling_of_an_external_source_is_caught(src):
    out = safe_links(f"![a]({src})", label)
    assert out.startswith("[IMG"), out


def test_a_badge_inside_a_link_keeps_the_link():
    out = safe_links("[![build](https://ci.example/badge.svg)](https://ci.example)", label)
    assert out == "[[IMG ci.example: build](https://ci.example/badge.svg)](https://ci.example)"


def test_reference_images_are_caught_too():
    text = "![그림][fig] ![fig]\n\n[fig]: https://e.example/f.png"
    out = safe_links(text, label)
    assert out.startswith("[IMG e.example: 그림](https://e.example/f.png) [IMG e.example: fig](")
    assert "![" not in out


@pytest.mark.parametrize(
    "link",
    [
        "[클릭](javascript:alert(1))",
        "[클릭](JavaScript:alert(1))",
        "[클릭](java&#115;cript:alert(1))",
        "[클릭]( javascript:alert(1) )",
        "[클릭](data:text/html;base64,PHNjcmlwdD4=)",
        "[클릭](vbscript:msgbox)",
    ],
)
def test_script_and_data_links_are_dropped_and_their_text_kept(link):
    assert safe_links(f"보기: {link} 끝", label) == "보기: 클릭 끝"


def test_data_images_autolinks_and_reference_definitions_are_dropped():
    text = "![픽셀](data:image/png;base64,iVBORw0KGgo=) <javascript:alert(1)> [x][bad]\n[bad]: javascript:alert(1)"
    assert safe_links(text, label) == "픽셀  x"


def test_safe_links_leave_code_and_math_alone():
    text = (
        "인라인 `![x](http://e.example/x.png)` 코드\n\n"
        "```markdown\n![x](http://e.example/x.png)\n[y](javascript:alert(1))\n```\n"
        "$$\n[a](b)\n$$"
    )
    assert safe_links(text, label) == text


def test_plain_brackets_and_exclamations_survive():
    text = "와![note] 대단! [1] 참고 (괄호)"
    assert safe_links(text, label) == text


def test_prepared_markdown_has_both_and_is_stable():
    text = "요약\n![그림](https://e.example/a.png)\n끝"
    out = prepare_user_markdown(text, label)
    assert out == "요약  \n[IMG e.example: 그림](https://e.example/a.png)  \n끝"
    assert prepare_user_markdown(out, label) == out
    assert prepare_user_markdown(None, label) == ""
