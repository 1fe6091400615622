"""Our models next to PyTorch built-ins of the same size: the shared plan and fair step alternation,
then the train, attention, converge, decode and memory sections (see benchmarks/engine.py)."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from functools import partial

import torch

from benchmarks.reference import RefRNNSeq2Seq, RefTransformer, peak_begin, peak_end
from core.lab.config import ModelConfig
from core.lab.device import pick_device
from core.lab.models import attention, make_model
from core.lab.tasks import make_task
from core.lab.train import evaluate, make_optimizer, train_step

KINDS = ("transformer", "rnn", "lstm", "gru")
SECTIONS = ("train", "attention", "converge", "decode", "memory", "overhead", "threads")


@dataclass(frozen=True)
class Plan:
    """How much work each section does (full, --quick, or a test's tiny plan)."""

    train_steps: int = 300
    warmup_steps: int = 20
    converge_max_steps: int = 3000
    eval_every: int = 25
    decode_batch: int = 512
    decode_lens: tuple[int, ...] = (10, 20, 40)
    decode_repeats: int = 3
    memory_steps: int = 30
    overhead_steps: int = 400
    overhead_repeats: int = 3
    poll_s: float = 0.5  # the page's refresh rate: two snapshots a second
    threads_steps: int = 200


QUICK = Plan(
    train_steps=60,
    warmup_steps=5,
    converge_max_steps=150,
    decode_repeats=1,
    memory_steps=10,
    overhead_steps=80,
    overhead_repeats=2,
    threads_steps=60,
)


def model_cfg(kind: str) -> ModelConfig:
    """The benchmarked size: Transformer d64/2 heads/2+2 layers/ff128; RNNs emb32/hidden64/2 layers, no attention."""
    if kind == "transformer":
        return ModelConfig(kind="transformer", d_model=64, n_heads=2, n_layers=2, d_ff=128, dropout=0.0)
    return ModelConfig(kind=kind, emb_dim=32, hidden=64, n_layers=2, attention="none", dropout=0.0)


def build_pair(kind: str, n_src: int, n_tgt: int, device: torch.device, seed: int = 0):
    """(ours, reference) models of the same size on `device`, each seeded."""
    torch.manual_seed(seed)
    ours = make_model(model_cfg(kind), n_src, n_tgt).to(device)
    torch.manual_seed(seed)
    cfg = model_cfg(kind)
    if kind == "transformer":
        ref = RefTransformer(n_src, n_tgt, cfg.d_model, cfg.n_heads, cfg.n_layers, cfg.d_ff)
    else:
        ref = RefRNNSeq2Seq(kind, n_src, n_tgt, cfg.emb_dim, cfg.hidden, cfg.n_layers)
    return ours, ref.to(device)


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def _batches(task, n: int, batch: int, device: torch.device, seed: int = 0) -> list:
    g = torch.Generator().manual_seed(seed)
    return [tuple(t.to(device) for t in task.sample(batch, g)) for _ in range(n)]


class _Trainer:
    """A model, its optimizer and accumulated step time; `step(src, tgt)` mirrors train()."""

    def __init__(self, model: torch.nn.Module, lr: float = 1e-3) -> None:
        self.model, self.opt = model.train(), make_optimizer(model, lr)
        self.params = [p for p in model.parameters() if p.requires_grad]
        self.seconds, self.steps = 0.0, 0

    def step(self, src, tgt, device, timed: bool = True) -> list[float]:
        t0 = time.perf_counter()
        out = train_step(self.model, self.opt, self.params, src, tgt).tolist()  # syncs, like train()
        _sync(device)
        if timed:
            self.seconds += time.perf_counter() - t0
            self.steps += 1
        return out


def _alternate(
    trainers: dict[str, _Trainer], batches: list, warmup: int, device: torch.device, before=None
) -> dict[str, float]:
    """Step every trainer on every batch, rotating who goes first; ms per timed step by name.

    `before(name)` runs before each trainer's step (e.g. to switch the attention backend).
    """
    names = list(trainers)
    for i, (src, tgt) in enumerate(batches):
        k = i % len(names)
        for name in names[k:] + names[:k]:
            if before is not None:
                before(name)
            trainers[name].step(src, tgt, device, i >= warmup)
    return {name: 1e3 * tr.seconds / tr.steps for name, tr in trainers.items()}


def _thread_counts() -> list[int]:
    """The current intra-op setting first, then 1 and torch's default (the cores) if different."""
    current = torch.get_num_threads()
    return list(dict.fromkeys((current, 1, max(1, os.cpu_count() or 1))))


def bench_train(plan: Plan, device: torch.device) -> list[dict]:
    """Train steps/s, ours vs reference, alternating on shared batches, per model kind.

    On the CPU the Transformer is measured again at each other thread count (1 = a Lab job's
    setting, the core count = torch's default), since the two differ in which costs dominate.
    """
    task = make_task("reverse", 10, 10)
    batches = _batches(task, plan.warmup_steps + plan.train_steps, 64, device)
    rows = []
    current = torch.get_num_threads()
    settings = [(kind, current) for kind in KINDS]
    if device.type == "cpu":
        settings += [("transformer", n) for n in _thread_counts()[1:]]
    try:
        for kind, threads in settings:
            torch.set_num_threads(threads)
            ours, ref = (
                _Trainer(m) for m in build_pair(kind, len(task.src_vocab), len(task.tgt_vocab), device)
            )
            ms = _alternate({"ours": ours, "ref": ref}, batches, plan.warmup_steps, device)
            rows.append(
                {
                    "model": kind,
                    "threads": threads,
                    "ours_steps_s": 1e3 / ms["ours"],
                    "ref_steps_s": 1e3 / ms["ref"],
                    "ratio": ms["ref"] / ms["ours"],
                    "ours_ms": ms["ours"],
                    "ref_ms": ms["ref"],
                }
            )
    finally:
        torch.set_num_threads(current)
    return rows


def bench_attention(plan: Plan, device: torch.device) -> list[dict]:
    """Our Transformer's train step with each attention backend (same weights, same batches, alternating)."""
    task = make_task("reverse", 10, 10)
    batches = _batches(task, plan.warmup_steps + plan.train_steps, 64, device)
    model = build_pair("transformer", len(task.src_vocab), len(task.tgt_vocab), device)[0]
    backends = [b for b in attention.BACKENDS if b != "auto"]
    trainers = {b: _Trainer(copy.deepcopy(model)) for b in backends}

    def switch(name: str) -> None:
        attention.BACKEND = name

    try:
        ms = _alternate(trainers, batches, plan.warmup_steps, device, before=switch)
    finally:
        attention.BACKEND = "auto"
    with torch.enable_grad():
        chosen = attention.pick_backend(torch.zeros(1, device=device, requires_grad=True))
    return [
        {
            "backend": b + (" (auto)" if b == chosen else ""),
            "ms_per_step": ms[b],
            "vs_auto": ms[chosen] / ms[b] if b != chosen else 1.0,
        }
        for b in backends
    ]


def bench_converge(plan: Plan, device: torch.device) -> list[dict]:
    """Steps and seconds (training + evaluation) to 99% held-out greedy token accuracy on reverse-10."""
    task = make_task("reverse", 10, 10)
    val_src, val_tgt = (t.to(device) for t in task.val_batch())
    ours, ref = (
        _Trainer(m) for m in build_pair("transformer", len(task.src_vocab), len(task.tgt_vocab), device)
    )
    state = {id(t): {"steps": None, "seconds": None, "acc": 0.0, "wall": 0.0} for t in (ours, ref)}
    g = torch.Generator().manual_seed(0)
    for step in range(1, plan.converge_max_steps + 1):
        src, tgt = (t.to(device) for t in task.sample(64, g))
        pair = (ours, ref) if step % 2 else (ref, ours)
        for tr in pair:
            st = state[id(tr)]
            if st["steps"] is not None:
                continue
            t0 = time.perf_counter()
            tr.step(src, tgt, device, timed=False)
            if step % plan.eval_every == 0:
                st["acc"] = evaluate(tr.model, val_src, val_tgt)[1]
                if st["acc"] >= 0.99:
                    st["steps"] = step
            st["wall"] += time.perf_counter() - t0
            if st["steps"] is not None:
                st["seconds"] = st["wall"]
        if all(s["steps"] is not None for s in state.values()):
            break
    return [
        {
            "model": name,
            "steps_to_99": s["steps"],
            "seconds_to_99": s["seconds"],
            "last_val_token_acc": s["acc"],
            "max_steps": plan.converge_max_steps,
        }
        for name, s in (("ours", state[id(ours)]), ("nn.Transformer", state[id(ref)]))
    ]


def bench_decode(plan: Plan, device: torch.device) -> list[dict]:
    """Greedy decode of `decode_batch` sequences to L tokens: cache vs no cache vs nn.Transformer."""
    rows = []
    for n in plan.decode_lens:
        task = make_task("reverse", n, 10)
        ours, ref = build_pair("transformer", len(task.src_vocab), len(task.tgt_vocab), device)
        ours.eval(), ref.eval()
        src, _ = task.sample(plan.decode_batch, torch.Generator().manual_seed(n))
        src = src.to(device)
        runs = {
            "cache": partial(ours.greedy_decode, src, n, stop_at_eos=False, need_weights=False),
            "no_cache": partial(
                ours.greedy_decode, src, n, stop_at_eos=False, use_cache=False, need_weights=False
            ),
            "ref": partial(ref.greedy_decode, src, n, stop_at_eos=False),
        }
        times: dict[str, list[float]] = {k: [] for k in runs}
        for fn in runs.values():
            fn()  # warm-up (allocator, kernels)
        for _ in range(plan.decode_repeats):
            for name, fn in runs.items():
                t0 = time.perf_counter()
                fn()
                _sync(device)
                times[name].append(time.perf_counter() - t0)
        ms = {k: 1e3 * min(v) for k, v in times.items()}  # min: the least disturbed repeat
        rows.append(
            {
                "L": n,
                "batch": plan.decode_batch,
                "cache_ms": ms["cache"],
                "no_cache_ms": ms["no_cache"],
                "ref_ms": ms["ref"],
                "speedup_vs_ref": ms["ref"] / ms["cache"],
                "speedup_vs_no_cache": ms["no_cache"] / ms["cache"],
            }
        )
    return rows


def _memory_worker(what: str, who: str, steps: int, batch: int, n: int) -> None:
    """Subprocess body: peak memory (MiB) of one training run or one decode, printed as JSON."""
    dev = pick_device("auto")
    task = make_task("reverse", n, 10)
    ours, ref = build_pair(
        "transformer" if what == "decode" else what, len(task.src_vocab), len(task.tgt_vocab), dev
    )
    model = ours if who == "ours" else ref
    # The first optimizer imports torch._dynamo (~30 MiB of modules): load it before the baseline.
    make_optimizer(torch.nn.Linear(1, 1), 1e-3)
    if what == "decode":
        src = task.sample(batch, torch.Generator().manual_seed(1))[0].to(dev)
        base = peak_begin(dev)
        model.greedy_decode(src, n, stop_at_eos=False, need_weights=False)
    else:
        batches = _batches(task, steps, 64, dev)
        base = peak_begin(dev)
        tr = _Trainer(model)
        for src, tgt in batches:
            tr.step(src, tgt, dev, timed=False)
    print(json.dumps({"peak_mib": peak_end(dev, base)}))


def bench_memory(plan: Plan, device: torch.device) -> list[dict]:
    """Peak memory above the start, each variant in a fresh subprocess (a warm heap would hide it)."""
    n = max(plan.decode_lens)
    variants = [
        (kind, who, plan.memory_steps, 64, 10) for kind in ("transformer", "lstm") for who in ("ours", "ref")
    ]
    variants += [("decode", who, 0, plan.decode_batch, n) for who in ("ours", "ref")]
    rows = []
    for what, who, steps, batch, length in variants:
        spec = ",".join(map(str, (what, who, steps, batch, length)))
        cmd = [sys.executable, "-m", "benchmarks.engine", "--_memory", spec, "--device", str(device)]
        res = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=600)
        label = (
            f"train {what} ({who})"
            if what != "decode"
            else f"decode L={n} B={batch} ({who}{', cache' if who == 'ours' else ''})"
        )
        rows.append({"what": label, "peak_mib": json.loads(res.stdout.strip().splitlines()[-1])["peak_mib"]})
    return rows
