"""The pool keeps a warm worker for each leaders' slot (core/lab/jobs/pool.py `reserved`): the
room's runs take the other workers, a cold one if need be, so a presenter's run starts on a warm
worker at once, also on a server whose workers were still starting when the room pressed Train.
Fake workers (no torch): the choice of worker is what is tested."""

from __future__ import annotations

import threading

import pytest

from core.lab.jobs import pool as pool_module
from core.lab.jobs.pool import Pool


class FakeWorker:
    started = 0

    def __init__(self, threads: int) -> None:
        FakeWorker.started += 1

    def alive(self) -> bool:
        return True

    def close(self, timeout: float = 1.0) -> None:
        pass


@pytest.fixture
def warm_pool(monkeypatch):
    """Pool(3 slots, 1 reserved) whose first `n` slots have warm workers."""
    monkeypatch.setattr(pool_module, "Worker", FakeWorker)
    FakeWorker.started = 0

    def make(n: int) -> Pool:
        p = Pool(3, threads=1, reserved=1)
        for i in range(n):
            p.workers[i] = FakeWorker(1)
        FakeWorker.started = 0
        return p

    return make


def test_the_rooms_runs_leave_the_last_warm_worker_to_a_leader_and_start_their_own(warm_pool):
    pool = warm_pool(1)  # a cold server: one worker warm when the room pressed Train
    i, _ = pool.acquire()  # a participant's run
    assert i != 0 and FakeWorker.started == 1  # a fresh worker for it: the warm one is kept
    j, worker = pool.acquire(urgent=True)  # the presenter's
    assert j == 0 and worker is pool.workers[0]  # the warm one, nothing to wait for
    pool.close()


def test_with_every_worker_warm_the_room_takes_all_but_the_kept_one(warm_pool):
    pool = warm_pool(3)
    taken = {pool.acquire()[0], pool.acquire()[0]}
    assert taken == {0, 1} and FakeWorker.started == 0
    assert pool.acquire(urgent=True)[0] == 2  # (taking the last warm one warms a spare meanwhile)
    pool.close()


def test_while_a_leaders_run_holds_its_slot_the_room_may_take_every_other_warm_worker(warm_pool):
    pool = warm_pool(3)
    lead, _ = pool.acquire(urgent=True)
    first, _ = pool.acquire()
    second, _ = pool.acquire()  # nothing left to keep for a leader: the last warm one is taken
    assert {lead, first, second} == {0, 1, 2} and FakeWorker.started == 0
    pool.release(lead, dead=False)  # the leader's run ended: its slot is kept warm again
    got: list[int] = []
    waiter = threading.Thread(target=lambda: got.append(pool.acquire()[0]))
    pool.release(first, dead=False)
    waiter.start()
    waiter.join(5)
    assert got and got[0] in (lead, first) and FakeWorker.started == 0  # one of two warm ones: one stays kept
    assert pool.acquire(urgent=True)[0] in (lead, first)
    pool.close()
