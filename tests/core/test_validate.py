"""Shared validation: every problem of a form at once (Problems -> FieldError / InvalidFields),
fields named by their labels, and JSON errors in the reader's language with line and column."""

from __future__ import annotations

import json

import pytest

from core.errors import FieldError, InvalidFields, InvalidInput
from core.validate import JsonError, Problems, load_json, text, url


def test_problems_lists_every_invalid_field_not_only_the_first():
    found = Problems()
    assert found.check(text, "  ", "rev.paper.title", max_len=10) is None
    assert found.check(text, "x" * 11, "rev.paper.venue", max_len=10) is None
    assert found.check(url, "ftp://x", "rev.paper.url") is None
    assert found.check(text, " ok ", "rev.paper.authors", max_len=10) == "ok"
    with pytest.raises(InvalidFields) as err:
        found.raise_if_any()
    assert [p.field for p in err.value.problems] == ["rev.paper.title", "rev.paper.venue", "rev.paper.url"]
    ko, en = err.value.lines("ko"), err.value.lines("en")
    assert ko == ["제목 — 필수 항목입니다.", "학회/저널 — 10자 이하로 입력해 주세요.", ko[2]]
    assert ko[2].startswith("URL — http://")
    assert en[:2] == ["Title — This field is required.", "Venue — Use at most 10 characters."]
    assert "3" in err.value.message("ko") and "Title" in err.value.message("en")


def test_one_problem_is_raised_as_itself_and_none_raises_nothing():
    found = Problems()
    found.raise_if_any()
    found.add("rev.paper.year", "rev.error.year")
    with pytest.raises(FieldError) as err:
        found.raise_if_any()
    assert err.value.field == "rev.paper.year"
    assert err.value.message("en") == "Please check your input: Year — Enter a year between 1900 and 2100."
    assert err.value.lines("ko") == ["연도 — 1900~2100 사이의 연도를 입력해 주세요."]


def test_an_error_about_the_whole_input_is_not_swallowed_into_the_list():
    found = Problems()

    def too_big():
        raise InvalidInput("common.error.upload_too_large", max_kb=1)

    with pytest.raises(InvalidInput) as err:
        found.check(too_big)
    assert err.value.key == "common.error.upload_too_large" and not found


def test_a_label_from_data_and_a_reason_that_is_a_sentence():
    own = FieldError({"ko": "요약", "en": "Summary"}, "common.error.required")
    assert (
        own.line("ko") == "요약 — 필수 항목입니다." and own.line("en") == "Summary — This field is required."
    )
    sentence = FieldError("lab.page.steps", "validation.min", limit=1)
    assert sentence.line("ko") == "학습 스텝 값은 1 이상이어야 합니다."
    assert sentence.message("en") == "Training steps must be at least 1."
    ref = FieldError(
        "lab.page.warmup", "validation.lab.warmup", refs={"steps_label": "lab.page.steps"}, warmup=9, steps=5
    )
    assert ref.message("en") == "Warm-up steps (9) cannot exceed Training steps (5)."
    assert "학습 스텝(5)" in ref.message("ko")


BROKEN_JSON = [
    ('{"a": 1 "b": 2}', 1, 9, "쉼표(,)가 빠졌습니다.", "A comma (,) is missing."),
    ('{"a" 1}', 1, 6, "콜론(:)이", "A colon (:) is missing."),
    ("{'a': 1}", 1, 2, "큰따옴표", "Property names need double quotes"),
    ('{"a": }', 1, 7, "값이 있어야", "A value is expected here."),
    ('{"a": "b', 1, 7, "닫히지 않은 문자열", "A string is not closed."),
    ('{"a": 1}\n{"b": 2}', 2, 1, "더 있습니다", "more text after"),
    ('{"a": "\\q"}', 1, 8, "이스케이프", "Invalid backslash"),
    ('{"a": [1, 2,]}', 1, 13, "", ""),
]


@pytest.mark.parametrize(("doc", "line", "col", "ko", "en"), BROKEN_JSON)
def test_json_errors_say_where_and_why_in_the_readers_language(doc, line, col, ko, en):
    with pytest.raises(json.JSONDecodeError) as raw:
        json.loads(doc)
    with pytest.raises(JsonError) as err:
        load_json(doc)
    assert err.value.params == {"line": line, "column": col}
    msg_ko, msg_en = err.value.message("ko"), err.value.message("en")
    assert f"{line}번째 줄 {col}번째 칸" in msg_ko and ko in msg_ko
    assert f"line {line}, column {col}" in msg_en and en in msg_en
    # never the parser's own English
    assert raw.value.msg not in msg_ko and raw.value.msg not in msg_en
    assert "Expecting" not in msg_en and "delimiter" not in msg_en


@pytest.mark.parametrize(
    ("text", "words"),
    [("[" * 100_000 + "]" * 100_000, "nested too deep"), ("[" + "9" * 5000 + "]", "too many digits")],
)
def test_json_nested_thousands_deep_or_with_a_huge_number_is_a_clear_message(text, words):
    with pytest.raises(InvalidInput) as caught:
        load_json(text)
    assert words in caught.value.message("en") and caught.value.message("ko") != caught.value.key
