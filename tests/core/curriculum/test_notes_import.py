"""Note import normalisation on real-looking pasted notes (blog exports like the seeds)."""

import pytest

from core.curriculum.notes_import import MAX_IMPORT_BYTES, from_paste, from_upload, normalise
from core.errors import InvalidInput

# The shape a blog exporter gives (as in the seeds): inline formulas split over three lines,
# `$$` glued to list markers and to the next sentence, and a lone `$` whose formula was lost.
BLOG_PASTE = """[DL Basic] Sequential Models - RNN
- Naive Sequential Model : $
p\\left(x_{t} \\mid x_{t-1}, x_{t-2}, \\ldots\\right)
$- (문제) 입력의 차원을 정의할 수 없음
- Latent autoregressive model
- $$
\\begin{aligned}
\\hat{x} &=p\\left(x_{t} \\mid h_{t}\\right) \\\\

h_{t} &=g\\left(h_{t-1}, x_{t-1}\\right)
\\end{aligned}
$$
- Naive Sequential Model : $
- Recurrent Neural Network
- MLP와 다른 점은 자기 자신에게 들어오는 구조
- $$
h_{t}=\\tanh(W h_{t-1} + U x_{t})
$$ - $h_{4}$에서 $h_{0}$가 Vanishing gradient 될 위험이 있다
"""


def test_split_inline_formula_is_joined_on_one_line():
    out = normalise(BLOG_PASTE)
    assert "$p\\left(x_{t} \\mid x_{t-1}, x_{t-2}, \\ldots\\right)$- (문제)" in out.text
    assert out.fixes["split_inline"] == 1


def test_display_blocks_stand_alone_without_blank_lines_inside():
    text = normalise(BLOG_PASTE).text
    assert "\n\n$$\n\\begin{aligned}\n\\hat{x}" in text
    assert "\\\\\nh_{t} &=g" in text  # the blank line inside the block is gone
    # the sentence glued after the closing $$ moves to its own line, its inline maths intact
    assert "$$\n\n- $h_{4}$에서 $h_{0}$가 Vanishing" in text
    assert "- $$" not in text


def test_lone_dollar_does_not_swallow_the_following_paragraphs():
    text = normalise(BLOG_PASTE).text
    assert "- Naive Sequential Model : \\$\n- Recurrent Neural Network" in text
    assert normalise(BLOG_PASTE).fixes["lone_dollar"] == 1
    # every remaining unescaped `$` is paired
    assert text.replace("\\$", "").count("$") % 2 == 0


def test_bracket_delimiters_become_dollars():
    out = normalise(
        "어텐션 점수 \\(q \\cdot k\\) 는 다음과 같다.\n\\[\n\\mathrm{softmax}\\left(\\frac{QK^T}{\\sqrt{d_k}}\\right)V\n\\]\n끝"
    )
    assert "어텐션 점수 $q \\cdot k$ 는" in out.text
    assert "\n\n$$\n\\mathrm{softmax}\\left(\\frac{QK^T}{\\sqrt{d_k}}\\right)V\n$$\n\n끝" in out.text
    assert out.fixes["brackets"] == 2


def test_stray_html_is_removed_and_entities_decoded():
    raw = (
        '<div class="post"><p>트랜스포머 정리<br/>Q &amp; A</p><span style="color:red">중요</span>'
        "<script>track()</script><!-- ad --><ul><li>self-attention</li></ul></div>"
    )
    out = normalise(raw)
    assert "<" not in out.text and "track()" not in out.text and "ad" not in out.text
    assert "트랜스포머 정리\nQ & A" in out.text
    assert "- self-attention" in out.text
    assert out.fixes["html"] == 1


def test_code_and_real_comparisons_are_left_alone():
    raw = '```python\nprice = "$5"  # <b>not html</b>\n```\n`$HOME` 와 $a < b$ 그리고 x < y'
    out = normalise(raw)
    assert '```python\nprice = "$5"  # <b>not html</b>\n```' in out.text
    assert "`$HOME` 와 $a < b$ 그리고 x < y" in out.text
    assert not out.fixes


def test_windows_newlines_nbsp_and_the_heading_moves_into_the_title():
    out = normalise("# 7주차 정리\r\n\r\n\r\n\r\n본문\u00a0텍스트\u200b")
    assert out.title == "7주차 정리"
    assert out.text == "본문 텍스트\n"  # shown once, as the note's title
    assert out.fixes["title"] == 1


def test_upload_limits_and_types():
    with pytest.raises(InvalidInput) as err:
        from_upload(b"x" * (MAX_IMPORT_BYTES + 1), "big.md")
    assert "KB" in err.value.message("en")
    with pytest.raises(InvalidInput) as err:
        from_upload(b"\x89PNG\r\n\x1a\n\x00\x00", "image.md")
    assert err.value.key == "common.error.not_text"
    with pytest.raises(InvalidInput) as err:
        from_upload(b"hello", "slides.pdf")
    assert ".md" in err.value.message("ko")
    with pytest.raises(InvalidInput):
        from_paste("   \n ")
    with pytest.raises(InvalidInput):
        from_paste("가" * MAX_IMPORT_BYTES)
    ok = from_upload("\ufeff본문만 있는 노트\n$$\nx\n$$".encode(), "week3-notes.txt")
    assert ok.title == "본문만 있는 노트" and ok.text == "$$\nx\n$$\n"


def test_seed_blog_note_from_shared_seeds_if_present():
    from pathlib import Path

    seeds = sorted(Path(__file__).resolve().parents[4].glob("shared/seeds/004_*.txt"))
    if not seeds:
        pytest.skip("shared seeds not present")
    out = normalise(seeds[0].read_text(encoding="utf-8"))
    assert out.fixes["split_inline"] >= 2 and out.fixes["display"] >= 2
    assert out.text.replace("\\$", "").count("$") % 2 == 0


# --- blog exports that lost their blank lines (shaped like shared/seeds/004) -------------------

GLUED_EXPORT = """목차
1. 강의정리
1-1. DL Basic - chap7. Sequential Models - RNN
1-2. DL Basic - chap8. Sequential Models - Transformer
2. 피어세션 & 데일리회고
📜 강의 정리
* 강의를 정리한 것 입니다.
[DL Basic] Chapter7. Sequential Models - RNN
- Sequential Model
- GRU가 LSTM에 비해 파라미터 수가 적다.
[DL Basic] Chapter8. Sequential Models - Transformer
- Transformer는 sequential한 문제를 해결하는 방법.
🙋 피어세션 & 데일리 회고
목요일 피어세션 시간에는 멘토님이 함께하십니다.
'TIL > Boostcamp AI tech' 카테고리의 다른 글
[Boostcamp] week3-Day11. Pytorch 기본 :: blog (0) | 2021.08.17 |
---|---|
[Boostcamp] Week2-Day10. Generative Models :: blog (0) | 2021.08.13 |
댓글
"""


def test_table_of_contents_keeps_one_line_per_entry():
    text = normalise(GLUED_EXPORT).text
    # the sub-numbered lines nest under item 1 instead of running on inside it
    assert text.startswith(
        "목차\n\n1. 강의정리\n"
        "   - 1-1. DL Basic - chap7. Sequential Models - RNN\n"
        "   - 1-2. DL Basic - chap8. Sequential Models - Transformer\n"
        "2. 피어세션 & 데일리회고\n\n📜 강의 정리\n"
    )


def test_section_headers_after_a_list_become_headings():
    out = normalise(GLUED_EXPORT)
    assert "- GRU가 LSTM에 비해 파라미터 수가 적다.\n\n### [DL Basic] Chapter8. Sequential Models" in out.text
    assert "\n\n### [DL Basic] Chapter7. Sequential Models - RNN\n- Sequential Model\n" in out.text
    assert out.fixes["headings"] == 2


def test_blog_footer_is_not_swallowed_by_the_last_list_item():
    text = normalise(GLUED_EXPORT).text
    assert "해결하는 방법.\n\n🙋 피어세션 & 데일리 회고\n목요일" in text
    # the related-posts table starts its own block and does not take in the line after it
    assert "카테고리의 다른 글\n\n[Boostcamp] week3-Day11" in text
    assert "2021.08.13 |\n\n댓글\n" in text


def test_title_is_taken_once_from_a_standalone_first_line_only():
    blog = normalise(BLOG_PASTE)
    assert blog.title == "[DL Basic] Sequential Models - RNN"
    assert "[DL Basic] Sequential Models - RNN" not in blog.text
    # a table-of-contents label, a sentence, or the first line of a paragraph is not a title
    assert normalise(GLUED_EXPORT).title == ""
    sentence = "자주 쓰는 식을 한곳에 모았습니다.\n\n$$\nx\n$$\n"
    assert normalise(sentence).title == "" and normalise(sentence).text.startswith("자주 쓰는")
    paragraph = normalise("트랜스포머 정리\n셀프 어텐션은 모든 위치를 본다")
    assert paragraph.title == "" and paragraph.text.startswith("트랜스포머 정리\n셀프")
    # a one-line note keeps its only line as the body
    assert normalise("# 제목만").text == "# 제목만\n"


def test_bullet_characters_become_list_items():
    out = normalise("멀티 헤드 어텐션이란?\n• 쿼리(Query, Q)\n• 키(Key, K)\n")
    assert "\n- 쿼리(Query, Q)\n- 키(Key, K)\n" in out.text
    assert out.fixes["bullets"] == 2


def test_markdown_written_by_hand_keeps_its_structure():
    raw = (
        "Notes on attention\n\n- a list item that\n  continues, indented\n- second\n\n"
        "A paragraph wrapped\nover two lines.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    out = normalise(raw)
    assert out.text == raw.replace("Notes on attention\n\n", "")
    assert out.fixes == {"title": 1}


# --- hostile input: placeholders, worst cases for every scan, fuzz -----------------------------

PLACEHOLDERS = "\ue000\ue001"


def test_placeholder_characters_in_the_input_stay_text():
    # the importer's old private-use markers: a forged slot, two slots and a slot that does not exist
    for raw in (
        "`a`\ue0000\ue001",
        "\ue0000\ue001\ue0000\ue001 `x`",
        "본문 \ue0009\ue001",
        "$$\ue0000\ue001$$",
    ):
        out = from_paste(raw)
        assert out.text.count("\ue000") == raw.count("\ue000")
    assert from_paste("`a` b\ue0000\ue001").text == "`a` b\ue0000\ue001\n"


@pytest.mark.parametrize("unit", ["\\[x ", "<!--", "\\(x ", "<script>", "<p ", "```x\n"])
def test_worst_case_paste_at_the_size_limit_finishes_in_under_a_second(unit):
    import time

    text = unit * (MAX_IMPORT_BYTES // len(unit.encode()))
    started = time.process_time()  # CPU time: other processes on the machine do not count
    from_paste(text)
    assert time.process_time() - started < 1.0


@pytest.mark.timeout(60)
def test_random_notes_with_placeholders_and_delimiters_never_crash_or_hang():
    import random

    rng = random.Random(11)
    pieces = [*PLACEHOLDERS, "\ue0000\ue001", "\ue0001\ue001", "0", "7", "\\[", "\\]", "\\(", "\\)", "<!--"]
    pieces += ["-->", "$$", "$", "`", "```", "\n", " ", "x", "가", "- ", "1. ", "1-1. ", "[a] ", "|", "---|"]
    for _ in range(300):
        raw = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 80)))
        try:
            out = from_paste(raw)
        except InvalidInput:
            continue
        # no placeholder of the importer's own is left behind
        private = {c for c in out.text if "\ue000" <= c <= "\uf8ff"}
        assert private <= set(raw)
