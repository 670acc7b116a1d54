"""A small desa for the verification tests: three families in Desa 33.10.01.2001 (two in RW 001,
one in RW 002), one family in another desa, a civil-registry snapshot and a matching run."""

from __future__ import annotations

from datetime import date

import pytest

from dtks_desktop.db.bulk import bulk_insert
from dtks_desktop.db.models import ImportBatch
from dtks_desktop.domain.names import search_key
from dtks_desktop.services.core import settings as settings_service
from dtks_desktop.services.core.registry import FamilyRecord, MemberRecord, bulk_add_families

DESA = "33.10.01.2001"
OTHER_DESA = "33.10.01.2002"
ROUND = "2026-12"


def M(nama, nik, dob, sex="L", hub=1, id_dtks=None):
    return MemberRecord(nama=nama, nik=nik, nik_raw=nik, id_dtks=id_dtks, tanggal_lahir=dob, jenis_kelamin=sex,
                        hubungan=hub)


FAMILIES = [
    FamilyRecord(no_kk="3310012710160001", desa_kode=DESA, alamat="Dukuh Tegal", rt="001", rw="001", members=[
        M("SLAMET RIYADI", "3310011205700001", date(1970, 5, 12), id_dtks="V1"),
        M("SUPARMI", "3310015508720001", date(1972, 8, 15), "P", 2, id_dtks="V2"),
        M("BAGUS PRASETYO", "3310012212000003", date(2000, 12, 22), "L", 3, id_dtks="V3"),
    ]),
    FamilyRecord(no_kk="3310012710160002", desa_kode=DESA, alamat="Dukuh Bulu", rt="002", rw="001", members=[
        M("HARTONO", "3310013108610001", date(1961, 8, 31), id_dtks="V4"),
    ]),
    FamilyRecord(no_kk="3310012710160003", desa_kode=DESA, alamat="Dukuh Krajan", rt="001", rw="002", members=[
        M("RATNA SARI", "3310014202020001", date(2002, 2, 2), "P", id_dtks="V5"),
        M("NAYLA PUTRI", None, date(2020, 3, 10), "P", 3),  # no ID DTKS, no NIK
    ]),
    FamilyRecord(no_kk="3310022710200009", desa_kode=OTHER_DESA, alamat="Dukuh Lor", rt="003", rw="004", members=[
        M("JOKO HIDAYAT", "3310011807820001", date(1982, 7, 18), id_dtks="V9"),
    ]),
]

#: The civil registry: everyone above, plus a person who is not in the registry (for usulan baru).
CIVIL = [
    ("3310011205700001", "3310012710160001", "SLAMET RIYADI", date(1970, 5, 12), "L"),
    ("3310015508720001", "3310012710160001", "SUPARMI", date(1972, 8, 15), "P"),
    ("3310012212000003", "3310012710160001", "BAGUS PRASETYO", date(2000, 12, 22), "L"),
    ("3310013108610001", "3310012710160002", "HARTONO", date(1961, 8, 31), "L"),
    ("3310014202020001", "3310012710160003", "RATNA SARI", date(2002, 2, 2), "P"),
    ("3310011807820001", "3310022710200009", "JOKO HIDAYAT", date(1982, 7, 18), "L"),
    ("3310015003100001", "3310012710160003", "NAYLA PUTRI", date(2010, 3, 10), "P"),
    ("3310010101900002", "3310019999990001", "WARSITO", date(1990, 1, 1), "L"),
]


def load_civil(db) -> None:
    cols = ("batch_id", "source_row", "nik", "no_kk", "nama", "nama_key", "tanggal_lahir", "jenis_kelamin",
            "desa_kode")
    with db.transaction() as s:
        b = ImportBatch(kind="dukcapil", file_name="dukcapil.csv", file_sha256="x" * 64, file_size=1)
        s.add(b)
        s.flush()
        bulk_insert(s, "dukcapil_persons", cols, [(b.id, i + 2, r[0], r[1], r[2], search_key(r[2]), r[3], r[4], DESA)
                                                  for i, r in enumerate(CIVIL)])


@pytest.fixture
def desa(db, admin):
    """Registry + civil snapshot + matching results; the round is 2026-12."""
    import copy

    from dtks_desktop.services.matching.run import run_matching

    with db.transaction() as s:
        bulk_add_families(s, copy.deepcopy(FAMILIES))
        settings_service.set_office_kab(s, admin, "33.10")
        settings_service.put(s, admin, "verify.putaran", ROUND)
    load_civil(db)
    run_matching(db, admin)
    return db
