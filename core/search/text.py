"""Plain text for the search index and its snippets, made from a member's Markdown + LaTeX.

What a reader would see, flattened to one line: code fences, table pipes and delimiter rows,
heading / quote / list markers, emphasis marks and link targets go; formulas become their
letters and symbols (`$\\sqrt{d_k}$` -> `√ d_k`), so `d_k` is still found and no `$` or `\\`
reaches a snippet. HTML stays as text: it is escaped where a snippet is drawn, never stripped
by guesswork here.

`fold` is the one normalisation for matching (NFC, then NFKC + case folding per character) and
`fold_map` keeps, for every folded character, the index of the original character it came from,
so a match found in folded text is highlighted at the right place of the original.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]", re.S)
_INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\s)([^$\n]+?)(?<!\s)\$(?!\d)|\\\((.+?)\\\)")
_DELIMITER_ROW = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_BLOCK_MARK = re.compile(r"^\s{0,3}(?:>\s?)*(?:#{1,6}\s+|[-+*]\s+(?:\[[ xX]\]\s+)?|\d{1,9}[.)]\s+)?")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_EMPHASIS = re.compile(r"\*{1,3}|~~|(?<!\w)_{1,3}|_{1,3}(?!\w)")
_LATEX_CMD = re.compile(r"\\([A-Za-z]+)\s*")
_LATEX_NOISE = re.compile(r"[{}]|\\[,;:! ]|\\\\|&")
_SPACE = re.compile(r"\s+")

# Commands a reader knows by their symbol; other commands keep their name (\softmax -> softmax).
_SYMBOLS = {
    "sqrt": "√",
    "cdot": "·",
    "times": "×",
    "sum": "Σ",
    "prod": "Π",
    "int": "∫",
    "infty": "∞",
    "in": "∈",
    "le": "≤",
    "leq": "≤",
    "ge": "≥",
    "geq": "≥",
    "ne": "≠",
    "neq": "≠",
    "approx": "≈",
    "to": "→",
    "rightarrow": "→",
    "leftarrow": "←",
    "partial": "∂",
    "nabla": "∇",
    "odot": "⊙",
    "otimes": "⊗",
    "oplus": "⊕",
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ε",
    "eta": "η",
    "theta": "θ",
    "lambda": "λ",
    "mu": "μ",
    "pi": "π",
    "sigma": "σ",
    "tau": "τ",
    "phi": "φ",
    "omega": "ω",
    "Sigma": "Σ",
    "Delta": "Δ",
}
# Layout-only commands: dropped, their argument kept (\frac{a}{b} -> a b, \mathbf{W} -> W).
_LAYOUT = frozenset(
    {"frac", "dfrac", "tfrac", "left", "right", "mathbf", "mathrm", "mathit", "mathcal", "boldsymbol",
     "text", "textbf", "operatorname", "hat", "bar", "tilde", "vec", "big", "Big", "quad", "qquad",
     "begin", "end", "displaystyle", "limits", "top"}
)  # fmt: skip


def _latex_command(m: re.Match) -> str:
    name = m.group(1)
    if name in _LAYOUT:
        return " "
    return f" {_SYMBOLS.get(name, name)} "


def flatten_math(tex: str) -> str:
    """A formula as letters and symbols: commands to their symbol or name, braces and `\\\\` gone."""
    tex = _LATEX_CMD.sub(_latex_command, tex)
    return _LATEX_NOISE.sub(" ", tex)


def _math(m: re.Match) -> str:
    return " " + flatten_math(m.group(1) or m.group(2) or "") + " "


def _table_cells(line: str) -> str:
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    return " · ".join(c for c in cells if c)


def _inline(line: str) -> str:
    line = _INLINE_MATH.sub(_math, line)
    line = _IMAGE.sub(r"\1", line)
    line = _LINK.sub(r"\1", line)
    line = _REF_LINK.sub(r"\1", line)
    line = _CODE_SPAN.sub(lambda m: m.group(2), line)
    return _EMPHASIS.sub("", line)


def plain_text(markdown: str | None) -> str:
    """The readable text of a Markdown + LaTeX source on one line (see the module docstring)."""
    source = _DISPLAY_MATH.sub(_math, (markdown or "").replace("\r\n", "\n").replace("\r", "\n"))
    lines = source.split("\n")
    out: list[str] = []
    fence: str | None = None
    table = False
    for i, line in enumerate(lines):
        m = _FENCE.match(line)
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            else:
                out.append(line.strip())  # code is text a member may look for; its fences are not
            continue
        if m:
            fence = m.group(1)
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if _DELIMITER_ROW.match(line) and "-" in line:
            table = True
            continue
        if not line.strip():
            table = False
            out.append("")
            continue
        if "|" in line and (table or _DELIMITER_ROW.match(nxt)):
            out.append(_inline(_table_cells(line)))
            continue
        out.append(_inline(_BLOCK_MARK.sub("", line, count=1)))
    return _SPACE.sub(" ", " ".join(out)).strip()


@lru_cache(maxsize=1 << 16)
def _fold_char(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch).casefold()


def fold(text: str) -> str:
    """The text as matching sees it: NFC, then each character NFKC-normalised and case-folded."""
    return "".join(map(_fold_char, unicodedata.normalize("NFC", text or "")))


def fold_map(text: str) -> tuple[str, list[int]] | tuple[str, range]:
    """(fold(text) of the NFC text, for each folded character the index of its source character
    in the NFC text). Callers that highlight pass NFC text (`nfc`)."""
    folded = "".join(map(_fold_char, text))
    if len(folded) == len(text):  # every character folded to one: positions are unchanged
        return folded, range(len(text))
    origin: list[int] = []
    for i, ch in enumerate(text):
        origin.extend([i] * len(_fold_char(ch)))
    return folded, origin


def nfc(text: str | None) -> str:
    """Composed Unicode (a Hangul syllable typed as separate jamo becomes one character)."""
    return unicodedata.normalize("NFC", text or "")
