"""JobRegistry: queue order and positions, stop, failures, on_done before the final status, and
snapshots under load (thread mode, fake training); the real `train` in worker processes (results
equal to the bare loop's, stop, a killed worker).

Waits are bounded waits on a condition (tests/support/waiting.py) and the TTL runs on an injected
clock; their timeouts are deadlines against a hang, never speed measurements. The only sleep left
is Fake's optional `delay`, simulated work per step that keeps a long run running until stopped.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from dataclasses import replace

import pytest
import torch

from core.lab.config import ConfigError, ModelConfig, TrainConfig
from core.lab.jobs.policy import Participant
from core.lab.jobs.registry import JobRegistry
from core.lab.models import DecodeResult
from core.lab.tasks import make_task
from core.lab.train import DoneEvent, EvalEvent, StepEvent, predict, train
from tests.support.waiting import wait_until as wait_for

ENDED = ("finished", "stopped", "diverged", "failed")
ANN = Participant("member:1", "member", "Ann")
CFG = TrainConfig(
    task="reverse",
    seq_len=4,
    vocab_size=6,
    steps=50,
    eval_every=10,
    probe_every=10,
    seed=0,
    model=ModelConfig(kind="transformer", d_model=16, n_heads=2, n_layers=1, d_ff=32),
)


def ended(reg, job_id, timeout: float = 20.0):
    return wait_for(
        lambda: (s := reg.snapshot(job_id)).status in ENDED and s,
        timeout=timeout,
        what=f"job {job_id} to end",
    )


class Fake:
    """A train_fn: `steps` StepEvents, gated per seed, optionally failing; records call order."""

    def __init__(self, *, gated: bool = False, fail_at: int | None = None, delay: float = 0.0):
        self.gates: dict[int, threading.Event] = {}
        self.gated, self.fail_at, self.delay = gated, fail_at, delay
        self.calls: list[int] = []

    def gate(self, seed: int) -> threading.Event:
        return self.gates.setdefault(seed, threading.Event())

    def __call__(self, cfg, *, stop):
        self.calls.append(cfg.seed)
        if self.gated:
            self.gate(cfg.seed).wait(10)
        step = 0
        for step in range(1, cfg.steps + 1):
            if stop.is_set():
                step -= 1
                yield DoneEvent("stopped", step, {"steps_per_s": 1.0}, None, 0, "cpu")
                return
            if step == self.fail_at:
                raise ValueError("boom")
            yield StepEvent(step, 1.0 / step, 0.5, 0.1, 1e-3, 0.0)
            if step % cfg.eval_every == 0:
                yield EvalEvent(step, 0.5, 0.5, 0.25, None)
            if self.delay:
                time.sleep(self.delay)  # simulated work, not a wait
        yield DoneEvent("finished", step, {"steps_per_s": 123.0, "val_token_acc": 0.5}, "MODEL", 42, "cpu")


def test_fifo_queue_positions_and_slots():
    fake = Fake(gated=True)
    reg = JobRegistry(slots=1, train_fn=fake)
    assert reg.mode == "thread"
    owners = [ANN, Participant("member:2", "member", "Bo"), Participant("guest:ab", "guest")]
    ids = [reg.start(replace(CFG, seed=s), owner=o) for s, o in zip((1, 2, 3), owners, strict=True)]
    wait_for(lambda: reg.snapshot(ids[0]).status == "running")
    snaps = [reg.snapshot(i) for i in ids]
    assert [(s.status, s.queue_position) for s in snaps] == [("running", None), ("queued", 1), ("queued", 2)]
    assert snaps[0].owner == ANN and snaps[1].owner.name == "Bo" and snaps[1].step == 0
    fake.gate(1).set()
    wait_for(lambda: reg.snapshot(ids[1]).status == "running")
    assert reg.snapshot(ids[0]).status == "finished" and reg.snapshot(ids[2]).queue_position == 1
    fake.gate(2).set()
    fake.gate(3).set()
    assert ended(reg, ids[2]).status == "finished"
    assert fake.calls == [1, 2, 3]  # first in, first trained
    assert [s.job_id for s in reg.list_jobs()] == ids and all(s.status == "finished" for s in reg.list_jobs())
    two = JobRegistry(slots=2, train_fn=Fake(gated=True))
    a, b = two.start(CFG), two.start(replace(CFG, seed=9))
    wait_for(lambda: two.snapshot(a).status == two.snapshot(b).status == "running")


def test_finished_snapshot_has_curves_metrics_and_model():
    reg = JobRegistry(slots=1, train_fn=Fake())
    snap = ended(reg, reg.start(CFG))
    assert (snap.status, snap.step, snap.model, snap.n_params, snap.error) == (
        "finished",
        50,
        "MODEL",
        42,
        None,
    )
    assert snap.curves["step"] == list(range(1, 51)) and snap.curves["eval_step"] == [10, 20, 30, 40, 50]
    assert snap.steps_per_s == 123.0 and snap.metrics["val_token_acc"] == 0.5 and snap.eta_s is None
    assert reg.snapshot("nope") is None
    with pytest.raises(ConfigError):
        reg.start(replace(CFG, lr=-1.0))
    with pytest.raises(ValueError):
        JobRegistry(slots=1, mode="process", train_fn=Fake())
    with pytest.raises(ValueError):
        JobRegistry(slots=1, mode="gpu-please")


def test_ids_are_unguessable_and_ended_jobs_expire_after_the_ttl():
    now = [1000.0]
    fake = Fake(gated=True)
    reg = JobRegistry(slots=1, train_fn=fake, ttl_s=60.0, clock=lambda: now[0])
    for seed in (1, 2, 3):
        fake.gate(seed).set()
    ids = [reg.start(replace(CFG, steps=2, seed=seed)) for seed in (1, 2, 3)]
    assert len(set(ids)) == 3 and all(len(i) == 32 and set(i) <= set("0123456789abcdef") for i in ids)
    for jid in ids:
        ended(reg, jid)
    live = reg.start(replace(CFG, seed=4))  # held at its gate: still running when the others expire
    now[0] += 59.0
    assert all(reg.snapshot(i) is not None for i in ids)  # within the TTL
    now[0] += 2.0
    assert [reg.snapshot(i) for i in ids] == [None, None, None]
    assert [s.job_id for s in reg.list_jobs()] == [live]
    reg.stop(live, by=None)
    fake.gate(4).set()
    assert ended(reg, live).status == "stopped"


def test_stop_while_running_and_while_queued():
    fake = Fake(delay=0.002)
    reg = JobRegistry(slots=1, train_fn=fake)
    running = reg.start(replace(CFG, steps=20000, seed=1))
    queued = reg.start(replace(CFG, seed=2))
    third = reg.start(replace(CFG, seed=3))
    wait_for(lambda: reg.snapshot(running).step >= 3)
    reg.stop(queued, by=None)
    snap = ended(reg, queued, timeout=2)
    assert snap.status == "stopped" and snap.step == 0 and snap.queue_position is None
    assert reg.snapshot(third).queue_position == 1  # moved up
    reg.stop(running, by=None)
    snap = ended(reg, running, timeout=5)  # a deadline: unstopped, the run takes 40 s
    assert snap.status == "stopped" and 3 <= snap.step < 20000
    assert ended(reg, third).status == "finished"
    assert fake.calls == [1, 3]  # the job stopped in the queue never trained


def test_waiting_after_a_stop_returns_once_the_run_is_stored():
    """What a stop button's page waits on (ui/lab/jobs.py STOP_WAIT_S): the end comes after
    on_done has stored the run, so the page that waited finds the stored run at once."""
    stored: list[str] = []
    reg = JobRegistry(slots=1, train_fn=Fake(delay=0.002), on_done=lambda jid, s: stored.append(jid))
    jid = reg.start(replace(CFG, steps=20000))
    wait_for(lambda: reg.snapshot(jid).step >= 3)
    assert reg.wait_ended(jid, 0.05) is False  # training on: the wait gives up at its bound
    reg.stop(jid, by=None)
    assert reg.wait_ended(jid, 10.0) is True  # a deadline: unstopped, the run takes 40 s
    assert stored == [jid] and reg.snapshot(jid).status == "stopped"


def test_failure_is_reported_with_its_message_and_kept_curves():
    done: list = []
    reg = JobRegistry(slots=1, train_fn=Fake(fail_at=3), on_done=lambda jid, s: done.append((jid, s.status)))
    jid = reg.start(CFG)
    snap = ended(reg, jid)
    assert snap.status == "failed" and snap.error == "ValueError: boom"
    assert snap.curves["step"] == [1, 2] and done == [(jid, "failed")]
    # the slot is free again: the next job runs
    assert ended(reg, reg.start(CFG)).status == "failed"


def test_on_done_runs_before_the_final_status_is_visible():
    seen: dict = {}
    entered, release = threading.Event(), threading.Event()

    def on_done(job_id, snap):
        seen["arg"] = (snap.status, snap.model, len(snap.curves["step"]))
        entered.set()
        release.wait(10)  # storing the run takes a while

    reg = JobRegistry(slots=1, train_fn=Fake(), on_done=on_done)
    jid = reg.start(CFG)
    assert entered.wait(10)
    assert reg.snapshot(jid).status == "running"  # what a polling page sees while the run is stored
    release.set()
    snap = ended(reg, jid)
    assert seen["arg"] == ("finished", "MODEL", 50) and snap.status == "finished"
    # a callback that raises does not break the job
    bad = JobRegistry(slots=1, train_fn=Fake(), on_done=lambda *_: 1 / 0)
    assert ended(bad, bad.start(CFG)).status == "finished"


def test_many_concurrent_snapshots_stay_consistent():
    reg = JobRegistry(slots=1, train_fn=Fake())
    # 5,000 steps: readers copy the growing curves at every snapshot, so the cost grows with steps²
    jid = reg.start(replace(CFG, steps=5000, eval_every=25))
    errors: list[str] = []

    def reader():
        last = -1
        while True:
            s = reg.snapshot(jid)
            c = s.curves
            if not (len(c["step"]) == len(c["loss"]) == len(c["lr"]) and s.version >= last):
                errors.append(f"torn snapshot at version {s.version}")
            if c["step"] and c["step"][-1] != s.step:
                errors.append(f"step {s.step} vs curve {c['step'][-1]}")
            last = s.version
            if s.status in ENDED:
                return

    readers = [threading.Thread(target=reader) for _ in range(8)]
    for t in readers:
        t.start()
    for t in readers:
        t.join(30)
    assert not errors, errors[:3]
    snap = reg.snapshot(jid)
    assert snap.status == "finished" and snap.curves["step"] == list(range(1, 5001))
    assert len(snap.curves["eval_step"]) == 200


# --- process mode: the real train() in a worker process (slow: each worker imports torch) ----


@pytest.fixture(scope="module")
def proc_reg():
    done: list = []
    reg = JobRegistry(
        slots=1,
        mode="process",
        threads_per_job=1,
        on_done=lambda jid, s: done.append((jid, s.status, s.model is not None)),
    )
    reg.done = done
    yield reg
    reg.close()


@pytest.mark.slow
def test_process_job_matches_the_bare_loop_and_predicts(proc_reg):
    assert proc_reg.mode == "process"
    jid = proc_reg.start(CFG, owner=ANN)
    snap = ended(proc_reg, jid, timeout=30)
    assert (snap.status, snap.step, snap.error, snap.owner) == ("finished", 50, None, ANN)
    bare = list(train(CFG))  # same seed, one thread: bit-identical losses and weights
    assert snap.curves["loss"] == [e.loss for e in bare if isinstance(e, StepEvent)]
    assert snap.curves["eval_step"] == [0, 10, 20, 30, 40, 50]
    assert sorted(snap.probes) == [0, 10, 20, 30, 40, 50]
    probe = snap.probes[50]
    assert (
        isinstance(probe, DecodeResult) and probe.tokens.device.type == "cpu" and "cross/0" in probe.attention
    )
    done_ev = bare[-1]
    assert (
        snap.metrics["val_token_acc"] == done_ev.metrics["val_token_acc"]
        and snap.n_params == done_ev.n_params
    )
    for k, v in done_ev.model.state_dict().items():
        torch.testing.assert_close(snap.model.state_dict()[k], v, rtol=0, atol=0)
    assert not snap.model.training and next(snap.model.parameters()).device.type == "cpu"
    text, res = predict(snap.model, make_task("reverse", 4, 6), "1 2 3")
    assert isinstance(text, str) and res.tokens.shape[0] == 1
    assert (jid, "finished", True) in proc_reg.done


@pytest.mark.slow
def test_process_stop_and_queue(proc_reg):
    long = proc_reg.start(replace(CFG, steps=20000, eval_every=1000, probe_every=1000))
    queued = proc_reg.start(CFG)
    wait_for(lambda: proc_reg.snapshot(long).step >= 5, timeout=30)
    assert proc_reg.snapshot(queued).queue_position == 1
    live = proc_reg.snapshot(long)
    assert live.steps_per_s > 0 and live.eta_s > 0
    proc_reg.stop(long, by=None)
    snap = ended(proc_reg, long, timeout=5)  # a deadline: unstopped, 20,000 steps take minutes
    assert snap.status == "stopped" and 5 <= snap.step < 20000 and snap.model is not None
    # the stop flag is reset per job: the next job in this worker trains to the end
    assert ended(proc_reg, queued, timeout=30).status == "finished"


@pytest.mark.slow
def test_killed_worker_fails_its_job_and_is_replaced(proc_reg):
    jid = proc_reg.start(replace(CFG, steps=20000, eval_every=1000, probe_every=1000))
    wait_for(lambda: proc_reg.snapshot(jid).step >= 2, timeout=30)
    (pid,) = proc_reg.worker_pids()
    os.kill(pid, signal.SIGKILL)
    snap = ended(proc_reg, jid, timeout=5)
    assert snap.status == "failed" and "killed by signal 9" in snap.error and snap.step >= 2
    nxt = ended(proc_reg, proc_reg.start(CFG), timeout=30)
    assert nxt.status == "finished" and nxt.step == 50
    assert proc_reg.worker_pids()[0] not in (None, pid)


@pytest.mark.slow
def test_close_ends_the_worker_processes():
    reg = JobRegistry(slots=1, mode="process")
    ended(reg, reg.start(replace(CFG, steps=3)), timeout=30)
    (pid,) = reg.worker_pids()
    reg.close()
    assert reg.worker_pids() == [None]
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # gone and reaped, not a zombie or an orphan


def test_waiting_for_the_first_step_of_a_running_job_ends_with_that_step():
    """After Train the page waits (bounded) for a run that got a slot to take its first step, so
    its next run shows the run training: not before that step, at once after it."""
    fake = Fake(gated=True, delay=0.2)  # 50 steps of 0.2 s: the run is still training after its first
    reg = JobRegistry(slots=1, train_fn=fake)
    try:
        jid = reg.start(CFG, owner=ANN)
        wait_for(lambda: reg.snapshot(jid).status == "running")
        assert reg.wait_started(jid, 0.05) is False  # held before its first step: the wait gives up
        assert reg.snapshot(jid).step == 0
        fake.gate(CFG.seed).set()
        assert reg.wait_started(jid, 30.0) is True
        snap = reg.snapshot(jid)
        assert snap.step >= 1 and snap.status == "running"  # woken by the step, not by the run's end
        reg.stop(jid, by=ANN)
    finally:
        fake.gate(CFG.seed).set()
        reg.close()
