"""Links between pages, by page key (the url_path in ui.shell.nav), never by file.

`page_link("write-review", label, query={"paper": "3"})` draws st.page_link, or a caption where
the page is not registered for this role (or in a harness that runs one page alone).
`lab_link` opens the Model Lab (url path "lab"), which reads `?preset=<name>` to open a preset,
`?run=<id>` to show a stored run, and its own tab configuration from the query string.
"""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException

from ui.shell.i18n import t
from ui.shell.nav import page_spec


def page_link(
    key: str,
    label: str,
    icon: str | None = None,
    query: dict | None = None,
    where=st,
    *,
    unavailable: str | None = None,
) -> bool:
    """st.page_link to the page `key` (icon: the page's own by default) with `query` as its query
    string; where the page is not registered, the label as a caption (with `unavailable` after it)."""
    spec = page_spec(key)
    params = {k: str(v) for k, v in (query or {}).items()}
    try:
        where.page_link(spec.file, label=label, icon=icon or spec.icon, query_params=params)
    except StreamlitAPIException:  # not registered for this role / page shown alone
        where.caption(label if unavailable is None else f"{label} — {unavailable}")
        return False
    return True


def lab_link(label: str, *, preset: str | None = None, run: int | str | None = None, where=st) -> None:
    """A page link into the Lab with ?preset= or ?run=; a caption if the Lab is not registered."""
    params = {k: v for k, v in (("preset", preset), ("run", run)) if v is not None}
    page_link("lab", label, query=params, where=where, unavailable=t("links.lab_unavailable"))
