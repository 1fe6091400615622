"""A seminar room's runs as the room view shows them, and its leaderboard: a run row (`RoomRun`,
built by `rooms.room_runs`), each participant's latest run (the chart's lines), which held-out
accuracy the room is judged by, how runs rank (reached the challenge's target in the fewest steps
first, then accuracy) and what each run changed from the challenge's preset. Pure: no database,
no Streamlit, no torch.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from core.lab.config import to_dict
from core.lab.metrics import headline_metric
from db.models.rooms import CHALLENGE_METRICS

if TYPE_CHECKING:
    from core.lab.rooms import Challenge

ACTIVE = ("queued", "running")


@dataclass(frozen=True)
class RoomRun:
    """One run of a room as the room view shows it: live from the job queue or stored."""

    id: int
    nickname: str
    participant_key: str
    job_id: str
    run_id: int | None
    config: dict[str, Any]
    status: str  # queued | running | finished | stopped | diverged | failed | lost
    step: int
    seconds: float | None
    curves: dict[str, list] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        """Still queued or training."""
        return self.status in ACTIVE


def latest_per_participant(runs: Iterable[RoomRun]) -> list[RoomRun]:
    """Each participant's newest run (the room chart draws one line per participant), in join order of runs."""
    latest: dict[str, RoomRun] = {}
    for run in runs:
        latest.pop(run.participant_key, None)
        latest[run.participant_key] = run
    return sorted(latest.values(), key=lambda r: r.id)


# --- the leaderboard ------------------------------------------------------------------------------


def _flat(cfg: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in cfg.items() if k != "model"}
    out.update({f"model.{k}": v for k, v in (cfg.get("model") or {}).items()})
    return out


def config_diff(base: Mapping[str, Any] | None, cfg: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    """(field, preset's value, run's value) for every field where `cfg` differs from `base` (a
    `to_dict` config; "model.<name>" for the model's fields; `device` never counts)."""
    if not base:
        return []
    a, b = _flat(base), _flat(cfg)
    return [
        (k, a.get(k), b.get(k)) for k in sorted(set(a) | set(b)) if k != "device" and a.get(k) != b.get(k)
    ]


@dataclass(frozen=True)
class BoardRow:
    """One leaderboard line: the run, its held-out accuracy now, the step it reached the target at."""

    rank: int
    run: RoomRun
    accuracy: float | None
    reached_at: int | None
    diff: list[tuple[str, Any, Any]]


def _metric(curves: Mapping[str, list], metric: str) -> tuple[list, list]:
    steps, vals = list(curves.get("eval_step") or []), list(curves.get(metric) or [])
    pairs = [
        (s, v)
        for s, v in zip(steps, vals, strict=False)
        if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
    ]
    return [s for s, _ in pairs], [v for _, v in pairs]


def board_metric(runs: Iterable[RoomRun], challenge: Challenge | None) -> str:
    """The held-out accuracy the room is judged by: the challenge's, else the one the runs' most
    common task is judged by (whole answers for recall, where token accuracy counts the <eos>)."""
    if challenge is not None:
        return challenge.metric
    tasks = Counter(str(r.config.get("task", "")) for r in runs)
    return headline_metric(tasks.most_common(1)[0][0]) if tasks else CHALLENGE_METRICS[0]


def leaderboard(runs: Iterable[RoomRun], challenge: Challenge | None) -> list[BoardRow]:
    """Rank the room's runs: those that reached the challenge's target first, fewest steps to it
    (then less time); then the rest by held-out accuracy, highest first (then fewer steps); runs
    without an evaluation yet last. Without a challenge: accuracy (board_metric), then steps."""
    runs = list(runs)
    metric = board_metric(runs, challenge)
    target = challenge.target if challenge else None
    base = to_dict(challenge.config) if challenge else None
    rows = []
    for run in runs:
        steps, vals = _metric(run.curves, metric)
        acc = vals[-1] if vals else None
        reached = next((s for s, v in zip(steps, vals, strict=True) if v >= target), None) if target else None
        rows.append((run, acc, reached, config_diff(base, run.config)))

    def order(item):
        run, acc, reached, _ = item
        secs = run.seconds if run.seconds is not None else math.inf
        if reached is not None:
            return (0, reached, secs, run.id)
        if acc is not None:
            return (1, -acc, run.step, run.id)
        return (2, 0, 0, run.id)

    ranked = sorted(rows, key=order)
    return [
        BoardRow(i, run, acc, reached, diff) for i, (run, acc, reached, diff) in enumerate(ranked, start=1)
    ]
