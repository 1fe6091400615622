"""Pause / step N / resume on the in-process pool (CPU) give the losses of an uninterrupted run
with the same seed, with a probe recorded where each pause held; a stop ends a paused run; and a
run started from a checkpoint's bytes (`init_state`) continues from those weights, while a
foreign or mismatched checkpoint is refused with the reason."""

from __future__ import annotations

import threading

import pytest

from core.lab.checkpoint import save_checkpoint
from core.lab.config import ConfigError, replace
from core.lab.jobs.control import Control, next_run_until
from core.lab.jobs.registry import JobRegistry
from core.lab.presets import tab_default
from core.lab.train import DoneEvent, EvalEvent, StepEvent, train
from tests.support.jobs import ANN, ENDED, GUEST, LEADER
from tests.support.waiting import wait_until

CFG = replace(tab_default("gru"), steps=40, seq_len=4, eval_every=20, probe_every=20)


def losses(events) -> list[float]:
    return [e.loss for e in events if isinstance(e, StepEvent)]


def test_next_run_until_counts_from_what_was_already_allowed():
    assert next_run_until(False, None, 7, 10) == 17
    assert next_run_until(True, None, 7, 1) == 8
    assert next_run_until(True, 12, 9, 10) == 22  # a second click before the first ten were done
    assert next_run_until(True, 5, 9, 1) == 10


@pytest.mark.slow  # trains
def test_train_held_stepped_and_resumed_gives_the_uninterrupted_losses():
    expected = losses(train(CFG))
    c = Control()
    c.set_state(paused=True, run_until=None)
    events: list = []
    t = threading.Thread(target=lambda: events.extend(train(CFG, stop=c, control=c)), daemon=True)
    t.start()
    wait_until(lambda: c.held(1) and len(events) == 1, timeout=30, what="held before step 1")
    c.set_state(paused=True, run_until=next_run_until(True, None, 0, 1))
    wait_until(lambda: len(losses(events)) == 1 and isinstance(events[-1], EvalEvent), what="one step")
    c.set_state(paused=True, run_until=next_run_until(True, 1, 1, 10))
    wait_until(lambda: len(losses(events)) == 11 and isinstance(events[-1], EvalEvent), what="ten steps")
    assert [e.step for e in events if isinstance(e, EvalEvent)] == [0, 1, 11]  # a probe where it held
    assert all(e.probe is not None for e in events if isinstance(e, EvalEvent))
    c.set_state(paused=False, run_until=None)
    t.join(60)
    assert isinstance(events[-1], DoneEvent) and events[-1].status == "finished"
    assert losses(events) == expected


@pytest.mark.slow  # trains
def test_a_stop_ends_a_paused_run():
    c = Control()
    c.set_state(paused=True, run_until=3)
    events = []
    t = threading.Thread(target=lambda: events.extend(train(CFG, stop=c, control=c)), daemon=True)
    t.start()
    wait_until(lambda: len(losses(events)) == 3 and c.held(4), timeout=30, what="held after 3 steps")
    c.stop()
    t.join(30)
    assert events[-1].status == "stopped" and events[-1].step == 3


@pytest.mark.slow  # trains
def test_the_pool_pauses_steps_and_resumes_a_job_with_the_same_losses():
    expected = losses(train(CFG))
    reg = JobRegistry(mode="thread", slots=1)
    try:
        jid = reg.start(CFG, owner=ANN)
        reg.pause(jid, by=ANN)  # may land before or after the first steps
        held = wait_until(
            lambda: (
                (s := reg.snapshot(jid)).status == "running"
                and s.paused
                and s.curves["eval_step"]
                and s.curves["eval_step"][-1] == s.step
                and s
            ),
            timeout=30,
            what="held",
        )
        with pytest.raises(Exception, match="not_yours|person who started"):
            reg.step(jid, 10, by=GUEST)
        reg.step(jid, 10, by=LEADER)
        wait_until(lambda: reg.snapshot(jid).step == held.step + 10, timeout=30, what="ten steps")
        assert reg.snapshot(jid).paused and reg.active()[0].paused
        reg.resume(jid, by=ANN)
        snap = wait_until(lambda: (s := reg.snapshot(jid)).status in ENDED and s, timeout=60, what="end")
        assert snap.status == "finished" and not snap.paused
        assert snap.curves["loss"] == expected
        assert held.step + 10 in snap.curves["eval_step"]
    finally:
        reg.close()


@pytest.mark.slow
def test_pause_and_step_reach_a_worker_process():
    expected = losses(train(CFG))
    reg = JobRegistry(mode="process", slots=1, threads_per_job=1)
    try:
        jid = reg.start(CFG, owner=ANN)
        reg.pause(jid, by=ANN)
        held = wait_until(
            lambda: (
                (s := reg.snapshot(jid)).paused
                and s.curves["eval_step"]
                and s.curves["eval_step"][-1] == s.step
                and s
            ),
            timeout=60,
            what="held",
        )
        reg.step(jid, 1, by=ANN)
        wait_until(lambda: reg.snapshot(jid).step == held.step + 1, timeout=30, what="one step")
        reg.resume(jid, by=ANN)
        snap = wait_until(lambda: (s := reg.snapshot(jid)).status in ENDED and s, timeout=60, what="end")
        assert snap.status == "finished" and snap.curves["loss"] == expected
    finally:
        reg.close()


@pytest.mark.slow  # trains
def test_a_run_continues_from_a_checkpoint():
    first = list(train(CFG))
    data = save_checkpoint(first[-1].model, CFG)
    fresh_first_loss = losses(first)[0]
    reg = JobRegistry(mode="thread", slots=1)
    try:
        jid = reg.start(CFG, owner=ANN, init_state=data)
        snap = wait_until(lambda: (s := reg.snapshot(jid)).status in ENDED and s, timeout=60, what="end")
        assert snap.status == "finished"
        assert snap.curves["loss"][0] < fresh_first_loss  # it started from the trained weights
    finally:
        reg.close()
    direct = losses(train(CFG, init_state=data))
    assert direct == snap.curves["loss"]


def test_a_foreign_or_mismatched_checkpoint_is_refused_with_the_reason():
    reg = JobRegistry(mode="thread", slots=1)
    try:
        with pytest.raises(ConfigError) as err:
            reg.start(CFG, owner=ANN, init_state=b"not a checkpoint")
        assert err.value.key.startswith("lab.error.checkpoint_")
        other = replace(CFG, seq_len=6)
        model = list(train(replace(other, steps=1)))[-1].model
        with pytest.raises(ConfigError) as err:
            reg.start(CFG, owner=ANN, init_state=save_checkpoint(model, replace(other, steps=1)))
        assert err.value.key == "lab.error.checkpoint_mismatch" and "seq_len" in str(err.value.params)
        assert reg.active() == []  # nothing was queued
    finally:
        reg.close()


def test_probes_where_a_run_paused_are_kept_beside_the_thinned_grid():
    from core.lab.jobs.policy import ProbeKeeper, pinned_probe

    keeper = ProbeKeeper(4)
    kept: set[int] = set()
    for step in range(0, 200):
        if step % 10 == 0 or step in (13, 14, 15):  # the grid, and three steps a presenter held at
            kept.add(step)
            kept -= set(keeper.add(step, pinned=pinned_probe(step, 10)))
    assert {13, 14, 15} <= kept and sorted(kept) == keeper.steps
    assert len([s for s in kept if s % 10 == 0]) <= 4
    for step in range(300, 310):  # pinned ones are bounded too: the oldest go first
        kept -= set(keeper.add(step, pinned=True))
        kept.add(step)
    assert sorted(kept) == keeper.steps and 13 not in kept and 309 in kept
