"""Sign-in throttling by name and client, per client across names, and for everyone (both back
ends, the clock passed in as `now`)."""

import threading
from datetime import timedelta

from sqlalchemy import select

from core.accounts import members, signin, throttle
from core.accounts.actor import Actor
from core.errors import AuthFailed, RateLimited
from db.base import utcnow
from db.models.members import LoginThrottle
from tests.support.factories import PASSWORD, make_leader, make_member

T0 = utcnow()


def _try(db, name, password, client="10.0.0.1", at=T0):
    """sign_in's result: the Actor, or the AppError it raised."""
    try:
        return signin.sign_in(db=db, username=name, password=password, client=client, now=at)
    except (AuthFailed, RateLimited) as err:
        return err


def _kinds(results):
    return [type(r).__name__ for r in results]


def test_failures_lock_one_client_on_one_name_with_a_growing_delay(db):
    make_leader(db, "boss")
    assert _kinds(_try(db, "boss", "nope") for _ in range(5)) == ["AuthFailed"] * 5
    locked = _try(db, "boss", PASSWORD, at=T0 + timedelta(seconds=1))
    assert isinstance(locked, RateLimited) and 0 < locked.params["seconds"] <= 30
    later = T0 + timedelta(seconds=40)  # the lock has passed: one more failure locks for longer
    assert isinstance(_try(db, "boss", "nope", at=later), AuthFailed)
    second = _try(db, "boss", PASSWORD, at=later + timedelta(seconds=1))
    assert isinstance(second, RateLimited) and second.params["seconds"] > locked.params["seconds"]
    # unknown names lock the same way (no hint that a name exists)
    assert _kinds(_try(db, "ghost", "x") for _ in range(6)) == ["AuthFailed"] * 5 + ["RateLimited"]


def test_nobody_can_lock_the_owner_out_of_their_account(db):
    make_leader(db, "boss")
    for _ in range(12):
        _try(db, "boss", "attacker guess", client="203.0.113.9")
    assert isinstance(_try(db, "boss", PASSWORD, client="203.0.113.9"), RateLimited)
    # the owner, from their own browser, signs in at once
    assert _try(db, "boss", PASSWORD, client="198.51.100.7").username == "boss"


def test_right_password_clears_the_pair_and_refunds_the_try(db):
    make_leader(db, "boss")
    for _ in range(4):
        _try(db, "boss", "typo")
    assert _try(db, "boss", PASSWORD).username == "boss"
    # the counter starts again: five more failures before a lock, not one
    assert _kinds(_try(db, "boss", "typo") for _ in range(6)) == ["AuthFailed"] * 5 + ["RateLimited"]
    with db.read() as s:
        mine = s.scalar(
            select(LoginThrottle.count).where(
                LoginThrottle.scope == "client", LoginThrottle.client == "10.0.0.1"
            )
        )
    assert mine == 4 + 5  # the successful try was taken back; the refused one never counted


def test_spraying_many_names_from_one_client_is_limited(db):
    leader = make_leader(db, "boss")
    names = [f"user{i:02d}" for i in range(throttle.CLIENT_BUDGET + 5)]
    for name in names[:3]:
        make_member(db, name, by=leader)
    results = [_try(db, name, "Winter2026!", client="203.0.113.9") for name in names]
    assert _kinds(results) == ["AuthFailed"] * throttle.CLIENT_BUDGET + ["RateLimited"] * 5
    # refused until the client's window ends, then allowed again
    assert isinstance(_try(db, "boss", PASSWORD, client="203.0.113.9"), RateLimited)
    after = T0 + timedelta(seconds=throttle.CLIENT_WINDOW_S + 1)
    assert _try(db, "boss", PASSWORD, client="203.0.113.9", at=after).username == "boss"
    # other clients were never affected
    assert _try(db, "user00", PASSWORD, client="198.51.100.7").username == "user00"


def test_global_budget_shrinks_failing_clients_but_not_the_owner(db):
    make_leader(db, "boss")
    # many clients, two guesses each, spend everyone's budget
    clients = [f"203.0.113.{i}" for i in range(throttle.GLOBAL_BUDGET // 2 + 1)]
    for client in clients:
        for _ in range(2):
            assert isinstance(_try(db, "boss", "guess", client=client), AuthFailed)
    # under pressure a client that has failed gets only PRESSURE_CLIENT_BUDGET tries per window
    fresh_attacker = "192.0.2.1"
    results = [_try(db, f"name{i}", "guess", client=fresh_attacker) for i in range(5)]
    budget = throttle.PRESSURE_CLIENT_BUDGET
    assert _kinds(results) == ["AuthFailed"] * budget + ["RateLimited"] * (5 - budget)
    # ... while the owner, who has not failed, is let in with the right password
    assert _try(db, "boss", PASSWORD, client="198.51.100.7").username == "boss"
    # the window passes and normal allowances return
    after = T0 + timedelta(seconds=throttle.CLIENT_WINDOW_S + 1)
    assert isinstance(_try(db, "name9", "guess", client=fresh_attacker, at=after), AuthFailed)


def test_parallel_failures_are_all_counted(db):
    """15 tries at once on one name from one client: exactly FREE_FAILURES are checked, the rest
    refused, and the counter says FREE_FAILURES (PostgreSQL once lost updates here)."""
    make_leader(db, "boss")
    n = 15
    gate = threading.Barrier(n)
    results = [None] * n

    def worker(i):
        gate.wait()
        results[i] = _try(db, "boss", f"guess {i}")

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    kinds = _kinds(results)
    assert kinds.count("AuthFailed") == throttle.FREE_FAILURES, kinds
    assert kinds.count("RateLimited") == n - throttle.FREE_FAILURES, kinds
    with db.read() as s:
        counts = dict(s.execute(select(LoginThrottle.scope, LoginThrottle.count)).all())
    assert counts == {"pair": 5, "client": 5, "all": 5}


def test_parallel_failures_across_names_respect_the_client_budget(db):
    make_leader(db, "boss")
    n = throttle.CLIENT_BUDGET + 6
    gate = threading.Barrier(n)
    results = [None] * n

    def worker(i):
        gate.wait()
        results[i] = _try(db, f"name{i:02d}", "guess", client="203.0.113.9")

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert _kinds(results).count("AuthFailed") == throttle.CLIENT_BUDGET


def test_old_counters_are_dropped_when_a_new_window_starts(db):
    make_leader(db, "boss")
    for i in range(3):
        _try(db, f"name{i}", "guess", client=f"203.0.113.{i}")
    next_day = T0 + timedelta(seconds=throttle.FORGET_AFTER_S + 1)
    _try(db, "boss", PASSWORD, client="198.51.100.7", at=next_day)
    with db.read() as s:
        left = s.execute(select(LoginThrottle.scope, LoginThrottle.client)).all()
    assert left == [("all", "")]


def test_mixed_parallel_sign_ins_and_a_reset_never_deadlock(db):
    """Right and wrong passwords from one client and many, and a leader's reset, all at once:
    every call ends in an Actor or a translated refusal (on PostgreSQL the counters and the
    member's row are always locked in one order)."""
    leader = make_leader(db, "boss")
    kim = make_member(db, "kim", by=leader)
    n = 16
    gate = threading.Barrier(n)
    results = [None] * n

    def worker(i):
        gate.wait()
        try:
            if i == 0:
                with db.write() as s:
                    results[i] = members.reset_password(
                        session=s, by=leader, member_id=kim.id, new_password=PASSWORD
                    )
            else:
                password = PASSWORD if i % 2 else "guess"
                results[i] = signin.sign_in(db=db, username="kim", password=password, client=f"c{i % 3}")
        except Exception as exc:  # noqa: BLE001  anything but an AppError fails below
            results[i] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    unexpected = [r for r in results if not isinstance(r, Actor | AuthFailed | RateLimited)]
    assert unexpected == []
