import dataclasses
import hashlib
import json
import re

import pytest

from core.i18n import translate
from core.lab.catalog.engine import EN, KO
from core.lab.config import ConfigError, ModelConfig, TrainConfig, config_hash, from_dict, replace, to_dict


def test_defaults_are_valid():
    cfg = TrainConfig()
    assert cfg.validate() is cfg
    assert cfg.model.kind == "transformer" and cfg.model.d_model == 64 and cfg.lr == 1e-3


def test_heads_must_divide_d_model_with_translatable_error():
    with pytest.raises(ConfigError) as info:
        TrainConfig(model=ModelConfig(n_heads=3)).validate()
    err = info.value
    assert isinstance(err, ValueError)
    assert err.key == "lab.error.heads_divide" and err.params == {"d_model": 64, "n_heads": 3}
    assert str(err) == "d_model (64) must be divisible by the number of heads (3)."
    assert "나누어떨어져야" in translate(err.key, "ko", **err.params)


def test_rnn_family_ignores_head_divisibility():
    ModelConfig(kind="lstm", n_heads=3).validate()


@pytest.mark.parametrize(
    ("change", "key", "text"),
    [
        ({"model.d_model": 1024}, "lab.error.max", "d_model must be at most 512"),
        ({"model.n_layers": 0}, "lab.error.min", "n_layers must be at least 1"),
        ({"seq_len": 65}, "lab.error.max", "seq_len must be at most 64"),
        ({"steps": 0}, "lab.error.min", "steps must be at least 1"),
        ({"batch_size": 5000}, "lab.error.max", "batch_size must be at most 1024"),
        ({"vocab_size": 37}, "lab.error.max", "vocab_size must be at most 36"),
        ({"lr": 0.0}, "lab.error.lr", "above 0"),
        ({"lr": -1e-3}, "lab.error.lr", "above 0"),
        ({"lr": 5.0}, "lab.error.lr", "at most 1.0"),
        ({"lr": float("nan")}, "lab.error.lr", "above 0"),
        ({"warmup": 400}, "lab.error.warmup", "cannot exceed"),
        ({"task": "zebra"}, "lab.error.unknown_task", "Unknown task: zebra"),
        ({"model.kind": "mamba"}, "lab.error.unknown_kind", "Unknown model kind: mamba"),
        ({"model.attention": "cosine"}, "lab.error.unknown_attention", "Unknown attention: cosine"),
        ({"model.norm": "mid"}, "lab.error.unknown_choice", "Invalid norm: mid"),
        ({"model.dropout": 0.95}, "lab.error.dropout", "dropout must be between 0 and 0.9"),
        ({"device": "tpu"}, "lab.error.unknown_choice", "Invalid device: tpu"),
        ({"steps": 2.5}, "lab.error.not_int", "steps must be a whole number"),
    ],
)
def test_invalid_configs_name_the_problem(change, key, text):
    with pytest.raises(ConfigError) as info:
        replace(TrainConfig(), **change).validate()
    assert info.value.key == key
    assert text in str(info.value)
    # Korean text exists and its placeholders were filled
    ko = info.value.message("ko")
    assert ko != key and "{" not in ko


def test_round_trip_and_hash():
    cfg = replace(TrainConfig(task="recall", seq_len=21), **{"model.kind": "gru", "model.attention": "none"})
    d = to_dict(cfg)
    assert d["model"]["kind"] == "gru"
    assert from_dict(d) == cfg
    assert config_hash(cfg) == config_hash(from_dict(d))
    assert re.fullmatch(r"[0-9a-f]{64}", config_hash(cfg))
    assert config_hash(cfg) != config_hash(dataclasses.replace(cfg, seed=1))
    # the canonical form is sorted compact JSON, so the hash does not depend on dict order
    canon = json.dumps(d, sort_keys=True, separators=(",", ":"))
    assert config_hash(cfg) == hashlib.sha256(canon.encode()).hexdigest()


def test_from_dict_refuses_unknown_fields():
    d = to_dict(TrainConfig())
    d["model"]["width"] = 3
    with pytest.raises(ConfigError) as info:
        from_dict(d)
    assert info.value.key == "lab.error.unknown_fields" and "model.width" in str(info.value)


def test_catalogs_match():
    assert set(KO) == set(EN)
    assert all(k.startswith("lab.") for k in KO)
    for k in KO:
        assert set(re.findall(r"{(\w+)}", KO[k])) == set(re.findall(r"{(\w+)}", EN[k])), k
