"""Sign-in with the group's accounts in a real browser, against a local OIDC provider
(tests/support/oidc.py): a linked member's verified e-mail signs in; an e-mail linked to nobody
and an unverified one are refused with a clear message; sign-out forgets the identity."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from core.accounts import identities
from db.engine import Database
from db.migrate import upgrade
from tests.support import appserver
from tests.support.browser import goto, wait_idle
from tests.support.factories import make_leader, make_member
from tests.support.oidc import auth_secrets, mock_provider

USERS = {
    "kim": {"email": "Kim@Example.org", "email_verified": True},  # linked (case differs)
    "stranger": {"email": "stranger@example.org", "email_verified": True},  # linked to nobody
    "unverified": {"email": "kim@example.org", "email_verified": False},
}


@dataclass
class OidcApp:
    url: str
    provider: str
    db: Database


@pytest.fixture(scope="module")
def oidc_app(tmp_path_factory):
    """The app with [auth] pointing at the mock provider (its own database and port)."""
    tmp = tmp_path_factory.mktemp("oidc")
    db_url = f"sqlite:///{tmp / 'oidc.db'}"
    database = Database(db_url)
    upgrade(database.engine)
    leader = make_leader(database, "oidc_leader", "이리더")
    kim = make_member(database, "oidc_kim", "김연결", by=leader)
    with database.write() as s:
        identities.link_identity(session=s, by=leader, member_id=kim.id, email="kim@example.org")
    port = appserver.free_port()
    with mock_provider(USERS) as provider:
        secrets_file = tmp / "secrets.toml"
        secrets_file.write_text(auth_secrets(provider, f"http://127.0.0.1:{port}"), encoding="utf-8")
        env = {"DATABASE_URL": db_url, "STUDY_DEMO_DATA": "0", "STREAMLIT_SECRETS_FILES": str(secrets_file)}
        # serve_app picks its own port; the provider's redirect URI must name it beforehand
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(appserver, "free_port", lambda: port)
            with appserver.serve_app(env, tmp / "streamlit.log") as base:
                yield OidcApp(base, provider, database)
    database.dispose()


def _sidebar(page: Page):
    return page.get_by_test_id("stSidebar")


def _through_provider(page: Page, app: OidcApp, sub: str) -> None:
    goto(page, app)
    _sidebar(page).get_by_role("button", name="Mock 계정으로 로그인").click()
    page.wait_for_url(re.compile(re.escape(app.provider) + "/oauth2/authorize"))
    page.get_by_role("button", name=sub, exact=True).click()
    page.wait_for_url(re.compile(re.escape(app.url) + r"/?$"))
    wait_idle(page)


def test_a_linked_member_signs_in_through_the_provider_and_out_again(page: Page, oidc_app):
    _through_provider(page, oidc_app, "kim")
    sidebar = _sidebar(page)
    expect(sidebar.get_by_text("김연결 님")).to_be_visible()
    expect(sidebar.get_by_role("button", name="로그아웃")).to_be_visible()
    page.reload()  # Streamlit's identity cookie keeps the sign-in across a reload
    wait_idle(page)
    expect(_sidebar(page).get_by_text("김연결 님")).to_be_visible()
    _sidebar(page).get_by_role("button", name="로그아웃").click()
    page.wait_for_url(re.compile(re.escape(oidc_app.provider) + "/oauth2/end_session"))
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(re.compile(re.escape(oidc_app.url)))
    wait_idle(page)
    goto(page, oidc_app)
    expect(_sidebar(page).get_by_role("button", name="Mock 계정으로 로그인")).to_be_visible()
    expect(_sidebar(page).get_by_role("button", name="로그아웃")).to_have_count(0)


def test_an_email_linked_to_nobody_is_refused_clearly(page: Page, oidc_app):
    _through_provider(page, oidc_app, "stranger")
    sidebar = _sidebar(page)
    expect(
        sidebar.get_by_text("stranger@example.org 에 연결된 멤버가 없어 로그인하지 않았습니다", exact=False)
    ).to_be_visible()
    expect(sidebar.get_by_role("button", name="로그아웃")).to_have_count(0)
    # the password form still works beside it, and another account can be chosen
    expect(sidebar.get_by_role("button", name="로그인", exact=True)).to_be_visible()
    expect(sidebar.get_by_role("button", name="다른 계정으로 로그인")).to_be_visible()


def test_an_unverified_email_is_refused(page: Page, oidc_app):
    _through_provider(page, oidc_app, "unverified")
    sidebar = _sidebar(page)
    expect(sidebar.get_by_text("확인하지 않은 이메일이라 로그인할 수 없습니다", exact=False)).to_be_visible()
    expect(sidebar.get_by_role("button", name="로그아웃")).to_have_count(0)
