"""The account page (own password change), the leader's reset, and what they do to open
sessions; setup never replaces the sign-in box once someone has a password."""

import pytest

from core.accounts import members, sessions, signin
from core.errors import InvalidInput
from core.i18n import translate
from db.seeds import run_seeds
from tests.support.factories import PASSWORD, make_leader, make_member
from ui.accounts import keys
from ui.shell.keys import MEMBER_PICK, TOKEN_KEY

NEW = "brand new pw 7"


def _fill(at, old, new, again):
    at.text_input(key=keys.OLD_PASSWORD).input(old)
    at.text_input(key=keys.NEW_PASSWORD).input(new)
    at.text_input(key=keys.NEW_PASSWORD_AGAIN).input(again)
    return at.button[0].click().run()


def _version(db, member_id):
    with db.read() as s:
        return members.get_member(session=s, member_id=member_id).version


def _two_browsers(db, who):
    with db.write() as s:
        return sessions.create_session(session=s, actor=who), sessions.create_session(session=s, actor=who)


def test_member_changes_own_password_and_only_this_browser_stays_signed_in(run_page, db):
    kim = make_member(db, "kim")
    here, there = _two_browsers(db, kim)
    at = run_page("views/account.py", actor=kim, lang="en", state={TOKEN_KEY: here})
    assert at.title[0].value == "My account"
    at = _fill(at, PASSWORD, NEW, NEW)
    assert not at.exception and not at.error
    assert at.session_state["actor"].epoch == kim.epoch + 1  # still signed in here
    # the form is drawn anew (new widget keys: popping a key leaves the browser showing the text)
    assert {ti.key for ti in at.text_input} >= {f"{k}1" for k in keys.PASSWORD_FIELDS}
    assert all(ti.value == "" for ti in at.text_input)
    assert "Password changed" in at.toast[0].value
    with db.read() as s:
        assert sessions.resume_session(session=s, token=here) is not None
        assert sessions.resume_session(session=s, token=there) is None
        assert members.refresh_actor(session=s, actor=kim) is None  # any other open tab
    assert signin.sign_in(db=db, username="kim", password=NEW).id == kim.id


def test_wrong_current_password_or_mismatch_keeps_the_input_and_changes_nothing(run_page, db):
    kim = make_member(db, "kim")
    at = run_page("views/account.py", actor=kim, lang="en")
    at = _fill(at, "not my password", NEW, NEW)
    assert at.error[0].value == "Wrong username or password."
    assert at.text_input(key=keys.NEW_PASSWORD).value == NEW
    at = _fill(at, PASSWORD, NEW, NEW + "x")
    assert at.error[0].value == "The two passwords differ."
    at = _fill(at, PASSWORD, "short", "short")
    assert "at least 8" in at.error[0].value
    assert at.session_state["actor"].epoch == kim.epoch  # still signed in, nothing changed
    assert signin.sign_in(db=db, username="kim", password=PASSWORD).id == kim.id


def test_a_reset_signs_out_the_members_open_browser(run_page, db):
    leader = make_leader(db)
    kim = make_member(db, "kim", by=leader)
    at = run_page("views/home.py", actor=kim)
    assert at.session_state["actor"].epoch == kim.epoch  # still signed in, nothing changed
    with db.write() as s:
        members.reset_password(session=s, by=leader, member_id=kim.id, new_password=NEW)
    at.run()
    assert "actor" not in at.session_state


def test_leader_resetting_own_password_stays_signed_in(run_page, db):
    leader = make_leader(db)
    mine, other = _two_browsers(db, leader)
    # Korean: AppTest formats the role selectbox outside the run, in the default language
    at = run_page("views/members.py", actor=leader, state={MEMBER_PICK: leader.id, TOKEN_KEY: mine})
    [ti for ti in at.text_input if ti.label == translate("members.new_password", "ko")][0].input(NEW)
    [b for b in at.button if b.label == translate("members.reset_password", "ko")][0].click().run()
    assert not at.exception
    assert at.success[0].value == translate("members.password_reset_done", "ko")
    at.run()
    assert at.session_state["actor"].epoch == leader.epoch + 1
    with db.read() as s:
        assert sessions.resume_session(session=s, token=mine) is not None
        assert sessions.resume_session(session=s, token=other) is None


def test_setup_screen_never_returns_after_the_passwordless_leader_path(run_app, db):
    with db.write() as s:
        run_seeds(s)
    assert run_app(lang="en").title[0].value.startswith("First-time setup")
    boss = make_leader(db, "boss")
    with db.read() as s:
        author = next(m for m in members.list_members(session=s) if m.password_hash is None)
    with db.write() as s:
        members.update_member(
            session=s, by=boss, member_id=author.id, expected_version=author.version, role="leader"
        )
    with pytest.raises(InvalidInput), db.write() as s:  # the real leader cannot step down now
        members.update_member(
            session=s, by=boss, member_id=boss.id, expected_version=_version(db, boss.id), role="member"
        )
    guest = run_app(lang="en")
    assert guest.title[0].value == "Study Dashboard"  # the home page, not setup
    assert [b.label for b in guest.sidebar.button] == ["Sign in"]
