"""Widgets shared by several pages."""

from __future__ import annotations

import streamlit as st

from core import backup
from core.errors import AppError
from db.engine import Database
from db.migrate import current_heads
from ui.shell.i18n import show_error, t


def restore_form(db: Database) -> None:
    """Upload a backup and restore it (only into a database with no real data yet)."""
    st.subheader(t("backup.restore"))
    upload = st.file_uploader(t("backup.upload"), type=["json", "sqlite", "db"], key="restore_upload")
    if upload is not None and st.button(t("backup.restore"), key="restore_go", icon=":material/restore:"):
        data = upload.getvalue()
        try:
            with db.write() as s:
                rows = backup.restore(session=s, data=data, expected_schema=sorted(current_heads(db.engine)))
        except AppError as err:
            show_error(err)
        else:
            st.success(t("backup.restored", rows=rows))
