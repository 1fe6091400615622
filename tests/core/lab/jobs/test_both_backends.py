"""The queue's rules are the same on both back ends (core, no worker needed: jobs stay queued or
are held by a gated fake): ownership (only the owner or a leader stops, cancels, pauses or steps),
leaders first, one running + one queued per participant, the queue's limits, cancel and
move-to-front, bad step counts, and which back end a database gets."""

from __future__ import annotations

import time

import pytest

from core.errors import InvalidInput, PermissionDenied
from core.lab.config import replace
from core.lab.jobs.backend import open_jobs, queue_kind
from core.lab.jobs.pg import PgJobs
from core.lab.jobs.policy import JobLimits, JobRefused
from core.lab.jobs.registry import JobRegistry
from core.lab.presets import tab_default
from tests.support.jobs import ANN, BO, GUEST, LEADER, Fake, guest

CFG = replace(tab_default("gru"), steps=40, seq_len=4, eval_every=10, probe_every=10)


@pytest.fixture(params=["pool", pytest.param("postgres", marks=pytest.mark.postgres)])
def jobs(request):
    """A back end whose jobs never train here: the pool's are held by a gated fake; the
    PostgreSQL queue's wait for a worker that this test does not start."""
    if request.param == "pool":
        fake = Fake(gated=True)
        reg = JobRegistry(
            mode="thread", train_fn=fake, slots=1, leader_slots=0, limits=JobLimits(max_queued=4)
        )
        yield reg
        fake.release_all()
        reg.close()
    else:
        qdb = request.getfixturevalue("qdb")
        pg = PgJobs(db=qdb, limits=JobLimits(max_queued=4))
        yield pg
        pg.close()


def queued(jobs) -> list[str]:
    return [j.job_id for j in jobs.active() if j.status == "queued"]


def test_only_the_owner_or_a_leader_stops_or_cancels(jobs):
    first = jobs.start(CFG, owner=BO)
    mine = jobs.start(replace(CFG, seed=2), owner=ANN)
    for act in (jobs.stop, jobs.cancel):
        with pytest.raises(PermissionDenied):
            act(mine, by=GUEST)
    assert jobs.snapshot(mine).status in ("queued", "running")
    jobs.cancel(mine, by=ANN)
    assert jobs.snapshot(mine).status == "stopped"
    jobs.stop(first, by=LEADER)
    assert jobs.snapshot(first).status in ("stopped", "running")  # running: it stops at its next step


def test_leaders_go_first_and_a_leader_moves_a_run_to_the_front(jobs):
    blocker = jobs.start(CFG, owner=BO)  # takes the pool's slot, or first place in the queue
    a = jobs.start(replace(CFG, seed=1), owner=ANN)
    g = jobs.start(replace(CFG, seed=2), owner=GUEST)
    lead = jobs.start(replace(CFG, seed=3), owner=LEADER)
    order = [j for j in queued(jobs) if j != blocker]
    assert order == [lead, a, g]
    with pytest.raises(PermissionDenied):
        jobs.move_to_front(g, by=ANN)
    jobs.move_to_front(g, by=LEADER)
    assert [j for j in queued(jobs) if j != blocker][0] == g
    assert jobs.snapshot(g).queue_position == queued(jobs).index(g) + 1


def test_one_queued_run_per_participant_and_the_queue_has_a_size(jobs):
    with pytest.raises(JobRefused) as err:
        for seed in range(3):  # the pool trains the first at once; without a worker all would wait
            jobs.start(replace(CFG, seed=seed), owner=ANN)
    assert err.value.key == "lab.job.one_queued"
    assert [j.owner for j in jobs.active() if j.status == "queued"] == [ANN]
    for i in range(5):
        try:
            jobs.start(replace(CFG, seed=10 + i), owner=guest(i))
        except JobRefused as full:
            assert full.key == "lab.job.queue_full" and "queue is full" in full.message("en")
            break
    else:
        pytest.fail("the queue took more than its size")


def test_guest_limits_name_the_limit(jobs):
    with pytest.raises(JobRefused) as err:
        jobs.start(replace(CFG, steps=5000), owner=GUEST)
    assert err.value.key == "lab.job.too_many_steps"
    assert "at most 2000 steps" in err.value.message("en") and "2000" in err.value.message("ko")


def test_pause_and_step_are_the_owners_or_a_leaders_and_step_counts_are_checked(jobs):
    jid = jobs.start(CFG, owner=ANN)
    for act in (jobs.pause, jobs.resume):
        with pytest.raises(PermissionDenied):
            act(jid, by=GUEST)
    with pytest.raises(PermissionDenied):
        jobs.step(jid, 10, by=BO)
    for bad in (0, -1, 1001, 2.5, True):
        with pytest.raises(InvalidInput) as err:
            jobs.step(jid, bad, by=ANN)
        assert err.value.key == "lab.job.step_n"
    jobs.pause(jid, by=LEADER)  # held if it runs; a queued job has nothing to hold
    snap = jobs.snapshot(jid)
    assert snap.paused == (snap.status == "running")


def test_a_job_id_that_is_gone_is_none_and_control_of_it_is_a_no_op(jobs):
    assert jobs.snapshot("0" * 32) is None
    jobs.stop("0" * 32, by=ANN)
    jobs.pause("0" * 32, by=ANN)


def test_the_database_chooses_the_back_end(monkeypatch):
    monkeypatch.delenv("STUDY_LAB_QUEUE", raising=False)
    assert queue_kind("sqlite:///x.db") == "pool"
    assert queue_kind("postgresql://u@h/db") == "postgres"
    assert queue_kind("postgresql+psycopg://u@h/db", {"STUDY_LAB_QUEUE": "pool"}) == "pool"
    with pytest.raises(ValueError, match="STUDY_LAB_QUEUE"):
        queue_kind("sqlite:///x.db", {"STUDY_LAB_QUEUE": "postgres"})
    with pytest.raises(ValueError, match="STUDY_LAB_QUEUE"):
        queue_kind("sqlite:///x.db", {"STUDY_LAB_QUEUE": "redis"})
    reg = open_jobs("sqlite:///x.db", mode="thread", train_fn=Fake())
    assert isinstance(reg, JobRegistry)
    reg.close()


def test_worker_concurrency_setting():
    from core.lab.worker import default_concurrency

    assert default_concurrency(cuda=True, env={}) == 8
    assert default_concurrency(cuda=False, env={}) == 1
    assert default_concurrency(cuda=False, env={"STUDY_LAB_WORKER_CONCURRENCY": "3"}) == 3
    with pytest.raises(ValueError, match="STUDY_LAB_WORKER_CONCURRENCY"):
        default_concurrency(cuda=False, env={"STUDY_LAB_WORKER_CONCURRENCY": "0"})


def test_the_embedded_worker_runs_only_with_postgresql_and_can_be_turned_off():
    from web.lab_worker import wanted

    assert not wanted("sqlite:///x.db", {})
    assert wanted("postgresql://u@h/db", {})
    assert not wanted("postgresql://u@h/db", {"STUDY_LAB_EMBEDDED_WORKER": "0"})


@pytest.mark.postgres
def test_the_postgresql_queue_forgets_jobs_a_day_after_they_ended_and_the_reaper_spares_live_ones(qdb):
    from datetime import timedelta

    from sqlalchemy import update

    from core.lab.jobs.pg_common import prune, reap
    from db.base import utcnow
    from db.models.lab_jobs import LabJob

    pg = PgJobs(db=qdb)
    try:
        old, new, alive = (pg.start(replace(CFG, seed=i), owner=guest(i)) for i in range(3))
        with qdb.write() as s:
            s.execute(
                update(LabJob)
                .where(LabJob.id == old)
                .values(status="finished", ended_at=utcnow() - timedelta(days=2))
            )
            s.execute(update(LabJob).where(LabJob.id == new).values(status="finished", ended_at=utcnow()))
            s.execute(
                update(LabJob).where(LabJob.id == alive).values(status="running", heartbeat_at=utcnow())
            )
        with qdb.write() as s:
            assert prune(s) == 1 and reap(s) == []
        assert pg.snapshot(old) is None and pg.snapshot(new).status == "finished"
        assert pg.snapshot(alive).status == "running"
    finally:
        pg.close()


def test_a_leaders_run_takes_the_leaders_slot_while_the_room_fills_every_other():
    """The presenter never waits behind the room: with everyone's one slot busy and a member's run
    queued, a leader's run starts at once in the slot kept for leaders; the member's keeps waiting."""
    fake = Fake(gated=True)
    reg = JobRegistry(mode="thread", train_fn=fake, slots=1, leader_slots=1, limits=JobLimits(max_queued=4))
    try:
        busy = reg.start(CFG, owner=BO)
        waiting = reg.start(replace(CFG, seed=1), owner=ANN)
        lead = reg.start(replace(CFG, seed=2), owner=LEADER)
        assert [reg.snapshot(j).status for j in (busy, waiting, lead)] == ["running", "queued", "running"]
        assert reg.snapshot(waiting).queue_position == 1
    finally:
        fake.release_all()
        reg.close()


def test_waiting_for_the_end_returns_when_the_job_has_ended_and_not_before(jobs):
    """What a stop button's page waits on (ui/lab/jobs.py STOP_WAIT_S): the job's end, bounded."""
    held = jobs.start(CFG, owner=BO)  # running (held by the fake) or queued without a worker
    waiting = jobs.start(replace(CFG, seed=1), owner=ANN)
    assert jobs.wait_ended(held, 0.1) is False  # still live: the wait gives up at its bound
    jobs.cancel(waiting, by=ANN)
    assert jobs.wait_ended(waiting, 5.0) is True
    assert jobs.snapshot(waiting).status == "stopped"
    assert jobs.wait_ended("no-such-job", 5.0) is True  # nothing to wait for


def test_waiting_for_the_first_step_returns_at_once_for_a_queued_job(jobs):
    """What the page waits on after Train (ui/lab/jobs.py START_WAIT_S): nothing for a job without
    a slot (the pool's second job, or any job no worker has taken), so a room's queued
    participants are not held up; an unknown id has nothing to wait for."""
    jobs.start(CFG, owner=BO)  # holds the pool's slot (or waits for a worker)
    waiting = jobs.start(replace(CFG, seed=1), owner=ANN)
    began = time.monotonic()
    assert jobs.wait_started(waiting, 30.0) is False
    assert time.monotonic() - began < 30.0  # returned without waiting out its bound
    assert jobs.wait_started("no-such-job", 30.0) is True
