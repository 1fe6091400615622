"""Sending one message on one outbound channel: Discord and Slack webhooks (httpx, short timeouts)
and e-mail over SMTP (smtplib). A failure raises DeliveryError naming what went wrong."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

import httpx

from core.errors import AppError, InvalidInput
from core.notify.prefs import check_webhook
from core.notify.settings import Smtp

TIMEOUT = httpx.Timeout(5.0, connect=3.0)
SMTP_TIMEOUT_S = 10.0
DISCORD_MAX = 2000  # Discord refuses longer message content
MAX_DETAIL = 300


class DeliveryError(AppError):
    """A channel did not take the message (the outbox retries it later)."""

    key = "notify.error.unreachable"


def _detail(exc: BaseException) -> str:
    return (str(exc) or type(exc).__name__)[:MAX_DETAIL]


def discord_payload(text: str) -> dict:
    """A Discord webhook message: plain content; no @everyone / role / user pings from user text."""
    return {"content": text[:DISCORD_MAX], "allowed_mentions": {"parse": []}}


def slack_payload(text: str) -> dict:
    """A Slack webhook message; &, < and > escaped so user text cannot ping a channel."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return {"text": escaped}


def post_webhook(
    url: str, payload: dict, *, channel: str, allow_local_http: bool, client: httpx.Client | None = None
) -> None:
    """POST `payload` as JSON; a non-2xx answer or no answer raises DeliveryError."""
    try:  # checked again here: the address may have been stored under another setting
        check_webhook(url, "notify.prefs.discord_url", channel=channel, allow_local_http=allow_local_http)
    except InvalidInput as exc:
        raise DeliveryError(exc.key, **exc.params) from exc
    try:
        if client is not None:
            response = client.post(url, json=payload)
        else:
            with httpx.Client(timeout=TIMEOUT, follow_redirects=False) as own:
                response = own.post(url, json=payload)
    except httpx.HTTPError as exc:
        raise DeliveryError("notify.error.unreachable", detail=_detail(exc)) from exc
    if not 200 <= response.status_code < 300:
        raise DeliveryError("notify.error.http_status", status=response.status_code)


def send_mail(smtp: Smtp, to: str, subject: str, body: str) -> None:
    """Send one plain-text e-mail; the server refusing it or not answering raises DeliveryError."""
    if not smtp.enabled:
        raise DeliveryError("notify.error.smtp_off")
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = smtp.sender, to, subject
    msg.set_content(body)
    try:
        if smtp.tls == "ssl":
            server = smtplib.SMTP_SSL(
                smtp.host, smtp.port, timeout=SMTP_TIMEOUT_S, context=ssl.create_default_context()
            )
        else:
            server = smtplib.SMTP(smtp.host, smtp.port, timeout=SMTP_TIMEOUT_S)
        with server:
            if smtp.tls == "starttls":
                server.starttls(context=ssl.create_default_context())
            if smtp.user:
                server.login(smtp.user, smtp.password)
            server.send_message(msg)
    except smtplib.SMTPResponseException as exc:
        raise DeliveryError(
            "notify.error.smtp_refused", detail=f"{exc.smtp_code} {_text(exc.smtp_error)}"
        ) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError("notify.error.smtp_refused", detail=_detail(exc)) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError("notify.error.smtp_unreachable", detail=_detail(exc)) from exc


def _text(raw: bytes | str) -> str:
    value = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return value[:MAX_DETAIL]
