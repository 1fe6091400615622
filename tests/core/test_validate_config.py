"""Lab config validation names every problem at once by the labels the Lab form shows (never the
internal field names), in Korean and English."""

from __future__ import annotations

import re

import pytest

from core.i18n import catalogs, translate
from core.lab.config import (
    FIELD_LABELS,
    ConfigError,
    ConfigFieldError,
    ConfigProblems,
    ModelConfig,
    TrainConfig,
    replace,
)

# internal names: those with an underscore, "lr", or a line that starts with a bare field name
INTERNAL = re.compile(
    r"\b(seq_len|vocab_size|batch_size|n_layers|n_heads|emb_dim|lr)\b|^(steps|warmup)\b", re.M
)


def test_every_problem_is_listed_at_once_by_its_form_label():
    bad = replace(TrainConfig(), steps=0, seq_len=99, vocab_size=1, **{"model.n_layers": 0})
    with pytest.raises(ConfigProblems) as info:
        bad.validate()
    err = info.value
    assert isinstance(err, ConfigError) and isinstance(err, ValueError)
    assert {p.field for p in err.problems} == {
        "lab.page.steps",
        "lab.page.seq_len",
        "lab.page.vocab_size",
        "lab.page.n_layers",
    }
    ko, en = "\n".join(err.lines("ko")), "\n".join(err.lines("en"))
    for text in (
        "학습 스텝 값은 1 이상",
        "수열 길이 값은 64 이하",
        "기호 수 값은 2 이상",
        "층 수 값은 1 이상",
    ):
        assert text in ko
    for text in ("Training steps must be at least 1", "Sequence length must be at most 64", "Symbols"):
        assert text in en
    assert not INTERNAL.search(ko) and not INTERNAL.search(en)
    assert err.message("ko").startswith("설정을 확인해 주세요(4개)")


@pytest.mark.parametrize(
    ("change", "label", "en"),
    [
        ({"model.d_model": 1024}, "lab.page.d_model", "d_model must be at most 512."),
        ({"batch_size": 5000}, "lab.page.batch_size", "Batch size must be at most 1024."),
        ({"lr": 0.0}, "lab.page.lr", "Learning rate must be above 0 and at most 1.0 (got 0.0)."),
        ({"lr": float("nan")}, "lab.page.lr", "Learning rate must be above 0"),
        ({"warmup": 400}, "lab.page.warmup", "Warm-up steps (400) cannot exceed Training steps (300)."),
        ({"task": "zebra"}, "lab.page.task", "Invalid Task: zebra"),
        ({"model.attention": "cosine"}, "lab.page.attention", "Invalid Attention: cosine"),
        ({"model.kind": "mamba"}, "lab.page.f_kind", "Invalid Model: mamba"),
        ({"model.dropout": 0.95}, "lab.page.dropout", "Dropout must be between 0 and 0.9 (got 0.95)."),
        ({"device": "tpu"}, "lab.page.col_device", "Invalid Device: tpu"),
        ({"steps": 2.5}, "lab.page.steps", "Training steps must be a whole number (got 2.5)."),
        ({"model.n_heads": 3}, "lab.page.n_heads", "Heads (3) must divide d_model (64) evenly."),
    ],
)
def test_one_problem_names_its_label_in_both_languages(change, label, en):
    with pytest.raises(ConfigFieldError) as info:
        replace(TrainConfig(), **change).validate()
    err = info.value
    assert err.field == label and en in str(err) and en in err.message("en")
    ko = err.message("ko")
    assert translate(label, "ko") in ko and "{" not in ko


def test_heads_and_warmup_need_valid_numbers_before_they_are_compared():
    with pytest.raises(ConfigProblems) as info:
        replace(TrainConfig(), steps=-1, warmup=5, **{"model.n_heads": 0}).validate()
    reasons = [p.reason_key for p in info.value.problems]
    assert "validation.lab.warmup" not in reasons and "validation.lab.heads_divide" not in reasons
    ModelConfig(kind="lstm", n_heads=3).validate()  # the RNN family ignores the heads


def test_every_setting_label_is_a_translated_label():
    from dataclasses import fields

    names = {f.name for f in fields(TrainConfig)} | {f.name for f in fields(ModelConfig)}
    assert names <= set(FIELD_LABELS)
    for key in FIELD_LABELS.values():
        assert key in catalogs()["ko"] and key in catalogs()["en"], key
