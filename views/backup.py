"""Leader page: download a full backup; restore is offered while no account exists."""

import streamlit as st

from core import backup
from core.timezone import now_utc
from ui.shell.actions import attempt
from ui.shell.frame import frame
from ui.shell.i18n import t
from ui.shell.time import show

ctx = frame()
st.title(t("backup.title"))
st.write(t("backup.intro"))
st.warning(t("backup.sensitive"), icon=":material/lock:")
stamp = show(now_utc(), "stamp")


def _export_json() -> str:
    with ctx.db.read() as s:
        return backup.export_json(session=s, by=ctx.actor)


payload = attempt(_export_json)
if payload is not None:
    st.download_button(
        t("backup.download_json"),
        payload,
        file_name=f"study-backup-{stamp}.json",
        mime="application/json",
        icon=":material/download:",
    )
    if ctx.db.dialect == "sqlite":
        snapshot = attempt(lambda: backup.sqlite_snapshot(engine=ctx.db.engine, by=ctx.actor))
        if snapshot is not None:
            st.download_button(
                t("backup.download_sqlite"),
                snapshot,
                file_name=f"study-backup-{stamp}.sqlite",
                mime="application/vnd.sqlite3",
                icon=":material/database:",
            )
st.caption(t("backup.restore_hint"))
