"""Office settings: every key checked, all keys of one call or none, audited (the logo as hash)."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from sqlalchemy import select

from dtks_desktop.db.models import AuditEvent, Setting
from dtks_desktop.services.documents import office
from tests.documents.conftest import make_logo


def _set(db, actor, values):
    with db.transaction() as s:
        return office.set_values(s, actor, values)


def _stored(db) -> dict:
    with db.sessions() as s:
        return dict(s.execute(select(Setting.key, Setting.value).where(Setting.key.startswith("office."),
                                                                        Setting.key != "office.kab_kode")).all())


def test_values_are_stored_and_the_profile_uses_them(office_db, admin, tmp_path):
    logo = make_logo(tmp_path / "logo.png")
    changed = _set(office_db, admin, {"dinas": "DINAS SOSIAL", "alamat": "Jl. Pemuda No. 294\nKlaten",
                                      "telepon": "(0272) 321046", "email": "dinsos@klatenkab.go.id",
                                      "website": "dinsos.klatenkab.go.id", "kode_pos": "57411", "kertas": "f4",
                                      "logo": str(logo)})
    assert set(changed) == {"dinas", "alamat", "telepon", "email", "website", "kode_pos", "kertas", "logo"}
    with office_db.sessions() as s:
        p = office.load_profile(s)
        shown = office.show(s)
    assert p.kertas == "F4" and p.paper_mm == (215.0, 330.0)
    assert p.logo == logo.read_bytes()
    assert p.pemerintah == "PEMERINTAH KABUPATEN KLATEN" and p.tempat == "Klaten"  # derived, not set
    assert shown["logo"] == {"sha256": hashlib.sha256(logo.read_bytes()).hexdigest(), "bytes": logo.stat().st_size,
                             "type": "PNG"}
    assert set(shown) == set(office.OFFICE_KEYS)
    assert office.kop_lines(p) == ("Jl. Pemuda No. 294", "Klaten", "Telepon (0272) 321046, Email "
                                   "dinsos@klatenkab.go.id, Laman dinsos.klatenkab.go.id, Kode Pos 57411")


@pytest.mark.parametrize("key, value, message", [
    ("kode_pos", "5741", "kode_pos harus 5 angka"),
    ("kode_pos", "57411a", "kode_pos harus 5 angka"),
    ("kertas", "A5", "kertas harus A4 atau F4"),
    ("email", "dinsos@klaten", "email 'dinsos@klaten' tidak valid"),
    ("website", "bukan situs", "website 'bukan situs' tidak valid"),
    ("telepon", "telp kantor", "telepon 'telp kantor' tidak valid"),
    ("tempat", "123", "bukan nama tempat"),
    ("warna", "merah", "Kunci pengaturan kantor 'warna' tidak dikenal"),
    ("logo", "/tidak/ada/logo.png", 'logo: berkas "logo.png" tidak ditemukan'),
    ("logo", "/tmp/logo.gif", "harus berformat PNG atau JPG"),
    ("pemerintah", "X" * 121, "paling panjang 120 karakter"),
])
def test_a_bad_value_is_refused_naming_its_key_and_nothing_is_stored(office_db, admin, key, value, message):
    before = _stored(office_db)
    with pytest.raises(office.OfficeError) as err:
        _set(office_db, admin, {"kertas": "F4", key: value})  # a good key first: all or nothing
    assert message in err.value.message
    assert err.value.key == key
    assert _stored(office_db) == before


def test_a_logo_that_is_not_really_an_image_of_its_type(office_db, admin, tmp_path):
    text = tmp_path / "logo.png"
    text.write_text("ini bukan gambar")
    jpeg_named_png = make_logo(tmp_path / "foto.png", "JPEG")
    broken = tmp_path / "rusak.png"
    broken.write_bytes(make_logo(tmp_path / "ok.png").read_bytes()[:200])
    tiny = make_logo(tmp_path / "kecil.jpg", "JPEG", (10, 10))
    big = tmp_path / "besar.png"
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * (2 * 1024 * 1024 + 1))
    for path, message in ((text, "bukan gambar PNG yang utuh"), (jpeg_named_png, "bernama .png tetapi isinya gambar JPEG"),
                          (broken, "bukan gambar PNG yang utuh"), (tiny, "berukuran 10 × 10 piksel"),
                          (big, "terlalu besar")):
        with pytest.raises(office.OfficeError, match="logo") as err:
            _set(office_db, admin, {"logo": str(path)})
        assert message in err.value.message, path
    assert _stored(office_db) == {}


def test_changes_are_audited_the_logo_by_hash_not_bytes(office_db, admin, tmp_path):
    logo = make_logo(tmp_path / "logo.jpg", "JPEG")
    _set(office_db, admin, {"kertas": "F4", "logo": str(logo)})
    _set(office_db, admin, {"kertas": "F4"})  # unchanged: no event
    _set(office_db, admin, {"kertas": "A4", "logo": ""})  # cleared
    with office_db.sessions() as s:
        events = s.execute(select(AuditEvent).where(AuditEvent.action == "office.update")
                           .order_by(AuditEvent.id)).scalars().all()
    assert [e.username for e in events] == ["admin"] * 4
    new = [json.loads(e.new_value) for e in events]
    assert new[0] == {"kertas": "F4"} and new[2] == {"kertas": "A4"} and new[3] == {"logo": None}
    digest = hashlib.sha256(logo.read_bytes()).hexdigest()
    assert new[1] == {"logo": {"sha256": digest, "bytes": logo.stat().st_size, "type": "JPEG"}}
    b64 = base64.b64encode(logo.read_bytes()).decode()
    assert all(b64[:40] not in (e.new_value or "") + (e.old_value or "") for e in events)
    assert json.loads(events[3].old_value)["logo"]["sha256"] == digest
    with office_db.sessions() as s:
        assert office.load_profile(s).logo is None


def test_clearing_a_value_brings_back_the_derived_one(office_db, admin):
    _set(office_db, admin, {"tempat": "Kota Klaten", "pemerintah": "PEMERINTAH KAB. KLATEN"})
    with office_db.sessions() as s:
        assert office.load_profile(s).tempat == "Kota Klaten"
    _set(office_db, admin, {"tempat": "", "pemerintah": None})
    with office_db.sessions() as s:
        p = office.load_profile(s)
        assert (p.tempat, p.pemerintah) == ("Klaten", "PEMERINTAH KABUPATEN KLATEN")
        assert office.keys_set(s) == []


def test_assignments_from_the_command_line():
    assert office.parse_assignments(["kertas=F4", "alamat=Jl. A = B"]) == {"kertas": "F4", "alamat": "Jl. A = B"}
    with pytest.raises(office.OfficeError, match="KUNCI=NILAI"):
        office.parse_assignments(["kertas"])
