import pytest
from sqlalchemy import func, select

from dtks_desktop.db.models import Household, Member
from dtks_desktop.services import audit, settings
from dtks_desktop.services.common import Cancelled
from dtks_desktop.services.demo_loader import DemoLoadError, load_demo


def test_demo_load_fills_an_empty_database(db, admin):
    steps = []
    res = load_demo(db, admin, people=300, seed=3, progress=lambda d, t, x="": steps.append((d, t)))
    assert res.members == 300 and res.households > 50
    with db.sessions() as s:
        assert s.execute(select(func.count()).select_from(Member)).scalar_one() == 300
        # every family lives in a real desa of Klaten
        codes = s.execute(select(Household.desa_kode).distinct()).scalars().all()
        assert codes and all(c.startswith("33.10.") and c.count(".") == 3 for c in codes)
        niks = s.execute(select(Member.nik)).scalars().all()
        assert all(n is None or (len(n) == 16 and n.isdigit()) for n in niks)
        assert settings.get(s, settings.KAB_KODE) == "33.10"
        assert audit.count_events(s, audit.AuditFilter(action="demo.load")) == 1
    assert steps[-1] == (100, 100)


def test_demo_load_refuses_a_database_with_data(db, admin):
    load_demo(db, admin, people=50, seed=1)
    with pytest.raises(DemoLoadError, match="sudah berisi"):
        load_demo(db, admin, people=50, seed=2)


def test_cancelled_demo_load_leaves_nothing(db, admin):
    calls = {"n": 0}

    def cancel():
        calls["n"] += 1
        return calls["n"] > 3

    with pytest.raises(Cancelled):
        load_demo(db, admin, people=2000, seed=1, cancel=cancel)
    with db.sessions() as s:
        assert s.execute(select(func.count()).select_from(Member)).scalar_one() == 0
        assert s.execute(select(func.count()).select_from(Household)).scalar_one() == 0
