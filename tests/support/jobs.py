"""A fake `train_fn` for JobRegistry tests in thread mode, and participants of each role."""

from __future__ import annotations

import threading
import time

import torch

from core.lab.jobs.policy import Participant
from core.lab.models import DecodeResult
from core.lab.train import DoneEvent, EvalEvent, StepEvent

LEADER = Participant("member:1", "leader", "Lee")
ANN = Participant("member:2", "member", "Ann")
BO = Participant("member:3", "member", "Bo")
GUEST = Participant("guest:" + "a" * 32, "guest")
ENDED = ("finished", "stopped", "diverged", "failed")


def guest(n: int) -> Participant:
    """The n-th distinct guest."""
    return Participant(f"guest:{n:032x}", "guest")


def probe(heads: int = 2, t: int = 6, layers: int = 1) -> DecodeResult:
    """A probe like a Transformer's: maps (1, H, T, T) per layer and kind, float32."""
    att = {
        f"{kind}/{i}": torch.rand(1, heads, t, t)
        for kind in ("cross", "enc_self", "dec_self")
        for i in range(layers)
    }
    return DecodeResult(torch.zeros(1, t, dtype=torch.long), att)


class Fake:
    """A train_fn: `cfg.steps` StepEvents (an EvalEvent with a probe every `cfg.eval_every`), each
    run optionally held at a gate per seed until released; records the seeds in training order."""

    def __init__(self, *, gated: bool = False, delay: float = 0.0, probe_fn=None):
        self.gates: dict[int, threading.Event] = {}
        self.gated, self.delay, self.probe_fn = gated, delay, probe_fn
        self.calls: list[int] = []

    def gate(self, seed: int) -> threading.Event:
        return self.gates.setdefault(seed, threading.Event())

    def release_all(self) -> None:
        self.gated = False
        for g in list(self.gates.values()):
            g.set()

    def __call__(self, cfg, *, stop):
        self.calls.append(cfg.seed)
        if self.gated:
            self.gate(cfg.seed).wait(10)
        step = 0
        for step in range(1, cfg.steps + 1):
            if stop.is_set():
                yield DoneEvent("stopped", step - 1, {}, None, 0, "cpu")
                return
            yield StepEvent(step, 1.0 / step, 0.5, 0.1, 1e-3, 0.0)
            if step % cfg.eval_every == 0:
                p = self.probe_fn() if self.probe_fn else None
                yield EvalEvent(step, 0.5, 0.5, 0.25, p)
            if self.delay:
                time.sleep(self.delay)  # simulated work per step, not a wait
        yield DoneEvent("finished", step, {"steps_per_s": 100.0}, None, 42, "cpu")
