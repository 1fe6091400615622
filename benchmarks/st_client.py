"""A headless Streamlit client speaking the app's own websocket protocol (for load tests).

One `StClient` is one browser tab: it connects to `/_stcore/stream`, sends `BackMsg.rerun_script`
(the page, the query string, the widget states of one interaction) and reads the `ForwardMsg`s the
server answers with: `new_session` at the start of each run, `delta`s (elements and widgets, by
their delta path), `page_info_changed` (the script wrote the query string), `auto_rerun` (a
`st.fragment(run_every=...)`: like the frontend, the client then asks for that fragment's run on
that interval until a full run or a page change clears it), `script_finished`.

Widgets are found by their user key (a keyed widget's id is `$$ID-<hash>-<key>`) or their label,
and a form's submit button by its form's key. An interaction sends only what it changes: the
server keeps every other widget's value (`SessionState._old_state`), as it does for a browser.

    async with StClient(base, page="room", query="code=AB12CD") as c:
        await c.set_value("room_join_nick", "ada")
        await c.submit("room_join_form")
        await c.goto("lab")
        await c.click("lab_transformer_train")

`StClient.listeners` get `(client, delta path, Shown)` for every element the server sends;
`StClient.runs` keeps the client-side duration of each finished interaction, `fragment_runs`
those of its fragments' polls.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from benchmarks.st_elements import WIDGET_KINDS, ClientError, Shown, text_of, widget_key, widget_state

FINISHED = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_SUCCESSFULLY")
FRAGMENT_DONE = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_FRAGMENT_RUN_SUCCESSFULLY")
LIFECYCLE = ("new_session", "script_finished", "auto_rerun", "stop_auto_rerun")


@dataclass
class RunTime:
    """One interaction: what was sent and how long until its script run finished."""

    what: str
    seconds: float


@dataclass
class _Pending:
    sent_at: float
    runs_at_send: int
    done: asyncio.Future = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class StClient:
    """One browser tab on a running Streamlit server (see the module docstring)."""

    def __init__(
        self,
        base: str,
        *,
        page: str = "",
        query: str = "",
        cookies: dict[str, str] | None = None,
        name: str = "client",
        locale: str = "ko-KR",
        timeout: float = 120.0,
    ) -> None:
        self.base = base.rstrip("/")
        self.page = page
        self.query = query
        self.cookies = dict(cookies or {})
        self.name = name
        self.locale = locale
        self.timeout = timeout
        self.elements: dict[tuple[int, ...], Shown] = {}
        self.pages: dict[str, str] = {}  # url path -> page_script_hash
        self.page_hash = ""
        self.listeners: list[Callable[[StClient, tuple[int, ...], Shown], None]] = []
        self.runs: list[RunTime] = []
        self.last_sent = 0.0  # when the latest interaction left
        self._forms: dict[str, list[WidgetState]] = {}  # values typed into a form, not yet submitted
        self.errors: list[str] = []
        self._full_runs = 0  # full script runs started (new_session without fragments)
        self._finished_runs = 0
        self.lifecycle: deque[tuple[float, str]] = deque(maxlen=2000)  # run boundaries, for errors
        self._deltas = 0
        self._t0 = time.perf_counter()
        self._pending: _Pending | None = None
        self._turn = asyncio.Lock()  # one interaction at a time, as one person at one tab
        self._changed = asyncio.Event()
        self._running = False  # a full run is in progress
        self._frag_sent: dict[str, float] = {}
        self.fragment_runs: list[float] = []  # seconds from an auto rerun's request to its end
        self._auto: dict[str, asyncio.Task] = {}
        self._ws = None
        self._reader: asyncio.Task | None = None
        self._send_lock = asyncio.Lock()

    # --- connection ------------------------------------------------------------------------------
    async def connect(self) -> None:
        """Open the websocket and run the first page (as a browser opening `/<page>?<query>`)."""
        from websockets.asyncio.client import connect

        url = self.base.replace("http://", "ws://").replace("https://", "wss://") + "/_stcore/stream"
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self._ws = await connect(
            url,
            subprotocols=["streamlit"],
            origin=self.base,
            additional_headers=headers,
            max_size=None,
            open_timeout=self.timeout,
            ping_interval=None,
        )
        self._reader = asyncio.create_task(self._read(), name=f"{self.name}-reader")
        await self._interact("open", page_name=self.page)

    async def close(self) -> None:
        """Stop polling and close the websocket."""
        self._clear_auto()
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            try:
                await self._reader
            except (asyncio.CancelledError, Exception):  # noqa: BLE001  closing anyway
                pass

    async def __aenter__(self) -> StClient:
        await self.connect()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    # --- what is on screen -----------------------------------------------------------------------
    def shown(self, kind: str | None = None) -> list[Shown]:
        """Elements on screen in page order, optionally of one kind."""
        return [
            self.elements[p] for p in sorted(self.elements) if kind is None or self.elements[p].kind == kind
        ]

    def texts(self, kind: str | None = None) -> list[str]:
        """The visible texts on screen."""
        return [text_of(s.kind, s.proto) for s in self.shown(kind)]

    def widget(self, key: str | None = None, *, label: str | None = None, kind: str | None = None):
        """A widget's proto by user key or by label (ClientError when there is none)."""
        for s in self.shown():
            if s.kind not in WIDGET_KINDS or (kind is not None and s.kind != kind):
                continue
            if key is not None and widget_key(s.proto.id) == key:
                return s.proto
            if label is not None and getattr(s.proto, "label", None) == label:
                return s.proto
        raise ClientError(f"{self.name}: no widget {key or label!r} on screen ({self._keys()})")

    def has_widget(self, key: str) -> bool:
        """Whether a widget with this key is on screen."""
        return any(s.kind in WIDGET_KINDS and widget_key(s.proto.id) == key for s in self.shown())

    @property
    def full_runs(self) -> int:
        """How many full runs of the page have begun (an element's `run` says which drew it)."""
        return self._full_runs

    @property
    def idle(self) -> bool:
        """No full run in progress: the page shows what its last run drew."""
        return not self._running

    async def wait_for(self, check: Callable[[], Any], timeout: float | None = None, what: str = "") -> float:
        """Wait until `check()` is true (looked at after each message); the time it became so."""
        deadline = time.perf_counter() + (self.timeout if timeout is None else timeout)
        while True:
            if check():
                return time.perf_counter()
            if self.errors:
                raise ClientError(f"{self.name}: connection lost waiting for {what}: {self.errors[-1]}")
            left = deadline - time.perf_counter()
            if left <= 0:
                raise ClientError(
                    f"{self.name}: {what or 'condition'} not seen within {timeout} s; {self.describe()}"
                )
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), left)
            except TimeoutError:
                pass

    def describe(self) -> str:
        """What the tab shows now, for an error message."""
        widgets = [
            f"{widget_key(s.proto.id) or s.proto.label}{' (disabled)' if getattr(s.proto, 'disabled', False) else ''}"
            for s in self.shown()
            if s.kind in WIDGET_KINDS
        ]
        texts = [
            f"{s.kind}: {text_of(s.kind, s.proto)[:80]}"
            for s in self.shown()
            if s.kind in ("alert", "progress")
        ]
        return (
            f"page {self.page_hash[:8]}?{self.query}, {'idle' if self.idle else 'running'}, "
            f"polling {len(self._auto)} fragment(s); widgets: {', '.join(widgets)}; status: {texts}; "
            f"run messages since the last interaction: {self._since_sent()}"
        )

    def _since_sent(self, most: int = 30) -> list[str]:
        return [text for at, text in self.lifecycle if at >= self.last_sent][:most]

    def _keys(self) -> str:
        return ", ".join(
            widget_key(s.proto.id) or s.proto.label for s in self.shown() if s.kind in WIDGET_KINDS
        )

    # --- interactions ----------------------------------------------------------------------------
    async def rerun(self, what: str = "rerun") -> float:
        """Rerun the page as it is (the "R" key); the run's seconds as the client saw them."""
        return await self._interact(what)

    async def goto(self, page: str, query: str = "") -> float:
        """Open another page of the app in this session (a page link)."""
        if page not in self.pages:
            raise ClientError(f"{self.name}: no page {page!r} (pages: {', '.join(self.pages)})")
        self._clear_auto()
        self.query = query
        return await self._interact(f"goto {page}", page_hash=self.pages[page])

    async def set_value(self, key: str, value: Any) -> float | None:
        """Type or pick a value. Outside a form this reruns the page (as the browser does on
        change); inside a form the value waits for `submit`."""
        proto = self.widget(key)
        state = widget_state(proto, self._kind_of(proto), value)
        if getattr(proto, "form_id", ""):
            self._forms.setdefault(proto.form_id, []).append(state)
            return None
        return await self._interact(f"set {key}", states=[state])

    async def click(self, key: str | None = None, *, label: str | None = None) -> float:
        """Press a button (by key or label)."""
        proto = self.widget(key, label=label, kind="button")
        if proto.disabled:
            raise ClientError(f"{self.name}: button {key or label!r} is disabled; {self.describe()}")
        return await self._interact(
            f"click {key or label}", states=[WidgetState(id=proto.id, trigger_value=True)]
        )

    async def submit(self, form_key: str) -> float:
        """Press a form's submit button, sending the values set in the form."""
        for s in self.shown("button"):
            if s.proto.is_form_submitter and s.proto.form_id == form_key:
                states = self._forms.pop(form_key, [])
                states.append(WidgetState(id=s.proto.id, trigger_value=True))
                return await self._interact(f"submit {form_key}", states=states)
        raise ClientError(f"{self.name}: no submit button of form {form_key!r}")

    def _kind_of(self, proto) -> str:
        for s in self.elements.values():
            if s.proto is proto:
                return s.kind
        return ""

    async def _interact(self, what: str, *, states=(), page_name: str = "", page_hash: str = "") -> float:
        """Send one rerun_script and wait for the full run it causes to finish."""
        async with self._turn:
            return await self._interact_now(what, states=states, page_name=page_name, page_hash=page_hash)

    async def _interact_now(self, what: str, *, states, page_name: str, page_hash: str) -> float:
        pending = _Pending(time.perf_counter(), self._full_runs)
        self._pending = pending
        self.last_sent = pending.sent_at
        try:
            await self._send_rerun(states=states, page_name=page_name, page_hash=page_hash or self.page_hash)
            try:
                seconds = await asyncio.wait_for(pending.done, self.timeout)
            except TimeoutError:
                raise ClientError(
                    f"{self.name}: {what} did not finish within {self.timeout:.0f} s (full runs begun "
                    f"{self._full_runs}, at the send {pending.runs_at_send}, last finished "
                    f"{self._finished_runs}); {self.describe()}"
                ) from None
        finally:
            self._pending = None
        self.runs.append(RunTime(what, seconds))
        return seconds

    async def _send_rerun(
        self, *, states=(), page_name: str = "", page_hash: str = "", fragment_id: str = ""
    ) -> None:
        msg = BackMsg()
        rs = msg.rerun_script
        rs.query_string = self.query
        rs.page_script_hash = page_hash
        rs.page_name = page_name
        rs.widget_states.widgets.extend(states)
        if fragment_id:
            rs.fragment_id = fragment_id
            rs.is_auto_rerun = True
        ci = rs.context_info
        ci.timezone, ci.timezone_offset, ci.locale = "Asia/Seoul", -540, self.locale
        ci.url = f"{self.base}/{self.page}" + (f"?{self.query}" if self.query else "")
        ci.color_scheme = "light"
        async with self._send_lock:
            await self._ws.send(msg.SerializeToString())

    # --- auto reruns of fragments (st.fragment(run_every=...)) -----------------------------------------
    def _clear_auto(self) -> None:
        for task in self._auto.values():
            task.cancel()
        self._auto.clear()

    async def _poll(self, fragment_id: str, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            self._frag_sent.setdefault(fragment_id, time.perf_counter())
            try:
                await self._send_rerun(page_hash=self.page_hash, fragment_id=fragment_id)
            except Exception:  # noqa: BLE001  the socket closed: the reader reports it
                return

    # --- reading ---------------------------------------------------------------------------------
    async def _read(self) -> None:
        try:
            async for raw in self._ws:
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                self._handle(msg, time.perf_counter())
                self._changed.set()
        except Exception as err:  # noqa: BLE001  reported to whoever waits
            self.errors.append(f"{type(err).__name__}: {err}")
            if self._pending is not None and not self._pending.done.done():
                self._pending.done.set_exception(ClientError(f"{self.name}: connection lost: {err}"))
        finally:
            self._changed.set()

    def _handle(self, msg: ForwardMsg, now: float) -> None:
        kind = msg.WhichOneof("type")
        if kind in LIFECYCLE:  # kept for an error message: the run boundaries the tab saw
            frags = ",".join(f[:6] for f in msg.metadata.run.fragment_ids) or "full"
            status = f" {msg.script_finished}" if kind == "script_finished" else ""
            if self._deltas:
                self.lifecycle.append((now, f"+{self._deltas} deltas"))
                self._deltas = 0
            self.lifecycle.append((now, f"{now - self._t0:.1f} {kind}{status} ({frags})"))
        elif kind == "delta":
            self._deltas += 1
        if kind == "new_session":
            if not msg.metadata.run.fragment_ids:  # a full run: the frontend drops its timers
                self._full_runs += 1
                self._running = True
                self._frag_sent.clear()  # fragment requests it superseded never finish
                self._clear_auto()
                self.page_hash = msg.new_session.page_script_hash or self.page_hash
        elif kind == "navigation":
            self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
            self.page_hash = msg.navigation.page_script_hash or self.page_hash
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "auto_rerun":
            fid, interval = msg.auto_rerun.fragment_id, msg.auto_rerun.interval
            old = self._auto.pop(fid, None)
            if old is not None:
                old.cancel()
            self._auto[fid] = asyncio.create_task(self._poll(fid, interval))
        elif kind == "stop_auto_rerun":
            for fid in msg.stop_auto_rerun.fragment_ids:
                task = self._auto.pop(fid, None)
                if task is not None:
                    task.cancel()
        elif kind == "delta":
            self._delta(msg, now)
        elif kind == "script_finished":
            self._finished(msg.script_finished, now, list(msg.metadata.run.fragment_ids))

    def _delta(self, msg: ForwardMsg, now: float) -> None:
        delta = msg.delta
        path = tuple(msg.metadata.delta_path)
        if delta.WhichOneof("type") != "new_element":
            return
        el = delta.new_element
        kind = el.WhichOneof("type")
        proto = getattr(el, kind) if kind else None
        shown = Shown(kind or "", proto, now, self._full_runs, delta.fragment_id)
        self.elements[path] = shown
        for fn in self.listeners:
            fn(self, path, shown)

    def _finished(self, status: int, now: float, fragment_ids: list[str]) -> None:
        if status == FRAGMENT_DONE:
            for fid in fragment_ids:
                sent = self._frag_sent.pop(fid, None)
                if sent is not None:
                    self.fragment_runs.append(now - sent)
            if not self._running:
                return
            # A full run is in progress as far as this tab knows, yet a fragment's run ended: one
            # session runs one script at a time, so the full run is over. Streamlit 1.67 ends a full
            # run that carries queued fragment reruns (st.rerun() while a poll waited) with the
            # fragment's status, and no FINISHED comes. The browser stops showing "running" on
            # either status; so does this tab.
            status = FINISHED
        if status != FINISHED:
            return
        self._running = False
        # A full run ended: what it did not draw is gone from the screen.
        self.elements = {p: s for p, s in self.elements.items() if s.run == self._full_runs}
        self._finished_runs = self._full_runs
        pending = self._pending
        if pending is not None and self._full_runs > pending.runs_at_send and not pending.done.done():
            pending.done.set_result(now - pending.sent_at)


__all__ = ["ClientError", "RunTime", "Shown", "StClient", "text_of", "widget_key"]
