"""Catalogs: every key in both languages with the same placeholders; used keys exist."""

import re
import string
from pathlib import Path

from core.i18n import catalogs, translate

ROOT = Path(__file__).resolve().parents[2]


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_korean_and_english_have_the_same_keys():
    cats = catalogs()
    missing_en = sorted(set(cats["ko"]) - set(cats["en"]))
    missing_ko = sorted(set(cats["en"]) - set(cats["ko"]))
    assert not missing_en, f"missing in English: {missing_en}"
    assert not missing_ko, f"missing in Korean: {missing_ko}"


def test_each_catalog_is_complete_and_keeps_to_its_namespace():
    """Per module of CATALOGS: the same keys in KO and EN, and a feature's keys under its prefix."""
    import importlib

    from core.i18n import CATALOGS

    prefix = {"core.curriculum.catalog": "cur.", "core.reviews.catalog": "rev.", "core.lab.catalog.": "lab."}
    for name in CATALOGS:
        mod = importlib.import_module(name)
        assert set(mod.KO) == set(mod.EN), (name, sorted(set(mod.KO) ^ set(mod.EN))[:5])
        want = next((p for mod_name, p in prefix.items() if name.startswith(mod_name)), None)
        if want:
            assert all(k.startswith(want) for k in mod.KO), (
                name,
                [k for k in mod.KO if not k.startswith(want)][:5],
            )
        else:  # the shell's catalog holds no feature's keys
            assert not [k for k in mod.KO if k.startswith(("cur.", "rev.", "lab."))], name


def test_placeholders_match_and_texts_are_not_empty():
    cats = catalogs()
    for key, ko in cats["ko"].items():
        en = cats["en"][key]
        assert ko.strip() and en.strip(), key
        assert _fields(ko) == _fields(en), f"{key}: {_fields(ko)} != {_fields(en)}"


def test_every_literal_key_used_in_code_exists():
    """t("x.y") / translate("x.y") / error keys in the code must be in the catalogs."""
    known = set(catalogs()["ko"])
    pattern = re.compile(r"""\b(?:t|translate|chart_text)\(\s*["']([a-z_]+\.[a-zA-Z0-9_.]+)["']""")
    missing = {}
    for folder in ("app.py", "views", "ui", "core"):
        base = ROOT / folder
        files = [base] if base.is_file() else base.rglob("*.py")
        for path in files:
            for key in pattern.findall(path.read_text(encoding="utf-8")):
                if key not in known:
                    missing.setdefault(key, str(path.relative_to(ROOT)))
    assert not missing, f"keys used but not in the catalogs: {missing}"


def test_translate_formats_and_falls_back():
    assert (
        translate("common.auth.locked", "en", seconds=30)
        == "Too many failed sign-ins. Try again in 30 seconds."
    )
    assert "30" in translate("common.auth.locked", "ko", seconds=30)
    assert translate("no.such.key", "en") == "no.such.key"
