"""A run's weights and config as bytes (stored in the run's database row) and back.

The payload holds only tensors, str and int, so it loads with `torch.load(weights_only=True)`:
no pickled code runs when a shared checkpoint is opened. The config travels as canonical JSON.
"""

from __future__ import annotations

import io
import json

import torch
from torch import nn

from core.lab.config import ConfigError, TrainConfig, from_dict, to_dict
from core.lab.models import make_model
from core.lab.tasks import make_task

FORMAT = 1
# Fields that change the weights' shapes or meaning; optimisation settings (lr, steps, seed, ...)
# may differ between the checkpoint and the config it is loaded into.
ARCH_FIELDS = ("task", "seq_len", "vocab_size")


def save_checkpoint(model: nn.Module, cfg: TrainConfig) -> bytes:
    """Serialise `model`'s float32 weights and `cfg` to bytes."""
    state = {
        k: v.detach().to("cpu", torch.float32).contiguous().clone() for k, v in model.state_dict().items()
    }
    payload = {"format": FORMAT, "config": json.dumps(to_dict(cfg), sort_keys=True), "state_dict": state}
    buf = io.BytesIO()
    torch.save(payload, buf)
    return buf.getvalue()


def _arch(cfg: TrainConfig) -> dict:
    d = to_dict(cfg)
    out = {k: d[k] for k in ARCH_FIELDS}
    out.update({f"model.{k}": v for k, v in d["model"].items()})
    if cfg.task == "translate":  # the grammar fixes its vocabularies and lengths
        out.pop("seq_len")
        out.pop("vocab_size")
    return out


def load_checkpoint(
    data: bytes, cfg: TrainConfig | None = None, device: torch.device | str = "cpu"
) -> tuple[nn.Module, TrainConfig]:
    """Rebuild (model in eval mode, the saved config); refuses a checkpoint whose architecture differs from `cfg`."""
    try:
        payload = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
        saved = from_dict(json.loads(payload["config"]))
        state = payload["state_dict"]
    except ConfigError:
        raise
    except Exception as exc:  # corrupt bytes, foreign pickle, missing keys
        raise ConfigError("lab.error.checkpoint_invalid", detail=type(exc).__name__) from exc
    if cfg is not None:
        a, b = _arch(saved), _arch(cfg)
        diff = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
        if diff:
            raise ConfigError("lab.error.checkpoint_mismatch", fields=", ".join(diff))
    saved.validate()
    task = make_task(saved.task, saved.seq_len, saved.vocab_size)
    model = make_model(saved.model, len(task.src_vocab), len(task.tgt_vocab))
    try:
        model.load_state_dict(state)
    except RuntimeError as exc:  # shapes differ: the vocabulary or grammar changed since saving
        raise ConfigError("lab.error.checkpoint_mismatch", fields="state_dict") from exc
    return model.to(device).eval(), saved
