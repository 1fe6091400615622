"""A finished job's checkpoint goes from its worker process to the stored run as the same bytes:
no bytes -> model -> bytes round trip in the server process."""

from __future__ import annotations

import threading

import pytest
import torch

import core.lab.checkpoint as checkpoint
from core.lab import runs as lab_runs
from core.lab.config import ModelConfig, TrainConfig
from core.lab.jobs.registry import JobRegistry
from core.lab.snapshots import record_of_snapshot, view_of_snapshot
from core.lab.train import train

pytestmark = (
    pytest.mark.slow
)  # starts a worker process (a fresh interpreter importing torch), like the other process-mode job tests

CFG = TrainConfig(
    task="reverse",
    seq_len=4,
    vocab_size=6,
    steps=20,
    eval_every=10,
    probe_every=10,
    seed=3,
    model=ModelConfig(kind="lstm", emb_dim=8, hidden=16, n_layers=1, attention="dot"),
)


@pytest.fixture(scope="module")
def worker_snapshot():
    """The snapshot a worker-process job hands to on_done (trained once for the module)."""
    got, done = {}, threading.Event()

    def on_done(job_id, snap):
        got["snap"] = snap
        done.set()

    reg = JobRegistry(slots=1, mode="process", threads_per_job=1, prewarm=False, on_done=on_done)
    try:
        reg.start(CFG)
        assert done.wait(60), "the worker job did not end within 60 s"
    finally:
        reg.close()
    return got["snap"]


def test_stored_checkpoint_is_the_workers_bytes(db, worker_snapshot, monkeypatch):
    snap = worker_snapshot
    assert snap.status == "finished" and snap.checkpoint
    # Serialising a model in this process now fails: the record must carry the worker's bytes.
    monkeypatch.setattr(checkpoint, "save_checkpoint", lambda *a, **k: pytest.fail("re-serialised"))
    record = record_of_snapshot(CFG, snap)
    assert record.checkpoint is snap.checkpoint
    assert view_of_snapshot("job", snap).checkpoint is snap.checkpoint  # the page's download too
    with db.write() as s:
        rid = lab_runs.store_run(session=s, by=None, record=record).id
    with db.read() as s:
        assert lab_runs.checkpoint_bytes(session=s, run_id=rid) == snap.checkpoint


def test_worker_bytes_hold_the_trained_weights(worker_snapshot):
    model, saved = checkpoint.load_checkpoint(worker_snapshot.checkpoint, CFG)
    assert saved == CFG
    bare = list(train(CFG))[-1].model  # same seed, one thread: the same weights
    for name, weights in bare.state_dict().items():
        torch.testing.assert_close(model.state_dict()[name], weights, rtol=0, atol=0)
