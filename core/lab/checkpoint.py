"""A run's weights and config as bytes (stored in the run's database row, exported, uploaded) and back.

The payload holds only tensors, str and int, so it loads with `torch.load(weights_only=True)`:
no pickled code runs when a shared checkpoint is opened. The config travels as canonical JSON.
Beside the final weights it may carry the weights at some probe steps ("probe_states", float16,
evenly spaced within PROBE_STATES_BYTES: `fit_states`), and a SHA-256 "digest" over
everything, so a file changed after export is refused with that reason (older files without one
still load).

A refusal is a ConfigError whose message a seminar guest can act on, in plain words: the tab to
open it in by the label the Lab shows on that tab, differing settings by the labels its form shows,
why a file is damaged without exception names; the technical detail goes to the log.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import zipfile
from dataclasses import dataclass, field

import torch
from torch import Tensor, nn

from core.lab.config import ConfigError, TrainConfig, field_label, from_dict, to_dict
from core.lab.models import make_model
from core.lab.presets import TAB_LABELS
from core.lab.tasks import make_task

log = logging.getLogger(__name__)

FORMAT = 1
# Fields that change the weights' shapes or meaning; optimisation settings (lr, steps, seed, ...)
# may differ between the checkpoint and the config it is loaded into.
ARCH_FIELDS = ("task", "seq_len", "vocab_size")
MAX_UPLOAD_BYTES = 32 * 1024 * 1024  # an uploaded checkpoint (the Lab's largest models fit)
_MARGIN = 64 * 1024  # config, digest and zip headers
# Weights at probe steps a checkpoint carries: at most this many bytes, and never more than fits
# the stored-run limit (core.lab.runs.MAX_CHECKPOINT_BYTES) beside the final weights. The default
# Transformer (~0.35 MB a step in float16) keeps 5 evenly spaced steps, the RNN family's defaults
# (0.05-0.3 MB) most or all of theirs.
PROBE_STATES_BYTES = 2 * 1024 * 1024


class CheckpointMismatch(ConfigError):
    """A checkpoint saved with another architecture than the config it is loaded into.
    `params["fields"]` holds the differing settings' ids (`seq_len`, `model.hidden`: what code and
    tests check); the message names them by the labels the Lab form shows, in the reader's language."""

    key = "lab.error.checkpoint_mismatch"

    def message(self, lang: str) -> str:
        """The refusal in `lang`, each setting by its form label."""
        from core.i18n import translate

        names = ", ".join(field_label(f, lang) for f in self.params.get("fields", ()))
        return translate(self.key, lang, fields=names)


def _refuse(key: str, detail: str, exc: BaseException | None = None) -> ConfigError:
    """A refusal `key` (a plain-language reason); the technical `detail` is logged, not shown."""
    log.info("checkpoint refused (%s): %s%s", key, detail, f": {exc!r}" if exc is not None else "")
    return ConfigError(key)


@dataclass(frozen=True)
class Opened:
    """A checkpoint read back: the model (CPU, eval), its config, and the weights it kept at probe
    steps ({step: float16 state}, whole or embedding tables only)."""

    model: nn.Module
    config: TrainConfig
    probe_states: dict[int, dict[str, Tensor]] = field(default_factory=dict)


def _digest(config: str, state: dict[str, Tensor], probes: dict[int, dict[str, Tensor]]) -> str:
    h = hashlib.sha256(config.encode())
    for tag, part in [("final", state), *((f"probe{s}", probes[s]) for s in sorted(probes))]:
        h.update(tag.encode())
        for name in sorted(part):
            t = part[name].detach().cpu().contiguous()
            h.update(f"{name}:{t.dtype}:{tuple(t.shape)}".encode())
            h.update(t.view(torch.uint8).numpy().tobytes() if t.numel() else b"")
    return h.hexdigest()


def fit_states(states: dict[int, dict[str, Tensor]], budget: int) -> dict[int, dict[str, Tensor]]:
    """Evenly spaced probe states (the last one always first in line) whose bytes fit `budget`."""
    steps = sorted(states)
    sizes = {s: sum(v.numel() * v.element_size() for v in states[s].values()) for s in steps}
    for n in range(len(steps), 0, -1):
        pick = sorted({steps[round(i * (len(steps) - 1) / max(1, n - 1))] for i in range(n)} | {steps[-1]})
        if sum(sizes[s] for s in pick) <= budget:
            return {s: states[s] for s in pick}
    return {}


def save_checkpoint(model: nn.Module, cfg: TrainConfig) -> bytes:
    """Serialise `model`'s float32 weights, `cfg` and (what fits) the weights it kept at probe steps."""
    from core.lab.introspect import probe_states
    from core.lab.runs import MAX_CHECKPOINT_BYTES

    state = {
        k: v.detach().to("cpu", torch.float32).contiguous().clone() for k, v in model.state_dict().items()
    }
    final = sum(v.numel() * 4 for v in state.values())
    probes = fit_states(probe_states(model), min(PROBE_STATES_BYTES, MAX_CHECKPOINT_BYTES - final - _MARGIN))
    config = json.dumps(to_dict(cfg), sort_keys=True)
    payload = {"format": FORMAT, "config": config, "state_dict": state}
    if probes:
        payload["probe_states"] = probes
    payload["digest"] = _digest(config, state, probes)
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


def _size(n: int) -> str:
    """A byte limit as people read it: 32MB, 512KB."""
    value, unit = (n / (1024 * 1024), "MB") if n >= 1024 * 1024 else (n / 1024, "KB")
    return f"{value:.1f}".rstrip("0").rstrip(".") + unit


def _payload(data: bytes) -> dict:
    """The checkpoint's payload, or a ConfigError saying why the bytes are not one."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ConfigError("lab.error.checkpoint_too_large", limit=_size(MAX_UPLOAD_BYTES))
    if not zipfile.is_zipfile(io.BytesIO(data)):  # torch.save writes a zip: anything else is foreign
        raise ConfigError("lab.error.checkpoint_foreign")
    try:
        payload = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except Exception as exc:  # refused pickled objects, or bytes damaged inside the archive
        if "Unsupported global" in str(exc) or "GLOBAL" in str(exc):
            raise ConfigError("lab.error.checkpoint_unsafe") from exc
        raise _refuse("lab.error.checkpoint_unreadable", "torch.load failed", exc) from exc
    if (
        not isinstance(payload, dict)
        or payload.get("format") != FORMAT
        or not isinstance(payload.get("config"), str)
        or not isinstance(payload.get("state_dict"), dict)
    ):
        raise ConfigError("lab.error.checkpoint_foreign")
    probes = payload.get("probe_states") or {}
    if not isinstance(probes, dict) or not all(
        isinstance(s, int) and isinstance(v, dict) for s, v in probes.items()
    ):
        raise _refuse("lab.error.checkpoint_unreadable", "probe_states is not {int: {name: tensor}}")
    tensors = [*payload["state_dict"].values(), *(t for p in probes.values() for t in p.values())]
    if not all(isinstance(t, Tensor) for t in tensors):
        raise ConfigError("lab.error.checkpoint_foreign")
    digest = payload.get("digest")
    if digest is not None and digest != _digest(payload["config"], payload["state_dict"], probes):
        raise _refuse("lab.error.checkpoint_damaged", "the SHA-256 digest does not match the contents")
    return payload


def open_checkpoint(
    data: bytes,
    cfg: TrainConfig | None = None,
    *,
    kind: str | None = None,
    device: torch.device | str = "cpu",
) -> Opened:
    """Rebuild a checkpoint: refused (ConfigError, with the reason) when over MAX_UPLOAD_BYTES, not a
    Lab checkpoint, holding pickled objects, damaged or changed since export, with a config
    `validate` refuses, weights that do not fit that config, another architecture than `cfg`, or
    another model kind than `kind` (the tab it is opened in)."""
    payload = _payload(data)
    try:
        saved = from_dict(json.loads(payload["config"]))
    except ConfigError:
        raise
    except Exception as exc:  # not JSON, or not a config
        raise _refuse("lab.error.checkpoint_invalid", "the config is not JSON of a TrainConfig", exc) from exc
    saved.validate()
    if kind is not None and saved.model.kind != kind:
        shown = TAB_LABELS[saved.model.kind], TAB_LABELS.get(kind, kind)  # the same in both languages
        raise ConfigError("lab.error.checkpoint_tab", kind=shown[0], tab=shown[1])
    if cfg is not None:
        a, b = _arch(saved), _arch(cfg)
        diff = [k for k in {**a, **b} if a.get(k) != b.get(k)]  # in the form's order: task, sizes, model
        if diff:
            raise CheckpointMismatch(fields=tuple(diff))
    task = make_task(saved.task, saved.seq_len, saved.vocab_size)
    with torch.random.fork_rng(devices=[]):  # building draws init weights: leave the caller's RNG alone
        model = make_model(saved.model, len(task.src_vocab), len(task.tgt_vocab))
    try:
        model.load_state_dict(payload["state_dict"])
    except RuntimeError as exc:  # shapes differ: the vocabulary or grammar changed since saving
        raise _refuse("lab.error.checkpoint_weights", "load_state_dict failed", exc) from exc
    states = {int(s): v for s, v in (payload.get("probe_states") or {}).items()}
    return Opened(model.to(device).eval(), saved, states)


def load_checkpoint(
    data: bytes, cfg: TrainConfig | None = None, device: torch.device | str = "cpu"
) -> tuple[nn.Module, TrainConfig]:
    """Rebuild (model in eval mode, the saved config); refuses a checkpoint whose architecture differs from `cfg`."""
    opened = open_checkpoint(data, cfg, device=device)
    return opened.model, opened.config


def read_probe_states(data: bytes | None) -> dict[int, dict[str, Tensor]]:
    """The weights a checkpoint kept at probe steps ({} when none, or unreadable)."""
    if not data:
        return {}
    try:
        payload = _payload(data)
    except ConfigError:
        return {}
    return {int(s): v for s, v in (payload.get("probe_states") or {}).items()}
