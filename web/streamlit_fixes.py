"""A fix for a race in Streamlit 1.67's server that left pages half drawn (applied by server.py).

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
reruns are untouched. Applied only to the Streamlit version it was written against.
"""

from __future__ import annotations

import logging
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


def apply() -> bool:
    """Install the fix (once); False when this Streamlit is not the version it was made for."""
    import streamlit
    from streamlit.runtime.app_session import AppSession

    if streamlit.__version__ != FOR_VERSION or not hasattr(AppSession, "_create_scriptrunner"):
        log.warning(
            "web/streamlit_fixes.py: written for Streamlit %s, not %s; not applied",
            FOR_VERSION,
            streamlit.__version__,
        )
        return False
    if not getattr(AppSession._create_scriptrunner, "_study_fix", False):
        AppSession._create_scriptrunner = defer_fragment_runners(AppSession._create_scriptrunner)
    return True


__all__ = ["FOR_VERSION", "apply", "defer_fragment_runners"]
