import pytest
from sqlalchemy import func, select

from dtks_desktop.db.models import DukcapilPerson, Household, ImportBatch, Member, ProgrammeRecipient
from dtks_desktop.services.core import audit, settings
from dtks_desktop.services.core.common import Cancelled
from dtks_desktop.demo.loader import DemoLoadError, load_demo


def count(s, model):
    return s.execute(select(func.count()).select_from(model)).scalar_one()


def test_demo_load_goes_through_the_importer(db, admin):
    steps = []
    res = load_demo(db, admin, people=300, seed=3, progress=lambda d, t, x="": steps.append((d, t)))
    with db.sessions() as s:
        assert count(s, Member) == res.members and 280 <= res.members <= 300
        assert res.members + res.rejected <= 300 + 20  # duplicates rows are extra rows in the export
        assert count(s, Household) == res.households > 50
        assert count(s, DukcapilPerson) >= 300 and count(s, ProgrammeRecipient) > 0
        kinds = s.execute(select(ImportBatch.kind).order_by(ImportBatch.id)).scalars().all()
        assert kinds[:2] == ["dukcapil", "dtks"] and set(kinds[2:]) == {"program"}
        codes = s.execute(select(Household.desa_kode).distinct()).scalars().all()
        assert codes and all(c.startswith("33.10.") and c.count(".") == 3 for c in codes)
        assert settings.get(s, settings.KAB_KODE) == "33.10"
        assert audit.count_events(s, audit.AuditFilter(action="demo.load"), actor=admin) == 1
    assert steps[-1] == (100, 100)
    assert "fiktif" in res.summary_text()


def test_demo_load_refuses_a_database_with_data(db, admin):
    load_demo(db, admin, people=60, seed=1)
    with pytest.raises(DemoLoadError, match="sudah berisi"):
        load_demo(db, admin, people=60, seed=2)


def test_cancelled_demo_load_leaves_nothing(db, admin):
    calls = {"n": 0}

    def cancel():
        calls["n"] += 1
        return calls["n"] > 3

    with pytest.raises(Cancelled):
        load_demo(db, admin, people=2000, seed=1, cancel=cancel)
    with db.sessions() as s:
        assert count(s, Member) == 0 and count(s, Household) == 0 and count(s, ImportBatch) == 0
