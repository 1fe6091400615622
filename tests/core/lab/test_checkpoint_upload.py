"""Checkpoints back in: the weights kept at probe steps travel with the final ones (bounded), and an
uploaded file is refused with its reason when it is too large, not a Lab checkpoint, holds pickled
objects, was damaged or changed after export, or carries another or an invalid config; each
reason in plain words in both languages (tab and setting names as the Lab shows them)."""

from __future__ import annotations

import io
import json
import logging
import pickle
import zipfile

import pytest
import torch

from core.i18n import translate
from core.lab import checkpoint
from core.lab.checkpoint import fit_states, open_checkpoint, read_probe_states, save_checkpoint
from core.lab.config import ConfigError, ModelConfig, TrainConfig, replace, to_dict
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


def test_tampered_files_are_refused_in_plain_words(trained, caplog):
    data = bytearray(save_checkpoint(trained, TINY))
    cut = bytes(data[: len(data) // 2])
    assert _refused(cut).key in ("lab.error.checkpoint_foreign", "lab.error.checkpoint_unreadable")
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0xFF  # inside the tensors' bytes
    assert _refused(bytes(flipped)).key == "lab.error.checkpoint_damaged"
    payload = torch.load(io.BytesIO(bytes(data)), weights_only=True)
    payload["state_dict"]["decoder.out.bias"] += 1.0  # edited with torch and saved again
    buf = io.BytesIO()
    torch.save(payload, buf)
    with caplog.at_level(logging.INFO, logger="core.lab.checkpoint"):
        err = _refused(buf.getvalue())
    assert err.key == "lab.error.checkpoint_damaged"
    assert "changed or damaged after export (its checksum does not match" in err.message("en")
    assert "내보낸 뒤 파일이 바뀌었거나 손상되었습니다(체크섬이 내용과 맞지 않습니다)" in err.message("ko")
    assert "digest" in caplog.text  # the technical reason is for the log, not the screen
    for lang in ("ko", "en"):
        assert "digest" not in err.message(lang)


def _saved(payload: dict) -> bytes:
    buf = io.BytesIO()
    torch.save(payload, buf)
    return buf.getvalue()


def test_unreadable_contents_are_refused_without_exception_names(trained):
    not_torch = io.BytesIO()
    with zipfile.ZipFile(not_torch, "w") as z:  # a zip, but not one torch.save wrote
        z.writestr("notes.txt", "hello")
    bad_probes = torch.load(io.BytesIO(save_checkpoint(trained, TINY)), weights_only=True)
    bad_probes["probe_states"] = {"three": {}}
    not_json = torch.load(io.BytesIO(save_checkpoint(trained, TINY)), weights_only=True)
    not_json["config"] = "{not json"
    not_json.pop("digest")
    cases = [
        (not_torch.getvalue(), "lab.error.checkpoint_unreadable", "cannot be unpacked", "풀 수 없습니다"),
        (_saved(bad_probes), "lab.error.checkpoint_unreadable", "cannot be unpacked", "풀 수 없습니다"),
        (
            _saved(not_json),
            "lab.error.checkpoint_invalid",
            "not a checkpoint of this app",
            "체크포인트가 아닙니다",
        ),
    ]
    for data, key, en, ko in cases:
        err = _refused(data)
        assert err.key == key and en in err.message("en") and ko in err.message("ko"), key
        for lang in ("ko", "en"):
            text = err.message(lang)
            assert not any(n in text for n in ("Error", "probe_states", "JSON", "Exception")), text


def _with_config(data: bytes, change) -> bytes:
    payload = torch.load(io.BytesIO(data), weights_only=True)
    cfg = json.loads(payload["config"])
    change(cfg)
    payload["config"] = json.dumps(cfg, sort_keys=True)
    payload.pop("digest")  # an old-style file without a digest: the config checks still apply
    return _saved(payload)


def test_other_or_invalid_configs_are_refused(trained):
    data = save_checkpoint(trained, TINY)
    other = _refused(data, cfg=TrainConfig(task="sort", seq_len=5, model=TINY.model))
    assert other.key == "lab.error.checkpoint_mismatch" and other.params["fields"] == ("task",)
    wider = _with_config(data, lambda c: c["model"].update(hidden=16))
    err = _refused(wider)  # the config says 16 units, the weights have 12
    assert err.key == "lab.error.checkpoint_weights" and "state_dict" not in err.message("en")
    invalid = _with_config(data, lambda c: c["model"].update(hidden=100_000))
    err = _refused(invalid)
    assert "hidden" in err.message("en").lower() or "1024" in err.message("en")
    ok = _with_config(data, lambda c: c.update(lr=0.01))  # training settings may change
    assert open_checkpoint(ok).config.lr == 0.01


def test_another_tab_is_named_as_the_lab_labels_its_tab(trained):
    err = _refused(save_checkpoint(trained, TINY), kind="lstm")
    assert err.key == "lab.error.checkpoint_tab"
    assert err.message("en") == "This checkpoint is a GRU model. Open it in the GRU tab (this tab: LSTM)."
    assert err.message("ko") == "이 체크포인트는 GRU 모델입니다. GRU 탭에서 열어 주세요(지금 탭: LSTM)."


def test_differing_settings_are_named_by_the_forms_labels(trained):
    cfg = replace(TINY, seq_len=6, **{"model.hidden": 16})
    err = _refused(save_checkpoint(trained, TINY), cfg=cfg)
    assert err.params["fields"] == ("seq_len", "model.hidden")  # ids for code; labels for people
    assert "(Sequence length, Hidden size)" in err.message("en") and str(err) == err.message("en")
    assert "(수열 길이, 은닉 크기)" in err.message("ko")
    for lang in ("ko", "en"):
        assert "seq_len" not in err.message(lang) and "model." not in err.message(lang)


def test_messages_exist_in_both_languages():
    keys = (
        "too_large",
        "foreign",
        "unsafe",
        "damaged",
        "unreadable",
        "weights",
        "invalid",
        "tab",
        "mismatch",
    )
    for key in keys:
        ko = translate(f"lab.error.checkpoint_{key}", "ko", limit="32 MB", kind="LSTM", tab="GRU", fields="x")
        en = translate(f"lab.error.checkpoint_{key}", "en", limit="32 MB", kind="LSTM", tab="GRU", fields="x")
        assert ko != en and not ko.startswith("lab.") and "{" not in ko + en, key


def test_config_round_trips_as_json(trained):
    payload = torch.load(io.BytesIO(save_checkpoint(trained, TINY)), weights_only=True)
    assert json.loads(payload["config"]) == to_dict(TINY)
