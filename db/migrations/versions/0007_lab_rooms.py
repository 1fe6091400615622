"""lab rooms (seminar rooms, participants, room runs)

A leader opens a room with a short code; participants join under a nickname unique in the room;
runs started in a room are listed by job id, then by their stored lab_runs row.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 05:39:29.047815
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lab_rooms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("seminar_id", sa.Integer(), nullable=True),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("challenge_preset", sa.String(length=40), nullable=False),
        sa.Column("challenge_config", sa.JSON(), nullable=True),
        sa.Column("challenge_metric", sa.String(length=20), nullable=False),
        sa.Column("challenge_target", sa.Float(), nullable=True),
        sa.Column("challenge_goal", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["opened_by_id"],
            ["members.id"],
            name=op.f("fk_lab_rooms_opened_by_id_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["seminar_id"],
            ["cur_seminars.id"],
            name=op.f("fk_lab_rooms_seminar_id_cur_seminars"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lab_rooms")),
        sa.UniqueConstraint("code", name=op.f("uq_lab_rooms_code")),
    )
    with op.batch_alter_table("lab_rooms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lab_rooms_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_lab_rooms_opened_by_id"), ["opened_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lab_rooms_seminar_id"), ["seminar_id"], unique=False)

    op.create_table(
        "lab_room_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("participant_key", sa.String(length=80), nullable=False),
        sa.Column("nickname", sa.String(length=40), nullable=False),
        sa.Column("nickname_key", sa.String(length=80), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_lab_room_members_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["room_id"],
            ["lab_rooms.id"],
            name=op.f("fk_lab_room_members_room_id_lab_rooms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lab_room_members")),
        sa.UniqueConstraint("room_id", "nickname_key", name="uq_lab_room_members_nickname"),
        sa.UniqueConstraint("room_id", "participant_key", name="uq_lab_room_members_participant"),
    )
    with op.batch_alter_table("lab_room_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lab_room_members_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lab_room_members_room_id"), ["room_id"], unique=False)

    op.create_table(
        "lab_room_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.String(length=64), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["lab_room_members.id"],
            name=op.f("fk_lab_room_runs_member_id_lab_room_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["lab_rooms.id"], name=op.f("fk_lab_room_runs_room_id_lab_rooms"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["lab_runs.id"], name=op.f("fk_lab_room_runs_run_id_lab_runs"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lab_room_runs")),
        sa.UniqueConstraint("job_id", name=op.f("uq_lab_room_runs_job_id")),
    )
    with op.batch_alter_table("lab_room_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lab_room_runs_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lab_room_runs_room_id"), ["room_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lab_room_runs_run_id"), ["run_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("lab_room_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lab_room_runs_run_id"))
        batch_op.drop_index(batch_op.f("ix_lab_room_runs_room_id"))
        batch_op.drop_index(batch_op.f("ix_lab_room_runs_member_id"))

    op.drop_table("lab_room_runs")
    with op.batch_alter_table("lab_room_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lab_room_members_room_id"))
        batch_op.drop_index(batch_op.f("ix_lab_room_members_member_id"))

    op.drop_table("lab_room_members")
    with op.batch_alter_table("lab_rooms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lab_rooms_seminar_id"))
        batch_op.drop_index(batch_op.f("ix_lab_rooms_opened_by_id"))
        batch_op.drop_index(batch_op.f("ix_lab_rooms_created_at"))

    op.drop_table("lab_rooms")
