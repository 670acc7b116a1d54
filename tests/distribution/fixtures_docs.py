"""Fixtures of the distribution documents' tests: a period whose KPM are the household heads of
the demo registry, cleaned and assigned to distribution points and time slots, built by inserting
DistPeriod / DistKpm / DistPoint rows directly (independent of the period and cleaning services).

``demo_period(db, admin, …)`` returns a dict: ``period_id``, ``desa`` (codes with KPM, by code),
``kpm`` ({id: row}), ``returned`` (ids cleaned dikembalikan).
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from sqlalchemy import select

from dtks_desktop.db.models import DistKpm, DistPeriod, DistPoint, Household, Member, Region
from dtks_desktop.demo.loader import load_demo
from dtks_desktop.domain.distribution import BenefitKind, CleanReason, CleanStatus, PointKind, SourceKind
from dtks_desktop.domain.workflow.distribution import PeriodStatus


def demo_period(db, admin, *, people: int = 600, goods: bool = False, points: bool = True, every_returned: int = 7,
                load: bool = True, programme: str | None = None, period: str = "Tahap 1 2027",
                desa_count: int | None = 3) -> dict:
    """``desa_count``: the demo spreads a few hundred families over every desa of the kabupaten;
    the KPM are gathered into the first ``desa_count`` desa (by code) so lists run to pages."""
    if load:
        load_demo(db, admin, people=people)
    with db.transaction() as s:
        p = DistPeriod(programme=programme or ("BANPANGAN" if goods else "BPNT"), period=period,
                       benefit_kind=(BenefitKind.BARANG if goods else BenefitKind.TUNAI).value,
                       cash=None if goods else 600_000, goods="beras" if goods else None,
                       goods_qty=Decimal(10) if goods else None, goods_unit="kg" if goods else None,
                       source=SourceKind.FILE.value, source_file="kpm.xlsx", status=PeriodStatus.SIAP.value,
                       created_by=admin.id)
        s.add(p)
        s.flush()
        heads = s.execute(select(Member.id, Member.nik, Member.nama, Household.id, Household.no_kk, Household.alamat,
                                 Household.dusun, Household.rt, Household.rw, Household.desa_kode)
                          .join(Household, Member.household_id == Household.id)
                          .where(Member.hubungan == 1, Member.nik.is_not(None), Household.desa_kode.is_not(None))
                          .order_by(Member.id)).all()
        seen: set[str] = set()
        rows = []
        codes = sorted({h[9] for h in heads})[:desa_count] if desa_count else None
        for i, (mid, nik, nama, hid, kk, alamat, dusun, rt, rw, desa) in enumerate(heads):
            if nik in seen:
                continue
            seen.add(nik)
            returned = every_returned and i % every_returned == every_returned - 1
            rows.append(DistKpm(period_id=p.id, urut=i + 1, household_id=hid, member_id=mid, in_registry=True, nik=nik,
                                no_kk=kk, nama=nama, alamat=alamat, dusun=dusun, rt=rt or None, rw=rw or None,
                                desa_kode=codes[i % len(codes)] if codes else desa,
                                clean_status=(CleanStatus.DIKEMBALIKAN if returned else CleanStatus.LENGKAP).value,
                                clean_reasons=CleanReason.RT_KOSONG.value + "," + CleanReason.DUSUN_KOSONG.value
                                if returned else None, clean_round=1))
        s.add_all(rows)
        s.flush()
        desa = sorted({r.desa_kode for r in rows})
        if points:
            names = dict(s.execute(select(Region.kode, Region.nama).where(Region.kode.in_(desa))).all())
            for k, code in enumerate(desa):
                pt = DistPoint(period_id=p.id, desa_kode=code, kind=PointKind.BALAI_DESA.value,
                               nama=f"Balai Desa {names.get(code, code).title()}", alamat=f"Jl. Raya No. {k + 1}",
                               tanggal=date(2027, 1, 11 + k % 5), jam_mulai=time(8, 0), jam_selesai=time(12, 0),
                               slot_menit=60, created_by=admin.id)
                s.add(pt)
                s.flush()
                mine = [r for r in rows if r.desa_kode == code and r.clean_status == CleanStatus.LENGKAP.value]
                for j, r in enumerate(mine):
                    h = 8 + (j * 4) // max(1, len(mine))
                    r.point_id, r.slot_mulai, r.slot_selesai = pt.id, time(h, 0), time(h + 1, 0)
        out = {"period_id": p.id, "desa": desa, "kpm": {r.id: r for r in rows},
               "returned": [r.id for r in rows if r.clean_status == CleanStatus.DIKEMBALIKAN.value]}
        s.flush()
        s.expunge_all()
    return out
