"""Answers arrive from the browser's autosave as JSON a client can forge: cleaning coerces any
value to its field's type and never raises (a crafted draft save must not crash the server)."""

from __future__ import annotations

import random

import pytest

from core.reviews.answers import clean_value
from core.reviews.template_schema import FieldSpec

CHOICES = [{"value": v, "label_ko": v, "label_en": v} for v in ("a", "b")]
FIELDS = {
    kind: FieldSpec(
        key=f"f_{kind}",
        type=kind,
        label_ko="필드",
        label_en="field",
        choices=CHOICES if "select" in kind else [],
    )
    for kind in (
        "short_text",
        "long_text",
        "url",
        "rating",
        "single_select",
        "multi_select",
        "checkbox",
        "tags",
    )
}
FORGED = [
    ["a"],
    {"a": 1},
    [["a"]],
    [{"x": 1}],
    float("inf"),
    float("nan"),
    10**400,
    True,
    None,
    "",
    "a",
    3,
    2.5,
]


@pytest.mark.parametrize("kind", list(FIELDS))
@pytest.mark.parametrize("value", FORGED, ids=repr)
def test_a_forged_answer_is_coerced_not_raised(kind, value):
    clean_value(FIELDS[kind], value)


def test_forged_select_and_rating_values_read_as_no_answer():
    assert clean_value(FIELDS["single_select"], ["a"]) is None
    assert clean_value(FIELDS["single_select"], "a") == "a"
    assert clean_value(FIELDS["multi_select"], [["a"], "b", {"a": 1}]) == ["b"]
    assert clean_value(FIELDS["rating"], float("inf")) is None
    assert clean_value(FIELDS["rating"], True) is None and clean_value(FIELDS["rating"], "4") == 4


def test_random_nested_values_never_raise():
    rng = random.Random(12)

    def value(depth: int = 0):
        pick = rng.randrange(7 if depth < 4 else 4)
        return [
            lambda: rng.choice(["a", "b", "", "x" * 5000]),
            lambda: rng.choice([0, -1, 10**30, 2.5, float("inf")]),
            lambda: rng.choice([True, False, None]),
            lambda: float("nan"),
            lambda: [value(depth + 1) for _ in range(rng.randrange(4))],
            lambda: {str(i): value(depth + 1) for i in range(rng.randrange(3))},
            lambda: [[value(depth + 1)]],
        ][pick]()

    for _ in range(2000):
        for spec in FIELDS.values():
            clean_value(spec, value())
