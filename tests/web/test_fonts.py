"""The served NanumGothic, split in two per weight by scripts/subset_fonts.py: the common file
holds every character of the app's own catalogs (the interface never needs the rest file), the
two files together hold exactly the full font's characters, and .streamlit/config.toml declares
each weight's rest face first with a range that covers all it holds, then the common face."""

from __future__ import annotations

import tomllib

import pytest
from fontTools.ttLib import TTFont

from core.i18n import catalogs
from tests.support.paths import ROOT

STATIC = ROOT / "static"
SOURCES = {"400": STATIC / "NanumGothic.ttf", "700": STATIC / "NanumGothicBold.woff2"}
NAMES = {"400": "regular", "700": "bold"}


def cmap(path) -> set[int]:
    return set(TTFont(path).getBestCmap())


def in_range(cp: int, unicode_range: str) -> bool:
    for part in unicode_range.split(","):
        lo, _, hi = part.strip().removeprefix("U+").partition("-")
        if int(lo, 16) <= cp <= int(hi or lo, 16):
            return True
    return False


def nanum_faces() -> list[dict]:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    return [f for f in config["theme"]["fontFaces"] if f["family"] == "nanum"]


@pytest.mark.parametrize("weight", ["400", "700"])
def test_each_weight_is_split_without_losing_a_character(weight):
    common = cmap(STATIC / f"nanum-{NAMES[weight]}-common.woff2")
    rest = cmap(STATIC / f"nanum-{NAMES[weight]}-rest.woff2")
    assert not common & rest
    assert common | rest == cmap(SOURCES[weight])
    needed = {ord(ch) for table in catalogs().values() for text in table.values() for ch in text}
    assert not {cp for cp in needed if cp in rest}, "a catalog character is only in the rest file"
    assert ord("가") in common and ord("₩") in common and ord("똠") in rest  # 똠: not in KS X 1001


@pytest.mark.parametrize("weight", ["400", "700"])
def test_the_config_declares_the_rest_face_first_with_a_range_covering_it(weight):
    faces = [f for f in nanum_faces() if str(f["weight"]) == weight]
    assert [f["url"].rsplit("/", 1)[-1] for f in faces] == [
        f"nanum-{NAMES[weight]}-rest.woff2",
        f"nanum-{NAMES[weight]}-common.woff2",
    ]
    rest, common = faces
    assert "unicodeRange" not in common  # tried first by the browser, for every character
    uncovered = [
        cp
        for cp in cmap(STATIC / rest["url"].removeprefix("app/static/"))
        if not in_range(cp, rest["unicodeRange"])
    ]
    assert not uncovered, f"rest characters outside its range: {uncovered[:5]}"
