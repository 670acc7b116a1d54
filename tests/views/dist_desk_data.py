"""A distribution period ready for the receipt desk, for the desk/realisation view tests and the
scan benchmark: ``n`` KPM in the desa of a few kecamatan of Kabupaten Klaten (33.10), cleaned
(``lengkap``, a few ``dikembalikan``), the period ``siap``. Rows are inserted directly (the KPM
list and the cleaning are other helpers' services and have their own tests); the receipts are
then recorded through the real ``services.distribution.receipts`` by the views under test.
"""

from __future__ import annotations

import random
from datetime import datetime, timezone

from sqlalchemy import select

from dtks_desktop.db.bulk import bulk_insert
from dtks_desktop.db.models import DistPeriod, Region
from dtks_desktop.domain.distribution import BenefitKind, CleanReason, CleanStatus, SourceKind
from dtks_desktop.domain.workflow.distribution import PeriodStatus, ReceiptStatus

KAB = "33.10"
FIRST = ("Sri", "Siti", "Tri", "Dwi", "Eko", "Budi", "Slamet", "Sumarni", "Wahyuni", "Suparmi", "Joko", "Agus",
         "Sukinah", "Painem", "Ngadiyem", "Rina", "Yuli", "Endang", "Heru", "Wartini")
LAST = ("Rahayu", "Lestari", "Wibowo", "Susanto", "Handayani", "Purwanto", "Suryani", "Setiawan", "Utami",
        "Prasetyo", "Hartono", "Mulyani", "Wulandari", "Saputra", "Astuti")


def desa_codes(db, kecamatan: int = 3, per_kec: int = 4) -> list[str]:
    """The first ``per_kec`` desa of the first ``kecamatan`` kecamatan of Klaten."""
    with db.sessions() as s:
        kecs = list(s.execute(select(Region.kode).where(Region.kode.like(f"{KAB}.__")).order_by(Region.kode)
                              .limit(kecamatan)).scalars())
        out = []
        for k in kecs:
            out += list(s.execute(select(Region.kode).where(Region.kode.like(f"{k}.____")).order_by(Region.kode)
                                  .limit(per_kec)).scalars())
    return out


def build_period(db, n: int, *, desa: list[str] | None = None, programme: str = "BLT", period: str = "Tahap 1 2027",
                 cash: int | None = 600_000, goods: tuple[str, float, str] | None = None, returned_every: int = 50,
                 status: str = PeriodStatus.SIAP.value, seed: int = 14) -> tuple[int, list[str]]:
    """A period of ``n`` KPM; every ``returned_every``-th KPM is ``dikembalikan``. Returns (id, desa codes)."""
    rnd = random.Random(seed)
    desa = desa or desa_codes(db)
    with db.transaction() as s:
        p = DistPeriod(programme=programme, period=period,
                       benefit_kind=BenefitKind.TUNAI.value if goods is None else BenefitKind.BARANG.value,
                       cash=cash if goods is None else None, goods=goods[0] if goods else None,
                       goods_qty=goods[1] if goods else None, goods_unit=goods[2] if goods else None,
                       source=SourceKind.FILE.value, source_file="kpm.xlsx", status=status,
                       cleaned_at=datetime.now(timezone.utc))
        s.add(p)
        s.flush()
        pid = p.id
        cols = ("period_id", "urut", "in_registry", "nik", "no_kk", "nama", "alamat", "dusun", "rt", "rw", "desa_kode",
                "clean_status", "clean_reasons", "clean_round", "receipt_status")

        def rows():
            for i in range(n):
                d = desa[i % len(desa)]
                # 3310 + kecamatan 01 + birth date ddmmyy + 4-digit sequence: unique up to 3.3 million
                nik = f"331001{(i // 10_000) % 28 + 1:02d}{(i // 280_000) % 12 + 1:02d}70{i % 10_000:04d}"
                kk = f"{3310990000000000 + i:016d}"
                returned = returned_every and i % returned_every == returned_every - 1
                yield (pid, i + 1, True, nik, kk, f"{rnd.choice(FIRST)} {rnd.choice(LAST)}".upper(),
                       f"Dk. {rnd.choice(LAST)}", f"Dusun {1 + i % 5}", f"{1 + i % 9:03d}", f"{1 + i % 4:03d}", d,
                       (CleanStatus.DIKEMBALIKAN if returned else CleanStatus.LENGKAP).value,
                       CleanReason.RT_KOSONG.value if returned else None, 1, ReceiptStatus.BELUM.value)

        bulk_insert(s, "dist_kpm", cols, rows())
    return pid, desa


def kpm_ids(db, period_id: int, *, clean: str = CleanStatus.LENGKAP.value, desa: str | None = None,
            limit: int = 10) -> list[tuple[int, str, str, str]]:
    """(id, nik, nama, desa) of the first ``limit`` KPM of a period (tests pick whom to scan)."""
    from dtks_desktop.db.models import DistKpm

    with db.sessions() as s:
        q = select(DistKpm.id, DistKpm.nik, DistKpm.nama, DistKpm.desa_kode).where(
            DistKpm.period_id == period_id, DistKpm.clean_status == clean)
        if desa:
            q = q.where(DistKpm.desa_kode == desa)
        return [tuple(r) for r in s.execute(q.order_by(DistKpm.id).limit(limit)).all()]


def token(db, period_id: int, kpm_id: int) -> str:
    from dtks_desktop.services.distribution.tokens import token_for

    with db.transaction() as s:  # the office secret is made (and kept) by the first token
        return token_for(s, period_id, kpm_id)
