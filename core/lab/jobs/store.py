"""Keeping an ended job: its snapshot becomes a stored run (core.lab.runs), linked to the seminar
room it was started in. One place for both back ends: the app's `on_done` (in-process pool) and
the PostgreSQL worker (which stores what it trained, whichever app started it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from core.lab import rooms as lab_rooms
from core.lab import runs as lab_runs
from core.lab.config import TrainConfig
from db.engine import Database


@dataclass(frozen=True)
class Starter:
    """The member whose history gets the run (`store_run` reads only the id); None for guests."""

    id: int


def store_ended(
    db: Database, job_id: str, cfg: TrainConfig, snap: Any, *, actor: Any, room_id: int | None
) -> int:
    """Store the ended job `snap` as a run (and link its room run); returns the run id."""
    with db.write() as s:
        return store_in(s, job_id, cfg, snap, actor=actor, room_id=room_id)


def store_in(s: Session, job_id: str, cfg: TrainConfig, snap: Any, *, actor: Any, room_id: int | None) -> int:
    """`store_ended` inside the caller's transaction (the PostgreSQL worker ends the job's row in
    the same one)."""
    from core.lab.snapshots import record_of_snapshot

    run_id = lab_runs.store_run(session=s, by=actor, record=record_of_snapshot(cfg, snap)).id
    if room_id is not None:
        lab_rooms.attach_run(session=s, job_id=job_id, run_id=run_id)
    return run_id


__all__ = ["Starter", "store_ended", "store_in"]
