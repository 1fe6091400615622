"""lab runs (Model Lab history, compare, replay)

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-21 23:56:33.159272
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = ('lab',)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('lab_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('task', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('config', sa.JSON(), nullable=False),
    sa.Column('config_hash', sa.String(length=64), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('steps_done', sa.Integer(), nullable=False),
    sa.Column('curves', sa.JSON(), nullable=False),
    sa.Column('metrics', sa.JSON(), nullable=False),
    sa.Column('probes', sa.JSON(), nullable=False),
    sa.Column('device', sa.String(length=80), nullable=False),
    sa.Column('duration_s', sa.Float(), nullable=False),
    sa.Column('n_params', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('checkpoint', sa.LargeBinary(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['members.id'], name=op.f('fk_lab_runs_created_by_id_members'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lab_runs'))
    )
    with op.batch_alter_table('lab_runs', schema=None) as batch_op:
        batch_op.create_index('ix_lab_runs_config_hash_seed', ['config_hash', 'seed'], unique=False)
        batch_op.create_index(batch_op.f('ix_lab_runs_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_lab_runs_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lab_runs_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_lab_runs_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_lab_runs_task'), ['task'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('lab_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lab_runs_task'))
        batch_op.drop_index(batch_op.f('ix_lab_runs_status'))
        batch_op.drop_index(batch_op.f('ix_lab_runs_kind'))
        batch_op.drop_index(batch_op.f('ix_lab_runs_created_by_id'))
        batch_op.drop_index(batch_op.f('ix_lab_runs_created_at'))
        batch_op.drop_index('ix_lab_runs_config_hash_seed')

    op.drop_table('lab_runs')
