"""The remembered sign-in in a real browser: the cookie is set by the server, HttpOnly (page
scripts cannot read it), survives a reload, and sign-out clears it (web/session.py)."""

from playwright.sync_api import Page, expect

from core.accounts import sessions
from tests.support.browser import goto, sign_in, wait_idle
from tests.support.factories import PASSWORD
from tests.support.waiting import wait_until


def _remembered(page: Page) -> dict | None:
    return next((c for c in page.context.cookies() if c["name"] == sessions.COOKIE), None)


def _sidebar(page: Page):
    return page.get_by_test_id("stSidebar")


def test_remembered_sign_in_is_httponly_survives_a_reload_and_sign_out_clears_it(page: Page, live_app):
    goto(page, live_app)
    sign_in(page, live_app.leader, PASSWORD)  # "keep me signed in" is ticked by default
    cookie = wait_until(lambda: _remembered(page), timeout=10, every=0.05, what="the remembered cookie")
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax" and cookie["path"] == "/"
    assert cookie["secure"] is False  # plain http on 127.0.0.1; https sets Secure (tests/web)
    assert sessions.COOKIE not in page.evaluate("document.cookie")  # invisible to page scripts
    # The cookie reaches the server with the websocket: a reload (a new session) is signed in.
    page.reload()
    wait_idle(page)
    expect(_sidebar(page).get_by_role("button", name="로그아웃")).to_be_visible()
    goto(page, live_app, "members")
    expect(page.get_by_role("heading", name="멤버 관리").first).to_be_visible()
    # Sign-out: the server ends the sign-in and clears the cookie; a reload stays signed out.
    _sidebar(page).get_by_role("button", name="로그아웃").click()
    wait_idle(page)
    wait_until(lambda: _remembered(page) is None, timeout=10, every=0.05, what="the cookie cleared")
    page.reload()
    wait_idle(page)
    expect(_sidebar(page).get_by_role("button", name="로그인")).to_be_visible()
    expect(_sidebar(page).get_by_role("button", name="로그아웃")).to_have_count(0)


def test_the_stolen_cookie_of_a_signed_out_browser_no_longer_signs_in(page: Page, live_app):
    goto(page, live_app)
    sign_in(page, live_app.leader, PASSWORD)
    stolen = wait_until(lambda: _remembered(page), timeout=10, every=0.05, what="the remembered cookie")
    _sidebar(page).get_by_role("button", name="로그아웃").click()
    wait_idle(page)
    wait_until(lambda: _remembered(page) is None, timeout=10, every=0.05, what="the cookie cleared")
    page.context.add_cookies([stolen])  # put the old cookie back: revoked on the server
    goto(page, live_app)
    expect(_sidebar(page).get_by_role("button", name="로그인")).to_be_visible()


def test_without_keep_me_signed_in_a_reload_signs_out(page: Page, live_app):
    goto(page, live_app)
    _sidebar(page).get_by_text("이 브라우저에서 로그인 유지").click()  # untick
    sign_in(page, live_app.member, PASSWORD)
    assert _remembered(page) is None
    page.reload()
    wait_idle(page)
    expect(_sidebar(page).get_by_role("button", name="로그인")).to_be_visible()
