"""A Lab training worker process (process mode of `core.lab.jobs.registry.JobRegistry`).

Started as `python -m core.lab.jobs.worker FD THREADS`, a fresh interpreter: multiprocessing's
spawn and forkserver would re-import the parent's `__main__`, which inside `streamlit run` is
the page script being executed. One long-lived worker per slot: torch is imported once, then it
trains one config after another, each in a thread of its own that runs `STUDY_LAB_NICE` below
the server's priority (core/lab/device.py), unless the job is a leader's: a presenter's run is
not left the CPU the room's page runs leave over. Messages are pickled tuples on a socket;
StepEvents go in batches every BATCH_S (the first step alone, at once) so IPC stays a few
messages a second whatever the step rate.
Worker -> parent: ("ready",) once after its imports, ("begin",), ("steps", [(step, loss, acc, grad_norm, lr), ...]),
("eval", step, val_loss, val_tok, val_seq, probe), ("done", status, step, metrics, checkpoint,
n_params, device), ("error", message). Parent -> worker: ("run", job_id, cfg, max_probe_bytes,
init_state, urgent), ("stop", job_id), ("control", job_id, paused, run_until) (pause / step N), ("quit",). A probe is bounded here already (`policy.bound_probe`), so a large
model's attention maps never cross the socket whole.
"""

from __future__ import annotations

import math
import pickle
import signal
import sys
import threading
import time
from multiprocessing.connection import Connection

import torch
import torch._dynamo  # noqa: F401  the first optimizer step imports it (~0.9 s): pay it before a job

from core.lab.checkpoint import save_checkpoint
from core.lab.device import lower_thread_priority, training_nice
from core.lab.jobs.control import Control
from core.lab.jobs.policy import bound_probe
from core.lab.train import DoneEvent, EvalEvent, StepEvent, train

BATCH_S = 0.2  # the page polls every 0.5 s: 5 small messages a second are plenty
PROTO = pickle.HIGHEST_PROTOCOL


class _Gone(Exception):
    """The parent closed its end: nobody is listening any more."""


class _Stop(Control):
    """train()'s stop flag and pause control: ("stop", job_id) and ("control", job_id, paused,
    run_until) for the current job are applied (stale ones are ignored), read between steps."""

    def __init__(self, conn: Connection) -> None:
        super().__init__(self._poll)
        self.conn, self.job, self.quit = conn, None, False

    def begin(self, job_id: str) -> None:
        self.job, self.stopped, self.paused, self.run_until = job_id, False, False, None

    def _poll(self, _control: Control) -> None:
        # A select() per step (microseconds); EOF means the parent is gone: stop and exit.
        try:
            while self.conn.poll():
                msg = pickle.loads(self.conn.recv_bytes())
                if msg[0] == "quit":
                    self.quit = True
                    self.stop()
                elif msg[1] != self.job:
                    continue  # for a job that already ended
                elif msg[0] == "stop":
                    self.stop()
                elif msg[0] == "control":
                    self.set_state(paused=msg[2], run_until=msg[3])
        except (EOFError, OSError) as exc:
            raise _Gone from exc


def _send(conn: Connection, msg: tuple) -> None:
    try:
        conn.send_bytes(pickle.dumps(msg, protocol=PROTO))
    except (BrokenPipeError, ConnectionResetError, EOFError) as exc:
        raise _Gone from exc


def _run_one(conn: Connection, stop: _Stop, cfg, max_probe_bytes: int, init_state: bytes | None) -> None:
    _send(conn, ("begin",))
    pending: list[tuple] = []
    # The first step goes at once (with nothing before it to batch): the page shows the run
    # training one batch sooner, 0.2 s, which a presenter pressing Train waited through.
    last = -math.inf
    for ev in train(cfg, stop=stop, control=stop, init_state=init_state):
        if isinstance(ev, StepEvent):
            pending.append((ev.step, ev.loss, ev.token_acc, ev.grad_norm, ev.lr))
            now = time.perf_counter()
            if now - last >= BATCH_S:
                _send(conn, ("steps", pending))
                pending, last = [], now
            continue
        if pending:  # keep the order: steps before the eval or the end that follows them
            _send(conn, ("steps", pending))
            pending, last = [], time.perf_counter()
        if isinstance(ev, EvalEvent):
            # pickled by value: small CPU tensors, float16, within the parent's byte budget
            probe = bound_probe(ev.probe.cpu(), max_probe_bytes) if ev.probe is not None else None
            _send(conn, ("eval", ev.step, ev.val_loss, ev.val_token_acc, ev.val_seq_acc, probe))
        elif isinstance(ev, DoneEvent):
            data = save_checkpoint(ev.model, cfg)
            _send(conn, ("done", ev.status, ev.step, dict(ev.metrics), data, ev.n_params, ev.device))
            return
    _send(conn, ("error", "RuntimeError: training ended without a DoneEvent"))


def _run_in_thread(conn: Connection, stop: _Stop, msg: tuple, nice: int) -> None:
    """Run one job's ("run", ...) message in a new thread, niced by `nice` unless it is urgent
    (a leader's); exceptions come back here as from _run_one."""
    failure: list[BaseException] = []
    urgent = len(msg) > 5 and msg[5]

    def body() -> None:
        try:
            if not urgent:
                lower_thread_priority(nice)
            _run_one(conn, stop, msg[2], msg[3], msg[4] if len(msg) > 4 else None)
        except BaseException as exc:  # noqa: BLE001  re-raised in the serving thread
            failure.append(exc)

    job = threading.Thread(target=body, name=f"lab-job-{msg[1][:8]}", daemon=True)
    job.start()
    job.join()
    if failure:
        raise failure[0]


def serve(conn: Connection, threads: int, nice: int = 0) -> None:
    """Serve ("run", job_id, cfg, ...) requests until ("quit",) or until the parent goes away;
    a job that is not urgent trains `nice` below this process's priority."""
    torch.set_num_threads(threads)
    stop = _Stop(conn)
    try:
        _send(conn, ("ready",))  # imports done: a pre-warm may start the next slot's worker now
    except _Gone:
        return
    while not stop.quit:
        try:
            msg = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        if msg[0] == "quit":
            return
        if msg[0] != "run":
            continue  # a stop for a job that already ended
        stop.begin(msg[1])
        try:
            _run_in_thread(conn, stop, msg, nice)
        except _Gone:
            return
        except Exception as exc:  # noqa: BLE001  a broken run is reported; the worker serves the next one
            try:
                _send(conn, ("error", f"{type(exc).__name__}: {exc}"))
            except _Gone:
                return


if __name__ == "__main__":
    # Ctrl-C in the server's terminal reaches the whole process group; the parent shuts us down.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Jobs train below the server's priority, leaders' at it (serve); the server stays responsive.
    serve(Connection(int(sys.argv[1])), int(sys.argv[2]), training_nice())
