"""Study terms that mean the same thing in Korean and English: a query for one finds the others.

Each entry is one concept: every spelling a member may type or write (Korean, English,
transliteration, abbreviation). Matching is substring matching on folded text, so "attention"
also finds "self-attention" and "어텐션" finds "어텐션을"; keep spellings at least two characters
long and avoid ones that occur inside unrelated words.
"""

from __future__ import annotations

from functools import cache

from core.search.text import fold

GLOSSARY: tuple[tuple[str, ...], ...] = (
    ("positional encoding", "포지셔널 인코딩", "포지셔널", "위치 인코딩", "위치인코딩"),
    ("attention", "어텐션", "주의 메커니즘", "주의"),
    ("self-attention", "셀프 어텐션", "셀프어텐션", "자기 주의"),
    ("multi-head attention", "멀티헤드 어텐션", "멀티 헤드 어텐션", "다중 헤드 어텐션"),
    ("transformer", "트랜스포머"),
    ("rnn", "recurrent neural network", "순환 신경망", "순환신경망"),
    ("lstm", "long short-term memory", "장단기 메모리"),
    ("gru", "gated recurrent unit", "게이트 순환 유닛"),
    ("gradient", "기울기", "그래디언트", "경사"),
    ("gradient descent", "경사 하강법", "경사하강법"),
    ("vanishing gradient", "기울기 소실", "그래디언트 소실"),
    ("backpropagation", "역전파", "오차 역전파"),
    ("embedding", "임베딩"),
    ("encoder", "인코더"),
    ("decoder", "디코더"),
    ("softmax", "소프트맥스"),
    ("loss", "손실"),
    ("hidden state", "은닉 상태", "히든 스테이트"),
    ("layer normalization", "layer norm", "레이어 정규화", "층 정규화"),
    ("dropout", "드롭아웃"),
    ("learning rate", "학습률"),
    ("overfitting", "과적합"),
    ("sequence", "시퀀스"),
    ("token", "토큰"),
    ("query", "쿼리"),
    ("weight", "가중치"),
    ("activation", "활성화"),
    ("neural network", "신경망"),
    ("convolution", "cnn", "합성곱"),
    ("seq2seq", "sequence to sequence", "시퀀스 투 시퀀스"),
    ("teacher forcing", "티처 포싱", "교사 강요"),
    ("beam search", "빔 서치", "빔 탐색"),
)


@cache
def _index() -> dict[str, tuple[str, ...]]:
    by_spelling: dict[str, tuple[str, ...]] = {}
    for entry in GLOSSARY:
        spellings = tuple(dict.fromkeys(fold(s) for s in entry))
        for s in spellings:
            # a spelling in two concepts ("attention" in self-attention's words) keeps its own
            by_spelling.setdefault(s, spellings)
    return by_spelling


def synonyms(term: str) -> tuple[str, ...]:
    """Every spelling of the concept `term` names (folded), `term` itself first; () if none."""
    key = fold(term).strip()
    found = _index().get(key)
    if not found:
        return ()
    return (key, *(s for s in found if s != key))


def phrases() -> list[tuple[str, ...]]:
    """Every glossary spelling as its words (folded), longest first: what a query is scanned for."""
    words = {tuple(s.split()) for s in _index()}
    return sorted(words, key=lambda w: (-len(w), w))
