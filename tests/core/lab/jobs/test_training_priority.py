"""Training processes run at a lower CPU priority than the server that starts them
(`STUDY_LAB_NICE`, default 10; core/lab/device.py): a room's training used to leave the server's
pages and live curves waiting behind it. The setting's bad values are refused with the reason."""

from __future__ import annotations

import os
import sys

import pytest

from core.lab.device import DEFAULT_NICE, NICE_ENV, training_nice
from core.lab.jobs.pool import READY_TIMEOUT_S, Pool
from core.lab.jobs.registry import JobRegistry

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


def _worker_niceness() -> int:
    pool = Pool(1, threads=1)
    try:
        i, worker = pool.acquire()
        assert worker.wait_ready(READY_TIMEOUT_S)  # it lowers its priority before saying ready
        try:
            return os.getpriority(os.PRIO_PROCESS, worker.pid)
        finally:
            pool.release(i, dead=False)
    finally:
        pool.close()


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="niceness read back as on Linux")
def test_a_training_worker_runs_at_the_servers_priority_plus_the_setting(monkeypatch):
    own = os.getpriority(os.PRIO_PROCESS, 0)
    monkeypatch.setenv(NICE_ENV, "7")
    assert _worker_niceness() == min(own + 7, 19)
    monkeypatch.setenv(NICE_ENV, "0")
    assert _worker_niceness() == own  # turned off
