"""The account page's notification settings: where to send (webhook URLs, e-mail address) and
which events on which channel."""

from __future__ import annotations

import streamlit as st

from core.notify import events, outbox, prefs, sender
from core.notify import settings as notify_settings
from core.validate import MAX_URL
from ui.notify import keys
from ui.shell.actions import act
from ui.shell.i18n import current_lang, t

WEBHOOKS = ("discord", "slack")


def notify_preferences(ctx) -> None:
    """Both forms of the signed-in member's notification settings."""
    st.subheader(t("notify.prefs.heading"))
    st.caption(t("notify.prefs.help"))
    email_on = notify_settings.load().smtp.enabled
    with ctx.db.read() as s:
        where = prefs.addresses(session=s, member_id=ctx.actor.id)
        chosen = prefs.matrix(session=s, member_id=ctx.actor.id)
        failing = outbox.own_problems(session=s, member_id=ctx.actor.id)
    lang = current_lang()
    for channel, delivery in failing.items():
        st.warning(
            t(
                "notify.prefs.failing",
                channel=t(f"notify.channel.{channel}"),
                attempts=delivery.attempts,
                error=sender.error_text(delivery.last_error, lang),
            ),
            icon=":material/sync_problem:",
        )
    _addresses(ctx, where, email_on)
    _choices(ctx, chosen, email_on)


def _addresses(ctx, where: dict[str, str], email_on: bool) -> None:
    with st.form(keys.CHANNELS_FORM):
        st.markdown(f"**{t('notify.prefs.channels')}**")
        values = {
            channel: st.text_input(
                t(prefs.ADDRESS_FIELDS[channel]),
                value=where[channel],
                max_chars=MAX_URL,
                help=t("notify.prefs.webhook_help"),
                key=keys.address(channel),
            )
            for channel in WEBHOOKS
        }
        if email_on:
            values["email"] = st.text_input(
                t(prefs.ADDRESS_FIELDS["email"]),
                value=where["email"],
                max_chars=prefs.MAX_EMAIL,
                key=keys.address("email"),
            )
        else:
            st.caption(t("notify.prefs.email_off"))
        saved = st.form_submit_button(t("notify.prefs.save_channels"), type="primary")
    if saved:
        act(
            ctx.db,
            lambda s: prefs.set_addresses(session=s, by=ctx.actor, values=values),
            done="notify.prefs.channels_saved",
        )


def _choices(ctx, chosen: dict[tuple[str, str], bool], email_on: bool) -> None:
    shown = [c for c in events.CHANNELS if c != "email" or email_on]
    lang = current_lang()
    with st.form(keys.EVENTS_FORM):
        st.markdown(f"**{t('notify.prefs.events')}**")
        widths = [3] + [1] * len(shown)
        header = st.columns(widths)
        header[0].caption(t("notify.prefs.event"))
        for col, channel in zip(header[1:], shown, strict=True):
            col.caption(t(f"notify.channel.{channel}"))
        picked: dict[tuple[str, str], bool] = {}
        for event in events.EVENTS:
            row = st.columns(widths, vertical_alignment="center")
            row[0].write(events.label(event, lang))
            for col, channel in zip(row[1:], shown, strict=True):
                picked[(event, channel)] = col.checkbox(
                    f"{events.label(event, lang)} · {t(f'notify.channel.{channel}')}",
                    value=chosen[(event, channel)],
                    key=keys.choice(event, channel),
                    label_visibility="collapsed",
                )
        saved = st.form_submit_button(t("notify.prefs.save_events"), type="primary")
    if saved:
        act(
            ctx.db,
            lambda s: prefs.set_matrix(session=s, by=ctx.actor, choices=picked),
            done="notify.prefs.events_saved",
        )
