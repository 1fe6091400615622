"""Training runs at a lower CPU priority than the server that starts it (`STUDY_LAB_NICE`, default
10; core/lab/device.py): a room's training used to leave the server's pages and live curves
waiting behind it. A leader's job trains at the server's priority: a presenter's run is not left the CPU
the room's page runs leave over. The setting's bad values are refused with the reason."""

from __future__ import annotations

import os
import pickle
import sys

import pytest

from core.lab.config import replace
from core.lab.device import DEFAULT_NICE, NICE_ENV, training_nice
from core.lab.jobs.pool import READY_TIMEOUT_S, Pool
from core.lab.jobs.registry import JobRegistry
from core.lab.presets import tab_default

pytestmark = pytest.mark.skipif(not hasattr(os, "getpriority"), reason="no process niceness on this OS")


@pytest.mark.parametrize(
    ("raw", "nice"), [(None, DEFAULT_NICE), ("", DEFAULT_NICE), ("0", 0), (" 5 ", 5), ("19", 19)]
)
def test_the_setting_reads_whole_numbers_from_0_to_19(raw, nice):
    env = {} if raw is None else {NICE_ENV: raw}
    assert training_nice(env) == nice


@pytest.mark.parametrize("raw", ["-5", "20", "high", "2.5"])
def test_a_bad_setting_is_refused_naming_it(raw):
    with pytest.raises(ValueError, match=f"{NICE_ENV} must be a whole number from 0 to 19"):
        training_nice({NICE_ENV: raw})


def test_a_bad_setting_stops_the_registry_at_start_rather_than_each_worker(monkeypatch):
    monkeypatch.setenv(NICE_ENV, "-1")
    with pytest.raises(ValueError, match=NICE_ENV):
        JobRegistry(mode="process", prewarm=False)


def _nice_of_threads(pid: int) -> set[int]:
    """The niceness of each of a process's threads (Linux: field 19 of /proc/PID/task/TID/stat)."""
    found = set()
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/stat") as f:
            found.add(int(f.read().rsplit(")", 1)[1].split()[16]))
    return found


def _niceness_while_training(urgent: bool) -> tuple[int, set[int]]:
    """(the worker process's niceness, its threads' while a job trains) for a job sent `urgent`
    (a leader's) or not."""
    cfg = replace(tab_default("gru"), steps=20_000, seq_len=4)
    pool = Pool(1, threads=1)
    try:
        i, worker = pool.acquire()
        assert worker.wait_ready(READY_TIMEOUT_S)
        try:
            worker.send(("run", "job-1", cfg, 1 << 20, None, urgent))
            assert pickle.loads(worker.conn.recv_bytes()) == ("begin",)  # the job's thread runs
            seen = os.getpriority(os.PRIO_PROCESS, worker.pid), _nice_of_threads(worker.pid)
            worker.request_stop("job-1")
            while pickle.loads(worker.conn.recv_bytes())[0] not in ("done", "error"):
                pass
            return seen
        finally:
            pool.release(i, dead=False)
    finally:
        pool.close()


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="threads scheduled and read back as on Linux")
def test_a_job_trains_at_the_servers_priority_plus_the_setting_and_a_leaders_at_the_servers(monkeypatch):
    own = os.getpriority(os.PRIO_PROCESS, 0)
    monkeypatch.setenv(NICE_ENV, "7")
    process, threads = _niceness_while_training(urgent=False)
    assert process == own and threads == {own, min(own + 7, 19)}  # the job's thread alone is niced
    process, threads = _niceness_while_training(urgent=True)
    assert process == own and threads == {own}  # a presenter's run is not left the scraps
    monkeypatch.setenv(NICE_ENV, "0")
    assert _niceness_while_training(urgent=False)[1] == {own}  # turned off


def test_where_threads_share_the_process_priority_it_is_lowered_once_not_per_job(monkeypatch):
    from core.lab import device

    calls: list[int] = []
    monkeypatch.setattr(device.sys, "platform", "darwin")
    monkeypatch.setattr(device, "_process_lowered", [])
    monkeypatch.setattr(device.os, "nice", lambda n: calls.append(n), raising=False)
    for _ in range(3):  # three members' jobs in one worker
        device.lower_thread_priority(7)
    assert calls == [7]
