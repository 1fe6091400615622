"""The parent side of Lab worker processes: one per slot, started lazily or pre-warmed, reused
across jobs, replaced when one dies, closed at interpreter exit (used by core.lab.jobs.registry)."""

from __future__ import annotations

import atexit
import pickle
import socket
import subprocess
import sys
import threading
import weakref
from multiprocessing.connection import Connection
from pathlib import Path

WORKER_MODULE = "core.lab.jobs.worker"
ROOT = Path(__file__).resolve().parents[3]  # the worker runs `python -m core.lab.jobs.worker` from here
READY_TIMEOUT_S = 60.0  # a pre-warm waits this long for one worker's imports before the next


class Worker:
    """One worker process (a fresh interpreter, see core/lab/jobs/worker.py) and its socket."""

    def __init__(self, threads: int) -> None:
        parent, child = socket.socketpair()
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", WORKER_MODULE, str(child.fileno()), str(threads)],
                pass_fds=(child.fileno(),),
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
            )
        finally:
            child.close()  # only the worker holds its end: its death reads as EOF here
        self.conn = Connection(parent.detach())
        self._send_lock = threading.Lock()  # stop() and the job's thread may both write

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def wait_ready(self, timeout: float) -> bool:
        """Wait until the worker has imported torch (its ("ready",) message, consumed here); False
        when it died or took longer. Only for a worker no job uses yet (a pre-warm holds its slot)."""
        try:
            if self.conn.poll(timeout):  # waits without the GIL
                return pickle.loads(self.conn.recv_bytes())[0] == "ready"
        except (EOFError, OSError):
            pass
        return False

    def send(self, msg: tuple) -> None:
        data = pickle.dumps(msg, protocol=pickle.HIGHEST_PROTOCOL)
        with self._send_lock:
            self.conn.send_bytes(data)

    def request_stop(self, job_id: str) -> None:
        """Tagged with the job: a late stop never reaches the worker's next job."""
        try:
            self.send(("stop", job_id))
        except OSError:
            pass  # already dead: the job's thread reports it

    def send_control(self, job_id: str, paused: bool, run_until: int | None) -> None:
        """Pause / step state for the job (tagged like a stop)."""
        try:
            self.send(("control", job_id, paused, run_until))
        except OSError:
            pass  # already dead: the job's thread reports it

    def kill(self) -> None:
        """End it now (SIGKILL works on a stopped or hung process too) and reap it."""
        self.proc.kill()
        try:
            self.proc.wait(5.0)
        except subprocess.TimeoutExpired:
            pass

    def exitcode(self) -> int | None:
        try:
            return self.proc.wait(1.0)
        except subprocess.TimeoutExpired:
            return None

    def close(self, timeout: float = 1.0) -> None:
        """Ask it to quit; terminate, then kill, if it does not (always reaped: no zombie)."""
        try:
            self.send(("quit",))
        except OSError:
            pass
        for end in (None, self.proc.terminate, self.proc.kill):
            if end is not None:
                end()
            try:
                self.proc.wait(timeout)
                break
            except subprocess.TimeoutExpired:
                continue
        self.conn.close()


class Pool:
    """One worker per slot, started lazily (or pre-warmed), reused across jobs, replaced when it
    dies. `reserved` of the slots are the leaders' (registry `leader_slots`): a warm worker is
    kept for each of them that no urgent (leader's) job holds, so a presenter's run never waits
    for a worker to start while the room's runs took the warm ones (a cold server's room did)."""

    def __init__(self, slots: int, threads: int, reserved: int = 0) -> None:
        self.threads = threads
        self.reserved = reserved
        self.urgent: set[int] = set()  # slots an urgent job holds
        self.workers: list[Worker | None] = [None] * slots
        self.busy = [False] * slots
        self.cond = threading.Condition()
        self.closed = False
        self._closing = threading.Event()  # wakes a delayed pre-warm at close
        self.warming: set[int] = set()  # slots whose worker a pre-warm is starting

    def _ensure(self, i: int) -> Worker:
        # Called with slot i marked busy by this thread; starting a process happens outside the lock.
        w = self.workers[i]
        if w is None or not w.alive():
            if w is not None:
                w.close(0)
            w = Worker(self.threads)
            with self.cond:
                closed = self.closed
                if not closed:
                    self.workers[i] = w
            if closed:  # close() ran while it started: it would outlive the server, importing torch
                w.close()
                raise RuntimeError("the job registry is closed")
        return w

    def acquire(self, urgent: bool = False) -> tuple[int, Worker]:
        """A free slot's worker, a warm one when there is (the registry guarantees a slot is or
        soon will be free). A job that is not `urgent` leaves the warm workers kept for the
        leaders' slots alone (class docstring). Taking the last warm worker starts warming a
        spare for the next job."""
        with self.cond:
            while True:
                if self.closed:
                    raise RuntimeError("the job registry is closed")
                idle = [i for i, busy in enumerate(self.busy) if not busy]
                warm = [i for i in idle if self.workers[i] is not None]
                keep = 0 if urgent else max(0, self.reserved - len(self.urgent))
                takeable = warm[: max(0, len(warm) - keep)]
                cold = [i for i in idle if self.workers[i] is None]
                # a worker half through its imports is sooner than a fresh one: wait for it
                if takeable or (cold and not self.warming):
                    break
                self.cond.wait(0.1)
            i = (takeable or cold)[0]
            self.busy[i] = True
            if urgent:
                self.urgent.add(i)
            spare = self._spare_needed()
        if spare:
            self._warm_spare_later()
        try:
            return i, self._ensure(i)
        except BaseException:
            self.release(i, dead=False)
            raise

    def release(self, i: int, *, dead: bool) -> None:
        """Give slot i back; a dead worker is dropped and a replacement starts in the background."""
        with self.cond:
            w = self.workers[i]
            if dead:
                self.workers[i] = None
            self.busy[i] = False
            self.urgent.discard(i)
            self.cond.notify_all()
        if dead and w is not None:
            w.close(0)
            self._warm_spare_later()

    def _spare_needed(self) -> bool:
        # Under self.cond: no idle slot has a worker, and one without a worker could get one.
        idle = [i for i, busy in enumerate(self.busy) if not busy]
        return not self.closed and bool(idle) and all(self.workers[i] is None for i in idle)

    def _warm_spare_later(self) -> None:
        threading.Thread(target=self._warm_spare, name="lab-prewarm", daemon=True).start()

    def prewarm(self, delay_s: float = 0.0) -> None:
        """Start the workers of idle slots that have none (torch imported before a Train click),
        one after another: each start costs about 3 s of CPU, and every slot's worker starting at
        once, right at server start, starved the first page being drawn on a 2-core server. The
        leaders' (`reserved`) workers start now: a presenter who presses Train seconds after the
        server started waited 1.6-2.7 s for the first worker's imports when they began after
        `delay_s` too (docs/benchmarks.md, ninth session). The others start after `delay_s`. A
        Train click meanwhile takes a warm worker, waits for the one warming, or starts its own;
        taking the last warm one warms a spare (`acquire`)."""
        for _ in range(self.reserved):
            if not self._warm_one():
                break
        if delay_s > 0 and self._closing.wait(delay_s):
            return
        while self._warm_one():
            pass

    def _warm_one(self) -> bool:
        """Start one idle slot's worker and wait for its imports; False when none needs one."""
        with self.cond:
            cold = [i for i, busy in enumerate(self.busy) if not busy and self.workers[i] is None]
            if self.closed or not cold:
                return False
            i = cold[0]
            self.busy[i] = True
            self.warming.add(i)
        try:
            self._ensure(i).wait_ready(READY_TIMEOUT_S)
        except Exception:  # noqa: BLE001  the next job retries and reports the error
            return False
        finally:
            with self.cond:
                self.warming.discard(i)
            self.release(i, dead=False)
        return True

    def _warm_spare(self) -> None:
        with self.cond:
            needed = self._spare_needed()
        if needed:
            self._warm_one()

    def pids(self) -> list[int | None]:
        """Worker process ids per slot (None: not started)."""
        with self.cond:
            return [w.pid if w is not None else None for w in self.workers]

    def close(self) -> None:
        """Stop every worker (idempotent)."""
        self._closing.set()
        with self.cond:
            self.closed = True
            workers, self.workers = [w for w in self.workers if w is not None], [None] * len(self.workers)
        for w in workers:
            w.close()


POOLS: weakref.WeakSet[Pool] = weakref.WeakSet()


@atexit.register
def close_pools() -> None:
    """Stop every pool's workers: at the server's shutdown (web/lab_warmup.py) and at exit. Idle
    workers also exit on their own when this process dies (EOF on their socket), but one still
    importing torch would live on for seconds beside the next server."""
    for pool in list(POOLS):
        pool.close()
