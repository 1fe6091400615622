"""The Lab's cold start: how long the first Lab visit after a server start shows nothing, and when
Train can be pressed (issue 13: drawn within 2 s, Train usable within 4 s on a 2-core machine).

    python -m benchmarks.cold_start [--repeats 3] [--delay 0] [--json FILE]

Each repeat starts a fresh server (`streamlit run server.py` through tests/support/appserver.py,
a new temp SQLite database, so the engine warm-up of web/lab_warmup.py starts with it), waits for
its health check, waits `--delay` seconds (0: the worst case, a visit the instant the server
answers), then opens /lab in headless chromium (launched beforehand: the browser's own start is
not counted) and times, from the navigation:
  - drawn: the Lab's Train button is on screen (title, tabs and controls are drawn above it);
  - usable: that button is enabled (the engine is warm, ui/lab/engine.py).
Also reported: server start -> health. Medians over the repeats; needs Debian's chromium
(/usr/bin/chromium) and Playwright, never downloads a browser. Figures depend on what else runs
on the machine: record them on a quiet one.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
TRAIN = ".st-key-lab_rnn_train button"  # the first tab's Train button (ui/lab/keys.py TRAIN)
TARGETS = {"drawn_s": 2.0, "usable_s": 4.0}


def _database(tmp: Path) -> str:
    """A migrated SQLite database with one leader (without one, every page shows first setup)."""
    from core.accounts import members
    from db.engine import Database
    from db.migrate import upgrade

    url = f"sqlite:///{tmp / 'cold.db'}"
    database = Database(url)
    upgrade(database.engine)
    with database.write() as s:
        members.create_first_leader(
            session=s, username="bench_leader", display_name="bench", password=secrets.token_urlsafe(16)
        )
    database.dispose()
    return url


def one_start(browser, delay: float, log=print) -> dict:
    """Start a fresh server, open the Lab, time drawn and usable (seconds from the navigation)."""
    from tests.support.appserver import serve_app

    with tempfile.TemporaryDirectory(prefix="bench-cold-") as name:
        tmp = Path(name)
        env = {"DATABASE_URL": _database(tmp), "STUDY_DEMO_DATA": "0"}
        page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ko-KR").new_page()
        started = time.perf_counter()
        with serve_app(env, tmp / "streamlit.log") as base:
            healthy = time.perf_counter() - started
            time.sleep(delay)  # a visit some time after the start (0: at once)
            t0 = time.perf_counter()
            page.goto(f"{base}/lab", wait_until="commit")
            page.wait_for_selector(TRAIN, state="visible", timeout=120_000)
            drawn = time.perf_counter() - t0
            page.wait_for_selector(f"{TRAIN}:not([disabled])", timeout=120_000)
            usable = time.perf_counter() - t0
        page.context.close()
    row = {"health_s": healthy, "drawn_s": drawn, "usable_s": usable, "delay_s": delay}
    log(f"  health {healthy:.2f} s, Lab drawn {drawn:.2f} s, Train usable {usable:.2f} s")
    return row


def bench(repeats: int, delay: float, log=print) -> dict:
    """`repeats` fresh starts; medians of each figure."""
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        try:
            for r in range(repeats):
                log(f"start {r + 1}/{repeats}")
                rows.append(one_start(browser, delay, log))
        finally:
            browser.close()
    medians = {k: statistics.median(row[k] for row in rows) for k in ("health_s", "drawn_s", "usable_s")}
    return {**medians, "runs": rows, "repeats": repeats, "delay_s": delay, "cpus": os.cpu_count()}


def main(argv: list[str] | None = None) -> int:
    """CLI entry point."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks.cold_start", description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3, help="fresh server starts (default 3)")
    ap.add_argument(
        "--delay", type=float, default=0.0, help="seconds between the health check and the visit (default 0)"
    )
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = ap.parse_args(argv)
    if not Path(CHROMIUM).exists():
        ap.error(f"no chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    res = bench(args.repeats, args.delay)
    print("\n| figure (median) | seconds | target |\n|---|---|---|")
    print(f"| server start -> health | {res['health_s']:.2f} | |")
    for key, label in (("drawn_s", "Lab drawn"), ("usable_s", "Train usable")):
        print(f"| {label} (from the visit) | **{res[key]:.2f}** | <= {TARGETS[key]:g} |")
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
