"""Errors that services raise for the UI to show as translated messages.

Every `AppError` carries an i18n key and parameters; `str(err)` is the English text so logs and
tests stay readable. Pages catch `AppError` and show `translate(err.key, lang, **err.params)`.
"""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    """Base of user-facing errors: an i18n key plus format parameters."""

    key = "common.error.generic"

    def __init__(self, key: str | None = None, /, **params: Any) -> None:
        if key:
            self.key = key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        """The error in `lang`."""
        from core.i18n import translate

        return translate(self.key, lang, **self.params)


class PermissionDenied(AppError):
    """The acting user may not do this (checked in core services, not only the UI)."""

    key = "common.error.permission"


class NotFound(AppError):
    """The thing asked for does not exist (or is not visible to the actor)."""

    key = "common.error.not_found"


class InvalidInput(AppError):
    """A form or import is invalid; `params` name the field and the reason."""

    key = "common.error.invalid"


class StaleEdit(AppError):
    """Someone saved a newer version since this edit began; `current` holds the newer data."""

    key = "common.error.stale"

    def __init__(self, key: str | None = None, /, current: Any = None, **params: Any) -> None:
        self.current = current
        super().__init__(key, **params)


class AuthFailed(AppError):
    """Sign-in failed; one generic message whether or not the name exists."""

    key = "common.auth.failed"


class RateLimited(AppError):
    """Too many failed sign-ins; `seconds` until the next try."""

    key = "common.auth.locked"
