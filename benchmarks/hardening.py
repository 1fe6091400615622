"""Hardening figures (issue 11 "Figures to report"): the same probes as the issue's "before" column,
run on today's code.

    python -m benchmarks.hardening                      # every section, ~3-4 min on 2 cores
    python -m benchmarks.hardening --quick              # a tiny version of each (the test runs it)
    python -m benchmarks.hardening --sections fuzz --seed 7 --fuzz-n 5000 --json out.json

Sections:
- `concurrency`: 8 processes x 200 writes (a note, an attendance mark, a review draft save, in turn)
  on a SQLite file under /tmp and on a scratch PostgreSQL database: errors, lost rows, p95.
- `races` (PostgreSQL): 200 stale draft saves and 200 stale note saves racing a newer save, and
  100 rounds each of two first inserts at once (attendance mark, retrospective, start-review).
- `fuzz`: seeded inputs for the note import, BibTeX, template JSON and Lab URL parsers under a
  2 s watchdog per input: crashes (not an AppError) and hangs.
- `guest`: the largest job a guest may queue (by estimated time, by estimated memory), each
  measured for a few steps at one torch thread.
- `probes`: this process's RSS before and after a job's 1,000 probes of the largest shape.
- `health`: the real app's /_stcore/health latency while chromium previews the worst pastes.

PostgreSQL: TEST_DATABASE_URL, else 127.0.0.1:5432 when it answers (tests/support/db.py); a
database is created for each section and dropped after. Without one those rows say "skipped".
Code: benchmarks/hardening_db.py, hardening_fuzz.py, hardening_lab.py, hardening_health.py.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import hardening_db, hardening_fuzz, hardening_health, hardening_lab
from tests.support.db import create_pg_database, drop_pg_database, pg_admin_url

SECTIONS = ("concurrency", "races", "fuzz", "guest", "probes", "health")
DEFAULT_SEED = 11


def _on_postgres(fn, *args, **kwargs):
    admin = pg_admin_url()
    if admin is None:
        return None
    url = create_pg_database(admin)
    try:
        return fn(url, *args, **kwargs)
    finally:
        drop_pg_database(admin, url)


def run(
    sections=SECTIONS, *, quick: bool = False, seed: int = DEFAULT_SEED, fuzz_n: int | None = None
) -> dict:
    """Run the chosen sections (tiny sizes when `quick`); every figure in one dict."""
    out: dict[str, Any] = {
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "quick": quick,
        "seed": seed,
        "machine": f"{os.cpu_count()} CPUs, {platform.python_implementation()} {platform.python_version()}",
    }
    t0 = time.perf_counter()
    if "concurrency" in sections:
        procs, writes = (2, 12) if quick else (8, 200)
        with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
            rows = [hardening_db.concurrency(f"sqlite:///{Path(tmp) / 'c.db'}", procs, writes)]
        rows.append(
            _on_postgres(hardening_db.concurrency, procs, writes)
            or {"backend": "postgresql", "skipped": True}
        )
        out["concurrency"] = rows
    if "races" in sections:
        stale, insert = (4, 4) if quick else (200, 100)
        out["races"] = _on_postgres(hardening_db.races, stale, insert) or [{"probe": "all", "skipped": True}]
    if "fuzz" in sections:
        n = fuzz_n or (12 if quick else 2000)
        out["fuzz"] = [hardening_fuzz.fuzz(target, seed, n) for target in hardening_fuzz.TARGETS]
    if "guest" in sections:
        out["guest"] = hardening_lab.guest_max(quick=quick, measure_steps=2 if quick else 4)
    if "probes" in sections:
        out["probes"] = hardening_lab.probe_memory(20 if quick else 1000)
    if "health" in sections:
        pastes = {"\\[x  x 8 KB": ("\\[x ", 8)} if quick else None
        out["health"] = hardening_health.health_during_paste(pastes)
    out["wall_s"] = time.perf_counter() - t0
    return out


def _table(head: list[str], rows: list[list[Any]]) -> str:
    def cell(v: Any) -> str:
        if isinstance(v, float):
            return f"{v:,.1f}" if abs(v) >= 10 or v == 0 else f"{v:.2f}"
        return str(v).replace("\n", " ").replace("|", "\\|")

    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell(v) for v in r) + " |" for r in rows]
    return "\n".join(lines)


def report(r: dict) -> str:
    """Markdown tables of every figure in `r` (what docs/benchmarks.md records)."""
    parts = [f"Run {r['started']}, seed {r['seed']}, {r['machine']}, {r['wall_s']:.0f} s."]
    if "concurrency" in r:
        rows = [
            [c["backend"], "skipped (no PostgreSQL)", "", "", "", ""]
            if c.get("skipped")
            else [
                c["backend"],
                f"{c['procs']} x {c['writes'] // c['procs']}",
                c["errors"],
                c["lost"],
                c["p50_ms"],
                c["p95_ms"],
            ]
            for c in r["concurrency"]
        ]
        parts.append(
            _table(["back end", "processes x writes", "errors", "lost rows", "p50 ms", "p95 ms"], rows)
        )
    if "races" in r:
        rows = []
        for x in r["races"]:
            if x.get("skipped"):
                rows.append(["races", "skipped (no PostgreSQL)", "", "", "", "", ""])
                continue
            detected = f"{x['stale_detected']}/{x['stale_saves']}" if "stale_saves" in x else ""
            rows.append(
                [
                    x["probe"],
                    x["calls"],
                    x["saved"],
                    x["app"],
                    x["raw"] + x["other"],
                    detected,
                    x.get("lost_updates", ""),
                ]
            )
        parts.append(
            _table(
                [
                    "PostgreSQL race",
                    "calls",
                    "saved",
                    "app error",
                    "raw error",
                    "stale detected",
                    "lost updates",
                ],
                rows,
            )
        )
    if "fuzz" in r:
        rows = [
            [f["target"], f["seed"], f["inputs"], f["ok"], f["app_errors"], f["crashes"], f["hangs"], f["slowest_s"],
             "; ".join(f"{k} ({v})" for k, v in f["crash_kinds"].items())]
            for f in r["fuzz"]
        ]  # fmt: skip
        parts.append(
            _table(
                [
                    "fuzz target",
                    "seed",
                    "inputs",
                    "ok",
                    "app errors",
                    "crashes",
                    "hangs",
                    "slowest s",
                    "crash kinds",
                ],
                rows,
            )
        )
    if "guest" in r:
        g = r["guest"]
        rows = [
            [x["largest"], x["config"], x["steps"], f"{x['n_params']:,}", x["est_tflop"], x["est_s"], x["measured_s"], x["est_mb"], x["measured_mb"]]
            for x in g["rows"]
        ]  # fmt: skip
        parts.append(
            f"Guest limits {g['limits']}; {g['allowed']} of {g['tried']} configs searched are allowed.\n\n"
            + _table(
                [
                    "largest by",
                    "config",
                    "steps",
                    "params",
                    "est TFLOP",
                    "est s",
                    "measured s",
                    "est MiB",
                    "measured MiB",
                ],
                rows,
            )
        )
    if "probes" in r:
        p = r["probes"]
        parts.append(
            _table(
                [
                    "probes",
                    "maps x shape",
                    "kept",
                    "kept MiB",
                    "RSS before MiB",
                    "after MiB",
                    "delta MiB",
                    "after malloc_trim MiB",
                ],
                [
                    [
                        p["probes"],
                        f"{p['maps_per_probe']} x {p['map_shape']}",
                        p["kept_probes"],
                        p["kept_mb"],
                        p["rss_before_mb"],
                        p["rss_after_mb"],
                        p["rss_delta_mb"],
                        p["rss_after_trim_mb"],
                    ]
                ],
            )  # fmt: skip
        )
    if "health" in r:
        h = r["health"]
        rows = [
            [x["paste"], x["outcome"][:60], x["preview_s"], x["checks"], x["p50_ms"], x["max_ms"]]
            for x in h["rows"]
        ]
        parts.append(
            f"Health check idle p50 {h['idle_p50_ms']:.1f} ms.\n\n"
            + _table(
                ["paste", "outcome", "click to result s", "checks", "health p50 ms", "health max ms"], rows
            )
        )
    return "\n\n".join(parts)


def main(argv: list[str] | None = None) -> None:
    """CLI: see the module docstring."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--sections", default=",".join(SECTIONS), help=f"comma-separated, of {', '.join(SECTIONS)}"
    )
    ap.add_argument("--quick", action="store_true", help="tiny sizes (a smoke run)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help="fuzz seed (random.Random)")
    ap.add_argument("--fuzz-n", type=int, default=None, help="inputs per fuzz target (default 2000)")
    ap.add_argument("--json", type=Path, default=None, help="also write every figure here")
    args = ap.parse_args(argv)
    sections = tuple(s.strip() for s in args.sections.split(",") if s.strip())
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        ap.error(f"unknown sections: {', '.join(sorted(unknown))}")
    r = run(sections, quick=args.quick, seed=args.seed, fuzz_n=args.fuzz_n)
    print(report(r))
    if args.json:
        args.json.write_text(json.dumps(r, indent=1, ensure_ascii=False, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
