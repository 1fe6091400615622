"""Worker processes start one at a time (core/lab/jobs/pool.py): each start costs ~3 s of CPU, and
all slots' workers starting together at server start starved the first Lab page on a 2-core
server. A job takes a warm worker when there is one, waits for one warming rather than starting
another, and taking the last warm one warms a spare. Slow: real workers import torch."""

from __future__ import annotations

import threading

import pytest

from core.lab.jobs import pool as pool_module
from core.lab.jobs.pool import READY_TIMEOUT_S, Pool, Worker
from tests.support.waiting import wait_until

pytestmark = pytest.mark.slow


def started(pool: Pool) -> list[int]:
    return [pid for pid in pool.pids() if pid is not None]


def test_prewarm_starts_every_slots_worker_one_after_another(monkeypatch):
    events: list[str] = []
    ensure, ready = Pool._ensure, Worker.wait_ready
    monkeypatch.setattr(Pool, "_ensure", lambda self, i: (events.append(f"start {i}"), ensure(self, i))[1])
    monkeypatch.setattr(Worker, "wait_ready", lambda self, t: (ready(self, t), events.append("ready"))[0])
    pool = Pool(3, threads=1)
    try:
        pool.prewarm()  # returns once every slot's worker has imported torch
        assert len(started(pool)) == 3
        assert events == ["start 0", "ready", "start 1", "ready", "start 2", "ready"]  # never two at once
        pool.prewarm()
        assert len(events) == 6  # all warm: nothing more to start
        i, worker = pool.acquire()
        assert worker.wait_ready(0.5) is False  # its "ready" was consumed by the warm-up: a job reads none
        pool.release(i, dead=False)
    finally:
        pool.close()
    assert started(pool) == []


def test_the_leaders_workers_warm_at_once_and_the_others_after_the_delay(monkeypatch):
    made: list[Worker] = []
    monkeypatch.setattr(pool_module, "Worker", lambda threads: made.append(Worker(threads)) or made[-1])
    pool = Pool(3, threads=1, reserved=1)
    warming = threading.Thread(target=pool.prewarm, args=(3600.0,))
    warming.start()
    try:
        # the leaders' worker is ready long before the hour is up; the others wait for the hour
        wait_until(lambda: len(made) == 1 and not pool.warming, timeout=60, what="the leaders' worker")
        i, worker = pool.acquire(urgent=True)  # a presenter's Train takes it, imports done
        assert worker is made[0]
        wait_until(lambda: len(made) == 2 and not pool.warming, timeout=60, what="the spare")
        pool.release(i, dead=False)
    finally:
        pool.close()  # wakes the delayed part, which then starts nothing
        warming.join(10)
    assert not warming.is_alive() and len(made) == 2  # slot 2's worker waited for the hour


def test_no_spare_is_started_while_an_idle_worker_is_warm():
    pool = Pool(2, threads=1)
    try:
        i, first = pool.acquire()  # a job's own worker, started at once (no pre-warm yet)
        wait_until(lambda: len(started(pool)) == 2, timeout=10, what="the spare")
        j, second = pool.acquire()  # the spare, once warm; no slot is left for another
        pool.release(i, dead=False)
        pool.release(j, dead=False)
        pool.prewarm()
        assert sorted(started(pool)) == sorted([first.pid, second.pid])
        k, again = pool.acquire()  # the other idle worker is warm: no spare is needed
        pool.prewarm()
        assert again.pid in (first.pid, second.pid) and len(started(pool)) == 2
        pool.release(k, dead=True)  # dropped; the other idle worker is warm: no spare needed
        survivor = next(pid for pid in (first.pid, second.pid) if pid != again.pid)
        assert started(pool) == [survivor]
        pool.prewarm()  # the server's pre-warm fills every slot
        assert len(started(pool)) == 2 and again.pid not in started(pool)
    finally:
        pool.close()


def test_a_worker_says_it_is_ready_once_its_imports_are_done():
    pool = Pool(1, threads=1)
    try:
        i, worker = pool.acquire()  # no pre-warm: the job's own worker, started now
        assert worker.wait_ready(READY_TIMEOUT_S) is True
        pool.release(i, dead=False)
    finally:
        pool.close()


def test_a_worker_started_while_the_pool_closes_does_not_outlive_it(monkeypatch):
    """A pre-warm starting a worker just as the server shuts down: the new process is ended, not
    left importing torch beside the next server."""
    pool = Pool(1, threads=1)
    made: list[Worker] = []

    def starting(threads: int) -> Worker:
        made.append(Worker(threads))
        pool.close()  # the server's shutdown, between the process start and its registration
        return made[-1]

    monkeypatch.setattr(pool_module, "Worker", starting)
    with pytest.raises(RuntimeError, match="closed"):
        pool.acquire()
    assert made and made[0].proc.poll() is not None  # ended and reaped
    assert started(pool) == []
