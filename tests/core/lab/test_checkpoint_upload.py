"""Checkpoints back in: the weights kept at probe steps travel with the final ones (bounded), and an
uploaded file is refused with its reason when it is too large, not a Lab checkpoint, holds pickled
objects, was damaged or changed after export, or carries another or an invalid config."""

from __future__ import annotations

import io
import json
import pickle

import pytest
import torch

from core.i18n import translate
from core.lab import checkpoint
from core.lab.checkpoint import fit_states, open_checkpoint, read_probe_states, save_checkpoint
from core.lab.config import ConfigError, ModelConfig, TrainConfig, to_dict
from core.lab.introspect import MAX_STATES, ProbeStates, probe_states
from core.lab.runs import MAX_CHECKPOINT_BYTES
from core.lab.train import DoneEvent, build, train

TINY = TrainConfig(
    task="reverse",
    seq_len=5,
    steps=12,
    eval_every=3,
    probe_every=3,
    batch_size=16,
    model=ModelConfig(kind="gru", attention="dot", hidden=12, emb_dim=6),
)


@pytest.fixture(scope="module")
def trained():
    done = list(train(TINY))[-1]
    assert isinstance(done, DoneEvent)
    return done.model


def _refused(data: bytes, **kw) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        open_checkpoint(data, **kw)
    for lang in ("ko", "en"):  # a sentence in both languages, not the key
        assert not info.value.message(lang).startswith("lab.")
    return info.value


def test_a_run_keeps_its_weights_at_every_probe_step_and_the_checkpoint_carries_them(trained):
    kept = probe_states(trained)
    assert sorted(kept) == [0, 3, 6, 9, 12]
    assert all(v.dtype == torch.float16 for st in kept.values() for v in st.values())
    opened = open_checkpoint(save_checkpoint(trained, TINY), kind="gru")
    assert opened.config == TINY and sorted(opened.probe_states) == [0, 3, 6, 9, 12]
    final = {k: v.half() for k, v in trained.state_dict().items()}
    for name, v in opened.probe_states[12].items():  # the last probe is the end of training
        torch.testing.assert_close(v, final[name])
    assert not torch.equal(opened.probe_states[0]["decoder.out.weight"], final["decoder.out.weight"])
    assert sorted(read_probe_states(save_checkpoint(trained, TINY))) == [0, 3, 6, 9, 12]


def test_probe_states_are_bounded_in_number_and_in_checkpoint_bytes():
    _, model = build(TINY)
    keeper = ProbeStates()
    for step in range(0, 1000, 5):
        keeper.add(step, model)
    assert len(keeper.states) <= MAX_STATES and max(keeper.states) == 995 and min(keeper.states) == 0
    big = {s: {"w": torch.zeros(300_000, dtype=torch.float16)} for s in range(20)}  # 600 KB each
    fit = fit_states(big, MAX_CHECKPOINT_BYTES)
    assert 0 < len(fit) < 20 and 19 in fit and 0 in fit
    assert sum(v["w"].numel() * 2 for v in fit.values()) <= MAX_CHECKPOINT_BYTES
    small = ProbeStates(max_bytes=100)  # a model too large to keep whole keeps nothing or its tables
    small.add(0, model)
    assert small.states == {}


def test_oversize_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr(checkpoint, "MAX_UPLOAD_BYTES", 1000)
    err = _refused(b"PK" + b"\0" * 2000)
    assert err.key == "lab.error.checkpoint_too_large" and "1000" not in err.message("en")
    assert "0.98KB" in err.message("en") or "1KB" in err.message("en")


def test_foreign_files_are_refused():
    assert _refused(b"just some text").key == "lab.error.checkpoint_foreign"
    assert _refused(pickle.dumps({"state_dict": {}})).key == "lab.error.checkpoint_foreign"
    buf = io.BytesIO()
    torch.save({"weight": torch.zeros(3)}, buf)  # a torch file, but not ours
    assert _refused(buf.getvalue()).key == "lab.error.checkpoint_foreign"


class Evil:
    def __reduce__(self):
        return (print, ("pwned",))


def test_a_pickle_with_code_is_refused_without_running_it(capsys):
    buf = io.BytesIO()
    torch.save({"format": 1, "config": "{}", "state_dict": {"x": Evil()}}, buf)
    assert _refused(buf.getvalue()).key == "lab.error.checkpoint_unsafe"
    assert "pwned" not in capsys.readouterr().out


def test_tampered_files_are_refused(trained):
    data = bytearray(save_checkpoint(trained, TINY))
    cut = bytes(data[: len(data) // 2])
    assert _refused(cut).key in ("lab.error.checkpoint_foreign", "lab.error.checkpoint_damaged")
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0xFF  # inside the tensors' bytes
    assert _refused(bytes(flipped)).key == "lab.error.checkpoint_damaged"
    payload = torch.load(io.BytesIO(bytes(data)), weights_only=True)
    payload["state_dict"]["decoder.out.bias"] += 1.0  # edited with torch and saved again
    buf = io.BytesIO()
    torch.save(payload, buf)
    err = _refused(buf.getvalue())
    assert err.key == "lab.error.checkpoint_damaged" and "digest" in err.message("en")


def _with_config(data: bytes, change) -> bytes:
    payload = torch.load(io.BytesIO(data), weights_only=True)
    cfg = json.loads(payload["config"])
    change(cfg)
    payload["config"] = json.dumps(cfg, sort_keys=True)
    payload.pop("digest")  # an old-style file without a digest: the config checks still apply
    buf = io.BytesIO()
    torch.save(payload, buf)
    return buf.getvalue()


def test_other_or_invalid_configs_are_refused(trained):
    data = save_checkpoint(trained, TINY)
    assert _refused(data, kind="lstm").key == "lab.error.checkpoint_tab"
    assert (
        _refused(data, cfg=TrainConfig(task="sort", seq_len=5, model=TINY.model)).key
        == "lab.error.checkpoint_mismatch"
    )
    wider = _with_config(data, lambda c: c["model"].update(hidden=16))
    err = _refused(wider)
    assert err.key == "lab.error.checkpoint_mismatch"
    invalid = _with_config(data, lambda c: c["model"].update(hidden=100_000))
    err = _refused(invalid)
    assert "hidden" in err.message("en").lower() or "1024" in err.message("en")
    ok = _with_config(data, lambda c: c.update(lr=0.01))  # training settings may change
    assert open_checkpoint(ok).config.lr == 0.01


def test_messages_exist_in_both_languages():
    for key in ("too_large", "foreign", "unsafe", "damaged", "tab"):
        ko = translate(f"lab.error.checkpoint_{key}", "ko", limit="32 MB", detail="x", kind="lstm", tab="gru")
        en = translate(f"lab.error.checkpoint_{key}", "en", limit="32 MB", detail="x", kind="lstm", tab="gru")
        assert ko != en and not ko.startswith("lab.")


def test_config_round_trips_as_json(trained):
    payload = torch.load(io.BytesIO(save_checkpoint(trained, TINY)), weights_only=True)
    assert json.loads(payload["config"]) == to_dict(TINY)
