"""The remembered sign-in's cookie, set and cleared by the server so it can be HttpOnly (no page
script, ours or an injected one, can read it).

- POST REMEMBER_PATH with {"handoff": "..."}: trades a one-time hand-off, made by the script run
  that signed in (core/accounts/sessions.py), for a remembered sign-in, and sets its cookie:
  HttpOnly, SameSite=Lax, Path=/, Secure when the request came over https.
- POST FORGET_PATH: ends the cookie's remembered sign-in and clears the cookie (sign-out).

Both refuse a request another site made (Sec-Fetch-Site, or else Origin against Host), so no page
elsewhere can sign a browser in as someone else, or out. The browser calls them from
ui/shell/cookies.py `post_script`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import cache
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from core.accounts import sessions
from db.engine import Database, resolve_url

log = logging.getLogger(__name__)

MAX_BODY = 1024  # a hand-off is 43 characters; anything much larger is not ours
COOKIE_MAX_AGE = sessions.SESSION_DAYS * 86400


@cache
def _app_database() -> Database:
    # The pages' handle (ui/shell/db.py) lives in Streamlit's cache; a route only needs the URL.
    # The schema exists by then: a hand-off is only made by a page run, which migrated first.
    return Database(resolve_url())


def same_origin(request: Request) -> bool:
    """Was this request made by a page of this site? Browsers send Sec-Fetch-Site; older ones
    send Origin with every POST (compared with the Host, or the proxy's X-Forwarded-Host)."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("origin")
    if origin is None:
        return True  # no browser would send a cross-site POST without one
    host = request.headers.get("x-forwarded-host") or request.headers.get("host") or ""
    return urlsplit(origin).netloc.lower() == host.split(",")[0].strip().lower()


def is_https(request: Request) -> bool:
    """Did the browser use https (directly, or to the TLS proxy in front of us)?"""
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


async def _capped_body(request: Request) -> bytes | None:
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    return bytes(body)


def _answer(ok: bool, status: int = 200) -> JSONResponse:
    return JSONResponse({"ok": ok}, status_code=status, headers={"Cache-Control": "no-store"})


def _handoff_of(body: bytes) -> str | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    value = data.get("handoff") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def session_routes(open_db: Callable[[], Database] = _app_database) -> list[BaseRoute]:
    """The two routes, on the database `open_db()` gives (tests pass their own)."""

    def redeem(handoff: str) -> str | None:
        with open_db().write() as s:
            return sessions.redeem_handoff(session=s, handoff=handoff)

    def end(token: str | None) -> None:
        if token:
            with open_db().write() as s:
                sessions.end_session(session=s, token=token)

    async def remember(request: Request) -> JSONResponse:
        if not same_origin(request):
            return _answer(False, 403)
        body = await _capped_body(request)
        if body is None:
            return _answer(False, 413)
        handoff = _handoff_of(body)
        if handoff is None:
            return _answer(False, 400)
        try:
            token = await run_in_threadpool(redeem, handoff)
        except Exception:
            log.exception("remembered sign-in: the hand-off could not be traded")
            return _answer(False, 503)
        if token is None:
            return _answer(False, 403)
        response = _answer(True)
        response.set_cookie(
            sessions.COOKIE,
            token,
            max_age=COOKIE_MAX_AGE,
            path="/",
            secure=is_https(request),
            httponly=True,
            samesite="lax",
        )
        return response

    async def forget(request: Request) -> JSONResponse:
        if not same_origin(request):
            return _answer(False, 403)
        try:
            await run_in_threadpool(end, request.cookies.get(sessions.COOKIE))
        except Exception:
            log.exception("remembered sign-in: the sign-out could not be recorded")
            return _answer(False, 503)  # the cookie stays, so a retry can still end its sign-in
        response = _answer(True)
        response.delete_cookie(
            sessions.COOKIE, path="/", secure=is_https(request), httponly=True, samesite="lax"
        )
        return response

    return [
        Route(sessions.REMEMBER_PATH, remember, methods=["POST"]),
        Route(sessions.FORGET_PATH, forget, methods=["POST"]),
    ]
