"""The process-wide job back end (an `st.cache_resource` singleton) and its bridge to the page.

Training runs in the job back end the database picks (core.lab.jobs.backend): with SQLite the
in-process JobRegistry (worker processes on CPU, threads on a GPU), with PostgreSQL the
procrastinate queue trained by `python -m core.lab.worker` processes. Neither calls `st.*`; their
rules (owner, limits, who may stop, pause or step) are core's. When an in-process job ends, the
registry's `on_done` callback stores the run (core.lab.jobs.store) into the database the job was
started from; a PostgreSQL worker stores its runs itself. The page finds the stored run id
through `stored_run_id(job_id)`. A job's metadata is kept until the registry has forgotten the
job, so every run that trained is stored (the number of live jobs is bounded by the queue's
limits, not here).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

import streamlit as st

from core.accounts.members import Actor
from core.lab import rooms as lab_rooms
from core.lab.config import TrainConfig
from core.lab.jobs.policy import Estimate, Participant
from core.lab.view import RunView
from db.engine import Database

log = logging.getLogger(__name__)

STOP_WAIT_S = 2.0  # after a stop, the page waits at most this long for the run's end to show it
START_WAIT_S = 1.0  # after Train, the page waits at most this long for a run with a slot to take a step


@dataclass
class _Meta:
    cfg: TrainConfig
    db: Database
    actor: Actor | None
    run_id: int | None = None
    store_error: str | None = None
    room_id: int | None = None  # the seminar room it was started in (core.lab.rooms)


class LabJobs:
    """The job back end plus what the page needs around it: who started a job, where to store it."""

    def __init__(self, registry_cls=None) -> None:
        self._meta: dict[str, _Meta] = {}
        self._paused: dict[str, bool] = {}
        self._lock = threading.Lock()
        self.registry = (registry_cls or _registry_class())(on_done=self._on_done)
        # The PostgreSQL queue's workers store runs themselves (whichever replica started them).
        self.stores_runs = getattr(self.registry, "mode", "") == "postgres"

    def start(
        self,
        cfg: TrainConfig,
        *,
        db: Database,
        actor: Actor | None,
        who: Participant,
        room_id: int | None = None,
        init_state: bytes | None = None,
    ) -> str:
        """Queue a training job for `who` (JobRefused names the limit it would pass); returns its id.
        `room_id`: the seminar room it starts in (who must have joined it; the room lists the run).
        `init_state`: a checkpoint's bytes (core.lab.checkpoint) to continue training from
        (ConfigError when it does not fit `cfg`)."""
        with self._lock:  # held across start(): on_done of a tiny job waits for the metadata
            if room_id is not None:
                with db.read() as s:
                    lab_rooms.may_run(session=s, room_id=room_id, who=who)
            known = self.registry.job_ids()
            for old in [j for j in self._meta if j not in known]:  # ended, stored and forgotten
                del self._meta[old]
            for old in [j for j in self._paused if j not in known]:
                del self._paused[old]
            extra = {"init_state": init_state} if init_state is not None else {}
            if self.stores_runs:
                extra.update(actor_id=actor.id if actor is not None else None, room_id=room_id)
            job_id = self.registry.start(cfg, owner=who, **extra)
            if not self.stores_runs:
                self._meta[job_id] = _Meta(cfg, db, actor, room_id=room_id)
            if room_id is not None:
                try:
                    with db.write() as s:
                        lab_rooms.add_run(session=s, room_id=room_id, who=who, job_id=job_id, cfg=cfg)
                except Exception:
                    self.registry.stop(job_id, by=None)  # the room ended this instant: no run outside it
                    raise
                if self.stores_runs:  # a worker that already stored it found no room row to link yet
                    snap = self.registry.snapshot(job_id)
                    if snap is not None and snap.run_id is not None:
                        with db.write() as s:
                            lab_rooms.attach_run(session=s, job_id=job_id, run_id=snap.run_id)
        return job_id

    def check(self, cfg: TrainConfig, *, who: Participant) -> Estimate:
        """The estimate of a validated config, or JobRefused if `who` could not start it now."""
        return self.registry.check(cfg, owner=who)

    def stop(self, job_id: str, *, by: Participant, wait_s: float = STOP_WAIT_S) -> None:
        """Ask a job to stop (its owner or a leader; PermissionDenied for anyone else), then wait
        at most `wait_s` for its end: a page that reruns after that shows the stopped run at once
        instead of one poll and one more full run later."""
        self.registry.stop(job_id, by=by)
        if wait_s > 0:
            self.registry.wait_ended(job_id, wait_s)

    def wait_started(self, job_id: str, wait_s: float = START_WAIT_S) -> None:
        """Wait at most `wait_s` for a job that got a slot to take its first step (not for a queued
        one): the page run after Train then shows the run training, not one poll later. A room's
        presenter pressing Train waited 0.5 s more for that poll."""
        if wait_s > 0:
            self.registry.wait_started(job_id, wait_s)

    def move_to_front(self, job_id: str, *, by: Participant) -> None:
        """A leader puts a queued job first."""
        self.registry.move_to_front(job_id, by=by)

    def pause(self, job_id: str, *, by: Participant) -> None:
        """Hold a running job between steps (owner or leader; it keeps its slot)."""
        self.registry.pause(job_id, by=by)
        self._paused[job_id] = True

    def resume(self, job_id: str, *, by: Participant) -> None:
        """Let a paused job train on (owner or leader)."""
        self.registry.resume(job_id, by=by)
        self._paused[job_id] = False

    def step(self, job_id: str, n: int, *, by: Participant) -> None:
        """Let a running job take `n` more steps, then hold it (owner or leader)."""
        self.registry.step(job_id, n, by=by)
        self._paused[job_id] = True

    def paused(self, job_id: str) -> bool:
        """Was the job paused when it was last looked at (`view`) or told so?"""
        return self._paused.get(job_id, False)

    def active(self) -> list:
        """Running and queued jobs (JobSummary), running first, then in queue order."""
        return self.registry.active()

    def stored_run_id(self, job_id: str) -> int | None:
        """The LabRun id the job was stored as, once it ended."""
        meta = self._meta.get(job_id)
        if meta is not None or not self.stores_runs:
            return meta.run_id if meta else None
        snap = self.registry.snapshot(job_id)
        return snap.run_id if snap is not None and snap.status not in ("queued", "running") else None

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
        v.run_id = meta.run_id if meta else snap.run_id
        self._paused[job_id] = bool(snap.paused)
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
            from core.lab.jobs.store import store_ended

            run_id = store_ended(meta.db, job_id, meta.cfg, snap, actor=meta.actor, room_id=meta.room_id)
            meta.run_id = run_id  # published once committed: whoever sees it finds the run and its room link
        except Exception as exc:  # noqa: BLE001  a failed save must not kill the worker thread
            meta.store_error = str(exc)
            log.exception("storing lab job %s failed", job_id)


PAUSE_KEY = "lab_job_pause"  # the pause/resume toggle (a presenter's space bar is bound to it)
STEP_NS = (1, 10, 100)


def step_key(n: int) -> str:
    """The "step n" button's key (`lab_job_step_1` is bound to the right arrow)."""
    return f"lab_job_step_{n}"


def live_controls(job_id: str, who: Participant) -> None:
    """Pause / Resume and Step 1 / 10 / 100 of a running job, for its owner or a leader (nothing
    for anyone else, or for a job that is not training)."""
    from core.lab.jobs.policy import may_control
    from ui.shell.actions import attempt
    from ui.shell.i18n import t

    jobs = lab_jobs()
    snap = jobs.registry.snapshot(job_id)
    if snap is None or snap.status != "running" or not may_control(who, snap.owner):
        return
    cols = st.columns([2, 1, 1, 1, 3], vertical_alignment="center")
    if snap.paused:
        label, icon, call = t("lab.job.resume"), ":material/play_arrow:", jobs.resume
    else:
        label, icon, call = t("lab.job.pause"), ":material/pause:", jobs.pause
    if cols[0].button(label, key=PAUSE_KEY, icon=icon, help=t("lab.job.pause_help")):
        if attempt(lambda: call(job_id, by=who) or True):
            st.rerun()
    for col, n in zip(cols[1:4], STEP_NS, strict=True):
        if col.button(
            t("lab.job.step_button", n=n),
            key=step_key(n),
            icon=":material/skip_next:",
            help=t("lab.job.step_help", n=n),
        ):
            if attempt(lambda n=n: jobs.step(job_id, n, by=who) or True):
                st.rerun()
    if snap.paused:
        cols[4].caption(t("lab.job.paused_at", step=snap.step))


def _registry_class():
    """The job back end's factory for the app's database (imported lazily: pages that never train
    stay light); tests put a thread-mode JobRegistry with a fake train_fn here."""
    from core.lab.jobs.backend import open_jobs

    return open_jobs


@st.cache_resource(show_spinner=False)
def lab_jobs() -> LabJobs:
    """The one registry of this server process (survives reruns, page switches and reloads)."""
    return LabJobs()


__all__ = ["PAUSE_KEY", "STEP_NS", "LabJobs", "lab_jobs", "live_controls", "step_key"]
