"""One job interface, two back ends chosen by the database.

SQLite (the default install, one machine): `JobRegistry` (registry.py), jobs trained by this
process's pool of worker processes and kept in memory. PostgreSQL: `PgJobs` (pg.py), jobs as
rows carried by procrastinate to `python -m core.lab.worker` processes on any machine (the app
runs one itself, web/lab_worker.py), so every app replica sees every job.

Pages and tests call the `JobBackend` methods and do not care which one runs. `STUDY_LAB_QUEUE`
(`auto`, the default; `pool`; `postgres`) overrides the choice, e.g. to keep the in-process pool on
a PostgreSQL install.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Protocol

from core.lab.config import TrainConfig
from core.lab.jobs.pg_common import is_postgres
from core.lab.jobs.policy import Estimate, JobLimits, Participant
from core.lab.jobs.state import JobSnapshot, JobSummary

QUEUE_ENV = "STUDY_LAB_QUEUE"
QUEUES = ("auto", "pool", "postgres")


class JobBackend(Protocol):
    """What pages call (both back ends). `by` None is the server itself (CLI, benchmarks)."""

    mode: str
    limits: JobLimits
    progress_every_s: float  # how far apart a job's progress reaches the snapshots (0: as it comes)
    threads_per_job: int

    def start(
        self,
        cfg: TrainConfig,
        *,
        owner: Participant | None = None,
        init_state: bytes | None = None,
        **kw: Any,
    ) -> str: ...
    def check(self, cfg: TrainConfig, *, owner: Participant | None) -> Estimate: ...
    def snapshot(self, job_id: str) -> JobSnapshot | None: ...
    def stop(self, job_id: str, *, by: Participant | None) -> None: ...
    def wait_ended(self, job_id: str, timeout: float) -> bool: ...
    def wait_started(self, job_id: str, timeout: float) -> bool: ...
    def cancel(self, job_id: str, *, by: Participant | None) -> None: ...
    def move_to_front(self, job_id: str, *, by: Participant | None) -> None: ...
    def pause(self, job_id: str, *, by: Participant | None) -> None: ...
    def resume(self, job_id: str, *, by: Participant | None) -> None: ...
    def step(self, job_id: str, n: int, *, by: Participant | None) -> None: ...
    def active(self) -> list[JobSummary]: ...
    def list_jobs(self) -> list[JobSnapshot]: ...
    def job_ids(self) -> set[str]: ...
    def close(self) -> None: ...


def queue_kind(url: str, env: dict | None = None) -> str:
    """ "pool" or "postgres" for the database `url` (STUDY_LAB_QUEUE may force one)."""
    env = os.environ if env is None else env
    raw = (env.get(QUEUE_ENV) or "auto").strip().lower()
    if raw not in QUEUES:
        raise ValueError(f"{QUEUE_ENV} must be one of {', '.join(QUEUES)}, not {raw!r}")
    if raw == "auto":
        return "postgres" if is_postgres(url) else "pool"
    if raw == "postgres" and not is_postgres(url):
        raise ValueError(f"{QUEUE_ENV}=postgres needs a PostgreSQL DATABASE_URL")
    return raw


def open_jobs(
    url: str | None = None, *, on_done: Callable[[str, JobSnapshot], None] | None = None, **kwargs: Any
) -> JobBackend:
    """The job back end for the app's database (`url`, default: db.engine.resolve_url())."""
    if url is None:
        from db.engine import resolve_url

        url = resolve_url()
    if queue_kind(url) == "postgres":
        from core.lab.jobs.pg import PgJobs

        return PgJobs(url, **kwargs)
    from core.lab.jobs.registry import JobRegistry

    return JobRegistry(on_done=on_done, **kwargs)


__all__ = ["JobBackend", "QUEUE_ENV", "open_jobs", "queue_kind"]
