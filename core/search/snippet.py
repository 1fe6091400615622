"""A snippet: the stretch of a hit's plain text that shows most of the query's words, with the
places to highlight. Plain text and character ranges only: a screen escapes the text first and
only then wraps the ranges in its highlight marks, so nothing a member typed becomes markup."""

from __future__ import annotations

import html
from dataclasses import dataclass

from core.search.text import fold_map, nfc

WIDTH = 160  # characters of text around the matches
ELLIPSIS = "…"


@dataclass(frozen=True)
class Snippet:
    """Plain `text` and the (start, end) ranges of it that matched, sorted and not overlapping."""

    text: str
    marks: tuple[tuple[int, int], ...] = ()

    def __str__(self) -> str:
        return self.text

    def __contains__(self, part: str) -> bool:
        return part in self.text

    def parts(self) -> list[tuple[str, bool]]:
        """The text cut at the marks: (piece, highlighted?) in order."""
        out: list[tuple[str, bool]] = []
        pos = 0
        for a, b in self.marks:
            if a > pos:
                out.append((self.text[pos:a], False))
            out.append((self.text[a:b], True))
            pos = b
        if pos < len(self.text):
            out.append((self.text[pos:], False))
        return out

    def html(self) -> str:
        """The snippet as HTML: every piece escaped first, then the matches wrapped in <mark>."""
        return "".join(
            f"<mark>{html.escape(piece)}</mark>" if hit else html.escape(piece) for piece, hit in self.parts()
        )


def _spans(folded: str, origin: list[int], spelling: str) -> list[tuple[int, int]]:
    out, start = [], folded.find(spelling)
    while start >= 0 and spelling:
        end = start + len(spelling)
        out.append((origin[start], origin[end - 1] + 1))
        start = folded.find(spelling, end)
    return out


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def matches(text: str, groups: list[tuple[str, ...]]) -> list[tuple[int, tuple[int, int]]]:
    """(group index, span) of every spelling of every group found in `text` (NFC)."""
    folded, origin = fold_map(text)
    return [
        (gi, span) for gi, group in enumerate(groups) for s in group for span in _spans(folded, origin, s)
    ]


def highlight(text: str, groups: list[tuple[str, ...]]) -> Snippet:
    """All of `text` (a title) with its matches marked."""
    text = nfc(text)
    return Snippet(text, tuple(_merge([span for _, span in matches(text, groups)])))


def _window(text: str, found: list[tuple[int, tuple[int, int]]], width: int) -> int:
    """The start of the window of `width` that covers the most groups (the earliest of equals)."""
    best, best_start = -1, 0
    for _, (a, _b) in sorted(found, key=lambda f: f[1]):
        start = max(0, min(a - width // 4, len(text) - width))
        covered = {gi for gi, (x, y) in found if x >= start and y <= start + width}
        if len(covered) > best:
            best, best_start = len(covered), start
    if best_start:  # begin at a word
        space = text.find(" ", best_start, best_start + 12)
        if space >= 0:
            best_start = space + 1
    return best_start


def make_snippet(text: str, groups: list[tuple[str, ...]], width: int = WIDTH) -> Snippet:
    """The window of `text` (plain) showing most of the groups' spellings, marks inside it."""
    text = nfc(text)
    found = matches(text, groups)
    start = _window(text, found, width) if found else 0
    end = min(len(text), start + width)
    if end < len(text):  # end at a word
        space = text.rfind(" ", end - 12, end)
        end = space if space > start else end
    head = ELLIPSIS if start else ""
    tail = ELLIPSIS if end < len(text) else ""
    shift = len(head) - start
    marks = [(max(a, start) + shift, min(b, end) + shift) for _, (a, b) in found if a < end and b > start]
    return Snippet(head + text[start:end] + tail, tuple(_merge(marks)))
