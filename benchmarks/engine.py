"""Model Lab benchmark: our models next to PyTorch built-ins of the same size, in one process.

    python -m benchmarks.engine [--quick] [--json FILE] [--threads] [--sections train,decode,...]

Fairness rules: both models train on the SAME pre-drawn batches with the same step code
(`train.train_step`: Adam with fused kernel, clipping, one sync), and their steps ALTERNATE
(ours, ref, ref, ours, ...) so load from other processes on this shared machine hits both.
Timings are sums of per-step wall times after a warm-up. Sections: train, attention (our
Transformer's step per attention backend), converge, decode, memory, overhead (the job
runner + page-rate polling vs bare `train()`), threads.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from dataclasses import asdict
from typing import Any

import torch

from benchmarks.jobs import _threads_worker, bench_overhead, bench_threads
from benchmarks.models import (
    QUICK,
    SECTIONS,
    Plan,
    _memory_worker,
    _thread_counts,
    bench_attention,
    bench_converge,
    bench_decode,
    bench_memory,
    bench_train,
)
from core.lab.device import pick_device

__all__ = ["QUICK", "SECTIONS", "Plan", "_thread_counts", "format_table", "main", "run"]

RUNNERS = {
    "train": bench_train,
    "attention": bench_attention,
    "converge": bench_converge,
    "decode": bench_decode,
    "memory": bench_memory,
    "overhead": bench_overhead,
    "threads": bench_threads,
}


def run(
    plan: Plan, sections: tuple[str, ...] = SECTIONS[:-1], device: str = "auto", log=print
) -> dict[str, Any]:
    """Run the chosen sections; returns {"meta": ..., section: rows} (and logs each table as it finishes)."""
    dev = pick_device(device)
    result: dict[str, Any] = {
        "meta": {
            "device": str(dev),
            "torch": torch.__version__,
            "threads": torch.get_num_threads(),
            "plan": asdict(plan),
            "date": time.strftime("%Y-%m-%d %H:%M"),
        }
    }
    log(f"device {dev} · torch {torch.__version__} · {torch.get_num_threads()} intra-op threads")
    for name in sections:
        t0 = time.perf_counter()
        result[name] = RUNNERS[name](plan, dev)
        log(format_table(name, result[name]) + f"\n({name}: {time.perf_counter() - t0:.1f} s)")
    return result


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return "-" if math.isnan(v) else f"{v:.3g}" if abs(v) < 100 else f"{v:.0f}"
    return "-" if v is None else str(v)


def format_table(name: str, rows: list[dict]) -> str:
    """A plain-text (and Markdown-friendly) table of one section's rows."""
    cols = list(rows[0]) if rows else []
    lines = [f"\n## {name}", "| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(_fmt(r[c]) for c in cols) + " |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """CLI entry point."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks.engine", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small step counts (under a minute)")
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    ap.add_argument("--threads", action="store_true", help="add the threads x jobs section (subprocesses)")
    ap.add_argument("--sections", help=f"comma-separated subset of {','.join(SECTIONS)}")
    ap.add_argument("--device", default="auto")
    ap.add_argument(
        "--torch-threads",
        type=int,
        default=1,
        help="intra-op threads (default 1, what a Lab job uses; 0 keeps torch's default)",
    )
    ap.add_argument("--_worker", help=argparse.SUPPRESS)
    ap.add_argument("--_memory", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args._memory:
        what, who, *nums = args._memory.split(",")
        torch.set_num_threads(args.torch_threads or torch.get_num_threads())
        _memory_worker(what, who, *(int(x) for x in nums))
        return 0
    if args._worker:
        _threads_worker(*(int(x) for x in args._worker.split(",")))
        return 0
    sections = tuple(args.sections.split(",")) if args.sections else SECTIONS[:-1]
    if args.threads and "threads" not in sections:
        sections += ("threads",)
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        ap.error(f"unknown sections {sorted(unknown)}; choose from {', '.join(SECTIONS)}")
    if args.torch_threads:
        torch.set_num_threads(args.torch_threads)  # per process: fine for a benchmark CLI
    result = run(QUICK if args.quick else Plan(), sections, args.device)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
