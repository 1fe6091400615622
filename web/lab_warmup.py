"""The Lab's engine warms up from server start (torch, the job registry and its worker process),
so the first Lab visit draws at once and Train turns on within seconds (ui/lab/engine.py)."""

from __future__ import annotations

from collections.abc import Callable


def start() -> Callable[[], None] | None:
    """Start warming in a background thread; nothing to stop (the registry's workers close at exit)."""
    from ui.lab import engine

    engine.start()
    return None
