"""Note import: pasted text or an uploaded .md / .txt from a blog or a notebook, normalised so
that Streamlit's Markdown + KaTeX renders it.

What breaks rendering in real pasted notes (see the seeds): an inline `$` formula split over
three lines by a blog exporter, `$$` blocks glued to list markers or to the next sentence,
`\\[ \\]` / `\\( \\)` delimiters that Markdown does not know, a lone `$` that would pair with a
formula paragraphs later, and stray HTML (`<br>`, `<span style=...>`, entities). Blog exports
also lose the blank lines between blocks, so Markdown glues a heading, a table-of-contents line
or the whole blog footer onto the list item above it: those blocks are separated again. Code
(fenced or inline) is left exactly as it was.

Every scan is linear in the text (a paste is up to MAX_IMPORT_BYTES of anything): pairs of
delimiters are found with `str.find`, never with a lazy `(.+?)` regex that retries from every
opener, and the placeholders that keep code and formulas out of the way use characters the text
does not contain, so input can neither forge nor point at one.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import PurePath

from core.curriculum.notes_blocks import restructure, take_title
from core.errors import InvalidInput
from core.validate import decode_text_upload

MAX_IMPORT_BYTES = 200 * 1024
ALLOWED_SUFFIXES = (".md", ".markdown", ".txt")
MAX_INLINE_LINES = 8  # an inline formula split over more lines than this is not one formula

_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
_FENCE_OPEN = re.compile(r"^(```|~~~)[^\n]*\n", re.M)
_FENCE_CLOSE = {fence: re.compile(rf"^{fence}[ \t]*$", re.M) for fence in ("```", "~~~")}
_INLINE_CODE = re.compile(r"`[^`\n]+`")
# Attribute runs stop at `<` as well as `>`: a scan from one unclosed tag ends where the next tag
# begins, so a paste of thousands of unclosed tags costs one pass, not one pass per tag.
_DROP_OPEN = re.compile(r"<(script|style)\b[^<>]*>", re.I)
_DROP_CLOSE = {name: re.compile(rf"</{name}\s*>", re.I) for name in ("script", "style")}
_BREAK = re.compile(r"<br\s*/?>", re.I)
_BLOCK_TAG = re.compile(r"</?(p|div|section|article|h[1-6]|ul|ol|table|tr|blockquote)\b[^<>]*>", re.I)
_LI = re.compile(r"<li\b[^<>]*>", re.I)
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

# Placeholder characters: private-use code points the text does not contain (a text of at most
# MAX_IMPORT_BYTES cannot hold all ~137,000 of them).
_MARK_CANDIDATES = chain(range(0xE000, 0xF900), range(0xF0000, 0xFFFFE), range(0x100000, 0x10FFFE))


@dataclass
class Normalised:
    """The cleaned Markdown, what was fixed (fix key -> count) and a suggested title."""

    text: str
    fixes: Counter = field(default_factory=Counter)
    title: str = ""


class Slots:
    """Holds protected pieces (code, formulas) out of the text behind `<open>n<close>` markers
    made of two characters the original text does not contain."""

    def __init__(self, text: str) -> None:
        present = set(text)
        free = (chr(c) for c in _MARK_CANDIDATES if chr(c) not in present)
        self.open, self.close = next(free, None), next(free, None)
        if self.close is None:  # only a text far above the import limit can use them all
            raise InvalidInput("common.error.upload_too_large", max_kb=MAX_IMPORT_BYTES // 1024)
        self._marker = re.compile(f"{re.escape(self.open)}([0-9]+){re.escape(self.close)}")
        self.items: list[str] = []

    def put(self, piece: str) -> str:
        self.items.append(piece)
        return f"{self.open}{len(self.items) - 1}{self.close}"

    def holds(self, text: str) -> bool:
        """Whether `text` contains a placeholder."""
        return self.open in text

    def only(self, line: str) -> bool:
        """Whether `line` is placeholders and nothing else (a code or formula block)."""
        return self.open in line and not self._marker.sub("", line).strip()

    def restore(self, text: str) -> str:
        """Put every piece back in one pass. A piece only holds markers of earlier pieces (a formula
        may hold a code span), so restoring them in order makes each one final before it is used."""
        done: list[str] = []
        for piece in self.items:
            done.append(self._marker.sub(lambda m: done[int(m.group(1))], piece))
        return self._marker.sub(lambda m: done[int(m.group(1))], text)


def _pairs(text: str, opener: str, closer: str, min_inner: int = 1) -> Iterator[tuple[int, int]]:
    """(start, end) of each `opener ... closer`, leftmost, shortest, not overlapping: the matches of
    the regex `opener(.{min_inner,}?)closer` (DOTALL), found in one pass. Once an opener has no
    closer after it, no later opener has one either, so the search stops there."""
    pos = 0
    while (start := text.find(opener, pos)) >= 0:
        end = text.find(closer, start + len(opener) + min_inner)
        if end < 0:
            return
        pos = end + len(closer)
        yield start, pos


def _replace_pairs(
    text: str, opener: str, closer: str, replace: Callable[[str], str], min_inner: int = 1
) -> str:
    """`text` with each `opener inner closer` replaced by `replace(inner)` (see _pairs)."""
    out, pos = [], 0
    for start, end in _pairs(text, opener, closer, min_inner):
        out.append(text[pos:start])
        out.append(replace(text[start + len(opener) : end - len(closer)]))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _protect_fences(text: str, slots: Slots) -> str:
    """Fenced code (a line starting ``` or ~~~ up to the next line of the same fence) into slots."""
    out, pos, unclosed = [], 0, set()
    while (m := _FENCE_OPEN.search(text, pos)) is not None:
        fence = m.group(1)
        close = None if fence in unclosed else _FENCE_CLOSE[fence].search(text, m.end())
        if close is None:  # and no later fence of this kind closes either
            unclosed.add(fence)
            out.append(text[pos : m.end()])
            pos = m.end()
            continue
        out.append(text[pos : m.start()])
        out.append(slots.put(text[m.start() : close.end()]))
        pos = close.end()
    out.append(text[pos:])
    return "".join(out)


def _drop_script_blocks(text: str) -> str:
    """`<script>` / `<style>` elements removed with their content."""
    out, pos, unclosed = [], 0, set()
    while (m := _DROP_OPEN.search(text, pos)) is not None:
        name = m.group(1).lower()
        close = None if name in unclosed else _DROP_CLOSE[name].search(text, m.end())
        if close is None:
            unclosed.add(name)
            out.append(text[pos : m.end()])
            pos = m.end()
            continue
        out.append(text[pos : m.start()])
        pos = close.end()
    out.append(text[pos:])
    return "".join(out)


def _strip_html(text: str, fixes: Counter) -> str:
    before = text
    text = _drop_script_blocks(text)
    text = _replace_pairs(text, "<!--", "-->", lambda _: "", min_inner=0)
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


def _fix_display(text: str, slots: Slots, fixes: Counter) -> str:
    # Rebuild line by line: each display formula replaces its whole line (prefix and tail). The
    # newline searches are bounded by the previous and the next formula, so a long line of
    # formulas is read once.
    spans = list(_pairs(text, "$$", "$$"))
    out, pos = [], 0
    for k, (start, end) in enumerate(spans):
        line_start = max(text.rfind("\n", pos, start) + 1, pos)  # a formula before took the rest
        nxt = spans[k + 1][0] if k + 1 < len(spans) else len(text)
        line_end = text.find("\n", end, nxt)
        if line_end < 0:  # the next formula is on this line: this one ends the line here
            line_end = end if k + 1 < len(spans) else len(text)
        before, after = text[line_start:start], text[end:line_end]
        block = _display_block(text[start + 2 : end - 2], before, after)
        if block.strip() != text[line_start:line_end].strip():
            fixes["display"] += 1
        out.append(text[pos:line_start])
        # Blank lines around it, or the block would continue the list item above it.
        out.append("\n\n" + slots.put(block) + "\n\n")
        pos = line_end
    out.append(text[pos:])
    return "".join(out)


def _looks_like_split_formula(inner: str, slots: Slots) -> bool:
    return (
        inner.count("\n") < MAX_INLINE_LINES
        and "\n\n" not in inner.strip()
        and not _HANGUL.search(inner)
        and not slots.holds(inner)
        and inner.strip() != ""
    )


def _fix_inline(text: str, slots: Slots, fixes: Counter) -> str:
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
        elif end >= 0 and "\n" in inner and _looks_like_split_formula(inner, slots):
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
    slots = Slots(text)
    text = _protect_fences(text, slots)
    text = _INLINE_CODE.sub(lambda m: slots.put(m.group(0)), text)
    text = _strip_html(text, fixes)

    def bracket(inner: str) -> str:
        fixes["brackets"] += 1
        return f"$${inner}$$"

    def paren(inner: str) -> str:
        fixes["brackets"] += 1
        return f"${' '.join(inner.split())}$"

    text = _replace_pairs(text, "\\[", "\\]", bracket)
    text = _replace_pairs(text, "\\(", "\\)", paren)
    text = _fix_display(text, slots, fixes)
    text = _fix_inline(text, slots, fixes)
    title, text = take_title(text, slots, fixes)
    text = restructure(text, slots, fixes)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    text = slots.restore(text)
    return Normalised(text=text + "\n" if text else "", fixes=fixes, title=title[:200])


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
