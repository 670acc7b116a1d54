"""Fixtures of the receipt and realisation tests: a distribution period built directly from demo
registry data (the demo generator's families go into the registry; each family's head becomes a
KPM), without the period-creation service (S1). Every tenth KPM is returned by the cleaning
(``dikembalikan``, RT kosong); the others are ``lengkap``. A second period of another programme holds
the same families, for "QR of another period".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from dtks_desktop.db.models import DistKpm, DistPeriod, Member
from dtks_desktop.demo.generator import DemoConfig, generate
from dtks_desktop.domain.distribution import BenefitKind, CleanReason, CleanStatus, SourceKind
from dtks_desktop.domain.workflow.distribution import PeriodStatus, ReceiptStatus
from dtks_desktop.services.core import settings as settings_service
from dtks_desktop.services.core.registry import FamilyRecord, MemberRecord, bulk_add_families
from dtks_desktop.services.core.users import create_user

_DATASETS: dict[tuple[int, int], object] = {}


def demo_families(people: int = 240, seed: int = 5):
    key = (people, seed)
    if key not in _DATASETS:
        _DATASETS[key] = generate(DemoConfig(people=people, seed=seed, kab="33.10", dukcapil_ratio=1.0))
    return _DATASETS[key].families


@dataclass
class DistWorld:
    db: object
    admin: object
    operator: object
    supervisor: object
    pencetak: object
    period_id: int
    other_period_id: int
    kpm: list[dict] = field(default_factory=list)  # {"id", "nik", "nama", "desa", "clean"} of the period

    def lengkap(self) -> list[dict]:
        return [k for k in self.kpm if k["clean"] == CleanStatus.LENGKAP.value]

    def returned(self) -> list[dict]:
        return [k for k in self.kpm if k["clean"] != CleanStatus.LENGKAP.value]


def _period(s, admin, programme: str, *, cash: int | None, goods: tuple | None, status: str) -> DistPeriod:
    p = DistPeriod(programme=programme, period="Tahap 1 2027", source=SourceKind.FILE.value,
                   source_file="kpm_uji.xlsx", status=status, created_by=admin.id,
                   benefit_kind=BenefitKind.TUNAI.value if cash else BenefitKind.BARANG.value, cash=cash)
    if goods:
        p.goods, p.goods_qty, p.goods_unit = goods[0], Decimal(goods[1]), goods[2]
    s.add(p)
    s.flush()
    return p


def build_world(db, admin, *, people: int = 240, seed: int = 5, cash: int | None = 600_000,
                goods: tuple | None = None, status: str = PeriodStatus.SIAP.value) -> DistWorld:
    families = demo_families(people, seed)
    with db.transaction() as s:
        settings_service.set_office_kab(s, admin, "33.10")
        users = {r: create_user(s, f"{r}1", f"rahasia-{r}-1", r, by=admin)
                 for r in ("operator", "supervisor", "pencetak")}
        records = [FamilyRecord(no_kk=f.no_kk, desa_kode=f.desa_code, alamat=f.alamat, dusun=f.dusun, rt=f.rt,
                                rw=f.rw, desil=f.desil,
                                members=[MemberRecord(m.name, nik=m.nik, tanggal_lahir=m.birth_date,
                                                      jenis_kelamin=m.sex, hubungan=m.relation)
                                         for m in f.members])
                   for f in families]
        bulk_add_families(s, records)
        heads = {nik: (mid, hid) for nik, mid, hid in s.execute(select(Member.nik, Member.id, Member.household_id)
                                                               .where(Member.hubungan == 1))}
        p = _period(s, admin, "BPNT", cash=cash, goods=goods, status=status)
        other = _period(s, admin, "PKH", cash=750_000, goods=None, status=PeriodStatus.SIAP.value)
        seen: set[str] = set()
        out = []
        for i, f in enumerate(families):
            h = f.head
            if h.nik in seen or h.nik not in heads:
                continue
            seen.add(h.nik)
            mid, hid = heads[h.nik]
            returned = i % 10 == 9
            for period in (p, other):
                row = DistKpm(period_id=period.id, urut=i + 1, household_id=hid, member_id=mid, in_registry=True,
                              nik=h.nik, no_kk=f.no_kk, nama=h.name, alamat=f.alamat, dusun=f.dusun, rt=f.rt,
                              rw=f.rw, desa_kode=f.desa_code, clean_round=1,
                              clean_status=(CleanStatus.DIKEMBALIKAN if returned and period is p
                                            else CleanStatus.LENGKAP).value,
                              clean_reasons=CleanReason.RT_KOSONG.value if returned and period is p else None,
                              receipt_status=ReceiptStatus.BELUM.value)
                s.add(row)
                s.flush()
                if period is p:
                    out.append({"id": row.id, "nik": row.nik, "nama": row.nama, "desa": row.desa_kode,
                                "clean": row.clean_status})
        world = DistWorld(db, admin, users["operator"], users["supervisor"], users["pencetak"], p.id, other.id, out)
    return world
