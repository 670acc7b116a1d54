"""Validation issues reported by the domain rules.

An :class:`Issue` is a finding about one value (a NIK, a No KK, a region code...).
``code`` is a stable snake_case identifier that services, reports and tests can rely on;
``message`` is the Indonesian text shown to the office clerk.

ERROR means "this value cannot be used as it is" (for example a NIK that is not 16 digits).
WARNING means "keep the value, but somebody should look at it" (for example a NIK whose
embedded birth date differs from the recorded one: a NIK is permanent, so it is flagged,
never rejected).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Severity", "Issue", "error", "warning", "has_errors", "errors_of", "warnings_of"]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Issue:
    code: str
    severity: Severity
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def error(code: str, message: str) -> Issue:
    """Shorthand for an ERROR issue."""
    return Issue(code, Severity.ERROR, message)


def warning(code: str, message: str) -> Issue:
    """Shorthand for a WARNING issue."""
    return Issue(code, Severity.WARNING, message)


def has_errors(issues: Iterable[Issue]) -> bool:
    return any(i.severity is Severity.ERROR for i in issues)


def errors_of(issues: Iterable[Issue]) -> tuple[Issue, ...]:
    return tuple(i for i in issues if i.severity is Severity.ERROR)


def warnings_of(issues: Iterable[Issue]) -> tuple[Issue, ...]:
    return tuple(i for i in issues if i.severity is Severity.WARNING)
