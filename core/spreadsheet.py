"""Cells of a CSV that a spreadsheet opens: text that starts like a formula is kept as text.

Excel, LibreOffice and Google Sheets run a cell beginning with `=`, `+`, `-`, `@`, a tab or a
carriage return as a formula (`=HYPERLINK(...)` phones home; DDE runs commands). OWASP's advice:
prefix such text with a single quote, which the spreadsheet shows as plain text. Numbers stay numbers.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """`value`, with a leading quote when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of `df` whose text cells (column names included) are safe to open in a spreadsheet."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(safe_cell)
    out.columns = [safe_cell(c) for c in out.columns]
    return out
