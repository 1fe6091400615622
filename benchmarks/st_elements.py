"""What a page shows, as Streamlit's protocol carries it (for benchmarks/st_client.py): the
elements on screen, a widget's user key and visible text, and the WidgetState a browser sends for a
value it sets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from streamlit.proto.WidgetStates_pb2 import WidgetState


class ClientError(RuntimeError):
    """The app did not answer as expected (no such widget, a run that never finished)."""


WIDGET_KINDS = {
    "button",
    "checkbox",
    "number_input",
    "text_input",
    "text_area",
    "selectbox",
    "multiselect",
    "slider",
    "radio",
    "download_button",
    "button_group",
}
_KEYED = re.compile(r"^\$\$ID-[0-9a-f]+-(.+)$")


@dataclass
class Shown:
    """An element on screen: its kind ("button", "alert"...), its proto and when it came."""

    kind: str
    proto: Any
    at: float
    run: int  # the full run that last drew it
    fragment_id: str = ""


def widget_key(widget_id: str) -> str | None:
    """The user key of a widget id (None for a widget without a key)."""
    m = _KEYED.match(widget_id)
    return m.group(1) if m else None


def text_of(kind: str, proto: Any) -> str:
    """The visible text of an element (markdown, alert, progress, a widget's label)."""
    if kind == "markdown":
        return proto.body
    if kind == "alert":
        return proto.body
    if kind == "progress":
        return proto.text
    if kind in ("heading", "text"):
        return getattr(proto, "body", "")
    return getattr(proto, "label", "")


def widget_state(proto, kind: str, value: Any) -> WidgetState:
    """The WidgetState a browser sends for `value` in this widget."""
    s = WidgetState(id=proto.id)
    if kind in ("text_input", "text_area"):
        s.string_value = str(value)
    elif kind == "number_input":
        if proto.data_type == type(proto).INT:
            s.int_value = int(value)
        else:
            s.double_value = float(value)
    elif kind == "checkbox":
        s.bool_value = bool(value)
    else:
        raise ClientError(f"setting a {kind or 'unknown'} widget is not supported")
    return s
