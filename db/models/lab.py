"""Model Lab runs: a finished (or stopped / diverged) training run kept for history, comparison,
shared links (`?run=<id>`) and instant replay of a config and seed that already ran.

Sizes are bounded by `core/lab/runs.py` before a row is written: curves are decimated, probe
snapshots (attention maps over training time) are thinned, the checkpoint is dropped past a limit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, utcnow

RUN_STATUSES = ("finished", "stopped", "diverged", "failed")


class LabRun(Base):
    """One training run. `config` is `dataclasses.asdict(TrainConfig)`; `version` guards title/notes edits."""

    __tablename__ = "lab_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20), index=True)  # rnn | lstm | gru | transformer
    task: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)  # RUN_STATUSES
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    config_hash: Mapped[str] = mapped_column(String(64))
    seed: Mapped[int] = mapped_column(Integer)
    steps_done: Mapped[int] = mapped_column(Integer, default=0)
    # {"step": [...], "loss": [...], "token_acc": [...], "grad_norm": [...], "eval_step": [...],
    #  "val_loss": [...], "val_token_acc": [...], "val_seq_acc": [...]} (decimated)
    curves: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # {"src": [tokens], "tgt": [tokens], "snapshots": [{"step": s, "tokens": [...], "attention": {name: nested}}]}
    probes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    device: Mapped[str] = mapped_column(String(80), default="")
    duration_s: Mapped[float] = mapped_column(Float, default=0.0)
    n_params: Mapped[int] = mapped_column(Integer, default=0)
    # Guests may train (a shared seminar link): their runs have no owner.
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    checkpoint: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (Index("ix_lab_runs_config_hash_seed", "config_hash", "seed"),)
    __mapper_args__ = {"version_id_col": version}
