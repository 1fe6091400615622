"""Load test of a seminar room: the real server, N participants and a presenter over Streamlit's
own websocket protocol (benchmarks/st_client.py; no browser, no AppTest, no registry calls).

    python -m benchmarks.room_load [--participants 30] [--backend sqlite|postgres] [--steps N]
                                   [--stops 3] [--json FILE]

Setup (the database, as a leader would have it): a fresh SQLite file (or a fresh PostgreSQL
database next to 127.0.0.1:5432/test), migrations, a leader with a remembered sign-in, a room whose
challenge is the `transformer_reverse` preset. Then `streamlit run server.py` (with
`--backend postgres`, plus one `python -m core.lab.worker` process beside the app's embedded one).

Each participant is a guest tab: opens `/room?code=<code>`, joins with a nickname, opens the Lab
(which starts from the challenge), types its own seed and presses Train, all within `--jitter`
seconds of each other. The presenter (the leader, signed in by cookie) has the Lab open on the
`translate_en_ko` preset and presses Train once the room's runs are queued, then starts `--stops`
long runs and stops each a second after its first step; a second presenter tab shows the room
view (the projector). Every `--render-every` seconds both presenter tabs rerun their page.

Printed, p50 / p95 / max over the samples (seconds, as the client sees them):
page render (presenter's Lab, the room view, participants' pages), the presenter's Train -> first
step, participants' queue wait (Train -> running), Train -> first curve point, curve update gaps
(a running job's curves should change at least once a second), Stop -> stopped, and the time from
the first Train to the last participant run's end.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.st_client import StClient

ROOT = Path(__file__).resolve().parents[1]
TAB = "transformer"
ROOM_PRESET = "transformer_reverse"
PRESENTER_PRESET = "translate_en_ko"
STOP_STEPS = 20000  # a presenter's run long enough to be stopped while it trains
TRAIN, STOP, ANYWAY = (f"lab_{TAB}_{n}" for n in ("train", "stop", "anyway"))
SEED, STEPS = f"lab_{TAB}_seed", f"lab_{TAB}_steps"
JOIN_FORM, JOIN_NICK = "room_join_form", "room_join_nick"
ENDED = {  # the status line's icon once a run is over (ui/lab/draw.py status_line)
    ":material/check_circle:": "finished",
    ":material/stop_circle:": "stopped",
    ":material/trending_up:": "diverged",
    ":material/error:": "failed",
}
_STEP = re.compile(r"(\d[\d,]*)\s*/\s*(\d[\d,]*)")


@dataclass
class Watch:
    """One press of Train, as the pressing tab sees it (times from the press, seconds)."""

    who: str
    t0: float
    running: float | None = None  # the status line left the queue (a progress bar)
    first_step: float | None = None  # the progress bar shows step >= 1
    first_curve: float | None = None  # the loss curve has a point
    changes: dict[tuple, list[float]] = field(default_factory=dict)  # per chart: when its data changed
    ended: float | None = None
    outcome: str | None = None
    stop_sent: float | None = None
    _digest: dict[tuple, int] = field(default_factory=dict)

    def seen(self, path: tuple, kind: str, proto, now: float) -> None:
        """Listener body: note progress and curve updates (each chart by its place on the page)."""
        if self.ended is not None:
            return
        if kind == "progress":
            self.running = self.running or now - self.t0
            m = _STEP.search(proto.text)
            if m and int(m.group(1).replace(",", "")) >= 1 and self.first_step is None:
                self.first_step = now - self.t0
        elif kind == "vega_lite_chart":
            lines = next((d.data.data for d in proto.datasets if d.name == "lines"), None)
            if lines is None:
                return
            digest = hash(lines)
            if digest == self._digest.get(path):
                return
            self._digest[path] = digest
            if self.first_curve is None:
                if _rows(lines) == 0:
                    return
                self.first_curve = now - self.t0
            self.changes.setdefault(path, []).append(now - self.t0)

    def gaps(self) -> list[float]:
        """Seconds between updates of each chart while the job trained."""
        return [b - a for times in self.changes.values() for a, b in zip(times, times[1:], strict=False)]


def _rows(arrow_bytes: bytes) -> int:
    import pyarrow as pa

    return pa.ipc.open_stream(arrow_bytes).read_all().num_rows


def _listen(client: StClient) -> None:
    client.listeners.append(lambda c, path, s: c.watch and c.watch.seen(path, s.kind, s.proto, s.at))
    client.watch = None


def _outcome(client: StClient) -> str | None:
    """The run's end as the tab shows it after a full run: its status icon, Train enabled again."""
    if not client.idle or not client.has_widget(TRAIN) or client.widget(TRAIN).disabled:
        return None
    for s in client.shown("alert"):
        if s.proto.icon in ENDED:
            return ENDED[s.proto.icon]
    return None


async def train(
    client: StClient, timeout: float, *, stop_after_first_step: float | None = None, pressed=None
) -> Watch:
    """Press Train and follow the run to its end (optionally stop it after its first step);
    `pressed()` is called once the press's page run has finished (the job is queued)."""
    watch = Watch(client.name, time.perf_counter())
    client.watch = watch
    await client.click(TRAIN)
    if client.has_widget(ANYWAY):  # a stored run of this config was offered instead: train anyway
        watch.t0 = time.perf_counter()
        await client.click(ANYWAY)
    if pressed is not None:
        pressed()
    if stop_after_first_step is not None:
        await client.wait_for(lambda: watch.first_step is not None, timeout, "first step")
        await asyncio.sleep(stop_after_first_step)
        watch.stop_sent = time.perf_counter()
        await client.click(STOP)
    end = await client.wait_for(lambda: _outcome(client) is not None, timeout, "end of the run")
    watch.ended, watch.outcome = end - watch.t0, _outcome(client)
    client.watch = None
    return watch


# --- setup ----------------------------------------------------------------------------------------
@dataclass
class Room:
    """What the benchmark set up: the server's base URL, the room code, the leader's cookie."""

    base: str
    code: str
    room_id: int
    token: str
    database: object


def _fresh_database(backend: str, tmp: Path) -> tuple[str, callable]:
    """(url, drop) of an empty database for this run."""
    if backend == "sqlite":
        return f"sqlite:///{tmp / 'room.db'}", lambda: None
    from tests.support.db import DEFAULT_PG, create_pg_database, drop_pg_database

    admin = os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)
    url = create_pg_database(admin)
    return url, lambda: drop_pg_database(admin, url)


def _seed_room(database, steps: int | None) -> tuple[str, int, str]:
    """A leader with a remembered sign-in and an open room challenging `ROOM_PRESET`."""
    from core.accounts import members, sessions
    from core.lab import rooms
    from db.migrate import upgrade
    from db.seeds import run_seeds

    upgrade(database.engine)
    with database.write() as s:
        run_seeds(s)
        leader = members.create_first_leader(
            session=s, username="presenter", display_name="Presenter", password=secrets.token_urlsafe(16)
        )
        token = sessions.create_session(session=s, actor=leader)
        room = rooms.open_room(session=s, by=leader, title="room load test")
        rooms.set_challenge(session=s, by=leader, room_id=room.id, preset=ROOM_PRESET, steps=steps)
        return room.code, room.id, token


@contextmanager
def _worker(backend: str, env: dict[str, str], log_path: Path):
    """With PostgreSQL: one extra `python -m core.lab.worker` beside the app's embedded worker."""
    if backend != "postgres":
        yield None
        return
    if importlib.util.find_spec("core.lab.worker") is None:
        raise SystemExit("--backend postgres needs core.lab.worker (the PostgreSQL job back end)")
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "core.lab.worker"],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextmanager
def room_server(backend: str, steps: int | None, extra_env: dict[str, str], log_dir: Path | None = None):
    """The server on a fresh database with an open room (and the extra worker): a Room."""
    from db.engine import Database
    from tests.support.appserver import serve_app

    with tempfile.TemporaryDirectory(prefix="room-load-") as tmp_name:
        tmp = Path(tmp_name)
        logs = log_dir or tmp
        url, drop = _fresh_database(backend, tmp)
        database = Database(url)
        try:
            code, room_id, token = _seed_room(database, steps)
            env = {"DATABASE_URL": url, "STUDY_DEMO_DATA": "0", **extra_env}
            with _worker(backend, env, logs / "worker.log"), serve_app(env, logs / "streamlit.log") as base:
                yield Room(base, code, room_id, token, database)
        finally:
            database.dispose()
            drop()


# --- the room -------------------------------------------------------------------------------------
@dataclass
class Outcome:
    """Everything measured in one load test."""

    participants: list[Watch] = field(default_factory=list)
    presenter: Watch | None = None
    stops: list[Watch] = field(default_factory=list)
    renders: dict[str, list[float]] = field(default_factory=dict)  # full page runs, by tab
    polls: dict[str, list[float]] = field(default_factory=dict)  # fragment runs (run_every), by tab
    wave_start: float = 0.0
    wave_end: float = 0.0
    stored_runs: int = 0


async def participant(
    room: Room, i: int, seed: int, ready: asyncio.Event, go: asyncio.Event, pressed, args, out
):
    """One guest tab: join the room, open the Lab on the challenge, own seed, Train, to the end."""
    c = StClient(room.base, page="room", query=f"code={room.code}", name=f"p{i:02d}", timeout=args.timeout)
    c.cookies["study_lab_guest"] = secrets.token_hex(16)
    _listen(c)
    await c.connect()
    try:
        await c.set_value(JOIN_NICK, f"p{i:02d}")
        await c.submit(JOIN_FORM)
        await c.goto("lab")
        await c.set_value(SEED, seed)
        ready.set()
        await go.wait()
        await asyncio.sleep(random.Random(seed).uniform(0, args.jitter))
        out.participants.append(await train(c, args.timeout, pressed=pressed))
    finally:
        out.renders.setdefault("participant pages", []).extend(r.seconds for r in c.runs)
        await c.close()


async def _render_loop(client: StClient, every: float, until: asyncio.Event) -> None:
    while not until.is_set():
        try:
            await asyncio.wait_for(until.wait(), every)
        except TimeoutError:
            await client.rerun("render")


async def presenter(room: Room, queued: asyncio.Event, room_done: asyncio.Event, args, out) -> None:
    """The leader's Lab (translate preset) and the projector's room view."""
    cookies = {"study_session": room.token}
    lab = StClient(
        room.base, page="lab", query=f"preset={PRESENTER_PRESET}", cookies=cookies, name="presenter"
    )
    view = StClient(room.base, page="room", query=f"code={room.code}", cookies=cookies, name="projector")
    _listen(lab)
    await lab.connect()
    await view.connect()
    done = asyncio.Event()
    loops = [asyncio.create_task(_render_loop(c, args.render_every, done)) for c in (lab, view)]
    try:
        await queued.wait()
        out.presenter = await train(lab, args.timeout)
        for k in range(args.stops):
            if room_done.is_set() and not args.stops_after_room:
                break
            await lab.set_value(STEPS, STOP_STEPS)
            await lab.set_value(SEED, 9000 + k)
            out.stops.append(await train(lab, args.timeout, stop_after_first_step=1.0))
        await room_done.wait()
    finally:
        done.set()
        await asyncio.gather(*loops, return_exceptions=True)
        out.renders["presenter's Lab"] = [r.seconds for r in lab.runs if r.what == "render"]
        out.renders["room view"] = [r.seconds for r in view.runs if r.what == "render"]
        out.polls["room view: live board"] = list(view.fragment_runs)
        out.polls["presenter's Lab: live curves and attention"] = list(lab.fragment_runs)
        await lab.close()
        await view.close()


async def run_room(room: Room, args) -> Outcome:
    """The whole scenario against a running server."""
    out = Outcome()
    rng = random.Random(args.seed)
    seeds = rng.sample(range(1, 10**6), args.participants)
    readies = [asyncio.Event() for _ in seeds]
    go, queued, room_done = asyncio.Event(), asyncio.Event(), asyncio.Event()
    boss = asyncio.create_task(presenter(room, queued, room_done, args, out))
    count = [0]

    def pressed() -> None:  # the presenter presses Train once every participant's run is queued
        count[0] += 1
        if count[0] == len(seeds):
            queued.set()

    crowd = [
        asyncio.create_task(participant(room, i, seed, ready, go, pressed, args, out))
        for i, (seed, ready) in enumerate(zip(seeds, readies, strict=True))
    ]
    waiting = [asyncio.create_task(r.wait()) for r in readies]
    await _first_error(waiting, crowd + [boss])
    out.wave_start = time.perf_counter()
    go.set()
    await _first_error(crowd, [boss])
    out.wave_end = time.perf_counter()
    room_done.set()
    await boss
    out.stored_runs = _stored_runs(room)
    return out


async def _first_error(wait: list[asyncio.Task], watch: list[asyncio.Task]) -> None:
    """Wait for `wait`; a task of `watch` failing first fails the run (every task is cancelled)."""
    pending = set(wait) | set(watch)
    while any(t in pending for t in wait):
        done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        for t in done:
            if t.exception() is not None:
                for other in pending:
                    other.cancel()
                raise t.exception()


def _stored_runs(room: Room) -> int:
    """Runs of the room stored as finished in the database."""
    from core.lab import rooms

    with room.database.read() as s:
        return sum(r.status == "finished" for r in rooms.room_runs(session=s, room_id=room.room_id))


# --- report ---------------------------------------------------------------------------------------
def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def figures(out: Outcome) -> dict:
    """The figures as rows {name: {p50, p95, max, n}} plus totals."""
    parts = out.participants
    runs = [*parts, *([out.presenter] if out.presenter else [])]

    def row(values):
        values = [v for v in values if v is not None]
        return {
            "p50": _pct(values, 50),
            "p95": _pct(values, 95),
            "max": max(values) if values else None,
            "n": len(values),
        }

    rows = {f"page render: {k}": row(v) for k, v in out.renders.items()}
    rows.update({f"fragment poll: {k}": row(v) for k, v in out.polls.items()})
    rows["presenter: Train -> first step"] = row([out.presenter and out.presenter.first_step])
    rows["participants: queue wait (Train -> running)"] = row([w.running for w in parts])
    rows["Train -> first curve point"] = row([w.first_curve for w in runs])
    rows["curve update gap while training"] = row([g for w in runs + out.stops for g in w.gaps()])
    rows["Stop -> stopped"] = row([w.ended - (w.stop_sent - w.t0) for w in out.stops if w.stop_sent])
    rows["participants: Train -> run ended"] = row([w.ended for w in parts])
    outcomes = [w.outcome for w in parts]
    return {
        "rows": rows,
        "participants": len(parts),
        "finished": outcomes.count("finished"),
        "outcomes": {o: outcomes.count(o) for o in set(outcomes)},
        "presenter_outcome": out.presenter.outcome if out.presenter else None,
        "stops": [w.outcome for w in out.stops],
        "all_finished_s": out.wave_end - out.wave_start,
        "stored_finished_runs": out.stored_runs,
    }


def report(fig: dict, args) -> str:
    """The figures as a Markdown table."""
    lines = [
        f"room load: {args.participants} participants + presenter, backend {args.backend}, "
        f"steps {args.steps or 'preset'}",
        "",
        "| figure (s) | p50 | p95 | max | n |",
        "|---|---|---|---|---|",
    ]

    def f(v):
        return "–" if v is None else f"{v:.2f}"

    for name, r in fig["rows"].items():
        lines.append(f"| {name} | {f(r['p50'])} | {f(r['p95'])} | {f(r['max'])} | {r['n']} |")
    lines += [
        "",
        f"all participant runs ended {fig['all_finished_s']:.1f} s after the first Train; "
        f"finished {fig['finished']}/{fig['participants']} ({fig['outcomes']}), "
        f"stored finished in the room: {fig['stored_finished_runs']}; presenter: {fig['presenter_outcome']}; "
        f"stops: {fig['stops']}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """CLI entry point."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks.room_load", description=__doc__.splitlines()[0])
    ap.add_argument("--participants", type=int, default=30, help="simulated participants (default 30)")
    ap.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    ap.add_argument("--steps", type=int, help="the challenge's steps (default: the preset's)")
    ap.add_argument(
        "--stops", type=int, default=3, help="presenter's runs stopped after a second (default 3)"
    )
    ap.add_argument(
        "--stops-after-room", action="store_true", help="do all --stops even when the room is done"
    )
    ap.add_argument("--jitter", type=float, default=2.0, help="participants press Train within this (s)")
    ap.add_argument("--render-every", type=float, default=2.0, help="presenter tabs rerun this often (s)")
    ap.add_argument("--timeout", type=float, default=600.0, help="longest wait for one step of a tab (s)")
    ap.add_argument("--seed", type=int, default=0, help="seeds of the participants' runs")
    ap.add_argument("--env", action="append", default=[], metavar="NAME=VALUE", help="extra server env")
    ap.add_argument("--logs", type=Path, help="keep the server's (and worker's) logs in this folder")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = ap.parse_args(argv)
    extra = dict(e.split("=", 1) for e in args.env)
    if args.logs:
        args.logs.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    with room_server(args.backend, args.steps, extra, args.logs) as room:
        out = asyncio.run(run_room(room, args))
    fig = figures(out)
    print(report(fig, args))
    print(f"({time.perf_counter() - t0:.0f} s in all)")
    if args.json:
        Path(args.json).write_text(json.dumps(fig, indent=2), encoding="utf-8")
    return 0 if fig["finished"] == fig["participants"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
