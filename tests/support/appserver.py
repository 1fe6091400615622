"""Start the real app (`streamlit run server.py`: app.py in its server) for browser tests and benchmarks/live_app.py.

No pytest and no Playwright here, so a benchmark script imports it as well as a fixture does.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.paths import ROOT
from tests.support.waiting import wait_until

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"  # a finished script run


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(base: str, proc: subprocess.Popen, log_path: Path) -> bool:
    if proc.poll() is not None:
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise RuntimeError(f"streamlit exited with {proc.returncode} before answering:\n{tail}")
    try:
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
            return r.read() == b"ok"
    except OSError:
        return False


def end_process(proc: subprocess.Popen, grace_s: float = 15.0) -> None:
    """Ask a child process to end (SIGTERM); kill it when it has not ended within `grace_s`."""
    proc.terminate()
    try:
        proc.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def serve_app(
    env: dict[str, str], log_path: Path, *, timeout: float = 60.0, port: int | None = None
) -> Iterator[str]:
    """Run the app with `env` added to this environment; yield its base URL once /_stcore/health
    answers "ok" (within `timeout` s); terminate it on exit. Output goes to `log_path`. `port`:
    a fixed port (a browser's cache is per origin), else a free one."""
    port = port or free_port()
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "server.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    base = f"http://127.0.0.1:{port}"
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            wait_until(
                lambda: _healthy(base, proc, log_path),
                timeout=timeout,
                every=0.2,
                what="streamlit's health check",
            )
            yield base
        finally:
            end_process(proc)
