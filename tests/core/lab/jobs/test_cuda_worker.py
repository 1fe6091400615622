"""A Lab worker on a CUDA machine (skipped with the reason without a GPU or PostgreSQL): it picks
the GPU and trains eight tiny jobs at once there (its default concurrency with CUDA)."""

from __future__ import annotations

import time

import pytest
import torch

from core.lab.config import replace
from core.lab.jobs.pg import PgJobs
from core.lab.presets import tab_default
from tests.support.jobs import ENDED, guest
from tests.support.waiting import wait_until

pytestmark = [
    pytest.mark.cuda,
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU on this machine"),
]
CFG = replace(tab_default("transformer"), steps=300, seq_len=6, eval_every=100, probe_every=100)


def test_a_gpu_worker_trains_eight_jobs_at_once_on_the_card(qdb, start_worker):
    from core.lab.worker import default_concurrency

    assert default_concurrency(cuda=True, env={}) == 8
    start_worker()  # no STUDY_LAB_WORKER_CONCURRENCY: the CUDA default
    jobs = PgJobs(db=qdb)
    try:
        t0 = time.perf_counter()
        ids = [jobs.start(replace(CFG, seed=i), owner=guest(i)) for i in range(8)]
        wait_until(
            lambda: sum(j.status == "running" for j in jobs.active()) == 8,
            timeout=120,
            what="8 running at once",
        )
        snaps = [
            wait_until(lambda j=j: (s := jobs.snapshot(j)).status in ENDED and s, timeout=300, what="the end")
            for j in ids
        ]
        took = time.perf_counter() - t0
        print(
            f"8 concurrent {CFG.steps}-step transformer jobs on {torch.cuda.get_device_name(0)}: {took:.1f} s"
        )
        assert all(s.status == "finished" and s.device.startswith("cuda") for s in snaps)
    finally:
        jobs.close()
