import dataclasses
import hashlib
import json
import re

import pytest

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
    assert err.key == "validation.lab.heads_divide" and err.params == {"d_model": 64, "n_heads": 3}
    assert str(err) == "Heads (3) must divide d_model (64) evenly."
    assert "나누어떨어져야" in err.message("ko")


def test_rnn_family_ignores_head_divisibility():
    ModelConfig(kind="lstm", n_heads=3).validate()


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
