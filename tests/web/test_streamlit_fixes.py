"""The fix for Streamlit 1.67's race between a fragment's poll and the end of a full run
(web/streamlit_fixes.py): the fragment's new ScriptRunner starts only after the messages the old
runner had already queued on the event loop, so they are not dropped; every other start is as
Streamlit does it. Exercised against a stand-in session on a real asyncio loop."""

from __future__ import annotations

import asyncio
import threading

import streamlit
from streamlit.runtime.app_session import AppSession, AppSessionState
from streamlit.runtime.scriptrunner import RerunData

from web import streamlit_fixes


class Runner:
    def __init__(self, accepts: bool) -> None:
        self.accepts, self.requests = accepts, []

    def request_rerun(self, data) -> bool:
        self.requests.append(data)
        return self.accepts


class Session:
    """What the patched method reads of an AppSession."""

    def __init__(self, loop, runner, log) -> None:
        self._event_loop, self._scriptrunner, self._state = loop, runner, AppSessionState.APP_NOT_RUNNING
        self.fragments, self.log = {"panel"}, log

    def has_fragment(self, fid: str) -> bool:
        return fid in self.fragments


def run(scenario):
    """Run `scenario(loop, session, create, log)` on a fresh loop and return the log."""
    log: list[str] = []

    def create(session, data) -> None:
        log.append(f"new runner for {data.fragment_id or 'the page'}")

    async def main():
        loop = asyncio.get_running_loop()
        session = Session(loop, Runner(accepts=False), log)
        await scenario(loop, session, streamlit_fixes.defer_fragment_runners(create))

    # Its own thread: a browser test earlier in the session may leave Playwright's loop running here.
    errors: list[BaseException] = []
    thread = threading.Thread(target=lambda: _capture(errors, lambda: asyncio.run(main())))
    thread.start()
    thread.join(30)
    assert not thread.is_alive(), "the scenario hung"
    if errors:
        raise errors[0]
    return log


def _capture(errors: list[BaseException], fn) -> None:
    try:
        fn()
    except BaseException as exc:  # noqa: BLE001  re-raised in the test's thread
        errors.append(exc)


def old_runner_message(loop, session, text: str) -> None:
    """A message the old runner's script thread queued (call_soon_threadsafe, as AppSession does)."""
    loop.call_soon_threadsafe(session.log.append, text)


async def turns(n: int = 3) -> None:
    for _ in range(n):
        await asyncio.sleep(0)


def test_a_fragments_runner_starts_after_the_old_runners_queued_messages():
    async def scenario(loop, session, patched):
        for i in range(3):
            old_runner_message(loop, session, f"old run's message {i}")
        patched(session, RerunData(fragment_id="panel"))
        session.log.append("request handled")
        await turns()

    assert run(scenario) == [
        "request handled",
        "old run's message 0",
        "old run's message 1",
        "old run's message 2",
        "new runner for panel",
    ]


def test_a_full_rerun_and_a_first_run_start_at_once_as_in_streamlit():
    async def scenario(loop, session, patched):
        old_runner_message(loop, session, "old run's message")
        patched(session, RerunData())  # a full rerun
        session._scriptrunner = None
        patched(session, RerunData(fragment_id="panel"))  # no runner yet
        await turns()

    assert run(scenario) == ["new runner for the page", "new runner for panel", "old run's message"]


def test_a_runner_started_meanwhile_takes_the_fragments_rerun():
    taken = Runner(accepts=True)

    async def scenario(loop, session, patched):
        patched(session, RerunData(fragment_id="panel"))
        session._scriptrunner = taken  # a full rerun came in first
        await turns()

    assert run(scenario) == [] and [d.fragment_id for d in taken.requests] == ["panel"]


def test_nothing_starts_for_a_fragment_gone_meanwhile_or_a_session_shutting_down():
    async def scenario(loop, session, patched):
        patched(session, RerunData(fragment_id="panel"))
        session.fragments.clear()  # the full run that finished did not draw it again
        await turns()
        session.fragments.add("panel")
        patched(session, RerunData(fragment_id="panel"))
        session._state = AppSessionState.SHUTDOWN_REQUESTED
        await turns()

    assert run(scenario) == []


def test_the_fixes_are_installed_once_and_only_on_the_version_they_were_made_for(monkeypatch):
    from streamlit.runtime.runtime import Runtime

    places = [(AppSession, "_create_scriptrunner"), (AppSession, "_on_scriptrunner_event"),
              (Runtime, "_enqueued_some_message")]  # fmt: skip
    originals = [getattr(cls, name) for cls, name in places]
    try:
        assert streamlit_fixes.apply() is (streamlit.__version__ == streamlit_fixes.FOR_VERSION)
        installed = [getattr(cls, name) for cls, name in places]
        assert all(getattr(fn, "_study_fix", False) for fn in installed)
        assert streamlit_fixes.apply() is (streamlit.__version__ == streamlit_fixes.FOR_VERSION)
        assert [getattr(cls, name) for cls, name in places] == installed  # not wrapped twice
        for (cls, name), fn in zip(places, originals, strict=True):
            monkeypatch.setattr(cls, name, fn)
        monkeypatch.setattr(streamlit, "__version__", "9.9.9")
        assert streamlit_fixes.apply() is False
        assert [getattr(cls, name) for cls, name in places] == originals
    finally:
        for (cls, name), fn in zip(places, originals, strict=True):
            setattr(cls, name, fn)


def test_streamlit_is_the_version_the_fix_was_checked_against():
    # requirements.txt pins Streamlit; a new pin must come with a look at whether the race is still
    # there (then move FOR_VERSION) or fixed upstream (then drop web/streamlit_fixes.py).
    assert streamlit.__version__ == streamlit_fixes.FOR_VERSION, (
        "Streamlit changed: check web/streamlit_fixes.py against it, then update FOR_VERSION or drop the fix"
    )
