"""lab job queue (jobs and their progress batches; procrastinate's schema on PostgreSQL)

Lab jobs on PostgreSQL go through procrastinate: its tables, types and functions are applied here
(once: skipped when `procrastinate_jobs` already exists), so `python -m db.migrate` sets up
everything a worker needs. SQLite gets the two tables only (its jobs live in the app process).

Revision ID: 0009_lab_job_queue
Revises: 0008
Create Date: 2026-12-03 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_lab_job_queue"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PROCRASTINATE_TABLES = (
    "procrastinate_events",
    "procrastinate_periodic_defers",
    "procrastinate_jobs",
    "procrastinate_workers",
)
PROCRASTINATE_TYPES = (
    "procrastinate_job_to_defer_v1",
    "procrastinate_job_event_type",
    "procrastinate_job_status",
)


def _apply_procrastinate() -> None:
    from procrastinate.schema import SchemaManager

    conn = op.get_bind()
    if conn.execute(sa.text("SELECT to_regclass('procrastinate_jobs')")).scalar() is not None:
        return
    # The raw driver connection: the schema is many statements with '%' in function bodies.
    conn.connection.driver_connection.execute(SchemaManager.get_schema())


def _drop_procrastinate() -> None:
    conn = op.get_bind()
    for table in PROCRASTINATE_TABLES:
        op.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
    funcs = conn.execute(
        sa.text(
            "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE p.proname LIKE 'procrastinate\\_%' AND n.nspname = current_schema()"
        )
    ).scalars()
    for sig in list(funcs):
        op.execute(f"DROP FUNCTION IF EXISTS {sig} CASCADE")
    for name in PROCRASTINATE_TYPES:
        op.execute(f"DROP TYPE IF EXISTS {name} CASCADE")


def upgrade() -> None:
    op.create_table(
        "lab_jobs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("owner_key", sa.String(length=80), nullable=True),
        sa.Column("owner_role", sa.String(length=20), nullable=True),
        sa.Column("owner_name", sa.String(length=80), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("queue_job_id", sa.BigInteger(), nullable=True),
        sa.Column("estimate", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("worker", sa.String(length=120), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stop_requested", sa.Boolean(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("run_until", sa.Integer(), nullable=True),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("steps_per_s", sa.Float(), nullable=True),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("n_events", sa.Integer(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("n_params", sa.Integer(), nullable=True),
        sa.Column("device", sa.String(length=80), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("error_key", sa.String(length=80), nullable=True),
        sa.Column("error_params", sa.JSON(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("init_state", sa.LargeBinary(), nullable=True),
        sa.Column("checkpoint", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["members.id"], name=op.f("fk_lab_jobs_actor_id_members"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["lab_runs.id"], name=op.f("fk_lab_jobs_run_id_lab_runs"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lab_jobs")),
    )
    with op.batch_alter_table("lab_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lab_jobs_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_lab_jobs_owner_key"), ["owner_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_lab_jobs_status"), ["status"], unique=False)
        batch_op.create_index("ix_lab_jobs_status_priority", ["status", "priority"], unique=False)
    op.create_table(
        "lab_job_events",
        sa.Column("job_id", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("probe", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["job_id"], ["lab_jobs.id"], name=op.f("fk_lab_job_events_job_id_lab_jobs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("job_id", "seq", name=op.f("pk_lab_job_events")),
    )
    if op.get_bind().dialect.name == "postgresql":
        _apply_procrastinate()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _drop_procrastinate()
    op.drop_table("lab_job_events")
    with op.batch_alter_table("lab_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_lab_jobs_status_priority")
        batch_op.drop_index(batch_op.f("ix_lab_jobs_status"))
        batch_op.drop_index(batch_op.f("ix_lab_jobs_owner_key"))
        batch_op.drop_index(batch_op.f("ix_lab_jobs_created_at"))
    op.drop_table("lab_jobs")
