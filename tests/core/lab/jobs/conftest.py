"""The PostgreSQL job queue's test database (its own, so procrastinate's rows of one module never
reach another's) and real `python -m core.lab.worker` subprocesses against it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile

import pytest
from sqlalchemy import text

from db.engine import Database
from db.migrate import upgrade
from tests.support.db import create_pg_database, drop_pg_database, wipe
from tests.support.paths import ROOT


@pytest.fixture(scope="module")
def queue_db(pg_server):
    """A migrated PostgreSQL database with the queue's schema (skipped with a reason without one)."""
    url = create_pg_database(pg_server)
    database = Database(url)
    upgrade(database.engine)
    yield database
    database.dispose()
    drop_pg_database(pg_server, url)


def clear(database: Database) -> None:
    """Every row gone: ours and procrastinate's."""
    wipe(database)
    with database.engine.begin() as conn:
        conn.execute(text("TRUNCATE procrastinate_jobs, procrastinate_workers RESTART IDENTITY CASCADE"))


@pytest.fixture
def qdb(queue_db):
    clear(queue_db)
    return queue_db


class WorkerProc:
    """`python -m core.lab.worker` on the test database."""

    def __init__(self, url: str, **env: str) -> None:
        self.log = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "core.lab.worker"],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url, "STUDY_LAB_QUEUE": "postgres", **env},
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        return self.output()

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()


@pytest.fixture
def start_worker(queue_db):
    """start_worker(**env) -> WorkerProc; every one is stopped at the end of the test."""
    started: list[WorkerProc] = []

    def start(**env: str) -> WorkerProc:
        w = WorkerProc(queue_db.url, **env)
        started.append(w)
        return w

    yield start
    for w in started:
        print(f"--- worker {w.proc.pid} said:\n{w.stop()}")  # shown when the test failed
