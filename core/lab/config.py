"""Frozen run configs for the Model Lab, their validation, (de)serialisation and a stable hash.

`validate()` raises a `ConfigError` listing every unusable setting by the label the Lab form shows
(`FIELD_LABELS`; reasons in `core/i18n/validation.py`); `str(err)` is the English text. Limits keep a live demo on a laptop CPU
responsive; they are named in the messages so a user knows what to change.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import Any

from core.errors import FieldError, InvalidFields, InvalidInput
from core.validate import Problems

KINDS = ("rnn", "lstm", "gru", "transformer")
RNN_KINDS = ("rnn", "lstm", "gru")
ATTENTIONS = ("none", "dot", "additive")
NORMS = ("post", "pre")
POS_ENCODINGS = ("sinusoidal", "learned")
TASK_NAMES = ("copy", "reverse", "sort", "recall", "translate")

# (min, max) per numeric field; inclusive. Chosen so a run stays interactive on 2 CPU cores.
MODEL_LIMITS: dict[str, tuple[float, float]] = {
    "d_model": (8, 512),
    "n_layers": (1, 6),
    "n_heads": (1, 16),
    "d_ff": (8, 2048),
    "emb_dim": (4, 512),
    "hidden": (4, 1024),
}
TRAIN_LIMITS: dict[str, tuple[float, float]] = {
    "seq_len": (2, 64),
    "vocab_size": (2, 36),
    "steps": (1, 20000),
    "batch_size": (1, 1024),
    "warmup": (0, 20000),
    "seed": (0, 2**31 - 1),
    "eval_every": (1, 20000),
    "probe_every": (1, 20000),
}
MAX_DROPOUT = 0.9
MAX_LR = 1.0


# The label key of each setting: the Lab form shows these labels and the errors name the same ones.
FIELD_LABELS: dict[str, str] = {
    **{
        name: f"lab.page.{name}"
        for name in (
            *("task", "steps", "lr", "seq_len", "vocab_size", "batch_size", "warmup", "seed"),
            *("eval_every", "probe_every", "attention", "n_heads", "emb_dim", "hidden", "d_model"),
            *("d_ff", "n_layers", "dropout", "norm", "pos_encoding"),
        )
    },
    "kind": "lab.page.f_kind",
    "model": "lab.page.f_kind",
    "device": "lab.page.col_device",
}


def field_label(name: str, lang: str) -> str:
    """A setting (`seq_len`, or `model.hidden` as a flat diff names it) by its form label in `lang`."""
    from core.i18n import translate

    key = FIELD_LABELS.get(name.removeprefix("model."))
    return translate(key, lang) if key else name


class ConfigError(InvalidInput, ValueError):
    """An unusable config (or Lab input): `.key` is an i18n key, `.params` its placeholders.
    `validate()` raises its subclasses: `ConfigFieldError` for one setting, `ConfigProblems` for
    several (every problem at once), each naming settings by the labels the Lab form shows."""

    key = "lab.error.invalid"


class ConfigFieldError(FieldError, ConfigError):
    """One invalid setting, named by its form label."""


class ConfigProblems(InvalidFields, ConfigError):
    """Several invalid settings: a heading and one sentence per setting."""

    key = "validation.lab.invalid"


def _problems() -> Problems:
    return Problems(one=ConfigFieldError, many=ConfigProblems)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_range(found: Problems, name: str, value: Any, lo: float, hi: float) -> bool:
    """Note a problem unless value is an int with lo <= value <= hi; True when it is."""
    label = FIELD_LABELS.get(name, name)
    if not _is_int(value):
        found.add(label, "validation.not_int", value=value)
    elif value < lo:
        found.add(label, "validation.min", limit=lo)
    elif value > hi:
        found.add(label, "validation.max", limit=hi)
    else:
        return True
    return False


def _check_choice(found: Problems, name: str, value: Any, choices: tuple[str, ...]) -> None:
    """Note a problem unless value is one of choices."""
    if value not in choices:
        found.add(FIELD_LABELS.get(name, name), "validation.choice", value=value, choices=", ".join(choices))


@dataclass(frozen=True)
class ModelConfig:
    """Architecture of one model: an RNN-family seq2seq or an encoder-decoder Transformer.

    The RNN family reads `emb_dim`, `hidden`, `n_layers`, `attention`; the Transformer reads
    `d_model`, `n_layers` (encoder and decoder each), `n_heads`, `d_ff`, `norm`, `pos_encoding`.
    Both read `dropout`.

    Field defaults are only what a config gets for a field it does not name (a bare `ModelConfig()`,
    an older stored run's JSON, the CLI's options). The Lab's default model sizes, per tab, are
    `tab_default` in core/lab/presets.py: the one place to change them.
    """

    kind: str = "transformer"
    d_model: int = 64
    n_layers: int = 2
    n_heads: int = 2
    d_ff: int = 128
    emb_dim: int = 32
    hidden: int = 64
    attention: str = "dot"
    dropout: float = 0.0
    norm: str = "post"
    pos_encoding: str = "sinusoidal"

    def validate(self) -> ModelConfig:
        """Raise ConfigError naming every unusable setting of the architecture; return self."""
        found = _problems()
        self._check(found)
        found.raise_if_any()
        return self

    def _check(self, found: Problems) -> None:
        _check_choice(found, "kind", self.kind, KINDS)
        _check_choice(found, "attention", self.attention, ATTENTIONS)
        _check_choice(found, "norm", self.norm, NORMS)
        _check_choice(found, "pos_encoding", self.pos_encoding, POS_ENCODINGS)
        ok = {
            name: _check_range(found, name, getattr(self, name), lo, hi)
            for name, (lo, hi) in MODEL_LIMITS.items()
        }
        dropout = self.dropout
        if (
            isinstance(dropout, bool)
            or not isinstance(dropout, int | float)
            or not 0.0 <= dropout <= MAX_DROPOUT
        ):
            found.add(FIELD_LABELS["dropout"], "validation.lab.dropout", value=dropout, limit=MAX_DROPOUT)
        if self.kind == "transformer" and ok["d_model"] and ok["n_heads"] and self.d_model % self.n_heads:
            found.add(
                FIELD_LABELS["n_heads"],
                "validation.lab.heads_divide",
                refs={"d_model_label": FIELD_LABELS["d_model"]},
                d_model=self.d_model,
                n_heads=self.n_heads,
            )


@dataclass(frozen=True)
class TrainConfig:
    """One training run: task, model, optimisation and bookkeeping settings.

    Validated once where a config enters (the Lab page's form and URL, the CLI, the job queue);
    code below those boundaries (train, make_model) trusts it. Defaults: see ModelConfig.
    """

    task: str = "reverse"
    seq_len: int = 10
    vocab_size: int = 10
    model: ModelConfig = field(default_factory=ModelConfig)
    steps: int = 300
    batch_size: int = 64
    lr: float = 1e-3
    warmup: int = 0
    seed: int = 0
    device: str = "auto"
    eval_every: int = 25
    probe_every: int = 25

    def validate(self) -> TrainConfig:
        """Raise ConfigError naming every unusable setting (the model's included); return self."""
        found = _problems()
        _check_choice(found, "task", self.task, TASK_NAMES)
        ok = {
            name: _check_range(found, name, getattr(self, name), lo, hi)
            for name, (lo, hi) in TRAIN_LIMITS.items()
        }
        if ok["warmup"] and ok["steps"] and self.warmup > self.steps:
            found.add(
                FIELD_LABELS["warmup"],
                "validation.lab.warmup",
                refs={"steps_label": FIELD_LABELS["steps"]},
                warmup=self.warmup,
                steps=self.steps,
            )
        lr = self.lr
        if (
            isinstance(lr, bool)
            or not isinstance(lr, int | float)
            or not (math.isfinite(lr) and 0.0 < lr <= MAX_LR)
        ):
            found.add(FIELD_LABELS["lr"], "validation.lab.lr", value=lr, limit=MAX_LR)
        dev = self.device
        if not (
            isinstance(dev, str)
            and (dev in ("auto", "cpu", "cuda", "mps") or (dev.startswith("cuda:") and dev[5:].isdigit()))
        ):
            found.add(
                FIELD_LABELS["device"], "validation.choice", value=dev, choices="auto, cpu, cuda, cuda:N, mps"
            )
        if isinstance(self.model, ModelConfig):
            self.model._check(found)
        else:
            found.add(
                FIELD_LABELS["model"],
                "validation.choice",
                value=type(self.model).__name__,
                choices=", ".join(KINDS),
            )
        found.raise_if_any()
        return self


def to_dict(cfg: TrainConfig) -> dict[str, Any]:
    """A JSON-able dict of the config (nested ModelConfig included)."""
    return dataclasses.asdict(cfg)


def from_dict(d: dict[str, Any]) -> TrainConfig:
    """Rebuild a TrainConfig from `to_dict` output; unknown keys are refused, missing ones default."""
    d = dict(d)
    model = d.pop("model", {}) or {}
    if isinstance(model, ModelConfig):
        model = dataclasses.asdict(model)
    known_t = {f.name for f in dataclasses.fields(TrainConfig)}
    known_m = {f.name for f in dataclasses.fields(ModelConfig)}
    extra = (set(d) - known_t) | {f"model.{k}" for k in set(model) - known_m}
    if extra:
        raise ConfigError("lab.error.unknown_fields", fields=", ".join(sorted(extra)))
    return TrainConfig(model=ModelConfig(**model), **d)


def config_hash(cfg: TrainConfig) -> str:
    """sha256 of the canonical JSON of the config: equal configs (and seeds) give equal hashes."""
    canon = json.dumps(to_dict(cfg), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()


def replace(cfg: TrainConfig, **changes: Any) -> TrainConfig:
    """Copy of `cfg` with changes; keys "model.<field>" change the nested ModelConfig."""
    model_changes = {}
    for k in list(changes):
        if k.startswith("model."):
            model_changes[k[6:]] = changes.pop(k)
    model = dataclasses.replace(changes.pop("model", cfg.model), **model_changes)
    return dataclasses.replace(cfg, model=model, **changes)
