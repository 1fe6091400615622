"""Markdown a member wrote, made ready for `st.markdown`: the line breaks they typed are kept, external
images become links that load only when clicked, and script / data links are dropped.

Pure text transforms in one pass over the lines (and one over the characters for links), so any input
costs linear time. Code (fenced or indented), `$$` maths and tables are never changed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from urllib.parse import urlsplit

BLOCKED_SCHEMES = frozenset({"javascript", "vbscript", "data", "file"})

# Kinds of line (_classify)
BLANK, PROSE, CODE, MATH, TABLE = "blank", "prose", "code", "math", "table"

_QUOTE = re.compile(r"(?: {0,3}> ?)+")
_FENCE = re.compile(r"(`{3,}|~{3,})(.*)")
_ATX = re.compile(r"#{1,6}(?:[ \t]|$)")
_RULE_OR_UNDERLINE = re.compile(r"(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|=+[ \t]*|-+[ \t]*")
_BULLET = re.compile(r"[-+*][ \t]+\S")
_ORDERED = re.compile(r"(\d{1,9})[.)][ \t]+\S")
_LIST_MARK = re.compile(r"(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)")
_DELIM_CELL = re.compile(r":?-+:?")
_DEFINITION = re.compile(r" {0,3}\[((?:[^\]\\]|\\.){1,999})\]:[ \t]*(<[^<>\n]*>|\S+)")
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]{0,31}):")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.\-]{1,31}):[^<>\x00-\x20]*>")
_ALT_NOISE = re.compile(r"[\[\]()!<>`*_~\\\n\r]+")


def _unquote(line: str) -> tuple[int, str]:
    """(blockquote depth, the line without its `>` markers)."""
    m = _QUOTE.match(line)
    if not m:
        return 0, line
    return m.group(0).count(">"), line[m.end() :]


def _indent(s: str) -> int:
    n = 0
    for ch in s:
        if ch == " ":
            n += 1
        elif ch == "\t":
            n += 4 - n % 4
        else:
            break
    return n


def _is_delimiter_row(stripped: str) -> bool:
    """A GFM table's second line: `| --- | :-: |` (at least one pipe or two cells)."""
    core = stripped.strip("|").strip()
    if not core:
        return False
    cells = [c.strip() for c in core.split("|")]
    return ("|" in stripped) and all(_DELIM_CELL.fullmatch(c) for c in cells)


def _classify(lines: list[str]) -> tuple[list[str], list[bool]]:
    """Each line's kind (BLANK, PROSE, CODE, MATH, TABLE) and whether it lies inside a list."""
    kinds: list[str] = []
    in_lists: list[bool] = []
    fence: tuple[str, int] | None = None  # the open code fence: its character and length
    math = indented_code = in_list = in_table = False
    prev_blank = True
    for i, line in enumerate(lines):
        _, inner = _unquote(line)
        stripped = inner.strip()
        kind = PROSE
        if fence:
            kind = CODE
            m = _FENCE.fullmatch(stripped)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= fence[1] and not m.group(2).strip():
                fence = None
        elif math:
            kind = MATH
            math = not stripped.endswith("$$")
        elif not stripped:
            kind, in_table = BLANK, False
        elif indented_code and _indent(inner) >= 4:
            kind = CODE
        elif _indent(inner) >= 4 and prev_blank and not in_list:
            kind, indented_code = CODE, True
        else:
            indented_code = False
            m = _FENCE.fullmatch(stripped)
            if m and (m.group(1)[0] == "~" or "`" not in m.group(2)):
                kind, fence = CODE, (m.group(1)[0], len(m.group(1)))
            elif stripped.startswith("$$") and not (len(stripped) > 4 and stripped.endswith("$$")):
                kind, math = MATH, True
            elif (in_table and not _starts_block(stripped, False)) or (
                "|" in stripped
                and i + 1 < len(lines)
                and _is_delimiter_row(_unquote(lines[i + 1])[1].strip())
            ):
                kind, in_table = TABLE, True
            elif _LIST_MARK.match(stripped):
                in_list = True
            elif prev_blank and _indent(inner) < 2:
                in_list = False
        if kind != BLANK and kind != CODE:
            indented_code = False
        prev_blank = kind == BLANK
        kinds.append(kind)
        in_lists.append(in_list)
    return kinds, in_lists


def _has_hard_break(line: str) -> bool:
    if line.endswith("  "):
        return True
    trailing = len(line) - len(line.rstrip("\\"))
    return trailing % 2 == 1


def _starts_block(stripped: str, in_list: bool) -> bool:
    """Would this line, after a paragraph line, begin a new block (so no break is needed before it)?"""
    if _ATX.match(stripped) or _RULE_OR_UNDERLINE.fullmatch(stripped) or _BULLET.match(stripped):
        return True
    m = _ORDERED.match(stripped)
    return bool(m) and (in_list or int(m.group(1)) == 1)


def keep_line_breaks(text: str) -> str:
    """Turn each single newline inside a paragraph into a hard break (two trailing spaces), so a member's
    three-line summary shows as three lines. Code, `$$` maths, tables, headings and list structure
    stay as they are; idempotent."""
    lines = text.replace("\r\n", "\n").split("\n")
    kinds, in_lists = _classify(lines)
    for i in range(len(lines) - 1):
        if kinds[i] != PROSE or kinds[i + 1] != PROSE or _has_hard_break(lines[i]):
            continue
        depth, inner = _unquote(lines[i])
        next_depth, next_inner = _unquote(lines[i + 1])
        here, following = inner.strip(), next_inner.strip()
        if depth != next_depth or _ATX.match(here) or _RULE_OR_UNDERLINE.fullmatch(here):
            continue
        if _starts_block(following, in_lists[i]):
            continue
        lines[i] = lines[i].rstrip(" ") + "  "
    return "\n".join(lines)


# --- links and images ---------------------------------------------------------------------------------
def _plain(url: str) -> str:
    """The URL as a browser reads it: entities decoded, `<>`, whitespace and control characters gone,
    backslashes read as slashes (erring towards "external")."""
    plain = html.unescape(url).strip().removeprefix("<").removesuffix(">")
    return "".join(ch for ch in plain if ch > " ").replace("\\", "/").lower()


def _scheme(url: str) -> str | None:
    m = _SCHEME.match(_plain(url).replace("/", ""))
    return m.group(1) if m else None


def _blocked(url: str) -> bool:
    return _scheme(url) in BLOCKED_SCHEMES


def _external(url: str) -> bool:
    """Loaded from another server: any scheme, or a protocol-relative `//host/...`."""
    return _SCHEME.match(_plain(url)) is not None or _plain(url).startswith("//")


def _host(url: str) -> str:
    try:
        return urlsplit(_plain(url)).hostname or ""
    except ValueError:
        return ""


def _label_key(label: str) -> str:
    return " ".join(label.split()).casefold()


class _Text:
    """Per-character tables of one text, each built in one pass, so every lookup is O(1)."""

    def __init__(self, s: str) -> None:
        n = len(s)
        self.s = s
        self.escaped = [False] * (n + 1)
        for i in range(1, n):
            self.escaped[i] = s[i - 1] == "\\" and not self.escaped[i - 1]
        self.code_end = self._code_spans()
        self.close, self.opener = self._brackets()
        # next whitespace / next non-whitespace at or after i
        self.next_ws = [n] * (n + 1)
        self.next_non_ws = [n] * (n + 1)
        for i in range(n - 1, -1, -1):
            ws = s[i].isspace()
            self.next_ws[i] = i if ws else self.next_ws[i + 1]
            self.next_non_ws[i] = self.next_non_ws[i + 1] if ws else i
        # next unescaped '"', "'", ')' and '>' at or after i
        self.next_char: dict[str, list[int]] = {}
        for c in "\"')>":
            table = [n] * (n + 1)
            for i in range(n - 1, -1, -1):
                table[i] = i if s[i] == c and not self.escaped[i] else table[i + 1]
            self.next_char[c] = table
        # where a link destination starting at i ends at the latest: the first ')' that closes more
        # parentheses than were opened since i (a "next smaller" query on the paren depth)
        depth = [0] * (n + 1)
        for i, ch in enumerate(s):
            step = 0 if self.escaped[i] else (ch == "(") - (ch == ")")
            depth[i + 1] = depth[i] + step
        self.unbalanced = [n] * (n + 1)
        stack: list[int] = []
        for j in range(n, -1, -1):
            while stack and depth[stack[-1]] >= depth[j]:
                stack.pop()
            # depth[k] < depth[j] first happens right after the ')' at k - 1
            self.unbalanced[j] = stack[-1] - 1 if stack else n
            stack.append(j)

    def _code_spans(self) -> dict[int, int]:
        """Start -> end of each code span (a backtick run closed by a run of the same length on the
        same line; spans never cross lines here, so nothing outside real code is skipped)."""
        s, spans = self.s, {}
        for start_of_line, line in _line_offsets(s):
            runs: list[tuple[int, int]] = []
            i = 0
            while i < len(line):
                if line[i] == "`":
                    j = i
                    while j < len(line) and line[j] == "`":
                        j += 1
                    a = start_of_line + i
                    if self.escaped[a]:  # "\`" is a literal backtick; the rest of the run counts
                        a += 1
                    if a < start_of_line + j:
                        runs.append((a, start_of_line + j - a))
                    i = j
                else:
                    i += 1
            nxt: list[int | None] = [None] * len(runs)
            last: dict[int, int] = {}
            for k in range(len(runs) - 1, -1, -1):
                nxt[k] = last.get(runs[k][1])
                last[runs[k][1]] = k
            k = 0
            while k < len(runs):
                m = nxt[k]
                if m is None:
                    k += 1
                    continue
                spans[runs[k][0]] = runs[m][0] + runs[m][1]
                k = m + 1
        return spans

    def _brackets(self) -> tuple[dict[int, int], dict[int, int]]:
        """'[' -> its matching ']', and back (escapes and code spans skipped)."""
        s, close, stack = self.s, {}, []
        i = 0
        while i < len(s):
            if i in self.code_end:
                i = self.code_end[i]
                continue
            if not self.escaped[i]:
                if s[i] == "[":
                    stack.append(i)
                elif s[i] == "]" and stack:
                    close[stack.pop()] = i
            i += 1
        return close, {c: o for o, c in close.items()}

    def inline_target(self, paren: int) -> tuple[str, int] | None:
        """Parse `(dest "title")` opening at `paren`: (dest, index after ')'), or None."""
        s, n = self.s, len(self.s)
        i = self.next_non_ws[paren + 1]
        if i < n and s[i] == "<":
            end = self.next_char[">"][i]
            if end >= n or "\n" in s[i:end]:
                return None
            dest, i = s[i : end + 1], end + 1
        else:
            end = min(self.next_ws[i], self.unbalanced[i])
            dest, i = s[i:end], end
        i = self.next_non_ws[i]
        if i < n and s[i] in "\"'(":
            i = self.next_char[")" if s[i] == "(" else s[i]][i + 1] + 1
            i = self.next_non_ws[min(i, n)]
        if i < n and s[i] == ")":
            return dest, i + 1
        return None


def _line_offsets(s: str):
    start = 0
    for line in s.split("\n"):
        yield start, line
        start += len(line) + 1


def _rewrite(s: str, defs: dict[str, str], image_label: Callable[[str, str], str]) -> str:
    """One pass over prose: external images -> links, blocked links -> their text."""
    tx = _Text(s)
    out: list[str] = []
    pending: dict[int, tuple[str, int]] = {}  # ']' of a link being copied -> (what to write, resume at)
    n, i = len(s), 0
    while i < n:
        ch = s[i]
        if i in pending:
            text, i = pending.pop(i)
            out.append(text)
            continue
        if i in tx.code_end:
            out.append(s[i : tx.code_end[i]])
            i = tx.code_end[i]
            continue
        if ch == "\\" and not tx.escaped[i]:
            out.append(s[i : i + 2])
            i += 2
            continue
        if ch == "<" and not tx.escaped[i]:
            m = _AUTOLINK.match(s, i)
            if m:
                if m.group(1).lower() not in BLOCKED_SCHEMES:
                    out.append(m.group(0))
                i = m.end()
                continue
        if ch == "!" and i + 1 < n and s[i + 1] == "[" and not tx.escaped[i] and i + 1 in tx.close:
            done = _image(tx, i, defs, image_label, out)
            if done == _NOT_AN_IMAGE:
                out.append(ch)
                i += 1
            else:  # None: an image whose target cannot be read; without its '!' at most a link remains
                i = i + 1 if done is None else done
            continue
        if ch == "[" and not tx.escaped[i] and i in tx.close:
            close = tx.close[i]
            target = _link_target(tx, close, defs)
            if target is not None and _blocked(target[0]):
                pending[close] = ("", target[1])  # keep the link's text, drop the link
                i += 1
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def _link_target(tx: _Text, close: int, defs: dict[str, str]) -> tuple[str, int] | None:
    """The destination of `[...]` closing at `close` and where the construct ends, if it is a link."""
    s, n = tx.s, len(tx.s)
    if close + 1 < n and s[close + 1] == "(":
        target = tx.inline_target(close + 1)
        if target is not None:
            return target
    if close + 1 < n and s[close + 1] == "[" and close + 1 in tx.close:
        end = tx.close[close + 1]
        label = s[close + 2 : end]
        if not label.strip():  # collapsed reference `[text][]`: the text is the label
            label = s[tx.opener[close] + 1 : close]
        url = defs.get(_label_key(label))
        return (url, end + 1) if url is not None else None
    return None


_NOT_AN_IMAGE = -1


def _image(tx: _Text, bang: int, defs, image_label, out: list[str]) -> int | None:
    """Write an image (kept when it is on this server, else a click-to-open link; dropped when its
    source is blocked) and return where to go on; None when its target cannot be read,
    _NOT_AN_IMAGE when it is no image."""
    s, n = tx.s, len(tx.s)
    close = tx.close[bang + 1]
    alt = s[bang + 2 : close]
    if close + 1 < n and s[close + 1] == "(":
        target = tx.inline_target(close + 1)
        if target is None:
            return None
        dest, end = target
        tail = s[close + 1 : end]
    else:
        if close + 1 < n and s[close + 1] == "[" and close + 1 in tx.close:
            ref_end = tx.close[close + 1]
            label = s[close + 2 : ref_end] or alt
            end = ref_end + 1
        else:
            label, end = alt, close + 1
        dest = defs.get(_label_key(label))
        if dest is None:
            return _NOT_AN_IMAGE  # no such reference: the '!' and brackets are plain text
        tail = f"({dest})"
    plain_alt = " ".join(_ALT_NOISE.sub(" ", alt).split())[:80]
    if _blocked(dest):
        out.append(plain_alt)
    elif _external(dest):
        out.append(f"[{image_label(plain_alt, _host(dest))}]{tail}")
    else:
        out.append(s[bang:end])
    return end


def safe_links(text: str, image_label: Callable[[str, str], str]) -> str:
    """External images become links labelled `image_label(alt, host)` (nothing loads until a viewer
    clicks); `javascript:` / `data:` / `vbscript:` / `file:` links and images are dropped, their text
    kept. Code and `$$` maths are left as written."""
    lines = text.replace("\r\n", "\n").split("\n")
    kinds, _ = _classify(lines)
    defs: dict[str, str] = {}
    for line, kind in zip(lines, kinds, strict=True):
        if kind in (PROSE, TABLE):
            m = _DEFINITION.match(_unquote(line)[1])
            if m:
                defs.setdefault(_label_key(m.group(1)), m.group(2))
    out: list[str] = []
    prose: list[str] = []

    def flush() -> None:
        if prose:
            out.append(_rewrite("\n".join(prose), defs, image_label))
            prose.clear()

    for line, kind in zip(lines, kinds, strict=True):
        if kind in (CODE, MATH):
            flush()
            out.append(line)
            continue
        m = _DEFINITION.match(_unquote(line)[1])
        if m and _blocked(m.group(2)):
            continue  # a blocked reference definition goes; its references stay plain text
        prose.append(line)
        if kind == BLANK:
            flush()
    flush()
    return "\n".join(out)


def prepare_user_markdown(text: str, image_label: Callable[[str, str], str]) -> str:
    """Everything a member's Markdown needs before `st.markdown`: safe links, then kept line breaks."""
    return keep_line_breaks(safe_links(text or "", image_label))
