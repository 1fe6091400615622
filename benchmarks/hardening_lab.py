"""Hardening probes on the Model Lab (issue 11): the largest job a guest can start, and the web
process's memory after a job's attention probes.

`guest_max`: searches model shapes x sequence lengths x batch sizes (each shape at the most steps
its budget allows) for the configs a guest may queue under `core.lab.jobs.policy` (`JobLimits`,
`estimate`, `admit`): the one with the largest estimated time and the one with the largest
estimated memory. Each is then run for a few steps with `core.lab.train` at one torch thread in a
fresh subprocess (`measure`): the measured seconds per step times its steps, and its peak RSS
above the interpreter's baseline, against the estimate.

`probe_memory`: a thread-mode `JobRegistry` whose `train_fn` yields `n` evaluations, each with a
fresh probe shaped like the real one of the largest probe shape the limits allow (a Transformer
of 6 layers x 16 heads at sequence length 64: 18 maps of (1, 16, 66, 66)); VmRSS of this process
before and after, and what the job kept.
"""

from __future__ import annotations

import ctypes
import gc
import json
import subprocess
import sys
import time
from dataclasses import replace
from typing import Any

from core.lab.config import ModelConfig, TrainConfig, from_dict, to_dict
from core.lab.jobs import policy
from core.lab.jobs.policy import JobLimits, Participant

GUEST = Participant("guest:" + "0" * 32, "guest")
SEQ_LENS = (8, 16, 32, 48, 64)
BATCHES = (16, 32, 64, 128, 256, 512, 1024)


def vm(field: str = "VmRSS") -> int:
    """A /proc/self/status figure of this process, in bytes."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(field)


def _shapes(quick: bool) -> list[ModelConfig]:
    out = []
    layers = (1, 6) if quick else (1, 2, 3, 4, 5, 6)
    for d in (64, 128) if quick else (16, 32, 64, 96, 128, 192, 256):
        heads = max(h for h in (1, 2, 4, 8, 16) if d % h == 0)  # most heads: most attention memory
        for n in layers:
            for ff in (d, 2 * d, 4 * d):
                out.append(ModelConfig(kind="transformer", d_model=d, n_layers=n, n_heads=heads, d_ff=ff))
    for kind in ("lstm",) if quick else ("rnn", "lstm", "gru"):
        for emb in (32,) if quick else (16, 32, 64, 128, 256):
            for hid in (64, 256) if quick else (32, 64, 128, 256, 512):
                for n in layers:
                    for att in ("none", "additive"):
                        out.append(ModelConfig(kind=kind, emb_dim=emb, hidden=hid, n_layers=n, attention=att))
    return out


def guest_candidates(limits: JobLimits | None = None, quick: bool = False) -> tuple[int, list[tuple]]:
    """(configs tried, [(estimate, n_params, cfg)] a guest may queue), each at its most steps."""
    from core.lab.jobs.registry import count_params

    limits = limits or JobLimits()
    lim = limits.of("guest")
    tried, ok = 0, []
    for model in _shapes(quick):
        base = TrainConfig(task="reverse", seq_len=64, vocab_size=36, model=model, steps=1)
        n = count_params(base)  # the shape's parameters (sinusoidal positions: the same at every length)
        if n > lim.max_params:
            continue
        for seq in SEQ_LENS:
            for batch in BATCHES:
                tried += 1
                one = replace(base, seq_len=seq, batch_size=batch, steps=1)
                per_step = policy.estimate(one, n)
                steps = min(lim.max_steps, int(lim.max_tflop * 1e12 // per_step.flops))
                if steps < 1:
                    continue
                cfg = replace(one, steps=steps, eval_every=steps, probe_every=steps).validate()
                cost = policy.estimate(cfg, n)
                try:
                    policy.admit(who=GUEST, cfg=cfg, cost=cost, n_params=n, active=[], limits=limits)
                except policy.JobRefused:
                    continue
                ok.append((cost, n, cfg))
    return tried, ok


def measure(cfg: TrainConfig, steps: int = 4, warmup: int = 2, timeout: float = 240.0) -> dict[str, Any]:
    """Seconds per step and peak RSS above baseline of `cfg` at one torch thread, in a subprocess."""
    payload = json.dumps({"cfg": to_dict(cfg), "steps": steps, "warmup": warmup})
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.hardening_lab", "--measure", payload],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _measure_here(payload: str) -> None:
    import torch

    from core.lab.train import StepEvent, train

    torch.set_num_threads(1)
    spec = json.loads(payload)
    k, warm = spec["steps"], spec["warmup"]
    cfg = replace(from_dict(spec["cfg"]), device="cpu")
    cfg = replace(cfg, steps=k + warm, eval_every=k + warm, probe_every=k + warm)
    base = vm("VmRSS")
    times = []
    t_prev = None
    for ev in train(cfg):
        if isinstance(ev, StepEvent):
            now = time.perf_counter()
            if ev.step > warm and t_prev is not None:
                times.append(now - t_prev)
            t_prev = now
    print(json.dumps({"s_per_step": sum(times) / len(times), "peak_bytes": vm("VmHWM") - base}))


def guest_max(quick: bool = False, measure_steps: int = 4) -> dict[str, Any]:
    """The guest-allowed configs with the largest estimated time and memory, each measured briefly."""
    t0 = time.perf_counter()
    tried, ok = guest_candidates(quick=quick)
    lim = JobLimits().of("guest")
    rows = []
    for what, key in (
        ("time", lambda r: (r[0].seconds, r[0].memory_bytes)),
        ("memory", lambda r: r[0].memory_bytes),
    ):
        cost, n, cfg = max(ok, key=key)
        m = measure(cfg, steps=measure_steps)
        rows.append(
            {
                "largest": what,
                "config": _describe(cfg),
                "n_params": n,
                "steps": cfg.steps,
                "est_tflop": cost.tflop,
                "est_s": cost.seconds,
                "measured_s": m["s_per_step"] * cfg.steps,
                "s_per_step": m["s_per_step"],
                "est_mb": cost.memory_bytes / 2**20,
                "measured_mb": m["peak_bytes"] / 2**20,
            }
        )
    return {
        "limits": {
            "steps": lim.max_steps,
            "params": lim.max_params,
            "tflop": lim.max_tflop,
            "gb": lim.max_gb,
        },
        "tried": tried,
        "allowed": len(ok),
        "rows": rows,
        "wall_s": time.perf_counter() - t0,
    }


def _describe(cfg: TrainConfig) -> str:
    m = cfg.model
    if m.kind == "transformer":
        shape = f"transformer d{m.d_model} L{m.n_layers} H{m.n_heads} ff{m.d_ff}"
    else:
        shape = f"{m.kind} emb{m.emb_dim} h{m.hidden} L{m.n_layers} att={m.attention}"
    return f"{shape}, T={cfg.seq_len}, B={cfg.batch_size}"


# --- probes in the web process --------------------------------------------------------------------
PROBE_CFG = TrainConfig(
    task="reverse",
    seq_len=64,
    vocab_size=36,
    model=ModelConfig(kind="transformer", d_model=64, n_layers=6, n_heads=16, d_ff=128),
)


def probe_memory(n: int = 1000) -> dict[str, Any]:
    """VmRSS before and after a thread-mode job that yields `n` probes of the largest shape."""
    import torch

    from core.lab.jobs.registry import JobRegistry
    from core.lab.models import DecodeResult
    from core.lab.train import DoneEvent, EvalEvent, StepEvent, build, probe_decode

    torch.manual_seed(0)
    task, model = build(replace(PROBE_CFG, device="cpu"), "cpu")
    real = probe_decode(model, task, torch.device("cpu"))  # the shapes a real probe has
    shapes = {name: tuple(w.shape) for name, w in real.attention.items()}
    del model, task
    cfg = replace(PROBE_CFG, steps=n, eval_every=1, probe_every=1).validate()

    def fake(cfg, *, stop):
        for step in range(1, cfg.steps + 1):
            yield StepEvent(step, 1.0, 0.5, 0.1, 1e-3, 0.0)
            att = {name: torch.rand(shape) for name, shape in shapes.items()}  # fresh tensors, as in training
            yield EvalEvent(step, 0.5, 0.5, 0.25, DecodeResult(real.tokens.clone(), att))
        yield DoneEvent("finished", cfg.steps, {}, None, 0, "cpu")

    gc.collect()
    before = vm("VmRSS")
    reg = JobRegistry(slots=1, mode="thread", train_fn=fake, prewarm=False)
    jid = reg.start(cfg)
    deadline = time.monotonic() + 300
    while (snap := reg.snapshot(jid)).status in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.05)
    gc.collect()
    after = vm("VmRSS")
    ctypes.CDLL("libc.so.6").malloc_trim(0)  # what the allocator only held back, handed to the OS
    trimmed = vm("VmRSS")
    kept = sum(w.numel() * w.element_size() for p in snap.probes.values() for w in p.attention.values())
    one = sum(4 * _numel(s) for s in shapes.values())
    reg.close()
    return {
        "probes": n,
        "status": snap.status,
        "maps_per_probe": len(shapes),
        "map_shape": str(next(iter(shapes.values()))),
        "probe_mb_float32": one / 2**20,
        "kept_probes": len(snap.probes),
        "kept_mb": kept / 2**20,
        "rss_before_mb": before / 2**20,
        "rss_after_mb": after / 2**20,
        "rss_delta_mb": (after - before) / 2**20,
        "rss_after_trim_mb": trimmed / 2**20,
    }


def _numel(shape: tuple) -> int:
    out = 1
    for s in shape:
        out *= s
    return out


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--measure":
        _measure_here(sys.argv[2])
