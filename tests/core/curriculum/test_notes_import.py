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


def test_windows_newlines_nbsp_and_title_guess():
    out = normalise("# 7주차 정리\r\n\r\n\r\n\r\n본문\u00a0텍스트\u200b")
    assert out.text == "# 7주차 정리\n\n본문 텍스트\n"
    assert out.title == "7주차 정리"


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
    assert ok.title == "본문만 있는 노트" and ok.text.startswith("본문만")


def test_seed_blog_note_from_shared_seeds_if_present():
    from pathlib import Path

    seeds = sorted(Path(__file__).resolve().parents[4].glob("shared/seeds/004_*.txt"))
    if not seeds:
        pytest.skip("shared seeds not present")
    out = normalise(seeds[0].read_text(encoding="utf-8"))
    assert out.fixes["split_inline"] >= 2 and out.fixes["display"] >= 2
    assert out.text.replace("\\$", "").count("$") % 2 == 0
