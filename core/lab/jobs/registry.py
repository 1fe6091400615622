"""Background training jobs for one server process: queue, slots, progress snapshots, stop.

`JobRegistry(slots=...)`: `start(cfg, owner=) -> job_id`, `snapshot(job_id)`, `stop(job_id, by=)`,
`move_to_front(job_id, by=)`, `active()`, `list_jobs()`, `on_done(job_id, snapshot)`. At most
`slots` jobs train at once, plus `leader_slots` that only leaders' runs take (the presenter never
waits behind the room); the rest wait in order (leaders' runs first) and know their place in
the queue. A queued job holds no thread: a job gets its thread when it takes a slot. The final
status becomes visible only after `on_done` returned, so a finished job already has its stored
run. `start` is the queue's boundary: it validates the config once, estimates its work and
applies the queue's rules (`core.lab.jobs.policy`: owner, limits per role, queue size), and the
training below it trusts the config.

Bounds while a job runs: it keeps at most `limits.max_probes` attention probes (evenly spaced,
each at most `limits.max_probe_bytes`), is stopped after its role's `max_run_s`, and a worker
that does not acknowledge a stop within `limits.stop_grace_s` is killed (the slot gets a fresh
worker). A job whose worker died before it began (an idle worker killed) retries once on a fresh
worker. Failure texts come with an i18n key and parameters (`JobSnapshot.error_key`).

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
import secrets
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

from core.lab.config import TrainConfig
from core.lab.device import training_nice, training_threads
from core.lab.jobs import policy
from core.lab.jobs.control import check_init_state
from core.lab.jobs.pausing import Pausing
from core.lab.jobs.policy import Estimate, JobLimits, Participant
from core.lab.jobs.pool import POOLS, Pool
from core.lab.jobs.process_mode import ProcessMode
from core.lab.jobs.state import (
    Job,
    JobSnapshot,
    JobSummary,
    count_params,
    crashed,
)
from core.lab.jobs.thread_mode import ThreadMode
from core.lab.jobs.waiting import Waiting

KEEP_DONE = 32  # finished jobs kept in memory (with their models) for re-attaching
DONE_TTL_S = 3600.0  # ...and for at most this long; the stored run outlives them in the database
MODES = ("process", "thread")
MODE_ENV = "STUDY_LAB_JOB_MODE"  # overrides the default mode (benchmarks, a server that wants threads)
SLOTS_ENV = "STUDY_LAB_SLOTS"  # jobs training at once (default_slots says how many by default)
MAX_SLOTS = 64
# Worker processes start this long after the registry is built (the engine warm-up builds it about
# 2 s after server start), while a first page is being drawn; a job started sooner starts its own.
# The leaders' slots' workers start at once (pool.py `prewarm`).
PREWARM_DELAY_S = 3.0


CPU_SLOTS_CAP = 4  # the default's most CPU slots: each worker process holds torch (~300 MB)


def cpu_cores() -> int:
    """CPU cores this process may use (a container's or taskset's share, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_slots(*, cuda: bool, cores: int | None = None) -> int:
    """Jobs that train at once: `STUDY_LAB_SLOTS` when set, else on CPU one per core up to
    CPU_SLOTS_CAP (training processes run at a lower priority than the server, core/lab/device.py
    `training_nice`, so busy slots do not slow its pages), and 4 with CUDA (tiny models leave a GPU
    mostly idle). A room of 30 on a 2-core server: 113 s for every run with one slot, 89 s with two
    (docs/benchmarks.md)."""
    raw = os.environ.get(SLOTS_ENV, "").strip()
    if not raw:
        return 4 if cuda else max(1, min(cpu_cores() if cores is None else cores, CPU_SLOTS_CAP))
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_SLOTS:
        raise ValueError(f"{SLOTS_ENV} must be a whole number from 1 to {MAX_SLOTS}, not {raw!r}")
    return int(raw)


def _default_mode(train_fn: Callable | None) -> str:
    if train_fn is not None:
        return "thread"
    if os.environ.get(MODE_ENV):
        return os.environ[MODE_ENV]
    import torch

    return "thread" if torch.cuda.is_available() else "process"


class JobRegistry(ProcessMode, ThreadMode, Pausing, Waiting):
    """Background training jobs for one server process."""

    progress_every_s = 0.0  # each step reaches this process's snapshots as it is taken

    def __init__(
        self,
        *,
        slots: int | None = None,
        leader_slots: int | None = None,
        threads_per_job: int | None = None,
        mode: str | None = None,
        train_fn: Callable | None = None,
        on_done: Callable[[str, JobSnapshot], None] | None = None,
        prewarm: bool = True,
        prewarm_delay_s: float = PREWARM_DELAY_S,
        ttl_s: float = DONE_TTL_S,
        clock: Callable[[], float] = time.monotonic,
        limits: JobLimits | None = None,
        params_fn: Callable[[TrainConfig], int] = count_params,
    ):
        self.mode = mode or _default_mode(train_fn)
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {self.mode!r}")
        if self.mode == "process" and train_fn is not None:
            raise ValueError("train_fn is for thread mode: a worker process always runs core.lab.train.train")
        self.slots = slots or self._default_slots()
        self.leader_slots = policy.leader_slots() if leader_slots is None else leader_slots
        self.threads_per_job = threads_per_job or training_threads()  # one owner: the CLI uses it too
        self._train_fn = train_fn
        self._on_done = on_done
        self.ttl_s = ttl_s
        self._clock = clock  # TTL, wall-time limit and watchdog (tests pass a fake one)
        self.limits = limits or JobLimits.from_env()
        self._params_fn = params_fn
        self._jobs: dict[str, Job] = {}
        self._queue: list[str] = []
        self._running = 0
        self._cond = threading.Condition()
        self._pool: Pool | None = None
        if self.mode == "process":
            training_nice()  # a bad STUDY_LAB_NICE is said at server start, not by a dying worker
            self._pool = Pool(
                self.slots + self.leader_slots, self.threads_per_job, reserved=self.leader_slots
            )
            POOLS.add(self._pool)
            weakref.finalize(self, self._pool.close)  # a dropped registry (cache cleared) frees its workers
            if prewarm:
                threading.Thread(
                    target=self._pool.prewarm, args=(prewarm_delay_s,), name="lab-prewarm", daemon=True
                ).start()

    @staticmethod
    def _default_slots() -> int:
        import torch

        return default_slots(cuda=torch.cuda.is_available())

    def estimate(self, cfg: TrainConfig) -> tuple[int, Estimate]:
        """(parameters, estimated work) of a validated config: what `start` checks against limits."""
        n = self._params_fn(cfg)
        return n, policy.estimate(cfg, n)

    def start(
        self, cfg: TrainConfig, *, owner: Participant | None = None, init_state: bytes | None = None
    ) -> str:
        """Validate and queue `cfg` for `owner` (None: the server itself, e.g. the CLI); returns the
        job id. ConfigError for an invalid config (or an `init_state` checkpoint that does not fit
        it), JobRefused naming the limit it would pass."""
        cfg.validate()
        check_init_state(init_state, cfg)
        n, cost = self.estimate(cfg)
        job_id = secrets.token_hex(16)  # unguessable: the id in a shared URL is what re-attaches
        with self._cond:
            self._evict()
            self._admit(cfg, owner, n, cost)
            job = Job(job_id, cfg, owner, cost, self.limits.max_probes)
            job.init_state = init_state
            self._jobs[job_id] = job
            at = policy.insert_at([self._jobs[q].owner for q in self._queue], owner)
            self._queue.insert(at, job_id)
            self._dispatch()
        return job_id

    def stop(self, job_id: str, *, by: Participant | None) -> None:
        """Ask a job to end (its owner or a leader; PermissionDenied for anyone else): a queued
        job ends at once, a running one within one step, or its worker is killed after
        `limits.stop_grace_s`."""
        with self._cond:
            job = self._jobs.get(job_id)
            if job is None or job.ended_at is not None:
                return
            policy.require_control(by, job.owner)
            if job.id in self._queue:
                self._queue.remove(job.id)
                job.stop.set()
                job.control.stop()
                job.status, job.ended_at = "stopped", self._clock()
                job.version += 1
                self._cond.notify_all()
                return
            self._request_stop(job)

    cancel = stop

    def move_to_front(self, job_id: str, *, by: Participant | None) -> None:
        """A leader puts a queued job first in line (no-op for a job that is not queued)."""
        with self._cond:
            policy.require_leader(by)
            if job_id in self._queue:
                self._queue.remove(job_id)
                self._queue.insert(0, job_id)
                self._jobs[job_id].version += 1
                self._dispatch()

    def active(self) -> list[JobSummary]:
        """Running jobs, then queued ones in queue order: the "running now" list."""
        with self._cond:
            now = time.perf_counter()
            running = [j for j in self._jobs.values() if j.status == "running"]
            out, busy = [], []
            for j in running:
                left = self._eta(j, now)
                busy.append(left if left is not None and math.isfinite(left) else j.cost.seconds)
                out.append(self._summary(j, None, left))
            # A queued job starts when enough of the work ahead of it is done, spread over the slots.
            ahead = sorted(busy)
            for pos, jid in enumerate(self._queue, start=1):
                j = self._jobs[jid]
                wait = (sum(ahead) / self.slots) if ahead else 0.0
                out.append(self._summary(j, pos, wait))
                ahead.append(j.cost.seconds)
            return out

    def job_ids(self) -> set[str]:
        """The jobs this registry still holds (live, or ended within the TTL)."""
        with self._cond:
            self._evict()
            return set(self._jobs)

    def check(self, cfg: TrainConfig, *, owner: Participant | None) -> Estimate:
        """What `start` would say about a validated config now: its estimate, or JobRefused."""
        n, cost = self.estimate(cfg)
        with self._cond:
            self._admit(cfg, owner, n, cost)
        return cost

    def _admit(self, cfg: TrainConfig, owner: Participant | None, n: int, cost: Estimate) -> None:
        live = [(j.owner, j.status) for j in self._jobs.values() if j.ended_at is None]
        policy.admit(who=owner, cfg=cfg, cost=cost, n_params=n, active=live, limits=self.limits)

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
            for jid in list(self._queue):
                job = self._jobs[jid]
                job.stop.set()
                job.status, job.ended_at = "stopped", self._clock()
            self._queue.clear()
            for job in self._jobs.values():
                if job.status == "running":
                    self._request_stop(job)
            self._cond.notify_all()
        if self._pool is not None:
            self._pool.close()

    def _eta(self, job: Job, now: float) -> float | None:
        if job.status == "running" and job.t0 is not None and job.step:
            speed = job.step / max(now - job.t0, 1e-9)
            return (job.cfg.steps - job.step) / speed if speed > 0 else math.inf
        return None

    def _summary(self, job: Job, pos: int | None, eta: float | None) -> JobSummary:
        m = job.cfg.model
        paused = job.status == "running" and job.control.paused
        return JobSummary(
            job.id, job.owner, m.kind, job.cfg.task, job.status, job.step, job.cfg.steps, pos, eta, paused
        )

    def _snap(self, job: Job) -> JobSnapshot:
        pos = self._queue.index(job.id) + 1 if job.id in self._queue else None
        speed = None
        eta = self._eta(job, time.perf_counter())
        if eta is not None:
            speed = job.step / max(time.perf_counter() - job.t0, 1e-9)
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
            job.error_key,
            dict(job.error_params),
            job.cost,
            paused=job.status == "running" and job.control.paused,
        )

    def _evict(self) -> None:
        # Called under the lock: ended jobs past the TTL go, then the oldest beyond KEEP_DONE.
        now = self._clock()
        done = sorted((j for j in self._jobs.values() if j.ended_at is not None), key=lambda j: j.ended_at)
        for k, j in enumerate(done):
            if k < len(done) - KEEP_DONE or now - j.ended_at > self.ttl_s:
                del self._jobs[j.id]

    def _dispatch(self) -> None:
        """Under the lock: start queued jobs, in queue order, while slots are free (a job whose
        owner already trains their maximum waits, and the next one goes)."""
        running_owners = [j.owner for j in self._jobs.values() if j.status == "running"]
        for jid in list(self._queue):
            if self._running >= self.slots + self.leader_slots:
                return
            job = self._jobs[jid]
            if self._running >= policy.slot_limit(job.owner, self.slots, self.leader_slots):
                continue  # everyone's slots are taken: only a leader's run takes a leaders' slot
            if not policy.may_start_now(job.owner, running_owners, self.limits):
                continue
            self._queue.remove(jid)
            self._running += 1
            running_owners.append(job.owner)
            job.status = "running"
            job.t0, job.started_at = time.perf_counter(), self._clock()
            job.version += 1
            threading.Thread(target=self._run, args=(job,), name=f"lab-job-{jid}", daemon=True).start()

    def _request_stop(self, job: Job) -> None:
        # Under the lock. The watchdog counts from the first request.
        job.stop.set()
        job.control.stop()
        if job.stop_at is None:
            job.stop_at = self._clock()
        if job.worker is not None:
            job.worker.request_stop(job.id)
        self._cond.notify_all()

    def _over_time(self, job: Job) -> None:
        """Under the lock: a run past its role's wall-time limit is asked to stop, with a note."""
        limit = self.limits.of(job.owner.role).max_run_s if job.owner is not None else None
        if limit is None or job.stop.is_set() or job.started_at is None:
            return
        if self._clock() - job.started_at > limit:
            job.fail(
                "lab.job.time_limit",
                f"TimeLimit: stopped after {limit / 60:g} minutes, the longest a run may train",
                minutes=f"{limit / 60:g}",
            )
            self._request_stop(job)

    def _run(self, job: Job) -> None:
        final = "failed"
        try:
            final = self._train_in_process(job) if self._pool is not None else self._train_in_thread(job)
        except Exception as exc:  # noqa: BLE001  a broken run is reported, never kills the server
            crashed(job, f"{type(exc).__name__}: {exc}")
        with self._cond:
            self._running -= 1  # the next queued job may start while this one is being stored
            self._dispatch()
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
            self._dispatch()  # the owner's next run may start now
            self._cond.notify_all()  # wait_ended

    # Both modes apply events through these two, under the lock (held for microseconds).
    def _add_step(self, job: Job, step: int, loss: float, acc: float, gn: float, lr: float) -> None:
        c = job.curves
        c["step"].append(step)
        c["loss"].append(loss)
        c["token_acc"].append(acc)
        c["grad_norm"].append(gn)
        c["lr"].append(lr)
        if not job.step:
            self._cond.notify_all()  # wait_started: the first step
        job.step = step

    def _add_eval(self, job: Job, step: int, vl: float, vt: float, vs: float, probe: Any) -> None:
        c = job.curves
        c["eval_step"].append(step)
        c["val_loss"].append(vl)
        c["val_token_acc"].append(vt)
        c["val_seq_acc"].append(vs)
        if probe is not None:
            for old in job.keeper.add(step, pinned=policy.pinned_probe(step, job.cfg.probe_every)):
                job.probes.pop(old, None)
            job.probes[step] = policy.bound_probe(probe, self.limits.max_probe_bytes)


__all__ = ["JobRegistry", "JobSnapshot", "JobSummary", "MODES", "MODE_ENV", "count_params"]
