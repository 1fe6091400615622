"""Device choice for Lab runs (CUDA, then Apple MPS, then CPU), the torch threads a run uses, the
CPU priority of training processes, and the device badge. torch is imported where needed: the CLI names `training_threads()` in its
`--help` without paying for torch."""

from __future__ import annotations

import os
import sys
import threading
from typing import TYPE_CHECKING

from core.i18n import translate
from core.lab.config import ConfigError

if TYPE_CHECKING:
    import torch


def _mps_ok() -> bool:
    import torch

    mps = getattr(torch.backends, "mps", None)
    return bool(mps and mps.is_available())


def pick_device(pref: str = "auto") -> torch.device:
    """ "auto" -> cuda, else mps, else cpu; an explicit device that is not available raises ConfigError."""
    import torch

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


def training_threads() -> int:
    """torch intra-op threads for one training run: the Lab's jobs (worker processes, the thread
    mode) and the CLI all use this, 1.

    torch's default is one thread per core, and its threads wait for each other: on a 2-core
    machine, 300 LSTM steps of the CLI ran at 3-7 steps/s instead of ~100 while another process
    used a core (measured again 2026-12-03 beside other work: 10-17 steps/s at 2 threads against
    40-63 at 1). One thread per job is also the best per job when idle (docs/benchmarks.md,
    "Threads x concurrent jobs"), and a second thread did not help the Transformer on this VM.
    """
    return 1


NICE_ENV = "STUDY_LAB_NICE"  # how much lower training processes' CPU priority is than the server's
DEFAULT_NICE = 10


def training_nice(env: dict | None = None) -> int:
    """The niceness training processes add to their own (`STUDY_LAB_NICE`, 0 to 19; default 10).

    A training job takes all the CPU it gets; the web server needs little, but needs it at once.
    At equal priority, a room's training processes left the server's event loop and page runs
    waiting behind them (pages and live curves stalled for minutes with two training slots on a
    2-core machine, docs/benchmarks.md). At nice 10 the scheduler gives the server the CPU whenever
    it wants it, and training gets the rest: on a quiet server training runs at full speed.
    0 turns it off. ValueError for anything else than a whole number from 0 to 19."""
    raw = (os.environ if env is None else env).get(NICE_ENV, "").strip()
    if not raw:
        return DEFAULT_NICE
    if not raw.isdigit() or int(raw) > 19:
        raise ValueError(f"{NICE_ENV} must be a whole number from 0 to 19, not {raw!r}")
    return int(raw)


def lower_priority(nice: int) -> None:
    """Add `nice` to this process's niceness (a training process calls it before its first job;
    nothing where the OS has no niceness)."""
    if nice > 0 and hasattr(os, "nice"):
        os.nice(nice)


_process_lowered: list[int] = []  # lower_thread_priority's fallback: the process, once


def lower_thread_priority(nice: int) -> None:
    """Add `nice` to the calling thread's niceness alone, where the OS schedules threads on their
    own (Linux); elsewhere to the whole process's, once, as `lower_priority`. It cannot be raised
    again without privileges: call it in a thread made for the work it slows."""
    if nice <= 0:
        return
    if sys.platform.startswith("linux") and hasattr(os, "setpriority"):
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, min(os.getpriority(os.PRIO_PROCESS, tid) + nice, 19))
    elif not _process_lowered:
        _process_lowered.append(nice)
        lower_priority(nice)


def device_text(dev: torch.device | str, threads: int | None = None) -> tuple[str, dict[str, object]]:
    """The badge of a device as (i18n key, params) for `t()` / `translate()`: "GPU · CUDA · <name>",
    "GPU · Apple MPS", "CPU · 1 thread" (`threads`: what a training job uses; default this
    process's torch setting). Catalog: core/lab/catalog/engine.py."""
    import torch

    dev = torch.device(dev)
    if dev.type == "cuda":
        return "lab.device.cuda", {"name": torch.cuda.get_device_name(dev.index or 0)}
    if dev.type == "mps":
        return "lab.device.mps", {}
    n = threads or torch.get_num_threads()
    return ("lab.device.cpu_one" if n == 1 else "lab.device.cpu"), {"n": n}


def device_label(dev: torch.device | str, threads: int | None = None, *, lang: str = "en") -> str:
    """`device_text` translated into `lang` (English by default: the CLI's language)."""
    key, params = device_text(dev, threads)
    return translate(key, lang, **params)
