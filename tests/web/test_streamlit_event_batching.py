"""The second fix to Streamlit 1.67's server (web/streamlit_fixes.py): a session's ScriptRunner
events reach the event loop in one drain per wake-up, in their order, none lost; the flush is woken
without a self-pipe write when already on the loop. Exercised on a real asyncio loop with a real
script thread sending the events."""

from __future__ import annotations

import asyncio
import threading

from web import streamlit_fixes


class Session:
    """What the patched method uses of an AppSession: the loop, its scheduling and the handler."""

    def __init__(self, loop, handled: list, fail_on=()) -> None:
        self._event_loop, self.handled, self.fail_on, self.wakeups = loop, handled, set(fail_on), 0

    def _call_soon_on_event_loop(self, callback) -> None:
        self.wakeups += 1
        self._event_loop.call_soon_threadsafe(callback)


def _handle(session, sender, event, forward_msg=None, *rest) -> None:
    assert asyncio.get_running_loop() is session._event_loop  # on the loop, as Streamlit requires
    if event in session.fail_on:
        raise RuntimeError(f"handler broke on {event}")
    session.handled.append((sender, event, forward_msg))


on_event = streamlit_fixes.batch_events(_handle)


def on_loop(scenario) -> None:
    """Run `scenario(loop)` on a fresh loop in its own thread (Playwright's may run in this one)."""
    errors: list[BaseException] = []

    def main() -> None:
        try:
            asyncio.run(scenario())
        except BaseException as exc:  # noqa: BLE001  re-raised in the test's thread
            errors.append(exc)

    thread = threading.Thread(target=main)
    thread.start()
    thread.join(30)
    assert not thread.is_alive(), "the scenario hung"
    if errors:
        raise errors[0]


async def until(check, turns: int = 1000) -> None:
    for _ in range(turns):
        if check():
            return
        await asyncio.sleep(0.001)
    raise AssertionError("not reached")


def test_a_script_threads_events_reach_the_loop_in_order_with_one_wakeup_while_the_loop_is_busy():
    handled: list = []
    box: dict = {}

    async def scenario():
        session = box["s"] = Session(asyncio.get_running_loop(), handled)
        sent = threading.Event()

        def script_thread() -> None:
            for i in range(200):  # a page run's elements
                on_event(session, "runner", "ENQUEUE_FORWARD_MSG", forward_msg=f"delta {i}")
            on_event(session, "runner", "SCRIPT_STOPPED_WITH_SUCCESS")
            sent.set()

        threading.Thread(target=script_thread).start()
        sent.wait(10)  # the loop is busy (blocked here) while the script thread sends everything
        await until(lambda: len(handled) == 201)

    on_loop(scenario)
    assert handled == [("runner", "ENQUEUE_FORWARD_MSG", f"delta {i}") for i in range(200)] + [
        ("runner", "SCRIPT_STOPPED_WITH_SUCCESS", None)
    ]
    assert box["s"].wakeups == 1  # Streamlit scheduled one callback per event: 201 here


def test_an_event_sent_while_a_drain_runs_gets_a_drain_of_its_own_after_it():
    handled: list = []

    async def scenario():
        session = Session(asyncio.get_running_loop(), handled)

        def handle(s, sender, event, *rest) -> None:
            _handle(s, sender, event, *rest)
            if event == "first":  # e.g. the loop's own handle_backmsg_exception sending events
                patched(s, sender, "sent during the drain")

        patched = streamlit_fixes.batch_events(handle)
        patched(session, "runner", "first")
        patched(session, "runner", "second")
        await until(lambda: len(handled) == 3)
        assert session.wakeups == 2

    on_loop(scenario)
    assert [e for _, e, _ in handled] == ["first", "second", "sent during the drain"]


def test_a_failing_event_is_logged_and_the_rest_of_its_drain_still_handled(caplog):
    handled: list = []

    async def scenario():
        session = Session(asyncio.get_running_loop(), handled, fail_on={"broken"})
        for event in ("before", "broken", "after"):
            on_event(session, "runner", event)
        await until(lambda: len(handled) == 2)

    on_loop(scenario)
    assert [e for _, e, _ in handled] == ["before", "after"]
    assert "handling a ScriptRunner event failed" in caplog.text


def test_events_keep_their_order_with_callbacks_the_loop_scheduled_after_the_first_of_them():
    """As handle_backmsg_exception relies on: its events, then its own call_soon of the error."""
    handled: list = []

    async def scenario():
        loop = asyncio.get_running_loop()
        session = Session(loop, handled)
        on_event(session, None, "SCRIPT_STOPPED_WITH_SUCCESS")
        on_event(session, None, "SCRIPT_STARTED")
        loop.call_soon(lambda: handled.append((None, "exception message", None)))
        await until(lambda: len(handled) == 3)

    on_loop(scenario)
    assert [e for _, e, _ in handled] == [
        "SCRIPT_STOPPED_WITH_SUCCESS",
        "SCRIPT_STARTED",
        "exception message",
    ]


class Runtime:
    def __init__(self, loop) -> None:
        self.objs = type("Objs", (), {"eventloop": loop, "need_send_data": asyncio.Event()})()

    def _get_async_objs(self):
        return self.objs


def test_the_flush_is_woken_at_once_on_the_loop_and_through_the_loop_from_another_thread():
    seen: dict = {}

    async def scenario():
        loop = asyncio.get_running_loop()
        runtime = Runtime(loop)
        writes = []
        original = loop.call_soon_threadsafe
        loop.call_soon_threadsafe = lambda *a: (writes.append(a), original(*a))[1]
        streamlit_fixes.direct_wakeup(runtime)
        seen["on the loop"] = (runtime.objs.need_send_data.is_set(), len(writes))
        runtime.objs.need_send_data.clear()
        other = threading.Thread(target=streamlit_fixes.direct_wakeup, args=(runtime,))
        other.start()
        other.join(10)
        await asyncio.wait_for(runtime.objs.need_send_data.wait(), 5)
        seen["from a thread"] = len(writes)

    on_loop(scenario)
    assert seen == {"on the loop": (True, 0), "from a thread": 1}
