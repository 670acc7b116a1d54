"""A small registry and civil-registry snapshot in the test database."""

from __future__ import annotations

from datetime import date

import pytest

from dtks_desktop.db.bulk import bulk_insert
from dtks_desktop.db.models import ImportBatch
from dtks_desktop.domain.names import search_key
from dtks_desktop.services.core.registry import FamilyRecord, MemberRecord, bulk_add_families

from .helpers import CIVIL, DESA, DESA_OTHER_KEC

CIVIL_COLS = ("batch_id", "source_row", "nik", "nik_flags", "no_kk", "nama", "nama_key", "tanggal_lahir",
              "jenis_kelamin", "nama_ibu", "hubungan", "desa_kode")


def load_civil(db, rows=CIVIL, file_name="dukcapil_3310.csv") -> int:
    with db.transaction() as s:
        b = ImportBatch(kind="dukcapil", file_name=file_name, file_sha256="x" * 64, file_size=1)
        s.add(b)
        s.flush()
        bulk_insert(s, "dukcapil_persons", CIVIL_COLS, [
            (b.id, k + 2, r[1], r[9], r[2], r[3], search_key(r[3]), r[5], r[6], r[7], 1, r[8])
            for k, r in enumerate(rows)])
        return b.id


def M(nama, nik, dob, sex="L", *, ibu="SUKIYEM", raw=None, flags=None, id_dtks=None):
    return MemberRecord(nama=nama, nik=nik, nik_raw=raw if raw is not None else nik, nik_flags=flags,
                        id_dtks=id_dtks, tanggal_lahir=dob, jenis_kelamin=sex, nama_ibu=ibu, hubungan=1)


# Registry families; ids are assigned in this order (members 1..n).
FAMILIES = [
    FamilyRecord(no_kk="3310012710160001", desa_kode=DESA, members=[
        M("SUPARMI", "3310011508680001", date(1968, 8, 15), "P", ibu="PAINEM", id_dtks="D1"),  # 1 padan
        M("H. AHMAD SUDIRMAN", "3310012003700001", date(1970, 3, 20), id_dtks="D2"),  # 2 padan_catatan
    ]),
    FamilyRecord(no_kk="3310012710160004", desa_kode=DESA, members=[
        M("BAGUS PRASETYO", "3310012212000003", date(2000, 12, 22), id_dtks="D3"),  # 3 padan
        M("DIMAS ARDIANSYAH", "3310012212000003", date(2005, 5, 10), id_dtks="D4"),  # 4 nik_orang_lain -> 6
        M("NAYLA PUTRI", "3310015003100000", date(2010, 3, 10), "P", raw="3310015003100000.0",
          flags="nik_rusak_excel", id_dtks="D5"),  # 5 usulan_koreksi (Excel) -> 7
    ]),
    FamilyRecord(no_kk="3310012710160011", desa_kode=DESA, members=[
        M("HARTONO", None, date(1961, 8, 31), raw="-", id_dtks="D6"),  # 6 usulan_koreksi (no NIK) -> 15
        M("RATNA SARI", "3310010202020001", date(2002, 2, 2), "P", id_dtks="D7"),  # 7 tidak_padan
    ]),
    FamilyRecord(no_kk="3310012710160001", desa_kode=DESA, members=[
        M("SUPARMI", "3310011508680001", date(1968, 8, 15), "P", ibu="PAINEM", id_dtks="D8"),  # 8 ganda of 1
    ]),
    FamilyRecord(no_kk="3310022710200009", desa_kode=DESA_OTHER_KEC, members=[
        M("JOKO HIDAYAT", "3310011807820001", date(1982, 7, 18), ibu="ENDANG RAHAYU", id_dtks="D9"),  # 9 padan
    ]),
]
EXPECTED = {1: "padan", 2: "padan_catatan", 3: "padan", 4: "nik_orang_lain", 5: "usulan_koreksi",
            6: "usulan_koreksi", 7: "tidak_padan", 8: "ganda", 9: "padan"}


def load_registry(db, families=FAMILIES):
    import copy

    with db.transaction() as s:
        return bulk_add_families(s, copy.deepcopy(families))


def no_restoration(db, admin) -> None:
    """Let every spreadsheet correction wait for a clerk (``match.pulih_otomatis = 0``)."""
    from dtks_desktop.services.matching.settings import save_param

    with db.transaction() as s:
        save_param(s, admin, "pulih_otomatis", 0)


@pytest.fixture
def loaded(db, admin):
    """The small registry; restoration off, so member 5 (spreadsheet-damaged) reaches the queue.

    ``test_restoration.py`` covers the machine's restoration (the default)."""
    no_restoration(db, admin)
    load_civil(db)
    load_registry(db)
    return db
