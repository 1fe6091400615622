"""What a training job is while it lives in the registry, and what pages read of it: the job's
mutable state (`Job`, touched only under the registry's lock), its copies for pages (`JobSnapshot`,
`JobSummary`), how a failure is recorded, the parameter count a budget is checked against, and the
model rebuilt from a worker's checkpoint. No Streamlit, no queue rules (`policy.py`), no threads.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass, field
from typing import Any

from core.lab.config import TrainConfig
from core.lab.jobs import policy
from core.lab.jobs.control import Control
from core.lab.jobs.policy import Estimate, Participant
from core.lab.jobs.pool import Worker

CURVE_KEYS = ("step", "loss", "token_acc", "grad_norm", "lr")
EVAL_KEYS = ("eval_step", "val_loss", "val_token_acc", "val_seq_acc")


@dataclass
class JobSnapshot:
    """A consistent copy of a job's progress (lists are copies, safe to read without the lock)."""

    job_id: str
    cfg: TrainConfig
    status: str  # queued | running | finished | stopped | diverged | failed
    queue_position: int | None
    step: int
    steps_per_s: float | None
    eta_s: float | None
    curves: dict[str, list]
    probes: dict[int, Any]  # step -> DecodeResult (CPU)
    metrics: dict[str, Any] = field(default_factory=dict)
    model: Any = None
    n_params: int | None = None
    device: str = ""
    error: str | None = None
    version: int = 0
    owner: Participant | None = None
    checkpoint: bytes | None = None  # the worker's checkpoint bytes (process mode), stored as they are
    error_key: str | None = None  # the failure (or a note on a stop) as an i18n key...
    error_params: dict[str, Any] = field(default_factory=dict)  # ...and its parameters
    estimate: Estimate | None = None
    paused: bool = False  # a running job held between steps (its slot kept)
    run_id: int | None = None  # the stored run, when the back end stores it (PostgreSQL queue)


@dataclass(frozen=True)
class JobSummary:
    """One live job for the "running now" list (no curves: cheap to list every poll)."""

    job_id: str
    owner: Participant | None
    kind: str
    task: str
    status: str  # queued | running
    step: int
    steps: int
    queue_position: int | None
    eta_s: float | None  # running: time left; queued: estimated wait until it starts
    paused: bool = False


class Job:
    """One job's live state (the registry changes it only under its lock)."""

    def __init__(
        self, job_id: str, cfg: TrainConfig, owner: Participant | None, cost: Estimate, max_probes: int
    ) -> None:
        self.id, self.cfg, self.owner, self.cost = job_id, cfg, owner, cost
        self.stop = threading.Event()
        self.control = Control()  # pause / step N (and a stop that also ends a pause)
        self.init_state: bytes | None = None  # a checkpoint to continue from
        self.stop_at: float | None = None  # when a stop was asked (the watchdog's start)
        self.started_at: float | None = None  # registry clock, for the run's wall-time limit
        self.keeper = policy.ProbeKeeper(max_probes)
        self.worker: Worker | None = None  # process mode, while it trains
        self.status = "queued"
        self.step = 0
        self.t0: float | None = None
        self.curves: dict[str, list] = {k: [] for k in (*CURVE_KEYS, *EVAL_KEYS)}
        self.probes: dict[int, Any] = {}
        self.metrics: dict[str, Any] = {}
        self.model = None
        self.checkpoint: bytes | None = None
        self.n_params: int | None = None
        self.device = ""
        self.error: str | None = None
        self.error_key: str | None = None
        self.error_params: dict[str, Any] = {}
        self.version = 0
        self.ended_at: float | None = None

    def fail(self, key: str, text: str, **params: Any) -> None:
        """Record why the job failed (or was stopped): English text for logs, a key for the page."""
        self.error, self.error_key, self.error_params = text, key, params


def worker_died(job: Job, code: int | None) -> None:
    """Record that the job's worker process ended under it (a signal: killed; else its exit code)."""
    if code is not None and code < 0:
        how, key, params = f"killed by signal {-code}", "lab.job.worker_killed", {"signal": -code}
    else:
        how, key, params = f"exit code {code}", "lab.job.worker_exited", {"code": code}
    job.fail(
        key,
        f"WorkerDied: the training process ended unexpectedly ({how}; killed or out of memory). "
        "Start the run again.",
        **params,
    )


def crashed(job: Job, text: str) -> None:
    """Record an exception from the training itself."""
    job.fail("lab.job.crashed", text, detail=text)


# Models up to about this many weights are built on the CPU to be counted (milliseconds, a few MB);
# larger ones on the meta device (no memory), whose first use imports torch._dynamo: ~2 s of CPU
# that the Lab's warm-up and first Train would otherwise pay for the default models.
CPU_COUNT_LIMIT = 2_000_000


def _rough_size(cfg: TrainConfig, n_src: int, n_tgt: int) -> int:
    """An upper bound on the parameter count, from the config alone (chooses how to count)."""
    m = cfg.model
    if m.kind == "transformer":
        d = m.d_model
        per_layer = 3 * (4 * d * d + 4 * d) + 2 * (d * m.d_ff) + m.d_ff + d + 6 * d
        return (n_src + n_tgt + cfg.seq_len + 2) * d + 2 * m.n_layers * per_layer + d * n_tgt + n_tgt
    h, e = m.hidden, m.emb_dim
    per_layer = 2 * 4 * (h * (max(e, h) + 2 * h) + 2 * h)  # encoder and decoder, up to 4 gates
    return (n_src + n_tgt) * e + m.n_layers * per_layer + 3 * h * h + 2 * h * n_tgt + n_tgt


@functools.lru_cache(maxsize=256)
def count_params(cfg: TrainConfig) -> int:
    """The model's parameter count. Built on the CPU when small (the global RNG left as it was),
    on the meta device when large (no memory, no time, no RNG draw)."""
    import torch

    from core.lab.models import make_model, n_params
    from core.lab.tasks import make_task

    task = make_task(cfg.task, cfg.seq_len, cfg.vocab_size)
    n_src, n_tgt = len(task.src_vocab), len(task.tgt_vocab)
    if _rough_size(cfg, n_src, n_tgt) <= CPU_COUNT_LIMIT:
        with torch.random.fork_rng(devices=[]):
            return n_params(make_model(cfg.model, n_src, n_tgt))
    with torch.device("meta"):
        return n_params(make_model(cfg.model, n_src, n_tgt))


def rebuild(data: bytes, cfg: TrainConfig) -> Any:
    """The trained model, on CPU in eval mode, from the worker's checkpoint bytes (for the page;
    the bytes themselves are what gets stored)."""
    import torch

    from core.lab.checkpoint import load_checkpoint

    # Building draws init weights from the global RNG; leave it as it was for whoever uses it here.
    with torch.random.fork_rng(devices=[]):
        model, _ = load_checkpoint(data, cfg)
    return model
