"""Final Musdes decisions in three desa for the submission tests, written as the Musdes services
leave them (meetings and decision rows), so these tests do not depend on the whole Musdes path.

* DESA_A (33.10.01.2001, final): usulan baru ANI (padan, full address), BUDI (NIK not padan),
  CITRA (no RT); hapus DODI (meninggal, not padan); perbaikan EKO.
* DESA_B (33.10.01.2002, final): usulan baru FAJAR (padan), GITA (padan, receives PKH).
* DESA_C (33.10.02.2001, Berita Acara printed, not back): usulan baru HADI.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

import pytest
from sqlalchemy import select

from dtks_desktop.db.models import ImportBatch, Member, MusdesDecision, MusdesMeeting, ProgrammeLink, ProgrammeRecipient
from dtks_desktop.services.core import settings as settings_service
from dtks_desktop.services.core.registry import FamilyRecord, MemberRecord, bulk_add_families
from dtks_desktop.services.core.users import create_user

DESA_A = "33.10.01.2001"
DESA_B = "33.10.01.2002"
DESA_C = "33.10.02.2001"
KEC = "33.10.01"

#: nama -> (desa, id_dtks, nik, no_kk, decision, reason, padan, rt)
PEOPLE = {
    "ANI": (DESA_A, "A1", "3310014101900001", "3310010101900001", "usulan_baru", None, True, "001"),
    "BUDI": (DESA_A, "A2", "3310010101900002", "3310010101900002", "usulan_baru", None, False, "001"),
    "CITRA": (DESA_A, "A3", "3310014101900003", "3310010101900003", "usulan_baru", None, True, ""),
    "DODI": (DESA_A, "A4", "3310010101500004", "3310010101900004", "hapus", "meninggal", False, "002"),
    "EKO": (DESA_A, "A5", "3310010101800005", "3310010101900005", "perbaikan_data", None, True, "002"),
    "FAJAR": (DESA_B, "B1", "3310010101900006", "3310020101900006", "usulan_baru", None, True, "003"),
    "GITA": (DESA_B, "B2", "3310014101900007", "3310020101900007", "usulan_baru", None, True, "003"),
    "HADI": (DESA_C, "C1", "3310020101900008", "3310030101900008", "usulan_baru", None, True, "004"),
}


@dataclass
class World:
    db: object
    admin: object
    operator: object
    supervisor: object
    supervisor2: object
    pencetak: object
    member: dict  # nama -> member id


@pytest.fixture
def world(db, admin, operator, supervisor) -> World:
    with db.transaction() as s:
        sup2 = create_user(s, "supervisor2", "rahasia-supervisor2", "supervisor", full_name="Dewi Kabid", by=admin)
        pen = create_user(s, "pencetak1", "rahasia-pencetak", "pencetak", full_name="Pencetak", by=admin)
        settings_service.set_office_kab(s, admin, "33.10")
        bulk_add_families(s, [FamilyRecord(no_kk=kk, desa_kode=desa, alamat=f"Dukuh {nama.title()}", rt=rt or None,
                                           rw="001", members=[MemberRecord(nama=nama, nik=nik, id_dtks=iid,
                                                                           tanggal_lahir=date(1990, 1, 1),
                                                                           jenis_kelamin="L", hubungan=1)])
                              for nama, (desa, iid, nik, kk, _, _, _, rt) in PEOPLE.items()])
    with db.transaction() as s:
        mids = {n: i for n, i in s.execute(select(Member.nama, Member.id))}
        hids = {n: h for n, h in s.execute(select(Member.nama, Member.household_id))}
        meetings = {}
        for desa, status in ((DESA_A, "final"), (DESA_B, "final"), (DESA_C, "dicetak")):
            m = MusdesMeeting(desa_kode=desa, kind="musdes", putaran="2026-12", tanggal=date(2026, 12, 4),
                              jam=time(9), tempat="Balai Desa", status=status)
            s.add(m)
            s.flush()
            meetings[desa] = m.id
        for i, (nama, (desa, iid, nik, kk, decision, reason, padan, rt)) in enumerate(PEOPLE.items()):
            s.add(MusdesDecision(meeting_id=meetings[desa], household_id=hids[nama], member_id=mids[nama],
                                 id_dtks=iid, nama=nama, nik=nik, no_kk=kk, hubungan=1, alamat=f"Dukuh {nama.title()}",
                                 rt=rt or None, rw="001", decision=decision, reason=reason, source="verifikasi",
                                 padan=padan, urut=i))
        ib = ImportBatch(kind="program", program="PKH", file_name="pkh.xlsx", file_sha256="0" * 64, file_size=1)
        s.add(ib)
        s.flush()
        rec = ProgrammeRecipient(batch_id=ib.id, source_row=2, program="PKH", periode="2026-11",
                                 nik=PEOPLE["GITA"][2], nama="GITA")
        s.add(rec)
        s.flush()
        s.add(ProgrammeLink(member_id=mids["GITA"], household_id=hids["GITA"], recipient_id=rec.id, program="PKH",
                            periode="2026-11", via="nik"))
    return World(db, admin, operator, supervisor, sup2, pen, mids)
