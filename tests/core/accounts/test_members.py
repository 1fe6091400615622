"""Members, roles and sign-in rules (core services, both back ends)."""

import pytest
from sqlalchemy import update

from core.accounts import members, signin
from core.errors import AuthFailed, InvalidInput, PermissionDenied, StaleEdit
from db.models.members import Member
from db.seeds import run_seeds
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
    assert signin.sign_in(db=db, username="BOSS", password=PASSWORD).username == "boss"
    errors = []
    for name in ("boss", "nobody"):
        try:
            signin.sign_in(db=db, username=name, password="wrong password")
        except AuthFailed as err:
            errors.append(err)
    assert len(errors) == 2 and errors[0].message("ko") == errors[1].message("ko")


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
    with pytest.raises(AuthFailed):
        signin.sign_in(db=db, username="kim", password=PASSWORD)
    with db.write() as s:
        members.reset_password(session=s, by=leader, member_id=leader.id, new_password="brand new pw")
    assert signin.sign_in(db=db, username="leader", password="brand new pw").is_leader


def test_language_is_remembered(db):
    leader = make_leader(db)
    with db.write() as s:
        members.set_language(session=s, by=leader, language="en")
    assert signin.sign_in(db=db, username="leader", password=PASSWORD).language == "en"
    with db.write() as s, pytest.raises(InvalidInput):
        members.set_language(session=s, by=leader, language="fr")


@pytest.mark.parametrize("username,password", [("ab", PASSWORD), ("한글이름", PASSWORD), ("okname", "short")])
def test_bad_account_input(db, username, password):
    with db.write() as s, pytest.raises(InvalidInput):
        members.create_first_leader(session=s, username=username, display_name="x", password=password)


def _version(db, member_id):
    with db.read() as s:
        return members.get_member(session=s, member_id=member_id).version


def test_setup_stays_closed_after_a_passwordless_leader_is_left(db):
    """The probe's path: promote a demo author (no password) to leader, then the real leader
    steps down. Refused, so a leader who can sign in remains and setup never reopens."""
    boss = make_leader(db, "boss")
    with db.write() as s:
        author = members.add_member(session=s, by=boss, username="author", display_name="저자", password=None)
    with db.write() as s:
        members.update_member(
            session=s, by=boss, member_id=author.id, expected_version=_version(db, author.id), role="leader"
        )
    for change in ({"role": "member"}, {"active": False}):
        with pytest.raises(InvalidInput) as exc, db.write() as s:
            members.update_member(
                session=s, by=boss, member_id=boss.id, expected_version=_version(db, boss.id), **change
            )
        assert exc.value.key == "members.error.last_leader"
    with db.write() as s:
        assert not members.needs_first_leader(session=s)
        with pytest.raises(PermissionDenied):
            members.create_first_leader(session=s, username="visitor", display_name="x", password=PASSWORD)
    assert signin.sign_in(db=db, username="boss", password=PASSWORD).is_leader


def test_setup_opens_only_where_nobody_has_a_password(db):
    with db.write() as s:
        run_seeds(s)  # demo authors, none with a password
    with db.read() as s:
        assert members.needs_first_leader(session=s)
    leader = make_leader(db)
    member = make_member(db, "kim", by=leader)
    # even a database whose leaders all lost their password keeps setup closed while a member
    # can sign in (a leader is then made by hand, never by whoever visits first)
    with db.write() as s:
        s.execute(update(Member).where(Member.id == leader.id).values(password_hash=None))
    with db.read() as s:
        assert not members.needs_first_leader(session=s)
    with db.write() as s:
        s.execute(update(Member).where(Member.id == member.id).values(password_hash=None))
    with db.read() as s:
        assert members.needs_first_leader(session=s)
