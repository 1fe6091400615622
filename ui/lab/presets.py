"""Moved: the presets and tab defaults live in core/lab/presets.py. This name only forwards them
until tests/support/lab.py imports from there; then this file goes."""

from core.lab.presets import MODEL_TABS, PRESETS, TAB_LABELS, TABS, tab_default

__all__ = ["MODEL_TABS", "PRESETS", "TAB_LABELS", "TABS", "tab_default"]
