"""Workflows: one state-machine definition (:mod:`.machine`) and the machines built with it.

- :mod:`.registry`: member presence and family status in the cycle (``MEMBER``, ``HOUSEHOLD``).
- :mod:`.matching`: match statuses and the decision on a result (``DECISION``).

Later stages add theirs here (meetings, submission batches, receipts).
"""

from dtks_desktop.domain.workflow.machine import OPEN, Machine, Rule, Transition, TransitionError

__all__ = ["OPEN", "Machine", "Rule", "Transition", "TransitionError"]
