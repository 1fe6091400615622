"""Sign-in and a member's own password change: the two places a password is guessed.

Unlike other services these take the Database and run their own transactions, because a check
must (1) be counted and committed even when it fails, and (2) run its ~0.3 s scrypt with no
transaction open: inside SQLite's write lock, a flood of sign-ins would queue every other write
behind it (benchmarks/signin_flood.py). So each call is a short write (count the try, read the
member), the hash with nothing open, then a short write (refund the try, upgrade an old hash,
or store a new password) that first checks the password did not change meanwhile.

`client` names where a try comes from (the UI passes the browser's IP address): throttling is by
name and client together (core/accounts/throttle.py), so nobody can lock another person out.
"""

from __future__ import annotations

from datetime import datetime

from core.accounts import members, throttle
from core.accounts.actor import Actor, require_member
from core.accounts.throttle import NO_CLIENT
from core.errors import AuthFailed
from db.base import utcnow
from db.engine import Database

MAX_NAME_CHARS = 64


def sign_in(
    *, db: Database, username: str, password: str, client: str = NO_CLIENT, now: datetime | None = None
) -> Actor:
    """Check a sign-in: the Actor, or one generic AuthFailed whether the name exists or not;
    RateLimited (nothing checked) while this client is throttled on this name or overall."""
    now = now or utcnow()
    name = members.normalise_username(username)[:MAX_NAME_CHARS]
    with db.write() as s:
        charge = throttle.charge(session=s, name=name, client=client, now=now)
        cred = members.credential(session=s, username=name)
    if len(password or "") > members.MAX_PASSWORD:
        # No password that long can be set, so it is wrong: fail (counted) without the hash, whose
        # cost grows with the text (the sign-in box has no max_chars; see ui/shell/auth.py).
        raise AuthFailed()
    if not members.password_matches(password, cred) or not cred.active:
        raise AuthFailed()  # the try stays counted
    upgrade = None if members.is_current(cred.stored) else members.hash_password(password)
    with db.write() as s:
        throttle.refund(session=s, charge=charge)  # first: the throttle's lock order
        actor = members.confirm_sign_in(session=s, cred=cred, upgrade=upgrade)
        if actor is None:  # changed meanwhile: rolling back keeps the try counted
            raise AuthFailed()
    return actor


def change_own_password(
    *,
    db: Database,
    by: Actor | None,
    old_password: str,
    new_password: str,
    client: str = NO_CLIENT,
    keep_token: str | None = None,
    now: datetime | None = None,
) -> Actor:
    """A member changes their own password after proving the old one (a wrong one counts as a
    failed sign-in). Every other session of theirs ends; `keep_token`, this browser's remembered
    sign-in, stays. Returns the member as an Actor of the new sign-in epoch."""
    me = require_member(by)
    members.check_new_password(new_password)
    now = now or utcnow()
    with db.write() as s:
        charge = throttle.charge(session=s, name=me.username, client=client, now=now)
        cred = members.credential(session=s, username=me.username)
    if cred is None or cred.member_id != me.id or not members.password_matches(old_password, cred):
        raise AuthFailed()
    new = members.hash_password(new_password)
    with db.write() as s:
        throttle.refund(session=s, charge=charge)  # first: the throttle's lock order
        actor = members.replace_own_password(session=s, cred=cred, new=new, keep_token=keep_token)
        if actor is None:  # changed meanwhile: rolling back keeps the try counted
            raise AuthFailed()
    return actor
