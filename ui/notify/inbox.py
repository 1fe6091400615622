"""The inbox page's list: newest first, unread ones marked; open (marks read and goes to the
page the notice is about), mark read, mark all read."""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException

from core.notify import events
from core.notify import inbox as notices
from ui.notify import keys
from ui.shell.actions import act
from ui.shell.i18n import current_lang, t
from ui.shell.nav import page_spec
from ui.shell.time import show


def _go(page: str, query: dict) -> None:
    try:
        st.switch_page(page_spec(page).file, query_params={k: str(v) for k, v in query.items()})
    except (StreamlitAPIException, ValueError, KeyError):  # not registered here: stay on the inbox
        st.rerun()


def inbox_section(ctx) -> None:
    """The signed-in member's notices with their read buttons."""
    with ctx.db.read() as s:
        rows = notices.notices(session=s, by=ctx.actor)
        unread = notices.unread_count(session=s, by=ctx.actor)
    if not rows:
        st.info(t("notify.inbox.empty"), icon=":material/notifications_none:")
        return
    head, button = st.columns([4, 1], vertical_alignment="center")
    head.caption(t("notify.inbox.unread", count=unread))
    if unread and button.button(t("notify.inbox.mark_all"), key=keys.MARK_ALL, icon=":material/done_all:"):
        act(
            ctx.db,
            lambda s: notices.mark_all_read(session=s, by=ctx.actor),
            done="notify.inbox.marked_all",
            params=lambda n: {"count": n},
        )
    lang = current_lang()
    for notice in rows:
        _notice(ctx, notice, lang)


def _notice(ctx, notice, lang: str) -> None:
    new = notice.read_at is None
    with st.container(border=True):
        text, actions = st.columns([5, 2], vertical_alignment="center")
        badge = f":orange-badge[{t('notify.inbox.new')}] " if new else ""
        text.markdown(f"{badge}**{events.label(notice.event, lang)}** · {show(notice.created_at)}")
        text.text(events.text(notice.event, notice.params, lang))  # user text (titles, names): never Markdown
        left, right = actions.columns(2)
        if notice.page and left.button(t("notify.inbox.open"), key=keys.open_notice(notice.id)):
            if act(
                ctx.db,
                lambda s: notices.mark_read(session=s, by=ctx.actor, notice_id=notice.id),
                rerun=False,
            ):
                _go(notice.page, notice.query or {})
        if new and right.button(t("notify.inbox.mark_read"), key=keys.mark_read(notice.id)):
            act(
                ctx.db,
                lambda s: notices.mark_read(session=s, by=ctx.actor, notice_id=notice.id),
                done="notify.inbox.marked",
            )
