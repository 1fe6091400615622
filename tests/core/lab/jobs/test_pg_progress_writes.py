"""How a PostgreSQL worker writes a job's progress (core/lab/jobs/pg_worker.py), trained in this
process against the test database: the first batch goes as soon as the first step is taken, with
the starting evaluation in it, and later batches at most every FLUSH_S (twice a second), whatever
the step rate. Skipped with the reason where no PostgreSQL answers."""

from __future__ import annotations

import time

import pytest

from core.lab.config import replace
from core.lab.jobs import pg_worker
from core.lab.jobs.pg import PgJobs
from core.lab.presets import tab_default
from core.lab.train import train
from tests.support.jobs import ANN

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
CFG = replace(tab_default("gru"), steps=300, seq_len=4, eval_every=100, probe_every=100)


def test_the_first_step_is_written_at_once_with_the_start_and_then_twice_a_second(qdb, monkeypatch):
    writes: list[tuple[float, list[str], int]] = []  # (when, kinds written, step on the row)
    flush = pg_worker._JobRun.flush

    def recording(self, force: bool = False) -> None:
        kinds = [k for k, *_ in self.pending]
        before = len(self.pending)
        flush(self, force)
        if before and not self.pending:
            writes.append((time.perf_counter(), kinds, self.step))

    monkeypatch.setattr(pg_worker._JobRun, "flush", recording)
    list(train(replace(CFG, steps=2)))  # imports and first-call costs paid, as in a warm worker
    app = PgJobs(db=qdb)
    try:
        jid = app.start(CFG, owner=ANN)
        assert pg_worker.Runner(qdb).run(jid) == "finished"
    finally:
        app.close()
    first_when, first_kinds, first_step = writes[0]
    assert first_kinds[:2] == ["eval", "steps"] and first_step == 1  # the start and step 1, together
    apart = [b[0] - a[0] for a, b in zip(writes[1:-1], writes[2:-1], strict=False)]  # the last: the end
    assert apart and min(apart) >= pg_worker.FLUSH_S * 0.99  # never more than twice a second
    assert writes[-1][2] == 300
