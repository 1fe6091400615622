"""Links into the Model Lab from other pages (curriculum weeks, reviews).

The Lab page is `views/lab.py` (url path "lab"); it reads `?preset=<name>` to open a preset,
`?run=<id>` to show a stored run, and its own tab configuration from the query string.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui.shell.i18n import t

LAB_PAGE = "views/lab.py"
ROOT = Path(__file__).resolve().parents[2]

# Presets the Lab offers (keys for ?preset=); the Lab page defines what each one configures.
LAB_PRESETS = (
    "rnn_basics",            # plain RNN learns to copy short sequences
    "long_term_dependency",  # recall task: plain RNN fails, LSTM / GRU remember
    "seq2seq_attention",     # seq2seq without vs with attention on reverse
    "transformer_reverse",   # Transformer on reverse, attention heads
    "positional_encoding",   # Transformer tab with the positional encoding chart
    "translate_en_ko",       # English -> Korean toy translation, cross-attention re-ordering
)


def lab_link(label: str, *, preset: str | None = None, run: int | str | None = None,
             where=st) -> None:
    """A page link into the Lab with ?preset= or ?run=; a caption if the Lab is not registered."""
    params = {k: str(v) for k, v in (("preset", preset), ("run", run)) if v is not None}
    try:
        where.page_link(str(ROOT / LAB_PAGE), label=label, icon=":material/science:", query_params=params)
    except Exception:  # noqa: BLE001  page not registered for this role / not present yet
        where.caption(f"{label} — {t('links.lab_unavailable')}")
