"""The restore form (setup screen): load a backup into a database with no real data yet."""

from __future__ import annotations

import streamlit as st

from core import backup
from db.engine import Database
from db.migrate import current_heads
from ui.shell.actions import act
from ui.shell.i18n import t


def restore_form(db: Database) -> None:
    """Upload a backup and restore it (only into a database with no real data yet)."""
    st.subheader(t("backup.restore"))
    upload = st.file_uploader(t("backup.upload"), type=["json", "sqlite", "db"], key="restore_upload")
    if upload is not None and st.button(t("backup.restore"), key="restore_go", icon=":material/restore:"):
        data = upload.getvalue()
        # No rerun: the message stays in place under the form.
        act(
            db,
            lambda s: backup.restore(session=s, data=data, expected_schema=sorted(current_heads(db.engine))),
            rerun=False,
            on_success=lambda rows: st.success(t("backup.restored", rows=rows)),
        )
