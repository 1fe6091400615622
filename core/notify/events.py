"""The events a member can hear about, the channels they can hear on, and a notice's text."""

from __future__ import annotations

from core.i18n import translate

EVENTS = (
    "assigned",
    "due_soon",
    "overdue",
    "returned",
    "comment",
    "approved",
    "new_seminar",
    "seminar_soon",
    "answered",
)
INBOX = "inbox"
OUTBOUND = ("discord", "slack", "email")
CHANNELS = (INBOX, *OUTBOUND)


def label(event: str, lang: str) -> str:
    """The event's short name ("Review assigned")."""
    return translate(f"notify.event.{event}", lang)


def text(event: str, params: dict, lang: str) -> str:
    """The notice's sentence in `lang`, with its stored parameters filled in."""
    return translate(f"notify.text.{event}", lang, **{k: str(v) for k, v in (params or {}).items()})
