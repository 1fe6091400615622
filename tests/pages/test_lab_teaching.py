"""Lab teaching details on screen (AppTest): the preset picker, plain labels in Compare, and the
notes of "try your own input" (empty, full-width, too long, much shorter), in Korean and English."""

from __future__ import annotations

import pytest

from tests.support.lab import LAB, TINY_RNN, store

TRY, GO = "lab_rnn_try", "FormSubmitter:lab_rnn_try_form-{}"
GO_LABEL = {"ko": "예측", "en": "Predict"}


@pytest.fixture(scope="module")
def tiny_record():
    """One real tiny training (reverse, 5 symbols), recorded once for the module."""
    from core.lab.snapshots import record_of_events
    from core.lab.train import train

    return record_of_events(TINY_RNN, train(TINY_RNN))


def _try(at, text: str, lang: str):
    at.text_input(key=TRY).input(text)
    at.button(key=GO.format(GO_LABEL[lang])).click().run()
    assert not at.exception
    return at


def _answered(at) -> bool:
    return any(m.value.startswith(("The model answers:", "모델의 답:")) for m in at.markdown)


@pytest.mark.parametrize(
    ("lang", "asks", "longer", "shorter", "read_as"),
    [
        (
            "en",
            "Type some tokens to try",
            "Your input has 8 tokens, longer than the 5",
            "much shorter",
            "Read as: 1 2 3 4 5",
        ),
        (
            "ko",
            "입력할 토큰을 적어 주세요",
            "입력이 토큰 8개로, 학습 때 본 길이(5개)보다 깁니다",
            "훨씬 짧습니다",
            "이렇게 읽었습니다: 1 2 3 4 5",
        ),
    ],
)
def test_try_input_notes_in_the_viewers_language(
    run_page, db, tiny_record, lang, asks, longer, shorter, read_as
):
    rid = store(db, tiny_record)
    at = run_page(LAB, lang=lang, query={"run": str(rid)})
    # empty: asks for text instead of answering the greyed example
    _try(at, "", lang)
    assert any(asks in i.value for i in at.info) and not _answered(at)
    # full-width digits typed with a Korean IME are read as ASCII, and the page says so
    _try(at, "１ ２ ３ ４ ５", lang)
    assert _answered(at) and not at.error and not at.warning
    assert read_as in [c.value for c in at.caption]
    # longer than trained: a note, and still an answer (nothing refused, nothing lost)
    _try(at, "1 2 3 4 5 6 7 8", lang)
    assert _answered(at) and any(longer in w.value for w in at.warning)
    assert at.text_input(key=TRY).value == "1 2 3 4 5 6 7 8"
    # much shorter than trained
    _try(at, "1 2", lang)
    assert _answered(at) and any(shorter in w.value for w in at.warning)
