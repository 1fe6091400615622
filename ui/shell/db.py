"""The app's Database: resolved once per URL, migrated on start, demo content seeded once."""

from __future__ import annotations

import os

import streamlit as st
from sqlalchemy.exc import OperationalError

from core.errors import AppError
from db.engine import Database, resolve_url
from db.migrate import upgrade
from db.seeds import run_seeds


@st.cache_resource(show_spinner=False)
def _open(url: str, seed: bool) -> Database:
    database = Database(url)
    upgrade(database.engine)
    if seed:
        with database.write() as session:
            run_seeds(session)
    return database


def demo_data_enabled() -> bool:
    """Demo content is on unless STUDY_DEMO_DATA=0."""
    return os.environ.get("STUDY_DEMO_DATA", "1") != "0"


def get_db() -> Database:
    """The shared Database; stops the page with a clear message when the setting is wrong."""
    from ui.shell.i18n import error_text, t

    # Not `act`/`attempt`: this opens the database itself (no transaction yet) and must stop the page.
    try:
        return _open(resolve_url(), demo_data_enabled())
    except AppError as err:
        st.error(error_text(err), icon=":material/database:")
        st.stop()
    except OperationalError as exc:
        st.error(t("common.error.db_unreachable", detail=str(exc.orig).splitlines()[0][:200]))
        st.stop()
