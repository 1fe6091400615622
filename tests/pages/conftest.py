"""Run pages in AppTest against the `db` fixture's database."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

HARNESS = str(Path(__file__).with_name("harness.py"))
APP = str(Path(__file__).resolve().parents[2] / "app.py")
TIMEOUT = 30


@pytest.fixture(autouse=True)
def _app_env(monkeypatch):
    monkeypatch.setenv("STUDY_DEMO_DATA", "0")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()


@pytest.fixture
def run_page(db, monkeypatch):
    """run_page("views/x.py", actor=..., lang="en", state={...}, query={...}) -> AppTest after run()."""
    monkeypatch.setenv("DATABASE_URL", db.url)

    def _run(page: str, *, actor=None, lang: str = "ko", state: dict | None = None,
             query: dict | None = None) -> AppTest:
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
