"""Reading the PostgreSQL job queue: snapshots (a job's row plus its progress batches, each read
once per app process and cached), the "running now" list, recent jobs, and the heartbeat rule
applied on the way (`reap`, at most once a second per process). A mixin of `PgJobs` (pg.py),
split out by meaning: it uses its `db`, `limits`, `slots`, `_lock` and caches.

Every tab of a seminar room polls: its own run's progress, the running-now list, the projector's
board. Reading each job's row for each of them was a third of the server's CPU in a 30-person
room (docs/benchmarks.md). So an app process reads the change counters of all live jobs in one
query at most every MARKS_TTL_S (`_marks`), and a job's snapshot is read again only when its
counters moved; an ended job's snapshot does not change. This process's own changes (stop,
pause, ...) are seen at once; another process's within MARKS_TTL_S.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from sqlalchemy import func, or_, select

from core.lab.config import TrainConfig
from core.lab.jobs.pg_common import Progress, owner_of, reap
from core.lab.jobs.policy import Estimate
from core.lab.jobs.state import JobSnapshot, JobSummary, rebuild
from db.models.lab_jobs import LIVE_STATUSES, LabJob

REAP_EVERY_S = 1.0
KEEP_CACHED = 64  # jobs whose progress this process keeps in memory (re-read from rows otherwise)
KEEP_MODELS = 8  # ended jobs' models rebuilt from their checkpoints, kept for the after-training views
RECENT_S = 3600  # ended jobs listed by list_jobs / job_ids
ACTIVE_TTL_S = 0.5  # the "running now" list is shared this long by the tabs of one app process
MARKS_TTL_S = 0.1  # live jobs' change counters are shared this long by the tabs of one app process
KEEP_SNAPSHOTS = 256  # snapshots kept for reuse (an ended job's, until pushed out)


class PgReading:
    """What pages read of the PostgreSQL queue."""

    def _maybe_reap(self) -> None:
        now = time.monotonic()
        if now - self._reaped_at < REAP_EVERY_S:
            return
        self._reaped_at = now
        with self.db.write() as s:
            reap(s)

    def _queued_order(self, s) -> list[str]:
        return list(
            s.scalars(
                select(LabJob.id)
                .where(LabJob.status == "queued")
                .order_by(LabJob.priority.desc(), LabJob.created_at, LabJob.id)
            )
        )

    def _progress(self, s, job_id: str, cfg: TrainConfig) -> Progress:
        with self._lock:
            prog = self._cache.pop(job_id, None) or Progress(self.limits.max_probes, cfg.probe_every)
            self._cache[job_id] = prog
            while len(self._cache) > KEEP_CACHED:
                self._cache.popitem(last=False)
        prog.catch_up(s, job_id)
        return prog

    def _model(self, s, row: LabJob, cfg: TrainConfig) -> tuple[Any, bytes | None]:
        """An ended job's (model, checkpoint bytes) when its row holds them (its run could not be
        stored, or does not keep them): read and rebuilt once, then kept. A job whose stored run
        keeps the checkpoint leaves both to that run, (None, None): the page reads them there once
        per process, as for any stored run (ui/lab/after.py model_of), after drawing the run's end.
        Rebuilt here, every tab polling a job to its end rebuilt its model only to learn that it
        had ended (9% of a 30-person room's server samples), and a stopped run's page drew
        "stopped" only after the rebuild."""
        if row.status not in ("finished", "stopped"):
            return None, None
        with self._lock:
            got = self._models.get(row.id)
        if got is not None:
            return got
        data = s.scalar(select(LabJob.checkpoint).where(LabJob.id == row.id))  # deferred column
        if data is None:  # kept by the stored run (pg_worker._end), or none at all
            return None, None
        got = (rebuild(data, cfg), data)
        with self._lock:
            self._models[row.id] = got
            while len(self._models) > KEEP_MODELS:
                self._models.popitem(last=False)
        return got

    def snapshot(self, job_id: str) -> JobSnapshot | None:
        """The job as every replica sees it, or None for an unknown id. Read anew only when its
        change counters moved (module docstring); a queued job's place comes from `active()`."""
        self._maybe_reap()
        mark = self._marks().get(job_id)
        with self._lock:
            hit = self._snaps.get(job_id)
            if hit is not None:
                self._snaps.move_to_end(job_id)
        if hit is not None and hit[0] == mark:
            snap = replace(hit[1])
        else:
            snap = self._read_snapshot(job_id)
            if snap is None:
                return None
            ended = snap.status not in LIVE_STATUSES
            if ended or (mark is not None and mark[0] == snap.status):
                with self._lock:
                    self._snaps[job_id] = (None if ended else mark, snap)
                    while len(self._snaps) > KEEP_SNAPSHOTS:
                        self._snaps.popitem(last=False)
                snap = replace(snap)
        if snap.status == "queued":
            snap.queue_position = self._place(job_id)
        return snap

    def _marks(self) -> dict[str, tuple]:
        """{job id: (status, progress, events, step, paused)} of every live job, read at most every
        MARKS_TTL_S for all of this process's tabs (forgotten when this process changes a job)."""
        now = time.monotonic()
        with self._lock:
            hit = self._marks_at
        if hit is not None and now - hit[0] < MARKS_TTL_S:
            return hit[1]
        with self.db.read() as s:
            rows = s.execute(
                select(
                    LabJob.id, LabJob.status, LabJob.progress, LabJob.n_events, LabJob.step, LabJob.paused
                ).where(LabJob.status.in_(LIVE_STATUSES))
            ).all()
        marks = {r[0]: tuple(r[1:]) for r in rows}
        with self._lock:
            self._marks_at = (now, marks)
        return marks

    def _place(self, job_id: str) -> int | None:
        """A queued job's place in line, from the running-now list (shared for ACTIVE_TTL_S)."""
        for j in self.active():
            if j.job_id == job_id:
                return j.queue_position
        with self.db.read() as s:  # queued after the list was read
            order = self._queued_order(s)
        return order.index(job_id) + 1 if job_id in order else None

    def _read_snapshot(self, job_id: str) -> JobSnapshot | None:
        from core.lab.config import from_dict

        with self.db.read() as s:
            row = s.get(LabJob, job_id)
            if row is None:
                return None
            cfg = from_dict(row.config)
            prog = self._progress(s, job_id, cfg)
            if row.status not in LIVE_STATUSES:
                prog.settle(s, job_id)  # the probes its rows kept, the same in every app process
            pos = None  # a queued job's place: `snapshot` asks `_place`
            model, data = self._model(s, row, cfg)
            eta = None
            if row.status == "running" and row.steps_per_s:
                eta = (cfg.steps - row.step) / row.steps_per_s
            est = row.estimate or {}
            return JobSnapshot(
                job_id,
                cfg,
                row.status,
                pos,
                row.step,
                row.steps_per_s,
                eta,
                {k: list(v) for k, v in prog.curves.items()},
                dict(prog.probes),
                dict(row.metrics or {}),
                model,
                row.n_params,
                row.device,
                row.error,
                row.progress + prog.seq,
                owner_of(row),
                data,
                row.error_key,
                dict(row.error_params or {}),
                Estimate(est.get("flops", 0.0), est.get("seconds", 0.0), est.get("memory_bytes", 0.0)),
                paused=bool(row.paused) and row.status == "running",
                run_id=row.run_id,
            )

    def active(self) -> list[JobSummary]:
        """Running jobs, then queued ones in queue order: read at most every ACTIVE_TTL_S per app
        process (every tab's "running now" panel asks; this process's own changes read anew)."""
        now = time.monotonic()
        with self._lock:
            hit = self._active
        if hit is not None and now - hit[0] < ACTIVE_TTL_S:
            return list(hit[1])
        out = self._read_active()
        with self._lock:
            self._active = (now, out)
        return list(out)

    def forget_active(self) -> None:
        """This process changed a job: the next `active()` and snapshots read the rows."""
        with self._lock:
            self._active = None
            self._marks_at = None

    def _read_active(self) -> list[JobSummary]:
        from core.lab.config import from_dict

        self._maybe_reap()
        with self.db.read() as s:
            running = s.scalars(
                select(LabJob).where(LabJob.status == "running").order_by(LabJob.started_at)
            ).all()
            queued = s.scalars(
                select(LabJob)
                .where(LabJob.status == "queued")
                .order_by(LabJob.priority.desc(), LabJob.created_at, LabJob.id)
            ).all()
        out, busy = [], []
        for r in running:
            steps = from_dict(r.config).steps
            left = (steps - r.step) / r.steps_per_s if r.steps_per_s else None
            busy.append(left if left is not None else (r.estimate or {}).get("seconds", 0.0))
            out.append(self._summary(r, None, left))
        ahead = sorted(busy)
        for pos, r in enumerate(queued, start=1):
            out.append(self._summary(r, pos, (sum(ahead) / self.slots) if ahead else 0.0))
            ahead.append((r.estimate or {}).get("seconds", 0.0))
        return out

    @staticmethod
    def _summary(r: LabJob, pos: int | None, eta: float | None) -> JobSummary:
        cfg = r.config
        return JobSummary(
            r.id,
            owner_of(r),
            cfg["model"]["kind"],
            cfg["task"],
            r.status,
            r.step,
            cfg["steps"],
            pos,
            eta,
            paused=bool(r.paused) and r.status == "running",
        )

    def _recent_ids(self, s) -> list[str]:
        return list(
            s.scalars(
                select(LabJob.id)
                .where(
                    or_(
                        LabJob.status.in_(LIVE_STATUSES),
                        LabJob.ended_at > func.now() - func.make_interval(0, 0, 0, 0, 0, 0, RECENT_S),
                    )
                )
                .order_by(LabJob.created_at)
            )
        )

    def job_ids(self) -> set[str]:
        """Live jobs and those that ended within the last hour."""
        with self.db.read() as s:
            return set(self._recent_ids(s))

    def list_jobs(self) -> list[JobSnapshot]:
        """Snapshots of live and recently ended jobs, oldest first."""
        with self.db.read() as s:
            ids = self._recent_ids(s)
        return [snap for j in ids if (snap := self.snapshot(j)) is not None]
