"""Worker processes start one at a time (core/lab/jobs/pool.py): the pool keeps one warm idle
worker, not one per slot (each start costs ~3 s of CPU, and all slots' workers starting together
at server start starved the first Lab page on a 2-core server). A job takes a warm worker when
there is one; taking the last one starts warming the next. Slow: real workers import torch."""

from __future__ import annotations

import pytest

from core.lab.jobs.pool import READY_TIMEOUT_S, Pool
from tests.support.waiting import wait_until

pytestmark = pytest.mark.slow


def started(pool: Pool) -> list[int]:
    return [pid for pid in pool.pids() if pid is not None]


def test_one_spare_is_kept_warm_and_a_job_takes_it():
    pool = Pool(3, threads=1)
    try:
        pool.prewarm()  # returns once the spare has imported torch
        (spare,) = started(pool)
        pool.prewarm()
        assert started(pool) == [spare]  # one spare is enough: not one per slot

        i, worker = pool.acquire()
        assert worker.pid == spare  # the warm one, not a cold slot's
        # taking the last warm worker starts the next spare, in the background
        wait_until(lambda: len(started(pool)) == 2, timeout=10, what="a second worker")
        nxt = next(pid for pid in started(pool) if pid != spare)
        j, second = pool.acquire()  # waits while the spare warms rather than starting a third
        assert second.pid == nxt and j != i
        assert second.wait_ready(0.5) is False  # its "ready" was consumed by the warm-up: a job reads none
    finally:
        pool.close()
    assert started(pool) == []


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
        pool.release(k, dead=True)  # dropped; the other idle worker is the spare: no replacement yet
        pool.prewarm()
        assert started(pool) == [next(pid for pid in (first.pid, second.pid) if pid != again.pid)]
        m, last = pool.acquire()  # taking the spare starts a new one for the free slot
        wait_until(lambda: len(started(pool)) == 2, timeout=10, what="a new spare")
        assert again.pid not in started(pool)
        pool.release(m, dead=False)
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
