"""What starts with the server and stops with it.

Each feature adds one entry to `STARTUPS`: a function that starts its background work (a thread, a
worker) and returns a function that stops it, or None when it has nothing to stop. They run in
order at server start, and their stops run in reverse order at shutdown. A start that fails is
logged and the server still comes up: pages report the missing piece in the user's language.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from web import lab_warmup, lab_worker, notify_jobs

log = logging.getLogger(__name__)

Stop = Callable[[], None]
Startup = Callable[[], Stop | None]

STARTUPS: list[tuple[str, Startup]] = [
    ("lab engine warm-up", lab_warmup.start),
    ("lab worker (PostgreSQL queue)", lab_worker.start),
    ("notifications (sender and periodic check)", notify_jobs.start),
]


def run_startups(startups: list[tuple[str, Startup]]) -> list[tuple[str, Stop]]:
    """Start each entry; return the stops of those that started (a failing start is logged)."""
    stops: list[tuple[str, Stop]] = []
    for name, start in startups:
        try:
            stop = start()
        except Exception:
            log.exception("server start: %s did not start", name)
            continue
        if stop is not None:
            stops.append((name, stop))
    return stops


def run_stops(stops: list[tuple[str, Stop]]) -> None:
    """Stop in reverse order of starting; a failing stop is logged and the rest still stop."""
    for name, stop in reversed(stops):
        try:
            stop()
        except Exception:
            log.exception("server stop: %s did not stop cleanly", name)


@asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    """The ASGI lifespan `web.server` gives `st.App`."""
    stops = run_startups(STARTUPS)
    try:
        yield
    finally:
        run_stops(stops)
