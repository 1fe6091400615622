"""seminar check-in codes and wrong-code counters

Each seminar gets a random six-character check-in code (members type or scan it during the
check-in window); existing seminars get one here. cur_checkin_misses counts one member's wrong
codes for one seminar, so codes cannot be guessed by trying them all.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 06:30:00.000000
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here as it was at this revision (db/models/curriculum.py CHECKIN_CODE_ALPHABET).
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def upgrade() -> None:
    with op.batch_alter_table("cur_seminars", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checkin_code", sa.String(length=6), nullable=True))
    seminars = sa.table("cur_seminars", sa.column("id", sa.Integer()), sa.column("checkin_code", sa.String()))
    conn = op.get_bind()
    used: set[str] = set()
    for (seminar_id,) in conn.execute(sa.select(seminars.c.id)).all():
        code = ""
        while not code or code in used:
            code = "".join(secrets.choice(ALPHABET) for _ in range(6))
        used.add(code)
        conn.execute(seminars.update().where(seminars.c.id == seminar_id).values(checkin_code=code))
    with op.batch_alter_table("cur_seminars", schema=None) as batch_op:
        batch_op.alter_column("checkin_code", existing_type=sa.String(length=6), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_cur_seminars_checkin_code"), ["checkin_code"])

    op.create_table(
        "cur_checkin_misses",
        sa.Column("seminar_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("misses", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_cur_checkin_misses_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["seminar_id"],
            ["cur_seminars.id"],
            name=op.f("fk_cur_checkin_misses_seminar_id_cur_seminars"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("seminar_id", "member_id", name=op.f("pk_cur_checkin_misses")),
    )


def downgrade() -> None:
    op.drop_table("cur_checkin_misses")
    with op.batch_alter_table("cur_seminars", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_cur_seminars_checkin_code"), type_="unique")
        batch_op.drop_column("checkin_code")
