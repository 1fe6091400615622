"""Note import, block structure: a blog export loses the blank lines between blocks, so Markdown glues
a heading, a table-of-contents line or the whole blog footer onto the list item above it. These
line-by-line rules put the blocks back apart and take a standalone first line as the title.

Called by `notes_import.normalise` after code and formulas were put behind placeholders (`slots`).
Every rule looks at one line and its neighbour: linear in the text.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.curriculum.notes_import import Slots

MAX_TITLE_LINE = 120  # a longer first line is a paragraph, not a title
# Line shapes for putting back the block structure a blog export flattened.
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_ORDERED = re.compile(r"^\d{1,9}[.)][ \t]+")
_SUB_NUMBER = re.compile(r"^\d{1,3}(?:[-.]\d{1,3})+[.)]?[ \t]+\S")  # "1-1. ...", "2.3 ..."
_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_BULLET_CHAR = re.compile(r"^[ \t]*[•◦▪‣●][ \t]+")
_DELIMITER_CELL = re.compile(r":?-+:?")  # one cell of a table's "---|:---:|" row
# "[DL Basic] Chapter7. Sequential Models - RNN": a blog's section header (not a link, a link
# definition or a task box); a sentence ends in punctuation and stays a paragraph.
_BRACKET_HEADER = re.compile(r"^\[[^\[\]\n]{1,40}\][ \t]*[^\s(:\[\]][^\n]{0,80}$")
_SENTENCE_END = (".", "!", "?", "。", ":", ",")
_CONTENTS_WORDS = {"목차", "차례", "contents", "table of contents", "index"}


def _title_line(line: str, next_line: str, slots: Slots) -> str:
    """The title a note's first line gives: a heading, or a short line standing on its own (not a
    sentence, a list item, a formula, code or a table-of-contents label); else ''."""
    if slots.holds(line) or "$" in line:
        return ""
    if _HEADING.match(line):
        title = line.strip().lstrip("#").strip()
        closing = title.rstrip("#")  # "## Title ##": the closing run goes, "C#" stays
        if closing != title and (not closing or closing[-1] in " \t"):
            title = closing.strip()
        return title if len(title) <= MAX_TITLE_LINE else ""
    title = line.strip()
    alone = not next_line.strip() or _LIST_ITEM.match(next_line) or _HEADING.match(next_line)
    if (
        not alone
        or line[:1] in (" ", "\t", ">", "|")
        or _LIST_ITEM.match(line)
        or "|" in title
        or len(title) > MAX_TITLE_LINE
        or title.endswith(_SENTENCE_END)
        or title.casefold() in _CONTENTS_WORDS
    ):
        return ""
    return title


def take_title(text: str, slots: Slots, fixes: Counter) -> tuple[str, str]:
    """(title, text without it): the first line moves into the title when it is one, so the note
    does not show it twice; it stays when it is all there is."""
    lines = text.split("\n")
    first = next((k for k, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return "", text
    title = _title_line(lines[first], lines[first + 1] if first + 1 < len(lines) else "", slots)
    rest = "\n".join(lines[first + 1 :])
    if not title or not rest.strip():
        return title, text
    fixes["title"] += 1
    return title, rest


def _is_header(line: str, next_line: str) -> bool:
    """A blog section header like '[DL Basic] Chapter7. ...' standing above a list or alone."""
    stripped = line.strip()
    return (
        bool(_BRACKET_HEADER.match(stripped))
        and not stripped.endswith(_SENTENCE_END)
        and (not next_line.strip() or bool(_LIST_ITEM.match(next_line)))
    )


def _is_table_delimiter(line: str) -> bool:
    """A table's delimiter row: '---|---', '| :-- | --: |'."""
    cells = line.strip().strip("|").split("|")
    return "|" in line and all(_DELIMITER_CELL.fullmatch(cell.strip()) for cell in cells)


def restructure(text: str, slots: Slots, fixes: Counter) -> str:
    """Blank lines back where a blog export dropped them, so Markdown keeps blocks apart: a line
    after a list item would join the item (lazy continuation), a table would swallow the line
    after it, a list not starting at 1 would join the paragraph above. Sub-numbered lines of an
    ordered list ('1-1.') nest under their item, section headers become headings and '•'
    bullets become list items. Indented lines (continuations, code) are left to Markdown."""
    lines = text.split("\n")
    out: list[str] = []
    in_list = in_table = False
    parent = None  # content column of the ordered item that sub-numbered lines nest under

    def separate() -> None:
        if out and out[-1].strip():
            out.append("")
            fixes["blocks"] += 1

    for k, line in enumerate(lines):
        next_line = lines[k + 1] if k + 1 < len(lines) else ""
        if not line.strip():
            out.append(line)
            in_list = in_table = False
            parent = None
            continue
        if slots.only(line):  # a code or formula block
            out.append(line)
            in_list = in_table = False
            parent = None
            continue
        bullet = _BULLET_CHAR.match(line)
        if bullet:
            line = "- " + line[bullet.end() :]
            fixes["bullets"] += 1
        if parent is not None and _SUB_NUMBER.match(line):
            out.append(" " * parent + "- " + line.strip())
            fixes["sub_items"] += 1
            continue
        if _LIST_ITEM.match(line):
            ordered = _ORDERED.match(line)
            if ordered and not in_list:
                separate()  # only a list starting at 1 may interrupt a paragraph
            if line[:1] not in (" ", "\t"):
                parent = ordered.end() if ordered else None
            in_list, in_table = True, False
            out.append(line)
            continue
        if line[:1] in (" ", "\t"):
            out.append(line)
            continue
        parent = None
        if in_list or (in_table and "|" not in line):
            separate()
            in_list = in_table = False
        if in_table or (out and "|" in out[-1] and _is_table_delimiter(line)):
            in_table = True
            out.append(line)
            continue
        if "|" in line and _is_table_delimiter(next_line):
            separate()  # the header row of a table: not the last line of the paragraph above
        elif _is_header(line, next_line) and not _HEADING.match(line):
            separate()
            line = "### " + line.strip()
            fixes["headings"] += 1
        out.append(line)
    return "\n".join(out)
