"""Errors that services raise for the UI to show as translated messages.

Every `AppError` carries an i18n key and parameters; `str(err)` is the English text so logs and
tests stay readable. Pages catch `AppError` and show `translate(err.key, lang, **err.params)`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
    """A form or import is invalid. `problems` holds the field errors it reports (none for an
    error about the input as a whole, e.g. a file too large); `lines` is one line per problem."""

    key = "common.error.invalid"

    @property
    def problems(self) -> tuple[FieldError, ...]:
        """The invalid fields this error names (empty when it names none)."""
        return ()

    def lines(self, lang: str) -> list[str]:
        """One line per problem in `lang`."""
        return [p.line(lang) for p in self.problems]


class FieldError(InvalidInput):
    """One invalid field. `field` is the label key the form shows for it (the form and the error
    use the same key), or {"ko": ..., "en": ...} for a label that comes from data (a template's
    field); `reason_key` says what is wrong, `refs` names other fields' label keys a reason mentions.

    A reason whose text has a `{field}` placeholder is a whole sentence ("Training steps must be at
    least 1."); any other reason is shown after the label ("Title — This field is required.").
    """

    def __init__(
        self,
        field: str | Mapping[str, str],
        reason_key: str,
        /,
        *,
        refs: Mapping[str, str] | None = None,
        **reason_params: Any,
    ) -> None:
        self.field = field
        self.reason_key = reason_key
        self.reason_params = reason_params
        self.refs = dict(refs or {})
        super().__init__(reason_key, **reason_params)

    @property
    def problems(self) -> tuple[FieldError, ...]:
        """Itself: a single problem."""
        return (self,)

    def label(self, lang: str) -> str:
        """The field's label in `lang`."""
        from core.i18n import translate

        if isinstance(self.field, Mapping):
            return self.field.get(lang) or next(iter(self.field.values()), "")
        return translate(self.field, lang) if "." in self.field else self.field

    def _reason(self, lang: str) -> tuple[str, bool]:
        from core.i18n import catalogs, translate

        cats = catalogs()
        raw = cats.get(lang, {}).get(self.reason_key) or cats["ko"].get(self.reason_key, "")
        refs = {name: translate(key, lang) for name, key in self.refs.items()}
        text = translate(self.reason_key, lang, **{**self.reason_params, **refs, "field": self.label(lang)})
        return text, "{field}" in raw

    def line(self, lang: str) -> str:
        """'<label> — <reason>', or the reason's own sentence when it names the field."""
        reason, sentence = self._reason(lang)
        return reason if sentence else f"{self.label(lang)} — {reason}"

    def message(self, lang: str) -> str:
        """The problem as a full message in `lang`."""
        from core.i18n import translate

        reason, sentence = self._reason(lang)
        return (
            reason
            if sentence
            else translate("common.error.invalid", lang, field=self.label(lang), reason=reason)
        )


class InvalidFields(InvalidInput):
    """Several invalid fields of one form or import, reported at once (core.validate.Problems
    collects them): a heading (`key`, with `{count}`) and one line per problem."""

    key = "validation.problems"

    def __init__(self, problems: Iterable[FieldError], key: str | None = None, /, **params: Any) -> None:
        self._problems = tuple(problems)
        super().__init__(key, **{"count": len(self._problems), **params})

    @property
    def problems(self) -> tuple[FieldError, ...]:
        """Every problem, in the order found."""
        return self._problems

    def heading(self, lang: str) -> str:
        """The heading above the list, in `lang`."""
        from core.i18n import translate

        return translate(self.key, lang, **self.params)

    def message(self, lang: str) -> str:
        """Heading plus every problem on one line (logs, plain text)."""
        return f"{self.heading(lang)} {'; '.join(line.rstrip('.') for line in self.lines(lang))}."


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
