"""The sign-in box's remembered sign-in (a hand-off for the HttpOnly cookie, never a script that
writes the cookie), sign-in with the group's accounts (OIDC) in the box, and the members page's
link / unlink section."""

import pytest
from sqlalchemy import func, select

from core.accounts import identities, sessions
from db.models.members import AuthHandoff, Member
from tests.support.factories import PASSWORD, make_leader, make_member
from ui.accounts import keys, oidc
from ui.shell.keys import MEMBER_PICK, SIGN_IN_PASSWORD_KEY, SIGN_IN_USER_KEY, TOKEN_KEY

MOCK_AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "x" * 32,
    "mock": {"client_id": "c", "client_secret": "s", "server_metadata_url": "http://127.0.0.1:1/.well-known"},
}


def _handoffs(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(AuthHandoff))


def _sign_in(at, username, remember=True):
    at.sidebar.text_input(key=SIGN_IN_USER_KEY).input(username)
    at.sidebar.text_input(key=SIGN_IN_PASSWORD_KEY).input(PASSWORD)
    if not remember:
        at.sidebar.checkbox(key=keys.REMEMBER_ME).uncheck()
    return at.sidebar.button[0].click().run()


def _scripts(at) -> str:
    return " ".join(getattr(el.proto, "body", "") for el in at.get("html"))


def test_a_remembered_sign_in_sends_a_handoff_never_a_cookie_script(run_page, db):
    make_leader(db, "boss")
    at = _sign_in(run_page("views/home.py", lang="en"), "boss")
    assert at.session_state["actor"].username == "boss"
    handoff = at.session_state[TOKEN_KEY]
    assert sessions.TOKEN_RE.fullmatch(handoff) and _handoffs(db) == 1
    body = _scripts(at)
    assert sessions.REMEMBER_PATH in body and handoff in body
    assert "document.cookie" not in body  # the cookie is the server's to set (HttpOnly)


def test_without_keep_me_signed_in_nothing_is_remembered(run_page, db):
    make_leader(db, "boss")
    at = _sign_in(run_page("views/home.py", lang="en"), "boss", remember=False)
    assert at.session_state["actor"].username == "boss"
    assert TOKEN_KEY not in at.session_state and _handoffs(db) == 0
    assert sessions.REMEMBER_PATH not in _scripts(at)


def test_sign_out_asks_the_server_to_clear_the_cookie(run_page, db):
    leader = make_leader(db, "boss")
    at = run_page("views/home.py", actor=leader, lang="en")
    at.sidebar.button(key="sign_out").click().run()
    assert "actor" not in at.session_state
    assert sessions.FORGET_PATH in _scripts(at)


def test_the_group_accounts_button_shows_only_when_configured(run_page, db, monkeypatch):
    make_leader(db)
    at = run_page("views/home.py", lang="en")
    assert not [b for b in at.sidebar.button if "Sign in with" in b.label]
    monkeypatch.setattr(oidc, "_auth_section", lambda: MOCK_AUTH)
    at = run_page("views/home.py", lang="en")
    assert [b.label for b in at.sidebar.button if "Sign in with" in b.label] == ["Sign in with Mock"]
    assert at.sidebar.button[-1].label == "Sign in"  # the password form is still there


@pytest.mark.parametrize(
    ("auth", "expected"),
    [
        ({}, []),
        ({**MOCK_AUTH, "redirect_uri": ""}, []),  # half configured: off, not a crash on click
        ({k: v for k, v in MOCK_AUTH.items() if k != "cookie_secret"}, []),
        (MOCK_AUTH, ["mock"]),
        (
            {**MOCK_AUTH, "client_id": "c", "client_secret": "s", "server_metadata_url": "u"},
            ["default", "mock"],
        ),
        ({**MOCK_AUTH, "my_idp": MOCK_AUTH["mock"]}, ["mock"]),  # st.login refuses "_" in a name
    ],
)
def test_providers_follow_the_auth_section(monkeypatch, auth, expected):
    monkeypatch.setattr(oidc, "_auth_section", lambda: auth)
    assert oidc.providers() == expected


def test_a_linked_identity_signs_in_and_an_unlinked_one_is_told_why(run_page, db, monkeypatch):
    leader = make_leader(db)
    kim = make_member(db, "kim", "김연결", by=leader)
    with db.write() as s:
        identities.link_identity(session=s, by=leader, member_id=kim.id, email="kim@example.org")
    monkeypatch.setattr(oidc, "_auth_section", lambda: MOCK_AUTH)
    monkeypatch.setattr(oidc, "claims", lambda: {"email": "nobody@example.org", "email_verified": True})
    at = run_page("views/home.py", lang="en")
    assert "actor" not in at.session_state
    assert "No member is linked to nobody@example.org" in at.sidebar.error[0].value
    assert any(b.label == "Use another account" for b in at.sidebar.button)
    monkeypatch.setattr(oidc, "claims", lambda: {"email": "KIM@example.org", "email_verified": True})
    at = run_page("views/home.py", lang="en")
    assert at.session_state["actor"].id == kim.id and not at.sidebar.error
    # an unlink signs the open session out on its next run
    with db.write() as s:
        identities.unlink_identity(session=s, by=leader, member_id=kim.id)
    at.run()
    assert "actor" not in at.session_state
    assert "kim@example.org 에 연결된 멤버가 없어" in at.sidebar.error[0].value  # kim's own language


def test_leader_links_and_unlinks_on_the_members_page(run_page, db):
    leader = make_leader(db)
    kim = make_member(db, "kim", "김연결", by=leader)
    lee = make_member(db, "lee", "이다른", by=leader)
    with db.write() as s:
        identities.link_identity(session=s, by=leader, member_id=lee.id, email="lee@example.org")
    at = run_page(
        "views/members.py", actor=leader, state={MEMBER_PICK: kim.id}
    )  # Korean: AppTest formats selects in ko
    assert not at.exception
    field = at.text_input(key=keys.identity_email(kim.id))
    assert field.max_chars == identities.MAX_EMAIL
    field.input("not an e-mail")
    at = [b for b in at.button if b.label == "이메일 연결"][0].click().run()
    assert "올바른 이메일 주소가 아닙니다" in at.error[0].value
    at.text_input(key=keys.identity_email(kim.id)).input("LEE@example.org")
    at = [b for b in at.button if b.label == "이메일 연결"][0].click().run()
    assert "이미 이다른 님에게 연결되어" in at.error[0].value
    assert at.text_input(key=keys.identity_email(kim.id)).value == "LEE@example.org"  # input kept
    at.text_input(key=keys.identity_email(kim.id)).input("kim@example.org")
    at = [b for b in at.button if b.label == "이메일 연결"][0].click().run()
    with db.read() as s:
        assert s.get(Member, kim.id).email == "kim@example.org"
    # the member editor still saves after the link (its version starts again from the new row)
    at.text_input(key=f"m_name_{kim.id}").input("김새이름")
    at = [b for b in at.button if b.label == "저장"][0].click().run()
    assert not at.error
    at = at.button(key=f"identity_unlink_{kim.id}").click().run()
    with db.read() as s:
        assert s.get(Member, kim.id).email is None
        assert s.get(Member, kim.id).display_name == "김새이름"
