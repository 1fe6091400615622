"""What the page draws, from a live job or a stored run alike: curves, probe attention snapshots,
metrics, status. Probe maps are kept as stored (JSON lists) or as DecodeResults and converted
only for the step the slider shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.lab.config import TrainConfig, from_dict

ACTIVE = ("queued", "running")
DIGITS = 3  # stored attention weights: 3 decimals is finer than a colour scale shows


@dataclass(frozen=True)
class Probe:
    """One probe snapshot: source tokens, the model's output tokens then, named maps (H, Tq, Tk)."""

    step: int
    src: list[str]
    out: list[str]
    attention: dict[str, np.ndarray]


@dataclass
class RunView:
    """A run as the page shows it; `job_id` for a live job, `run_id` once stored."""

    status: str
    config: TrainConfig
    step: int
    curves: dict[str, list]
    probe_steps: list[int]
    probe_at: Callable[[int], Probe | None]
    metrics: dict[str, Any] = field(default_factory=dict)
    n_params: int | None = None
    device: str = ""
    steps_per_s: float | None = None
    eta_s: float | None = None
    queue_pos: int | None = None
    error: str | None = None
    model: Any = None  # the trained nn.Module, when this process still holds it
    checkpoint: bytes | None = None  # a job's checkpoint bytes from its worker (the stored run's)
    job_id: str | None = None
    run_id: int | None = None
    version: int = 0  # changes whenever there is something new to draw
    owner: Any = None  # a live job's Participant (core.lab.jobs.policy): who may stop it
    error_key: str | None = None  # the failure (or a stop's note) translated: key and parameters
    error_params: dict[str, Any] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        """Queued or training."""
        return self.status in ACTIVE


def decode_probe(step: int, result: Any, task: Any) -> Probe:
    """A probe DecodeResult (tokens (1, T), maps (1, H, Tq, Tk)) as token strings and arrays."""
    src_ids, _ = task.probe()
    src = task.src_tokens(src_ids[0])
    out = [task.tgt_vocab[i] for i in result.tokens[0].tolist()]
    att = {name: w[0].detach().float().numpy() for name, w in result.attention.items()}  # (H, Tq, Tk)
    return Probe(step, src, out, att)


def probe_json(p: Probe) -> dict[str, Any]:
    """A probe snapshot for the database (rounded lists)."""
    return {
        "step": p.step,
        "out": p.out,
        "attention": {k: np.round(v, DIGITS).tolist() for k, v in p.attention.items()},
    }


def stored_probe(src: list[str], snap: dict[str, Any]) -> Probe:
    """A stored probe snapshot back as arrays."""
    return Probe(
        int(snap["step"]),
        list(src),
        list(snap.get("out", [])),
        {k: np.asarray(v, dtype=float) for k, v in snap.get("attention", {}).items()},
    )


def from_stored(run: Any) -> RunView:
    """A RunView of a stored LabRun row."""
    probes = run.probes or {}
    src = probes.get("src", [])
    snaps = {int(s["step"]): s for s in probes.get("snapshots", [])}
    return RunView(
        status=run.status,
        config=from_dict(run.config),
        step=run.steps_done,
        curves=run.curves or {},
        probe_steps=sorted(snaps),
        probe_at=lambda s: stored_probe(src, snaps[s]) if s in snaps else None,
        metrics=run.metrics or {},
        n_params=run.n_params,
        device=run.device,
        steps_per_s=(run.metrics or {}).get("steps_per_s"),
        run_id=run.id,
        version=run.version,
    )
