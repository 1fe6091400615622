"""The rules of the Lab's job queue, apart from how jobs run: who owns a job and who may stop or
reorder it, who goes first, how much one participant may queue, how much work one run may ask
for, and how many attention probes a job keeps.

Pure (no torch, no threads, no Streamlit): the in-process `JobRegistry` calls it today, and a
database-backed queue can call the same functions later.

Work is estimated before a job starts, from the config alone: training FLOPs ~ 3 x forward, the
forward pass ~ 2 x parameters x tokens plus the attention scores (T^2 per layer and map). Budgets
are FLOPs per role, so "too much" means the same on any machine; seconds and memory are shown
beside them as what this server would take (`THROUGHPUT_FLOPS`, measured in docs/benchmarks.md).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from core.errors import InvalidInput, PermissionDenied

ROLES = ("leader", "member", "guest")
# Estimated FLOPs one CPU training thread gets through per second on these models (measured
# 110-150e9 from the tab defaults to 5.5M-parameter models, docs/benchmarks.md; the count is
# generous, so it runs above the chip's real rate): turns an estimate into the seconds shown.
# Estimates, not promises: the wall-time cap per role is the guard.
THROUGHPUT_FLOPS = 1.2e11
# Each attention score of each head also goes through scale, mask, softmax and dropout and their
# backward: memory-bound work the FLOP count misses, and the cost of many small heads (measured
# 2026-12-03: d_model 16, 5 layers, T 48, batch 128 took 0.07 s a step with 1 head, 1.17 s with 16).
# Counted as this many FLOP-equivalents per score, forward and backward together.
SCORE_COST_FLOPS = 1000
ENV_PREFIX = "STUDY_LAB_"
LEADER_SLOTS_ENV = "STUDY_LAB_LEADER_SLOTS"  # slots only leaders' runs take (the presenter's)
MAX_LEADER_SLOTS = 8


def leader_slots(env: Mapping[str, str] | None = None) -> int:
    """Training slots kept for leaders' runs on top of everyone's: a presenter's run starts at once
    even while the room's runs fill every other slot (default 1; 0 turns it off)."""
    raw = (os.environ if env is None else env).get(LEADER_SLOTS_ENV, "").strip()
    if not raw:
        return 1
    if not raw.isdigit() or int(raw) > MAX_LEADER_SLOTS:
        raise ValueError(
            f"{LEADER_SLOTS_ENV} must be a whole number from 0 to {MAX_LEADER_SLOTS}, not {raw!r}"
        )
    return int(raw)


def slot_limit(who: Participant | None, slots: int, reserved: int) -> int:
    """How many jobs may be training when `who`'s job takes a slot: everyone's slots, plus the
    leaders' own for a leader."""
    return slots + (reserved if who is not None and who.is_leader else 0)


@dataclass(frozen=True)
class Participant:
    """Who started (or acts on) a job: a member ("member:<id>") or a guest's browser ("guest:<hex>").
    `name` is what others see (a member's display name, a guest's nickname, or None: "guest")."""

    key: str
    role: str
    name: str | None = None

    @property
    def is_leader(self) -> bool:
        """Leaders stop, cancel and reorder any job; their runs go first."""
        return self.role == "leader"


@dataclass(frozen=True)
class RoleLimits:
    """What one participant of a role may ask of the queue."""

    max_steps: int
    max_params: int
    max_tflop: float  # estimated training compute of one run
    max_gb: float = 4.0  # estimated peak memory of one run
    max_running: int = 1
    max_queued: int = 1
    max_run_s: float = 1800.0  # wall time a run may hold a slot before it is stopped


@dataclass(frozen=True)
class JobLimits:
    """Every limit of the queue. Defaults keep a seminar on one CPU server responsive; each can be
    set by environment, e.g. STUDY_LAB_GUEST_MAX_STEPS, STUDY_LAB_MEMBER_MAX_TFLOP, STUDY_LAB_MAX_QUEUED."""

    roles: Mapping[str, RoleLimits] = field(
        default_factory=lambda: {
            "guest": RoleLimits(2000, 500_000, max_tflop=20.0, max_gb=1.0, max_run_s=600.0),
            "member": RoleLimits(20000, 5_000_000, max_tflop=200.0, max_gb=3.0, max_run_s=1800.0),
            "leader": RoleLimits(20000, 50_000_000, max_tflop=1000.0, max_gb=8.0, max_run_s=7200.0),
        }
    )
    max_queued: int = 64  # queued jobs of everyone together
    max_probes: int = 32  # attention probes a job keeps (evenly spaced)
    max_probe_bytes: int = 256 * 1024  # one probe's attention maps (float16)
    stop_grace_s: float = 5.0  # a stop not acknowledged within this kills the worker

    def of(self, role: str) -> RoleLimits:
        """The limits of a role (unknown roles get a guest's)."""
        return self.roles.get(role, self.roles["guest"])

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> JobLimits:
        """The defaults, overridden by STUDY_LAB_<ROLE>_<LIMIT> and STUDY_LAB_<LIMIT> settings."""
        env = os.environ if env is None else env
        base = cls()
        roles = {}
        for role, lim in base.roles.items():
            changes = {}
            for name, value in vars(lim).items():
                raw = env.get(f"{ENV_PREFIX}{role.upper()}_{name.upper()}")
                if raw is not None:
                    changes[name] = _parse(f"{ENV_PREFIX}{role.upper()}_{name.upper()}", raw, type(value))
            roles[role] = replace(lim, **changes)
        top = {}
        for name in ("max_queued", "max_probes", "max_probe_bytes", "stop_grace_s"):
            raw = env.get(f"{ENV_PREFIX}{name.upper()}")
            if raw is not None:
                top[name] = _parse(f"{ENV_PREFIX}{name.upper()}", raw, type(getattr(base, name)))
        return replace(base, roles=roles, **top)


def _parse(name: str, raw: str, kind: type) -> Any:
    try:
        value = kind(raw.strip())
    except ValueError:
        raise ValueError(f"{name} must be a positive number, not {raw!r}") from None
    if not value > 0:
        raise ValueError(f"{name} must be a positive number, not {raw!r}")
    return value


class JobRefused(InvalidInput):
    """The queue will not take this run; the message names the limit (and whose it is: `role`)."""

    key = "lab.job.queue_full"

    def __init__(self, key: str, /, *, role: str | None = None, **params: Any) -> None:
        self.role = role
        super().__init__(key, **params)

    def message(self, lang: str) -> str:
        """The refusal in `lang`, the role named in it."""
        from core.i18n import translate

        role = translate(f"lab.job.role.{self.role}", lang) if self.role else ""
        return translate(self.key, lang, **{**self.params, "role": role})


# --- the estimate -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Estimate:
    """What a run would cost: training FLOPs, seconds on this server, peak memory in bytes."""

    flops: float
    seconds: float
    memory_bytes: float

    @property
    def tflop(self) -> float:
        """Compute in TFLOP (what budgets are set in)."""
        return self.flops / 1e12


def estimate(cfg: Any, n_params: int, *, throughput: float = THROUGHPUT_FLOPS) -> Estimate:
    """Estimate a validated TrainConfig's work from its sizes and its parameter count."""
    m = cfg.model
    b, t = cfg.batch_size, cfg.seq_len + 2  # +2: BOS / EOS (a safe bound for every task)
    tokens = b * 2 * t  # source and target
    if m.kind == "transformer":
        attn = 4 * b * t * t * m.d_model * m.n_layers * 3  # QK^T and AV, three maps per layer
        acts = (
            b * t * m.n_layers * 2 * (16 * m.d_model + 2 * m.d_ff)
            + 3 * 3 * b * m.n_heads * t * t * m.n_layers
        )
    else:
        attn = 0 if m.attention == "none" else 6 * b * t * t * m.hidden
        acts = b * t * m.n_layers * 2 * 12 * m.hidden + (3 * b * t * t if m.attention != "none" else 0)
    step = 3 * (2 * n_params * tokens + attn)  # forward, then a backward of twice its cost
    if m.kind == "transformer":  # (B, H, T, T) scores of three maps per layer
        step += SCORE_COST_FLOPS * 3 * b * m.n_heads * t * t * m.n_layers
    flops = float(step) * cfg.steps
    memory = 16.0 * n_params + 4.0 * acts  # weights, grads, Adam's two moments; float32 activations
    return Estimate(flops, flops / throughput, memory)


def admit(
    *,
    who: Participant | None,
    cfg: Any,
    cost: Estimate,
    n_params: int,
    active: Iterable[tuple[Participant | None, str]],
    limits: JobLimits,
) -> None:
    """Raise JobRefused unless `who` may queue `cfg`. `active`: (owner, status) of live jobs.
    `who` None is the server itself (CLI, benchmarks): only the queue's size applies."""
    active = list(active)
    queued = sum(1 for _, status in active if status == "queued")
    if queued >= limits.max_queued:
        raise JobRefused("lab.job.queue_full", limit=limits.max_queued)
    if who is None:
        return
    lim = limits.of(who.role)
    role = who.role if who.role in ROLES else "guest"
    if cfg.steps > lim.max_steps:
        raise JobRefused("lab.job.too_many_steps", role=role, steps=cfg.steps, limit=lim.max_steps)
    if n_params > lim.max_params:
        raise JobRefused("lab.job.too_big", role=role, n=f"{n_params:,}", limit=f"{lim.max_params:,}")
    if cost.tflop > lim.max_tflop:
        raise JobRefused(
            "lab.job.too_much_work",
            role=role,
            need=f"{cost.tflop:,.1f}",
            limit=f"{lim.max_tflop:,.0f}",
            minutes=f"{cost.seconds / 60:,.0f}",
        )
    if cost.memory_bytes > lim.max_gb * 1e9:
        raise JobRefused(
            "lab.job.too_much_memory",
            role=role,
            need=f"{cost.memory_bytes / 1e9:,.1f}",
            limit=f"{lim.max_gb:g}",
        )
    mine = [status for owner, status in active if owner is not None and owner.key == who.key]
    if mine.count("queued") >= lim.max_queued:
        raise JobRefused("lab.job.one_queued", limit=lim.max_queued)
    running = len(mine) - mine.count("queued")
    if running >= lim.max_running and lim.max_queued == 0:
        raise JobRefused("lab.job.one_running", limit=lim.max_running)


def may_start_now(
    who: Participant | None, running_owners: Iterable[Participant | None], limits: JobLimits
) -> bool:
    """May a queued job of `who` take a free slot (its owner is below their running limit)?"""
    if who is None:
        return True
    mine = sum(1 for o in running_owners if o is not None and o.key == who.key)
    return mine < limits.of(who.role).max_running


# --- who may do what ------------------------------------------------------------------------------
def may_control(by: Participant | None, owner: Participant | None) -> bool:
    """Only the owner or a leader stops a job (`by` None: the server itself)."""
    if by is None:
        return True
    return by.is_leader or (owner is not None and owner.key == by.key)


def require_control(by: Participant | None, owner: Participant | None) -> None:
    """PermissionDenied unless `by` may stop the job."""
    if not may_control(by, owner):
        raise PermissionDenied("lab.job.not_yours")


def require_leader(by: Participant | None) -> None:
    """PermissionDenied unless `by` is a leader (or the server itself)."""
    if by is not None and not by.is_leader:
        raise PermissionDenied("lab.job.leaders_only")


def insert_at(queue_owners: list[Participant | None], who: Participant | None) -> int:
    """Where a new job goes: a leader's run after the leaders' runs already waiting, ahead of
    everyone else's; every other run at the end (first come, first served)."""
    if who is None or not who.is_leader:
        return len(queue_owners)
    for i, owner in enumerate(queue_owners):
        if owner is None or not owner.is_leader:
            return i
    return len(queue_owners)


# --- probes ---------------------------------------------------------------------------------------
class ProbeKeeper:
    """Which probes a job keeps: at most `limit`, evenly spaced, and always the newest. When the
    kept ones fill the limit, every other one goes and the spacing doubles (the first stays).
    Pinned probes (where a paused run held: what a presenter stopped to explain) are kept beside
    them, up to another `limit` (the oldest pinned one goes first)."""

    def __init__(self, limit: int) -> None:
        self.limit = max(2, limit)
        self.stride = 1  # keep every stride-th probe (counted in arrivals)
        self._grid: list[tuple[int, int]] = []  # (arrival, step) on the spacing
        self._tail: tuple[int, int] | None = None  # the newest, kept whatever its place
        self._count = 0
        self._pinned: list[int] = []

    def add(self, step: int, *, pinned: bool = False) -> list[int]:
        """Take the probe at `step`; returns the steps of the probes to drop now."""
        if pinned:
            self._pinned.append(step)
            return [self._pinned.pop(0)] if len(self._pinned) > self.limit else []
        dropped = []
        if self._tail is not None:
            if self._tail[0] % self.stride == 0:
                self._grid.append(self._tail)
            else:
                dropped.append(self._tail[1])
        self._tail = (self._count, step)
        self._count += 1
        while len(self._grid) + 1 > self.limit:
            self.stride *= 2
            dropped += [s for k, s in self._grid if k % self.stride]
            self._grid = [(k, s) for k, s in self._grid if k % self.stride == 0]
        return dropped

    @property
    def steps(self) -> list[int]:
        """The kept probe steps, oldest first."""
        return sorted([s for _, s in self._grid] + ([self._tail[1]] if self._tail else []) + self._pinned)


def pinned_probe(step: int, probe_every: int) -> bool:
    """Is a probe at `step` off the run's probe grid (taken where a pause held, or at the end)?"""
    return step % probe_every != 0


def probe_names_within(sizes: Mapping[str, int], max_bytes: int) -> list[str]:
    """The attention maps a probe keeps within `max_bytes`: cross-attention first (what the page
    opens on), then the rest by name, each whole or not at all."""
    kept, budget = [], max_bytes
    for name in sorted(sizes, key=lambda n: (not n.startswith("cross"), n)):
        if sizes[name] <= budget:
            kept.append(name)
            budget -= sizes[name]
    return kept


def bound_probe(result: Any, max_bytes: int) -> Any:
    """A probe DecodeResult with its attention maps in float16 and at most `max_bytes` of them
    (`probe_names_within` chooses); duck-typed on tensors, so this module needs no torch."""
    if result is None or not getattr(result, "attention", None):
        return result
    half = {name: w.half() for name, w in result.attention.items()}
    keep = probe_names_within({n: w.numel() * 2 for n, w in half.items()}, max_bytes)
    return type(result)(result.tokens, {n: half[n] for n in keep})


__all__ = [
    "bound_probe",
    "Estimate",
    "JobLimits",
    "JobRefused",
    "Participant",
    "RoleLimits",
    "admit",
    "estimate",
    "insert_at",
    "ProbeKeeper",
    "may_control",
    "may_start_now",
    "pinned_probe",
    "probe_names_within",
    "require_control",
    "require_leader",
]
