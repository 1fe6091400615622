"""Short codes people type off a projector: a Lab room's join code and a seminar's check-in code.

No 0/O or 1/I, so a code is typed without guessing; what is typed is read without regard to case,
spaces, dashes or full-width letters. No Streamlit, no database.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Callable, Sequence

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LEN = 6
CODE_INPUT_MAX = CODE_LEN * 4  # what a typed code may hold (spaces, dashes, full-width letters included)
CODE_RE = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LEN}}}$")


def new_code(rand: Callable[[Sequence[str]], str] = secrets.choice) -> str:
    """A fresh random code (CODE_LEN characters of CODE_ALPHABET)."""
    return "".join(rand(CODE_ALPHABET) for _ in range(CODE_LEN))


def normalise_code(raw: str | None) -> str:
    """What the user typed as a code: case, spaces and dashes do not matter ("abc-def" -> "ABCDEF")."""
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", raw or "")).upper()[:CODE_INPUT_MAX]
