"""Engine and session factory: SQLite by default (WAL, busy_timeout, FKs, BEGIN IMMEDIATE for
writes), PostgreSQL by one setting. Never imports streamlit: the URL comes from the
`DATABASE_URL` environment variable or `.streamlit/secrets.toml` `[connections.study] url`."""

from __future__ import annotations

import os
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DataError, DisconnectionError, IntegrityError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from core.errors import AppError, InvalidInput

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE = ROOT / "data" / "study.db"
SQLITE_BUSY_TIMEOUT_MS = 10_000
PING_IDLE_S = 5.0  # a pooled server connection idle longer than this is pinged before use
clock = time.monotonic  # how long a connection lay idle (tests drive their own)


class DatabaseConfigError(AppError):
    """DATABASE_URL / [connections.study] url is malformed or names an unknown driver."""

    key = "common.error.db_url"


class ConcurrentEdit(AppError):
    """Another request changed or created the same row at the same moment (a lost race on
    PostgreSQL, where transactions run side by side); nothing of this request was saved."""

    key = "common.error.concurrent"


def _unique_violation(err: IntegrityError) -> bool:
    code = getattr(err.orig, "sqlstate", None)  # psycopg: "23505"; sqlite3 has none
    return code == "23505" or "UNIQUE constraint failed" in str(err.orig)


def _app_error(err: Exception) -> AppError | None:
    """The app's own error for a database error that user input or a race can cause, else None (a bug)."""
    if isinstance(err, StaleDataError):  # an UPDATE ... WHERE version = n matched no row
        return ConcurrentEdit()
    if isinstance(err, IntegrityError) and _unique_violation(err):
        return ConcurrentEdit()
    if isinstance(err, DataError) and "NUL (0x00)" in str(err.orig):
        return InvalidInput("common.error.nul_char")
    return None


def resolve_url(root: Path = ROOT) -> str:
    """The database URL: $DATABASE_URL, else secrets.toml [connections.study] url, else SQLite."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return url
    secrets = root / ".streamlit" / "secrets.toml"
    if secrets.is_file():
        try:
            data = tomllib.loads(secrets.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise DatabaseConfigError(detail=f"{secrets}: {exc}") from exc
        url = str(data.get("connections", {}).get("study", {}).get("url", "")).strip()
        if url:
            return url
    return f"sqlite:///{DEFAULT_SQLITE}"


def _normalise(url: str) -> str:
    # "postgresql://" means psycopg2 to SQLAlchemy; we ship psycopg 3.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def make_engine(url: str, **kwargs) -> Engine:
    """Create an Engine for `url`, raising DatabaseConfigError for a malformed setting."""
    try:
        parsed = make_url(_normalise(url))
    except ArgumentError as exc:
        raise DatabaseConfigError(detail=str(exc)) from exc
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, **kwargs)
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ArgumentError, ImportError) as exc:
        raise DatabaseConfigError(detail=str(exc)) from exc
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Ping a pooled connection before use only when it lay idle over PING_IDLE_S: one that the
    database dropped meanwhile (a restart, an idle timeout) is then replaced unseen. SQLAlchemy's
    `pool_pre_ping` pinged at every checkout, a round trip before each transaction: under a
    seminar room's load 7.7% of the server's samples (py-spy). A connection in use moments ago
    is trusted; if it was cut since, its one failing statement marks it and every older pooled
    connection for replacement (SQLAlchemy's disconnect handling), so the next request reconnects."""

    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_conn, record) -> None:
        record.info["idle_since"] = clock()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_conn, record, _proxy) -> None:
        since = record.info.pop("idle_since", None)
        if since is None or clock() - since <= PING_IDLE_S:
            return  # just connected, or in use moments ago
        try:
            alive = engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:  # noqa: BLE001  any failure means: reconnect
            raise DisconnectionError(str(exc)) from exc
        if alive is False:
            raise DisconnectionError("the pooled connection did not answer")


def _sqlite_engine(parsed, **kwargs) -> Engine:
    db_path = parsed.database
    if db_path and db_path != ":memory:":
        Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy (not pysqlite) emit BEGIN, so writes can begin IMMEDIATE.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # A write takes the lock up front, so two writers queue on busy_timeout instead of
        # failing with "database is locked" when a read transaction tries to upgrade.
        immediate = conn.get_execution_options().get("begin_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class ReadOnlySession(RuntimeError):
    """Code tried to write through Database.read(): a bug (writes go through Database.write()).
    On PostgreSQL a read session commits each statement, so a flush there would have stuck."""


def _refuse_writes(session: Session, _context, _instances) -> None:
    if session.new or session.dirty or session.deleted:
        raise ReadOnlySession("a write inside Database.read(); use Database.write()")


class Database:
    """An engine plus read and write session factories; the caller owns each transaction."""

    def __init__(self, url: str, engine: Engine | None = None) -> None:
        self.url = url
        self.engine = engine or make_engine(url)
        reads = self.engine
        if self.engine.dialect.name == "postgresql":
            # Each statement its own transaction: no BEGIN before a read's first query and no
            # ROLLBACK after it, two round trips of three for most reads (12% of a seminar room's
            # server samples waited on them). Under READ COMMITTED, PostgreSQL's default, each
            # statement of a transaction took its own snapshot anyway.
            reads = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self._read = sessionmaker(reads, expire_on_commit=False, autoflush=False)
        event.listen(self._read, "before_flush", _refuse_writes)
        self._write = sessionmaker(
            self.engine.execution_options(begin_immediate=True), expire_on_commit=False
        )

    @property
    def dialect(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self.engine.dialect.name

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session in one write transaction: committed on success, rolled back on error. A lost
        race or text the database cannot store raises the app's own error (ConcurrentEdit,
        InvalidInput), so screens show a message instead of a driver's traceback."""
        try:
            with self._write.begin() as session:
                yield session
        except (StaleDataError, IntegrityError, DataError) as err:
            mapped = _app_error(err)
            if mapped is None:
                raise
            raise mapped from err

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reads, closed at the end. It never writes: it does not autoflush, and a
        flush of changes raises ReadOnlySession. Loaded objects stay readable afterwards, as
        close() does not expire them. Text the database cannot take (a NUL byte in a search on
        PostgreSQL) raises InvalidInput."""
        try:
            with self._read() as session:
                yield session
        except DataError as err:
            mapped = _app_error(err)
            if mapped is None:
                raise
            raise mapped from err

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()
