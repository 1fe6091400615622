"""A sign-in flood against a member's writes on SQLite: how many notes a member saves in
`--seconds` while `--threads` threads send wrong passwords as fast as they can.

    python -m benchmarks.signin_flood --threads 8 --seconds 30 --mode before
    python -m benchmarks.signin_flood --threads 8 --seconds 30 --mode after

`after` floods core.accounts.signin.sign_in (the product: the hash runs with no transaction
open). `before` replays how sign-in used to run: the member lookup, the scrypt check and the
counter update all inside one BEGIN IMMEDIATE transaction, built from the same public calls.
`--clients many` gives every try a new client identity (a flood from many addresses: each try
is hashed, the worst case); `one` floods from one address, which the throttle soon refuses
without hashing. `--scrypt-n` sets the hash cost (default: the product's).
Prints one line: writes in the window, their p50 / p95 latency, errors, sign-in tries made.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import update

from core.accounts import members, signin, throttle
from core.curriculum import weeks
from core.errors import AppError
from db.base import utcnow
from db.engine import Database
from db.migrate import upgrade
from db.models.members import LoginThrottle

PASSWORD = "correct horse 1"


def _setup(db: Database):
    with db.write() as s:
        boss = members.create_first_leader(session=s, username="boss", display_name="Boss", password=PASSWORD)
    with db.write() as s:
        kim = members.actor_of(
            members.add_member(session=s, by=boss, username="kim", display_name="Kim", password=PASSWORD)
        )
        week = weeks.create_week(session=s, by=boss, title_ko="1주차")
    return kim, week.id


def _try_before(db: Database, name: str, password: str) -> None:
    """The old shape: lookup, hash and counter write inside one write transaction."""
    with db.write() as s:
        cred = members.credential(session=s, username=name)
        if not members.password_matches(password, cred):
            s.execute(update(LoginThrottle).where(LoginThrottle.scope == "all").values(last_at=utcnow()))


def _flood(db: Database, mode: str, clients: str, stop: threading.Event, tries: list[int], i: int) -> None:
    n = 0
    while not stop.is_set():
        client = f"10.{i}.{n // 250}.{n % 250}" if clients == "many" else "203.0.113.9"
        try:
            if mode == "before":
                _try_before(db, "boss", f"guess {n}")
            else:
                signin.sign_in(db=db, username="boss", password=f"guess {n}", client=client)
        except AppError:
            pass
        except Exception:  # noqa: BLE001  "database is locked" under the old shape: keep flooding
            pass
        n += 1
    tries[i] = n


def run(threads: int, seconds: float, mode: str, clients: str) -> dict:
    """Flood for `seconds`, writing notes as the member meanwhile; the measured figures."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'flood.db'}")
        upgrade(db.engine)
        kim, week_id = _setup(db)
        if mode == "before":
            with db.write() as s:
                throttle.charge(session=s, name="seed", client="seed", now=utcnow())  # the row it updates
        stop = threading.Event()
        tries = [0] * threads
        flooders = [
            threading.Thread(target=_flood, args=(db, mode, clients, stop, tries, i), daemon=True)
            for i in range(threads)
        ]
        for th in flooders:
            th.start()
        time.sleep(0.5)  # the flood is running before the member starts writing
        latencies, errors = [], 0
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            t0 = time.perf_counter()
            try:
                with db.write() as s:
                    weeks.add_note(session=s, by=kim, week_id=week_id, title="note", body="x")
                latencies.append(time.perf_counter() - t0)
            except Exception:  # noqa: BLE001  counted: what the member would see as a failed save
                errors += 1
        stop.set()
        for th in flooders:
            th.join()
        db.dispose()
    q = statistics.quantiles(latencies, n=20) if len(latencies) >= 2 else [float("nan")] * 19
    return {
        "mode": mode,
        "clients": clients,
        "threads": threads,
        "seconds": seconds,
        "scrypt_n": members.SCRYPT["n"],
        "writes": len(latencies),
        "p50_s": statistics.median(latencies) if latencies else float("nan"),
        "p95_s": q[18],
        "errors": errors,
        "tries": sum(tries),
    }


def main(argv: list[str] | None = None) -> None:
    """CLI: see the module docstring."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--mode", choices=("before", "after"), default="after")
    ap.add_argument("--clients", choices=("many", "one"), default="many")
    ap.add_argument("--scrypt-n", type=int, default=None, help="hash cost n (a power of two)")
    args = ap.parse_args(argv)
    if args.scrypt_n:
        members.SCRYPT = {**members.SCRYPT, "n": args.scrypt_n}
    r = run(args.threads, args.seconds, args.mode, args.clients)
    print(
        f"{r['mode']:6} clients={r['clients']:4} threads={r['threads']} scrypt_n=2**{r['scrypt_n'].bit_length() - 1}: "
        f"{r['writes']} writes in {r['seconds']:.0f} s, p50 {r['p50_s'] * 1000:.1f} ms, "
        f"p95 {r['p95_s'] * 1000:.1f} ms, {r['errors']} errors, {r['tries']} sign-in tries"
    )


if __name__ == "__main__":
    main()
