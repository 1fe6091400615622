"""Thread mode of the job registry: `train` runs in a thread of this process (the default with
CUDA, where one process owns the GPU, and with an injected `train_fn` for tests). A mixin of
`JobRegistry` (registry.py), split out by meaning: it uses the registry's lock (`_cond`),
`threads_per_job`, `_train_fn`, `_over_time` and the event appliers `_add_step` / `_add_eval`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.lab.jobs.state import Job


def accepts(fn: Callable, name: str) -> bool:
    """Does `fn` take keyword `name` (a test's fake train_fn may not know `control`)?"""
    import inspect

    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return name in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


class ThreadMode:
    """Training a job in a thread of this process."""

    def _train_in_thread(self, job: Job) -> str:
        import torch

        from core.lab.train import DoneEvent, EvalEvent, StepEvent, train

        if torch.get_num_threads() != self.threads_per_job:
            torch.set_num_threads(self.threads_per_job)
        fn = self._train_fn or train
        final = "failed"  # a generator that ends without a DoneEvent
        extra: dict[str, Any] = {}
        if fn is train or accepts(fn, "control"):
            extra["control"] = job.control
        if job.init_state is not None:
            extra["init_state"] = job.init_state
        for ev in fn(job.cfg, stop=job.stop, **extra):
            with self._cond:
                self._over_time(job)  # a thread cannot be killed: the limit asks it to stop
                if isinstance(ev, StepEvent):
                    self._add_step(job, ev.step, ev.loss, ev.token_acc, ev.grad_norm, ev.lr)
                elif isinstance(ev, EvalEvent):
                    self._add_eval(job, ev.step, ev.val_loss, ev.val_token_acc, ev.val_seq_acc, ev.probe)
                elif isinstance(ev, DoneEvent):
                    final = ev.status
                    job.step, job.metrics = ev.step, dict(ev.metrics)
                    job.model, job.n_params, job.device = ev.model, ev.n_params, ev.device
                job.version += 1
        return final
