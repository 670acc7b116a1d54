"""The RT-to-kabupaten tree with counts and totals, distribution points and their time slots."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest
from sqlalchemy import select

from dtks_desktop.db.models import DistKpm
from dtks_desktop.domain.permissions import PermissionDenied
from dtks_desktop.services.distribution import cleaning as C
from dtks_desktop.services.distribution import mapping as M
from dtks_desktop.services.distribution import periods as P
from dtks_desktop.services.distribution.common import DistError

from tests.distribution.conftest import DESA_A, DESA_B


@pytest.fixture
def period(world):
    pid = P.create_period(world.db, world.operator, "BANPANGAN", "Tahap 1", goods="beras:10:kg",
                          from_batch=world.batch).id
    C.clean(world.db, world.operator, pid)  # lengkap: ANI, EKO (A), FAJAR (B); returned: BUDI, CITRA, DODI (A)
    return pid


def test_the_tree_counts_and_totals_from_rt_to_kabupaten(world, period):
    with world.db.sessions() as s:
        root = M.tree(s, period)
    assert (root.level, root.kode, root.kpm, root.lengkap, root.dikembalikan) == ("kabupaten", "33.10", 6, 3, 3)
    assert root.nilai == Decimal(30)  # 3 lengkap x 10 kg
    [kec] = root.children
    assert kec.level == "kecamatan" and kec.kode == "33.10.01" and kec.kpm == 6
    desa = {d.kode: d for d in kec.children}
    assert (desa[DESA_A].kpm, desa[DESA_A].lengkap, desa[DESA_A].nilai) == (5, 2, Decimal(20))
    rts = {(w.nama, t.nama): t.kpm for w in desa[DESA_A].children for t in w.children}
    assert rts == {("RW 001", "RT 001"): 2, ("RW 001", "RT 002"): 2, ("RW 001", "RT -"): 1}
    d = root.as_dict()
    assert d["nilai"] == 30 and d["children"][0]["children"][0]["children"][0]["level"] == "rw"
    # cash: rupiah
    pid = P.create_period(world.db, world.operator, "BLT", "Januari", cash=300000, from_batch=world.batch).id
    C.clean(world.db, world.operator, pid)
    with world.db.sessions() as s:
        assert M.tree(s, pid).nilai == 900000


def test_points_and_slots(world, period):
    with world.db.transaction() as s:
        a = M.add_point(s, world.operator, period, DESA_A, "balai_desa", "Balai Desa", "2027-02-15", "08:00", "09:00",
                        slot_menit=30)
        b = M.add_point(s, world.operator, period, DESA_B, "kantor pos", "Kantor Pos Klaten", "15-02-2027", "10.00",
                        "12:00", kuota_slot=1)
    assert (a.slots, a.kind_label, a.tanggal, a.jam_mulai) == (2, "Balai Desa/Kelurahan", date(2027, 2, 15), time(8))
    assert b.kind == "kantor_pos" and b.slots == 2
    with world.db.transaction() as s:
        n = M.assign_slots(s, world.operator, period)
    assert n == 3
    with world.db.sessions() as s:
        k = {k.nama: k for k in s.execute(select(DistKpm).where(DistKpm.period_id == period)).scalars()}
        assert (k["ANI"].point_id, k["ANI"].slot_mulai, k["ANI"].slot_selesai) == (a.id, time(8), time(8, 30))
        assert (k["EKO"].point_id, k["EKO"].slot_mulai) == (a.id, time(8, 30))  # RT 002 after RT 001
        assert (k["FAJAR"].point_id, k["FAJAR"].slot_mulai) == (b.id, time(10))
        assert k["BUDI"].point_id is None  # returned KPM get no slot
        pts = M.list_points(s, period)
        assert [(p.nama, p.kpm) for p in pts] == [("Balai Desa", 2), ("Kantor Pos Klaten", 1)]
        assert M.list_points(s, period, desa=DESA_B)[0].as_dict()["jam_mulai"] == "10:00"
    with world.db.transaction() as s:
        M.remove_point(s, world.operator, a.id)
    with world.db.sessions() as s:
        assert s.get(DistKpm, k["ANI"].id).point_id is None and len(M.list_points(s, period)) == 1


def test_bad_points_are_refused(world, period):
    with world.db.transaction() as s:
        with pytest.raises(DistError, match="tidak dikenal di kabupaten"):
            M.add_point(s, world.operator, period, "33.09.01.2001", "balai_desa", "Balai", "2027-02-15", "08:00",
                        "09:00")
        with pytest.raises(DistError, match="sesudah jam mulai"):
            M.add_point(s, world.operator, period, DESA_A, "balai_desa", "Balai", "2027-02-15", "10:00", "09:00")
        with pytest.raises(DistError, match="Jenis titik"):
            M.add_point(s, world.operator, period, DESA_A, "masjid", "Balai", "2027-02-15", "08:00", "09:00")
        with pytest.raises(DistError, match="Tanggal"):
            M.add_point(s, world.operator, period, DESA_A, "balai_desa", "Balai", "besok", "08:00", "09:00")
        with pytest.raises(DistError, match="Belum ada titik salur"):
            M.assign_slots(s, world.operator, period)
    with pytest.raises(PermissionDenied), world.db.transaction() as s:
        M.add_point(s, world.pencetak, period, DESA_A, "balai_desa", "Balai", "2027-02-15", "08:00", "09:00")
