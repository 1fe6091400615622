"""The restore form (setup screen): load a backup into a database with no real data yet."""

from __future__ import annotations

import streamlit as st

from core import backup
from db.engine import Database
from db.migrate import current_heads
from ui.shell.actions import act
from ui.shell.i18n import t
from ui.shell.keys import RESTORE_UPLOAD
from ui.shell.widgets import upload


def restore_form(db: Database) -> None:
    """Upload a backup and restore it (only into a database with no real data yet)."""
    st.subheader(t("backup.restore"))
    upload_file = upload(
        t("backup.upload"),
        max_bytes=backup.MAX_BACKUP_BYTES,
        types=["json", "sqlite", "db"],
        key=RESTORE_UPLOAD,
    )
    if upload_file is not None and st.button(
        t("backup.restore"), key="restore_go", icon=":material/restore:"
    ):
        data = upload_file.getvalue()
        # No rerun: the message stays in place under the form.
        act(
            db,
            lambda s: backup.restore(session=s, data=data, expected_schema=sorted(current_heads(db.engine))),
            rerun=False,
            on_success=lambda rows: st.success(t("backup.restored", rows=rows)),
        )
