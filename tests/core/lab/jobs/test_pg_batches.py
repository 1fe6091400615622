"""A worker's unwritten progress (core/lab/jobs/pg_batches.py) against a database that fails for a
while: nothing is lost or reordered, the retry waits FLUSH_S, and the failure is said once per
streak. The database is a stand-in recording what each transaction would write (no PostgreSQL)."""

from __future__ import annotations

import logging
from contextlib import contextmanager

from core.lab.jobs import pg_batches
from core.lab.jobs.pg_batches import Batches


class FlakyDb:
    """`write()` transactions that fail while `down`; a committed one's added rows are kept."""

    def __init__(self) -> None:
        self.down = False
        self.rows: list = []
        self.tries = 0

    @contextmanager
    def write(self):
        added: list = []
        self.tries += 1

        class Session:
            def add(self, row) -> None:
                added.append(row)

            def execute(self, stmt) -> None:
                pass

        if self.down:
            raise ConnectionError("database away")
        yield Session()
        self.rows += added


def step(n: int) -> list:
    return [n, 1.0 / n, 0.5, 0.1, 1e-3]


def test_a_failed_write_keeps_everything_in_order_and_retries_after_flush_s(monkeypatch, caplog):
    now = [100.0]
    monkeypatch.setattr(pg_batches, "clock", lambda: now[0])
    db = FlakyDb()
    b = Batches(db, "job1", seq=4, started=now[0])
    b.add_eval([0, 2.0, 0.1, 0.0], None, [])
    b.add_step(step(1), 10.0)
    db.down = True
    with caplog.at_level(logging.WARNING, logger="core.lab.worker"):
        b.flush(force=True)
        b.add_step(step(2), 11.0)
        now[0] += 0.1
        b.flush()  # too soon after the failed try: not tried again yet
        now[0] += pg_batches.FLUSH_S
        b.flush()  # tried again, still down: said only once
    assert db.rows == [] and b.seq == 4 and db.tries == 2  # the first try, then one FLUSH_S later
    assert [r.message for r in caplog.records].count(
        "lab job job1: progress not written yet (database?); retrying"
    ) == 1
    db.down = False
    b.add_step(step(3), 12.0)
    now[0] += pg_batches.FLUSH_S
    b.flush()
    assert [(r.seq, r.kind) for r in db.rows] == [(5, "eval"), (6, "steps")]  # steps join one batch
    assert [row[0] for r in db.rows if r.kind == "steps" for row in r.payload] == [1, 2, 3]
    assert b.seq == 6 and b.pending == [] and not b.failing


def test_steps_added_during_a_write_wait_for_the_next_one(monkeypatch):
    now = [0.0]
    monkeypatch.setattr(pg_batches, "clock", lambda: now[0])
    db = FlakyDb()
    b = Batches(db, "job2", seq=0, started=now[0])
    b.add_step(step(1), None)
    write = b._write

    def write_while_training(batches, drop, step_no, speed):
        b.add_step(step(2), None)  # the training thread goes on while the flusher writes
        write(batches, drop, step_no, speed)

    monkeypatch.setattr(b, "_write", write_while_training)
    b.flush(force=True)
    assert [row[0] for row in db.rows[0].payload] == [1] and b.pending == [("steps", [step(2)], None)]
    monkeypatch.setattr(b, "_write", write)
    now[0] += pg_batches.FLUSH_S
    b.flush()
    assert [(r.seq, [row[0] for row in r.payload]) for r in db.rows] == [(1, [1]), (2, [2])]
