"""The process-wide job registry (an `st.cache_resource` singleton) and its bridge to the page.

Training runs in the engine's JobRegistry (worker processes on CPU, threads on a GPU), which
never calls `st.*`; its rules (owner, limits, who may stop) are core's. When a job ends, the
registry's `on_done` callback stores the run through `core.lab.runs` into the database the job
was started from; the page finds the stored run id through `stored_run_id(job_id)`. A job's
metadata is kept until the registry has forgotten the job, so every run that trained is stored
(the number of live jobs is bounded by the queue's limits, not here).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

import streamlit as st

from core.accounts.members import Actor
from core.lab import rooms as lab_rooms
from core.lab import runs as lab_runs
from core.lab.config import TrainConfig
from core.lab.jobs.policy import Estimate, Participant
from core.lab.view import RunView
from db.engine import Database

log = logging.getLogger(__name__)


@dataclass
class _Meta:
    cfg: TrainConfig
    db: Database
    actor: Actor | None
    run_id: int | None = None
    store_error: str | None = None
    room_id: int | None = None  # the seminar room it was started in (core.lab.rooms)


class LabJobs:
    """JobRegistry plus what the page needs around it: who started a job, where to store it."""

    def __init__(self, registry_cls=None) -> None:
        self._meta: dict[str, _Meta] = {}
        self._lock = threading.Lock()
        self.registry = (registry_cls or _registry_class())(on_done=self._on_done)

    def start(
        self,
        cfg: TrainConfig,
        *,
        db: Database,
        actor: Actor | None,
        who: Participant,
        room_id: int | None = None,
    ) -> str:
        """Queue a training job for `who` (JobRefused names the limit it would pass); returns its id.
        `room_id`: the seminar room it starts in (who must have joined it; the room lists the run)."""
        with self._lock:  # held across start(): on_done of a tiny job waits for the metadata
            if room_id is not None:
                with db.read() as s:
                    lab_rooms.may_run(session=s, room_id=room_id, who=who)
            known = self.registry.job_ids()
            for old in [j for j in self._meta if j not in known]:  # ended, stored and forgotten
                del self._meta[old]
            job_id = self.registry.start(cfg, owner=who)
            self._meta[job_id] = _Meta(cfg, db, actor, room_id=room_id)
            if room_id is not None:
                try:
                    with db.write() as s:
                        lab_rooms.add_run(session=s, room_id=room_id, who=who, job_id=job_id, cfg=cfg)
                except Exception:
                    self.registry.stop(job_id, by=None)  # the room ended this instant: no run outside it
                    raise
        return job_id

    def check(self, cfg: TrainConfig, *, who: Participant) -> Estimate:
        """The estimate of a validated config, or JobRefused if `who` could not start it now."""
        return self.registry.check(cfg, owner=who)

    def stop(self, job_id: str, *, by: Participant) -> None:
        """Ask a job to stop (its owner or a leader; PermissionDenied for anyone else)."""
        self.registry.stop(job_id, by=by)

    def move_to_front(self, job_id: str, *, by: Participant) -> None:
        """A leader puts a queued job first."""
        self.registry.move_to_front(job_id, by=by)

    def active(self) -> list:
        """Running and queued jobs (JobSummary), running first, then in queue order."""
        return self.registry.active()

    def stored_run_id(self, job_id: str) -> int | None:
        """The LabRun id the job was stored as, once it ended."""
        meta = self._meta.get(job_id)
        return meta.run_id if meta else None

    def view(self, job_id: str) -> RunView | None:
        """The job as the page draws it, or None when this server does not know the id."""
        try:
            snap = self.registry.snapshot(job_id)
        except KeyError:
            return None
        if snap is None:
            return None
        from core.lab.snapshots import view_of_snapshot

        meta = self._meta.get(job_id)
        v = view_of_snapshot(job_id, snap)
        v.run_id = meta.run_id if meta else None
        return v

    def _on_done(self, job_id: str, snap: Any) -> None:
        # Runs in the job's thread: no st.* here. start() holds the lock until the metadata
        # is registered, so even a job that ends at once finds it.
        with self._lock:
            meta = self._meta.get(job_id)
        if meta is None:
            log.warning("lab job %s ended without page metadata; not stored", job_id)
            return
        try:
            from core.lab.snapshots import record_of_snapshot

            record = record_of_snapshot(meta.cfg, snap)
            with meta.db.write() as s:
                run_id = lab_runs.store_run(session=s, by=meta.actor, record=record).id
                if meta.room_id is not None:
                    lab_rooms.attach_run(session=s, job_id=job_id, run_id=run_id)
            meta.run_id = run_id  # published once committed: whoever sees it finds the run and its room link
        except Exception as exc:  # noqa: BLE001  a failed save must not kill the worker thread
            meta.store_error = str(exc)
            log.exception("storing lab job %s failed", job_id)


def _registry_class():
    """The engine's JobRegistry (imported lazily: pages that never train stay light)."""
    from core.lab.jobs.registry import JobRegistry

    return JobRegistry


@st.cache_resource(show_spinner=False)
def lab_jobs() -> LabJobs:
    """The one registry of this server process (survives reruns, page switches and reloads)."""
    return LabJobs()


__all__ = ["LabJobs", "lab_jobs"]
