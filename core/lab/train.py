"""Training as a generator of events: the page, CLI, benchmark, jobs and tests all consume it.

Choices (documented because the seminar asks): Adam (betas 0.9/0.98 as in the Transformer paper,
fused kernel where torch has one), linear warmup over `warmup` steps then a constant rate,
gradient-norm clipping at 1.0 (keeps the plain RNN from blowing up on long recall sequences),
cross-entropy ignoring PAD. Each step costs one device->host sync: loss, token accuracy and grad
norm travel together in one `.tolist()`. Validation accuracy is measured on greedy decodes of the
task's held-out split, not on teacher-forced predictions, so "99%" means the model really
generates the answers. Determinism: same seed on CPU -> identical losses (the data generator and
the model init are seeded; dropout uses torch's global RNG, so runs with dropout > 0 that train
concurrently in one process are not bit-reproducible). Configs arrive validated (TrainConfig.validate
runs where a config enters: the page, the CLI, the job queue).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from core.lab.config import TrainConfig
from core.lab.device import pick_device
from core.lab.introspect import keep_probe_state
from core.lab.models import DecodeResult, make_model, n_params
from core.lab.tasks import EOS, PAD, Task, make_task, normalise_input
from core.validate import text as check_text

GRAD_CLIP = 1.0
DIVERGE_FACTOR = 10.0
BETAS = (0.9, 0.98)
_INIT_LOCK = threading.Lock()  # seeding the global RNG + building a model must not interleave


@dataclass(frozen=True, slots=True)
class StepEvent:
    """One optimisation step (emitted every step; small on purpose)."""

    step: int
    loss: float
    token_acc: float
    grad_norm: float
    lr: float
    elapsed_s: float


@dataclass(frozen=True, slots=True)
class EvalEvent:
    """Held-out metrics at `step`; `probe` is the fixed probe's DecodeResult on CPU (or None)."""

    step: int
    val_loss: float
    val_token_acc: float
    val_seq_acc: float
    probe: DecodeResult | None


@dataclass(frozen=True, slots=True)
class DoneEvent:
    """The last event: status "finished" | "stopped" | "diverged", at `step`."""

    status: str
    step: int
    metrics: dict[str, Any]
    model: nn.Module
    n_params: int
    device: str


Event = StepEvent | EvalEvent | DoneEvent


def build(cfg: TrainConfig, device: torch.device | str = "cpu") -> tuple[Task, nn.Module]:
    """The task and a freshly initialised (seeded) model for a validated `cfg`, on `device`."""
    task = make_task(cfg.task, cfg.seq_len, cfg.vocab_size)
    with _INIT_LOCK, torch.random.fork_rng(devices=[]):
        torch.manual_seed(cfg.seed)
        model = make_model(cfg.model, len(task.src_vocab), len(task.tgt_vocab))
    return task, model.to(device)


def make_optimizer(model: nn.Module, lr: float) -> torch.optim.Optimizer:
    """Adam with the paper's betas; the fused kernel saves ~1 ms/step on CPU over the per-tensor loop."""
    params = [p for p in model.parameters() if p.requires_grad]
    try:
        return torch.optim.Adam(params, lr=lr, betas=BETAS, fused=True)
    except (RuntimeError, TypeError):  # device without a fused Adam kernel
        return torch.optim.Adam(params, lr=lr, betas=BETAS)


def lr_at(cfg: TrainConfig, step: int) -> float:
    """Learning rate for 1-based `step`: linear warmup to cfg.lr, then constant."""
    return cfg.lr * min(1.0, step / cfg.warmup) if cfg.warmup else cfg.lr


def train_step(
    model: nn.Module, opt: torch.optim.Optimizer, params: list[Tensor], src: Tensor, tgt: Tensor
) -> Tensor:
    """One teacher-forced Adam step on (src (B, S), tgt (B, T)); returns [loss, token_acc, grad_norm] unsynced."""
    tgt_out = tgt[:, 1:]  # (B, T-1)
    logits = model(src, tgt[:, :-1])  # (B, T-1, V)
    loss_t = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt_out.reshape(-1), ignore_index=PAD)
    opt.zero_grad(set_to_none=True)
    loss_t.backward()
    gnorm = nn.utils.clip_grad_norm_(params, GRAD_CLIP, foreach=True)
    opt.step()
    with torch.no_grad():
        real = tgt_out != PAD
        acc = ((logits.argmax(-1) == tgt_out) & real).sum() / real.sum()
        return torch.stack([loss_t.detach(), acc, gnorm])  # (3,): the caller syncs once


@torch.no_grad()
def evaluate(model: nn.Module, src: Tensor, tgt: Tensor) -> tuple[float, float, float]:
    """(teacher-forced loss, greedy token accuracy, greedy sequence accuracy) on src/tgt."""
    was_training = model.training
    model.eval()
    try:
        tgt_out = tgt[:, 1:]  # (N, T-1)
        logits = model(src, tgt[:, :-1])  # (N, T-1, V)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt_out.reshape(-1), ignore_index=PAD)
        pred = model.greedy_decode(src, tgt_out.shape[1], need_weights=False).tokens  # (N, T')
        pred = F.pad(pred, (0, tgt_out.shape[1] - pred.shape[1]), value=PAD)  # (N, T-1)
        real = tgt_out != PAD  # (N, T-1): answer tokens and EOS
        hit = (pred == tgt_out) & real
        tok = hit.sum() / real.sum()
        seq = (hit == real).all(dim=1).float().mean()
        return tuple(torch.stack([loss, tok, seq]).tolist())
    finally:
        model.train(was_training)


def probe_decode(model: nn.Module, task: Task, device: torch.device) -> DecodeResult:
    """The probe example decoded to its reference length (fixed map shapes across training), on CPU."""
    src, tgt = task.probe()
    return model.greedy_decode(src.to(device), tgt.shape[1] - 1, stop_at_eos=False).cpu()


def train(
    cfg: TrainConfig,
    *,
    stop: threading.Event | None = None,
    control: Any = None,
    init_state: bytes | None = None,
) -> Iterator[Event]:
    """Train per `cfg`, yielding StepEvent each step, EvalEvent every eval_every, then one DoneEvent.

    `cfg` was validated where it entered (page, CLI, URL, job queue); it is trusted here.
    `control` (core.lab.jobs.control.Control): pause and "step N"; where a run pauses it records a
    probe, and the time paused is not training time. `init_state`: a checkpoint's bytes
    (core.lab.checkpoint) to continue training from (its architecture must match `cfg`).
    """
    device = pick_device(cfg.device)
    task, model = build(cfg, device)
    if init_state is not None:
        from core.lab.checkpoint import load_checkpoint

        with torch.random.fork_rng(devices=[]):  # building the loaded copy draws from the global RNG
            start, _ = load_checkpoint(init_state, cfg)
        model.load_state_dict(start.state_dict())
    opt = make_optimizer(model, cfg.lr)
    params = [p for p in model.parameters() if p.requires_grad]
    gen = torch.Generator().manual_seed(cfg.seed)  # data order, independent of model init
    val_src, val_tgt = (t.to(device) for t in task.val_batch())
    cpu = device.type == "cpu"
    model.train()

    t0 = time.perf_counter()
    eval_s = 0.0  # time spent evaluating, excluded from steps_per_s
    last: dict[str, float] = {"val_loss": math.nan, "val_token_acc": math.nan, "val_seq_acc": math.nan}
    last_eval = -1

    def do_eval(step: int, probe: bool) -> EvalEvent:
        nonlocal eval_s, last_eval
        e0 = time.perf_counter()
        vl, vt, vs = evaluate(model, val_src, val_tgt)
        pr = probe_decode(model, task, device) if probe else None
        if probe:  # its weights too (bounded), for the step-through and the embeddings replay
            keep_probe_state(model, step)
        last.update(val_loss=vl, val_token_acc=vt, val_seq_acc=vs)
        last_eval = step
        eval_s += time.perf_counter() - e0
        return EvalEvent(step, vl, vt, vs, pr)

    yield do_eval(0, True)  # the untrained starting point, so replays begin from random attention
    status, step, first_loss, loss = "finished", 0, None, math.nan
    for step in range(1, cfg.steps + 1):
        if control is not None and control.held(step):
            if last_eval != step - 1:
                yield do_eval(step - 1, True)  # the attention where it paused goes into the replay
            w0 = time.perf_counter()
            control.wait(step)
            eval_s += time.perf_counter() - w0  # paused time is not training time
        if stop is not None and stop.is_set():
            status, step = "stopped", step - 1
            break
        src, tgt = task.sample(cfg.batch_size, gen)  # (B, S), (B, T) on CPU
        if not cpu:
            src, tgt = src.to(device, non_blocking=True), tgt.to(device, non_blocking=True)
        lr = lr_at(cfg, step)
        for group in opt.param_groups:
            group["lr"] = lr
        loss, tok_acc, gn = train_step(model, opt, params, src, tgt).tolist()  # the one sync
        yield StepEvent(step, loss, tok_acc, gn, lr, time.perf_counter() - t0)
        if first_loss is None:
            first_loss = loss
        if not math.isfinite(loss) or loss > DIVERGE_FACTOR * first_loss:
            status = "diverged"
            break
        if step % cfg.eval_every == 0 and step < cfg.steps:
            yield do_eval(step, step % cfg.probe_every == 0)

    if status != "diverged" and last_eval != step:
        yield do_eval(step, True)
    duration = time.perf_counter() - t0
    train_s = max(duration - eval_s, 1e-9)
    metrics = dict(last, train_loss=loss, steps=step, steps_per_s=step / train_s, duration_s=duration)
    model.eval()
    yield DoneEvent(status, step, metrics, model, n_params(model), str(device))


MAX_TRY_CHARS = 400  # a custom input to `predict` (the Lab's "try it" box uses the same cap)


def predict(model: nn.Module, task: Task, text: str) -> tuple[str, DecodeResult]:
    """Answer a custom input: (output text, DecodeResult on CPU); unknown tokens raise UnknownTokens,
    an input over MAX_TRY_CHARS raises FieldError."""
    check_text(text, "lab.page.try_label", max_len=MAX_TRY_CHARS, required=False)
    ids = task.encode(text)
    device = next(model.parameters()).device
    src = torch.tensor([ids], dtype=torch.long, device=device)  # (1, S)
    res = model.greedy_decode(src, task.output_len(len(ids))).cpu()
    return task.decode(res.tokens[0]), res


@dataclass(frozen=True, slots=True)
class Tried:
    """A custom input answered: what the model read, what it said, and what to tell the viewer."""

    src: list[str]  # the input's tokens after normalisation ("３１４" -> 3 1 4)
    answer: str
    outs: list[str]  # output tokens up to and including <eos> (all of them if it never came)
    result: DecodeResult
    notes: list[tuple[str, dict]]  # (catalog key, params): unusual length, an answer cut short
    normalised: bool  # the input was rewritten (full-width characters), so show what was read


def try_input(model: nn.Module, task: Task, text: str) -> Tried:
    """`predict` for the Lab's "try your own input" box, with the notes a reader needs."""
    answer, res = predict(model, task, text)
    ids = task.encode(text)
    src = task.src_tokens(ids)
    tokens = res.tokens[0].tolist()
    cut = EOS not in tokens
    outs = [task.tgt_vocab[i] for i in (tokens if cut else tokens[: tokens.index(EOS) + 1])]
    notes = task.input_notes(len(ids))
    if cut:  # the decoder stopped at its length limit, not at <eos>
        notes.append(("lab.page.try_cut", {"out": len(tokens)}))
    return Tried(src, answer, outs, res, notes, normalise_input(text) != text)
