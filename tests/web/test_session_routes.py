"""The remembered sign-in's routes (web/session.py) through Starlette's TestClient: the hand-off
becomes an HttpOnly cookie once, sign-out ends it and clears it, other sites are refused."""

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from core.accounts import sessions
from tests.support.factories import make_leader
from web.session import session_routes

SAME = {"Sec-Fetch-Site": "same-origin"}


@pytest.fixture
def client(sqlite_db):
    app = Starlette(routes=session_routes(lambda: sqlite_db))
    with TestClient(app, base_url="http://testserver") as c:
        yield c


def _handoff(db, actor) -> str:
    with db.write() as s:
        return sessions.create_handoff(session=s, actor=actor)


def _set_cookie(response) -> str:
    return response.headers.get("set-cookie", "")


def test_a_handoff_sets_an_httponly_lax_cookie_once(client, sqlite_db):
    leader = make_leader(sqlite_db)
    handoff = _handoff(sqlite_db, leader)
    r = client.post(sessions.REMEMBER_PATH, json={"handoff": handoff}, headers=SAME)
    assert r.status_code == 200 and r.json() == {"ok": True}
    header = _set_cookie(r)
    assert header.startswith(f"{sessions.COOKIE}=")
    attrs = {a.strip().split("=")[0].lower() for a in header.split(";")}
    assert {"httponly", "path", "max-age"} <= attrs and "secure" not in attrs  # plain http here
    assert "samesite=lax" in header.lower() and "path=/" in header.lower()
    assert r.headers["cache-control"] == "no-store"
    token = r.cookies.get(sessions.COOKIE) or client.cookies.get(sessions.COOKIE)
    with sqlite_db.read() as s:
        assert sessions.resume_session(session=s, token=token).id == leader.id
    again = client.post(sessions.REMEMBER_PATH, json={"handoff": handoff}, headers=SAME)
    assert again.status_code == 403 and "set-cookie" not in again.headers  # single use


def test_the_cookie_is_secure_over_https_and_behind_a_tls_proxy(sqlite_db):
    leader = make_leader(sqlite_db)
    app = Starlette(routes=session_routes(lambda: sqlite_db))
    with TestClient(app, base_url="https://testserver") as c:
        r = c.post(sessions.REMEMBER_PATH, json={"handoff": _handoff(sqlite_db, leader)}, headers=SAME)
        assert "; secure" in _set_cookie(r).lower()
    with TestClient(app, base_url="http://testserver") as c:
        r = c.post(
            sessions.REMEMBER_PATH,
            json={"handoff": _handoff(sqlite_db, leader)},
            headers={**SAME, "X-Forwarded-Proto": "https"},
        )
        assert "; secure" in _set_cookie(r).lower()


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b'{"handoff": "wrong-wrong-wrong-wrong-wrong-wrong-wrong"}', 403),
        (b'{"handoff": 42}', 400),
        (b"not json", 400),
        (b"[]", 400),
        (b'{"handoff": "' + b"a" * 5000 + b'"}', 413),
    ],
)
def test_a_bad_handoff_sets_nothing(client, sqlite_db, body, status):
    make_leader(sqlite_db)
    r = client.post(
        sessions.REMEMBER_PATH, content=body, headers={**SAME, "Content-Type": "application/json"}
    )
    assert r.status_code == status and "set-cookie" not in r.headers


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example"},
    ],
)
def test_another_site_cannot_sign_a_browser_in_or_out(client, sqlite_db, headers):
    leader = make_leader(sqlite_db)
    handoff = _handoff(sqlite_db, leader)
    r = client.post(sessions.REMEMBER_PATH, json={"handoff": handoff}, headers=headers)
    assert r.status_code == 403 and "set-cookie" not in r.headers
    # the refused try did not use the hand-off up
    ok = client.post(sessions.REMEMBER_PATH, json={"handoff": handoff}, headers=SAME)
    assert ok.status_code == 200
    out = client.post(sessions.FORGET_PATH, headers=headers)
    assert out.status_code == 403 and "set-cookie" not in out.headers


def test_origin_matching_the_host_is_accepted_without_fetch_metadata(client, sqlite_db):
    leader = make_leader(sqlite_db)
    r = client.post(
        sessions.REMEMBER_PATH,
        json={"handoff": _handoff(sqlite_db, leader)},
        headers={"Origin": "http://testserver"},
    )
    assert r.status_code == 200


def test_sign_out_ends_the_sign_in_and_clears_the_cookie(client, sqlite_db):
    leader = make_leader(sqlite_db)
    r = client.post(sessions.REMEMBER_PATH, json={"handoff": _handoff(sqlite_db, leader)}, headers=SAME)
    token = client.cookies.get(sessions.COOKIE)
    assert token
    out = client.post(sessions.FORGET_PATH, headers=SAME)
    assert out.status_code == 200
    header = _set_cookie(out).lower()
    assert header.startswith(f"{sessions.COOKIE}=") and "max-age=0" in header and "httponly" in header
    assert client.cookies.get(sessions.COOKIE) is None
    with sqlite_db.read() as s:
        assert sessions.resume_session(session=s, token=token) is None  # revoked on the server
    assert r.status_code == 200
    # signing out with no cookie is harmless
    assert client.post(sessions.FORGET_PATH, headers=SAME).status_code == 200


def test_the_server_lists_the_routes():
    from web.routes import routes

    paths = {getattr(r, "path", None) for r in routes()}
    assert {sessions.REMEMBER_PATH, sessions.FORGET_PATH} <= paths
