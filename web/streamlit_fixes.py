"""Two fixes to Streamlit 1.67's server (applied by server.py): a race that left pages half drawn,
and a wake-up of the event loop for every single message that slowed every tab under load.

**The race.**

A browser keeps polling each `st.fragment(run_every=...)` on its own timer, also while a full run
of the page is going. When such a poll reaches the session just after the full run's script ended
but before the event loop has sent all that run's messages on, `AppSession.request_rerun` finds
the ScriptRunner stopped and starts a new one for the fragment; the old runner's messages still
waiting on the loop are then dropped as coming from "a non-current ScriptRunner". The browser got
the top of the page, never the rest, and never the run's end. Under a seminar room's load (30 tabs
pressing Train together) 1 to 8 tabs in 30 were left so: Train still on screen, no live view,
while their run trained (benchmarks/room_load.py, docs/benchmarks.md).

The fix starts that fragment's ScriptRunner one turn of the event loop later, behind the old
runner's messages (all queued before it refused the request: it stops only after its last run
sent its end), so they reach the browser first, as they do when no poll comes in between. Full
reruns are untouched.

**One wake-up per message.** A script thread hands each of its events (every element it draws is
one) to the event loop with its own `call_soon_threadsafe`, a write to the loop's self-pipe; the
loop then wakes its flush with one more such write per message. Each write lets go of the GIL,
and under a room's load (30 tabs' script threads and the loop wanting it) getting it back meant
waiting behind all of them: a page's elements reached the browser in one lump at its end, and
py-spy put 12% of the room's server samples in `call_soon_threadsafe`. `batch_events` queues a
session's events and wakes the loop once for all that arrived before it ran, in their order;
`direct_wakeup` sets the flush's event directly when it is already on the loop.

Applied only to the Streamlit version they were written against.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import deque
from collections.abc import Callable

FOR_VERSION = "1.67.0"
log = logging.getLogger(__name__)


def defer_fragment_runners(create: Callable) -> Callable:
    """`AppSession._create_scriptrunner` made to start a fragment's runner, when an old runner is
    still the session's, one event-loop turn later (after the old runner's queued messages)."""
    from streamlit.runtime.app_session import AppSessionState

    def _create_scriptrunner(self, initial_rerun_data) -> None:
        old = self._scriptrunner
        if old is None or not initial_rerun_data.fragment_id:
            create(self, initial_rerun_data)  # a first run, or a full rerun: as Streamlit does
            return

        def later() -> None:
            if self._state == AppSessionState.SHUTDOWN_REQUESTED:
                return
            current = self._scriptrunner
            if current is not None and current is not old and current.request_rerun(initial_rerun_data):
                return  # a runner started meanwhile (a full rerun) took the fragment's rerun
            if not self.has_fragment(initial_rerun_data.fragment_id):
                return  # that full run dropped the fragment, as request_rerun's own check does
            create(self, initial_rerun_data)

        self._event_loop.call_soon(later)

    _create_scriptrunner._study_fix = True
    return _create_scriptrunner


class _Events:
    """A session's ScriptRunner events waiting for the event loop, and whether a drain is due."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: deque[tuple] = deque()
        self.scheduled = False


def batch_events(handle: Callable) -> Callable:
    """`AppSession._on_scriptrunner_event` made to queue the event and schedule one drain on the
    loop for every event queued until it runs; the drain handles them in order with `handle`
    (`_handle_scriptrunner_event_on_event_loop`), each as Streamlit would, one failure logged
    without losing the rest. Events keep their order with everything else scheduled on the loop:
    a drain is scheduled no later than the first event it handles would have been."""

    def _on_scriptrunner_event(self, sender, event, forward_msg=None, exception=None, client_state=None,
                               page_script_hash=None, fragment_ids_this_run=None, pages=None,
                               run_descriptor=None) -> None:  # fmt: skip
        events = self.__dict__.get("_study_events")
        if events is None:
            events = self.__dict__.setdefault("_study_events", _Events())  # atomic: one per session
        args = (sender, event, forward_msg, exception, client_state, page_script_hash,
                fragment_ids_this_run, pages, run_descriptor)  # fmt: skip
        with events.lock:
            events.items.append(args)
            due = not events.scheduled
            events.scheduled = True
        if due:
            self._call_soon_on_event_loop(lambda: _drain(self, events))

    def _drain(session, events: _Events) -> None:
        with events.lock:
            batch = list(events.items)
            events.items.clear()
            events.scheduled = False  # an event from now on schedules the next drain
        for args in batch:
            try:
                handle(session, *args)
            except Exception:  # noqa: BLE001  as the loop would log a failing callback
                log.exception("Streamlit: handling a ScriptRunner event failed")

    _on_scriptrunner_event._study_fix = True
    return _on_scriptrunner_event


def direct_wakeup(runtime) -> None:
    """`Runtime._enqueued_some_message`: on the loop itself, set the flush's event at once (no
    self-pipe write); from another thread, as Streamlit does."""
    objs = runtime._get_async_objs()
    try:
        here = asyncio.get_running_loop() is objs.eventloop
    except RuntimeError:
        here = False
    if here:
        objs.need_send_data.set()
    else:
        objs.eventloop.call_soon_threadsafe(objs.need_send_data.set)


direct_wakeup._study_fix = True


def apply() -> bool:
    """Install the fix (once); False when this Streamlit is not the version it was made for."""
    import streamlit
    from streamlit.runtime.app_session import AppSession
    from streamlit.runtime.runtime import Runtime

    needed = (
        hasattr(AppSession, "_create_scriptrunner")
        and hasattr(AppSession, "_on_scriptrunner_event")
        and hasattr(AppSession, "_handle_scriptrunner_event_on_event_loop")
        and hasattr(Runtime, "_enqueued_some_message")
    )
    if streamlit.__version__ != FOR_VERSION or not needed:
        log.warning(
            "web/streamlit_fixes.py: written for Streamlit %s, not %s; not applied",
            FOR_VERSION,
            streamlit.__version__,
        )
        return False
    if not getattr(AppSession._create_scriptrunner, "_study_fix", False):
        AppSession._create_scriptrunner = defer_fragment_runners(AppSession._create_scriptrunner)
    if not getattr(AppSession._on_scriptrunner_event, "_study_fix", False):
        AppSession._on_scriptrunner_event = batch_events(AppSession._handle_scriptrunner_event_on_event_loop)
    if not getattr(Runtime._enqueued_some_message, "_study_fix", False):
        Runtime._enqueued_some_message = direct_wakeup
    return True


__all__ = ["FOR_VERSION", "apply", "batch_events", "defer_fragment_runners", "direct_wakeup"]
