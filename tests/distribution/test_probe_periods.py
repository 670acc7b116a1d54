"""Probe: a period name used twice differing only in letter case ("Tahap 1 2027" / "TAHAP 1 2027") is
the same period to the office and is refused, naming the one that exists; nothing is written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dtks_desktop.db.models import DistKpm, DistPeriod
from dtks_desktop.services.distribution import periods as P
from dtks_desktop.services.distribution.common import DistError


def test_the_same_period_name_in_other_letter_case_is_refused(world):
    first = P.create_period(world.db, world.operator, "BLT", "Tahap 1 2027", cash=300000, from_batch=world.batch)
    for other in ("tahap 1 2027", "TAHAP 1  2027"):
        with pytest.raises(DistError) as exc:
            P.create_period(world.db, world.operator, "blt", other, cash=300000, from_batch=world.batch)
        assert f"Tahap BLT Tahap 1 2027 sudah ada (#{first.id})" in exc.value.message
    with world.db.sessions() as s:
        assert s.execute(select(func.count()).select_from(DistPeriod)).scalar_one() == 1
        assert s.execute(select(func.count()).select_from(DistKpm)).scalar_one() == first.kpm
    # another period of the same programme is still welcome
    P.create_period(world.db, world.operator, "BLT", "Tahap 2 2027", cash=300000, from_batch=world.batch)
