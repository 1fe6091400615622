"""The remembered sign-in's hand-off: a one-time, short-lived ticket the browser trades at
/auth/session/remember for the HttpOnly cookie (core/accounts/sessions.py)."""

from datetime import timedelta

from sqlalchemy import select

from core.accounts import members, sessions
from db.base import utcnow
from db.models.members import AuthHandoff
from tests.support.factories import make_leader, make_member


def _handoff(db, actor, now=None) -> str:
    with db.write() as s:
        return sessions.create_handoff(session=s, actor=actor, now=now)


def _redeem(db, handoff, now=None):
    with db.write() as s:
        return sessions.redeem_handoff(session=s, handoff=handoff, now=now)


def test_a_handoff_becomes_a_remembered_sign_in_once(db):
    leader = make_leader(db)
    handoff = _handoff(db, leader)
    with db.read() as s:
        stored = s.scalars(select(AuthHandoff.handoff_hash)).all()
    assert handoff not in stored and len(stored) == 1  # only its digest is kept
    token = _redeem(db, handoff)
    assert token and token != handoff
    with db.read() as s:
        assert sessions.resume_session(session=s, token=token).id == leader.id
        assert sessions.resume_session(session=s, token=handoff) is None  # the ticket is no cookie
        assert s.scalars(select(AuthHandoff)).all() == []
    assert _redeem(db, handoff) is None  # single use


def test_an_expired_handoff_is_refused_and_removed(db):
    leader = make_leader(db)
    made = utcnow() - timedelta(seconds=sessions.HANDOFF_SECONDS + 1)
    handoff = _handoff(db, leader, now=made)
    assert _redeem(db, handoff) is None
    with db.read() as s:
        assert s.scalars(select(AuthHandoff)).all() == []
    # just inside its lifetime it still works
    handoff = _handoff(db, leader, now=utcnow() - timedelta(seconds=sessions.HANDOFF_SECONDS - 5))
    assert _redeem(db, handoff) is not None


def test_a_wrong_or_malformed_handoff_is_refused(db):
    leader = make_leader(db)
    handoff = _handoff(db, leader)
    for wrong in (None, "", handoff[:-1] + ("A" if handoff[-1] != "A" else "B"), "x" * 5000, "a b", "ü" * 43):
        assert _redeem(db, wrong) is None
    assert _redeem(db, handoff) is not None  # the real one was not used up by the wrong tries


def test_a_password_reset_or_deactivation_voids_a_pending_handoff(db):
    leader = make_leader(db)
    member = make_member(db, by=leader)
    handoff = _handoff(db, member)
    with db.write() as s:
        members.reset_password(session=s, by=leader, member_id=member.id, new_password="another pw 1")
    assert _redeem(db, handoff) is None
    with db.read() as s:
        fresh = members.refresh_actor(session=s, actor=member) or members.actor_of(
            members.get_member(session=s, member_id=member.id)
        )
        version = members.get_member(session=s, member_id=member.id).version
    handoff = _handoff(db, fresh)
    with db.write() as s:
        members.update_member(
            session=s, by=leader, member_id=member.id, expected_version=version, active=False
        )
    assert _redeem(db, handoff) is None


def test_the_signing_in_browser_names_its_sign_in_by_the_handoff(db):
    leader = make_leader(db)
    member = make_member(db, by=leader)
    here = _handoff(db, member)
    token_here = _redeem(db, here)
    token_there = _redeem(db, _handoff(db, member))
    # A password change from this browser keeps its own sign-in (named by the hand-off) only.
    with db.write() as s:
        members.reset_password(session=s, by=leader, member_id=member.id, new_password="another pw 1")
    with db.read() as s:
        assert sessions.resume_session(session=s, token=token_here) is None  # others' reset: all end
    me = make_leader(db, "leader2", "둘째")
    mine = _handoff(db, me)
    my_token = _redeem(db, mine)
    other = _redeem(db, _handoff(db, me))
    with db.write() as s:
        members.reset_password(
            session=s, by=me, member_id=me.id, new_password="another pw 2", keep_token=mine
        )
    with db.read() as s:
        assert sessions.resume_session(session=s, token=my_token) is not None
        assert sessions.resume_session(session=s, token=other) is None
        assert sessions.resume_session(session=s, token=token_there) is None
    # Signing out by the hand-off ends the sign-in it made.
    with db.write() as s:
        sessions.end_session(session=s, token=mine)
    with db.read() as s:
        assert sessions.resume_session(session=s, token=my_token) is None


def test_signing_out_before_the_trade_voids_the_handoff(db):
    leader = make_leader(db)
    handoff = _handoff(db, leader)
    with db.write() as s:
        sessions.end_session(session=s, token=handoff)
    assert _redeem(db, handoff) is None


def test_two_browsers_racing_with_one_handoff_get_one_sign_in(db):
    import threading

    leader = make_leader(db)
    for _ in range(5):
        handoff = _handoff(db, leader)
        start = threading.Barrier(4)
        got: list[str | None] = []

        def trade(h=handoff, barrier=start, got=got):
            barrier.wait()
            got.append(_redeem(db, h))

        threads = [threading.Thread(target=trade) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert len(got) == 4 and sum(1 for g in got if g) == 1
