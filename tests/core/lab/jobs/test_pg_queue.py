"""The Lab's job queue on PostgreSQL with real `python -m core.lab.worker` subprocesses (postgres +
slow; skipped with the reason when no PostgreSQL answers): a job started from one app instance is
watched and stopped from another within a second, a killed worker's job is reported failed within
10 s and the queue moves on, an app restart re-attaches to a job the worker keeps training, pause /
step / resume keep the losses of an uninterrupted run, and a worker without its database says so."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from itertools import islice

import pytest

from core.i18n import translate
from core.lab import runs as lab_runs
from core.lab.checkpoint import load_checkpoint
from core.lab.config import replace
from core.lab.jobs.pg import PgJobs
from core.lab.jobs.policy import JobLimits
from core.lab.presets import tab_default
from core.lab.train import StepEvent, train
from db.models.lab_jobs import LabJob
from tests.support.jobs import ANN, BO, ENDED, GUEST, LEADER
from tests.support.paths import ROOT
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
CFG = replace(tab_default("gru"), steps=60, seq_len=4, eval_every=20, probe_every=20)
LONG = replace(CFG, steps=20000, eval_every=5000, probe_every=5000)


def ended(jobs: PgJobs, jid: str, timeout: float = 120.0):
    return wait_until(
        lambda: (s := jobs.snapshot(jid)).status in ENDED and s, timeout=timeout, what="job end"
    )


def stepping(jobs: PgJobs, jid: str, at_least: int = 3, timeout: float = 120.0):
    return wait_until(
        lambda: (s := jobs.snapshot(jid)).step >= at_least and s, timeout=timeout, what=f"{at_least} steps"
    )


@pytest.fixture
def apps(qdb):
    """Two app instances on the same database (two replicas, or before and after a restart)."""
    made = [PgJobs(db=qdb), PgJobs(db=qdb)]
    yield made
    for a in made:
        a.close()


def test_a_job_started_on_one_app_is_watched_and_stopped_from_another_within_a_second(apps, start_worker):
    one, two = apps
    start_worker()
    jid = one.start(LONG, owner=ANN)
    snap = stepping(two, jid)
    assert snap.owner == ANN and snap.status == "running" and len(snap.curves["loss"]) >= 3
    assert [j.job_id for j in two.active()] == [jid]
    with pytest.raises(Exception, match="not_yours|person who started"):
        two.stop(jid, by=GUEST)  # a watcher cannot stop it
    assert one.wait_ended(jid, 0.05) is False  # still training: the wait gives up at its bound
    t0 = time.perf_counter()
    two.stop(jid, by=LEADER)
    assert one.wait_ended(jid, 10.0) is True  # what a stop button's page waits on
    took = time.perf_counter() - t0
    print(f"PostgreSQL queue: stop -> 'stopped' seen by the other app in {took:.2f} s")
    snap = one.snapshot(jid)
    assert snap.status == "stopped" and took < 1.5
    assert snap.run_id is not None and snap.run_id == two.snapshot(jid).run_id  # stored before it ended


def test_a_killed_worker_fails_its_job_within_ten_seconds_and_the_queue_moves_on(apps, start_worker):
    one, _ = apps
    doomed = start_worker()
    jid = one.start(LONG, owner=ANN)
    stepping(one, jid)
    waiting = one.start(CFG, owner=ANN)  # the owner's next run waits behind the lock
    assert one.snapshot(waiting).status == "queued"
    doomed.kill()
    t0 = time.perf_counter()
    snap = ended(one, jid, timeout=15)
    took = time.perf_counter() - t0
    print(f"PostgreSQL queue: killed worker -> job 'failed' in {took:.2f} s")
    assert snap.status == "failed" and took < 10
    assert snap.error_key == "lab.job.worker_lost"
    assert "stopped answering" in translate(snap.error_key, "en", **snap.error_params)
    assert "응답하지" in translate(snap.error_key, "ko", **snap.error_params)
    start_worker()  # a fresh worker takes the owner's queued run: the lock was freed
    assert ended(one, waiting).status == "finished"


def test_a_leaders_run_starts_while_a_members_run_holds_the_workers_one_slot(apps, start_worker):
    one, _ = apps
    start_worker(STUDY_LAB_LEADER_SLOTS="1")  # one job at once (CPU), plus the slot kept for leaders
    busy = one.start(LONG, owner=ANN)
    stepping(one, busy)
    waiting = one.start(CFG, owner=BO)
    t0 = time.perf_counter()
    lead = one.start(CFG, owner=LEADER)
    stepping(one, lead, 1, timeout=30)
    print(f"PostgreSQL queue: leader's run first step {time.perf_counter() - t0:.2f} s after start")
    assert one.snapshot(busy).status == "running" and one.snapshot(waiting).status == "queued"
    one.stop(busy, by=LEADER)
    assert ended(one, waiting).status == "finished"


def test_a_participant_allowed_two_runs_at_once_trains_two_and_queues_the_third(qdb, start_worker):
    """max_running is the participant's limit on both back ends: here the procrastinate lock must
    not hold a member's second run behind the first (each gets its own lane)."""
    limits = JobLimits.from_env({"STUDY_LAB_MEMBER_MAX_RUNNING": "2"})
    app = PgJobs(db=qdb, limits=limits)
    try:
        start_worker(STUDY_LAB_WORKER_CONCURRENCY="3", STUDY_LAB_LEADER_SLOTS="0")
        first = app.start(LONG, owner=BO)
        stepping(app, first)
        second = app.start(LONG, owner=BO)
        stepping(app, second)
        assert app.snapshot(first).status == "running"  # both train at once
        third = app.start(CFG, owner=BO)  # over the limit of two running: it waits in a lane
        assert app.snapshot(third).status == "queued"
        at = app.snapshot(first).step
        stepping(app, first, at + 10)  # a free worker slot stays free for it while both run
        assert app.snapshot(third).status == "queued"
        app.stop(first, by=BO)
        app.stop(second, by=BO)
        assert ended(app, third).status == "finished"
    finally:
        app.close()


def test_an_app_restart_reattaches_while_the_worker_keeps_training(qdb, start_worker):
    start_worker()
    before = PgJobs(db=qdb)
    jid = before.start(replace(CFG, steps=400), owner=BO)
    seen = stepping(before, jid, 5).step
    before.close()  # the app goes away; the worker does not care
    after = PgJobs(db=qdb)
    try:
        snap = after.snapshot(jid)
        assert snap is not None and snap.step >= seen and snap.owner == BO
        snap = ended(after, jid)
        assert snap.status == "finished" and snap.step == 400 and snap.run_id is not None
        assert snap.curves["step"] == list(range(1, 401)) and snap.probes
        with qdb.read() as s:  # the worker's checkpoint, kept by the stored run the page reads
            data = lab_runs.checkpoint_bytes(session=s, run_id=snap.run_id)
        assert load_checkpoint(data)[0] is not None
    finally:
        after.close()


def test_pause_step_and_resume_keep_the_losses_of_an_uninterrupted_run(apps, start_worker):
    one, two = apps
    # A long run, so the pause always lands while it trains (a 150-step run could finish in the
    # second between its first flushed step and the worker reading the pause); it is stopped once
    # resumed and compared with the same number of steps of an uninterrupted run of the same config.
    cfg = LONG
    start_worker()
    jid = one.start(cfg, owner=ANN)
    stepping(one, jid, 1)
    one.pause(jid, by=ANN)

    def held():
        s = two.snapshot(jid)
        assert s.status == "running", f"the run ended ({s.status}) before the pause reached it"
        return s.paused and s.curves["eval_step"][-1] == s.step and s.step in s.probes and s

    # Held: the worker recorded a probe where it stopped (its eval is the last thing it wrote).
    at = wait_until(held, timeout=30, what="the probe where it paused").step
    assert two.snapshot(jid).step == at and at in two.snapshot(jid).probes
    with pytest.raises(Exception, match="not_yours|person who started"):
        two.step(jid, 10, by=GUEST)
    two.step(jid, 10, by=LEADER)
    wait_until(lambda: two.snapshot(jid).step == at + 10, timeout=30, what="ten more steps")
    assert two.snapshot(jid).paused and two.snapshot(jid).status == "running"
    one.step(jid, 1, by=ANN)
    wait_until(lambda: two.snapshot(jid).step == at + 11, timeout=30, what="one more step")
    one.resume(jid, by=ANN)
    stepping(one, jid, at + 40)
    assert not one.snapshot(jid).paused
    one.stop(jid, by=ANN)
    snap = ended(one, jid)
    assert snap.status == "stopped" and not snap.paused
    losses = snap.curves["loss"]
    assert snap.curves["step"] == list(range(1, len(losses) + 1))
    expected = list(islice((e.loss for e in train(cfg) if isinstance(e, StepEvent)), len(losses)))
    assert losses == pytest.approx(expected, rel=0, abs=0)
    assert {at, at + 10, at + 11} <= set(snap.curves["eval_step"])  # a probe where each pause held


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="no process niceness on this OS")
def test_the_worker_trains_at_a_lower_priority_than_the_app_beside_it(start_worker):
    own = os.getpriority(os.PRIO_PROCESS, 0)
    worker = start_worker(STUDY_LAB_NICE="4")  # core/lab/device.py training_nice
    wait_until(
        lambda: os.getpriority(os.PRIO_PROCESS, worker.proc.pid) == min(own + 4, 19),
        timeout=60,
        what="the worker lowering its priority",
    )


def test_a_worker_that_cannot_reach_the_database_says_so_and_retries():
    env = {**os.environ, "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "core.lab.worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        line = wait_until(
            lambda: (out := proc.stdout.readline()) and "cannot reach the database" in out and out,
            timeout=60,
            what="the worker's message",
        )
        assert "retrying" in line
        assert proc.poll() is None  # still trying
    finally:
        proc.terminate()
        proc.wait(20)


def test_the_worker_refuses_sqlite_with_a_message():
    env = {**os.environ, "DATABASE_URL": "sqlite:///nowhere.db"}
    out = subprocess.run(
        [sys.executable, "-m", "core.lab.worker"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2 and "needs PostgreSQL" in out.stderr


def test_rows_are_what_every_replica_reads(apps, qdb, start_worker):
    one, two = apps
    start_worker()
    jid = one.start(replace(CFG, steps=40), owner=GUEST)
    snap = ended(two, jid)
    with qdb.read() as s:
        row = s.get(LabJob, jid)
        assert (row.status, row.step, row.owner_key, row.run_id) == ("finished", 40, GUEST.key, snap.run_id)


def test_a_job_keeps_at_most_its_probes_in_the_database_too(qdb, start_worker):
    from sqlalchemy import func, select

    from core.lab.jobs.policy import JobLimits
    from db.models.lab_jobs import LabJobEvent

    start_worker(STUDY_LAB_MAX_PROBES="3")
    jobs = PgJobs(db=qdb, limits=JobLimits(max_probes=3))
    try:
        jid = jobs.start(replace(CFG, steps=100, eval_every=10, probe_every=10), owner=ANN)
        snap = ended(jobs, jid)
        assert snap.status == "finished" and len(snap.probes) <= 3 and 100 in snap.probes
        with qdb.read() as s:
            kept = s.scalar(
                select(func.count()).where(LabJobEvent.job_id == jid, LabJobEvent.probe.is_not(None))
            )
        assert kept <= 3
        assert sorted(PgJobs(db=qdb, limits=JobLimits(max_probes=3)).snapshot(jid).probes) == sorted(
            snap.probes
        )
    finally:
        jobs.close()


def test_the_server_starts_and_stops_its_embedded_worker(qdb, monkeypatch):
    from web import lab_worker

    monkeypatch.setenv("DATABASE_URL", qdb.url)
    monkeypatch.delenv("STUDY_LAB_EMBEDDED_WORKER", raising=False)
    stop = lab_worker.start()
    assert stop is not None
    jobs = PgJobs(db=qdb)
    try:
        jid = jobs.start(replace(CFG, steps=30), owner=ANN)
        assert ended(jobs, jid).status == "finished"
    finally:
        jobs.close()
        t0 = time.perf_counter()
        stop()
        assert time.perf_counter() - t0 < lab_worker.STOP_S
    monkeypatch.setenv("STUDY_LAB_EMBEDDED_WORKER", "0")
    assert lab_worker.start() is None


def test_a_run_past_its_time_limit_is_stopped_with_a_note(qdb, start_worker):
    start_worker(STUDY_LAB_MEMBER_MAX_RUN_S="2")
    jobs = PgJobs(db=qdb)
    try:
        jid = jobs.start(LONG, owner=ANN)
        snap = ended(jobs, jid)
        assert snap.status == "stopped" and snap.error_key == "lab.job.time_limit"
        assert snap.error_params == {"minutes": f"{2 / 60:g}"} and snap.run_id is not None
    finally:
        jobs.close()


def test_a_worker_shut_down_mid_run_stops_its_job_with_a_note_and_exits(qdb, start_worker):
    w = start_worker()
    jobs = PgJobs(db=qdb)
    try:
        jid = jobs.start(LONG, owner=ANN)
        stepping(jobs, jid)
        w.stop()  # SIGTERM, as the server does with its embedded worker
        assert w.proc.returncode == 0
        snap = jobs.snapshot(jid)
        assert snap.status == "stopped" and snap.error_key == "lab.job.worker_shutdown"
        assert "shut down" in translate(snap.error_key, "en")
    finally:
        jobs.close()
