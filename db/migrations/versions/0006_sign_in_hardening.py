"""sign-in hardening: password parameters, sign-in epoch, throttle by name and client

Members get the scrypt parameters their hash was made with (existing hashes were made with
n=2**14, r=8, p=1) and a sign-in epoch (a password reset or change signs out open sessions).
login_throttle is replaced by counters per (name, client), per client and for everyone; the old
per-name rows are dropped (they only delayed further tries).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 05:10:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | Sequence[str] | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEGACY_PARAMS = 'scrypt:n=16384,r=8,p=1'  # the one cost every hash before this revision used


def upgrade() -> None:
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_params', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('sign_in_epoch', sa.Integer(), server_default='0', nullable=False))
    members = sa.table('members', sa.column('password_hash', sa.LargeBinary()), sa.column('password_params', sa.String()))
    op.execute(
        members.update().where(members.c.password_hash.is_not(None)).values(password_params=LEGACY_PARAMS)
    )
    op.drop_table('login_throttle')
    op.create_table('login_throttle',
    sa.Column('scope', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('client', sa.String(length=128), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('since', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('scope', 'name', 'client', name=op.f('pk_login_throttle'))
    )


def downgrade() -> None:
    op.drop_table('login_throttle')
    op.create_table('login_throttle',
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('username', name=op.f('pk_login_throttle'))
    )
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('sign_in_epoch')
        batch_op.drop_column('password_params')
