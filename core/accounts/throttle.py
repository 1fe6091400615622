"""The sign-in throttle: counters per name and client, per client, and for everyone.

- pair (name + client): consecutive failures; from the FREE_FAILURES-th on, each one locks the
  pair for BASE_DELAY_S, doubling up to MAX_DELAY_S. Only that client is locked out of that
  name: failing on purpose cannot lock anyone else out of their account.
- client (all names): failures within CLIENT_WINDOW_S; past CLIENT_BUDGET the client is refused
  until the window ends (password spraying across many names from one place).
- all (everyone): failures within GLOBAL_WINDOW_S. Past GLOBAL_BUDGET each client's allowance for
  the rest of the window shrinks to PRESSURE_CLIENT_BUDGET. A client that has not failed is never
  refused, so the owner of an attacked name still signs in with the right password.

A try is counted before its password is checked and refunded when the password is right, so N
parallel tries cannot all pass a check made before any of them was counted. Every counter moves
by one atomic statement (INSERT .. ON CONFLICT DO UPDATE SET count = count + 1), and `charge`
takes the "all" row first: on PostgreSQL that row lock queues concurrent charges one by one, as
BEGIN IMMEDIATE does on SQLite, so no update is lost. On PostgreSQL every transaction takes these
rows in one order, all -> client -> pair -> the member's row, so two of them never deadlock:
`charge`, `refund` (called before the member is touched) and `forget_name` (called before the new
password is stored) keep it. The clock is the `now` callers pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.errors import RateLimited
from db.models.members import LoginThrottle

NO_CLIENT = "-"  # callers that cannot tell clients apart share this one identity
MAX_CLIENT_CHARS = 128
FREE_FAILURES = 5  # failures of one client on one name before that pair is locked
BASE_DELAY_S = 30  # the first lock; doubles with each further failure
MAX_DELAY_S = 3600
CLIENT_WINDOW_S = 900
CLIENT_BUDGET = 20  # failures of one client across names per window
GLOBAL_WINDOW_S = 300
GLOBAL_BUDGET = 60  # everyone's failures per window before allowances shrink
PRESSURE_CLIENT_BUDGET = 3  # a client's allowance while everyone's budget is spent
FORGET_AFTER_S = 86_400  # an idle, unlocked pair counter is dropped after a day

PAIR, CLIENT, ALL = "pair", "client", "all"
_T = LoginThrottle.__table__
_KEY = [_T.c.scope, _T.c.name, _T.c.client]


@dataclass(frozen=True)
class Charge:
    """One try counted before its password is checked (`refund` it when the password is right)."""

    name: str
    client: str
    client_since: datetime  # the windows it was counted in
    all_since: datetime


def client_id(client: str | None) -> str:
    """The stored form of a caller's client identity (NO_CLIENT when it has none)."""
    return (client or NO_CLIENT)[:MAX_CLIENT_CHARS]


def lock_seconds(failures: int) -> int:
    """How long a pair stays locked after its `failures`-th consecutive failure."""
    if failures < FREE_FAILURES:
        return 0
    return min(MAX_DELAY_S, BASE_DELAY_S * 2 ** (failures - FREE_FAILURES))


def _wait(until: datetime, now: datetime) -> RateLimited:
    return RateLimited(seconds=max(1, int((until - now).total_seconds()) + 1))


def _upsert(session: Session, values: dict, set_: dict):
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(_T).values(**values).on_conflict_do_update(index_elements=_KEY, set_=set_)


def _where(scope: str, name: str, client: str):
    return (_T.c.scope == scope, _T.c.name == name, _T.c.client == client)


def _bump_window(session: Session, scope: str, client: str, now: datetime, window_s: int):
    """count + 1 in the current window (a new window starts at 1); returns (count, window start)."""
    expired = _T.c.since <= now - timedelta(seconds=window_s)
    stmt = _upsert(
        session,
        {"scope": scope, "name": "", "client": client, "count": 1, "since": now, "last_at": now},
        {
            "count": case((expired, 1), else_=_T.c.count + 1),
            "since": case((expired, literal(now, _T.c.since.type)), else_=_T.c.since),
            "last_at": now,
        },
    )
    return session.execute(stmt.returning(_T.c.count, _T.c.since)).one()


def _charge_pair(session: Session, name: str, client: str, now: datetime) -> None:
    locked_until = session.scalar(select(_T.c.locked_until).where(*_where(PAIR, name, client)))
    if locked_until is not None and locked_until > now:
        raise _wait(locked_until, now)
    stmt = _upsert(
        session,
        {"scope": PAIR, "name": name, "client": client, "count": 1, "since": now, "last_at": now},
        {"count": _T.c.count + 1, "last_at": now},
    )
    failures = session.execute(stmt.returning(_T.c.count)).scalar_one()
    if delay := lock_seconds(failures):
        session.execute(
            update(_T).where(*_where(PAIR, name, client)).values(locked_until=now + timedelta(seconds=delay))
        )


def _prune(session: Session, now: datetime) -> None:
    session.execute(
        delete(_T).where(_T.c.scope == CLIENT, _T.c.since <= now - timedelta(seconds=CLIENT_WINDOW_S))
    )
    session.execute(
        delete(_T).where(
            _T.c.scope == PAIR,
            _T.c.last_at <= now - timedelta(seconds=FORGET_AFTER_S),
            or_(_T.c.locked_until.is_(None), _T.c.locked_until <= now),
        )
    )


def charge(*, session: Session, name: str, client: str, now: datetime) -> Charge:
    """Count one try of `client` on `name` before its password is checked. RateLimited when this
    client may not try now; the caller's transaction must then roll back (db.write does), which
    takes back what this call counted."""
    client = client_id(client)
    everyone, all_since = _bump_window(session, ALL, "", now, GLOBAL_WINDOW_S)  # first: see docstring
    if everyone == 1:  # a new window: drop counters nobody needs any more
        _prune(session, now)
    mine, client_since = _bump_window(session, CLIENT, client, now, CLIENT_WINDOW_S)
    allowance = CLIENT_BUDGET if everyone <= GLOBAL_BUDGET else PRESSURE_CLIENT_BUDGET
    if mine > allowance:
        raise _wait(client_since + timedelta(seconds=CLIENT_WINDOW_S), now)
    _charge_pair(session, name, client, now)
    return Charge(name, client, client_since, all_since)


def refund(*, session: Session, charge: Charge) -> None:
    """The password was right: take the try back from the windows it was counted in (a window
    that has moved on since keeps its own count; a client left with no failures keeps no row)
    and clear the pair. Call it before touching the member's row (lock order, see above)."""
    for scope, client, since in ((ALL, "", charge.all_since), (CLIENT, charge.client, charge.client_since)):
        session.execute(
            update(_T)
            .where(*_where(scope, "", client), _T.c.since == since, _T.c.count > 0)
            .values(count=_T.c.count - 1)
        )
    session.execute(delete(_T).where(*_where(CLIENT, "", charge.client), _T.c.count <= 0))
    session.execute(delete(_T).where(*_where(PAIR, charge.name, charge.client)))


def forget_name(*, session: Session, name: str) -> None:
    """A new password for `name`: every client's lock on it ends."""
    session.execute(delete(_T).where(_T.c.scope == PAIR, _T.c.name == name))
