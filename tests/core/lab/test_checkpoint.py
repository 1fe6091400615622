import io

import pytest
import torch

from core.lab.checkpoint import load_checkpoint, save_checkpoint
from core.lab.config import ConfigError, TrainConfig, replace
from core.lab.train import build


@pytest.mark.parametrize("kind", ["transformer", "lstm"])
def test_round_trip_gives_the_same_model(kind):
    cfg = replace(TrainConfig(task="translate", seed=4), **{"model.kind": kind})
    task, model = build(cfg)
    data = save_checkpoint(model, cfg)
    assert len(data) < 1_000_000  # float32 state dict, a few hundred KB
    loaded, saved_cfg = load_checkpoint(data, cfg)
    assert saved_cfg == cfg and not loaded.training
    src, tgt = task.val_batch(8)
    model.eval()
    with torch.no_grad():
        torch.testing.assert_close(loaded.greedy_decode(src, 6).tokens, model.greedy_decode(src, 6).tokens)
        torch.testing.assert_close(loaded(src, tgt[:, :-1]), model(src, tgt[:, :-1]), rtol=0, atol=0)
    # only plain data inside: loadable with weights_only=True
    payload = torch.load(io.BytesIO(data), weights_only=True)
    assert set(payload) == {"format", "config", "state_dict", "digest"} and isinstance(payload["config"], str)


def test_training_settings_may_differ_but_architecture_may_not():
    cfg = TrainConfig(steps=50)
    _, model = build(cfg)
    data = save_checkpoint(model, cfg)
    load_checkpoint(data, replace(cfg, lr=3e-3, seed=9, steps=500))  # same weights' meaning: fine
    with pytest.raises(ConfigError) as info:
        load_checkpoint(data, replace(cfg, **{"model.d_model": 32}))
    assert info.value.key == "lab.error.checkpoint_mismatch"
    assert info.value.params["fields"] == ("model.d_model",) and "(d_model)" in str(info.value)
    with pytest.raises(ConfigError, match=r"\(Task\)"):
        load_checkpoint(data, replace(cfg, task="sort"))


def test_garbage_is_refused_clearly():
    with pytest.raises(ConfigError) as info:
        load_checkpoint(b"not a checkpoint")
    assert info.value.key == "lab.error.checkpoint_foreign"
