"""Browser tests: a real `streamlit run app.py` on a temp SQLite database, driven by Playwright
with Debian's chromium (never a downloaded browser). Skipped with a reason when chromium is
missing; .ci/run installs it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from db.engine import Database
from db.migrate import upgrade
from db.seeds import run_seeds
from tests.support.factories import make_leader, make_member

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)
            if not Path(CHROMIUM).exists():
                item.add_marker(pytest.mark.skip(reason=f"no chromium at {CHROMIUM} (apt-get install chromium)"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": ["--no-sandbox", "--disable-dev-shm-usage"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}, "locale": "ko-KR"}


@dataclass
class LiveApp:
    """A running app: its base URL and its database (for arranging data)."""

    url: str
    db: Database
    leader: str = "e2e_leader"
    member: str = "e2e_member"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """Start the app once per test session (demo content on, two accounts ready)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no chromium at {CHROMIUM}")
    db_url = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'e2e.db'}"
    database = Database(db_url)
    upgrade(database.engine)
    with database.write() as s:
        run_seeds(s)
    leader = make_leader(database, "e2e_leader", "이테스트")
    make_member(database, "e2e_member", "박멤버", by=leader)
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": db_url, "STUDY_DEMO_DATA": "1"}
    log = open(tmp_path_factory.mktemp("e2e-log") / "streamlit.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{base}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("streamlit did not answer its health check within 60 s")
    yield LiveApp(base, database)
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
    database.dispose()


def pytest_report_header(config):
    return f"chromium: {CHROMIUM if Path(CHROMIUM).exists() else 'missing (e2e tests skip)'}"
