"""What a page waits on after pressing a button of the in-process registry's jobs (a mixin of
`JobRegistry`, split out by meaning: it uses the registry's lock `_cond` and jobs `_jobs`, and the
registry notifies `_cond` when a job ends and when it takes its first step).

After Stop the page waits for the end, after Train for the first step of a run that got a slot,
each bounded, so the one page run that follows shows the result instead of one poll later
(ui/lab/jobs.py STOP_WAIT_S, START_WAIT_S). The PostgreSQL back end reads its rows instead
(core/lab/jobs/pg.py).
"""

from __future__ import annotations


class Waiting:
    """wait_ended / wait_started for JobRegistry."""

    def wait_ended(self, job_id: str, timeout: float) -> bool:
        """Wait at most `timeout` s for the job to end (its run stored); True once it has, or
        when the id is unknown. The page waits this after a stop, so it shows the end at once."""

        def over() -> bool:
            job = self._jobs.get(job_id)
            return job is None or job.ended_at is not None

        with self._cond:
            return self._cond.wait_for(over, timeout)

    def wait_started(self, job_id: str, timeout: float) -> bool:
        """Wait at most `timeout` s for a job that holds a slot to take its first step; True once
        it has (or has ended, or the id is unknown). A job still queued returns False at once: no
        slot, nothing to wait for. The page waits this after Train, so the run that follows shows
        the run training instead of one poll later."""

        def moved() -> bool:
            job = self._jobs.get(job_id)
            return job is None or job.ended_at is not None or job.step >= 1 or job.status == "queued"

        with self._cond:
            self._cond.wait_for(moved, timeout)
            job = self._jobs.get(job_id)
            return job is None or job.ended_at is not None or job.step >= 1
