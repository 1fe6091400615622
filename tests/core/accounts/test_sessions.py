"""Remembered sign-ins: resume by token, expiry, sign-out, and revocation."""

from datetime import timedelta

from sqlalchemy import select

from core.accounts import members, sessions
from db.base import utcnow
from db.models.members import AuthSession
from tests.support.factories import make_leader, make_member


def test_token_resumes_and_only_its_hash_is_stored(db):
    leader = make_leader(db)
    with db.write() as s:
        token = sessions.create_session(session=s, actor=leader)
    with db.read() as s:
        assert sessions.resume_session(session=s, token=token).id == leader.id
        stored = s.scalars(select(AuthSession.token_hash)).all()
        assert token not in stored and len(stored) == 1
        assert sessions.resume_session(session=s, token=token + "x") is None
        assert sessions.resume_session(session=s, token="") is None


def test_expired_token_is_refused(db):
    leader = make_leader(db)
    past = utcnow() - timedelta(days=sessions.SESSION_DAYS + 1)
    with db.write() as s:
        token = sessions.create_session(session=s, actor=leader, now=past)
    with db.read() as s:
        assert sessions.resume_session(session=s, token=token) is None


def test_sign_out_and_revocation(db):
    leader = make_leader(db)
    member = make_member(db, by=leader)
    with db.write() as s:
        t1 = sessions.create_session(session=s, actor=member)
        t2 = sessions.create_session(session=s, actor=member)
    with db.write() as s:
        sessions.end_session(session=s, token=t1)
    with db.read() as s:
        assert sessions.resume_session(session=s, token=t1) is None
        assert sessions.resume_session(session=s, token=t2) is not None
    # a password reset ends every remembered sign-in of that member
    with db.write() as s:
        members.reset_password(session=s, by=leader, member_id=member.id, new_password="another pw 1")
    with db.read() as s:
        assert sessions.resume_session(session=s, token=t2) is None
    with db.write() as s:
        t3 = sessions.create_session(session=s, actor=member)
    with db.read() as s:
        version = members.get_member(session=s, member_id=member.id).version
    with db.write() as s:
        members.update_member(
            session=s, by=leader, member_id=member.id, expected_version=version, active=False
        )
    with db.read() as s:
        assert sessions.resume_session(session=s, token=t3) is None
