"""The watchdog and retry of worker processes (slow: real workers import torch): a SIGSTOPped
worker is killed when it ignores a stop, its job ends 'stopped' with a translated note and the
slot trains the next job in a fresh worker; a job whose idle worker was killed just before it
moves to a fresh worker instead of failing; a worker killed mid-run fails its job, translated."""

from __future__ import annotations

import os
import signal
import time

import pytest

from core.lab.config import replace
from core.lab.jobs.policy import JobLimits
from core.lab.jobs.registry import JobRegistry
from core.lab.presets import tab_default
from tests.support.jobs import ANN, ENDED, GUEST, LEADER
from tests.support.waiting import wait_until

pytestmark = pytest.mark.slow
CFG = replace(tab_default("gru"), steps=30, seq_len=4, eval_every=10, probe_every=10)
LONG = replace(CFG, steps=20000, eval_every=5000, probe_every=5000)
GRACE_S = 2.0


def ended(reg, jid, timeout: float = 30.0):
    return wait_until(lambda: (s := reg.snapshot(jid)).status in ENDED and s, timeout=timeout, what="job end")


@pytest.fixture(scope="module")
def reg():
    r = JobRegistry(slots=1, mode="process", threads_per_job=1, limits=JobLimits(stop_grace_s=GRACE_S))
    yield r
    r.close()


def test_a_hung_worker_is_killed_when_it_ignores_a_stop_and_the_slot_recovers(reg):
    jid = reg.start(LONG, owner=ANN)
    wait_until(lambda: reg.snapshot(jid).step >= 3, timeout=30, what="steps")
    waiting = reg.start(CFG, owner=GUEST)
    (pid,) = reg.worker_pids()
    os.kill(pid, signal.SIGSTOP)
    t0 = time.perf_counter()
    reg.stop(jid, by=LEADER)
    snap = ended(reg, jid, timeout=GRACE_S + 5)
    took = time.perf_counter() - t0
    assert snap.status == "stopped" and snap.error_key == "lab.job.worker_hung"
    assert GRACE_S <= took < GRACE_S + 3, took
    print(f"stop -> ended on a SIGSTOPped worker: {took:.2f} s (grace {GRACE_S} s)")
    assert ended(reg, waiting).status == "finished"  # the queue moved on, in a fresh worker
    assert reg.worker_pids()[0] not in (None, pid)


def test_a_job_whose_idle_worker_was_killed_moves_to_a_fresh_worker(reg, monkeypatch):
    acquire, killed = reg._pool.acquire, []

    def acquire_then_lose_it(urgent=False):
        # the race: the slot's idle worker dies after the pool handed it out, before the job reached it
        i, w = acquire(urgent)
        if not killed:
            os.kill(w.pid, signal.SIGKILL)
            w.proc.wait(5)
            killed.append(w.pid)
        return i, w

    monkeypatch.setattr(reg._pool, "acquire", acquire_then_lose_it)
    snap = ended(reg, reg.start(CFG, owner=ANN))
    assert (snap.status, snap.step, snap.error) == ("finished", 30, None)
    assert killed and reg.worker_pids()[0] not in (None, killed[0])


def test_a_worker_killed_mid_run_fails_its_job_with_a_translated_message(reg):
    jid = reg.start(LONG, owner=ANN)
    wait_until(lambda: reg.snapshot(jid).step >= 2, timeout=30, what="steps")
    os.kill(reg.worker_pids()[0], signal.SIGKILL)
    snap = ended(reg, jid, timeout=10)
    assert snap.status == "failed" and "killed by signal 9" in snap.error
    assert snap.error_key == "lab.job.worker_killed" and snap.error_params == {"signal": 9}


def test_a_leaders_job_goes_to_its_worker_urgent_and_a_members_not(reg, monkeypatch):
    """The worker trains an urgent job at the server's priority (tests/core/lab/jobs/
    test_training_priority.py): a presenter's run is not niced behind the room's."""
    from core.lab.jobs import pool

    sent = []
    real = pool.Worker.send
    monkeypatch.setattr(pool.Worker, "send", lambda self, msg: (sent.append(msg), real(self, msg))[1])
    lead, member = reg.start(CFG, owner=LEADER), reg.start(CFG, owner=ANN)
    assert ended(reg, lead).status == ended(reg, member).status == "finished"
    assert {m[1]: m[5] for m in sent if m[0] == "run"} == {lead: True, member: False}
