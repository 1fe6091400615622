"""Stored Model Lab runs: save a finished job, list and filter the history, find a run to replay
instead of training again, delete (owner or leader), and export config / metrics / checkpoint.

Everything stored is bounded: curves are decimated to `MAX_CURVE_POINTS`, probe snapshots (the
attention maps over training time) are thinned to `MAX_PROBE_SNAPSHOTS` and `MAX_PROBE_FLOATS`,
and a checkpoint above `MAX_CHECKPOINT_BYTES` is not kept (the run still is). No torch import at
module level: history and Compare work without paying for it.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts.members import Actor
from core.errors import NotFound, PermissionDenied
from core.validate import check_version
from core.validate import text as check_text
from db.models.lab import RUN_STATUSES, LabRun
from db.models.members import Member

MAX_CURVE_POINTS = 600
MAX_EVAL_POINTS = 200
MAX_PROBE_SNAPSHOTS = 16
MAX_PROBE_FLOATS = 200_000
MAX_CHECKPOINT_BYTES = 4 * 1024 * 1024
MAX_LIST = 500
TITLE_MAX = 200
NOTES_MAX = 5000

STEP_COLUMNS = ("loss", "token_acc", "grad_norm", "lr")
EVAL_COLUMNS = ("val_loss", "val_token_acc", "val_seq_acc")


@dataclass
class RunRecord:
    """What a finished job hands to `store_run` (plain Python values, JSON-able)."""

    config: dict[str, Any]
    status: str
    step: int
    metrics: dict[str, Any]
    curves: dict[str, list]  # step + STEP_COLUMNS, eval_step + EVAL_COLUMNS
    probes: dict[str, Any] = field(default_factory=dict)  # {"src": [...], "snapshots": [...]}
    device: str = ""
    duration_s: float = 0.0
    n_params: int = 0
    checkpoint: bytes | None = None


def _clean(v: Any) -> Any:
    """JSON-safe float: NaN / inf become None (JSON has no NaN; PostgreSQL's JSON refuses it)."""
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    return v


def _pick(n: int, k: int) -> list[int]:
    """k indices spread evenly over range(n), always the first and the last."""
    if n <= k:
        return list(range(n))
    if k <= 1:
        return [n - 1]
    return sorted({round(i * (n - 1) / (k - 1)) for i in range(k)})


def decimate(
    curves: dict[str, list], max_points: int = MAX_CURVE_POINTS, max_evals: int = MAX_EVAL_POINTS
) -> dict[str, list]:
    """Curves thinned to at most `max_points` steps and `max_evals` eval points (ends kept)."""
    out: dict[str, list] = {}
    steps = list(curves.get("step", []))
    keep = _pick(len(steps), max_points)
    for col in ("step", *STEP_COLUMNS):
        vals = list(curves.get(col, []))
        if len(vals) == len(steps) and vals:
            out[col] = [_clean(vals[i]) for i in keep]
    evals = list(curves.get("eval_step", []))
    keep_e = _pick(len(evals), max_evals)
    for col in ("eval_step", *EVAL_COLUMNS):
        vals = list(curves.get(col, []))
        if len(vals) == len(evals) and vals:
            out[col] = [_clean(vals[i]) for i in keep_e]
    return out


def _floats(snapshot: dict[str, Any]) -> int:
    def count(x: Any) -> int:
        return sum(count(y) for y in x) if isinstance(x, list) else 1

    return sum(count(v) for v in snapshot.get("attention", {}).values())


def thin_probes(
    probes: dict[str, Any], max_snapshots: int = MAX_PROBE_SNAPSHOTS, max_floats: int = MAX_PROBE_FLOATS
) -> dict[str, Any]:
    """Keep evenly spaced probe snapshots (first and last always) within a float budget."""
    snaps = list(probes.get("snapshots", []))
    if not snaps:
        return dict(probes)
    per = max(1, _floats(snaps[-1]))
    k = max(1, min(max_snapshots, max_floats // per))
    kept = [snaps[i] for i in _pick(len(snaps), k)]
    if per > max_floats:
        # One snapshot alone is over budget (a big Transformer): keep the last, cross-attention first.
        last = dict(kept[-1])
        att, budget = {}, max_floats
        for name in sorted(last.get("attention", {}), key=lambda n: (not n.startswith("cross"), n)):
            size = _floats({"attention": {name: last["attention"][name]}})
            if size <= budget:
                att[name], budget = last["attention"][name], budget - size
        last["attention"] = att
        kept = [last]
    return {**probes, "snapshots": kept}


def keeps_checkpoint(data: bytes | None) -> bool:
    """Does a stored run keep these checkpoint bytes (not empty, within MAX_CHECKPOINT_BYTES)?"""
    return bool(data) and len(data) <= MAX_CHECKPOINT_BYTES


def store_run(*, session: Session, by: Actor | None, record: RunRecord, title: str = "") -> LabRun:
    """Save a run (guests too: `by` None leaves it without owner); sizes are bounded here."""
    cfg = record.config
    from core.lab.config import config_hash, from_dict  # no torch: config is plain dataclasses

    tcfg = from_dict(cfg)
    ckpt = record.checkpoint if keeps_checkpoint(record.checkpoint) else None
    status = record.status if record.status in RUN_STATUSES else "failed"
    run = LabRun(
        title=check_text(title, "lab.page.title_field", max_len=TITLE_MAX, required=False),
        kind=tcfg.model.kind,
        task=tcfg.task,
        status=status,
        config=json.loads(json.dumps(cfg)),
        config_hash=config_hash(tcfg),
        seed=tcfg.seed,
        steps_done=int(record.step),
        curves=decimate(record.curves),
        metrics={k: _clean(v) for k, v in record.metrics.items()},
        probes=thin_probes(record.probes),
        device=str(record.device)[:80],
        duration_s=float(record.duration_s or 0.0),
        n_params=int(record.n_params or 0),
        created_by_id=by.id if by is not None else None,
        checkpoint=ckpt,
    )
    session.add(run)
    session.flush()
    return run


def list_runs(
    *,
    session: Session,
    kind: str | None = None,
    task: str | None = None,
    status: str | None = None,
    who: int | str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    ids: list[int] | None = None,
    limit: int = MAX_LIST,
) -> list[LabRun]:
    """Runs, newest first. `who`: a member id, "guest" (no owner) or None (everyone)."""
    q = select(LabRun).order_by(LabRun.created_at.desc(), LabRun.id.desc()).limit(min(limit, MAX_LIST))
    if kind:
        q = q.where(LabRun.kind == kind)
    if task:
        q = q.where(LabRun.task == task)
    if status:
        q = q.where(LabRun.status == status)
    if who == "guest":
        q = q.where(LabRun.created_by_id.is_(None))
    elif who is not None:
        q = q.where(LabRun.created_by_id == int(who))
    if since is not None:
        q = q.where(LabRun.created_at >= since)
    if until is not None:
        q = q.where(LabRun.created_at < until)
    if ids is not None:
        q = q.where(LabRun.id.in_(ids))
    return list(session.scalars(q))


def get_run(*, session: Session, run_id: int) -> LabRun:
    """One run by id (NotFound if there is none)."""
    run = session.get(LabRun, run_id)
    if run is None:
        raise NotFound("lab.page.run_not_found", run_id=run_id)
    return run


def find_replay(*, session: Session, config_hash: str, seed: int) -> LabRun | None:
    """The newest finished run with this config and seed (what "instant replay" shows), if any."""
    q = (
        select(LabRun)
        .where(LabRun.config_hash == config_hash, LabRun.seed == seed, LabRun.status == "finished")
        .order_by(LabRun.created_at.desc(), LabRun.id.desc())
        .limit(1)
    )
    return session.scalars(q).first()


def find_stored(*, session: Session, config_hash: str, seed: int) -> LabRun | None:
    """The newest stored run with this config and seed, whatever its outcome (for stale job links)."""
    q = (
        select(LabRun)
        .where(LabRun.config_hash == config_hash, LabRun.seed == seed)
        .order_by(LabRun.created_at.desc(), LabRun.id.desc())
        .limit(1)
    )
    return session.scalars(q).first()


def _may_change(run: LabRun, by: Actor | None) -> None:
    if by is None or not (by.is_leader or (run.created_by_id is not None and run.created_by_id == by.id)):
        raise PermissionDenied()


def delete_run(*, session: Session, by: Actor | None, run_id: int) -> None:
    """Delete a run: its owner or a leader (guest runs: leaders only)."""
    run = get_run(session=session, run_id=run_id)
    _may_change(run, by)
    session.delete(run)


def update_run(
    *, session: Session, by: Actor | None, run_id: int, expected_version: int | None, title: str, notes: str
) -> LabRun:
    """Edit a run's title and notes (owner or leader); StaleEdit if someone saved first."""
    run = get_run(session=session, run_id=run_id)
    _may_change(run, by)
    check_version(run, expected_version)
    run.title = check_text(title, "lab.page.title_field", max_len=TITLE_MAX, required=False)
    run.notes = check_text(notes, "lab.page.notes_field", max_len=NOTES_MAX, required=False)
    session.flush()
    return run


def checkpoint_bytes(*, session: Session, run_id: int) -> bytes | None:
    """The stored checkpoint (None when it was too large to keep or the run has none)."""
    get_run(session=session, run_id=run_id)
    return session.scalar(select(LabRun.checkpoint).where(LabRun.id == run_id))


def export_config_json(run: LabRun) -> str:
    """The run's TrainConfig as pretty JSON (loads back with core.lab.config.from_dict)."""
    return json.dumps(run.config, indent=2, ensure_ascii=False, sort_keys=True)


def metrics_csv(curves: dict[str, list]) -> str:
    """Curves as CSV: one row per step (train columns) with validation columns where evaluated."""
    steps = list(curves.get("step", []))
    evals = {s: i for i, s in enumerate(curves.get("eval_step", []))}
    cols = [c for c in STEP_COLUMNS if c in curves]
    vcols = [c for c in EVAL_COLUMNS if c in curves]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["step", *cols, *vcols])
    seen = set()
    rows: list[tuple[int, list]] = []
    for i, s in enumerate(steps):
        e = evals.get(s)
        rows.append(
            (s, [curves[c][i] for c in cols] + [curves[c][e] if e is not None else None for c in vcols])
        )
        seen.add(s)
    for s, e in evals.items():  # evaluations at steps that were decimated away (or step 0)
        if s not in seen:
            rows.append((s, [None] * len(cols) + [curves[c][e] for c in vcols]))
    for s, vals in sorted(rows, key=lambda r: r[0]):
        w.writerow([s, *("" if v is None else v for v in vals)])
    return buf.getvalue()


def export_metrics_csv(run: LabRun) -> str:
    """The run's stored curves as CSV."""
    return metrics_csv(run.curves or {})


def creator_names(*, session: Session, by: Actor | None) -> dict[int, str | None]:
    """Who made the stored runs, as `by` may see it: members see display names; a guest (a seminar
    visitor without an account) sees that a member made a run but not which member (None)."""
    if by is None:
        return dict.fromkeys(session.scalars(select(Member.id)))
    return {m.id: m.display_name for m in session.scalars(select(Member))}
