"""JobRegistry with the queue's rules (thread mode, fake training): ownership of stop, leaders
first, one running and one queued job per participant, the queue cap and the compute budget
(refused before anything is queued), a leader's cancel and move-to-front, bounded probes, the
wall-time limit on an injected clock, no thread per queued job, and translated failure keys."""

from __future__ import annotations

import threading

import pytest

from core.errors import PermissionDenied
from core.lab.config import replace
from core.lab.jobs.policy import JobLimits, JobRefused, RoleLimits
from core.lab.jobs.registry import JobRegistry
from core.lab.presets import tab_default
from tests.support.jobs import ANN, BO, ENDED, GUEST, LEADER, Fake, guest, probe
from tests.support.waiting import wait_until

CFG = replace(tab_default("transformer"), steps=20, eval_every=5, probe_every=5, seq_len=4)


def cfg(seed: int, **kw):
    return replace(CFG, seed=seed, **kw)


def ended(reg, jid, timeout: float = 10.0):
    return wait_until(lambda: (s := reg.snapshot(jid)).status in ENDED and s, timeout=timeout, what="job end")


def running(reg, jid):
    wait_until(lambda: reg.snapshot(jid).status == "running", timeout=10, what="job start")


@pytest.fixture
def held():
    """A one-slot registry (no slot kept for leaders: the queue's order is what is tested) whose
    first job (seed 1, ANN's) holds the slot until released."""
    fake = Fake(gated=True)
    reg = JobRegistry(slots=1, leader_slots=0, train_fn=fake)
    first = reg.start(cfg(1), owner=ANN)
    running(reg, first)
    yield reg, fake, first
    fake.release_all()


def test_only_the_owner_or_a_leader_stops_a_job(held):
    reg, fake, first = held
    queued = reg.start(cfg(2), owner=GUEST)
    for other in (BO, guest(7)):
        with pytest.raises(PermissionDenied):
            reg.stop(first, by=other)
        with pytest.raises(PermissionDenied):
            reg.stop(queued, by=other)
    assert reg.snapshot(first).status == "running" and reg.snapshot(queued).status == "queued"
    reg.stop(queued, by=GUEST)  # the guest's own browser
    assert reg.snapshot(queued).status == "stopped"
    reg.stop(first, by=LEADER)
    fake.gate(1).set()
    assert ended(reg, first).status == "stopped"
    assert reg.snapshot(first).owner == ANN


def test_leaders_runs_go_ahead_of_queued_member_and_guest_runs(held):
    reg, fake, first = held
    m = reg.start(cfg(2), owner=BO)
    g = reg.start(cfg(3), owner=GUEST)
    lead = reg.start(cfg(4), owner=LEADER)
    assert [reg.snapshot(j).queue_position for j in (lead, m, g)] == [1, 2, 3]
    assert [s.job_id for s in reg.active()] == [first, lead, m, g]
    fake.release_all()
    for j in (m, g, lead):
        ended(reg, j)
    assert fake.calls == [1, 4, 2, 3]


def test_one_running_and_one_queued_job_per_participant(held):
    reg, fake, first = held
    second = reg.start(cfg(2), owner=ANN)
    with pytest.raises(JobRefused) as info:
        reg.start(cfg(3), owner=ANN)
    assert info.value.key == "lab.job.one_queued" and "at most 1 per person" in str(info.value)
    assert len(reg.list_jobs()) == 2  # nothing was queued
    reg.start(cfg(4), owner=BO)  # someone else may
    # with a free slot, ANN's second run still waits for the first: one running each
    two = JobRegistry(slots=2, train_fn=Fake(gated=True))
    a = two.start(cfg(1), owner=ANN)
    b = two.start(cfg(2), owner=ANN)
    c = two.start(cfg(3), owner=BO)
    running(two, c)
    assert two.snapshot(a).status == "running" and two.snapshot(b).status == "queued"
    two._train_fn.release_all()
    assert ended(two, b).status == "finished"
    assert reg.snapshot(second).queue_position == 1


def test_a_full_queue_is_refused_with_its_size_named():
    fake = Fake(gated=True)
    reg = JobRegistry(slots=1, train_fn=fake, limits=JobLimits(max_queued=3))
    reg.start(cfg(0), owner=guest(0))
    for i in range(1, 4):
        reg.start(cfg(i), owner=guest(i))
    with pytest.raises(JobRefused) as info:
        reg.start(cfg(9), owner=LEADER)
    assert info.value.key == "lab.job.queue_full" and "(3 runs waiting)" in str(info.value)
    assert "최대 3개 대기" in info.value.message("ko")
    fake.release_all()


def test_a_run_over_the_guest_budget_is_refused_before_it_is_queued():
    trained = []
    reg = JobRegistry(slots=1, train_fn=lambda c, stop: trained.append(c) or iter(()))
    with pytest.raises(JobRefused) as info:
        reg.start(replace(CFG, steps=2000, batch_size=1024, seq_len=64), owner=GUEST)
    assert info.value.key == "lab.job.too_much_work" and "Guests may use at most 20 TFLOP" in str(info.value)
    with pytest.raises(JobRefused) as info:
        reg.start(replace(CFG, steps=5000), owner=GUEST)
    assert info.value.key == "lab.job.too_many_steps"
    assert reg.list_jobs() == [] and trained == []
    n, cost = reg.estimate(CFG)
    assert n > 0 and cost.seconds > 0


def test_a_leader_cancels_any_job_and_moves_one_to_the_front(held):
    reg, fake, first = held
    a = reg.start(cfg(2), owner=BO)
    b = reg.start(cfg(3), owner=GUEST)
    with pytest.raises(PermissionDenied):
        reg.move_to_front(b, by=GUEST)
    reg.move_to_front(b, by=LEADER)
    assert [reg.snapshot(j).queue_position for j in (b, a)] == [1, 2]
    reg.stop(a, by=LEADER)  # cancel a queued run
    assert reg.snapshot(a).status == "stopped" and reg.snapshot(a).step == 0
    reg.stop(first, by=LEADER)  # and the running one: the moved one goes next
    fake.gate(1).set()
    fake.gate(3).set()
    assert ended(reg, b).status == "finished"
    assert fake.calls == [1, 3]


def test_a_job_keeps_at_most_the_probe_limit_each_within_its_byte_budget():
    limits = JobLimits(max_probes=8, max_probe_bytes=500)
    reg = JobRegistry(slots=1, train_fn=Fake(probe_fn=lambda: probe(heads=2, t=10)), limits=limits)
    snap = ended(reg, reg.start(replace(CFG, steps=1000, eval_every=5), owner=ANN))
    steps = sorted(snap.probes)
    assert snap.curves["eval_step"][-1] == 1000 and len(snap.curves["eval_step"]) == 200  # curves all kept
    assert 4 <= len(steps) <= 8 and steps[0] == 5 and steps[-1] == 1000
    for p in snap.probes.values():
        assert sum(w.numel() * w.element_size() for w in p.attention.values()) <= 500
        assert list(p.attention) == ["cross/0"]  # 2 x 10 x 10 float16 = 400 bytes a map; cross first


def test_a_run_past_its_roles_wall_time_is_stopped_with_a_note():
    now = [0.0]
    limits = JobLimits(roles={"guest": RoleLimits(20000, 10**6, 1e6, max_run_s=60.0)})
    reg = JobRegistry(slots=1, train_fn=Fake(delay=0.002), clock=lambda: now[0], limits=limits)
    jid = reg.start(replace(CFG, steps=20000), owner=GUEST)
    wait_until(lambda: reg.snapshot(jid).step >= 3, timeout=10, what="steps")
    now[0] += 59.0
    assert reg.snapshot(jid).status == "running"
    now[0] += 2.0
    snap = ended(reg, jid)
    assert snap.status == "stopped" and snap.step < 20000
    assert snap.error_key == "lab.job.time_limit" and snap.error_params == {"minutes": "1"}


def test_queued_jobs_hold_no_thread():
    fake = Fake(gated=True)
    reg = JobRegistry(slots=1, train_fn=fake)
    before = threading.active_count()
    ids = [reg.start(cfg(i), owner=guest(i)) for i in range(60)]
    assert threading.active_count() - before <= 1  # the one running job's thread
    assert reg.snapshot(ids[-1]).queue_position == 59
    queued = [s for s in reg.active() if s.status == "queued"]
    assert len(queued) == 59 and queued[0].eta_s is not None and queued[1].eta_s > queued[0].eta_s
    for jid in ids[1:]:
        reg.stop(jid, by=LEADER)
    fake.release_all()
    assert ended(reg, ids[0]).status == "finished"


def test_a_failure_carries_a_translation_key_and_its_detail():
    def broken(c, *, stop):
        raise ValueError("boom")
        yield

    reg = JobRegistry(slots=1, train_fn=broken)
    snap = ended(reg, reg.start(CFG, owner=ANN))
    assert snap.status == "failed" and snap.error == "ValueError: boom"
    assert snap.error_key == "lab.job.crashed" and snap.error_params == {"detail": "ValueError: boom"}
