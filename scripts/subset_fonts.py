"""Split the served NanumGothic faces in two, so a first visit downloads and decodes a fraction.

    .venv/bin/python scripts/subset_fonts.py            # writes static/nanum-*.woff2 and prints the config

The full faces (1.8 MB each as woff2, some 16,000 glyphs with every Hangul syllable and 4,888
Hanja) were on the Lab's cold-start path: blocking them in chromium drew the page 0.7-0.9 s
sooner on the 2-core VM (docs/benchmarks.md, "Lab cold start"). Each weight is now two files:

- `common`: ASCII, Latin-1, punctuation and symbols, Hangul Jamo, the 2,350 Hangul syllables of
  KS X 1001 (what EUC-KR encodes: nearly all Korean text) and every character of the app's own
  KO / EN catalogs (core.i18n), so the interface itself never needs the second file;
- `rest`: every other character of the font (the remaining syllables, Hanja, ...), which the
  browser downloads only when a page shows a character the common file lacks.

Both share the family `nanum` (`.streamlit/config.toml`): the rest face first, with a coarse
`unicode-range` (the 256-character pages it has characters in, printed here), then the common
face without one. Browsers try the face defined last first and go to an earlier one (loading it)
only for a character it lacks: a page of ordinary Korean and English loads the common file alone
(checked in chromium: tests/e2e/test_foundation_browser.py).

The input is `static/NanumGothic.ttf` (also the font of exported charts) and, for the bold face,
`static/NanumGothicBold.woff2`. Needs fonttools and brotli (requirements-dev.txt).
`tests/web/test_fonts.py` checks the split against the config and the catalogs.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "static"
SOURCES = {"regular": STATIC / "NanumGothic.ttf", "bold": STATIC / "NanumGothicBold.woff2"}
# Blocks kept whole in the common file (besides KS X 1001's syllables and the catalogs).
COMMON_BLOCKS = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1
    (0x2000, 0x206F),  # general punctuation
    (0x20A0, 0x20CF),  # currency signs (₩)
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators
    (0x2460, 0x24FF),  # enclosed numbers
    (0x25A0, 0x25FF),  # geometric shapes
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3131, 0x318E),  # Hangul compatibility Jamo
    (0xFF01, 0xFF5E),  # full-width forms (a Korean IME types these)
)


def output(weight: str, part: str) -> Path:
    return STATIC / f"nanum-{weight}-{part}.woff2"


def catalog_chars() -> set[int]:
    sys.path.insert(0, str(ROOT))
    from core.i18n import catalogs

    return {ord(ch) for table in catalogs().values() for text in table.values() for ch in text}


def ks_x_1001_syllables() -> set[int]:
    """The 2,350 precomposed syllables of KS X 1001 (those EUC-KR can encode)."""
    out = set()
    for cp in range(0xAC00, 0xD7A4):
        try:
            code = chr(cp).encode("euc_kr")
        except UnicodeEncodeError:
            continue
        if len(code) == 2:  # Python's codec spells the other syllables as 8-byte Jamo sequences
            out.add(cp)
    return out


def common_set(cmap: set[int]) -> set[int]:
    wanted = ks_x_1001_syllables() | catalog_chars()
    for lo, hi in COMMON_BLOCKS:
        wanted |= set(range(lo, hi + 1))
    return wanted & cmap


def ranges(cps: set[int]) -> str:
    """CSS unicode-range of a set of code points (consecutive runs merged)."""
    out, run = [], None
    for cp in sorted(cps):
        if run and cp == run[1] + 1:
            run[1] = cp
            continue
        if run:
            out.append(run)
        run = [cp, cp]
    if run:
        out.append(run)
    return ", ".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in out)


def pages(cps: set[int]) -> str:
    """A short, coarse unicode-range: the 256-character pages holding `cps`, runs merged."""
    blocks = {cp >> 8 for cp in cps}
    return ranges({cp for b in blocks for cp in range(b << 8, (b << 8) + 256)})


def split(weight: str, source: Path) -> dict[str, set[int]]:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    cmap = set(TTFont(source).getBestCmap())
    common = common_set(cmap)
    parts = {"common": common, "rest": cmap - common}
    for part, cps in parts.items():
        opts = subset.Options()
        opts.flavor = "woff2"
        opts.layout_features = ["*"]
        opts.name_IDs = ["*"]
        opts.notdef_outline = True
        font = TTFont(source)
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=sorted(cps))
        sub.subset(font)
        font.flavor = "woff2"
        font.save(output(weight, part))
    return parts


def main() -> int:
    for weight, source in SOURCES.items():
        parts = split(weight, source)
        for part, cps in parts.items():
            path = output(weight, part)
            print(f"# {path.name}: {len(cps)} characters, {path.stat().st_size / 1024:.0f} KiB")
            if part == "rest":
                print(f'#   unicodeRange = "{pages(cps)}"')
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
