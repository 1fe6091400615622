"""Device choice for Lab runs: CUDA, then Apple MPS, then CPU."""

from __future__ import annotations

import torch

from core.lab.config import ConfigError


def _mps_ok() -> bool:
    mps = getattr(torch.backends, "mps", None)
    return bool(mps and mps.is_available())


def pick_device(pref: str = "auto") -> torch.device:
    """ "auto" -> cuda, else mps, else cpu; an explicit device that is not available raises ConfigError."""
    if pref == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        return torch.device("mps") if _mps_ok() else torch.device("cpu")
    dev = torch.device(pref)
    if dev.type == "cuda" and (
        not torch.cuda.is_available() or (dev.index or 0) >= torch.cuda.device_count()
    ):
        raise ConfigError("lab.error.device_unavailable", device=pref)
    if dev.type == "mps" and not _mps_ok():
        raise ConfigError("lab.error.device_unavailable", device=pref)
    return dev


def device_label(dev: torch.device | str, threads: int | None = None) -> str:
    """Short human label for the UI badge, e.g. "CUDA · NVIDIA H100", "Apple MPS", "CPU · 1 thread"
    (`threads`: what a training job uses; default this process's torch setting)."""
    dev = torch.device(dev)
    if dev.type == "cuda":
        return f"CUDA · {torch.cuda.get_device_name(dev.index or 0)}"
    if dev.type == "mps":
        return "Apple MPS"
    n = threads or torch.get_num_threads()
    return f"CPU · {n} thread{'' if n == 1 else 's'}"
