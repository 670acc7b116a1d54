from __future__ import annotations

from datetime import date

import pytest

from dtks_desktop.domain.office import OfficeProfile, Signer
from dtks_desktop.services.core.users import create_user

PROFILE = OfficeProfile(pemerintah="PEMERINTAH KABUPATEN KLATEN", dinas="DINAS SOSIAL",
                        alamat="Jl. Pemuda No. 294 Klaten", telepon="(0272) 321046", email="dinsos@klatenkab.go.id",
                        website="dinsos.klatenkab.go.id", kode_pos="57424", tempat="Klaten", kertas="A4")
SIGNER = Signer(1, "Drs. SUGENG RIYANTO, M.Si.", "196805121994031007", "Pembina Tingkat I (IV/b)",
                "Kepala Dinas Sosial")
DAY = date(2026, 12, 4)
SK_DATA = {"nama": "SLAMET RIYADI", "nik": "331001**********01", "no_kk": "3310011201200003",
           "alamat": "Jl. Mawar 3 RT 001/RW 002", "desa": "Desa Karangnongko", "kecamatan": "Prambanan",
           "kabupaten": "Kabupaten Klaten", "keperluan": "pendaftaran sekolah anak",
           "anggota": [["SLAMET RIYADI", "331001**********01", "Kepala keluarga"],
                       ["SITI AMINAH", "331001**********02", "Istri"]]}


@pytest.fixture
def clerks(db, admin):
    out = {"admin": admin}
    with db.transaction() as s:
        for role in ("operator", "pencetak", "supervisor"):
            out[role] = create_user(s, f"{role}1", f"rahasia-{role}-1", role, by=admin)
    return out
