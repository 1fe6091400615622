"""The Lab's URL: a tab's configuration <-> query parameters, so a link restores it (guests too).

Only fields that differ from the tab's defaults are written, which keeps shared links short
(`?tab=transformer&n_heads=4`). Pure functions: the page reads and writes `st.query_params`.
`decode` checks only that each value can be read; the config goes into the tab's widgets, and the
page validates what they hold (one check for a typed value and a link's value alike).
"""

from __future__ import annotations

import dataclasses
import math
import re
from typing import Any

from core.lab.config import ATTENTIONS, NORMS, POS_ENCODINGS, TASK_NAMES, TrainConfig
from core.lab.presets import MODEL_TABS, TABS, tab_default
from core.validate import url_id

# Query names: the dataclass field names (model fields unprefixed: the two sets do not overlap).
TRAIN_FIELDS = (
    "task",
    "seq_len",
    "vocab_size",
    "steps",
    "batch_size",
    "lr",
    "warmup",
    "seed",
    "eval_every",
    "probe_every",
)
MODEL_FIELDS = (
    "d_model",
    "n_layers",
    "n_heads",
    "d_ff",
    "emb_dim",
    "hidden",
    "attention",
    "dropout",
    "norm",
    "pos_encoding",
)
FLOAT_FIELDS = ("lr", "dropout")
MAX_NUMBER_CHARS = 24  # longer than any value a Lab field allows, written out
CHOICES = {"task": TASK_NAMES, "attention": ATTENTIONS, "norm": NORMS, "pos_encoding": POS_ENCODINGS}
JOB_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _fmt(v: Any) -> str:
    return repr(v) if isinstance(v, float) else str(v)


def encode(tab: str, cfg: TrainConfig) -> dict[str, str]:
    """Query parameters for `tab` showing `cfg` (fields equal to the tab default are left out)."""
    out = {"tab": tab}
    if tab not in MODEL_TABS:
        return out
    base = tab_default(tab)
    for name in TRAIN_FIELDS:
        v = getattr(cfg, name)
        if v != getattr(base, name):
            out[name] = _fmt(v)
    for name in MODEL_FIELDS:
        v = getattr(cfg.model, name)
        if v != getattr(base.model, name):
            out[name] = _fmt(v)
    return out


def _parse(name: str, raw: str) -> Any:
    if name in CHOICES:
        if raw not in CHOICES[name]:
            raise ValueError(raw)
        return raw
    if len(raw) > MAX_NUMBER_CHARS:  # int("9" * 309) is fine, but no float holds it (OverflowError)
        raise ValueError(raw)
    value = float(raw) if name in FLOAT_FIELDS else int(raw)
    if (
        not math.isfinite(value) or value < 0
    ):  # the widgets cannot hold a negative number; no field accepts one
        raise ValueError(raw)
    return value


def decode(params: dict[str, str]) -> tuple[str | None, TrainConfig | None, list[str]]:
    """(tab, config for that tab, names of parameters that could not be read).

    A malformed value (`steps=abc`) keeps the tab default for that field and is reported; values
    out of range are kept, so the page shows the engine's message naming the limit.
    """
    tab = params.get("tab")
    if tab not in TABS:
        tab = None
    if tab is None or tab not in MODEL_TABS:
        return tab, None, []
    base = tab_default(tab)
    bad: list[str] = []
    train: dict[str, Any] = {}
    model: dict[str, Any] = {}
    for names, target in ((TRAIN_FIELDS, train), (MODEL_FIELDS, model)):
        for name in names:
            if name in params:
                try:
                    target[name] = _parse(name, params[name])
                except ValueError:
                    bad.append(name)
    cfg = dataclasses.replace(base, **train, model=dataclasses.replace(base.model, **model))
    return tab, cfg, bad


def job_id(params: dict[str, str]) -> str | None:
    """The `?job=` id if well-formed."""
    raw = params.get("job")
    return raw if raw and JOB_ID.match(raw) else None


def run_id(params: dict[str, str]) -> int | None:
    """The `?run=` id if it is a positive number."""
    return url_id(params.get("run"))
