"""Pause, "step N" and stop of one training run, as `core.lab.train.train` sees them.

A `Control` is handed to `train(cfg, stop=control, control=control)`. Before each step the loop
asks `held(step)`: a paused run may still take the steps up to `run_until` (what "step 10" asked
for); past it the loop records a probe where it stands and `wait`s. Pausing only delays steps, so
a paused, stepped and resumed run computes exactly the losses of an uninterrupted one.

Whoever owns the run sets the state: the in-process registry directly (`set_state`, `stop`), a
worker process from its socket, the PostgreSQL worker from the job's row. `sync` (optional) is
called to refresh the state from such a source, at most every `sync_s` seconds, and while waiting.
No torch, no Streamlit.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

MAX_STEP_N = 1000  # "step N": at most this many steps per click
WAIT_S = 0.1  # how often a paused run looks again (a stop or resume reaches it within this)


def next_run_until(paused: bool, run_until: int | None, step: int, n: int) -> int:
    """Where a "step n" leaves a run at `step`: n more steps past what was already allowed."""
    base = step if not paused or run_until is None else max(run_until, step)
    return base + n


def check_step_n(n: int) -> int:
    """A "step N" count: a whole number from 1 to MAX_STEP_N (InvalidInput otherwise)."""
    from core.errors import InvalidInput

    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_STEP_N:
        raise InvalidInput("lab.job.step_n", limit=MAX_STEP_N)
    return n


def check_init_state(data: bytes | None, cfg: Any) -> None:
    """A checkpoint to continue from must load safely and fit `cfg` (ConfigError says why not)."""
    if data is None:
        return
    import torch

    from core.lab.checkpoint import load_checkpoint

    with torch.random.fork_rng(devices=[]):
        load_checkpoint(data, cfg)


class Control:
    """The state one run's training loop reads: paused, run_until, stopped (thread-safe)."""

    def __init__(
        self,
        sync: Callable[[Control], None] | None = None,
        *,
        sync_s: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._cond = threading.Condition()
        self.paused = False
        self.run_until: int | None = None
        self.stopped = False
        self._sync, self._sync_s, self._clock = sync, sync_s, clock
        self._synced_at = -1e18

    # --- the owner's side -------------------------------------------------------------------
    def set_state(self, *, paused: bool, run_until: int | None) -> None:
        """Pause (run_until: steps still allowed), or resume (paused False)."""
        with self._cond:
            self.paused, self.run_until = paused, (run_until if paused else None)
            self._cond.notify_all()

    def stop(self) -> None:
        """End the run at the next step boundary (a paused run too)."""
        with self._cond:
            self.stopped = True
            self._cond.notify_all()

    # --- the loop's side ----------------------------------------------------------------------
    def refresh(self, force: bool = False) -> None:
        """Ask the source for the current state (throttled to `sync_s`)."""
        if self._sync is None:
            return
        now = self._clock()
        if force or now - self._synced_at >= self._sync_s:
            self._synced_at = now
            self._sync(self)

    def is_set(self) -> bool:
        """The stop flag (train()'s `stop` protocol)."""
        self.refresh()
        return self.stopped

    def held(self, step: int) -> bool:
        """Must the loop wait before taking `step`?"""
        self.refresh()
        with self._cond:
            return not self.stopped and self.paused and (self.run_until is None or step > self.run_until)

    def wait(self, step: int) -> None:
        """Block until `step` may run (resumed, stepped past) or the run is stopped."""
        while True:
            self.refresh(force=True)
            with self._cond:
                if self.stopped or not self.paused or (self.run_until is not None and step <= self.run_until):
                    return
                self._cond.wait(max(WAIT_S, self._sync_s))


__all__ = ["MAX_STEP_N", "Control", "check_init_state", "check_step_n", "next_run_until"]
