"""In-app training speed: a real `streamlit run app.py` with a browser watching vs bare `train()`.

    python -m benchmarks.live_app [--steps 600] [--repeats 3] [--modes process,thread] [--json FILE]

For each JobRegistry mode (set through STUDY_LAB_JOB_MODE), starts the app on a free port with a
temp SQLite database, opens a shared Lab link (Transformer on reverse-10) in headless chromium,
presses "학습 시작" and waits for "완료:" while the page polls (fragment, 0.5 s). The in-app speed
is the stored LabRun's `metrics["steps_per_s"]`; the bare speed is the same config's `train()` in
a fresh subprocess (after a warm-up run). App and bare runs alternate; medians give the ratio.
The app is started by tests/support/appserver.py, the helper the browser tests use. Needs
Debian's chromium (/usr/bin/chromium) and Playwright; never downloads a browser.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from core.lab.config import ModelConfig, TrainConfig, from_dict, to_dict

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
MODE_ENV = "STUDY_LAB_JOB_MODE"  # read by core.lab.jobs.registry (kept literal here: no torch import in this process)


def config(steps: int, seed: int, eval_every: int = 25) -> TrainConfig:
    """The benchmarked run: the Transformer tab's model on reverse-10 (the seminar preset's size)."""
    return TrainConfig(
        task="reverse",
        seq_len=10,
        vocab_size=10,
        steps=steps,
        batch_size=64,
        lr=1e-3,
        eval_every=eval_every,
        probe_every=eval_every,
        seed=seed,
        model=ModelConfig(kind="transformer", d_model=64, n_layers=2, n_heads=2, d_ff=128),
    )


def query(cfg: TrainConfig) -> str:
    """A shared link's query with every field spelled out (no reliance on the tab's defaults)."""
    q = {
        "tab": "transformer",
        "task": cfg.task,
        "seq_len": cfg.seq_len,
        "vocab_size": cfg.vocab_size,
        "steps": cfg.steps,
        "batch_size": cfg.batch_size,
        "lr": repr(cfg.lr),
        "eval_every": cfg.eval_every,
        "probe_every": cfg.probe_every,
        "seed": cfg.seed,
        "d_model": cfg.model.d_model,
        "n_layers": cfg.model.n_layers,
        "n_heads": cfg.model.n_heads,
        "d_ff": cfg.model.d_ff,
    }
    return "&".join(f"{k}={v}" for k, v in q.items())


def _bare_worker(cfg_json: str) -> None:
    """Subprocess body: one intra-op thread (as a Lab job), a warm-up run, then the timed run."""
    import torch

    from core.lab.train import train

    torch.set_num_threads(1)
    cfg = from_dict(json.loads(cfg_json))
    for _ in train(replace(cfg, steps=5)):
        pass
    *_, done = train(cfg)  # the last event: DoneEvent
    print(json.dumps({"steps_per_s": done.metrics["steps_per_s"]}))


def bare(cfg: TrainConfig) -> float:
    """Bare train() steps/s of `cfg` in a fresh subprocess."""
    cmd = [sys.executable, "-m", "benchmarks.live_app", "--_bare", json.dumps(to_dict(cfg))]
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True, timeout=900)
    return json.loads(out.stdout.strip().splitlines()[-1])["steps_per_s"]


@contextmanager
def app_server(mode: str):
    """`streamlit run app.py` with a fresh SQLite database and the given job mode: (url, Database)."""
    from core.accounts import members
    from db.engine import Database
    from db.migrate import upgrade
    from db.seeds import run_seeds
    from tests.support.appserver import serve_app

    with tempfile.TemporaryDirectory(prefix="bench-app-") as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        database = Database(db_url)
        upgrade(database.engine)
        with database.write() as s:
            run_seeds(s)
            # A leader must exist, or every page shows the first-setup form; the bench trains as a guest.
            members.create_first_leader(
                session=s, username="bench_leader", display_name="bench", password=secrets.token_urlsafe(16)
            )
        env = {"DATABASE_URL": db_url, "STUDY_DEMO_DATA": "0", MODE_ENV: mode}
        try:
            with serve_app(env, Path(tmp) / "streamlit.log") as base:
                yield base, database
        finally:
            database.dispose()


def app_run(page, base: str, database, cfg: TrainConfig) -> float:
    """Train `cfg` from a shared link while the page polls; the stored run's steps/s."""
    from playwright.sync_api import expect

    from core.lab import runs as lab_runs
    from tests.support.appserver import IDLE

    page.goto(f"{base}/lab?{query(cfg)}")
    page.wait_for_selector(IDLE, timeout=60_000)
    page.get_by_role("button", name="학습 시작").click()
    expect(page.get_by_text("완료:").first).to_be_visible(timeout=max(120_000, cfg.steps * 300))
    want = to_dict(cfg)
    with database.read() as s:  # stored before the page could show "완료:" (on_done runs first)
        runs = [r for r in lab_runs.list_runs(session=s) if r.config.get("seed") == cfg.seed]
        (run,) = runs
        got = {k: v for k, v in run.config.items() if k != "device"}
        if got != {k: v for k, v in want.items() if k != "device"}:
            raise RuntimeError(f"the page trained another config: {run.config} vs {want}")
        return float(run.metrics["steps_per_s"])


def bench_mode(mode: str, steps: int, repeats: int, log=print) -> dict:
    """Alternating app / bare runs for one job mode."""
    from playwright.sync_api import sync_playwright

    app, ref = [], []
    with app_server(mode) as (base, database), sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ko-KR").new_page()
        seed = random.randint(1, 10**6)  # fresh seeds: no stored run offers an instant replay
        app_run(page, base, database, config(30, seed))  # warm-up: imports, worker start, first render
        for r in range(repeats):
            cfg = config(steps, seed + 1 + r)
            for which in ("app", "bare") if r % 2 == 0 else ("bare", "app"):
                if which == "app":
                    app.append(app_run(page, base, database, cfg))
                else:
                    ref.append(bare(cfg))
                log(f"  {mode} repeat {r + 1} {which}: {(app if which == 'app' else ref)[-1]:.1f} steps/s")
        browser.close()
    a, b = statistics.median(app), statistics.median(ref)
    return {
        "mode": mode,
        "app_steps_s": a,
        "bare_steps_s": b,
        "ratio": a / b,
        "app_runs": app,
        "bare_runs": ref,
        "steps": steps,
        "repeats": repeats,
    }


def main(argv: list[str] | None = None) -> int:
    """CLI entry point."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks.live_app", description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=600, help="training steps per run (default 600)")
    ap.add_argument("--repeats", type=int, default=3, help="app/bare pairs per mode (default 3)")
    ap.add_argument("--modes", default="process,thread", help="job modes to measure (default process,thread)")
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    ap.add_argument("--_bare", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args._bare:
        _bare_worker(args._bare)
        return 0
    if not Path(CHROMIUM).exists():
        ap.error(f"no chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)")
    rows = []
    for mode in args.modes.split(","):
        t0 = time.perf_counter()
        rows.append(bench_mode(mode, args.steps, args.repeats))
        print(f"  ({mode}: {time.perf_counter() - t0:.0f} s)")
    print("\n| job mode | in-app steps/s | bare steps/s | ratio | target |\n|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['mode']} | {r['app_steps_s']:.1f} | {r['bare_steps_s']:.1f} | **{r['ratio']:.2f}** | >= 0.90 |"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
