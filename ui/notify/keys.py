"""Every st.session_state key of the notification screens, defined once (tests use the same values)."""

from __future__ import annotations

BELL = "notify_bell"
MARK_ALL = "notify_mark_all"
CHANNELS_FORM = "notify_channels"
EVENTS_FORM = "notify_events"
RETRY = "notify_retry"


def address(channel: str) -> str:
    """The preferences form's address field of an outbound channel."""
    return f"notify_addr_{channel}"


def choice(event: str, channel: str) -> str:
    """The preferences form's checkbox for one event on one channel."""
    return f"notify_pref_{event}_{channel}"


def mark_read(notice_id: int) -> str:
    """The inbox's "mark read" button of one notice."""
    return f"notify_read_{notice_id}"


def open_notice(notice_id: int) -> str:
    """The inbox's "open" button of one notice."""
    return f"notify_open_{notice_id}"
