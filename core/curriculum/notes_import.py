"""Note import: pasted text or an uploaded .md / .txt from a blog or a notebook, normalised so
that Streamlit's Markdown + KaTeX renders it.

What breaks rendering in real pasted notes (see the seeds): an inline `$` formula split over
three lines by a blog exporter, `$$` blocks glued to list markers or to the next sentence,
`\\[ \\]` / `\\( \\)` delimiters that Markdown does not know, a lone `$` that would pair with a
formula paragraphs later, and stray HTML (`<br>`, `<span style=...>`, entities). Code (fenced
or inline) is left exactly as it was.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath

from core.errors import InvalidInput
from core.validate import decode_text_upload

MAX_IMPORT_BYTES = 200 * 1024
ALLOWED_SUFFIXES = (".md", ".markdown", ".txt")
MAX_INLINE_LINES = 8  # an inline formula split over more lines than this is not one formula

_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
_FENCE = re.compile(r"^(```|~~~)[^\n]*\n.*?^\1[ \t]*$", re.M | re.S)
_INLINE_CODE = re.compile(r"`[^`\n]+`")
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
_BRACKET_DISPLAY = re.compile(r"\\\[(.+?)\\\]", re.S)
_PAREN_INLINE = re.compile(r"\\\((.+?)\\\)", re.S)
_DROP_BLOCKS = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_BREAK = re.compile(r"<br\s*/?>", re.I)
_BLOCK_TAG = re.compile(r"</?(p|div|section|article|h[1-6]|ul|ol|table|tr|blockquote)\b[^>]*>", re.I)
_LI = re.compile(r"<li\b[^>]*>", re.I)
_BOLD = re.compile(r"</?(b|strong)\s*>", re.I)
_ITALIC = re.compile(r"</?(i|em)\s*>", re.I)
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(\s[^<>]*)?/?>")
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_INVISIBLE = str.maketrans(
    {
        "\u00a0": " ",
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\ufeff": None,
        "\u2028": "\n",
        "\u2029": "\n",
    }
)


@dataclass
class Normalised:
    """The cleaned Markdown, what was fixed (fix key -> count) and a suggested title."""

    text: str
    fixes: Counter = field(default_factory=Counter)
    title: str = ""


class _Slots:
    """Holds protected pieces (code, formulas) out of the text behind private-use markers."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def put(self, piece: str) -> str:
        self.items.append(piece)
        return f"\ue000{len(self.items) - 1}\ue001"

    def restore(self, text: str) -> str:
        # Restore repeatedly: a formula slot may hold text that itself held a code slot.
        pattern = re.compile("\ue000(\\d+)\ue001")
        while pattern.search(text):
            text = pattern.sub(lambda m: self.items[int(m.group(1))], text)
        return text


def _strip_html(text: str, fixes: Counter) -> str:
    before = text
    text = _DROP_BLOCKS.sub("", text)
    text = _COMMENT.sub("", text)
    text = _BREAK.sub("\n", text)
    text = _BLOCK_TAG.sub("\n\n", text)
    text = _LI.sub("\n- ", text)
    text = _BOLD.sub("**", text)
    text = _ITALIC.sub("*", text)
    text = _TAG.sub("", text)
    if text != before:
        fixes["html"] += 1
    if _ENTITY.search(text):
        text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
        fixes["entities"] += 1
    return text


def _display_block(inner: str, before: str, after: str) -> str:
    # KaTeX blocks break on blank lines inside them, and remark-math only treats `$$` as a block
    # when it stands on its own line: put it there, with the text around it on its own lines.
    body = "\n".join(line for line in inner.strip().split("\n") if line.strip())
    out = ""
    lead = before.rstrip()
    if lead and lead not in ("-", "*", "+"):
        out += lead + "\n\n"
    out += f"$$\n{body}\n$$"
    tail = after.strip()
    if tail:
        out += "\n\n" + tail
    return out


def _fix_display(text: str, slots: _Slots, fixes: Counter) -> str:
    # Rebuild line by line: each display formula replaces its whole line (prefix and tail).
    out, pos = [], 0
    for m in _DISPLAY.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        if line_start < pos:  # two formulas on one line: the first already took the line
            line_start = pos
        line_end = text.find("\n", m.end())
        line_end = len(text) if line_end < 0 else line_end
        nxt = _DISPLAY.search(text, m.end())
        if nxt and nxt.start() < line_end:
            line_end = m.end()
        before, after = text[line_start : m.start()], text[m.end() : line_end]
        block = _display_block(m.group(1), before, after)
        if block.strip() != text[line_start:line_end].strip():
            fixes["display"] += 1
        out.append(text[pos:line_start])
        # Blank lines around it, or the block would continue the list item above it.
        out.append("\n\n" + slots.put(block) + "\n\n")
        pos = line_end
    out.append(text[pos:])
    return "".join(out)


def _looks_like_split_formula(inner: str) -> bool:
    lines = [ln for ln in inner.split("\n")]
    return (
        len(lines) <= MAX_INLINE_LINES
        and "\n\n" not in inner.strip()
        and not _HANGUL.search(inner)
        and "\ue000" not in inner
        and inner.strip() != ""
    )


def _fix_inline(text: str, fixes: Counter) -> str:
    out, i = [], 0
    while True:
        start = _next_dollar(text, i)
        if start < 0:
            out.append(text[i:])
            return "".join(out)
        end = _next_dollar(text, start + 1)
        inner = text[start + 1 : end] if end >= 0 else ""
        if end >= 0 and "\n" not in inner and inner.strip():
            out.append(text[i : end + 1])
            i = end + 1
        elif end >= 0 and "\n" in inner and _looks_like_split_formula(inner):
            out.append(text[i:start] + "$" + " ".join(inner.split()) + "$")
            fixes["split_inline"] += 1
            i = end + 1
        else:
            # A lone `$` (its formula was lost, or it is a price): keep it literal so it cannot
            # pair with a formula further on and turn the paragraphs between into maths.
            out.append(text[i:start] + "\\$")
            fixes["lone_dollar"] += 1
            i = start + 1


def _next_dollar(text: str, i: int) -> int:
    while True:
        j = text.find("$", i)
        if j < 0 or j == 0 or text[j - 1] != "\\":
            return j
        i = j + 1


def normalise(raw: str) -> Normalised:
    """Clean pasted or uploaded note text so Markdown + LaTeX render; reports what it fixed."""
    fixes: Counter = Counter()
    text = raw.replace("\r\n", "\n").replace("\r", "\n").translate(_INVISIBLE)
    slots = _Slots()
    text = _FENCE.sub(lambda m: slots.put(m.group(0)), text)
    text = _INLINE_CODE.sub(lambda m: slots.put(m.group(0)), text)
    text = _strip_html(text, fixes)

    def bracket(m: re.Match) -> str:
        fixes["brackets"] += 1
        return f"$${m.group(1)}$$"

    def paren(m: re.Match) -> str:
        fixes["brackets"] += 1
        return f"${' '.join(m.group(1).split())}$"

    text = _BRACKET_DISPLAY.sub(bracket, text)
    text = _PAREN_INLINE.sub(paren, text)
    text = _fix_display(text, slots, fixes)
    text = _fix_inline(text, fixes)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    text = slots.restore(text)
    return Normalised(text=text + "\n" if text else "", fixes=fixes, title=_guess_title(text))


def _guess_title(text: str) -> str:
    for line in text.split("\n"):
        line = line.strip().lstrip("#").strip()
        if line and "$" not in line and "\ue000" not in line:
            return line[:200]
    return ""


def from_paste(text: str) -> Normalised:
    """Normalise pasted text, refusing more than the size limit."""
    if len((text or "").encode("utf-8")) > MAX_IMPORT_BYTES:
        raise InvalidInput("common.error.upload_too_large", max_kb=MAX_IMPORT_BYTES // 1024)
    if not (text or "").strip():
        raise InvalidInput("cur.error.import_empty")
    return normalise(text)


def from_upload(data: bytes, filename: str) -> Normalised:
    """Decode and normalise an uploaded .md / .txt (size, type and text checks first)."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise InvalidInput("cur.error.import_type", allowed=", ".join(ALLOWED_SUFFIXES))
    text = decode_text_upload(data, max_bytes=MAX_IMPORT_BYTES)
    if not text.strip():
        raise InvalidInput("cur.error.import_empty")
    result = normalise(text)
    if not result.title:
        result.title = PurePath(filename).stem[:200]
    return result
