"""One state machine for every workflow of the application.

A :class:`Machine` knows its states (an enum), their Indonesian labels, and its transitions:
``(from, to) -> Rule`` (which roles may make the change, whether a reason is required). The
services apply a change through one function (``services.core.workflow``) that asks
:meth:`Machine.check`, writes the change, its history and the audit event. Registry statuses,
match decisions and, later, meetings, batches and receipts are all machines of this kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, Mapping, TypeVar

from dtks_desktop.domain.status import ROLE_LABELS, Role

S = TypeVar("S", bound=StrEnum)


class TransitionError(Exception):
    """A change the workflow does not allow. ``message`` is Indonesian."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Rule:
    roles: frozenset[Role]
    reason_required: bool = True


@dataclass(frozen=True, slots=True)
class Transition:
    kind: str
    from_status: str | None
    to_status: str | None


#: The state of something that has none yet (a match result nobody decided: ``decision`` NULL).
OPEN = None


@dataclass
class Machine(Generic[S]):
    kind: str  # "member", "household", "match_decision", ...
    states: type[S]
    labels: Mapping[S | None, str]
    transitions: Mapping[tuple[S | None, S | None], Rule]
    colours: Mapping[S | None, str] = field(default_factory=dict)  # "#rrggbb" for views; no Qt here
    #: What to do instead, added to the refusal of a path from this state (Indonesian).
    hints: Mapping[S | None, str] = field(default_factory=dict)

    def state(self, value: str | None) -> S | None:
        if value is None:
            return None
        try:
            return self.states(value)
        except ValueError:
            raise TransitionError(f"Status tidak dikenal: {value}") from None

    def label(self, value: str | None) -> str:
        try:
            return self.labels[self.state(value)]
        except (TransitionError, KeyError):
            return str(value)

    def allowed_targets(self, from_status: str | None, role: str) -> list[S | None]:
        f = self.state(from_status)
        return [t for (a, t), rule in self.transitions.items() if a == f and role in rule.roles]

    def check(self, from_status: str | None, to_status: str | None, role: str,
              reason: str | None = None) -> Transition:
        """Raise :class:`TransitionError` unless ``role`` may move ``from_status`` to ``to_status``."""
        f, t = self.state(from_status), self.state(to_status)
        hint = f" {self.hints[f]}" if f in self.hints else ""
        if f == t:
            raise TransitionError(f"Status sudah {self.labels[f]}.{hint}")
        rule = self.transitions.get((f, t))
        if rule is None:
            raise TransitionError(
                f"Perubahan status dari {self.labels[f]} ke {self.labels[t]} tidak diperbolehkan.{hint}")
        if role not in rule.roles:
            names = ", ".join(ROLE_LABELS[r] for r in Role if r in rule.roles)
            raise TransitionError(
                f"Perubahan status dari {self.labels[f]} ke {self.labels[t]} hanya boleh dilakukan oleh: {names}.")
        if rule.reason_required and (not reason or not reason.strip()):
            raise TransitionError("Alasan perubahan status wajib diisi.")
        return Transition(self.kind, None if f is None else str(f), None if t is None else str(t))


def rules(roles: frozenset[Role], pairs, *, reason_required: bool = True) -> dict:
    """``{pair: Rule(roles)}`` for each (from, to) pair: a compact way to write a table."""
    return {p: Rule(roles, reason_required) for p in pairs}


ALL = frozenset(Role)
CLERKS = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN})
LEADS = frozenset({Role.SUPERVISOR, Role.ADMIN})
