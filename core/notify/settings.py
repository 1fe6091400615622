"""Server settings for outbound notifications, from the environment or `.streamlit/secrets.toml`
(`[notify]` and `[notify.smtp]`; the environment wins). E-mail is off until an SMTP host is set.

| env | secrets.toml | default |
|---|---|---|
| STUDY_SMTP_HOST | [notify.smtp] host | "" (e-mail off) |
| STUDY_SMTP_PORT | [notify.smtp] port | 587 |
| STUDY_SMTP_USER / STUDY_SMTP_PASSWORD | user / password | no login |
| STUDY_SMTP_FROM | from | study@localhost |
| STUDY_SMTP_TLS | tls: starttls, ssl or none | starttls |
| STUDY_PUBLIC_URL | [notify] public_url | "" (messages carry no link) |
| STUDY_NOTIFY_POLL_S | [notify] poll_s | 15 (the sender's interval) |
| STUDY_NOTIFY_SCAN_S | [notify] scan_s | 60 (the due-date / seminar check's interval) |
| STUDY_NOTIFY_ALLOW_LOCAL_HTTP=1 | - | off: only https webhooks (tests allow http://127.0.0.1) |
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TLS_MODES = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class Smtp:
    """How to reach the mail server; `enabled` is False without a host."""

    host: str = ""
    port: int = 587
    user: str = ""
    password: str = ""
    sender: str = "study@localhost"
    tls: str = "starttls"

    @property
    def enabled(self) -> bool:
        """E-mail is on once a host is set."""
        return bool(self.host)


@dataclass(frozen=True)
class Settings:
    """Everything the notification sender reads from the server's configuration."""

    smtp: Smtp = Smtp()
    public_url: str = ""
    poll_s: float = 15.0
    scan_s: float = 60.0
    allow_local_http: bool = False


def _secrets(root: Path) -> dict:
    path = root / ".streamlit" / "secrets.toml"
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")).get("notify", {}) or {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
        return {}  # the database setting reports a broken secrets file; this one stays off


def _number(raw: object, default: float, low: float, high: float) -> float:
    try:
        value = float(str(raw))
    except ValueError:
        return default
    return min(max(value, low), high)


def load(root: Path = ROOT) -> Settings:
    """The current settings (read each time: cheap, and a test may change the environment)."""
    sec = _secrets(root)
    smtp_sec = sec.get("smtp", {}) if isinstance(sec.get("smtp"), dict) else {}

    def pick(env: str, key: str, table: dict, default: str = "") -> str:
        return str(os.environ.get(env) or table.get(key) or default).strip()

    tls = pick("STUDY_SMTP_TLS", "tls", smtp_sec, "starttls").lower()
    smtp = Smtp(
        host=pick("STUDY_SMTP_HOST", "host", smtp_sec),
        port=int(_number(pick("STUDY_SMTP_PORT", "port", smtp_sec, "587"), 587, 1, 65535)),
        user=pick("STUDY_SMTP_USER", "user", smtp_sec),
        password=pick("STUDY_SMTP_PASSWORD", "password", smtp_sec),
        sender=pick("STUDY_SMTP_FROM", "from", smtp_sec, "study@localhost"),
        tls=tls if tls in TLS_MODES else "starttls",
    )
    return Settings(
        smtp=smtp,
        public_url=pick("STUDY_PUBLIC_URL", "public_url", sec).rstrip("/"),
        poll_s=_number(pick("STUDY_NOTIFY_POLL_S", "poll_s", sec, "15"), 15.0, 0.2, 3600),
        scan_s=_number(pick("STUDY_NOTIFY_SCAN_S", "scan_s", sec, "60"), 60.0, 1, 3600),
        allow_local_http=os.environ.get("STUDY_NOTIFY_ALLOW_LOCAL_HTTP") == "1",
    )
