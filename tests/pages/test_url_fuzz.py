"""Hostile URL parameters never crash a page: a guest's link with a 310-digit id, a 5,000-digit
number, a superscript or Arabic-Indic digit, NaN or a NUL byte gets the page (with a notice where
the page gives one), never a traceback."""

from __future__ import annotations

import pytest

from core.validate import url_id
from tests.support.factories import make_leader
from ui.lab.query import MODEL_FIELDS, TRAIN_FIELDS

HOSTILE = ["9" * 310, "9" * 5000, "²", "٣", "-1", "0", "1e400", "nan", "inf", "\x00", "%", "a" * 3000, ""]


@pytest.mark.parametrize("raw", HOSTILE)
def test_url_ids_are_plain_digits_within_a_database_integer(raw):
    assert url_id(raw) is None
    assert url_id("12") == 12 and url_id(str(2**31 - 1)) == 2**31 - 1


PAGES_WITH_IDS = [
    ("views/reviews.py", "review"),
    ("views/reviews.py", "paper"),
    ("views/review_write.py", "paper"),
    ("views/curriculum.py", "week"),
]
# the values that crashed before (the quick loop); every hostile value runs with the slow tests
WORST = ["9" * 310, "9" * 5000, "²"]
VALUES = [pytest.param(WORST, id="worst"), pytest.param(HOSTILE, id="all", marks=pytest.mark.slow)]


@pytest.mark.parametrize("values", VALUES)
@pytest.mark.parametrize(("page", "param"), PAGES_WITH_IDS)
def test_pages_with_an_id_in_the_url_survive_hostile_values(run_page, db, page, param, values):
    leader = make_leader(db)
    for raw in values:
        at = run_page(page, actor=leader, query={param: raw})
        assert not at.exception, (param, raw[:20], at.exception)


@pytest.mark.parametrize(
    "tab",
    ["transformer", pytest.param("rnn", marks=pytest.mark.slow), pytest.param(None, marks=pytest.mark.slow)],
)
@pytest.mark.parametrize("values", VALUES)
def test_a_lab_link_with_hostile_values_in_every_parameter_draws_the_page(run_page, values, tab):
    names = ("run", "runs", "job", "preset", *TRAIN_FIELDS, *MODEL_FIELDS)
    for raw in values:
        query = {name: raw for name in names}
        query["tab"] = raw if tab is None else tab  # a valid tab makes the page read every field
        at = run_page("views/lab.py", query=query)
        assert not at.exception, (raw[:20], tab, at.exception)
