"""The Lab's engine warms up from server start (torch, the job registry and its worker process),
so the first Lab visit draws at once and Train turns on within seconds (ui/lab/engine.py).

The pages' own modules (the shell, the Lab page with its charts: altair and pandas, about 1 s of
CPU) are imported here before the server answers: a visit the instant the server is up then
finds them loaded instead of waiting on the warm-up's import of them. torch and the registry stay
in the background thread. At shutdown the registry's worker processes are stopped.
"""

from __future__ import annotations

from collections.abc import Callable


def start() -> Callable[[], None] | None:
    """Import the pages' modules, then start warming in a background thread; returns the stop of
    the worker processes (a worker still importing torch would otherwise outlive the server)."""
    from ui.lab import engine

    engine.import_pages()
    engine.start()
    return _stop_workers


def _stop_workers() -> None:
    import sys

    pool = sys.modules.get("core.lab.jobs.pool")  # never imported: no worker was started
    if pool is not None:
        pool.close_pools()
