"""CPU time of this process's descendants, read from /proc (Linux; nothing elsewhere), grouped by
what they are: which process a load test's CPU went to (the server, its training workers)."""

from __future__ import annotations

import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
KINDS = (  # (label, a piece of the command line), first match wins
    ("training workers", "core.lab.jobs.worker"),
    ("queue worker", "core.lab.worker"),
    ("server", "streamlit"),
)


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds used by the process itself) or None when it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()  # after "pid (comm) ": state ppid ...
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def descendants_cpu(root: int | None = None) -> dict[int, tuple[str, float]]:
    """{pid: (kind, CPU seconds)} of every live descendant of `root` (default: this process)."""
    root = os.getpid() if root is None else root
    if not Path("/proc").is_dir():
        return {}
    stats = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and (st := _stat(int(entry.name))) is not None:
            stats[int(entry.name)] = st
    out, frontier = {}, {root}
    while frontier:
        kids = {pid for pid, (ppid, _) in stats.items() if ppid in frontier and pid not in out}
        for pid in kids:
            cmd = _cmdline(pid)
            kind = next((label for label, part in KINDS if part in cmd), "other")
            out[pid] = (kind, stats[pid][1])
        frontier = kids
    return out


def cpu_by_kind(before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]) -> dict:
    """CPU seconds used between two `descendants_cpu` readings, summed by kind (a process that
    ended in between is not counted; one that started counts from zero)."""
    used: dict[str, float] = {}
    for pid, (kind, cpu) in after.items():
        used[kind] = used.get(kind, 0.0) + cpu - before.get(pid, (kind, 0.0))[1]
    return {k: round(v, 1) for k, v in sorted(used.items())}


__all__ = ["cpu_by_kind", "descendants_cpu"]
