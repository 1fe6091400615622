"""The Lab's job queue on PostgreSQL: what an app process calls (the same interface as the
in-process `JobRegistry`: start, check, snapshot, stop/cancel, move_to_front, active, list_jobs,
pause, resume, step). Jobs are rows (db/models/lab_jobs.py) carried to workers by procrastinate;
`python -m core.lab.worker` (core/lab/worker.py) trains them on any machine with the database, and
every app replica reads the same rows, so each shows every job and re-attaches after a restart.

The queue's rules are the same functions as in-process (`policy`): admission under one advisory
lock (two replicas cannot both take a participant's last place), control by owner or leader,
leaders first (procrastinate priority), one running job per participant (procrastinate lock =
owner). Stop, pause and step are flags on the row that the worker reads a few times a second.
"""

from __future__ import annotations

import functools
import math
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select, text

from core.lab.config import TrainConfig, to_dict
from core.lab.device import training_threads
from core.lab.jobs import policy
from core.lab.jobs.control import check_init_state, check_step_n, next_run_until
from core.lab.jobs.pg_common import (
    FLUSH_S,
    LEADER_QUEUE,
    QUEUE,
    TASK,
    Progress,
    make_app,
    notify_control,
    owner_of,
    priority_of,
)
from core.lab.jobs.pg_read import PgReading
from core.lab.jobs.policy import Estimate, JobLimits, Participant
from core.lab.jobs.state import count_params
from db.engine import Database
from db.models.lab_jobs import LIVE_STATUSES, LabJob

END_POLL_S = 0.05  # wait_ended: how often it reads the job's status
ADMIT_LOCK = 7_305_115  # pg_advisory_xact_lock key: admissions one at a time across replicas


def _changes(method):
    """A method that changes jobs: this process's next running-now list is read anew."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        finally:
            self.forget_active()

    return wrapper


class PgJobs(PgReading):
    """Lab jobs on the PostgreSQL queue, as one app process sees them."""

    mode = "postgres"
    progress_every_s = FLUSH_S  # progress arrives in batches this far apart (written by workers)

    def __init__(
        self,
        url: str | None = None,
        *,
        db: Database | None = None,
        limits: JobLimits | None = None,
        params_fn: Callable[[TrainConfig], int] = count_params,
        slots: int = 1,
        on_done: Any = None,  # accepted for the common interface: the worker stores runs itself
    ) -> None:
        if db is None:
            from db.engine import resolve_url

            db = Database(url or resolve_url())
            self._own_db = True
        else:
            self._own_db = False
        self.db = db
        self.limits = limits or JobLimits.from_env()
        self.threads_per_job = training_threads()
        self.slots = slots  # only for the waiting time shown (workers decide how many train)
        self._params_fn = params_fn
        self._app: Any = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, Progress] = OrderedDict()
        self._models: OrderedDict[str, Any] = OrderedDict()
        self._active: tuple[float, list] | None = None  # (read at, the running-now list)
        self._marks_at: tuple[float, dict] | None = None  # (read at, live jobs' change counters)
        self._snaps: OrderedDict[str, tuple] = OrderedDict()  # job id -> (its marks, JobSnapshot)
        self._reaped_at = -math.inf
        self._closed = threading.Event()  # set by close(): a page waiting for a job's end returns

    # --- procrastinate -------------------------------------------------------------------------
    def _queue_app(self) -> Any:
        with self._lock:
            if self._app is None:
                self._app = make_app(self.db.url, asynchronous=False).open()
            return self._app

    def close(self) -> None:
        """Close this process's connections (jobs keep training in their workers)."""
        self._closed.set()
        with self._lock:
            app, self._app = self._app, None
        if app is not None:
            app.close()
        if self._own_db:
            self.db.dispose()

    def worker_pids(self) -> list[int | None]:
        return []

    # --- admission ------------------------------------------------------------------------------
    def estimate(self, cfg: TrainConfig) -> tuple[int, Estimate]:
        n = self._params_fn(cfg)
        return n, policy.estimate(cfg, n)

    def _live(self, s) -> list[tuple[Participant | None, str]]:
        rows = s.scalars(select(LabJob).where(LabJob.status.in_(LIVE_STATUSES))).all()
        return [(owner_of(r), r.status) for r in rows]

    def check(self, cfg: TrainConfig, *, owner: Participant | None) -> Estimate:
        n, cost = self.estimate(cfg)
        with self.db.read() as s:
            policy.admit(who=owner, cfg=cfg, cost=cost, n_params=n, active=self._live(s), limits=self.limits)
        return cost

    def _lane(self, owner: Participant | None) -> str | None:
        """The procrastinate lock of `owner`'s next job: jobs sharing a lock train one at a time,
        so a participant allowed `max_running` runs at once gets that many lanes (the owner's key,
        then key#1, key#2, ...) and a new job joins the lane with the fewest live jobs. A lane's
        queued job waits for that lane's run, never for more than the limit."""
        if owner is None:
            return None
        n = max(1, self.limits.of(owner.role).max_running)
        if n == 1:
            return owner.key
        lanes = [owner.key, *(f"{owner.key}#{k}" for k in range(1, n))]
        with self.db.read() as s:
            busy = dict(
                s.execute(
                    text(
                        "SELECT lock, count(*) FROM procrastinate_jobs"
                        " WHERE status IN ('todo', 'doing') AND lock = ANY(:lanes) GROUP BY lock"
                    ),
                    {"lanes": lanes},
                ).all()
            )
        return min(lanes, key=lambda lane: busy.get(lane, 0))  # ties: the first

    @_changes
    def start(
        self,
        cfg: TrainConfig,
        *,
        owner: Participant | None = None,
        init_state: bytes | None = None,
        actor_id: int | None = None,
        room_id: int | None = None,
    ) -> str:
        """Validate and queue `cfg` for `owner`; returns the job id (ConfigError, JobRefused)."""
        cfg.validate()
        check_init_state(init_state, cfg)
        n, cost = self.estimate(cfg)
        job_id = secrets.token_hex(16)
        prio = priority_of(owner)
        with self.db.write() as s:
            s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADMIT_LOCK})
            policy.admit(who=owner, cfg=cfg, cost=cost, n_params=n, active=self._live(s), limits=self.limits)
            s.add(
                LabJob(
                    id=job_id,
                    owner_key=owner.key if owner else None,
                    owner_role=owner.role if owner else None,
                    owner_name=(owner.name or "")[:80] or None if owner else None,
                    actor_id=actor_id,
                    room_id=room_id,
                    config=to_dict(cfg),
                    status="queued",
                    priority=prio,
                    estimate={
                        "flops": cost.flops,
                        "seconds": cost.seconds,
                        "memory_bytes": cost.memory_bytes,
                    },
                    stop_requested=False,
                    paused=False,
                    step=0,
                    progress=0,
                    n_events=0,
                    metrics={},
                    device="",
                    error_params={},
                    n_params=n,
                    init_state=init_state,
                )
            )
        try:
            lock = self._lane(owner)
            qid = (
                self._queue_app()
                .configure_task(TASK, queue=LEADER_QUEUE if prio else QUEUE, priority=prio, lock=lock)
                .defer(job_id=job_id)
            )
        except Exception as exc:
            with self.db.write() as s:
                row = s.get(LabJob, job_id)
                row.status, row.ended_at = "failed", func.now()
                row.error, row.error_key = f"{type(exc).__name__}: {exc}", "lab.job.crashed"
                row.error_params = {"detail": f"{type(exc).__name__}: {exc}"}
            raise
        with self.db.write() as s:
            s.execute(
                LabJob.__table__.update()
                .where(LabJob.id == job_id, LabJob.queue_job_id.is_(None))
                .values(queue_job_id=qid)
            )
        return job_id

    # --- control ------------------------------------------------------------------------------
    def _controlled(self, s, job_id: str, by: Participant | None) -> LabJob | None:
        row = s.get(LabJob, job_id, with_for_update=True)
        if row is None or row.status not in LIVE_STATUSES:
            return None
        policy.require_control(by, owner_of(row))
        return row

    @_changes
    def stop(self, job_id: str, *, by: Participant | None) -> None:
        """Owner or leader: a queued job ends at once, a running one within a second."""
        with self.db.write() as s:
            row = self._controlled(s, job_id, by)
            if row is None:
                return
            if row.status == "queued":
                row.status, row.ended_at = "stopped", func.now()
                if row.queue_job_id is not None:
                    s.execute(
                        text("SELECT procrastinate_cancel_job_v1(:id, false, false)"),
                        {"id": row.queue_job_id},
                    )
            else:
                row.stop_requested = True
                notify_control(s, job_id)
            row.progress += 1

    cancel = stop

    def wait_ended(self, job_id: str, timeout: float) -> bool:
        """Wait at most `timeout` s for the job's row to show its end (the worker stores the run
        first); True once it does, or when the id is unknown. Reads the status every END_POLL_S."""
        deadline = time.monotonic() + timeout
        while True:
            with self.db.read() as s:
                status = s.scalar(select(LabJob.status).where(LabJob.id == job_id))
            if status not in LIVE_STATUSES:
                self.forget_active()
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self._closed.wait(min(END_POLL_S, left))

    def wait_started(self, job_id: str, timeout: float) -> bool:
        """Wait at most `timeout` s for a job a worker trains to take its first step; True once it
        has (or has ended, or the id is unknown). A job no worker has taken yet (queued) returns
        False at once: which worker takes it, and when, is the queue's business, and the page's
        poll shows its start. Reads the row every END_POLL_S."""
        deadline = time.monotonic() + timeout
        while True:
            with self.db.read() as s:
                row = s.execute(select(LabJob.status, LabJob.step).where(LabJob.id == job_id)).first()
            if row is None or row.status not in LIVE_STATUSES or row.step >= 1:
                return True
            left = deadline - time.monotonic()
            if row.status == "queued" or left <= 0:
                return False
            self._closed.wait(min(END_POLL_S, left))

    def pause(self, job_id: str, *, by: Participant | None) -> None:
        """Hold a running job between steps (it keeps its slot)."""
        self._set_pause(job_id, by, lambda row: (True, row.step))

    def resume(self, job_id: str, *, by: Participant | None) -> None:
        self._set_pause(job_id, by, lambda row: (False, None))

    def step(self, job_id: str, n: int, *, by: Participant | None) -> None:
        """Let a (paused) running job take `n` more steps, then hold it again."""
        check_step_n(n)
        self._set_pause(
            job_id, by, lambda row: (True, next_run_until(row.paused, row.run_until, row.step, n))
        )

    @_changes
    def _set_pause(self, job_id: str, by: Participant | None, how) -> None:
        with self.db.write() as s:
            row = self._controlled(s, job_id, by)
            if row is None or row.status != "running":
                return
            row.paused, row.run_until = how(row)
            row.progress += 1
            notify_control(s, job_id)

    @_changes
    def move_to_front(self, job_id: str, *, by: Participant | None) -> None:
        """A leader puts a queued job first in line (no-op for one that is not queued)."""
        policy.require_leader(by)
        with self.db.write() as s:
            s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADMIT_LOCK})
            row = s.get(LabJob, job_id, with_for_update=True)
            if row is None or row.status != "queued":
                return
            top = s.scalar(select(func.max(LabJob.priority)).where(LabJob.status == "queued")) or 0
            row.priority = top + 1
            row.progress += 1
            if row.queue_job_id is not None:
                s.execute(
                    text("UPDATE procrastinate_jobs SET priority = :p WHERE id = :id AND status = 'todo'"),
                    {"p": top + 1, "id": row.queue_job_id},
                )


__all__ = ["PgJobs"]
