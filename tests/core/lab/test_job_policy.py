"""The queue's rules as pure functions (core/lab/jobs/policy.py): who may stop or reorder, where a
leader's run goes, the limits per role with their translated messages, the work estimate, probe
thinning and a probe's byte bound, and the settings read from the environment."""

from __future__ import annotations

import pytest
import torch

from core.errors import PermissionDenied
from core.lab.config import ModelConfig, TrainConfig, replace
from core.lab.jobs.policy import (
    JobLimits,
    JobRefused,
    Participant,
    ProbeKeeper,
    RoleLimits,
    admit,
    bound_probe,
    estimate,
    insert_at,
    may_control,
    require_control,
    require_leader,
)
from core.lab.jobs.registry import count_params
from core.lab.models import DecodeResult
from core.lab.presets import tab_default

LEADER = Participant("member:1", "leader", "Lee")
ANN = Participant("member:2", "member", "Ann")
BO = Participant("member:3", "member", "Bo")
GUEST = Participant("guest:" + "a" * 32, "guest")
LIMITS = JobLimits()
SMALL = tab_default("transformer")
# The largest config the form allows (core/lab/config.py MODEL_LIMITS / TRAIN_LIMITS).
LARGEST = TrainConfig(
    task="sort",
    seq_len=64,
    vocab_size=36,
    steps=20000,
    batch_size=1024,
    model=ModelConfig(kind="transformer", d_model=512, n_layers=6, n_heads=16, d_ff=2048),
)


def refusal(**kw) -> JobRefused:
    cfg = kw.pop("cfg", SMALL)
    n = count_params(cfg)
    kw.setdefault("active", [])
    with pytest.raises(JobRefused) as info:
        admit(cfg=cfg, cost=estimate(cfg, n), n_params=n, limits=kw.pop("limits", LIMITS), **kw)
    return info.value


def test_only_the_owner_or_a_leader_controls_a_job():
    assert may_control(ANN, ANN) and may_control(LEADER, ANN) and may_control(LEADER, GUEST)
    assert may_control(GUEST, GUEST) and may_control(None, ANN)  # None: the server itself
    assert not may_control(BO, ANN) and not may_control(GUEST, ANN) and not may_control(ANN, GUEST)
    assert not may_control(Participant("guest:" + "b" * 32, "guest"), GUEST)
    with pytest.raises(PermissionDenied) as info:
        require_control(BO, ANN)
    assert info.value.key == "lab.job.not_yours" and "leader" in str(info.value)
    assert "스터디장" in info.value.message("ko")
    with pytest.raises(PermissionDenied):
        require_leader(ANN)
    require_leader(LEADER)


def test_a_leaders_run_goes_ahead_of_everyone_elses_but_behind_earlier_leaders():
    queue = [LEADER, ANN, GUEST, BO]
    assert insert_at(queue, LEADER) == 1
    assert insert_at([ANN, GUEST], LEADER) == 0
    assert insert_at([LEADER, LEADER], LEADER) == 2
    assert insert_at(queue, ANN) == 4 and insert_at(queue, GUEST) == 4


def test_guests_get_smaller_limits_than_members_and_the_message_names_them():
    g, m = LIMITS.of("guest"), LIMITS.of("member")
    assert g.max_steps < m.max_steps and g.max_params < m.max_params and g.max_tflop < m.max_tflop
    err = refusal(who=GUEST, cfg=replace(SMALL, steps=g.max_steps + 1))
    assert err.key == "lab.job.too_many_steps"
    assert str(err) == f"Guests may train for at most {g.max_steps} steps (you asked for {g.max_steps + 1})."
    assert err.message("ko").startswith("게스트은(는) 학습 스텝을 2000 이하로")
    admit(
        who=ANN,
        cfg=replace(SMALL, steps=g.max_steps + 1),
        cost=estimate(SMALL, 1),
        n_params=1,
        active=[],
        limits=LIMITS,
    )  # a member may
    big = replace(SMALL, **{"model.d_model": 256, "model.d_ff": 1024, "model.n_layers": 3})
    err = refusal(who=GUEST, cfg=big)
    assert err.key == "lab.job.too_big" and "at most 500,000 parameters" in str(err)


def test_a_run_over_its_compute_budget_is_refused_before_it_starts():
    heavy = replace(SMALL, steps=2000, batch_size=1024, seq_len=64)
    err = refusal(who=GUEST, cfg=heavy)
    assert err.key == "lab.job.too_much_work"
    assert "Guests may use at most 20 TFLOP" in str(err) and "TFLOP" in err.message("ko")
    err = refusal(who=ANN, cfg=LARGEST)  # the largest config the form allows
    assert err.key == "lab.job.too_big"
    err = refusal(who=LEADER, cfg=LARGEST)
    assert err.key == "lab.job.too_much_work" and "Leaders may use at most 1,000 TFLOP" in str(err)


def test_one_queued_run_per_participant_and_a_queue_cap():
    active = [(ANN, "running"), (ANN, "queued")]
    err = refusal(who=ANN, active=active)
    assert err.key == "lab.job.one_queued" and "at most 1 per person" in str(err)
    admit(who=BO, cfg=SMALL, cost=estimate(SMALL, 1), n_params=1, active=active, limits=LIMITS)
    admit(who=ANN, cfg=SMALL, cost=estimate(SMALL, 1), n_params=1, active=[(ANN, "running")], limits=LIMITS)
    full = [(Participant(f"guest:{i}", "guest"), "queued") for i in range(64)]
    err = refusal(who=LEADER, active=full)
    assert err.key == "lab.job.queue_full" and "(64 runs waiting)" in str(err)
    err = refusal(who=None, active=full)  # the server itself too
    assert err.key == "lab.job.queue_full"


def test_the_estimate_grows_with_steps_batch_and_model_and_names_the_largest_job():
    n = count_params(SMALL)
    base = estimate(SMALL, n)
    assert estimate(replace(SMALL, steps=SMALL.steps * 2), n).flops == pytest.approx(2 * base.flops)
    assert estimate(replace(SMALL, batch_size=128), n).flops == pytest.approx(2 * base.flops)
    nl = count_params(LARGEST)
    big = estimate(LARGEST, nl)
    assert nl > 40_000_000 and big.tflop > 1e5 and big.memory_bytes > 2e9
    rnn = tab_default("lstm")
    assert 0 < estimate(rnn, count_params(rnn)).seconds < 60  # a default run is a short demo


def test_limits_come_from_the_environment_and_a_bad_value_names_itself():
    lim = JobLimits.from_env(
        {
            "STUDY_LAB_GUEST_MAX_STEPS": "500",
            "STUDY_LAB_MAX_QUEUED": "8",
            "STUDY_LAB_MEMBER_MAX_TFLOP": "50.5",
        }
    )
    assert lim.of("guest").max_steps == 500 and lim.max_queued == 8 and lim.of("member").max_tflop == 50.5
    assert lim.of("leader") == JobLimits().of("leader") and lim.of("stranger") == lim.of("guest")
    with pytest.raises(ValueError, match="STUDY_LAB_GUEST_MAX_STEPS must be a positive number, not 'lots'"):
        JobLimits.from_env({"STUDY_LAB_GUEST_MAX_STEPS": "lots"})
    with pytest.raises(ValueError, match="STUDY_LAB_MAX_QUEUED"):
        JobLimits.from_env({"STUDY_LAB_MAX_QUEUED": "0"})
    custom = JobLimits(roles={"guest": RoleLimits(10, 10, 1.0)})
    assert custom.of("member").max_steps == 10


def test_probes_are_thinned_to_evenly_spaced_ones_and_the_newest():
    keeper = ProbeKeeper(32)
    kept: set[int] = set()
    for step in range(0, 10_000, 10):  # 1,000 probes
        kept.add(step)
        kept -= set(keeper.add(step))
        assert len(kept) <= 32 and sorted(kept) == keeper.steps
    steps = keeper.steps
    assert steps[0] == 0 and steps[-1] == 9990  # the first and the newest stay
    gaps = {b - a for a, b in zip(steps[:-2], steps[1:-1], strict=True)}
    assert len(gaps) == 1 and len(steps) >= 16  # evenly spaced, and never fewer than half the limit


def test_a_probe_keeps_float16_maps_within_its_byte_budget_cross_attention_first():
    att = {f"{k}/{i}": torch.rand(1, 16, 66, 66) for k in ("cross", "enc_self", "dec_self") for i in range(6)}
    res = DecodeResult(torch.zeros(1, 66, dtype=torch.long), att)
    assert sum(w.numel() * 4 for w in att.values()) > 4_000_000  # 4.8 MB before
    out = bound_probe(res, 256 * 1024)
    size = sum(w.numel() * w.element_size() for w in out.attention.values())
    assert size <= 256 * 1024 and all(w.dtype == torch.float16 for w in out.attention.values())
    assert "cross/0" in out.attention and not any(n.startswith("enc_self") for n in out.attention)
    small = bound_probe(DecodeResult(res.tokens, {"cross": torch.rand(1, 1, 5, 5)}), 256 * 1024)
    assert list(small.attention) == ["cross"] and bound_probe(None, 10) is None


def test_many_small_heads_cost_what_they_take_and_a_guest_cannot_start_the_slowest():
    # measured: d_model 16, 5 layers, T 48, batch 128 took 0.07 s a step with 1 head, 1.17 s with 16
    many = replace(
        SMALL,
        steps=2000,
        seq_len=48,
        batch_size=128,
        **{"model.d_model": 16, "model.n_layers": 5, "model.n_heads": 16, "model.d_ff": 64},
    )
    one = replace(many, **{"model.n_heads": 1})
    n = count_params(many)
    assert estimate(many, n).seconds > 8 * estimate(one, count_params(one)).seconds
    assert estimate(many, n).seconds / many.steps > 0.5  # within 2-3x of the 1.17 s measured
    assert refusal(who=GUEST, cfg=many).key == "lab.job.too_much_work"
