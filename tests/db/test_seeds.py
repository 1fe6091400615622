"""Demo content: loaded into an empty database, never twice."""

from sqlalchemy import func, select

from db.models.members import Member
from db.models.meta import AppMeta
from db.seeds import run_seeds
from tests.support.factories import make_leader


def test_seed_runs_once(db):
    with db.write() as s:
        first = run_seeds(s)
    assert "members" in first
    with db.read() as s:
        n_members = s.scalar(select(func.count()).select_from(Member))
        assert n_members >= 4
        assert s.get(AppMeta, "seed:members").value == "loaded"
    with db.write() as s:
        assert run_seeds(s) == []
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Member)) == n_members


def test_seed_skips_non_empty_database(db):
    make_leader(db)
    with db.write() as s:
        assert "members" not in run_seeds(s)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Member)) == 1
        assert s.get(AppMeta, "seed:members").value.startswith("skipped")


def test_demo_members_cannot_sign_in(db):
    with db.write() as s:
        run_seeds(s)
    with db.read() as s:
        assert all(m.password_hash is None for m in s.scalars(select(Member)))
