"""Engine settings: SQLite pragmas, IMMEDIATE writes, URL resolution and bad settings."""

import threading

import pytest
from sqlalchemy import text

from db.engine import Database, DatabaseConfigError, make_engine, resolve_url
from db.models.meta import AppMeta


def test_sqlite_pragmas(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'p.db'}")
    with database.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    database.dispose()


def test_concurrent_writers_queue_instead_of_failing(sqlite_db):
    """Two writers that read then write: with BEGIN IMMEDIATE the second waits for the first."""
    errors, order = [], []
    a_in, b_trying, b_in = threading.Event(), threading.Event(), threading.Event()

    def writer(name: str, inside) -> None:
        try:
            if name == "b":
                b_trying.set()
            with sqlite_db.write() as s:
                s.execute(text("SELECT count(*) FROM app_meta")).scalar()
                order.append(f"{name}-in")
                inside()
                s.add(AppMeta(key=name, value="x"))
            order.append(f"{name}-out")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    def a_holds():
        a_in.set()
        b_trying.wait(5)
        # b is starting its transaction now; with a deferred BEGIN it would get in at once
        b_in.wait(0.5)

    a = threading.Thread(target=writer, args=("a", a_holds))
    a.start()
    assert a_in.wait(5)
    b = threading.Thread(target=writer, args=("b", b_in.set))
    b.start()
    a.join(10)
    b.join(10)
    assert errors == []
    assert order.index("a-out") < order.index("b-in")  # b began only after a committed
    with sqlite_db.read() as s:
        assert {m.key for m in s.query(AppMeta)} == {"a", "b"}


@pytest.mark.parametrize("url", ["nonsense", "postgresql+nodriver://x@y/z", "mysql+nope://h/db"])
def test_malformed_database_url_names_the_setting(url):
    with pytest.raises(DatabaseConfigError) as exc:
        make_engine(url)
    assert "DATABASE_URL" in exc.value.message("en")
    assert "DATABASE_URL" in exc.value.message("ko")


def test_url_resolution_order(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert resolve_url(tmp_path).startswith("sqlite:///")
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        '[connections.study]\nurl = "postgresql://u@h/db"\n', encoding="utf-8"
    )
    assert resolve_url(tmp_path) == "postgresql://u@h/db"
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/x.db")
    assert resolve_url(tmp_path) == "sqlite:////tmp/x.db"


def test_broken_secrets_file_is_reported(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text("[connections.study\n", encoding="utf-8")
    with pytest.raises(DatabaseConfigError):
        resolve_url(tmp_path)


def test_postgres_scheme_uses_psycopg3():
    engine = make_engine("postgresql://user@127.0.0.1:1/db")
    assert engine.dialect.driver == "psycopg"
