"""Process mode of the job registry: a job trains in a slot's worker process while its thread here
applies the worker's batched events, watches for a stop the worker ignores, and retries once on a
fresh worker when the first one died before the job began.

A mixin of `JobRegistry` (registry.py), split out by meaning: it uses the registry's lock
(`_cond`), pool, limits, clock, `_over_time` and the event appliers `_add_step` / `_add_eval`.
"""

from __future__ import annotations

import pickle
import time

from core.lab.jobs.pool import Worker
from core.lab.jobs.state import Job, crashed, rebuild, worker_died

POLL_S = 0.25  # how often a job's reader looks at the watchdog while its worker is silent


class ProcessMode:
    """Training a job in a worker process (the CPU default)."""

    def _train_in_process(self, job: Job) -> str:
        assert self._pool is not None
        urgent = job.owner is not None and job.owner.is_leader  # a warm worker, the server's priority
        for attempt in (1, 2):
            i, w = self._pool.acquire(urgent)
            dead = False
            try:
                try:
                    with self._cond:  # a stop() before this is re-sent below; one after it sees job.worker
                        w.send(("run", job.id, job.cfg, self.limits.max_probe_bytes, job.init_state, urgent))
                        job.worker = w
                        if job.stop.is_set():
                            w.request_stop(job.id)
                        elif job.control.paused:
                            w.send_control(job.id, True, job.control.run_until)
                    final, dead, began = self._read(job, w)
                except OSError:
                    final, dead, began = None, True, False
                if final is not None:
                    return final
                if not began and attempt == 1 and not job.stop.is_set():
                    continue  # the worker died before the job began (an idle one killed): a fresh one
                worker_died(job, w.exitcode())
                return "failed"
            finally:
                with self._cond:
                    job.worker = None
                self._pool.release(i, dead=dead)
        raise AssertionError("unreachable")

    def _watch(self, job: Job, w: Worker) -> bool:
        """The watchdog, between messages: True when the worker ignored a stop past the grace
        time and was killed (the job then ends 'stopped', with a note saying so)."""
        with self._cond:
            self._over_time(job)
            if job.stop_at is None or self._clock() - job.stop_at <= self.limits.stop_grace_s:
                return False
            grace = self.limits.stop_grace_s
            if job.error_key != "lab.job.time_limit":
                job.fail(
                    "lab.job.worker_hung",
                    f"WorkerHung: the training process did not stop within {grace:g} s and was ended",
                    seconds=f"{grace:g}",
                )
            job.version += 1
        w.kill()
        return True

    def _read(self, job: Job, w: Worker) -> tuple[str | None, bool, bool]:
        """Apply the worker's messages until the job ends: (final status or None when the worker
        died, worker dead, the job began)."""
        began = False
        while True:
            try:
                if not w.conn.poll(POLL_S):  # waits without the GIL
                    if self._watch(job, w):
                        return "stopped", True, began
                    continue
                msg = pickle.loads(w.conn.recv_bytes())
            except (EOFError, OSError):
                return None, True, began
            kind = msg[0]
            if kind == "done":
                _, status, step, metrics, data, n_params, device = msg
                model = rebuild(data, job.cfg)  # outside the lock: a few ms of torch work
                with self._cond:
                    job.step, job.metrics = step, metrics
                    job.model, job.checkpoint, job.n_params, job.device = model, data, n_params, device
                    job.version += 1
                return status, False, True
            if kind == "error":
                crashed(job, msg[1])
                return "failed", False, began
            with self._cond:
                if kind == "steps":
                    for row in msg[1]:
                        self._add_step(job, *row)
                elif kind == "eval":
                    self._add_eval(job, *msg[1:])
                elif kind == "begin":
                    began = True
                    job.t0 = time.perf_counter()  # the speed shown excludes a cold worker's start
                job.version += 1
            if self._watch(job, w):
                return "stopped", True, began
