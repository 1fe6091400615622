"""Apply Alembic migrations from code (the app and the run script call `upgrade` on start)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

ROOT = Path(__file__).resolve().parent.parent
PG_LOCK_ID = 7_305_114
# Tables and indexes in our database that no model describes: procrastinate's own schema (applied by
# migration 0009 on PostgreSQL). Autogenerate and the models-match-migrations check leave them alone.
FOREIGN_PREFIXES = ("procrastinate_",)


def ours(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic `include_name`: whether a database object is one the models describe."""
    if type_ in ("table", "index") and name and name.startswith(FOREIGN_PREFIXES):
        return False
    return not (
        type_ in ("column", "index") and (parent_names.get("table_name") or "").startswith(FOREIGN_PREFIXES)
    )  # advisory lock: two app processes starting at once migrate one by one


def alembic_config() -> Config:
    """The project's Alembic config (alembic.ini at the repo root)."""
    return Config(str(ROOT / "alembic.ini"))


def _with_connection(engine: Engine, fn) -> None:
    cfg = alembic_config()
    with engine.execution_options(begin_immediate=True).connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": PG_LOCK_ID})
            conn.commit()
        try:
            cfg.attributes["connection"] = conn
            fn(cfg)
            conn.commit()
        finally:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": PG_LOCK_ID})
                conn.commit()


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Upgrade the schema to `revision` (idempotent: nothing happens when already there)."""
    _with_connection(engine, lambda cfg: command.upgrade(cfg, revision))


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Downgrade the schema to `revision`."""
    _with_connection(engine, lambda cfg: command.downgrade(cfg, revision))


def current_heads(engine: Engine) -> set[str]:
    """Revisions the database is at."""
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def script_heads() -> set[str]:
    """Head revisions shipped in db/migrations."""
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


if __name__ == "__main__":  # python -m db.migrate : upgrade the configured database
    from db.engine import make_engine, resolve_url

    eng = make_engine(resolve_url())
    upgrade(eng)
    print(f"database at {sorted(current_heads(eng))}")
