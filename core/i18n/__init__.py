"""Translation catalogs (Korean default, English) and a Streamlit-free `translate()`.

Each domain keeps its strings in a module of this package (`common.py`, `curriculum.py`,
`reviews.py`, `lab.py`, ...) defining two dicts, `KO` and `EN`, with the same keys and the same
`{placeholders}`. Keys are namespaced by domain: "lab.train", "reviews.submit", ...
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

LANGUAGES = ("ko", "en")
DEFAULT_LANGUAGE = "ko"


@cache
def catalogs() -> dict[str, dict[str, str]]:
    """Merge every domain module's KO/EN dicts into {"ko": {...}, "en": {...}}."""
    merged: dict[str, dict[str, str]] = {"ko": {}, "en": {}}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        mod = importlib.import_module(f"{__name__}.{info.name}")
        for lang, table in (("ko", getattr(mod, "KO", {})), ("en", getattr(mod, "EN", {}))):
            dup = set(merged[lang]) & set(table)
            if dup:
                raise RuntimeError(f"duplicate i18n keys in {info.name}: {sorted(dup)[:5]}")
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
