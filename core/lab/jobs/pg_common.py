"""What the app side (`pg.py`) and the worker side (`pg_worker.py`) of the PostgreSQL job queue
share: the procrastinate app, the job's owner and probes as stored, the heartbeat rule, and a
job's progress rebuilt from its stored batches.

A job's row (db/models/lab_jobs.py LabJob) is the truth pages read; procrastinate's job only
carries it to a worker (task `TASK` on queue `QUEUE`, priority: leaders first, lock: one of the
owner's lanes, so a participant never trains more runs at once than their `max_running`). A
running job's worker touches `heartbeat_at` every `HEARTBEAT_S`; a job whose heartbeat is older
than `DEAD_AFTER_S` (its worker was killed, lost power or lost the database) is failed by
whoever looks next (`reap`: any app replica's poll, any worker) and its procrastinate job is
failed too, which frees the owner's lock.
"""

from __future__ import annotations

import io
import math
import os
import socket
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from core.lab.jobs import policy
from core.lab.jobs.policy import Participant
from core.lab.jobs.state import CURVE_KEYS, EVAL_KEYS
from db.models.lab_jobs import LabJob, LabJobEvent

TASK = "lab.train"
QUEUE = "lab"
LEADER_QUEUE = "lab_leaders"  # leaders' runs: every worker also keeps slots that take only these
LEADER_PRIORITY = 100
HEARTBEAT_S = 1.0
FLUSH_S = 0.5  # a worker writes a job's progress at most twice a second (core/lab/jobs/pg_worker.py)
DEAD_AFTER_S = 5.0  # a silent worker is noticed within this plus one poll (well under 10 s)
WORKER_LOST_KEY = "lab.job.worker_lost"
CONTROL_CHANNEL = "lab_job_control"  # NOTIFY payload: the id of a job whose stop, pause or step changed


def libpq_url(url: str) -> str:
    """A SQLAlchemy URL (postgresql+psycopg://...) as libpq takes it (postgresql://...)."""
    u = make_url(url.replace("postgres://", "postgresql://", 1))
    return u.set(drivername="postgresql").render_as_string(hide_password=False)


def is_postgres(url: str) -> bool:
    """Does `url` name a PostgreSQL database (the queue back end) rather than SQLite?"""
    return url.startswith(("postgres://", "postgresql"))


def make_app(url: str, *, asynchronous: bool, pool_size: int = 2) -> Any:
    """The procrastinate App of the Lab queue (async connector for a worker, sync for an app)."""
    import procrastinate

    kwargs = {"conninfo": libpq_url(url), "min_size": 1, "max_size": max(2, pool_size)}
    conn = (
        procrastinate.PsycopgConnector(**kwargs)
        if asynchronous
        else procrastinate.SyncPsycopgConnector(**kwargs)
    )
    return procrastinate.App(connector=conn)


def worker_name() -> str:
    """host:pid, shown on a job's row (who trains it)."""
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def notify_control(session: Session, job_id: str) -> None:
    """Tell the workers, when this transaction commits, that job `job_id`'s control flags changed
    (its worker reads them at once instead of at its next look at the row)."""
    session.execute(text("SELECT pg_notify(:channel, :id)"), {"channel": CONTROL_CHANNEL, "id": job_id})


# --- owners --------------------------------------------------------------------------------------
def owner_of(row: LabJob) -> Participant | None:
    if row.owner_key is None:
        return None
    return Participant(row.owner_key, row.owner_role or "guest", row.owner_name)


def priority_of(owner: Participant | None) -> int:
    """Leaders' runs go ahead of queued member and guest runs (the server's own wait in line)."""
    return LEADER_PRIORITY if owner is not None and owner.is_leader else 0


# --- probes as bytes -----------------------------------------------------------------------------
def encode_probe(result: Any) -> bytes | None:
    """A (bounded, CPU) DecodeResult as bytes: tensors only, so it loads with weights_only=True."""
    if result is None:
        return None
    import torch

    buf = io.BytesIO()
    torch.save({"tokens": result.tokens, "attention": dict(result.attention)}, buf)
    return buf.getvalue()


def decode_probe(data: bytes | None) -> Any:
    if data is None:
        return None
    import torch

    from core.lab.models import DecodeResult

    d = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    return DecodeResult(d["tokens"], dict(d["attention"]))


def finite(v: float) -> float | None:
    """JSON has no NaN or infinity (PostgreSQL's JSON refuses them)."""
    return v if isinstance(v, int | float) and math.isfinite(v) else None


def unfinite(v: Any) -> float:
    return math.nan if v is None else v


# --- progress rebuilt from stored batches --------------------------------------------------------
class Progress:
    """One job's curves and kept probes, built up from its event rows (each read once)."""

    def __init__(self, max_probes: int, probe_every: int) -> None:
        self.seq = 0
        self.probe_every = probe_every
        self.curves: dict[str, list] = {k: [] for k in (*CURVE_KEYS, *EVAL_KEYS)}
        self.probes: dict[int, Any] = {}
        self.keeper = policy.ProbeKeeper(max_probes)
        self.settled = False

    def apply(self, kind: str, payload: list, probe: Any) -> None:
        """One batch: "steps" rows or one "eval" (probe: bytes as stored, or a DecodeResult)."""
        c = self.curves
        if kind == "steps":
            for step, loss, acc, gn, lr in payload:
                c["step"].append(step)
                c["loss"].append(unfinite(loss))
                c["token_acc"].append(unfinite(acc))
                c["grad_norm"].append(unfinite(gn))
                c["lr"].append(unfinite(lr))
        elif kind == "eval":
            step, vl, vt, vs = payload
            c["eval_step"].append(step)
            c["val_loss"].append(unfinite(vl))
            c["val_token_acc"].append(unfinite(vt))
            c["val_seq_acc"].append(unfinite(vs))
            if probe is not None:
                for old in self.keeper.add(step, pinned=policy.pinned_probe(step, self.probe_every)):
                    self.probes.pop(old, None)
                self.probes[step] = decode_probe(probe) if isinstance(probe, bytes) else probe

    def catch_up(self, session: Session, job_id: str) -> None:
        """Apply the job's batches this one has not seen yet."""
        rows = session.execute(
            select(LabJobEvent.seq, LabJobEvent.kind, LabJobEvent.payload, LabJobEvent.probe)
            .where(LabJobEvent.job_id == job_id, LabJobEvent.seq > self.seq)
            .order_by(LabJobEvent.seq)
        ).all()
        for seq, kind, payload, probe in rows:
            self.apply(kind, payload, probe)
            self.seq = seq

    def settle(self, session: Session, job_id: str) -> None:
        """Once the job has ended, keep exactly the probes its rows kept. A reader that followed
        the run live chose among probes the worker dropped later (their bytes nulled), so without
        this two app processes could show different attention replays of the same run."""
        if self.settled:
            return
        stored = session.execute(
            select(LabJobEvent.payload, LabJobEvent.probe).where(
                LabJobEvent.job_id == job_id, LabJobEvent.kind == "eval", LabJobEvent.probe.is_not(None)
            )
        ).all()
        kept = {payload[0]: probe for payload, probe in stored}
        self.probes = {
            step: self.probes[step] if step in self.probes else decode_probe(probe)
            for step, probe in sorted(kept.items())
        }
        self.settled = True


# --- the heartbeat rule --------------------------------------------------------------------------
def reap(session: Session, dead_after_s: float = DEAD_AFTER_S) -> list[str]:
    """Fail running jobs whose worker stopped beating (and their procrastinate jobs, freeing the
    owner's lock); returns their ids. Uses the database's clock, so app and worker clocks may differ."""
    gone = session.execute(
        update(LabJob)
        .where(
            LabJob.status == "running",
            LabJob.heartbeat_at < func.now() - func.make_interval(0, 0, 0, 0, 0, 0, dead_after_s),
        )
        .values(
            status="failed",
            ended_at=func.now(),
            error=(
                "WorkerLost: the worker training this run stopped answering "
                f"(no heartbeat for {dead_after_s:g} s). Start the run again."
            ),
            error_key=WORKER_LOST_KEY,
            error_params={"seconds": f"{dead_after_s:g}"},
            progress=LabJob.progress + 1,
        )
        .returning(LabJob.id, LabJob.queue_job_id)
    ).all()
    for _, qid in gone:
        if qid is not None:
            session.execute(
                text("UPDATE procrastinate_jobs SET status = 'failed' WHERE id = :id AND status = 'doing'"),
                {"id": qid},
            )
    return [jid for jid, _ in gone]


KEEP_ENDED_S = 86_400.0  # an ended job's row and batches stay a day (its stored run stays for good)


def prune(session: Session, keep_s: float = KEEP_ENDED_S) -> int:
    """Delete jobs that ended more than `keep_s` ago (their batches go with them); returns how many.
    Pages then read such a job from its stored run, as rooms already do."""
    from sqlalchemy import delete

    gone = session.execute(
        delete(LabJob).where(
            LabJob.ended_at.is_not(None),
            LabJob.ended_at < func.now() - func.make_interval(0, 0, 0, 0, 0, 0, keep_s),
        )
    )
    return gone.rowcount or 0


__all__ = [
    "CONTROL_CHANNEL",
    "DEAD_AFTER_S",
    "HEARTBEAT_S",
    "Progress",
    "QUEUE",
    "TASK",
    "decode_probe",
    "encode_probe",
    "is_postgres",
    "libpq_url",
    "make_app",
    "notify_control",
    "owner_of",
    "priority_of",
    "prune",
    "reap",
]
