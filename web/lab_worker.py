"""The embedded Lab worker: with PostgreSQL, the server starts one `python -m core.lab.worker`
process beside itself, so a single-server install trains Lab jobs without an extra command, and
stops it with the server (its running jobs end "stopped" with a note). With SQLite nothing starts:
the in-process pool trains jobs. `STUDY_LAB_EMBEDDED_WORKER=0` turns it off for app-only replicas
(workers then run elsewhere, e.g. on a GPU box: README "A GPU box as a Lab worker").

A child process rather than a thread: training in the server's own process would fight
Streamlit's threads for the GIL (core/lab/jobs/registry.py says by how much).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

EMBEDDED_ENV = "STUDY_LAB_EMBEDDED_WORKER"
ROOT = Path(__file__).resolve().parent.parent
STOP_S = 10.0  # a worker asked to stop ends its jobs at their next step; then it is killed
log = logging.getLogger(__name__)


def wanted(url: str, env: dict | None = None) -> bool:
    """Does this server run an embedded worker (PostgreSQL queue, not turned off)?"""
    from core.lab.jobs.backend import queue_kind

    env = os.environ if env is None else env
    if env.get(EMBEDDED_ENV, "1").strip() in ("0", "false", "no", "off"):
        return False
    return queue_kind(url, env) == "postgres"


def start() -> Callable[[], None] | None:
    """Start the embedded worker when wanted; returns its stop."""
    from db.engine import resolve_url

    if not wanted(resolve_url()):
        return None
    proc = subprocess.Popen([sys.executable, "-m", "core.lab.worker"], cwd=ROOT, stdin=subprocess.DEVNULL)
    log.info("embedded Lab worker started (pid %d)", proc.pid)

    def stop() -> None:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(STOP_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)

    return stop
