"""The worker side of the PostgreSQL job queue: one procrastinate task trains one Lab job and keeps
its row current (core/lab/worker.py runs the procrastinate worker around it).

A job's progress goes to the database in batches at most every `FLUSH_S`, on time even while a
step computes (core/lab/jobs/pg_batches.py and the flusher thread: steps, evals, the probe's
attention maps as bytes; the first batch as soon as the first step is taken). The row's control
flags (stop, pause, run_until) are read every `CONTROL_S`, and at once when an app says they
changed (NOTIFY on `CONTROL_CHANNEL`, heard by the listener thread). The heartbeat thread touches
the rows of this process's running jobs every `HEARTBEAT_S` and fails other workers' silent jobs
(`reap`). When the job ends, the worker stores the run (core.lab.jobs.store) and only then shows
the final status, so a finished job already has its stored run, whichever app replica started it.
No Streamlit.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import InterfaceError, OperationalError

from core.lab.config import from_dict
from core.lab.jobs import policy
from core.lab.jobs.control import Control
from core.lab.jobs.pg_batches import Batches
from core.lab.jobs.pg_common import (
    CONTROL_CHANNEL,
    FLUSH_S,
    HEARTBEAT_S,
    Progress,
    encode_probe,
    finite,
    libpq_url,
    owner_of,
    prune,
    reap,
    worker_name,
)
from core.lab.jobs.state import JobSnapshot
from core.lab.jobs.store import Starter, store_in
from db.engine import Database
from db.models.lab_jobs import LabJob

log = logging.getLogger("core.lab.worker")

CONTROL_S = 0.2  # stop, pause and step reach the training loop within this (plus one step)
LISTEN_WAIT_S = 0.5  # how often the listener thread looks up from its connection (shutdown)
FLUSH_TICK_S = 0.05  # how often the flusher thread looks for progress due to be written
PRUNE_EVERY_S = 600.0  # how often a worker deletes jobs that ended over a day ago


class Runner:
    """Trains jobs for one worker process; `shutdown` ends its running jobs at the next step."""

    def __init__(self, db: Database, limits: policy.JobLimits | None = None) -> None:
        self.db = db
        self.limits = limits or policy.JobLimits.from_env()
        self.name = worker_name()
        self.shutdown = threading.Event()
        self._running: dict[str, _JobRun] = {}
        self._lock = threading.Lock()
        self._beat: threading.Thread | None = None
        self._listener: threading.Thread | None = None
        self._flusher: threading.Thread | None = None
        self.listening = threading.Event()  # set while the listener holds its LISTEN
        self.db_ok = True
        self._pruned_at = -PRUNE_EVERY_S

    # --- heartbeat and listener ------------------------------------------------------------------
    def start_heartbeat(self) -> None:
        """Start the heartbeat, the control listener and the flusher (daemon threads; they end on
        shutdown)."""
        self._beat = threading.Thread(target=self._heartbeat, name="lab-heartbeat", daemon=True)
        self._beat.start()
        self._listener = threading.Thread(target=self._listen, name="lab-control", daemon=True)
        self._listener.start()
        self._flusher = threading.Thread(target=self._flush_due, name="lab-flush", daemon=True)
        self._flusher.start()

    def _flush_due(self) -> None:
        """Write running jobs' progress once FLUSH_S has passed, also in the middle of a step."""
        while not self.shutdown.wait(FLUSH_TICK_S):
            with self._lock:
                jobs = list(self._running.values())
            for job in jobs:
                job.flush()

    def _listen(self) -> None:
        """Hear the apps' NOTIFYs: a running job of this worker re-reads its control flags at once,
        so a stop or pause reaches its training loop within one step instead of CONTROL_S later.
        Without the database it retries every HEARTBEAT_S (the row poll still works meanwhile)."""
        import psycopg

        while not self.shutdown.is_set():
            try:
                with psycopg.connect(libpq_url(self.db.url), autocommit=True) as conn:
                    conn.execute(f"LISTEN {CONTROL_CHANNEL}")
                    self.listening.set()
                    for job_id in self.running_ids():  # asked while nobody listened
                        self.wake(job_id)
                    while not self.shutdown.is_set():
                        for note in conn.notifies(timeout=LISTEN_WAIT_S):
                            self.wake(note.payload)
            except Exception:  # noqa: BLE001  the heartbeat says when the database is away
                pass
            self.listening.clear()
            self.shutdown.wait(HEARTBEAT_S)

    def running_ids(self) -> list[str]:
        with self._lock:
            return list(self._running)

    def wake(self, job_id: str) -> None:
        """Job `job_id`'s control flags changed: if this worker trains it, read them now."""
        with self._lock:
            job = self._running.get(job_id)
        if job is not None:
            job.control.refresh(force=True)

    def _heartbeat(self) -> None:
        while not self.shutdown.wait(HEARTBEAT_S):
            self.beat()

    def beat(self) -> None:
        """Touch this worker's running jobs; fail silent jobs of dead workers."""
        mine = self.running_ids()
        try:
            with self.db.write() as s:
                if mine:
                    s.execute(
                        update(LabJob)
                        .where(LabJob.id.in_(mine), LabJob.status == "running")
                        .values(heartbeat_at=func.now())
                    )
                for jid in reap(s):
                    log.warning("lab job %s: its worker stopped answering; marked failed", jid)
                if time.monotonic() - self._pruned_at >= PRUNE_EVERY_S:
                    self._pruned_at = time.monotonic()
                    prune(s)
            if not self.db_ok:
                log.warning("Lab worker: the database answers again")
            self.db_ok = True
        except Exception as exc:  # noqa: BLE001  the database may be away for a while: say so, retry
            if self.db_ok:
                log.error("Lab worker: cannot reach the database (%s); retrying every %g s", exc, HEARTBEAT_S)
            self.db_ok = False

    # --- one job ---------------------------------------------------------------------------------
    def run(self, job_id: str, queue_job_id: int | None = None) -> str | None:
        """Train job `job_id` to its end; returns its final status (None: not ours to run)."""
        with self.db.write() as s:
            row = s.execute(
                update(LabJob)
                .where(LabJob.id == job_id, LabJob.status == "queued")
                .values(
                    status="running",
                    started_at=func.now(),
                    heartbeat_at=func.now(),
                    worker=self.name,
                    queue_job_id=func.coalesce(LabJob.queue_job_id, queue_job_id),
                    progress=LabJob.progress + 1,
                )
                .returning(LabJob)
            ).scalar_one_or_none()
            if row is None:
                return None  # stopped while queued, or already taken
            init_state = s.scalar(select(LabJob.init_state).where(LabJob.id == job_id))
            job = _JobRun(self, row, init_state)
        with self._lock:
            self._running[job_id] = job
        try:
            return job.train()
        finally:
            with self._lock:
                self._running.pop(job_id, None)


class _JobRun:
    """One job being trained: its control, its buffered progress and its end."""

    def __init__(self, runner: Runner, row: LabJob, init_state: bytes | None) -> None:
        self.r, self.db, self.id = runner, runner.db, row.id
        self.cfg = from_dict(row.config)
        self.owner = owner_of(row)
        self.actor_id, self.room_id = row.actor_id, row.room_id
        self.init_state = init_state
        self.progress = Progress(
            runner.limits.max_probes, self.cfg.probe_every
        )  # what gets stored at the end
        self.t0 = time.perf_counter()
        self.batches = Batches(self.db, self.id, row.n_events, self.t0)  # what the row lacks yet
        self.note: tuple[str, str, dict] | None = None  # why it was stopped (time limit, shutdown)
        limit = runner.limits.of(self.owner.role).max_run_s if self.owner else None
        self.deadline = time.monotonic() + limit if limit else None
        self.control = Control(self._sync, sync_s=CONTROL_S)
        self.gone = False  # the row is no longer running (reaped while the database was away)

    def _sync(self, c: Control) -> None:
        if self.r.shutdown.is_set() and not c.stopped:
            self.note = ("lab.job.worker_shutdown", "WorkerShutdown: the worker was shut down", {})
            c.stop()
        if self.deadline is not None and time.monotonic() > self.deadline and not c.stopped:
            minutes = f"{self.r.limits.of(self.owner.role).max_run_s / 60:g}"
            self.note = (
                "lab.job.time_limit",
                f"TimeLimit: stopped after {minutes} minutes, the longest a run may train",
                {"minutes": minutes},
            )
            c.stop()
        try:
            with self.db.read() as s:
                got = s.execute(
                    select(LabJob.status, LabJob.stop_requested, LabJob.paused, LabJob.run_until).where(
                        LabJob.id == self.id
                    )
                ).one_or_none()
        except Exception:  # noqa: BLE001  the heartbeat says so; keep training meanwhile
            return
        if got is None or got.status != "running":
            self.gone = True
            c.stop()
            return
        if got.stop_requested:
            c.stop()
        c.set_state(paused=got.paused, run_until=got.run_until)

    def train(self) -> str:
        from core.lab.train import DoneEvent, EvalEvent, StepEvent, train

        final, done = "failed", None
        try:
            for ev in train(self.cfg, stop=self.control, control=self.control, init_state=self.init_state):
                if isinstance(ev, StepEvent):
                    row = [
                        ev.step,
                        finite(ev.loss),
                        finite(ev.token_acc),
                        finite(ev.grad_norm),
                        finite(ev.lr),
                    ]
                    self.progress.apply("steps", [row], None)
                    self.batches.add_step(row, ev.step / ev.elapsed_s if ev.elapsed_s > 0 else None)
                elif isinstance(ev, EvalEvent):
                    probe = None
                    if ev.probe is not None:
                        probe = policy.bound_probe(ev.probe.cpu(), self.r.limits.max_probe_bytes)
                    payload = [ev.step, finite(ev.val_loss), finite(ev.val_token_acc), finite(ev.val_seq_acc)]
                    before = set(self.progress.probes)
                    self.progress.apply("eval", payload, probe)
                    dropped = sorted(before - set(self.progress.probes))
                    self.batches.add_eval(payload, encode_probe(probe), dropped)
                    self.flush(force=self.control.paused)  # a paused run's probe is shown at once
                elif isinstance(ev, DoneEvent):
                    done, final = ev, ev.status
                self.flush(force=isinstance(ev, StepEvent) and ev.step == 1)
        except Exception as exc:  # noqa: BLE001  a broken run is reported, the worker goes on
            log.exception("lab job %s crashed", self.id)
            self._end("failed", None, error=("lab.job.crashed", f"{type(exc).__name__}: {exc}", {}))
            return "failed"
        if done is None:
            self._end("failed", None, error=("lab.job.crashed", "training ended without a DoneEvent", {}))
            return "failed"
        if final == "stopped" and self.gone:
            return "failed"  # someone already ended the row (its worker was thought dead)
        self._end(final, done, error=self.note if final == "stopped" else None)
        return final

    def flush(self, force: bool = False) -> None:
        self.batches.flush(force)

    def _end(self, status: str, done: Any, *, error: tuple[str, str, dict] | None) -> None:
        """Store the run and show the final status (with its run id) on the row, in one
        transaction: a page never sees the status without the run, and a Stop costs one commit.
        A run that cannot be stored still ends, its checkpoint kept on the row; a database away
        for a moment is waited for."""
        from core.lab.checkpoint import save_checkpoint

        self.flush(force=True)
        data = save_checkpoint(done.model, self.cfg) if done is not None and done.model is not None else None
        snap = None
        if done is not None:
            snap = JobSnapshot(
                self.id, self.cfg, status, None, done.step, None, None,
                self.progress.curves, dict(self.progress.probes), dict(done.metrics), None,
                done.n_params, done.device, error[1] if error else None, 0, self.owner, data,
            )  # fmt: skip
        for attempt in range(30):  # the database may be away for a moment: the end must get there
            try:
                with self.db.write() as s:
                    run_id = self._store(s, snap) if snap is not None else None
                    s.execute(
                        update(LabJob)
                        .where(LabJob.id == self.id, LabJob.status == "running")
                        .values(**self._end_values(status, done, error, data, run_id))
                    )
                return
            except Exception:  # noqa: BLE001
                log.warning(
                    "lab job %s: final status not written (database?); retry %d", self.id, attempt + 1
                )
                time.sleep(1.0)

    def _store(self, s: Any, snap: JobSnapshot) -> int | None:
        """The run stored in `s` under a savepoint; None when it could not be (logged), the
        transaction still usable for the status. The database going away is raised: retried."""
        try:
            with s.begin_nested():
                actor = Starter(self.actor_id) if self.actor_id is not None else None
                return store_in(s, self.id, self.cfg, snap, actor=actor, room_id=self.room_id)
        except (OperationalError, InterfaceError):
            raise
        except Exception:  # noqa: BLE001  the job still ends; its row says what trained
            log.exception("storing lab job %s failed", self.id)
            return None

    def _end_values(self, status: str, done: Any, error, data: bytes | None, run_id: int | None) -> dict:
        from core.lab.runs import keeps_checkpoint

        metrics = {
            k: finite(v) if isinstance(v, float) else v for k, v in (done.metrics if done else {}).items()
        }
        values: dict[str, Any] = dict(
            status=status,
            ended_at=func.now(),
            paused=False,
            progress=LabJob.progress + 1,
            metrics=metrics,
            run_id=run_id,
        )
        if done is not None:
            # The stored run keeps the checkpoint (pages read it there through run_id): writing
            # its megabytes to the job row too would double the end's largest write.
            kept = run_id is not None and status in ("finished", "stopped") and keeps_checkpoint(data)
            values.update(
                step=done.step,
                n_params=done.n_params,
                device=str(done.device)[:80],
                checkpoint=None if kept else data,
            )
        if error is not None:
            values.update(error_key=error[0], error=error[1], error_params=error[2] or {"detail": error[1]})
        return values


__all__ = ["CONTROL_S", "FLUSH_S", "Runner"]
