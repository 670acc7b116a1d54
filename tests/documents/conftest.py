from __future__ import annotations

from datetime import date

import pytest

from dtks_desktop.domain.office import OfficeProfile, Signer
from dtks_desktop.services.core import settings as settings_service
from dtks_desktop.services.core.users import create_user


@pytest.fixture
def office_db(db, admin):
    """A database whose office is Kabupaten Klaten (33.10)."""
    with db.transaction() as s:
        settings_service.set_office_kab(s, admin, "33.10")
    return db


def make_logo(path, fmt="PNG", size=(240, 300)):
    from PIL import Image, ImageDraw

    im = Image.new("RGB", size, (255, 255, 255))
    d = ImageDraw.Draw(im)
    if min(size) < 120:
        im.save(path, fmt)
        return path
    d.ellipse((10, 10, size[0] - 10, size[1] - 10), fill=(0, 102, 51), outline=(200, 160, 0), width=8)
    d.polygon([(size[0] // 2, 40), (size[0] - 50, size[1] - 60), (50, size[1] - 60)], fill=(230, 190, 20))
    im.save(path, fmt)
    return path


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
