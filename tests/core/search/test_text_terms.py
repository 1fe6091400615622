"""Plain text from Markdown + LaTeX, snippets that carry no markup, query words with Korean
particles cut and glossary spellings added (pure functions, no database)."""

from core.search.glossary import GLOSSARY, synonyms
from core.search.snippet import make_snippet
from core.search.terms import STEM, SYNONYM, TYPED, groups_of, stems
from core.search.text import flatten_math, fold, plain_text

NOTE = """# 어텐션 정리

어텐션을 계산할 때 $\\sqrt{d_k}$ 로 나눈다. **Softmax** 이전에 [스케일링](https://x.y/z).

$$
\\mathrm{Attention}(Q,K,V) = \\mathrm{softmax}\\left(\\frac{QK^\\top}{\\sqrt{d_k}}\\right)V
$$

| 기호 | 뜻 |
|---|---|
| $d_k$ | 키 차원 |

```python
scores = q @ k.T / math.sqrt(d_k)
```
"""


def test_plain_text_has_no_latex_table_or_fence_syntax():
    plain = plain_text(NOTE)
    assert "$" not in plain and "\\" not in plain and "|" not in plain and "```" not in plain
    assert "**" not in plain and "](" not in plain and "#" not in plain
    assert "어텐션을 계산할 때 √ d_k 로 나눈다." in plain  # a formula reads as symbols and letters
    assert "기호 · 뜻" in plain and "키 차원" in plain  # table cells stay, their pipes go
    assert "scores = q @ k.T" in plain  # code is text members look for
    assert "softmax" in plain and "QK" in plain


def test_flatten_math_keeps_names_and_drops_layout():
    assert flatten_math("\\frac{a}{b}").split() == ["a", "b"]
    assert flatten_math("\\alpha_t \\cdot h_{t-1}").split() == ["α", "_t", "·", "h_", "t-1"]


def test_fold_is_case_and_width_insensitive():
    assert fold("Ｓｏｆｔｍａｘ ATTENTION") == "softmax attention"


def test_snippet_marks_point_at_the_matches():
    text = plain_text(NOTE)
    snip = make_snippet(text, [("어텐션",), ("softmax",)])
    marked = [snip.text[a:b] for a, b in snip.marks]
    assert "어텐션" in marked and "Softmax" in marked  # the original case is kept
    assert "".join(p for p, _ in snip.parts()) == snip.text


def test_a_long_text_is_cut_around_the_words_found():
    text = "가" * 400 + " 트랜스포머 " + "나" * 400
    snip = make_snippet(text, [("트랜스포머",)])
    assert snip.text.startswith("…") and snip.text.endswith("…") and len(snip.text) < 200
    ((a, b),) = snip.marks
    assert snip.text[a:b] == "트랜스포머"


def test_korean_particles_and_endings_give_stems():
    assert stems("어텐션을") == ["어텐션"]
    assert stems("정규화하는")[0] == "정규화"
    assert stems("임베딩에서")[0] == "임베딩"
    assert stems("주의") == [] and stems("결과") == []  # two syllables are never cut
    assert stems("attention") == []


def test_a_word_with_a_particle_keeps_its_stem_and_synonyms():
    [g] = groups_of("어텐션을")
    weights = dict(g.spellings)
    assert weights["어텐션을"] == TYPED and weights["어텐션"] == STEM
    assert weights["attention"] == SYNONYM and weights["주의"] == SYNONYM


def test_glossary_phrases_join_korean_and_english():
    for query in ("포지셔널", "위치 인코딩", "Positional Encoding", "위치 인코딩을"):
        [g] = groups_of(query)
        assert {"positional encoding", "위치 인코딩", "포지셔널"} <= set(g.texts), query
    assert {"rnn", "순환 신경망"} <= set(synonyms("RNN"))
    assert {"gradient", "기울기", "그래디언트"} <= set(synonyms("기울기"))
    assert {"transformer", "트랜스포머"} <= set(synonyms("Transformer"))
    assert all(len(s) >= 2 for entry in GLOSSARY for s in entry)


def test_words_quotes_and_limits():
    assert [g.typed for g in groups_of('softmax "self attention" 순서')] == [
        "softmax",
        "self attention",
        "순서",
    ]
    assert groups_of('"self attention"')[0].texts == ("self attention",)  # quoted: as typed only
    assert len(groups_of(" ".join(f"w{i}" for i in range(20)))) == 8
    assert groups_of("  ,  ") == []
