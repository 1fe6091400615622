import math
import threading

import pytest
import torch

from core.lab.config import TrainConfig, replace
from core.lab.models import make_model
from core.lab.tasks import UnknownTokens, make_task
from core.lab.train import DoneEvent, EvalEvent, StepEvent, lr_at, predict, train

SMALL = {"model.d_model": 32, "model.d_ff": 64, "model.hidden": 32, "model.emb_dim": 16}


def run(**kw):
    return list(train(replace(TrainConfig(steps=20, eval_every=10, probe_every=10), **{**SMALL, **kw})))


def losses(events):
    return [e.loss for e in events if isinstance(e, StepEvent)]


@pytest.mark.parametrize("kind", ["transformer", "gru"])
def test_same_seed_same_losses(kind):
    a, b = run(**{"model.kind": kind}), run(**{"model.kind": kind})
    assert losses(a) == losses(b) and len(losses(a)) == 20
    assert losses(run(**{"model.kind": kind, "seed": 1})) != losses(a)
    assert a[-1].metrics["val_token_acc"] == b[-1].metrics["val_token_acc"]


def test_event_stream_shape():
    events = run()
    steps = [e for e in events if isinstance(e, StepEvent)]
    evals = [e for e in events if isinstance(e, EvalEvent)]
    done = events[-1]
    assert [s.step for s in steps] == list(range(1, 21))
    assert [e.step for e in evals] == [0, 10, 20]
    assert isinstance(done, DoneEvent) and done.status == "finished" and done.step == 20
    assert {"val_loss", "val_token_acc", "val_seq_acc", "steps_per_s", "duration_s"} <= set(done.metrics)
    assert done.metrics["val_token_acc"] == evals[-1].val_token_acc
    assert done.n_params == sum(p.numel() for p in done.model.parameters()) and done.device == "cpu"
    assert steps[-1].loss < steps[0].loss  # it learns
    assert all(0.0 <= s.token_acc <= 1.0 and s.grad_norm > 0 and s.elapsed_s > 0 for s in steps)
    # the probe replays: same maps with the same shapes at every eval, detached on the CPU
    shapes = [{k: tuple(v.shape) for k, v in e.probe.attention.items()} for e in evals]
    assert shapes[0] == shapes[-1] and len(shapes[0]) == 6
    assert all(not v.requires_grad and v.device.type == "cpu" for v in evals[-1].probe.attention.values())
    assert not torch.equal(evals[0].probe.attention["cross/1"], evals[-1].probe.attention["cross/1"])


def test_warmup_is_linear_then_constant():
    cfg = TrainConfig(lr=1e-3, warmup=4)
    assert [lr_at(cfg, s) for s in (1, 2, 3, 4, 5, 100)] == pytest.approx(
        [2.5e-4, 5e-4, 7.5e-4, 1e-3, 1e-3, 1e-3]
    )
    events = run(warmup=4, steps=6)
    assert [e.lr for e in events if isinstance(e, StepEvent)] == pytest.approx(
        [2.5e-4, 5e-4, 7.5e-4, 1e-3, 1e-3, 1e-3]
    )


@pytest.mark.parametrize("kind", ["transformer", "rnn"])
def test_divergence_ends_the_run_with_its_step(kind):
    events = list(train(replace(TrainConfig(steps=100, lr=1.0, eval_every=50), **{"model.kind": kind})))
    done = events[-1]
    steps = losses(events)
    assert done.status == "diverged" and done.step == len(steps) < 100
    assert not math.isfinite(steps[-1]) or steps[-1] > 10 * steps[0]
    assert all(s <= 10 * steps[0] for s in steps[:-1])


def test_stop_ends_within_one_step():
    stop = threading.Event()
    seen = []
    for ev in train(replace(TrainConfig(steps=200, eval_every=100), **SMALL), stop=stop):
        seen.append(ev)
        if isinstance(ev, StepEvent) and ev.step == 5:
            stop.set()
    done = seen[-1]
    assert done.status == "stopped" and done.step == 5
    assert max(e.step for e in seen if isinstance(e, StepEvent)) == 5
    assert isinstance(seen[-2], EvalEvent) and seen[-2].step == 5  # final metrics still measured
    assert math.isfinite(done.metrics["val_token_acc"])


def test_stop_from_another_thread():
    """A stop set by another thread (a page's Stop) ends the run at its next step. Set once step 3
    is out, not after a fixed time: a fresh process's first step can take longer than any guess."""
    stop = threading.Event()
    events = []
    for ev in train(replace(TrainConfig(steps=20000, eval_every=1000), **SMALL), stop=stop):
        events.append(ev)
        if isinstance(ev, StepEvent) and ev.step == 3:
            setter = threading.Thread(target=stop.set)
            setter.start()
            setter.join()
    done = events[-1]
    assert done.status == "stopped" and done.step in (3, 4)


def test_predict_answers_and_refuses_unknown_tokens():
    task = make_task("reverse", 6, 5)
    torch.manual_seed(0)
    model = make_model(TrainConfig().model, len(task.src_vocab), len(task.tgt_vocab))
    text, res = predict(model, task, "0 1 2 3")
    assert res.tokens.shape[0] == 1 and res.tokens.shape[1] <= 5  # answer + EOS at most
    assert set(text.split()) <= set("01234")
    assert res.attention["cross/0"].shape[-1] == 4
    with pytest.raises(UnknownTokens) as info:
        predict(model, task, "0 1 9")
    assert info.value.key == "lab.error.unknown_tokens" and "Allowed tokens: 0 1 2 3 4" in str(info.value)
