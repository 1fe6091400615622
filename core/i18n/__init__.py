"""Translation machinery (Korean default, English) and a Streamlit-free `translate()`.

Each feature keeps its strings in its own catalog module (listed in CATALOGS: the shell's
`core/i18n/common.py`, `core/curriculum/catalog.py`, `core/reviews/catalog.py`,
`core/lab/catalog/`), defining two dicts, `KO` and `EN`, with the same keys and the same
`{placeholders}`. Keys are namespaced by feature: "cur.", "rev.", "lab.", ...
"""

from __future__ import annotations

import importlib
from functools import cache

LANGUAGES = ("ko", "en")
DEFAULT_LANGUAGE = "ko"
CATALOGS = (
    "core.i18n.common",
    "core.curriculum.catalog",
    "core.reviews.catalog",
    "core.lab.catalog.engine",
    "core.lab.catalog.page",
    "core.lab.catalog.charts",
    "core.lab.catalog.rooms",
    "core.lab.catalog.queue",
    "core.lab.catalog.teaching",
    "core.i18n.validation",
    "core.i18n.markdown",
    "core.i18n.accounts",
    "core.i18n.time",
    "core.curriculum.calendar_catalog",
    "core.notify.catalog",
    "core.search.catalog",
)


@cache
def catalogs() -> dict[str, dict[str, str]]:
    """Merge every feature catalog's KO/EN dicts into {"ko": {...}, "en": {...}}."""
    merged: dict[str, dict[str, str]] = {"ko": {}, "en": {}}
    for name in CATALOGS:
        mod = importlib.import_module(name)
        for lang, table in (("ko", getattr(mod, "KO", {})), ("en", getattr(mod, "EN", {}))):
            dup = set(merged[lang]) & set(table)
            if dup:
                raise RuntimeError(f"duplicate i18n keys in {name}: {sorted(dup)[:5]}")
            merged[lang].update(table)
    return merged


def translate(key: str, lang: str = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """Look `key` up in `lang` (falling back to Korean, then the key itself) and format it."""
    cats = catalogs()
    text = cats.get(lang, cats[DEFAULT_LANGUAGE]).get(key) or cats[DEFAULT_LANGUAGE].get(key) or key
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text
