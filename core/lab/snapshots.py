"""Converting the engine's training output (events, job snapshots) into what the page draws
(`RunView`) and what the database keeps (`RunRecord`).

A job's checkpoint bytes go to the record as the worker made them; only a model held in this
process (thread mode, a consumed generator) is serialised, once. Curves go to the record in full:
`core.lab.runs.store_run` thins them, once."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from core.lab.config import TrainConfig, to_dict
from core.lab.runs import RunRecord
from core.lab.view import RunView, decode_probe, probe_json


def _task(cfg: TrainConfig):
    from core.lab.tasks import make_task

    return make_task(cfg.task, cfg.seq_len, cfg.vocab_size)


def probes_payload(cfg: TrainConfig, probes: dict[int, Any]) -> dict[str, Any]:
    """{"src": tokens, "snapshots": [...]} from {step: DecodeResult} (for the database)."""
    task = _task(cfg)
    snaps = [probe_json(decode_probe(step, res, task)) for step, res in sorted(probes.items())]
    src = task.src_tokens(task.probe()[0][0])
    return {"src": src, "snapshots": snaps}


def checkpoint_of(model: Any, cfg: TrainConfig, data: bytes | None = None) -> bytes | None:
    """The run's checkpoint: `data` when the worker already made it, else the model's weights
    serialised (None without either)."""
    if data is not None:
        return data
    if model is None:
        return None
    from core.lab.checkpoint import save_checkpoint

    return save_checkpoint(model, cfg)


def record_of_events(cfg: TrainConfig, events: Iterable[Any]) -> RunRecord:
    """Consume a `train()` generator into a RunRecord (what a job stores when it ends)."""
    from core.lab.train import DoneEvent, EvalEvent, StepEvent

    curves: dict[str, list] = {
        k: []
        for k in (
            "step",
            "loss",
            "token_acc",
            "grad_norm",
            "lr",
            "eval_step",
            "val_loss",
            "val_token_acc",
            "val_seq_acc",
        )
    }
    probes: dict[int, Any] = {}
    done = None
    for ev in events:
        if isinstance(ev, StepEvent):
            for k in ("step", "loss", "token_acc", "grad_norm", "lr"):
                curves[k].append(getattr(ev, k))
        elif isinstance(ev, EvalEvent):
            curves["eval_step"].append(ev.step)
            for k in ("val_loss", "val_token_acc", "val_seq_acc"):
                curves[k].append(getattr(ev, k))
            if ev.probe is not None:
                probes[ev.step] = ev.probe
        elif isinstance(ev, DoneEvent):
            done = ev
    if done is None:
        raise RuntimeError("training ended without a DoneEvent")
    duration = float(done.metrics.get("duration_s") or 0.0)
    return RunRecord(
        config=to_dict(cfg),
        status=done.status,
        step=done.step,
        metrics=dict(done.metrics),
        curves=curves,
        probes=probes_payload(cfg, probes),
        device=str(done.device),
        duration_s=duration if math.isfinite(duration) else 0.0,
        n_params=done.n_params,
        checkpoint=checkpoint_of(done.model, cfg),
    )


def view_of_snapshot(job_id: str, snap: Any) -> RunView:
    """The page's view of a job snapshot (probe maps converted lazily, one step at a time)."""
    cfg = snap.cfg
    probes = dict(snap.probes or {})
    cache: dict[int, Any] = {}

    def probe_at(step: int):
        if step not in probes:
            return None
        if step not in cache:
            cache[step] = decode_probe(step, probes[step], _task(cfg))
        return cache[step]

    return RunView(
        status=snap.status,
        config=cfg,
        step=snap.step,
        curves=snap.curves,
        probe_steps=sorted(probes),
        probe_at=probe_at,
        metrics=dict(snap.metrics or {}),
        n_params=snap.n_params,
        device=snap.device,
        steps_per_s=snap.steps_per_s,
        eta_s=snap.eta_s,
        queue_pos=snap.queue_position,
        error=snap.error,
        model=snap.model,
        checkpoint=snap.checkpoint,
        job_id=job_id,
        version=snap.version,
        owner=snap.owner,
        error_key=snap.error_key,
        error_params=dict(snap.error_params),
    )


def record_of_snapshot(cfg: TrainConfig, snap: Any) -> RunRecord:
    """What the database keeps of an ended job."""
    metrics = dict(snap.metrics or {})
    duration = float(metrics.get("duration_s") or 0.0)
    return RunRecord(
        config=to_dict(cfg),
        status=snap.status,
        step=snap.step,
        metrics=metrics,
        curves=snap.curves,
        probes=probes_payload(cfg, dict(snap.probes or {})),
        device=str(snap.device or ""),
        duration_s=duration if math.isfinite(duration) else 0.0,
        n_params=snap.n_params or 0,
        checkpoint=(
            checkpoint_of(snap.model, cfg, snap.checkpoint)
            if snap.status in ("finished", "stopped")
            else None
        ),
    )


def view_of_checkpoint(opened: Any, version: int) -> RunView:
    """The page's view of an opened checkpoint (core.lab.checkpoint.Opened): its model, and an
    attention replay over the probe steps whose whole weights it kept (decoded on demand)."""
    from core.lab.embeddings import weights_at, whole_steps
    from core.lab.introspect import attach_probe_states
    from core.lab.train import probe_decode

    cfg, model, states = opened.config, opened.model, dict(opened.probe_states)
    attach_probe_states(model, states)  # the teaching views read them off the model, as after a run
    steps = whole_steps(model, states)
    cache: dict[int, Any] = {}

    def probe_at(step: int):
        if step not in steps:
            return None
        if step not in cache:
            task = _task(cfg)
            cache[step] = decode_probe(step, probe_decode(weights_at(model, states, step), task, "cpu"), task)
        return cache[step]

    return RunView(
        status="finished",
        config=cfg,
        step=max(states) if states else cfg.steps,
        curves={},
        probe_steps=steps,
        probe_at=probe_at,
        model=model,
        version=version,
    )
