"""A PostgreSQL worker hears an app's stop, pause and step at once (NOTIFY on CONTROL_CHANNEL,
core/lab/jobs/pg_worker.py's listener) instead of at its next read of the job's row. Here the row
is read only once an hour (CONTROL_S patched), so only the notification can bring the change in
time. Trained in this process against the test database; postgres + slow, skipped with the
reason where no PostgreSQL answers."""

from __future__ import annotations

import threading

import pytest

from core.lab.config import replace
from core.lab.jobs import pg_worker
from core.lab.jobs.pg import PgJobs
from core.lab.presets import tab_default
from tests.support.jobs import ANN
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
LONG = replace(tab_default("gru"), steps=20000, seq_len=4, eval_every=5000, probe_every=5000)


@pytest.fixture
def worker(qdb, monkeypatch):
    """A Runner training in a thread of this process, its listener started, its row poll hourly."""
    monkeypatch.setattr(pg_worker, "CONTROL_S", 3600.0)
    runner = pg_worker.Runner(qdb)
    runner.start_heartbeat()
    assert runner.listening.wait(30), "the control listener did not connect"
    app = PgJobs(db=qdb)
    outcome: dict[str, str | None] = {}

    def train(jid: str) -> threading.Thread:
        t = threading.Thread(target=lambda: outcome.__setitem__(jid, runner.run(jid)), daemon=True)
        t.start()
        return t

    yield app, runner, train, outcome
    runner.shutdown.set()
    app.close()


def _stepped(runner: pg_worker.Runner, jid: str, past: int) -> int:
    """Wait until the worker's loop of `jid` took more than `past` steps; returns its step."""
    return wait_until(
        lambda: (
            (job := runner._running.get(jid)) is not None and job.batches.step > past and job.batches.step
        ),
        timeout=120,
        what=f"step {past + 1}",
    )


def test_a_stop_reaches_the_training_loop_without_waiting_for_the_row_poll(worker):
    app, runner, train, outcome = worker
    jid = app.start(LONG, owner=ANN)
    thread = train(jid)
    at = _stepped(runner, jid, 2)
    app.stop(jid, by=ANN)
    assert app.wait_ended(jid, 30), "the stop did not reach the worker"
    thread.join(30)
    snap = app.snapshot(jid)
    assert outcome[jid] == "stopped" and snap.status == "stopped"
    assert at <= snap.step < LONG.steps


def test_pause_and_step_reach_a_paused_loop_and_resume_lets_it_train_on(worker):
    app, runner, train, outcome = worker
    jid = app.start(LONG, owner=ANN)
    thread = train(jid)
    _stepped(runner, jid, 2)
    app.pause(jid, by=ANN)
    job = runner._running[jid]

    def paused_at() -> int | None:  # the loop holds: it wrote the probe where it paused (eval there)
        snap = app.snapshot(jid)
        evals = snap.curves["eval_step"]
        return snap.step if evals and evals[-1] == snap.step == job.batches.step else None

    held = wait_until(paused_at, timeout=30, what="the loop paused, its step on the row")
    app.step(jid, 5, by=ANN)  # a paused loop waits on its control: the notification wakes it
    wait_until(lambda: job.batches.step == held + 5, timeout=30, what="5 more steps")
    app.resume(jid, by=ANN)
    _stepped(runner, jid, held + 5)
    app.stop(jid, by=ANN)
    assert app.wait_ended(jid, 30)
    thread.join(30)
    assert outcome[jid] == "stopped"
