"""Background training jobs for one server process: queue, slots, progress snapshots, stop.

`JobRegistry(slots=...)`: `start(cfg, owner=) -> job_id`, `snapshot(job_id)`, `stop(job_id)`,
`list_jobs()`, `on_done(job_id, snapshot)`. At most `slots` jobs train at once; the rest wait in
order and know their place in the queue. The final status becomes visible only after `on_done`
returned, so a finished job already has its stored run. `start` is the queue's boundary: it
validates the config once, and the training below it trusts the config.

Two modes. "process" (default on CPU): each slot owns a long-lived worker process (a fresh
interpreter that imports torch once and is reused) and the job's thread here only applies the worker's batched events under
the lock: in one process, the training thread and Streamlit's server thread and fragment reruns
fight for the GIL (measured 11-17 vs 66 steps/s with a browser watching). The worker's checkpoint
bytes are kept as they came (`JobSnapshot.checkpoint`: what the stored run saves); the model is
rebuilt from them once, for the page's after-training views. "thread" (default with
CUDA, where one process owns the GPU, and with an injected `train_fn` for tests): `train` runs
in a thread of this process. No Streamlit here.
"""

from __future__ import annotations

import math
import os
import pickle
import secrets
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.lab.config import TrainConfig
from core.lab.device import training_threads
from core.lab.jobs.pool import POOLS, Pool, Worker

KEEP_DONE = 32  # finished jobs kept in memory (with their models) for re-attaching
DONE_TTL_S = 3600.0  # ...and for at most this long; the stored run outlives them in the database
CURVE_KEYS = ("step", "loss", "token_acc", "grad_norm", "lr")
EVAL_KEYS = ("eval_step", "val_loss", "val_token_acc", "val_seq_acc")
MODES = ("process", "thread")
MODE_ENV = "STUDY_LAB_JOB_MODE"  # overrides the default mode (benchmarks, a server that wants threads)
SLOTS_ENV = "STUDY_LAB_SLOTS"  # how many jobs train at once (default: 1 on CPU, 4 with CUDA)
MAX_SLOTS = 64


def default_slots(*, cuda: bool) -> int:
    """Jobs that train at once: `STUDY_LAB_SLOTS` when set, else 1 on CPU (keeps a 2-core server's web
    process responsive) and 4 with CUDA (tiny models leave a GPU mostly idle)."""
    raw = os.environ.get(SLOTS_ENV, "").strip()
    if not raw:
        return 4 if cuda else 1
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_SLOTS:
        raise ValueError(f"{SLOTS_ENV} must be a whole number from 1 to {MAX_SLOTS}, not {raw!r}")
    return int(raw)


@dataclass
class JobSnapshot:
    """A consistent copy of a job's progress (lists are copies, safe to read without the lock)."""

    job_id: str
    cfg: TrainConfig
    status: str  # queued | running | finished | stopped | diverged | failed
    queue_position: int | None
    step: int
    steps_per_s: float | None
    eta_s: float | None
    curves: dict[str, list]
    probes: dict[int, Any]  # step -> DecodeResult (CPU)
    metrics: dict[str, Any] = field(default_factory=dict)
    model: Any = None
    n_params: int | None = None
    device: str = ""
    error: str | None = None
    version: int = 0
    owner: str | None = None
    checkpoint: bytes | None = None  # the worker's checkpoint bytes (process mode), stored as they are


class _Job:
    def __init__(self, job_id: str, cfg: TrainConfig, owner: str | None) -> None:
        self.id, self.cfg, self.owner = job_id, cfg, owner
        self.stop = threading.Event()
        self.worker: Worker | None = None  # process mode, while it trains
        self.status = "queued"
        self.step = 0
        self.t0: float | None = None
        self.curves: dict[str, list] = {k: [] for k in (*CURVE_KEYS, *EVAL_KEYS)}
        self.probes: dict[int, Any] = {}
        self.metrics: dict[str, Any] = {}
        self.model = None
        self.checkpoint: bytes | None = None
        self.n_params: int | None = None
        self.device = ""
        self.error: str | None = None
        self.version = 0
        self.ended_at: float | None = None


def _default_mode(train_fn: Callable | None) -> str:
    if train_fn is not None:
        return "thread"
    if os.environ.get(MODE_ENV):
        return os.environ[MODE_ENV]
    import torch

    return "thread" if torch.cuda.is_available() else "process"


def _dead_message(code: int | None) -> str:
    how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
    return (
        f"WorkerDied: the training process ended unexpectedly ({how}; killed or out of memory). "
        "Start the run again."
    )


class JobRegistry:
    """Background training jobs for one server process."""

    def __init__(
        self,
        *,
        slots: int | None = None,
        threads_per_job: int | None = None,
        mode: str | None = None,
        train_fn: Callable | None = None,
        on_done: Callable[[str, JobSnapshot], None] | None = None,
        prewarm: bool = True,
        ttl_s: float = DONE_TTL_S,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.mode = mode or _default_mode(train_fn)
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {self.mode!r}")
        if self.mode == "process" and train_fn is not None:
            raise ValueError("train_fn is for thread mode: a worker process always runs core.lab.train.train")
        self.slots = slots or self._default_slots()
        self.threads_per_job = threads_per_job or training_threads()  # one owner: the CLI uses it too
        self._train_fn = train_fn
        self._on_done = on_done
        self.ttl_s = ttl_s
        self._clock = clock  # when jobs ended, for the TTL (tests pass a fake one)
        self._jobs: dict[str, _Job] = {}
        self._queue: list[str] = []
        self._running = 0
        self._cond = threading.Condition()
        self._pool: Pool | None = None
        if self.mode == "process":
            self._pool = Pool(self.slots, threads_per_job)
            POOLS.add(self._pool)
            weakref.finalize(self, self._pool.close)  # a dropped registry (cache cleared) frees its workers
            if prewarm:
                threading.Thread(target=self._pool.prewarm, name="lab-prewarm", daemon=True).start()

    @staticmethod
    def _default_slots() -> int:
        import torch

        return default_slots(cuda=torch.cuda.is_available())

    def start(self, cfg: TrainConfig, *, owner: str | None = None) -> str:
        """Validate and queue `cfg`; returns the job id (ConfigError for an invalid config)."""
        cfg.validate()
        job_id = secrets.token_hex(16)  # unguessable: the id in a shared URL is what re-attaches
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
            if job.worker is not None:
                job.worker.request_stop(job.id)
            self._cond.notify_all()

    def snapshot(self, job_id: str) -> JobSnapshot | None:
        """A copy of the job's state, or None for an unknown id."""
        with self._cond:
            self._evict()
            job = self._jobs.get(job_id)
            if job is None:
                return None
            return self._snap(job)

    def list_jobs(self) -> list[JobSnapshot]:
        """Snapshots of every job this registry remembers, oldest first."""
        with self._cond:
            self._evict()
            return [self._snap(j) for j in self._jobs.values()]

    def worker_pids(self) -> list[int | None]:
        """Process ids of the workers per slot (process mode; empty in thread mode)."""
        return self._pool.pids() if self._pool is not None else []

    def close(self) -> None:
        """Stop every job and the worker processes (process mode)."""
        with self._cond:
            for job in self._jobs.values():
                job.stop.set()
                if job.worker is not None:
                    job.worker.request_stop(job.id)
            self._cond.notify_all()
        if self._pool is not None:
            self._pool.close()

    def _snap(self, job: _Job) -> JobSnapshot:
        pos = self._queue.index(job.id) + 1 if job.id in self._queue else None
        speed = eta = None
        if job.status == "running" and job.t0 is not None and job.step:
            speed = job.step / max(time.perf_counter() - job.t0, 1e-9)
            eta = (job.cfg.steps - job.step) / speed if speed > 0 else math.inf
        elif job.metrics.get("steps_per_s") is not None:
            speed = job.metrics["steps_per_s"]
        return JobSnapshot(
            job.id,
            job.cfg,
            job.status,
            pos,
            job.step,
            speed,
            eta,
            {k: list(v) for k, v in job.curves.items()},
            dict(job.probes),
            dict(job.metrics),
            job.model,
            job.n_params,
            job.device,
            job.error,
            job.version,
            job.owner,
            job.checkpoint,
        )

    def _evict(self) -> None:
        # Called under the lock: ended jobs past the TTL go, then the oldest beyond KEEP_DONE.
        now = self._clock()
        done = sorted((j for j in self._jobs.values() if j.ended_at is not None), key=lambda j: j.ended_at)
        for k, j in enumerate(done):
            if k < len(done) - KEEP_DONE or now - j.ended_at > self.ttl_s:
                del self._jobs[j.id]

    def _wait_turn(self, job: _Job) -> bool:
        """Block until the job is first in line and a slot is free; False if stopped meanwhile."""
        with self._cond:
            while not job.stop.is_set() and (self._queue[0] != job.id or self._running >= self.slots):
                self._cond.wait(0.25)
            self._queue.remove(job.id)
            if job.stop.is_set():
                job.status, job.ended_at = "stopped", self._clock()
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
            final = self._train_in_process(job) if self._pool is not None else self._train_in_thread(job)
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
            job.status, job.ended_at = final, self._clock()
            job.version += 1

    # Both modes apply events through these two, under the lock (held for microseconds).
    def _add_step(self, job: _Job, step: int, loss: float, acc: float, gn: float, lr: float) -> None:
        c = job.curves
        c["step"].append(step)
        c["loss"].append(loss)
        c["token_acc"].append(acc)
        c["grad_norm"].append(gn)
        c["lr"].append(lr)
        job.step = step

    def _add_eval(self, job: _Job, step: int, vl: float, vt: float, vs: float, probe: Any) -> None:
        c = job.curves
        c["eval_step"].append(step)
        c["val_loss"].append(vl)
        c["val_token_acc"].append(vt)
        c["val_seq_acc"].append(vs)
        if probe is not None:
            job.probes[step] = probe

    def _train_in_thread(self, job: _Job) -> str:
        import torch

        from core.lab.train import DoneEvent, EvalEvent, StepEvent, train

        if torch.get_num_threads() != self.threads_per_job:
            torch.set_num_threads(self.threads_per_job)
        fn = self._train_fn or train
        final = "failed"  # a generator that ends without a DoneEvent
        for ev in fn(job.cfg, stop=job.stop):
            with self._cond:
                if isinstance(ev, StepEvent):
                    self._add_step(job, ev.step, ev.loss, ev.token_acc, ev.grad_norm, ev.lr)
                elif isinstance(ev, EvalEvent):
                    self._add_eval(job, ev.step, ev.val_loss, ev.val_token_acc, ev.val_seq_acc, ev.probe)
                elif isinstance(ev, DoneEvent):
                    final = ev.status
                    job.step, job.metrics = ev.step, dict(ev.metrics)
                    job.model, job.n_params, job.device = ev.model, ev.n_params, ev.device
                job.version += 1
        return final

    def _train_in_process(self, job: _Job) -> str:
        assert self._pool is not None
        i, w = self._pool.acquire()
        dead = False
        try:
            try:
                with self._cond:  # a stop() before this is re-sent below; one after it sees job.worker
                    w.send(("run", job.id, job.cfg))
                    job.worker = w
                    if job.stop.is_set():
                        w.request_stop(job.id)
            except OSError:
                dead = True
                job.error = _dead_message(w.exitcode())
                return "failed"
            final, dead = self._read(job, w)
            return final
        finally:
            with self._cond:
                job.worker = None
            self._pool.release(i, dead=dead)

    def _read(self, job: _Job, w: Worker) -> tuple[str, bool]:
        """Apply the worker's messages until the job ends: (final status, worker died)."""
        while True:
            try:
                msg = pickle.loads(w.conn.recv_bytes())  # blocks without the GIL
            except (EOFError, OSError):
                job.error = _dead_message(w.exitcode())
                return "failed", True
            kind = msg[0]
            if kind == "done":
                _, status, step, metrics, data, n_params, device = msg
                model = _rebuild(data, job.cfg)  # outside the lock: a few ms of torch work
                with self._cond:
                    job.step, job.metrics = step, metrics
                    job.model, job.checkpoint, job.n_params, job.device = model, data, n_params, device
                    job.version += 1
                return status, False
            if kind == "error":
                job.error = msg[1]
                return "failed", False
            with self._cond:
                if kind == "steps":
                    for row in msg[1]:
                        self._add_step(job, *row)
                elif kind == "eval":
                    self._add_eval(job, *msg[1:])
                elif kind == "begin":
                    job.t0 = time.perf_counter()  # the speed shown excludes a cold worker's start
                job.version += 1


def _rebuild(data: bytes, cfg: TrainConfig) -> Any:
    """The trained model, on CPU in eval mode, from the worker's checkpoint bytes (for the page;
    the bytes themselves are what gets stored)."""
    import torch

    from core.lab.checkpoint import load_checkpoint

    # Building draws init weights from the global RNG; leave it as it was for whoever uses it here.
    with torch.random.fork_rng(devices=[]):
        model, _ = load_checkpoint(data, cfg)
    return model


__all__ = ["JobRegistry", "JobSnapshot", "MODES", "MODE_ENV"]
