"""The services' kinds of data (``DataKind``) are the kinds the application signal knows."""

from __future__ import annotations

from dtks_desktop.services.core.common import DataKind
from dtks_desktop.views.common import events


def test_data_kinds_are_the_events_kinds():
    assert {str(k) for k in DataKind} == set(events.KINDS)
    assert {k.name: str(k) for k in DataKind} == {n: getattr(events, n) for n in (k.name for k in DataKind)}
