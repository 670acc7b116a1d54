"""Registry families and submission batches whose results came back, for the distribution tests
(written as the submission services leave them, so these tests do not run the whole path).

Office kabupaten 33.10 (Klaten). Registry (one family each, the person is the head):

* DESA_A 33.10.01.2001: ANI (NIK padan: in the Dukcapil snapshot), BUDI (not padan), CITRA (no RT),
  DODI (meninggal), EKO (padan), EKA (EKO's wife, same No KK);
* DESA_B 33.10.01.2002: FAJAR, GITA (padan);
* DESA_C 33.10.02.2001: HADI (padan, no dusun).

Batch 1 (usulan_baru, hasil_diterima): ANI, BUDI, CITRA, DODI, EKO, EKA, FAJAR ditetapkan, GITA ditolak.
Batch 2 (hapus, hasil_diterima): HADI ditetapkan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from dtks_desktop.db.models import (DukcapilPerson, ImportBatch, Member, SubmissionBatch, SubmissionBatchRow)
from dtks_desktop.services.core import settings as settings_service
from dtks_desktop.services.core.registry import FamilyRecord, MemberRecord, bulk_add_families
from dtks_desktop.services.core.users import create_user

DESA_A = "33.10.01.2001"
DESA_B = "33.10.01.2002"
DESA_C = "33.10.02.2001"

#: nama -> (desa, nik, no_kk, rt, dusun, status, padan)
PEOPLE = {
    "ANI": (DESA_A, "3310014101900001", "3310010101900001", "001", "Krajan", "aktif", True),
    "BUDI": (DESA_A, "3310010101900002", "3310010101900002", "001", "Krajan", "aktif", False),
    "CITRA": (DESA_A, "3310014101900003", "3310010101900003", None, "Krajan", "aktif", True),
    "DODI": (DESA_A, "3310010101500004", "3310010101900004", "002", "Kidul", "meninggal", True),
    "EKO": (DESA_A, "3310010101800005", "3310010101900005", "002", "Kidul", "aktif", True),
    "EKA": (DESA_A, "3310014101850009", "3310010101900005", "002", "Kidul", "aktif", True),
    "FAJAR": (DESA_B, "3310010101900006", "3310020101900006", "003", "Lor", "aktif", True),
    "GITA": (DESA_B, "3310014101900007", "3310020101900007", "003", "Lor", "aktif", True),
    "HADI": (DESA_C, "3310020101900008", "3310030101900008", "004", None, "aktif", True),
}
NIK = {n: v[1] for n, v in PEOPLE.items()}


@dataclass
class World:
    db: object
    admin: object
    operator: object
    supervisor: object
    pencetak: object
    tmp: Path
    batch: int  # usulan_baru, results back
    hapus_batch: int
    member: dict  # nama -> member id


@pytest.fixture
def world(db, admin, operator, supervisor, tmp_path) -> World:
    with db.transaction() as s:
        pen = create_user(s, "pencetak1", "rahasia-pencetak", "pencetak", full_name="Pencetak", by=admin)
        settings_service.set_office_kab(s, admin, "33.10")
        families: dict[str, FamilyRecord] = {}
        for nama, (desa, nik, kk, rt, dusun, status, _) in PEOPLE.items():
            fam = families.get(kk)
            if fam is None:
                fam = families[kk] = FamilyRecord(no_kk=kk, desa_kode=desa, alamat=f"Dukuh {nama.title()}", rt=rt,
                                                  rw="001", dusun=dusun, members=[])
            fam.members.append(MemberRecord(nama=nama, nik=nik, tanggal_lahir=date(1990, 1, 1), jenis_kelamin="L",
                                            hubungan=1 if not fam.members else 2, status=status))
        bulk_add_families(s, list(families.values()))
    with db.transaction() as s:
        mids = {n: i for n, i in s.execute(select(Member.nama, Member.id))}
        hids = {n: h for n, h in s.execute(select(Member.nama, Member.household_id))}
        ib = ImportBatch(kind="dukcapil", file_name="dukcapil.csv", file_sha256="1" * 64, file_size=1)
        s.add(ib)
        s.flush()
        for nama, (desa, nik, kk, rt, dusun, _, padan) in PEOPLE.items():
            if padan:
                s.add(DukcapilPerson(batch_id=ib.id, source_row=1, nik=nik, no_kk=kk, nama=nama, nama_key=nama,
                                     desa_kode=desa))
        batches = []
        for kind, names in (("usulan_baru", ["ANI", "BUDI", "CITRA", "DODI", "EKO", "EKA", "FAJAR", "GITA"]),
                            ("hapus", ["HADI"])):
            b = SubmissionBatch(target="kemensos", programme="BPNT", kind=kind, status="hasil_diterima")
            s.add(b)
            s.flush()
            for nama in names:
                desa, nik, kk, rt, _, _, _ = PEOPLE[nama]
                s.add(SubmissionBatchRow(batch_id=b.id, person_key=f"m:{mids[nama]}", household_id=hids[nama],
                                         member_id=mids[nama], desa_kode=desa, nama=nama, nik=nik, no_kk=kk,
                                         alamat="(lama)", rt=rt, rw="001", kind=kind, frozen=True,
                                         result="ditolak" if nama == "GITA" else "ditetapkan"))
            batches.append(b.id)
    return World(db, admin, operator, supervisor, pen, tmp_path, batches[0], batches[1], mids)


def write_xlsx(path: Path, header: list[str], rows: list[list], *, numeric_nik: set[int] = frozenset()) -> Path:
    """An .xlsx with ``header`` and ``rows``; the NIK of the rows (0-based) in ``numeric_nik`` is
    written as a NUMBER cell, as Excel does when a clerk types it without the text format."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(header)
    nik_col = header.index("NIK") if "NIK" in header else None
    for i, r in enumerate(rows):
        vals = list(r)
        if nik_col is not None and i in numeric_nik:
            vals[nik_col] = float(vals[nik_col])
        ws.append(vals)
    for row in ws.iter_rows(min_row=2):
        for c in row:
            if isinstance(c.value, str):
                c.number_format = "@"
    wb.save(path)
    return path


KPM_HEADER = ["NO", "NIK", "NAMA PENERIMA", "NO KK", "ALAMAT", "DUSUN", "RT", "RW", "KODE WILAYAH", "KECAMATAN"]


def kpm_row(no: int, nama: str, *, nik: str | None = None, desa: str | None = None, rt: str | None = "001",
            dusun: str | None = "Krajan", kk: str | None = None) -> list:
    p = PEOPLE.get(nama)
    return [no, nik or (p[1] if p else ""), nama, kk or (p[2] if p else ""), f"Dukuh {nama.title()}", dusun, rt,
            "001", desa or (p[0] if p else DESA_A), "Kec"]
