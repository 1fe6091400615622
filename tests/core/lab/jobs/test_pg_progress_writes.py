"""How a PostgreSQL worker writes a job's progress (core/lab/jobs/pg_worker.py), trained in this
process against the test database: the first batch goes as soon as the first step is taken, with
the starting evaluation in it, and later batches at most every FLUSH_S (twice a second), whatever
the step rate, and on time while a long step computes; the checkpoint goes only to the stored run. Skipped with the reason where no PostgreSQL answers."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from core.lab.checkpoint import load_checkpoint
from core.lab.config import replace
from core.lab.jobs import pg_batches, pg_worker
from core.lab.jobs.pg import PgJobs
from core.lab.presets import tab_default
from core.lab.train import StepEvent
from db.models.lab import LabRun
from db.models.lab_jobs import LabJob
from tests.support.jobs import ANN
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
CFG = replace(tab_default("gru"), steps=300, seq_len=4, eval_every=100, probe_every=100)


def test_the_first_step_is_written_at_once_with_the_start_and_then_twice_a_second(qdb, monkeypatch):
    """Each step takes 0.01 s on the flush clock, so 300 steps span 3 s whatever this machine's
    speed: the writes come at step 1 and then every FLUSH_S, never sooner, and the end."""
    import core.lab.train as training

    now = [time.perf_counter()]
    writes: list[tuple[float, list[str], int]] = []  # (when, kinds written, step on the row)
    flush, real = pg_batches.Batches.flush, training.train

    def recording(self, force: bool = False) -> None:
        kinds = [k for k, *_ in self.pending]
        before = len(self.pending)
        flush(self, force)
        if before and not self.pending:
            writes.append((now[0], kinds, self.step))

    def ticking(*args, **kwargs):
        for ev in real(*args, **kwargs):
            if isinstance(ev, StepEvent):
                now[0] += 0.01
            yield ev

    monkeypatch.setattr(pg_batches, "clock", lambda: now[0])
    monkeypatch.setattr(pg_batches.Batches, "flush", recording)
    monkeypatch.setattr(training, "train", ticking)
    app = PgJobs(db=qdb)
    try:
        jid = app.start(CFG, owner=ANN)
        assert pg_worker.Runner(qdb).run(jid) == "finished"
        snap = app.snapshot(jid)
        with qdb.read() as s:
            on_row = s.scalar(select(LabJob.checkpoint).where(LabJob.id == jid))
            in_run = s.scalar(select(LabRun.checkpoint).where(LabRun.id == snap.run_id))
        # the checkpoint is written once, with the stored run; the page reads it from there (the
        # snapshot leaves model and bytes to the run: a tab polling to the end rebuilds nothing)
        assert on_row is None and in_run and snap.checkpoint is None and snap.model is None
        assert load_checkpoint(in_run)[0] is not None
    finally:
        app.close()
    first_when, first_kinds, first_step = writes[0]
    assert first_kinds[:2] == ["eval", "steps"] and first_step == 1  # the start and step 1, together
    apart = [b[0] - a[0] for a, b in zip(writes[:-1], writes[1:-1], strict=False)]  # the last: the end
    assert len(apart) >= 5  # 3 s of training
    assert min(apart) >= pg_worker.FLUSH_S * 0.99  # never more than twice a second
    assert max(apart) <= pg_worker.FLUSH_S + 0.015  # and as soon as one is due
    assert writes[-1][2] == 300


def test_the_flusher_writes_due_progress_while_a_step_is_still_computing(qdb, monkeypatch):
    """A step that takes long (a loaded CPU) does not hold back what earlier steps showed: the
    worker's flusher thread writes it once FLUSH_S has passed, not the training thread after it."""
    import core.lab.train as training

    real, release, blocked = training.train, threading.Event(), threading.Event()

    def slow_third_step(*args, **kwargs):
        for ev in real(*args, **kwargs):
            yield ev
            if isinstance(ev, StepEvent) and ev.step == 2:
                blocked.set()
                release.wait(60)  # step 3 "computes" until the test has seen step 2 on the row

    monkeypatch.setattr(training, "train", slow_third_step)
    runner = pg_worker.Runner(qdb)
    runner.start_heartbeat()
    app = PgJobs(db=qdb)
    try:
        jid = app.start(replace(CFG, steps=5), owner=ANN)
        done: list[str | None] = []
        thread = threading.Thread(target=lambda: done.append(runner.run(jid)), daemon=True)
        thread.start()
        assert blocked.wait(120)
        wait_until(lambda: app.snapshot(jid).step == 2, timeout=30, what="step 2 on the row")
        assert app.snapshot(jid).curves["step"][-2:] == [1, 2]
        release.set()
        thread.join(60)
        assert done == ["finished"] and app.wait_ended(jid, 30) and app.snapshot(jid).step == 5
    finally:
        release.set()
        runner.shutdown.set()
        app.close()


def test_a_run_that_could_not_be_stored_keeps_its_checkpoint_on_the_job_row(qdb, monkeypatch):
    def refuse(*args, **kwargs):
        raise RuntimeError("runs table unavailable")

    monkeypatch.setattr(pg_worker, "store_in", refuse)
    app = PgJobs(db=qdb)
    try:
        jid = app.start(replace(CFG, steps=20), owner=ANN)
        assert pg_worker.Runner(qdb).run(jid) == "finished"
        snap = app.snapshot(jid)
        with qdb.read() as s:
            on_row = s.scalar(select(LabJob.checkpoint).where(LabJob.id == jid))
        assert snap.run_id is None and on_row and snap.checkpoint == on_row and snap.model is not None
    finally:
        app.close()


def test_a_store_that_fails_half_way_leaves_no_run_and_the_job_still_ends(qdb, monkeypatch):
    """The run and the final status go in one transaction; a store that fails after writing the
    run's row is rolled back to before it (a savepoint), and the status still lands."""
    real = pg_worker.store_in

    def half(s, *args, **kwargs):
        real(s, *args, **kwargs)  # the run's row is written...
        raise RuntimeError("the room link failed")  # ...then the store fails

    monkeypatch.setattr(pg_worker, "store_in", half)
    app = PgJobs(db=qdb)
    try:
        with qdb.read() as s:
            runs_before = len(s.scalars(select(LabRun.id)).all())
        jid = app.start(replace(CFG, steps=20), owner=ANN)
        assert pg_worker.Runner(qdb).run(jid) == "finished"
        snap = app.snapshot(jid)
        with qdb.read() as s:
            assert len(s.scalars(select(LabRun.id)).all()) == runs_before
        assert snap.status == "finished" and snap.run_id is None and snap.checkpoint is not None
    finally:
        app.close()


def test_the_run_and_the_final_status_are_one_commit(qdb, monkeypatch):
    """Watchers never see "finished" without the run: the end is a single write after the last
    progress flush."""
    writes: list[str] = []
    write, end = type(qdb).write, pg_worker._JobRun._end

    def counted(self):
        writes.append("write")
        return write(self)

    def ending(self, *args, **kwargs):
        self.flush(force=True)  # the last progress, as _end starts with
        monkeypatch.setattr(type(qdb), "write", counted)
        try:
            return end(self, *args, **kwargs)
        finally:
            monkeypatch.setattr(type(qdb), "write", write)

    monkeypatch.setattr(pg_worker._JobRun, "_end", ending)
    app = PgJobs(db=qdb)
    try:
        jid = app.start(replace(CFG, steps=20), owner=ANN)
        assert pg_worker.Runner(qdb).run(jid) == "finished"
        snap = app.snapshot(jid)
        assert snap.run_id is not None and snap.status == "finished"
        assert writes == ["write"]  # nothing left to flush; the run with its status: one commit
    finally:
        app.close()
