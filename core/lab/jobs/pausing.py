"""Pause, resume and "step N" of the in-process registry's running jobs (a mixin of `JobRegistry`,
split out by meaning: it uses the registry's lock `_cond` and jobs `_jobs`).

The job's `Control` (core/lab/jobs/control.py) holds the state; thread mode's training loop reads
it directly, process mode's worker gets it as a ("control", job_id, paused, run_until) message.
A paused job keeps its slot. Only the owner or a leader may pause or step (policy.require_control).
"""

from __future__ import annotations

from core.lab.jobs import policy
from core.lab.jobs.control import check_step_n, next_run_until
from core.lab.jobs.policy import Participant
from core.lab.jobs.state import Job


class Pausing:
    """pause / resume / step for JobRegistry."""

    def pause(self, job_id: str, *, by: Participant | None) -> None:
        """Hold a running job before its next step (no-op for one that is not running)."""
        self._set_pause(job_id, by, paused=True, n=None)

    def resume(self, job_id: str, *, by: Participant | None) -> None:
        """Let a paused job train on."""
        self._set_pause(job_id, by, paused=False, n=None)

    def step(self, job_id: str, n: int, *, by: Participant | None) -> None:
        """Let a running job take `n` more steps, then hold it (pauses a job that was not)."""
        check_step_n(n)
        self._set_pause(job_id, by, paused=True, n=n)

    def _set_pause(self, job_id: str, by: Participant | None, *, paused: bool, n: int | None) -> None:
        with self._cond:
            job: Job | None = self._jobs.get(job_id)
            if job is None or job.ended_at is not None:
                return
            policy.require_control(by, job.owner)
            if job.status != "running" or job.stop.is_set():
                return
            c = job.control
            run_until = next_run_until(c.paused, c.run_until, job.step, n) if n is not None else None
            c.set_state(paused=paused, run_until=run_until)
            job.version += 1
            if job.worker is not None:
                job.worker.send_control(job.id, c.paused, c.run_until)
