"""The private calendar feed: GET /feeds/calendar/<token>.ics answers the member's iCalendar
(core/curriculum/calendar.py). A token that is malformed, unknown, renewed or revoked gets the
same bare 404, so the answer never says whether an address once existed."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from core.curriculum import calendar
from db.engine import Database, resolve_url
from db.migrate import upgrade

HEADERS = {
    "Cache-Control": "private, no-store",  # a personal feed: no shared cache keeps it
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
    "X-Content-Type-Options": "nosniff",
}


@cache
def _database(url: str) -> Database:
    database = Database(url)
    upgrade(database.engine)  # the feed may be asked for before any page opened the database
    return database


def server_database() -> Database:
    """The database the pages use (same setting: DATABASE_URL or secrets.toml)."""
    return _database(resolve_url())


def _not_found() -> Response:
    return PlainTextResponse("Not Found", status_code=404, headers=HEADERS)


def feed_handler(open_db: Callable[[], Database] = server_database):
    """The route's endpoint, reading the database `open_db` gives."""

    async def feed(request: Request) -> Response:
        token = request.path_params.get("token", "")

        def build() -> bytes | None:
            with open_db().read() as s:
                return calendar.feed_for_token(session=s, token=token)

        data = await run_in_threadpool(build)
        if data is None:
            return _not_found()
        return Response(data, media_type=calendar.MEDIA_TYPE, headers=HEADERS)

    return feed


def routes(open_db: Callable[[], Database] = server_database) -> list[BaseRoute]:
    """The feed's route (GET, and HEAD with it)."""
    return [Route("/" + calendar.FEED_PATH, feed_handler(open_db), methods=["GET"], name="calendar_feed")]
