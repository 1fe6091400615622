"""The Lab's job runner: overhead (a JobRegistry job polled at page rate vs bare `train()`) and
threads x jobs in subprocesses (see benchmarks/engine.py)."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import replace

import torch

from benchmarks.models import Plan, model_cfg
from core.lab.config import TrainConfig
from core.lab.train import train


def _run_bare(cfg: TrainConfig) -> float:
    done = None
    for ev in train(cfg):
        done = ev
    return done.metrics["steps_per_s"]


def _run_job(reg, cfg: TrainConfig, poll_s: float) -> tuple[float, int]:
    job = reg.start(cfg, owner=None)
    polls = 0
    while True:  # the page's fragment: a snapshot every poll_s until the job ends
        snap = reg.snapshot(job)
        polls += 1
        if snap.status in ("finished", "stopped", "diverged", "failed"):
            break
        time.sleep(poll_s)
    if snap.status == "failed":
        raise RuntimeError(f"bench job failed: {snap.error}")
    return snap.metrics["steps_per_s"], polls


def bench_overhead(plan: Plan, device: torch.device) -> list[dict]:
    """steps/s of a job polled at the page's rate vs the bare train() generator, alternating order.

    One row per JobRegistry mode: "thread" trains in this process, "process" in a worker process
    (its speed is measured there by train() itself, the same way as the bare loop's).
    """
    from core.lab.jobs.registry import JobRegistry

    cfg = TrainConfig(
        task="reverse",
        seq_len=10,
        vocab_size=10,
        model=model_cfg("transformer"),
        steps=plan.overhead_steps,
        batch_size=64,
        eval_every=25,
        probe_every=25,
        device=str(device),
    )
    _run_bare(replace(cfg, steps=5))  # warm-up: imports, allocator
    rows = []
    for mode in ("thread", "process"):
        # Same thread count as the bare loop: the registry sets torch's threads per job (per worker).
        reg = JobRegistry(slots=1, threads_per_job=torch.get_num_threads(), mode=mode)
        try:
            _run_job(reg, replace(cfg, steps=5), 0.01)  # warm-up: a worker process starts once
            bare, job, polls = [], [], 0
            for r in range(plan.overhead_repeats):
                order = ("bare", "job") if r % 2 == 0 else ("job", "bare")
                for which in order:
                    if which == "bare":
                        bare.append(_run_bare(cfg))
                    else:
                        sps, p = _run_job(reg, cfg, plan.poll_s)
                        job.append(sps)
                        polls += p
        finally:
            reg.close()
        b, j = statistics.median(bare), statistics.median(job)
        rows.append(
            {
                "runner": f"core.lab.jobs.registry.JobRegistry (mode={mode})",
                "bare_steps_s": b,
                "job_steps_s": j,
                "ratio": j / b,
                "repeats": plan.overhead_repeats,
                "polls": polls,
                "steps": plan.overhead_steps,
            }
        )
    return rows


def _threads_worker(threads: int, jobs: int, steps: int) -> None:
    """Subprocess body: `jobs` concurrent train() threads with torch set to `threads`; prints JSON."""
    torch.set_num_threads(threads)
    cfg = TrainConfig(
        task="reverse",
        seq_len=10,
        vocab_size=10,
        model=model_cfg("transformer"),
        steps=steps,
        batch_size=64,
        eval_every=10**4,
        probe_every=10**4,
        device="cpu",
    )
    _run_bare(replace(cfg, steps=5))
    out: list[float] = []
    ts = [threading.Thread(target=lambda: out.append(_run_bare(cfg))) for _ in range(jobs)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    print(json.dumps({"per_job": out}))


def bench_threads(plan: Plan, device: torch.device) -> list[dict]:
    """steps/s for 1 vs 2 concurrent jobs at 1 and 2 intra-op threads (one subprocess per variant)."""
    rows = []
    for threads in (1, 2):
        for jobs in (1, 2):
            cmd = [
                sys.executable,
                "-m",
                "benchmarks.engine",
                "--_worker",
                f"{threads},{jobs},{plan.threads_steps}",
            ]
            res = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=600)
            per_job = json.loads(res.stdout.strip().splitlines()[-1])["per_job"]
            rows.append(
                {
                    "threads": threads,
                    "jobs": jobs,
                    "per_job_steps_s": statistics.mean(per_job),
                    "total_steps_s": sum(per_job),
                }
            )
    return rows
