"""The sender: claim due deliveries, send them, record the outcome (runs off the page's thread,
in web/notify_jobs.py; tests call `drain` with their own clock).

Claiming is one short write: pick due rows (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so two senders
pick different rows; SQLite: writers are serialised by BEGIN IMMEDIATE) and mark them
`sending` with this sender's claim token where they are still `pending`. Only the sender holding
the token records the outcome. A failure is retried after BACKOFF_S * 2^(attempt-1) seconds (capped
at MAX_BACKOFF_S) until MAX_ATTEMPTS, then the delivery stops as `failed` (leaders see it and may
retry). A sender that dies mid-send leaves rows `sending`; after STALE_CLAIM they are claimed again.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlencode

import httpx
from sqlalchemy import select, update

from core.errors import AppError
from core.i18n import DEFAULT_LANGUAGE, LANGUAGES, translate
from core.notify import channels, events
from core.notify import settings as notify_settings
from core.timezone import now_utc
from db.engine import Database
from db.models.members import Member
from db.models.notify import Delivery, Notice

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BACKOFF_S = 30.0
MAX_BACKOFF_S = 3600.0
STALE_CLAIM = timedelta(minutes=5)
BATCH = 50
# Set while this process runs the sender (web/notify_jobs.py; `streamlit run app.py` alone does not).
RUNNING = threading.Event()


@dataclass(frozen=True)
class Item:
    """A claimed delivery with what its message needs."""

    id: int
    channel: str
    address: str
    attempts: int
    event: str
    params: dict
    page: str
    query: dict
    lang: str


@dataclass
class Outcome:
    """What one drain did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def backoff(attempts: int) -> timedelta:
    """The wait before the next try after `attempts` failures."""
    return timedelta(seconds=min(BACKOFF_S * 2 ** max(attempts - 1, 0), MAX_BACKOFF_S))


def claim(db: Database, *, now: datetime, token: str, limit: int = BATCH) -> list[Item]:
    """Take up to `limit` due deliveries for this sender (see the module docstring)."""
    with db.write() as s:
        s.execute(  # a sender that died while sending: its rows are due again
            update(Delivery)
            .where(Delivery.status == "sending", Delivery.claimed_at < now - STALE_CLAIM)
            .values(status="pending", claim=None)
        )
        pick = (
            select(Delivery.id)
            .where(Delivery.status == "pending", Delivery.next_at <= now)
            .order_by(Delivery.next_at, Delivery.id)
            .limit(limit)
        )
        if db.dialect == "postgresql":
            pick = pick.with_for_update(skip_locked=True)
        ids = list(s.scalars(pick))
        if not ids:
            return []
        s.execute(
            update(Delivery)
            .where(Delivery.id.in_(ids), Delivery.status == "pending")
            .values(status="sending", claim=token, claimed_at=now)
        )
        rows = s.execute(
            select(Delivery, Notice, Member.language)
            .join(Notice, Notice.id == Delivery.notice_id)
            .join(Member, Member.id == Notice.member_id)
            .where(Delivery.claim == token, Delivery.status == "sending")
            .order_by(Delivery.id)
        ).all()
        return [
            Item(
                d.id,
                d.channel,
                d.address,
                d.attempts,
                n.event,
                dict(n.params or {}),
                n.page,
                dict(n.query or {}),
                lang if lang in LANGUAGES else DEFAULT_LANGUAGE,
            )
            for d, n, lang in rows
        ]


def message(item: Item, public_url: str = "") -> tuple[str, str]:
    """(title, text) of a delivery in its member's language; with a link when the server's public
    URL is set."""
    title = events.label(item.event, item.lang)
    text = events.text(item.event, item.params, item.lang)
    if public_url and item.page:
        query = f"?{urlencode(item.query)}" if item.query else ""
        text += "\n" + translate("notify.message.open", item.lang, url=f"{public_url}/{item.page}{query}")
    return title, text


def send(item: Item, conf: notify_settings.Settings, client: httpx.Client | None = None) -> None:
    """Send one delivery on its channel (DeliveryError when the channel does not take it);
    webhooks go through `client` when given (one per batch: its TLS setup is the slow part)."""
    title, text = message(item, conf.public_url)
    if item.channel == "discord":
        channels.post_webhook(
            item.address,
            channels.discord_payload(f"**{title}**\n{text}"),
            channel="discord",
            allow_local_http=conf.allow_local_http,
            client=client,
        )
    elif item.channel == "slack":
        channels.post_webhook(
            item.address,
            channels.slack_payload(f"*{title}*\n{text}"),
            channel="slack",
            allow_local_http=conf.allow_local_http,
            client=client,
        )
    elif item.channel == "email":
        subject = translate("notify.mail.subject", item.lang, title=title)
        channels.send_mail(conf.smtp, item.address, subject, text)
    else:
        raise channels.DeliveryError("notify.error.unknown_choice")


def error_json(err: AppError) -> str:
    """How a failure is stored: its key and parameters, shown later in the reader's language."""
    return json.dumps(
        {"key": err.key, "params": {k: str(v) for k, v in err.params.items()}}, ensure_ascii=False
    )


def error_text(stored: str, lang: str) -> str:
    """A stored failure in `lang` ("" for none)."""
    if not stored:
        return ""
    try:
        data = json.loads(stored)
        return translate(data["key"], lang, **data.get("params", {}))
    except (ValueError, KeyError, TypeError):
        return stored


def record(db: Database, item: Item, *, token: str, now: datetime, error: AppError | None) -> str:
    """Store the outcome of one claimed delivery: 'sent', 'retrying' or 'failed'."""
    attempts = item.attempts + 1
    if error is None:
        values = {"status": "sent", "attempts": attempts, "sent_at": now, "last_error": ""}
        outcome = "sent"
    elif attempts >= MAX_ATTEMPTS:
        values = {"status": "failed", "attempts": attempts, "last_error": error_json(error)}
        outcome = "failed"
    else:
        values = {
            "status": "pending",
            "attempts": attempts,
            "next_at": now + backoff(attempts),
            "last_error": error_json(error),
        }
        outcome = "retrying"
    with db.write() as s:
        s.execute(
            update(Delivery)
            .where(Delivery.id == item.id, Delivery.claim == token, Delivery.status == "sending")
            .values(claim=None, **values)
        )
    return outcome


def drain(
    db: Database,
    *,
    clock: Callable[[], datetime] = now_utc,
    conf: notify_settings.Settings | None = None,
    sender: Callable[..., None] = send,
    limit: int = BATCH,
) -> Outcome:
    """Send every delivery due now (one batch); a failing channel is counted, never raised."""
    conf = conf or notify_settings.load()
    token = secrets.token_hex(16)
    out = Outcome()
    items = claim(db, now=clock(), token=token, limit=limit)
    if not items:
        return out
    with httpx.Client(timeout=channels.TIMEOUT, follow_redirects=False) as client:
        for item in items:
            _deliver(db, item, token, clock, conf, sender, client, out)
    return out


def _deliver(
    db: Database,
    item: Item,
    token: str,
    clock: Callable[[], datetime],
    conf: notify_settings.Settings,
    sender: Callable[..., None],
    client: httpx.Client,
    out: Outcome,
) -> None:
    error: AppError | None = None
    try:
        sender(item, conf, client)
    except AppError as err:
        error = err
    except Exception as exc:  # a bug in one channel must not stop the others
        log.exception("notification delivery %s crashed", item.id)
        error = channels.DeliveryError("notify.error.unreachable", detail=type(exc).__name__)
    result = record(db, item, token=token, now=clock(), error=error)
    if error is not None:
        out.errors.append(error.message("en"))
    setattr(out, result, getattr(out, result) + 1)
