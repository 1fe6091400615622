"""Load test of a seminar room: the real server, N participants and a presenter over Streamlit's
own websocket protocol (benchmarks/st_client.py; no browser, no AppTest, no registry calls).

    python -m benchmarks.room_load [--participants 30] [--backend sqlite|postgres] [--steps N]
                                   [--stops 3] [--settle S] [--logs DIR] [--json FILE] [--env NAME=VALUE]

Setup (benchmarks/room_setup.py): a fresh SQLite file, or a fresh PostgreSQL database beside
TEST_DATABASE_URL / 127.0.0.1:5432 (dropped afterwards); migrations; a leader with a remembered
sign-in; an open room whose challenge is the `transformer_reverse` preset. Then `streamlit run
server.py`, and with `--backend postgres` one `python -m core.lab.worker` beside the app's own.
The room opens as soon as the server answers, or `--settle` seconds later: a server started
before the seminar, whose Lab worker processes have imported torch by then.

Each participant is a guest tab: opens `/room?code=<code>`, joins with a nickname, opens the Lab
(which starts from the challenge), types its own seed, waits for Train to be enabled and presses
it, all within `--jitter` seconds of each other. The presenter (the leader, signed in by cookie)
has the Lab open on `translate_en_ko` and presses Train once every participant's run is queued,
then starts `--stops` long runs and stops each a second after its first step; a second presenter
tab shows the room view (the projector). Both presenter tabs rerun their page every
`--render-every` seconds; every tab follows its fragments' `run_every` polls as a browser does.

Printed (benchmarks/room_report.py), p50 / p95 / max in seconds as the tabs saw them: page render
(send -> the page run finished: presenter's Lab, room view, participants' pages), fragment polls,
Train -> first step (presenter, participants), queue wait (Train -> running), Train -> first
curve point, gaps between curve updates, Stop -> stopped (the page shows it) and Stop -> stored
as stopped (the database has the stopped run: the stop took effect on the server, whatever the
page's own run costs), Train -> run ended, and the time from the first Train to the last
participant run's end. Exit status 1 when a run did not finish.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import secrets
import time
from pathlib import Path

from benchmarks.proc_cpu import cpu_by_kind, descendants_cpu
from benchmarks.room_report import Outcome, figures, report
from benchmarks.room_setup import GUEST_COOKIE, Room, room_server, stored_as_stopped, stored_runs
from benchmarks.room_tab import SEED, STEPS, Watch, listen, train, train_ready
from benchmarks.st_client import ClientError, StClient

PRESENTER_PRESET = "translate_en_ko"
STOP_STEPS = 20000  # a presenter's run long enough to be stopped while it trains
STOP_SEED = 9000  # the stopped runs' seeds: STOP_SEED, STOP_SEED + 1, ...
POLL_DB_S = 0.02  # how often the database is asked whether a stopped run is stored
JOIN_FORM, JOIN_NICK = "room_join_form", "room_join_nick"  # ui/lab/room_keys.py


# --- the room -------------------------------------------------------------------------------------
async def participant(room: Room, i: int, seed: int, wave: Wave, args, out: Outcome) -> None:
    """One guest tab: join the room, open the Lab on the challenge, own seed, Train, to the end.
    A tab that cannot go on is reported and leaves the others to finish."""
    name = f"p{i:02d}"
    c = StClient(room.base, page="room", query=f"code={room.code}", name=name, timeout=args.timeout)
    c.cookies[GUEST_COOKIE] = secrets.token_hex(16)
    listen(c)
    pressed = False

    def press() -> None:
        nonlocal pressed
        pressed = True
        wave.pressed()

    try:
        await c.connect()
        await c.set_value(JOIN_NICK, name)
        await c.submit(JOIN_FORM)
        await c.goto("lab")
        await c.set_value(SEED, seed)
        await train_ready(c, args.timeout)
        wave.ready()
        await wave.go.wait()
        await asyncio.sleep(random.Random(seed).uniform(0, args.jitter))
        out.participants.append(await train(c, args.timeout, pressed=press))
    except (ClientError, OSError) as err:
        out.errors.append(f"{name}: {err}")
        out.participants.append(Watch(name, outcome="client error"))
    except asyncio.CancelledError:  # the room's deadline: what this tab saw so far still counts
        watch = c.watch or Watch(name)
        watch.outcome = "not ended by the deadline"
        out.participants.append(watch)
    finally:
        if not pressed:
            press()
        wave.ready()
        out.renders.setdefault("participant pages", []).extend(r.seconds for r in c.runs)
        out.slow_runs.extend((r.seconds, f"{name}: {r.what}") for r in c.runs)
        await c.close()


async def _render_loop(client: StClient, every: float, until: asyncio.Event) -> None:
    while not until.is_set():
        try:
            await asyncio.wait_for(until.wait(), every)
        except TimeoutError:
            await client.rerun("render")


async def presenter(room: Room, wave: Wave, args, out: Outcome) -> None:
    """The leader's Lab (translate preset) and the projector's room view, rerendered every few
    seconds; Train once the room's runs are queued, then runs stopped a second after their first step."""
    cookies = room.leader_cookies
    query = f"preset={PRESENTER_PRESET}"
    lab = StClient(
        room.base, page="lab", query=query, cookies=cookies, name="presenter", timeout=args.timeout
    )
    view = StClient(room.base, page="room", query=f"code={room.code}", cookies=cookies, name="projector")
    listen(lab)
    stop = asyncio.Event()
    loops = []
    try:
        await lab.connect()
        await view.connect()
        loops = [asyncio.create_task(_render_loop(c, args.render_every, stop)) for c in (lab, view)]
        await wave.queued.wait()
        out.presenter = await train(lab, args.timeout)
        for k in range(args.stops):  # during the room's load while it lasts
            seed = STOP_SEED + k
            await lab.set_value(STEPS, STOP_STEPS)
            await lab.set_value(SEED, seed)
            stored: list[asyncio.Task] = []
            watch = await train(
                lab,
                args.timeout,
                stop_after_first_step=1.0,
                stopping=lambda s=seed, into=stored: into.append(
                    asyncio.create_task(_stored_at(room, s, args.timeout))
                ),
            )
            out.stops.append(watch)
            at = await stored[0] if stored else None
            out.stops_stored.append(None if at is None or watch.stop_sent is None else at - watch.stop_sent)
        await wave.done.wait()
    except (ClientError, OSError) as err:
        out.errors.append(f"presenter: {err}")
    finally:
        stop.set()
        for r in await asyncio.gather(*loops, return_exceptions=True):
            if isinstance(r, Exception):
                out.errors.append(f"presenter's page rerun: {r}")
        out.renders["presenter's Lab"] = [r.seconds for r in lab.runs if r.what == "render"]
        out.renders["room view"] = [r.seconds for r in view.runs if r.what == "render"]
        out.slow_runs.extend((r.seconds, f"{c.name}: {r.what}") for c in (lab, view) for r in c.runs)
        out.polls["room view: live board"] = list(view.fragment_runs)
        out.polls["presenter's Lab: live curves and attention"] = list(lab.fragment_runs)
        await lab.close()
        await view.close()


async def _stored_at(room: Room, seed: int, timeout: float) -> float | None:
    """When (perf_counter) the run with `seed` was first seen stored as stopped in the database,
    looked for every POLL_DB_S from just before the Stop click (None: not within `timeout`)."""

    def look() -> float | None:
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            if stored_as_stopped(room, seed):
                return time.perf_counter()
            time.sleep(POLL_DB_S)
        return None

    return await asyncio.to_thread(look)


class Wave:
    """When the room presses Train: every participant ready, then go; the presenter's Train once
    every participant's run is queued; done when every participant's run ended."""

    def __init__(self, n: int) -> None:
        self.n, self._ready, self._pressed = n, set(), 0
        self.go, self.queued, self.done = (asyncio.Event() for _ in range(3))

    def ready(self) -> None:
        self._ready.add(asyncio.current_task())
        if len(self._ready) >= self.n:
            self.go.set()

    def pressed(self) -> None:
        self._pressed += 1
        if self._pressed >= self.n:
            self.queued.set()


async def run_room(room: Room, args) -> Outcome:
    """The whole scenario against a running server."""
    out = Outcome()
    cpu, wall = time.process_time(), time.perf_counter()
    seeds = random.Random(args.seed).sample(range(1, 10**6), args.participants)
    wave = Wave(len(seeds))
    boss = asyncio.create_task(presenter(room, wave, args, out))
    crowd = [asyncio.create_task(participant(room, i, seed, wave, args, out)) for i, seed in enumerate(seeds)]
    procs = descendants_cpu()
    _, late = await asyncio.wait(crowd, timeout=args.deadline)
    if late:  # print what was measured rather than nothing
        out.errors.append(f"{len(late)} participant tab(s) not done {args.deadline:g} s after the start")
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)
    wave.go.set()  # (a tab that never got ready must not hold the others)
    wave.done.set()
    try:
        await asyncio.wait_for(boss, timeout=max(60.0, args.timeout))
    except TimeoutError:
        out.errors.append("presenter: not done after the room's end")
    out.process_cpu = cpu_by_kind(procs, descendants_cpu())
    out.client_cpu_s, out.wall_s = time.process_time() - cpu, time.perf_counter() - wall
    out.stored_runs = stored_runs(room)
    return out


def main(argv: list[str] | None = None) -> int:
    """CLI entry point."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks.room_load", description=__doc__.splitlines()[0])
    ap.add_argument("--participants", type=int, default=30, help="simulated participants (default 30)")
    ap.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    ap.add_argument("--steps", type=int, help="the challenge's steps (default: the preset's)")
    ap.add_argument(
        "--stops", type=int, default=3, help="presenter's runs stopped after a second (default 3)"
    )
    ap.add_argument("--jitter", type=float, default=2.0, help="participants press Train within this (s)")
    ap.add_argument("--render-every", type=float, default=2.0, help="presenter tabs rerun this often (s)")
    ap.add_argument("--timeout", type=float, default=600.0, help="longest wait for one step of a tab (s)")
    ap.add_argument(
        "--deadline",
        type=float,
        default=900.0,
        help="the whole room's limit (s): tabs still going are ended and what they saw is reported",
    )
    ap.add_argument("--seed", type=int, default=0, help="seeds of the participants' runs")
    ap.add_argument(
        "--settle", type=float, default=0.0, help="seconds from the server answering to the room opening"
    )
    ap.add_argument("--env", action="append", default=[], metavar="NAME=VALUE", help="extra server env")
    ap.add_argument("--logs", type=Path, help="keep the server's (and worker's) logs in this folder")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = ap.parse_args(argv)
    extra = dict(e.split("=", 1) for e in args.env)
    if args.logs:
        args.logs.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    with room_server(args.backend, args.steps, extra, args.logs) as room:
        time.sleep(args.settle)  # the server alone: its Lab workers warm up
        out = asyncio.run(run_room(room, args))
    fig = figures(out)
    title = (
        f"room load: {args.participants} participants + presenter, {args.backend}, "
        f"steps {args.steps or 'preset'}, opened {args.settle:g} s after the server answered"
    )
    print(report(fig, title))
    print(f"({time.perf_counter() - t0:.0f} s in all)")
    if args.json:
        Path(args.json).write_text(json.dumps(fig, indent=2), encoding="utf-8")
    return 0 if fig["finished"] == fig["participants"] and not fig["errors"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
