"""Run pages in AppTest against the `db` fixture's database.

Page tests run on SQLite only: the core and db tests cover both back ends, and a page adds no SQL of
its own. A page test that is database-specific takes `@pytest.mark.both_backends` and runs on
SQLite and PostgreSQL (ids `[sqlite]`, `[postgres]`).

Lab jobs run in thread mode here: in process mode (the CPU default) every test that renders the Lab
would start a worker process that imports torch in the background (~2-3 s of CPU each, as the
registry is rebuilt per test). A test that trains through the real workers takes
`@pytest.mark.job_workers`.
"""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.lab.jobs.registry import MODE_ENV
from tests.support.db import wipe
from tests.support.paths import APP, HARNESS

TIMEOUT = 30
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_backends"):
        metafunc.parametrize("backend", BACKENDS)


@pytest.fixture
def backend() -> str:
    """The back end of a page test: SQLite, unless `both_backends` parametrises it."""
    return "sqlite"


@pytest.fixture
def db(request, backend):
    """A migrated, empty Database for page tests (overrides the both-back-ends `db` of tests/conftest.py)."""
    database = request.getfixturevalue(f"{backend}_database")
    wipe(database)
    return database


@pytest.fixture(scope="session", autouse=True)
def _torch_loaded():
    """Train is enabled once torch is imported (ui/lab/engine.py `ready`). In a whole run an
    earlier test has imported it; a Lab test file run alone would otherwise find Train disabled
    while the engine's warm-up thread imports it. Tests of the warm-up patch `engine.ready`."""
    import torch  # noqa: F401


@pytest.fixture(autouse=True)
def _app_env(request, monkeypatch):
    monkeypatch.setenv("STUDY_DEMO_DATA", "0")
    if request.node.get_closest_marker("job_workers") is None:
        monkeypatch.setenv(MODE_ENV, "thread")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()


@pytest.fixture
def run_page(db, monkeypatch):
    """run_page("views/x.py", actor=..., lang="en", state={...}, query={...}) -> AppTest after run()."""
    monkeypatch.setenv("DATABASE_URL", db.url)

    def _run(
        page: str, *, actor=None, lang: str = "ko", state: dict | None = None, query: dict | None = None
    ) -> AppTest:
        at = AppTest.from_file(HARNESS, default_timeout=TIMEOUT)
        at.session_state["_harness_page"] = page
        at.session_state["lang_choice"] = lang
        if actor is not None:
            at.session_state["actor"] = actor
        for k, v in (state or {}).items():
            at.session_state[k] = v
        for k, v in (query or {}).items():
            at.query_params[k] = v
        return at.run()

    return _run


@pytest.fixture
def run_app(db, monkeypatch):
    """run_app(actor=..., lang=...) -> AppTest of the real app.py (router, roles)."""
    monkeypatch.setenv("DATABASE_URL", db.url)

    def _run(*, actor=None, lang: str = "ko") -> AppTest:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        at.session_state["lang_choice"] = lang
        if actor is not None:
            at.session_state["actor"] = actor
        return at.run()

    return _run
