"""A small job runner the Lab page uses while `core.lab.jobs.JobRegistry` is not available.

Same shape as the engine's registry (`start(cfg, owner=) -> id`, `snapshot(id)`, `stop(id)`,
`on_done(job_id, snapshot)`), no Streamlit: training threads only append events under a lock;
the page copies a snapshot at most twice a second. At most `slots` jobs train at once; the rest
wait in order and know their place in the queue.
"""

from __future__ import annotations

import itertools
import math
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.lab.config import TrainConfig

KEEP_DONE = 32          # finished jobs kept in memory (with their models) for re-attaching
CURVE_KEYS = ("step", "loss", "token_acc", "grad_norm", "lr")
EVAL_KEYS = ("eval_step", "val_loss", "val_token_acc", "val_seq_acc")


@dataclass
class JobSnapshot:
    """A consistent copy of a job's progress (lists are copies, safe to read without the lock)."""

    job_id: str
    cfg: TrainConfig
    status: str                       # queued | running | finished | stopped | diverged | failed
    queue_position: int | None
    step: int
    steps_per_s: float | None
    eta_s: float | None
    curves: dict[str, list]
    probes: dict[int, Any]            # step -> DecodeResult (CPU)
    metrics: dict[str, Any] = field(default_factory=dict)
    model: Any = None
    n_params: int | None = None
    device: str = ""
    error: str | None = None
    version: int = 0
    owner: str | None = None


class _Job:
    def __init__(self, job_id: str, cfg: TrainConfig, owner: str | None) -> None:
        self.id, self.cfg, self.owner = job_id, cfg, owner
        self.stop = threading.Event()
        self.status = "queued"
        self.step = 0
        self.t0: float | None = None
        self.curves: dict[str, list] = {k: [] for k in (*CURVE_KEYS, *EVAL_KEYS)}
        self.probes: dict[int, Any] = {}
        self.metrics: dict[str, Any] = {}
        self.model = None
        self.n_params: int | None = None
        self.device = ""
        self.error: str | None = None
        self.version = 0
        self.ended_at: float | None = None


class LocalJobRegistry:
    """Background training jobs for one server process."""

    def __init__(self, *, slots: int | None = None, threads_per_job: int = 1,
                 train_fn: Callable | None = None, on_done: Callable[[str, JobSnapshot], None] | None = None):
        self.slots = slots or self._default_slots()
        self.threads_per_job = threads_per_job
        self._train_fn = train_fn
        self._on_done = on_done
        self._jobs: dict[str, _Job] = {}
        self._queue: list[str] = []
        self._running = 0
        self._cond = threading.Condition()
        self._counter = itertools.count(1)

    @staticmethod
    def _default_slots() -> int:
        import torch

        # One CPU job at a time keeps the web process responsive on a 2-core laptop; a GPU takes more.
        return 4 if torch.cuda.is_available() else 1

    def start(self, cfg: TrainConfig, *, owner: str | None = None) -> str:
        """Validate and queue `cfg`; returns the job id (ConfigError for an invalid config)."""
        cfg.validate()
        job_id = f"{next(self._counter)}{secrets.token_hex(4)}"
        job = _Job(job_id, cfg, owner)
        with self._cond:
            self._jobs[job_id] = job
            self._queue.append(job_id)
            self._evict()
        threading.Thread(target=self._run, args=(job,), name=f"lab-job-{job_id}", daemon=True).start()
        return job_id

    def stop(self, job_id: str) -> None:
        """Ask a job to end: a queued job ends at once, a running one within one step."""
        with self._cond:
            job = self._jobs.get(job_id)
            if job is None:
                return
            job.stop.set()
            self._cond.notify_all()

    def snapshot(self, job_id: str) -> JobSnapshot | None:
        """A copy of the job's state, or None for an unknown id."""
        with self._cond:
            job = self._jobs.get(job_id)
            if job is None:
                return None
            return self._snap(job)

    def _snap(self, job: _Job) -> JobSnapshot:
        pos = self._queue.index(job.id) + 1 if job.id in self._queue else None
        speed = eta = None
        if job.status == "running" and job.t0 is not None and job.step:
            speed = job.step / max(time.perf_counter() - job.t0, 1e-9)
            eta = (job.cfg.steps - job.step) / speed if speed > 0 else math.inf
        elif job.metrics.get("steps_per_s") is not None:
            speed = job.metrics["steps_per_s"]
        return JobSnapshot(job.id, job.cfg, job.status, pos, job.step, speed, eta,
                           {k: list(v) for k, v in job.curves.items()}, dict(job.probes), dict(job.metrics),
                           job.model, job.n_params, job.device, job.error, job.version, job.owner)

    def _evict(self) -> None:
        done = [j for j in self._jobs.values() if j.ended_at is not None]
        for j in sorted(done, key=lambda j: j.ended_at)[: max(0, len(done) - KEEP_DONE)]:
            del self._jobs[j.id]

    def _wait_turn(self, job: _Job) -> bool:
        """Block until the job is first in line and a slot is free; False if stopped meanwhile."""
        with self._cond:
            while not job.stop.is_set() and (self._queue[0] != job.id or self._running >= self.slots):
                self._cond.wait(0.25)
            self._queue.remove(job.id)
            if job.stop.is_set():
                job.status, job.ended_at = "stopped", time.time()
                job.version += 1
                self._cond.notify_all()
                return False
            self._running += 1
            job.status = "running"
            job.t0 = time.perf_counter()
            job.version += 1
            return True

    def _run(self, job: _Job) -> None:
        if not self._wait_turn(job):
            return  # stopped while queued: nothing trained, nothing to store
        final = "failed"
        try:
            final = self._train(job)
        except Exception as exc:  # noqa: BLE001  a broken run is reported, never kills the server
            job.error = f"{type(exc).__name__}: {exc}"
        with self._cond:
            self._running -= 1  # the next queued job may start while this one is being stored
            self._cond.notify_all()
            snap = self._snap(job)
        snap.status = final
        if self._on_done is not None:
            try:
                self._on_done(job.id, snap)
            except Exception:  # noqa: BLE001  storing is the callback's business
                pass
        # Only now does the page see the outcome, so a finished job already has its stored run.
        with self._cond:
            job.status, job.ended_at = final, time.time()
            job.version += 1

    def _train(self, job: _Job) -> str:
        import torch

        from core.lab.train import DoneEvent, EvalEvent, StepEvent, train

        if torch.get_num_threads() != self.threads_per_job:
            torch.set_num_threads(self.threads_per_job)
        fn = self._train_fn or train
        c = job.curves
        final = "failed"  # a generator that ends without a DoneEvent
        for ev in fn(job.cfg, stop=job.stop):
            with self._cond:  # appends only: the lock is held for microseconds
                if isinstance(ev, StepEvent):
                    c["step"].append(ev.step)
                    c["loss"].append(ev.loss)
                    c["token_acc"].append(ev.token_acc)
                    c["grad_norm"].append(ev.grad_norm)
                    c["lr"].append(ev.lr)
                    job.step = ev.step
                elif isinstance(ev, EvalEvent):
                    c["eval_step"].append(ev.step)
                    c["val_loss"].append(ev.val_loss)
                    c["val_token_acc"].append(ev.val_token_acc)
                    c["val_seq_acc"].append(ev.val_seq_acc)
                    if ev.probe is not None:
                        job.probes[ev.step] = ev.probe
                elif isinstance(ev, DoneEvent):
                    final = ev.status
                    job.step, job.metrics = ev.step, dict(ev.metrics)
                    job.model, job.n_params, job.device = ev.model, ev.n_params, ev.device
                job.version += 1
        return final

