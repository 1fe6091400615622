"""Stored Lab runs: bounded sizes, filters, replay lookup, permissions, exports (both back ends)."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest

from core.errors import NotFound, PermissionDenied, StaleEdit
from core.lab import runs as lab_runs
from core.lab.config import ModelConfig, TrainConfig, config_hash, from_dict, to_dict
from core.lab.runs import RunRecord
from db.base import utcnow
from tests.support.factories import make_leader, make_member


def _record(kind="transformer", task="reverse", seed=0, status="finished", steps=30, **extra) -> RunRecord:
    cfg = TrainConfig(task=task, seed=seed, steps=steps, model=ModelConfig(kind=kind))
    curves = {
        "step": list(range(1, steps + 1)),
        "loss": [2.0 / s for s in range(1, steps + 1)],
        "token_acc": [s / steps for s in range(1, steps + 1)],
        "grad_norm": [1.0] * steps,
        "lr": [1e-3] * steps,
        "eval_step": [0, steps],
        "val_loss": [2.5, 0.1],
        "val_token_acc": [0.1, 0.9],
        "val_seq_acc": [0.0, float("nan")],
    }
    return RunRecord(
        config=to_dict(cfg),
        status=status,
        step=steps,
        metrics={"val_token_acc": 0.9, "val_seq_acc": 0.5, "train_loss": float("inf")},
        curves=curves,
        device="cpu",
        duration_s=1.5,
        n_params=1234,
        **extra,
    )


def test_store_and_get_roundtrip(db):
    member = make_member(db)
    with db.write() as s:
        run = lab_runs.store_run(session=s, by=member, record=_record(checkpoint=b"abc"), title="첫 실행")
        rid = run.id
    with db.read() as s:
        run = lab_runs.get_run(session=s, run_id=rid)
        ckpt = lab_runs.checkpoint_bytes(session=s, run_id=rid)
    assert (run.kind, run.task, run.status, run.seed, run.title) == (
        "transformer",
        "reverse",
        "finished",
        0,
        "첫 실행",
    )
    assert run.created_by_id == member.id and run.n_params == 1234 and run.device == "cpu"
    assert from_dict(run.config) == TrainConfig(steps=30)
    assert run.config_hash == config_hash(TrainConfig(steps=30))
    # NaN / inf are not valid JSON: stored as null so PostgreSQL accepts them
    assert run.metrics["train_loss"] is None and run.curves["val_seq_acc"][-1] is None
    assert ckpt == b"abc"


def test_guest_run_has_no_owner_and_oversized_checkpoint_is_dropped(db):
    big = b"x" * (lab_runs.MAX_CHECKPOINT_BYTES + 1)
    with db.write() as s:
        rid = lab_runs.store_run(session=s, by=None, record=_record(checkpoint=big)).id
    with db.read() as s:
        assert lab_runs.get_run(session=s, run_id=rid).created_by_id is None
        assert lab_runs.checkpoint_bytes(session=s, run_id=rid) is None


def test_curves_are_decimated_with_ends_kept():
    n = 5000
    curves = {
        "step": list(range(1, n + 1)),
        "loss": [float(i) for i in range(n)],
        "eval_step": list(range(0, n + 1, 5)),
        "val_loss": [1.0] * (n // 5 + 1),
    }
    out = lab_runs.decimate(curves)
    assert len(out["step"]) <= lab_runs.MAX_CURVE_POINTS and out["step"][0] == 1 and out["step"][-1] == n
    assert len(out["loss"]) == len(out["step"])
    assert len(out["eval_step"]) <= lab_runs.MAX_EVAL_POINTS and out["eval_step"][-1] == n


def test_probe_snapshots_are_thinned_to_the_budget():
    snap = lambda step: {"step": step, "tokens": ["a"], "attention": {"cross/0": [[[0.5] * 10] * 10] * 2}}  # noqa: E731
    probes = {"src": ["a"] * 10, "snapshots": [snap(s) for s in range(100)]}
    out = lab_runs.thin_probes(probes, max_snapshots=8, max_floats=10_000)
    steps = [p["step"] for p in out["snapshots"]]
    assert len(steps) <= 8 and steps[0] == 0 and steps[-1] == 99
    tight = lab_runs.thin_probes(probes, max_floats=450)  # 200 floats each -> 2 fit
    assert [p["step"] for p in tight["snapshots"]] == [0, 99]
    huge = {"snapshots": [{"step": 1, "attention": {"enc_self/0": [[0.1] * 300], "cross/0": [[0.2] * 300]}}]}
    kept = lab_runs.thin_probes(huge, max_floats=400)["snapshots"]
    assert list(kept[0]["attention"]) == ["cross/0"]  # cross-attention is what a seminar looks at first


def test_filters_and_replay_lookup(db):
    leader = make_leader(db)
    member = make_member(db, by=leader)
    with db.write() as s:
        lab_runs.store_run(session=s, by=member, record=_record("lstm", "recall"))
        lab_runs.store_run(session=s, by=None, record=_record("rnn", "recall", status="diverged"))
        lab_runs.store_run(session=s, by=leader, record=_record("transformer", "reverse", seed=1))
        stopped = lab_runs.store_run(
            session=s, by=leader, record=_record("transformer", "reverse", seed=2, status="stopped")
        ).id
    with db.read() as s:
        kinds = lambda **f: sorted(r.kind for r in lab_runs.list_runs(session=s, **f))  # noqa: E731
        assert kinds(task="recall") == ["lstm", "rnn"]
        assert kinds(status="diverged") == ["rnn"]
        assert kinds(who="guest") == ["rnn"]
        assert kinds(who=member.id) == ["lstm"]
        assert kinds(kind="transformer", who=leader.id) == ["transformer", "transformer"]
        assert kinds(since=utcnow() + timedelta(hours=1)) == []
        assert len(lab_runs.list_runs(session=s, until=utcnow() + timedelta(hours=1))) == 4
        cfg1 = TrainConfig(seed=1, steps=30)
        hit = lab_runs.find_replay(session=s, config_hash=config_hash(cfg1), seed=1)
        assert hit is not None and hit.seed == 1
        # a stopped run is not a result to replay
        cfg2 = TrainConfig(seed=2, steps=30)
        assert lab_runs.find_replay(session=s, config_hash=config_hash(cfg2), seed=2) is None
        assert lab_runs.get_run(session=s, run_id=stopped).status == "stopped"


def test_delete_owner_or_leader_only(db):
    leader = make_leader(db)
    alice = make_member(db, "alice", by=leader)
    bob = make_member(db, "bob", by=leader)
    with db.write() as s:
        mine = lab_runs.store_run(session=s, by=alice, record=_record()).id
        guest = lab_runs.store_run(session=s, by=None, record=_record()).id
    for who, rid in ((bob, mine), (None, mine), (alice, guest), (None, guest)):
        with pytest.raises(PermissionDenied), db.write() as s:
            lab_runs.delete_run(session=s, by=who, run_id=rid)
    with db.write() as s:
        lab_runs.delete_run(session=s, by=alice, run_id=mine)
        lab_runs.delete_run(session=s, by=leader, run_id=guest)
    with db.read() as s:
        assert lab_runs.list_runs(session=s) == []
        with pytest.raises(NotFound):
            lab_runs.get_run(session=s, run_id=mine)


def test_title_edit_is_version_checked(db):
    alice = make_member(db, "alice")
    with db.write() as s:
        run = lab_runs.store_run(session=s, by=alice, record=_record())
        rid, v = run.id, run.version
    with db.write() as s:
        lab_runs.update_run(session=s, by=alice, run_id=rid, expected_version=v, title="A", notes="n")
    with pytest.raises(StaleEdit), db.write() as s:
        lab_runs.update_run(session=s, by=alice, run_id=rid, expected_version=v, title="B", notes="")
    with db.read() as s:
        assert lab_runs.get_run(session=s, run_id=rid).title == "A"


def test_exports(db):
    with db.write() as s:
        run = lab_runs.store_run(session=s, by=None, record=_record(steps=5))
    cfg = json.loads(lab_runs.export_config_json(run))
    assert from_dict(cfg) == TrainConfig(steps=5)
    rows = list(csv.DictReader(io.StringIO(lab_runs.export_metrics_csv(run))))
    assert [r["step"] for r in rows] == ["0", "1", "2", "3", "4", "5"]
    assert rows[0]["loss"] == "" and rows[0]["val_loss"] == "2.5"  # the untrained evaluation
    assert rows[-1]["val_token_acc"] == "0.9" and rows[-1]["val_seq_acc"] == ""
    assert float(rows[1]["loss"]) == pytest.approx(2.0)


def test_guests_see_that_a_member_made_a_run_but_not_who(db):
    leader = make_leader(db)
    member = make_member(db, by=leader)
    with db.read() as s:
        assert lab_runs.creator_names(session=s, by=None) == {leader.id: None, member.id: None}
        assert lab_runs.creator_names(session=s, by=member)[leader.id] == leader.display_name
