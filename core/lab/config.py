"""Frozen run configs for the Model Lab, their validation, (de)serialisation and a stable hash.

`validate()` raises `ConfigError` whose `.key`/`.params` the UI translates (catalog in
`core/lab/catalog/engine.py`); `str(err)` is the English text. Limits keep a live demo on a laptop CPU
responsive; they are named in the messages so a user knows what to change.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import Any

from core.errors import AppError

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


class ConfigError(AppError, ValueError):
    """An invalid config: `.key` is an i18n key ("lab.error.*"), `.params` its placeholders."""

    key = "lab.error.invalid"


def _check_range(name: str, value: Any, lo: float, hi: float) -> None:
    """Raise ConfigError unless lo <= value <= hi (and value is an int)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError("lab.error.not_int", field=name, value=value)
    if value < lo:
        raise ConfigError("lab.error.min", field=name, limit=lo)
    if value > hi:
        raise ConfigError("lab.error.max", field=name, limit=hi)


def _check_choice(name: str, value: Any, choices: tuple[str, ...], key: str) -> None:
    """Raise ConfigError(key) unless value is one of choices."""
    if value not in choices:
        raise ConfigError(key, field=name, value=value, choices=", ".join(choices))


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
        """Raise ConfigError for an unusable architecture; return self for chaining."""
        _check_choice("kind", self.kind, KINDS, "lab.error.unknown_kind")
        _check_choice("attention", self.attention, ATTENTIONS, "lab.error.unknown_attention")
        _check_choice("norm", self.norm, NORMS, "lab.error.unknown_choice")
        _check_choice("pos_encoding", self.pos_encoding, POS_ENCODINGS, "lab.error.unknown_choice")
        for name, (lo, hi) in MODEL_LIMITS.items():
            _check_range(name, getattr(self, name), lo, hi)
        if not isinstance(self.dropout, int | float) or not 0.0 <= self.dropout <= MAX_DROPOUT:
            raise ConfigError("lab.error.dropout", value=self.dropout, limit=MAX_DROPOUT)
        if self.kind == "transformer" and self.d_model % self.n_heads:
            raise ConfigError("lab.error.heads_divide", d_model=self.d_model, n_heads=self.n_heads)
        return self


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
        """Raise ConfigError for an unusable run; return self for chaining."""
        _check_choice("task", self.task, TASK_NAMES, "lab.error.unknown_task")
        for name, (lo, hi) in TRAIN_LIMITS.items():
            _check_range(name, getattr(self, name), lo, hi)
        if self.warmup > self.steps:
            raise ConfigError("lab.error.warmup", warmup=self.warmup, steps=self.steps)
        if isinstance(self.lr, bool) or not isinstance(self.lr, int | float) or not math.isfinite(self.lr):
            raise ConfigError("lab.error.lr", value=self.lr, limit=MAX_LR)
        if not 0.0 < self.lr <= MAX_LR:
            raise ConfigError("lab.error.lr", value=self.lr, limit=MAX_LR)
        dev = self.device
        if not (
            isinstance(dev, str)
            and (dev in ("auto", "cpu", "cuda", "mps") or (dev.startswith("cuda:") and dev[5:].isdigit()))
        ):
            raise ConfigError(
                "lab.error.unknown_choice", field="device", value=dev, choices="auto, cpu, cuda, cuda:N, mps"
            )
        if not isinstance(self.model, ModelConfig):
            raise ConfigError(
                "lab.error.unknown_kind",
                field="model",
                value=type(self.model).__name__,
                choices=", ".join(KINDS),
            )
        self.model.validate()
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
