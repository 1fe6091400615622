"""`python -m core.lab.worker`: a Lab training worker for the PostgreSQL job queue.

Runs procrastinate's worker on queue "lab" against the app's database (`DATABASE_URL`, or
`.streamlit/secrets.toml` [connections.study] url: db/engine.py resolve_url), on any machine: the
app server itself (the app starts one, web/lab_worker.py), another box, or a GPU box. It picks
CUDA when present (core/lab/device.py) and trains up to `STUDY_LAB_WORKER_CONCURRENCY` jobs at
once (default: 8 with CUDA, where tiny models leave the card mostly idle; the CPU slot count
otherwise, `STUDY_LAB_SLOTS`, one per core up to 4). A database that does not answer (or lacks the queue's schema:
run `python -m db.migrate`) is reported and retried every few seconds; SIGTERM / Ctrl-C stop the
running jobs at their next step and exit.

Not to be confused with core/lab/jobs/worker.py: the in-process pool's worker (SQLite installs).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys

from core.lab.jobs.pg_common import LEADER_QUEUE, QUEUE, TASK, is_postgres, libpq_url, make_app, worker_name
from core.lab.jobs.policy import leader_slots

CONCURRENCY_ENV = "STUDY_LAB_WORKER_CONCURRENCY"
CUDA_CONCURRENCY = 8
MAX_CONCURRENCY = 64
RETRY_S = 3.0
log = logging.getLogger("core.lab.worker")


def default_concurrency(*, cuda: bool, env: dict | None = None) -> int:
    """Jobs one worker trains at once: STUDY_LAB_WORKER_CONCURRENCY, else 8 with CUDA, else the
    CPU slot count (STUDY_LAB_SLOTS, default one per core up to 4)."""
    env = os.environ if env is None else env
    raw = env.get(CONCURRENCY_ENV, "").strip()
    if raw:
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_CONCURRENCY:
            raise ValueError(
                f"{CONCURRENCY_ENV} must be a whole number from 1 to {MAX_CONCURRENCY}, not {raw!r}"
            )
        return int(raw)
    if cuda:
        return CUDA_CONCURRENCY
    from core.lab.jobs.registry import default_slots

    return default_slots(cuda=False)


def _where(url: str) -> str:
    from sqlalchemy.engine import make_url

    u = make_url(libpq_url(url))
    return f"{u.host or 'localhost'}:{u.port or 5432}/{u.database}"


def _ready(db) -> str | None:
    """None when the database answers and has the queue's schema, else what is wrong."""
    from sqlalchemy import text

    try:
        with db.engine.connect() as conn:
            if conn.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar() is None:
                return "the job queue's tables are missing: run `python -m db.migrate` first"
            if conn.execute(text("SELECT to_regclass('lab_jobs')")).scalar() is None:
                return "the lab_jobs table is missing: run `python -m db.migrate` first"
    except Exception as exc:  # noqa: BLE001  any reason the database does not answer
        return f"cannot reach the database ({type(exc).__name__}: {str(exc).strip().splitlines()[0]})"
    return None


async def _serve(url: str, runner, concurrency: int, reserved: int) -> None:
    from procrastinate import worker as procrastinate_worker

    app = make_app(url, asynchronous=True, pool_size=concurrency + reserved + 2)

    @app.task(name=TASK, queue=QUEUE, pass_context=True)
    def train_lab_job(context, job_id: str) -> None:  # runs in a thread of procrastinate's
        runner.run(job_id, context.job.id)

    async with app.open_async():

        def worker(queues: list[str], name: str, n: int):
            return procrastinate_worker.Worker(
                app=app,
                queues=queues,
                name=name,
                concurrency=n,
                install_signal_handlers=False,
                fetch_job_polling_interval=1.0,
                abort_job_polling_interval=5.0,
                update_heartbeat_interval=2.0,
                stalled_worker_timeout=10.0,
                listen_notify=True,
                delete_jobs="successful",  # our rows keep what happened; procrastinate's need not pile up
            )

        # Everyone's slots take leaders' runs first (priority); the leaders' own slots take only
        # theirs, so a presenter's run starts at once while the room's runs fill the others.
        workers = [worker([LEADER_QUEUE, QUEUE], runner.name, concurrency)]
        if reserved:
            workers.append(worker([LEADER_QUEUE], f"{runner.name}-leaders", reserved))
        loop = asyncio.get_running_loop()

        def stop() -> None:
            runner.shutdown.set()  # running jobs end at their next step
            for w in workers:
                w.stop()

        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop)
        await asyncio.gather(*(w.run() for w in workers))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m core.lab.worker", description=__doc__.splitlines()[0])
    p.add_argument(
        "--concurrency", type=int, default=None, help=f"jobs at once (default: ${CONCURRENCY_ENV})"
    )
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("procrastinate").setLevel(logging.WARNING)

    from db.engine import Database, resolve_url

    url = resolve_url()
    if not is_postgres(url):
        print(
            "The Lab worker needs PostgreSQL: set DATABASE_URL=postgresql://user@host/db "
            "(with SQLite the app trains jobs itself).",
            file=sys.stderr,
        )
        return 2
    import torch

    from core.lab.device import lower_priority, pick_device, training_nice, training_threads
    from core.lab.jobs.pg_worker import Runner

    torch.set_num_threads(training_threads())
    device = pick_device("auto")
    try:
        lower_priority(training_nice())  # an app beside it on the machine stays responsive
        concurrency = args.concurrency or default_concurrency(cuda=device.type == "cuda")
        reserved = leader_slots()
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    db = Database(url)
    runner = Runner(db)
    log.info(
        "Lab worker %s: %s, %d job(s) at once and %d more for leaders' runs, database %s",
        worker_name(),
        device,
        concurrency,
        reserved,
        _where(url),
    )
    while not runner.shutdown.is_set():
        problem = _ready(db)
        if problem is not None:
            log.error("Lab worker: %s; retrying in %g s", problem, RETRY_S)
            runner.shutdown.wait(RETRY_S)
            continue
        if runner._beat is None:
            runner.start_heartbeat()
        try:
            asyncio.run(_serve(url, runner, concurrency, reserved))
        except Exception as exc:  # noqa: BLE001  lost the database mid-way: say so and start again
            log.error("Lab worker stopped (%s: %s); retrying in %g s", type(exc).__name__, exc, RETRY_S)
            runner.shutdown.wait(RETRY_S)
            continue
        break
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
