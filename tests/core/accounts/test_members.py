"""Members, roles and sign-in rules (core services, both back ends)."""

from datetime import timedelta

import pytest

from core.accounts import members
from core.errors import AuthFailed, InvalidInput, PermissionDenied, RateLimited, StaleEdit
from db.base import utcnow
from tests.support.factories import PASSWORD, make_leader, make_member


def test_first_leader_only_once_and_no_default_password(db):
    with db.read() as s:
        assert members.needs_first_leader(session=s)
    leader = make_leader(db)
    assert leader.is_leader
    with db.write() as s:
        assert not members.needs_first_leader(session=s)
        with pytest.raises(PermissionDenied):
            members.create_first_leader(session=s, username="second", display_name="x", password=PASSWORD)


def test_password_is_hashed_with_per_user_salt(db):
    leader = make_leader(db)
    make_member(db, "aaa", by=leader)
    make_member(db, "bbb", by=leader)
    with db.read() as s:
        rows = {m.username: m for m in members.list_members(session=s)}
    assert PASSWORD.encode() not in rows["aaa"].password_hash
    assert rows["aaa"].password_salt != rows["bbb"].password_salt
    assert rows["aaa"].password_hash != rows["bbb"].password_hash


def test_sign_in_and_generic_failure(db):
    make_leader(db, "boss")
    with db.write() as s:
        assert members.authenticate(session=s, username="BOSS", password=PASSWORD).username == "boss"
    errors = []
    for name in ("boss", "nobody"):
        with db.write() as s:
            try:
                members.authenticate(session=s, username=name, password="wrong password")
            except AuthFailed as err:
                errors.append(err)
    assert len(errors) == 2 and errors[0].message("ko") == errors[1].message("ko")


def test_throttle_after_five_failures_grows(db):
    make_leader(db, "boss")
    now = utcnow()

    def attempt(password, at):
        with db.write() as s:
            try:
                return members.authenticate(session=s, username="boss", password=password, now=at)
            except (AuthFailed, RateLimited) as err:
                return err

    for _ in range(5):
        assert isinstance(attempt("nope", now), AuthFailed)
    locked = attempt(PASSWORD, now + timedelta(seconds=1))
    assert isinstance(locked, RateLimited) and locked.params["seconds"] > 0
    # after the delay one more failure locks for longer
    later = now + timedelta(seconds=40)
    assert isinstance(attempt("nope", later), AuthFailed)
    second = attempt(PASSWORD, later + timedelta(seconds=1))
    assert isinstance(second, RateLimited) and second.params["seconds"] > locked.params["seconds"]
    # the same lock applies to unknown names (no hint that a name exists)
    for _ in range(5):
        with db.write() as s:
            with pytest.raises(AuthFailed):
                members.authenticate(session=s, username="ghost", password="x", now=now)
    with db.write() as s, pytest.raises(RateLimited):
        members.authenticate(session=s, username="ghost", password="x", now=now)


def test_duplicate_name_refused_and_nothing_saved(db):
    leader = make_leader(db)
    make_member(db, "kim", by=leader)
    with pytest.raises(InvalidInput) as exc, db.write() as s:
        members.add_member(session=s, by=leader, username="KIM", display_name="다른 김", password=PASSWORD)
    assert "kim" in exc.value.message("ko")
    with db.read() as s:
        assert [m.display_name for m in members.list_members(session=s)].count("다른 김") == 0


def test_member_cannot_manage_members(db):
    leader = make_leader(db)
    member = make_member(db, by=leader)
    with db.write() as s:
        for call in (
            lambda: members.add_member(
                session=s, by=member, username="x1y", display_name="x", password=PASSWORD
            ),
            lambda: members.reset_password(session=s, by=member, member_id=leader.id, new_password=PASSWORD),
            lambda: members.update_member(
                session=s, by=member, member_id=leader.id, expected_version=1, role="member"
            ),
            lambda: members.add_member(
                session=s, by=None, username="x2y", display_name="x", password=PASSWORD
            ),
        ):
            with pytest.raises(PermissionDenied):
                call()


def test_last_active_leader_cannot_be_demoted_or_deactivated(db):
    leader = make_leader(db)
    with db.read() as s:
        version = members.get_member(session=s, member_id=leader.id).version
    with db.write() as s, pytest.raises(InvalidInput):
        members.update_member(
            session=s, by=leader, member_id=leader.id, expected_version=version, role="member"
        )
    second = make_leader(db, "second")
    with db.write() as s:
        members.update_member(
            session=s, by=second, member_id=leader.id, expected_version=version, role="member"
        )
    with db.read() as s:
        assert members.get_member(session=s, member_id=leader.id).role == "member"


def test_stale_edit_refused(db):
    leader = make_leader(db)
    other = make_leader(db, "other")
    target = make_member(db, "target", by=leader)
    with db.read() as s:
        v = members.get_member(session=s, member_id=target.id).version
    with db.write() as s:
        members.update_member(
            session=s, by=leader, member_id=target.id, expected_version=v, display_name="첫 수정"
        )
    with pytest.raises(StaleEdit) as exc, db.write() as s:
        members.update_member(
            session=s, by=other, member_id=target.id, expected_version=v, display_name="늦은 수정"
        )
    assert exc.value.current.display_name == "첫 수정"
    with db.read() as s:
        assert members.get_member(session=s, member_id=target.id).display_name == "첫 수정"


def test_deactivated_member_cannot_sign_in_and_reset_password_works(db):
    leader = make_leader(db)
    m = make_member(db, "kim", by=leader)
    with db.read() as s:
        v = members.get_member(session=s, member_id=m.id).version
    with db.write() as s:
        members.update_member(session=s, by=leader, member_id=m.id, expected_version=v, active=False)
    with db.write() as s, pytest.raises(AuthFailed):
        members.authenticate(session=s, username="kim", password=PASSWORD)
    with db.write() as s:
        members.reset_password(session=s, by=leader, member_id=leader.id, new_password="brand new pw")
    with db.write() as s:
        assert members.authenticate(session=s, username="leader", password="brand new pw").is_leader


def test_language_is_remembered(db):
    leader = make_leader(db)
    with db.write() as s:
        members.set_language(session=s, by=leader, language="en")
    with db.write() as s:
        assert members.authenticate(session=s, username="leader", password=PASSWORD).language == "en"
    with db.write() as s, pytest.raises(InvalidInput):
        members.set_language(session=s, by=leader, language="fr")


@pytest.mark.parametrize("username,password", [("ab", PASSWORD), ("한글이름", PASSWORD), ("okname", "short")])
def test_bad_account_input(db, username, password):
    with db.write() as s, pytest.raises(InvalidInput):
        members.create_first_leader(session=s, username=username, display_name="x", password=password)
