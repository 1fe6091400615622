"""What a Lab worker process (core/lab/jobs/worker.py, the SQLite back end's process mode) sends
for one job, read from a real socket pair: the first step goes alone and at once, the later ones
in batches, every step once and in order before the evaluation or end that follows it."""

from __future__ import annotations

import pickle
import threading
from multiprocessing import Pipe

from core.lab.config import replace
from core.lab.jobs import worker
from core.lab.presets import tab_default

CFG = replace(tab_default("gru"), steps=40, seq_len=4, eval_every=20, probe_every=20)


def test_the_first_step_is_sent_at_once_and_later_steps_in_batches(monkeypatch):
    monkeypatch.setattr(worker, "BATCH_S", 3600.0)  # batches only where the order forces them
    parent, child = Pipe()
    job = threading.Thread(target=worker._run_one, args=(child, worker._Stop(child), CFG, 1 << 20, None))
    job.start()
    got = []
    while not got or got[-1][0] not in ("done", "error"):
        got.append(pickle.loads(parent.recv_bytes()))
    job.join(30)
    kinds = [m[0] for m in got]
    assert kinds[:4] == ["begin", "eval", "steps", "steps"], kinds
    assert [row[0] for row in got[2][1]] == [1]  # the page sees the run training at its first step
    assert [row[0] for row in got[3][1]] == list(range(2, 21))  # then batched up to the evaluation
    sent = [row[0] for m in got if m[0] == "steps" for row in m[1]]
    assert sent == list(range(1, 41)) and kinds[-1] == "done"
