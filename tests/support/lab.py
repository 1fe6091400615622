"""Helpers for the Model Lab page tests: the screen, a tiny config, stored runs, chart probes."""

from __future__ import annotations

import itertools
import json

from core.lab import runs as lab_runs
from core.lab.config import replace
from core.lab.presets import tab_default

LAB = "views/lab.py"
TINY_RNN = replace(tab_default("rnn"), steps=20, seq_len=5, eval_every=10, probe_every=10)

_SEEDS = itertools.count(100_001)


def fresh_seed() -> int:
    """A seed no earlier call in this process returned: a config with it has no stored run to replay."""
    return next(_SEEDS)


def store(db, record, by=None) -> int:
    """Store a RunRecord; returns the run id."""
    with db.write() as s:
        return lab_runs.store_run(session=s, by=by, record=record).id


def specs(at) -> list[dict]:
    """Every Vega-Lite spec the AppTest run drew."""
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def heatmaps(at) -> int:
    """Attention heatmaps drawn: rect marks with a 'weight' colour field and token axes."""

    def walk(spec):
        yield spec
        for k in ("layer", "hconcat", "vconcat", "concat"):
            for sub in spec.get(k, []):
                yield from walk(sub)

    return sum(
        1
        for spec in specs(at)
        for s in walk(spec)
        if s.get("encoding", {}).get("color", {}).get("field") == "weight"
        and s.get("encoding", {}).get("x", {}).get("field") == "key"
    )


def has_heatmap(at) -> bool:
    """At least one attention heatmap was drawn."""
    return heatmaps(at) > 0


def has_loss_chart(at) -> bool:
    """A chart titled with "loss" was drawn."""
    return any("loss" in json.dumps(s.get("title", "")).lower() for s in specs(at))
