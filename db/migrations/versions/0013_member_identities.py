"""member identities: linked e-mail for OIDC sign-in, remembered-sign-in hand-offs

Members get an e-mail a leader links for signing in with the group's accounts (OIDC); NULL
means not linked. A remembered sign-in is now set by the server as an HttpOnly cookie: the
signed-in script run makes a one-time hand-off (auth_handoffs, hashed, 60 s) that the browser
trades at /auth/session/remember, and the remembered sign-in records which hand-off made it.

Revision ID: 0013_member_identities
Revises: 0008
Create Date: 2026-12-03 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_member_identities"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch_op.create_index(batch_op.f("ix_members_email"), ["email"], unique=True)
    with op.batch_alter_table("auth_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("handoff_hash", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_auth_sessions_handoff_hash"), ["handoff_hash"], unique=False)
    op.create_table(
        "auth_handoffs",
        sa.Column("handoff_hash", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_auth_handoffs_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("handoff_hash", name=op.f("pk_auth_handoffs")),
    )
    with op.batch_alter_table("auth_handoffs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_auth_handoffs_member_id"), ["member_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("auth_handoffs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auth_handoffs_member_id"))
    op.drop_table("auth_handoffs")
    with op.batch_alter_table("auth_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auth_sessions_handoff_hash"))
        batch_op.drop_column("handoff_hash")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_members_email"))
        batch_op.drop_column("email")
