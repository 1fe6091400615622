"""What the PostgreSQL queue reads for a snapshot (postgres; no worker needed): every tab of a
room polls, so an unchanged job costs one shared query of all live jobs' change counters at most
(none while those are fresh), its row and progress are read again only when they moved, this
process's own change shows at once and another process's as soon as the counters are read."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from core.lab.config import replace
from core.lab.jobs import pg_read
from core.lab.jobs.pg import PgJobs
from core.lab.presets import tab_default
from tests.support.jobs import ANN, BO

pytestmark = pytest.mark.postgres
CFG = replace(tab_default("gru"), steps=40, seq_len=4, eval_every=10, probe_every=10)


@pytest.fixture
def statements(qdb):
    """The SQL statements this test's database runs, as they run."""
    seen: list[str] = []

    def note(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(qdb.engine, "before_cursor_execute", note)
    yield seen
    event.remove(qdb.engine, "before_cursor_execute", note)


@pytest.fixture
def apps(qdb, monkeypatch):
    monkeypatch.setattr(pg_read, "REAP_EVERY_S", 3600.0)  # the heartbeat rule's writes stay out
    made = [PgJobs(db=qdb), PgJobs(db=qdb)]
    yield made
    for a in made:
        a.close()


def test_an_unchanged_job_is_not_read_again_while_the_counters_are_fresh(apps, statements, monkeypatch):
    monkeypatch.setattr(pg_read, "MARKS_TTL_S", 3600.0)
    monkeypatch.setattr(pg_read, "ACTIVE_TTL_S", 3600.0)
    jobs, _ = apps
    first = jobs.start(CFG, owner=BO)
    jid = jobs.start(replace(CFG, seed=1), owner=ANN)  # no worker: both wait
    before = jobs.snapshot(jid)
    statements.clear()
    again = jobs.snapshot(jid)
    assert statements == []  # 30 tabs asking cost nothing more
    assert again is not before and (again.status, again.version, again.queue_position) == (
        "queued",
        before.version,
        2,
    )
    jobs.stop(first, by=BO)  # this process's own change: seen at once
    assert jobs.snapshot(first).status == "stopped"
    assert jobs.snapshot(jid).queue_position == 1


def test_a_change_by_another_process_is_read_when_the_counters_move(apps, statements, monkeypatch):
    monkeypatch.setattr(pg_read, "MARKS_TTL_S", 0.0)  # the counters are read at every call
    monkeypatch.setattr(pg_read, "ACTIVE_TTL_S", 3600.0)
    mine, other = apps
    jid = mine.start(CFG, owner=ANN)
    before = mine.snapshot(jid)
    statements.clear()
    assert mine.snapshot(jid).version == before.version
    assert len(statements) == 1 and "lab_job_events" not in statements[0]  # the counters alone
    other.stop(jid, by=ANN)  # another app replica
    after = mine.snapshot(jid)
    assert after.status == "stopped" and after.version > before.version
    statements.clear()
    assert mine.snapshot(jid).status == "stopped"  # an ended job's snapshot does not change
    assert all("lab_jobs.config" not in s for s in statements)
