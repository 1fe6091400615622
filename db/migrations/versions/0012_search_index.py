"""search index: search_docs, a trigram index on PostgreSQL, filled from the existing rows

One row per searchable text (weeks, notes, questions, answers, reviews, retrospectives), kept in
step by core/search/index.py. PostgreSQL: pg_trgm and a GIN trigram index on the folded text
(serves LIKE '%word%'; created when the server offers pg_trgm, else the index is an empty
placeholder and searches scan). SQLite: the index name is an empty partial index, so models and
migrations agree; the FTS5 trigram table is made by the first write (see core/search/index.py
for why not here).

Revision ID: 0012_search_index
Revises: 0008
Create Date: 2026-12-03 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_search_index"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _has_trgm(conn) -> bool:
    return (
        conn.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).first()
        is not None
    )


def upgrade() -> None:
    op.create_table(
        "search_docs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("week_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("folded", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_docs")),
        sa.UniqueConstraint("kind", "ref_id", name=op.f("uq_search_docs_kind")),
    )
    op.create_index(op.f("ix_search_docs_week_id"), "search_docs", ["week_id"], unique=False)
    conn = op.get_bind()
    if conn.dialect.name == "postgresql" and _has_trgm(conn):
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_search_docs_trgm ON search_docs USING gin (folded gin_trgm_ops)")
    else:
        op.execute("CREATE INDEX ix_search_docs_trgm ON search_docs (folded) WHERE 1 = 0")

    # Fill it from the rows already there, with the same code the app keeps it with.
    from core.search.index import rebuild

    rebuild(conn, fts=False)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_index("ix_search_docs_trgm", table_name="search_docs")
    op.drop_index(op.f("ix_search_docs_week_id"), table_name="search_docs")
    op.drop_table("search_docs")
