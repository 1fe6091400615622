"""Leaders: outbound deliveries that failed (retrying or stopped), why, and a retry button; and a
notice when this process does not run the sender."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.notify import events, outbox, sender
from ui.notify import keys
from ui.shell.actions import act
from ui.shell.i18n import current_lang, t
from ui.shell.time import show


def delivery_problems(ctx) -> None:
    """The leaders' section of the inbox page."""
    st.subheader(t("notify.problems.heading"))
    with ctx.db.read() as s:
        rows = outbox.problems(session=s, by=ctx.actor)
        waiting = outbox.pending_count(session=s)
    if waiting and not sender.RUNNING.is_set():
        st.info(t("notify.inbox.no_sender"), icon=":material/schedule_send:")
    if not rows:
        st.caption(t("notify.problems.none"))
        return
    st.caption(t("notify.problems.help", max=sender.MAX_ATTEMPTS))
    lang = current_lang()
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("notify.problems.member"): member.display_name,
                    t("notify.problems.channel"): t(f"notify.channel.{d.channel}"),
                    t("notify.problems.event"): events.label(notice.event, lang),
                    t("notify.problems.attempts"): d.attempts,
                    t("notify.problems.state"): t(f"notify.problems.state.{d.status}"),
                    t("notify.problems.next"): show(d.next_at) if d.status == "pending" else "–",
                    t("notify.problems.error"): sender.error_text(d.last_error, lang),
                }
                for d, notice, member in rows
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    if st.button(t("notify.problems.retry"), key=keys.RETRY, icon=":material/replay:"):
        act(
            ctx.db,
            lambda s: outbox.retry_failed(session=s, by=ctx.actor),
            done="notify.problems.retried",
            params=lambda n: {"count": n},
        )
