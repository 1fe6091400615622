"""Which held-out accuracy a Lab run is judged by, for every screen that shows one number.

Token accuracy counts the end token too. A recall answer is one token plus <eos>, and <eos> is
always right after a few steps, so a plain RNN guessing at chance (1/10) scores ~55% token
accuracy. For such tasks the headline is whole-answer (sequence) accuracy, where chance is chance.
No torch, no Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

WHOLE_ANSWER_TASKS = frozenset({"recall"})  # one-token answers: <eos> would inflate token accuracy


def headline_metric(task: str) -> str:
    """ "val_seq_acc" for tasks judged by the whole answer, else "val_token_acc"."""
    return "val_seq_acc" if task in WHOLE_ANSWER_TASKS else "val_token_acc"


def headline_accuracy(task: str, metrics: Mapping[str, Any] | None) -> float | None:
    """The run's headline held-out accuracy (None when it has none yet)."""
    value = (metrics or {}).get(headline_metric(task))
    return float(value) if isinstance(value, (int, float)) else None
