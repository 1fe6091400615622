"""Alembic environment: runs on a connection handed in by db.migrate, or on the resolved URL."""

from alembic import context

import db.models  # noqa: F401  (registers every table)
from db.base import Base
from db.engine import make_engine, resolve_url
from db.migrate import ours

config = context.config
target_metadata = Base.metadata


def _render_item(type_, obj, autogen_context):
    # Migrations stay independent of app code: our UTCDateTime is a plain timezone DateTime.
    if type_ == "type" and obj.__class__.__name__ == "UTCDateTime":
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite ALTER needs batch mode
        compare_type=True,
        render_item=_render_item,
        include_name=ours,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or resolve_url())
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()
