"""What a member chose to hear about and where: the events x channels matrix (every choice on until
turned off) and the addresses of their outbound channels (a webhook URL, an e-mail address)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.accounts.members import Actor, require_member
from core.errors import InvalidInput
from core.notify import settings as notify_settings
from core.notify.events import CHANNELS, EVENTS, OUTBOUND
from core.validate import MAX_URL, FieldError, Problems
from db.models.notify import NotifyChannel, NotifyPref

MAX_EMAIL = 254
ADDRESS_FIELDS = {
    "discord": "notify.prefs.discord_url",
    "slack": "notify.prefs.slack_url",
    "email": "notify.prefs.email",
}
_EMAIL = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+")
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
# Where each webhook may point (a host or its subdomains): the server posts to the address a member
# typed, so it must not be one inside the server's own network.
WEBHOOK_HOSTS = {"discord": ("discord.com", "discordapp.com"), "slack": ("hooks.slack.com",)}


def _host_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == name or host.endswith("." + name) for name in allowed)


def check_webhook(
    value: str | None, field: str, *, channel: str = "discord", allow_local_http: bool | None = None
) -> str:
    """A webhook URL of `channel`: https to that service's host (http://127.0.0.1 when the test
    setting allows it); "" clears."""
    value = (value or "").strip()
    if not value:
        return ""
    if allow_local_http is None:
        allow_local_http = notify_settings.load().allow_local_http
    parts = urlsplit(value)
    if len(value) > MAX_URL or not parts.hostname:
        raise FieldError(field, "notify.error.https")
    local_http = allow_local_http and parts.scheme == "http" and parts.hostname in LOCAL_HOSTS
    if local_http:
        return value
    if parts.scheme != "https":
        raise FieldError(field, "notify.error.https")
    if not _host_allowed(parts.hostname, WEBHOOK_HOSTS[channel]):
        raise FieldError(field, "notify.error.webhook_host", hosts=", ".join(WEBHOOK_HOSTS[channel]))
    return value


def check_email(value: str | None, field: str, *, enabled: bool) -> str:
    """An e-mail address (only where the server sends e-mail); "" clears."""
    value = (value or "").strip()
    if not value:
        return ""
    if not enabled:
        raise FieldError(field, "notify.error.email_off")
    if len(value) > MAX_EMAIL or not _EMAIL.fullmatch(value):
        raise FieldError(field, "notify.error.email")
    return value


def matrix(*, session: Session, member_id: int) -> dict[tuple[str, str], bool]:
    """(event, channel) -> on? for every event and channel (a choice never made is on)."""
    chosen = {
        (p.event, p.channel): p.enabled
        for p in session.scalars(select(NotifyPref).where(NotifyPref.member_id == member_id))
    }
    return {(e, c): chosen.get((e, c), True) for e in EVENTS for c in CHANNELS}


def set_matrix(*, session: Session, by: Actor | None, choices: dict[tuple[str, str], bool]) -> None:
    """The member saves their own choices (pairs not given keep what they were)."""
    me = require_member(by)
    for event, channel in choices:
        if event not in EVENTS or channel not in CHANNELS:
            raise InvalidInput("notify.error.unknown_choice")
    current = {
        (p.event, p.channel): p
        for p in session.scalars(select(NotifyPref).where(NotifyPref.member_id == me.id))
    }
    for (event, channel), on in choices.items():
        row = current.get((event, channel))
        if row is None:
            session.add(NotifyPref(member_id=me.id, event=event, channel=channel, enabled=bool(on)))
        else:
            row.enabled = bool(on)
    session.flush()


def addresses(*, session: Session, member_id: int) -> dict[str, str]:
    """channel -> address for the member's outbound channels ("" where none is set)."""
    saved = {
        c.channel: c.address
        for c in session.scalars(select(NotifyChannel).where(NotifyChannel.member_id == member_id))
    }
    return {c: saved.get(c, "") for c in OUTBOUND}


def set_addresses(*, session: Session, by: Actor | None, values: dict[str, str]) -> dict[str, str]:
    """The member saves their channel addresses; every bad one is named at once and nothing is
    saved then (an empty address turns the channel off)."""
    me = require_member(by)
    conf = notify_settings.load()
    found = Problems()
    clean: dict[str, str] = {}
    for channel, raw in values.items():
        if channel not in OUTBOUND:
            raise InvalidInput("notify.error.unknown_choice")
        field = ADDRESS_FIELDS[channel]
        if channel == "email":
            value = found.check(check_email, raw, field, enabled=conf.smtp.enabled)
        else:
            value = found.check(
                check_webhook, raw, field, channel=channel, allow_local_http=conf.allow_local_http
            )
        if value is not None:
            clean[channel] = value
    found.raise_if_any()
    session.execute(
        delete(NotifyChannel).where(NotifyChannel.member_id == me.id, NotifyChannel.channel.in_(list(clean)))
    )
    for channel, value in clean.items():
        if value:
            session.add(NotifyChannel(member_id=me.id, channel=channel, address=value))
    session.flush()
    return addresses(session=session, member_id=me.id)
