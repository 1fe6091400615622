"""Model Lab jobs on the PostgreSQL queue (core/lab/jobs/pg.py, core/lab/worker.py): one row per job
(who, config, status, control flags, the worker's heartbeat, the final outcome) and its progress
as appended batches (steps, evals with their attention probe), so every app replica shows every
job and a page re-attaches after an app restart. procrastinate's own tables (`procrastinate_*`)
carry the job to a worker; these rows are what pages read.

The tables exist on SQLite too (one schema everywhere); there the in-process pool keeps jobs in
memory and never writes them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, utcnow

JOB_STATUSES = ("queued", "running", "finished", "stopped", "diverged", "failed")
LIVE_STATUSES = ("queued", "running")


class LabJob(Base):
    """One training job. `progress` counts every change a page may want to redraw."""

    __tablename__ = "lab_jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # unguessable hex: what a URL holds
    owner_key: Mapped[str | None] = mapped_column(String(80), nullable=True, index=True)
    owner_role: Mapped[str | None] = mapped_column(String(20), nullable=True)
    owner_name: Mapped[str | None] = mapped_column(String(80), nullable=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), nullable=True
    )  # the member whose history gets the stored run
    room_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), index=True)  # JOB_STATUSES
    priority: Mapped[int] = mapped_column(Integer, default=0)  # higher goes first (leaders; "to the front")
    queue_job_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # procrastinate's job id
    estimate: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # flops, seconds, memory_bytes
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(nullable=True)
    worker: Mapped[str | None] = mapped_column(String(120), nullable=True)  # host:pid of the worker
    heartbeat_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # Control, written by pages and read by the worker a few times a second.
    stop_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    run_until: Mapped[int | None] = mapped_column(Integer, nullable=True)  # while paused: steps allowed
    # Progress, written by the worker at most twice a second.
    step: Mapped[int] = mapped_column(Integer, default=0)
    steps_per_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    n_events: Mapped[int] = mapped_column(Integer, default=0)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    n_params: Mapped[int | None] = mapped_column(Integer, nullable=True)
    device: Mapped[str] = mapped_column(String(80), default="")
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    error_key: Mapped[str | None] = mapped_column(String(80), nullable=True)
    error_params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    run_id: Mapped[int | None] = mapped_column(
        ForeignKey("lab_runs.id", ondelete="SET NULL"), nullable=True
    )  # the stored run, once the job ended
    init_state: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    # Only when the stored run (run_id) does not keep it: pages read coalesce(this, the run's).
    checkpoint: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)

    __table_args__ = (Index("ix_lab_jobs_status_priority", "status", "priority"),)


class LabJobEvent(Base):
    """A batch of a job's progress: kind "steps" (rows of step, loss, token_acc, grad_norm, lr) or
    "eval" (step, val_loss, val_token_acc, val_seq_acc) with the probe's attention maps as bytes
    (`torch.save` of tensors only, read with weights_only=True; dropped when the job thins them)."""

    __tablename__ = "lab_job_events"

    job_id: Mapped[str] = mapped_column(ForeignKey("lab_jobs.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    payload: Mapped[list[Any]] = mapped_column(JSON)
    probe: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
