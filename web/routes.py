"""The plain HTTP routes the server answers beside Streamlit's own.

Each feature keeps its handlers in its own module under `web/` and adds them here. Paths start
with a prefix of their own (never `/_stcore`, `/app/static` or a page's URL path).
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from web import calendar
from web.session import session_routes


def routes() -> list[BaseRoute]:
    """Every extra route, in the order Starlette tries them."""
    found: list[BaseRoute] = []
    found += session_routes()  # the remembered sign-in's HttpOnly cookie
    found += calendar.routes()  # a member's private calendar feed (.ics)
    return found
