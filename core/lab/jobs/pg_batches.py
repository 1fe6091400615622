"""A PostgreSQL worker's unwritten progress of one running job (core/lab/jobs/pg_worker.py): the
training thread adds steps and evaluations, and `flush` writes them as event rows plus the job
row's step, speed and change counter, at most every `FLUSH_S` unless forced.

Two threads flush: the training thread after each event (forced for the first step, a paused run's
probe and the end) and the worker's flusher thread, which writes on time while a step is still
computing. So a slow step (a loaded CPU: 0.1-0.2 s) no longer stretches the time between writes
past FLUSH_S, and pages polling every 0.4 s see the curves move at least once a second.
No Streamlit.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import func, update

from core.lab.jobs.pg_common import FLUSH_S
from db.engine import Database
from db.models.lab_jobs import LabJob, LabJobEvent

log = logging.getLogger("core.lab.worker")

Batch = tuple[str, list, bytes | None]  # kind ("steps" | "eval"), payload, probe bytes
clock = time.perf_counter  # when a flush is due (tests drive their own)


class Batches:
    """Progress of job `job_id` not yet written; `seq` is the last event row already there."""

    def __init__(self, db: Database, job_id: str, seq: int, started: float) -> None:
        self.db, self.id, self.seq = db, job_id, seq
        self.pending: list[Batch] = []
        self.drop: list[int] = []  # eval steps whose probe bytes the keeper dropped
        self.step, self.speed = 0, None
        # The starting evaluation waits (at most FLUSH_S) for the first step and goes with it: the
        # page shows the run training one write sooner (0.5 s) than if they went separately.
        self.flushed_at = started
        self._lock = threading.Lock()  # the buffer: the training thread adds, a flush takes
        self._writing = threading.Lock()  # one write at a time, so event rows keep their order
        self.failing = False  # the last write failed (said once per streak, retried every FLUSH_S)

    def add_step(self, row: list, speed: float | None) -> None:
        with self._lock:
            if self.pending and self.pending[-1][0] == "steps":
                self.pending[-1][1].append(row)
            else:
                self.pending.append(("steps", [row], None))
            self.step = row[0]
            if speed is not None:
                self.speed = speed

    def add_eval(self, payload: list, probe: bytes | None, dropped: list[int]) -> None:
        with self._lock:
            self.pending.append(("eval", payload, probe))
            self.drop += dropped

    def flush(self, force: bool = False) -> None:
        """Write what is pending (unless the last try was under FLUSH_S ago and not `force`); a
        failed write keeps it for the next try."""
        with self._writing:
            now = clock()
            with self._lock:
                if not self.pending or (not force and now - self.flushed_at < FLUSH_S):
                    return
                batches, drop, step, speed = self.pending, self.drop, self.step, self.speed
                self.pending, self.drop = [], []
            try:
                self._write(batches, drop, step, speed)
                self.seq += len(batches)
                if self.failing:
                    log.warning("lab job %s: progress written again", self.id)
                self.failing = False
            except Exception:  # noqa: BLE001  kept and sent with the next batch, FLUSH_S later
                with self._lock:
                    self.pending, self.drop = batches + self.pending, drop + self.drop
                if not self.failing:
                    log.warning("lab job %s: progress not written yet (database?); retrying", self.id)
                self.failing = True
            self.flushed_at = now

    def _write(self, batches: list[Batch], drop: list[int], step: int, speed: float | None) -> None:
        with self.db.write() as s:
            for n, (kind, payload, probe) in enumerate(batches, start=self.seq + 1):
                s.add(LabJobEvent(job_id=self.id, seq=n, kind=kind, payload=payload, probe=probe))
            if drop:
                s.execute(
                    update(LabJobEvent)
                    .where(
                        LabJobEvent.job_id == self.id,
                        LabJobEvent.kind == "eval",
                        func.json_extract_path_text(LabJobEvent.payload, "0").in_([str(d) for d in drop]),
                    )
                    .values(probe=None)
                )
            s.execute(
                update(LabJob)
                .where(LabJob.id == self.id)
                .values(
                    step=step,
                    steps_per_s=speed,
                    n_events=self.seq + len(batches),
                    progress=LabJob.progress + 1,
                    heartbeat_at=func.now(),
                )
            )


__all__ = ["Batches"]
