"""Passwords: checked and hashed with no write lock held, parameters stored and upgraded, and a
new password (reset or own change) signs out every other session (both back ends)."""

import hashlib
import sqlite3

import pytest
from sqlalchemy import select, text

from core.accounts import members, sessions, signin
from core.errors import AuthFailed, InvalidInput, RateLimited
from db.models.members import Member
from tests.support.factories import PASSWORD, make_leader, make_member

PRODUCT_SCRYPT = {"n": 2**17, "r": 8, "p": 1, "dklen": 64}  # the cost the product ships with


def _write_without_waiting(db) -> None:
    """Write the member and throttle tables from another connection, refusing to wait for a
    lock: raises if anyone holds the write lock (SQLite) or a lock on those rows (PostgreSQL)."""
    if db.dialect == "sqlite":
        conn = sqlite3.connect(db.engine.url.database, timeout=0.05, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("UPDATE members SET display_name = display_name")
            conn.execute("UPDATE login_throttle SET count = count")
            conn.execute("COMMIT")
        finally:
            conn.close()
        return
    with db.engine.connect() as conn:
        conn.execute(text("SET LOCAL lock_timeout = '100ms'"))
        conn.execute(text("UPDATE members SET display_name = display_name"))
        conn.execute(text("UPDATE login_throttle SET count = count"))
        conn.commit()


@pytest.fixture
def hashes_probed(db, monkeypatch):
    """Every scrypt call first proves that another writer would not wait for it: returns the
    counts it fills; setting "on" starts counting (after the test's accounts are made)."""
    seen = {"calls": 0, "errors": [], "on": False}
    real = hashlib.scrypt

    def probe(*args, **kwargs):
        if not seen["on"]:
            return real(*args, **kwargs)
        seen["calls"] += 1
        try:
            _write_without_waiting(db)
        except Exception as exc:  # noqa: BLE001  what the writer met is the test's finding
            seen["errors"].append(repr(exc))
        return real(*args, **kwargs)

    monkeypatch.setattr(members.hashlib, "scrypt", probe)
    return seen


def test_sign_in_checks_the_password_with_no_write_lock_held(db, hashes_probed):
    make_leader(db, "boss")
    hashes_probed["on"] = True
    assert signin.sign_in(db=db, username="boss", password=PASSWORD, client="a").username == "boss"
    with pytest.raises(AuthFailed):
        signin.sign_in(db=db, username="boss", password="wrong pw 1", client="a")
    with pytest.raises(AuthFailed):
        signin.sign_in(db=db, username="nobody", password="wrong pw 1", client="a")
    assert hashes_probed["calls"] == 3
    assert hashes_probed["errors"] == []


def test_password_writes_hash_before_taking_the_write_lock(db, hashes_probed):
    leader = make_leader(db)
    hashes_probed["on"] = True
    with db.write() as s:
        member = members.add_member(
            session=s, by=leader, username="kim", display_name="김", password=PASSWORD
        )
    with db.write() as s:
        members.reset_password(session=s, by=leader, member_id=member.id, new_password="another pw 1")
    kim = signin.sign_in(db=db, username="kim", password="another pw 1")
    signin.change_own_password(db=db, by=kim, old_password="another pw 1", new_password="third pw 123")
    assert hashes_probed["calls"] == 5  # add, reset, sign-in, change (old + new)
    assert hashes_probed["errors"] == []


def test_parameters_are_stored_and_old_hashes_upgraded_at_sign_in(db, monkeypatch):
    leader = make_leader(db)
    current = members.SCRYPT
    monkeypatch.setattr(members, "SCRYPT", {**current, "n": current["n"] * 2})  # an "older" cost
    make_member(db, "kim", by=leader)
    monkeypatch.setattr(members, "SCRYPT", current)
    with db.read() as s:
        before = s.scalar(select(Member).where(Member.username == "kim"))
    assert before.password_params == f"scrypt:n={current['n'] * 2},r=8,p=1"
    assert signin.sign_in(db=db, username="kim", password=PASSWORD).username == "kim"
    with db.read() as s:
        after = s.scalar(select(Member).where(Member.username == "kim"))
    assert after.password_params == members.params_text() != before.password_params
    assert after.password_hash != before.password_hash
    assert signin.sign_in(db=db, username="kim", password=PASSWORD).username == "kim"
    with pytest.raises(AuthFailed):
        signin.sign_in(db=db, username="kim", password="wrong pw 1")


@pytest.mark.slow  # one real scrypt 2**17 hash
def test_product_cost_fits_in_the_memory_limit(monkeypatch):
    monkeypatch.setattr(members, "SCRYPT", PRODUCT_SCRYPT)
    stored = members.hash_password(PASSWORD)
    assert stored.params == "scrypt:n=131072,r=8,p=1"
    assert members.verify_password(PASSWORD, stored)
    assert not members.verify_password("wrong pw 1", stored)


@pytest.mark.parametrize("params", ["", "scrypt:n=1073741824,r=8,p=1", "scrypt:n=1000,r=8,p=1", "bcrypt"])
def test_unreadable_or_hostile_parameters_refuse_without_crashing(params):
    stored = members.hash_password(PASSWORD)
    assert not members.verify_password(PASSWORD, members.PasswordHash(stored.digest, stored.salt, params))


def test_reset_signs_the_member_out_of_open_and_remembered_sessions(db):
    leader = make_leader(db)
    make_member(db, "kim", by=leader)
    kim = signin.sign_in(db=db, username="kim", password=PASSWORD)
    with db.write() as s:
        token = sessions.create_session(session=s, actor=kim)
    with db.write() as s:
        members.reset_password(session=s, by=leader, member_id=kim.id, new_password="another pw 1")
    with db.read() as s:
        assert members.refresh_actor(session=s, actor=kim) is None  # the open browser tab
        assert sessions.resume_session(session=s, token=token) is None  # a reload
    again = signin.sign_in(db=db, username="kim", password="another pw 1")
    with db.read() as s:
        assert members.refresh_actor(session=s, actor=again) == again


def test_own_change_keeps_only_this_session(db):
    make_member(db, "kim")
    here = signin.sign_in(db=db, username="kim", password=PASSWORD)
    there = signin.sign_in(db=db, username="kim", password=PASSWORD)
    with db.write() as s:
        here_token = sessions.create_session(session=s, actor=here)
        there_token = sessions.create_session(session=s, actor=there)
    fresh = signin.change_own_password(
        db=db, by=here, old_password=PASSWORD, new_password="brand new pw", keep_token=here_token
    )
    assert fresh.epoch == here.epoch + 1
    with db.read() as s:
        assert members.refresh_actor(session=s, actor=fresh) == fresh
        assert members.refresh_actor(session=s, actor=there) is None
        assert sessions.resume_session(session=s, token=here_token).id == here.id
        assert sessions.resume_session(session=s, token=there_token) is None
    with pytest.raises(AuthFailed):
        signin.sign_in(db=db, username="kim", password=PASSWORD)
    assert signin.sign_in(db=db, username="kim", password="brand new pw").id == here.id


def test_leader_resetting_their_own_password_stays_signed_in_here(db):
    leader = make_leader(db)
    with db.write() as s:
        mine = sessions.create_session(session=s, actor=leader)
        other = sessions.create_session(session=s, actor=leader)
    with db.write() as s:
        fresh = members.reset_password(
            session=s, by=leader, member_id=leader.id, new_password="another pw 1", keep_token=mine
        )
    with db.read() as s:
        assert members.refresh_actor(session=s, actor=fresh) == fresh
        assert sessions.resume_session(session=s, token=mine) is not None
        assert sessions.resume_session(session=s, token=other) is None


def test_own_change_with_a_wrong_old_password_counts_as_a_failed_sign_in(db):
    kim = make_member(db, "kim")
    with pytest.raises(InvalidInput):  # a too-short new password is refused before anything counts
        signin.change_own_password(db=db, by=kim, old_password="guess", new_password="short")
    for i in range(5):
        with pytest.raises(AuthFailed):
            signin.change_own_password(db=db, by=kim, old_password=f"guess {i}", new_password="brand new pw")
    with pytest.raises(RateLimited):
        signin.change_own_password(db=db, by=kim, old_password=PASSWORD, new_password="brand new pw")
    # another client (the member's own browser) is not locked out by those guesses
    assert signin.sign_in(db=db, username="kim", password=PASSWORD, client="elsewhere").id == kim.id


def test_an_over_long_password_fails_without_hashing_and_counts(db, hashes_probed):
    # The sign-in box has no max_chars, so the service must bound the hash's work itself.
    make_member(db, "kim")
    hashes_probed["on"] = True
    too_long = PASSWORD + "x" * members.MAX_PASSWORD
    for _ in range(5):
        with pytest.raises(AuthFailed):
            signin.sign_in(db=db, username="kim", password=too_long, client="a")
    assert hashes_probed["calls"] == 0
    with pytest.raises(RateLimited):  # each one counted as a failed sign-in
        signin.sign_in(db=db, username="kim", password=PASSWORD, client="a")
    limit = "p" * members.MAX_PASSWORD  # the longest password that could be set is still checked
    with pytest.raises(AuthFailed):
        signin.sign_in(db=db, username="kim", password=limit, client="b")
    assert hashes_probed["calls"] == 1
