"""Browser tests: a real `streamlit run app.py` (tests/support/appserver.py) on a temp SQLite
database, driven by Playwright with Debian's chromium (never a downloaded browser). Every test
here is marked `e2e`; skipped with a reason when chromium is missing; .ci/run installs it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from db.engine import Database
from db.migrate import upgrade
from db.seeds import run_seeds
from tests.support.appserver import serve_app
from tests.support.factories import make_leader, make_member

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    # A conftest's hooks see the whole session's items: mark only the ones under this folder.
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.e2e)
            if not Path(CHROMIUM).exists():
                item.add_marker(
                    pytest.mark.skip(reason=f"no chromium at {CHROMIUM} (apt-get install chromium)")
                )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-dev-shm-usage"],
    }


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
    env = {"DATABASE_URL": db_url, "STUDY_DEMO_DATA": "1"}
    with serve_app(env, tmp_path_factory.mktemp("e2e-log") / "streamlit.log") as base:
        yield LiveApp(base, database)
    database.dispose()


def pytest_report_header(config):
    return f"chromium: {CHROMIUM if Path(CHROMIUM).exists() else 'missing (e2e tests skip)'}"
