"""A query, read: its words (or "quoted phrases"), each widened to the spellings that should match.

Every group must match (all words of a query); within a group any spelling does. A Korean word
typed with its particle or ending also matches its stem ("어텐션을" finds "어텐션", "정규화하는"
finds "정규화"), which is what a trigram index alone cannot do: the index finds substrings, and
"어텐션을" is not a substring of "어텐션". Glossary spellings join a group ("attention" finds
"어텐션" and "주의"). Each spelling carries a weight for ranking: as typed 1.0, its stem 0.9, a
glossary synonym 0.7.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.search.glossary import phrases, synonyms
from core.search.text import fold

MAX_TERMS = 8
TYPED, STEM, SYNONYM = 1.0, 0.9, 0.7

# Particles (조사) and common endings, longest first; a stem keeps at least two syllables, so a
# two-syllable word ("주의", "결과", "속도") is never cut.
_ENDINGS = sorted(
    {
        "으로부터", "에서부터", "이라고", "에서는", "에게서", "으로는", "으로서", "으로써", "에서도",
        "까지는", "부터는", "이랑", "에서", "에게", "한테", "으로", "부터", "까지", "보다", "처럼",
        "마다", "이나", "라고", "이라", "이며", "이고", "하고", "와는", "과는", "에는", "에도",
        "은", "는", "이", "가", "을", "를", "의", "에", "와", "과", "도", "만", "로", "랑", "나",
        "하는", "하다", "한다", "합니다", "하기", "하면", "하여", "해서", "했다", "했던", "할", "한",
        "되는", "되다", "된다", "됩니다", "되어", "된", "될", "적인", "적으로",
    },
    key=lambda e: (-len(e), e),
)  # fmt: skip
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_EDGE = "\"'“”‘’「」『』()[]{}<>.,;:!?·…"
_QUOTED = re.compile(r'"([^"]+)"|“([^”]+)”')


@dataclass(frozen=True)
class Group:
    """One word (or phrase) of the query: the spellings that satisfy it, each with its weight."""

    typed: str
    spellings: tuple[tuple[str, float], ...]

    @property
    def texts(self) -> tuple[str, ...]:
        """The spellings alone."""
        return tuple(s for s, _ in self.spellings)


def stems(word: str) -> list[str]:
    """`word` without a Korean particle or ending, when what is left has two syllables or more."""
    if not word or not _HANGUL.fullmatch(word[-1]):
        return []
    return [word[: -len(e)] for e in _ENDINGS if word.endswith(e) and len(word) - len(e) >= 2][:2]


def _words(query: str) -> list[tuple[str, bool]]:
    """(folded word, quoted?) in order; a quoted phrase stays whole."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in _QUOTED.finditer(query):
        out += [(w, False) for w in query[pos : m.start()].split()]
        out.append(((m.group(1) or m.group(2)).strip(), True))
        pos = m.end()
    out += [(w, False) for w in query[pos:].split()]
    cleaned = [(fold(w if quoted else w.strip(_EDGE)), quoted) for w, quoted in out]
    return [(w, q) for w, q in cleaned if w]


def _add(spellings: dict[str, float], text: str, weight: float) -> None:
    if text and spellings.get(text, 0.0) < weight:
        spellings[text] = weight


def _word_group(word: str) -> Group:
    spellings: dict[str, float] = {}
    _add(spellings, word, TYPED)
    for stem in stems(word):
        _add(spellings, stem, STEM)
    for base in (word, *stems(word)):
        for syn in synonyms(base)[1:]:
            _add(spellings, syn, SYNONYM)
    return Group(word, tuple(spellings.items()))


def _phrase_at(words: list[str], i: int) -> tuple[str, ...] | None:
    """The longest glossary phrase of two words or more starting at words[i] (stems allowed)."""
    for phrase in phrases():
        n = len(phrase)
        if n < 2 or i + n > len(words):
            continue
        if all(w == p or p in stems(w) for w, p in zip(words[i : i + n], phrase, strict=True)):
            return phrase
    return None


def groups_of(query: str) -> list[Group]:
    """The query's groups (at most MAX_TERMS), glossary phrases first matched as wholes."""
    parsed = _words(query or "")
    out: list[Group] = []
    i = 0
    while i < len(parsed) and len(out) < MAX_TERMS:
        word, quoted = parsed[i]
        if quoted:
            out.append(Group(word, ((word, TYPED),)))
            i += 1
            continue
        run = []
        for w, q in parsed[i:]:
            if q:
                break
            run.append(w)
        phrase = _phrase_at(run, 0)
        if phrase is None:
            out.append(_word_group(word))
            i += 1
            continue
        typed = " ".join(run[: len(phrase)])
        spellings: dict[str, float] = {}
        _add(spellings, typed, TYPED)
        _add(spellings, " ".join(phrase), STEM)
        for syn in synonyms(" ".join(phrase))[1:]:
            _add(spellings, syn, SYNONYM)
        out.append(Group(typed, tuple(spellings.items())))
        i += len(phrase)
    return out
