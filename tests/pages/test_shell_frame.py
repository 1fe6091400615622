"""The shell in AppTest: the browser tab's title per page and language, a local favicon, the
sign-in box after a failure, and the upload limits Streamlit is told about."""

import tomllib

import pytest
import streamlit as st

from core import backup
from core.curriculum import notes_import
from core.reviews import bibtex, templates
from tests.support.factories import PASSWORD, make_leader
from tests.support.paths import ROOT
from ui.shell.widgets import MB, size_text, upload_limit_mb


@pytest.fixture
def page_configs(monkeypatch):
    """Every st.set_page_config call of a run, as its keyword arguments."""
    calls: list[dict] = []
    real = st.set_page_config

    def record(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(st, "set_page_config", record)
    return calls


@pytest.mark.parametrize(
    ("lang", "title"), [("ko", "홈 · 스터디 대시보드"), ("en", "Home · Study Dashboard")]
)
def test_tab_title_names_the_page_in_the_session_language(run_app, db, page_configs, lang, title):
    make_leader(db)
    at = run_app(lang=lang)
    assert not at.exception
    titles = [c["page_title"] for c in page_configs if c.get("page_title")]
    assert titles[-1] == title


def test_favicon_is_a_file_the_app_serves(run_app, db, page_configs):
    make_leader(db)
    run_app()
    icons = [c["page_icon"] for c in page_configs if c.get("page_icon")]
    assert icons and all(str(i).endswith(".png") for i in icons)  # not ":material/...:" (Google's host)
    assert all((ROOT / "static" / "favicon.png").samefile(i) for i in icons)


def test_failed_sign_in_empties_the_password_and_keeps_the_username(run_page, db):
    make_leader(db, "boss")
    at = run_page("views/home.py", lang="en")
    at.sidebar.text_input[0].input("boss")
    at.sidebar.text_input[1].input("wrong password")
    at.sidebar.button[0].click().run()
    assert at.sidebar.error[0].value == "Wrong username or password."
    assert at.sidebar.text_input[0].value == "boss"
    assert at.sidebar.text_input[1].value == ""
    assert "actor" not in at.session_state
    at.sidebar.text_input[1].input(PASSWORD)
    at.sidebar.button[0].click().run()
    assert at.session_state["actor"].username == "boss"
    assert not at.sidebar.error  # the old error is gone once signed in


def test_config_upload_limit_is_the_largest_upload_the_app_accepts():
    """server.maxUploadSize (whole MB) lets the largest accepted file through and no more."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    limits = [
        backup.MAX_BACKUP_BYTES,
        notes_import.MAX_IMPORT_BYTES,
        bibtex.MAX_BIB_BYTES,
        templates.MAX_TEMPLATE_JSON,
    ]
    assert config["server"]["maxUploadSize"] == upload_limit_mb(max(limits))


def test_upload_limit_in_whole_megabytes_and_in_words():
    assert upload_limit_mb(200 * 1024) == 1  # Streamlit's per-widget limit is whole MB, at least 1
    assert upload_limit_mb(200 * MB) == 200
    assert upload_limit_mb(200 * MB + 1) == 201
    assert [size_text(n) for n in (200 * 1024, 512 * 1024, 4 * MB, 3 * MB // 2)] == [
        "200KB",
        "512KB",
        "4MB",
        "1.5MB",
    ]
