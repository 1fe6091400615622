"""The one way a screen writes: run a core call in one transaction, then show the translated error
or a success toast (it survives the rerun) and rerun.

    act(ctx.db, lambda s: members.add_member(session=s, by=ctx.actor, ...),
        done="members.added", params=lambda m: {"name": m.display_name})

On an AppError the script goes on (the form keeps what the user typed) and `act` returns False.
`on_error` replaces the default error box, e.g. to show a newer version beside a stale save.
`attempt` is the same guard for a call that is not a write (a read that may be NotFound, a parse).

`once=` takes the submitted values of a create form: the same values saved again within
`REPEAT_WINDOW_S` (a double click, a second press before the cleared form redraws) are refused with
a notice instead of making a duplicate.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import streamlit as st
from sqlalchemy.orm import Session

from core.errors import AppError
from db.engine import Database
from ui.shell.forms import renew as renew_widgets
from ui.shell.i18n import show_error, t

T = TypeVar("T")
_FAILED = object()
REPEAT_WINDOW_S = 10.0
_LAST_SAVE = "_act_last_save"  # session key: (fingerprint, clock time) of the last `once=` save
clock: Callable[[], float] = time.monotonic  # tests replace it


def _fingerprint(done: object, once: object) -> str:
    return hashlib.sha256(repr((done, once)).encode()).hexdigest()


def _guard(call: Callable[[], Any], on_error: Callable[[AppError], None] | None, where) -> Any:
    try:
        return call()
    except AppError as err:
        if on_error is not None:
            on_error(err)
        else:
            show_error(err, where)
        return _FAILED


def attempt(
    call: Callable[[], T], *, on_error: Callable[[AppError], None] | None = None, where=st
) -> T | None:
    """Run `call()`; on an AppError show it translated in `where` (or call `on_error`), return None."""
    result = _guard(call, on_error, where)
    return None if result is _FAILED else result


def act(
    db: Database,
    write: Callable[[Session], Any],
    *,
    done: str | Callable[[Any], str] | None = None,
    params: Callable[[Any], dict] | dict | None = None,
    forget: Iterable[str] = (),
    renew: Iterable[str] = (),
    on_error: Callable[[AppError], None] | None = None,
    on_success: Callable[[Any], None] | None = None,
    rerun: bool = True,
    once: object = None,
    where=st,
) -> bool:
    """Run `write(session)` in a write transaction. Error: `on_error(err)` or the translated message
        in `where`; returns False. Success: forget the `forget` session keys (state, not widgets), draw
    the widgets of `renew` empty from the next run (ui/shell/forms.py), `on_success(result)`,
        toast `t(done, **params)` (`done` may pick the key from the result), rerun (returns True when
        `rerun=False`). `once`: refuse the same submitted values saved moments ago (see above)."""
    fingerprint = None if once is None else _fingerprint(done if isinstance(done, str) else None, once)
    last = st.session_state.get(_LAST_SAVE)
    if fingerprint is not None and last and last[0] == fingerprint and clock() - last[1] < REPEAT_WINDOW_S:
        where.warning(t("common.error.repeat"), icon=":material/content_copy:")
        return False

    def in_transaction():
        with db.write() as s:
            return write(s)

    result = _guard(in_transaction, on_error, where)
    if result is _FAILED:
        return False
    if fingerprint is not None:
        st.session_state[_LAST_SAVE] = (fingerprint, clock())
    for key in forget:
        st.session_state.pop(key, None)
    renew_widgets(*renew)
    if on_success is not None:
        on_success(result)
    if done:
        key = done(result) if callable(done) else done
        values = params(result) if callable(params) else (params or {})
        st.toast(t(key, **values), icon=":material/check:")
    if rerun:
        st.rerun()
    return True
