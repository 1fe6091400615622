"""One tab of the room load test pressing Train and following its run (benchmarks/room_load.py).

`train(client)` presses the Lab's Train (and "train anyway" when a stored run is offered),
optionally Stop a second after the first step, and waits until the page shows the run ended: a
finished page run whose status line has an end icon and whose Train button is enabled again.
Meanwhile a `Watch` notes, from the elements the server sends, when the status line left the
queue, the first step, the first curve point and each change of each curve chart's data.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field

from benchmarks.st_client import StClient
from benchmarks.st_elements import widget_key

TAB = "transformer"
TRAIN, STOP, ANYWAY = (f"lab_{TAB}_{n}" for n in ("train", "stop", "anyway"))  # ui/lab/keys.py
SEED, STEPS = f"lab_{TAB}_seed", f"lab_{TAB}_steps"
ENDED = {  # the status line's icon once a run is over (ui/lab/draw.py status_line)
    ":material/check_circle:": "finished",
    ":material/stop_circle:": "stopped",
    ":material/trending_up:": "diverged",
    ":material/error:": "failed",
}
_STEP = re.compile(r"(\d[\d,]*)\s*/\s*(\d[\d,]*)")  # "스텝 3/30 · ..." / "Step 3/30 · ..."


@dataclass
class Watch:
    """One press of Train as the pressing tab sees it: when (perf_counter) each thing showed."""

    who: str
    pressed: float | None = None  # the Train click left the tab
    running: float | None = None  # the status line left the queue (a progress bar)
    first_step: float | None = None  # the progress bar shows step >= 1
    first_curve: float | None = None  # a curve chart has a point
    changes: dict[tuple, list[float]] = field(default_factory=dict)  # per chart: its data changed
    stop_sent: float | None = None
    ended: float | None = None  # the page shows the run's end
    outcome: str | None = None
    _digest: dict[tuple, int] = field(default_factory=dict)

    def after(self, moment: float | None, since: float | None = None) -> float | None:
        """Seconds from `since` (default: the press) to `moment` (None when either never came)."""
        base = self.pressed if since is None else since
        return None if moment is None or base is None else moment - base

    def seen(self, path: tuple, kind: str, proto, now: float) -> None:
        """Listener body: note progress and curve updates (each chart by its place on the page)."""
        if self.ended is not None:
            return
        if kind == "progress":
            self.running = self.running or now
            m = _STEP.search(proto.text)
            if m and int(m.group(1).replace(",", "")) >= 1 and self.first_step is None:
                self.first_step = now
        elif kind == "vega_lite_chart":
            lines = next((d.data.data for d in proto.datasets if d.name == "lines"), None)
            if lines is None:
                return
            digest = hash(lines)
            if digest == self._digest.get(path):
                return
            self._digest[path] = digest
            if self.first_curve is None:
                if _rows(lines) == 0:
                    return
                self.first_curve = now
            self.changes.setdefault(path, []).append(now)

    def gaps(self) -> list[float]:
        """Seconds between updates of each chart while the job trained."""
        return [b - a for times in self.changes.values() for a, b in zip(times, times[1:], strict=False)]


def _rows(arrow_bytes: bytes) -> int:
    import pyarrow as pa

    return pa.ipc.open_stream(arrow_bytes).read_all().num_rows


def listen(client: StClient) -> None:
    """Feed what the server sends this tab to the Watch of its current Train press."""
    client.watch = None
    client.listeners.append(lambda c, path, s: c.watch and c.watch.seen(path, s.kind, s.proto, s.at))


def _outcome(client: StClient) -> str | None:
    """The run's end as the tab shows it: the latest full run drew the status line with an end
    icon and Train enabled again. Its "finished" message is not waited for: Streamlit 1.67 can drop
    a full run's script_finished when a fragment's poll starts the next script run at that moment
    (runtime/app_session.py says so); a browser then shows the new elements, with the ones that run
    did not draw faded, not removed."""
    latest = [s for s in client.shown() if s.run == client.full_runs]
    train = next((s.proto for s in latest if s.kind == "button" and widget_key(s.proto.id) == TRAIN), None)
    if train is None or train.disabled:
        return None
    for s in latest:
        if s.kind == "alert" and s.proto.icon in ENDED:
            return ENDED[s.proto.icon]
    return None


def _enabled(client: StClient) -> bool:
    return client.idle and client.has_widget(TRAIN) and not client.widget(TRAIN).disabled


async def train_ready(client: StClient, timeout: float) -> float:
    """Wait until Train can be pressed (a fresh server warms its training engine up first)."""
    return await client.wait_for(lambda: _enabled(client), timeout, "Train enabled")


async def train(
    client: StClient,
    timeout: float,
    *,
    stop_after_first_step: float | None = None,
    pressed=None,
    stopping=None,
) -> Watch:
    """Press Train and follow the run to its end (optionally stop it a while after its first
    step); `pressed()` is called once the press's page run has finished (the job is queued), and
    `stopping()` just before Stop is clicked.
    Times count from when the click left the tab (not from waiting for the tab's turn)."""
    await train_ready(client, timeout)
    watch = Watch(client.name)
    client.watch = watch
    await client.click(TRAIN)
    watch.pressed = client.last_sent
    if client.has_widget(ANYWAY):  # a stored run of this config was offered instead: train anyway
        await client.click(ANYWAY)
        watch.pressed = client.last_sent
    if pressed is not None:
        pressed()
    if stop_after_first_step is not None:
        await client.wait_for(lambda: watch.first_step is not None, timeout, "first step")
        await asyncio.sleep(stop_after_first_step)
        if stopping is not None:
            stopping()
        await client.click(STOP)
        watch.stop_sent = client.last_sent
    watch.ended = await client.wait_for(lambda: _outcome(client) is not None, timeout, "end of the run")
    watch.outcome = _outcome(client)
    client.watch = None
    return watch
