"""What the room load test sets up (benchmarks/room_load.py): a fresh database (SQLite file, or a
new PostgreSQL database beside 127.0.0.1:5432/test) with the migrations, a leader with a
remembered sign-in and an open room challenging `ROOM_PRESET`; `streamlit run server.py` on it
(tests/support/appserver.py), and with PostgreSQL one extra `python -m core.lab.worker`."""

from __future__ import annotations

import importlib.util
import os
import secrets
import subprocess
import sys
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROOM_PRESET = "transformer_reverse"
GUEST_COOKIE = "study_lab_guest"  # ui/lab/identity.py (a browser that kept its guest id)


@dataclass
class Room:
    """What the benchmark set up: the server's base URL, the room code, the leader's cookie."""

    base: str
    code: str
    room_id: int
    token: str
    database: object

    @property
    def leader_cookies(self) -> dict[str, str]:
        """The presenter's remembered sign-in, as the browser sends it."""
        from core.accounts import sessions

        return {getattr(sessions, "COOKIE", "study_session"): self.token}


def _fresh_database(backend: str, tmp: Path) -> tuple[str, Callable[[], None]]:
    """(url, drop) of an empty database for this run."""
    if backend == "sqlite":
        return f"sqlite:///{tmp / 'room.db'}", lambda: None
    from tests.support.db import DEFAULT_PG, create_pg_database, drop_pg_database, pg_admin_url

    admin = pg_admin_url() or DEFAULT_PG
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
            from tests.support.appserver import end_process

            end_process(proc)


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


def stored_as_stopped(room: Room, seed: int) -> bool:
    """Is the run with `seed` stored as stopped (a Stop that took effect on the server)?"""
    from sqlalchemy import func, select

    from db.models.lab import LabRun

    with room.database.read() as s:
        found = s.scalar(select(func.count()).where(LabRun.seed == seed, LabRun.status == "stopped"))
    return bool(found)


def stored_runs(room: Room) -> int:
    """Runs of the room stored as finished in the database."""
    from core.lab import rooms

    with room.database.read() as s:
        return sum(r.status == "finished" for r in rooms.room_runs(session=s, room_id=room.room_id))
