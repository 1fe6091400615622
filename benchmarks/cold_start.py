"""The Lab's cold start: how long the first Lab visit after a server start shows nothing, and when
Train can be pressed (issue 13: drawn within 2 s, Train usable within 4 s on a 2-core machine).

    python -m benchmarks.cold_start [--repeats 3] [--delay 0] [--returning] [--json FILE]

Each repeat starts a fresh server (`streamlit run server.py` through tests/support/appserver.py,
a new temp SQLite database, so the engine warm-up of web/lab_warmup.py starts with it), waits for
its health check, waits `--delay` seconds (0: the worst case, a visit the instant the server
answers), then opens /lab in headless chromium (launched beforehand: the browser's own start is
not counted) and times, from the navigation:
  - title: the Lab's heading is on screen (the page is no longer blank);
  - drawn: the Lab's Train button is on screen (title, tabs and controls are drawn above it);
  - usable: that button is enabled (the engine is warm, ui/lab/engine.py).
A first-time browser (default) loads Streamlit's ~2.5 MB of scripts and the fonts; with
`--returning` every repeat uses one browser profile that visited the same address before (one
priming visit to a server that is then stopped), as a presenter restarting the server would: its
scripts come from the browser's cache (Streamlit serves them immutable).
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
TITLE = "[data-testid=stMain] h1"
TARGETS = {"drawn_s": 2.0, "usable_s": 4.0}
FIGURES = {
    "title_s": "Lab title on screen",
    "drawn_s": "Lab drawn (Train on screen)",
    "usable_s": "Train usable",
}


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


def one_start(context, delay: float, port: int, log=print) -> dict:
    """Start a fresh server, open the Lab in `context`, time title, drawn and usable (seconds from
    the navigation)."""
    from tests.support.appserver import serve_app

    with tempfile.TemporaryDirectory(prefix="bench-cold-") as name:
        tmp = Path(name)
        env = {"DATABASE_URL": _database(tmp), "STUDY_DEMO_DATA": "0"}
        page = context.new_page()
        started = time.perf_counter()
        with serve_app(env, tmp / "streamlit.log", port=port) as base:
            healthy = time.perf_counter() - started
            time.sleep(delay)  # a visit some time after the start (0: at once)
            t0 = time.perf_counter()
            page.goto(f"{base}/lab", wait_until="commit")
            page.wait_for_selector(TITLE, state="visible", timeout=120_000)
            title = time.perf_counter() - t0
            page.wait_for_selector(TRAIN, state="visible", timeout=120_000)
            drawn = time.perf_counter() - t0
            page.wait_for_selector(f"{TRAIN}:not([disabled])", timeout=120_000)
            usable = time.perf_counter() - t0
        page.close()
    row = {"health_s": healthy, "title_s": title, "drawn_s": drawn, "usable_s": usable, "delay_s": delay}
    log(
        f"  health {healthy:.2f} s, title {title:.2f} s, Lab drawn {drawn:.2f} s, Train usable {usable:.2f} s"
    )
    return row


def bench(repeats: int, delay: float, returning: bool = False, log=print) -> dict:
    """`repeats` fresh starts; medians of each figure."""
    from playwright.sync_api import sync_playwright

    from tests.support.appserver import free_port

    port = free_port()  # one address for every start: a browser's cache is per origin
    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )

        def fresh():
            return browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ko-KR")

        try:
            shared = fresh() if returning else None
            if shared is not None:
                log("priming the browser's cache (one visit, not counted)")
                one_start(shared, 6.0, port, log=lambda _msg: None)
            for r in range(repeats):
                log(f"start {r + 1}/{repeats}")
                context = shared or fresh()
                rows.append(one_start(context, delay, port, log))
                if shared is None:
                    context.close()
        finally:
            browser.close()
    keys = ("health_s", *FIGURES)
    medians = {k: statistics.median(row[k] for row in rows) for k in keys}
    return {
        **medians,
        "runs": rows,
        "repeats": repeats,
        "delay_s": delay,
        "returning": returning,
        "cpus": os.cpu_count(),
    }


def main(argv: list[str] | None = None) -> int:
    """CLI entry point."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks.cold_start", description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3, help="fresh server starts (default 3)")
    ap.add_argument(
        "--delay", type=float, default=0.0, help="seconds between the health check and the visit (default 0)"
    )
    ap.add_argument(
        "--returning",
        action="store_true",
        help="a browser that visited before (cached scripts), not a first-time one",
    )
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = ap.parse_args(argv)
    if not Path(CHROMIUM).exists():
        ap.error(f"no chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    res = bench(args.repeats, args.delay, args.returning)
    who = "returning browser" if args.returning else "first-time browser"
    print(
        f"\n| figure (median, {who}, visit {args.delay:g} s after health) | seconds | target |\n|---|---|---|"
    )
    print(f"| server start -> health | {res['health_s']:.2f} | |")
    for key, label in FIGURES.items():
        target = f"<= {TARGETS[key]:g}" if key in TARGETS else ""
        print(f"| {label} (from the visit) | **{res[key]:.2f}** | {target} |")
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
