"""The office's kabupaten/kota is part of the database; a file of another kabupaten is refused
before anything is written (issue 8, item 4), and a file that cannot be imported at all leaves
no batch behind.

Runs on SQLite and, with DTKS_TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dtks_desktop.db.models import AuditEvent, DukcapilPerson, Household, ImportBatch, Member, ProgrammeRecipient
from dtks_desktop.demo import generator as demo
from dtks_desktop.services.core import settings
from dtks_desktop.services.importing.readers import ImportFileError
from dtks_desktop.services.importing.run import run_import
from dtks_desktop.services.core.users import create_user

from .test_run_import import HEADER, ROWS, snapshot, write_csv

REPO = Path(__file__).resolve().parents[2]
PEOPLE = 400


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Small demo exports of Kabupaten Klaten (33.10) and Kota Makassar (73.71)."""
    out = tmp_path_factory.mktemp("kab")
    cfg = dict(people=PEOPLE, seed=3, dukcapil_ratio=1.5)
    klaten = demo.generate_files(out / "klaten", demo.DemoConfig(kab="33.10", **cfg), xlsx=False)
    makassar = demo.generate_files(out / "makassar", demo.DemoConfig(kab="73.71", **cfg), xlsx=False)
    return {"klaten": klaten, "makassar": makassar}


def count(db, model, *where) -> int:
    with db.sessions() as s:
        return s.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def office_kab(db) -> str | None:
    with db.sessions() as s:
        return settings.get(s, settings.KAB_KODE)


def set_klaten(db, admin) -> None:
    with db.transaction() as s:
        settings.put(s, admin, settings.KAB_KODE, "33.10")


# --- the first import fixes the kabupaten; another kabupaten's export is refused --------------------

def test_first_import_fixes_the_office_kabupaten_and_says_so(db, admin, files):
    assert office_kab(db) is None
    r = run_import(db, admin, files["klaten"]["dtks_csv"], kind="dtks")
    assert office_kab(db) == "33.10"
    assert r.kab_kode == "33.10"
    assert any("Kabupaten/kota kantor ditetapkan: KAB. KLATEN (33.10)" in n for n in r.notes)
    with db.sessions() as s:
        ev = s.execute(select(AuditEvent).where(AuditEvent.action == "settings.update")).scalar_one()
        batch = s.get(ImportBatch, r.batch_id)
    assert "office.kab_kode" in ev.summary and ev.username == "admin" and "impor pertama" in ev.reason
    assert "KAB. KLATEN" in (batch.note or "")


def test_makassar_export_is_refused_in_a_klaten_database(db, admin, files):
    """Before: the kabupaten was guessed per file, so Makassar's 400+ members joined Klaten's."""
    run_import(db, admin, files["klaten"]["dtks_csv"], kind="dtks")
    before = snapshot(db)
    with pytest.raises(ImportFileError) as err:
        run_import(db, admin, files["makassar"]["dtks_csv"], kind="dtks")
    e = err.value
    assert e.code == "kabupaten_lain"
    assert "KOTA MAKASSAR (73.71)" in e.message and "KAB. KLATEN (33.10)" in e.message
    assert "dtks_siksng_7371.csv" in e.message and re.search(r"baris \d+, kolom C \(Kabupaten/kota\): MAKASSAR",
                                                           e.message, re.I), e.message
    assert snapshot(db) == before
    assert count(db, Household, Household.desa_kode.startswith("73.71.")) == 0


def test_makassar_civil_registry_does_not_replace_klatens(db, admin, files):
    """Before: the Makassar extract replaced Klaten's snapshot (6,000 -> rows of another city)."""
    set_klaten(db, admin)
    r = run_import(db, admin, files["klaten"]["dukcapil"], kind="dukcapil")
    assert r.imported > PEOPLE
    before = snapshot(db)
    with pytest.raises(ImportFileError) as err:
        run_import(db, admin, files["makassar"]["dukcapil"], kind="dukcapil")
    assert err.value.code == "kabupaten_lain" and "KOTA MAKASSAR" in err.value.message
    assert snapshot(db) == before
    assert count(db, DukcapilPerson, DukcapilPerson.batch_id == r.batch_id) == r.imported


def test_makassar_programme_list_is_refused_by_its_family_card_numbers(db, admin, files):
    """A list with NIK and No KK only: the No KK (issued where the family lives) tells."""
    set_klaten(db, admin)
    before = snapshot(db)
    with pytest.raises(ImportFileError) as err:
        run_import(db, admin, files["makassar"]["program_PKH"], kind="program")
    assert err.value.code == "kabupaten_lain" and "NO_KK" in err.value.message
    assert "7371" in err.value.message and "7371010" not in err.value.message  # never a whole number
    assert snapshot(db) == before
    r = run_import(db, admin, files["klaten"]["program_PKH"], kind="program")
    assert r.imported > 0 and count(db, ProgrammeRecipient) == r.imported


def test_makassar_file_refused_with_the_kab_option_too(db, admin, files):
    set_klaten(db, admin)
    with pytest.raises(ImportFileError) as err:
        run_import(db, admin, files["makassar"]["dtks_csv"], kind="dtks", kab="73.71")
    assert err.value.code == "kabupaten_lain" and "bukan KOTA MAKASSAR" in err.value.message
    assert count(db, ImportBatch) == 0 and office_kab(db) == "33.10"


def test_people_registered_elsewhere_do_not_refuse_a_good_file(db, admin, tmp_path):
    """NIK prefix alone never refuses a file: people move. Two of three persons with NIKs of
    Makassar and Bandung, living in Klaten desas, are imported (with the usual warning)."""
    set_klaten(db, admin)
    rows = [list(r) for r in ROWS]
    rows[0][10] = "7371011109860001"
    rows[1][10] = "3204015810870001"
    r = run_import(db, admin, write_csv(tmp_path / "pindahan.csv", rows), kind="dtks")
    assert (r.imported, r.rejected) == (3, 0)
    assert count(db, Member, Member.nik_flags.contains("nik_luar_kabupaten")) == 2


def test_a_few_rows_of_another_kabupaten_are_rejected_one_by_one(db, admin, tmp_path):
    set_klaten(db, admin)
    rows = [list(r) for r in ROWS]
    rows[2][2] = "MAKASSAR"
    r = run_import(db, admin, write_csv(tmp_path / "campur.csv", rows), kind="dtks")
    assert (r.imported, r.rejected) == (2, 1)


# --- a file none of whose rows can be imported; a file without data rows ---------------------------

def test_file_whose_rows_are_all_rejected_records_no_batch(db, admin, tmp_path):
    """Before: exit 0 with a batch of 0 imported rows (and a civil-registry extract would have
    replaced the snapshot with nothing)."""
    set_klaten(db, admin)
    rows = [list(r) for r in ROWS]
    for r in rows:
        r[0] = r[10] = ""  # no ID DTKS, no NIK
    before = snapshot(db)
    with pytest.raises(ImportFileError) as err:
        run_import(db, admin, write_csv(tmp_path / "tanpa_nik.csv", rows), kind="dtks")
    e = err.value
    assert e.code == "semua_ditolak"
    assert "Semua 3 baris" in e.message and "tanpa_nik.csv" in e.message
    assert "Baris tanpa NIK dan tanpa ID DTKS" in e.message and "baris 2, kolom K (NOMOR NIK)" in e.message
    assert snapshot(db) == before


def test_all_rejected_civil_registry_extract_keeps_the_snapshot(db, admin, files, tmp_path):
    set_klaten(db, admin)
    first = run_import(db, admin, files["klaten"]["dukcapil"], kind="dukcapil")
    header = ["NIK", "NO_KK", "NAMA_LGKP", "KEL_NAME", "KEC_NAME", "KAB_NAME"]
    bad = write_csv(tmp_path / "dk_rusak.csv", [["", "3310011606160001", "SLAMET", "SENGON", "PRAMBANAN", "KLATEN"]],
                    header, delimiter=",")
    with pytest.raises(ImportFileError) as err:
        run_import(db, admin, bad, kind="dukcapil")
    assert err.value.code == "semua_ditolak"
    assert count(db, DukcapilPerson) == first.imported and count(db, ImportBatch) == 1


def test_header_only_file_without_a_kabupaten_says_it_has_no_data_rows(db, admin, tmp_path):
    """Item 9: before, 'kabupaten tidak dapat ditentukan' hid the real problem."""
    assert office_kab(db) is None
    f = write_csv(tmp_path / "judul_saja.csv", [])
    with pytest.raises(ImportFileError) as err:
        run_import(db, admin, f, kind="dtks")
    assert err.value.code == "kosong" and "tidak berisi baris data" in err.value.message
    assert count(db, ImportBatch) == 0 and office_kab(db) is None


# --- changing the office kabupaten ------------------------------------------------------------------

def test_only_an_admin_changes_the_kabupaten_and_must_confirm_when_data_exists(db, admin, tmp_path):
    with db.transaction() as s:
        operator = create_user(s, "op", "rahasia-operator", "operator", by=admin)
    set_klaten(db, admin)
    with pytest.raises(settings.OfficeKabError) as err, db.transaction() as s:
        settings.set_office_kab(s, operator, "73.71")
    assert "Hanya admin" in err.value.message
    with db.transaction() as s:  # no data yet: an admin changes it at once
        assert settings.set_office_kab(s, admin, "73.71") is True
        assert settings.set_office_kab(s, admin, "33.10") is True
    run_import(db, admin, write_csv(tmp_path / "dtks.csv", ROWS), kind="dtks")
    with pytest.raises(settings.OfficeKabError) as err, db.transaction() as s:
        settings.set_office_kab(s, admin, "73.71")
    assert err.value.needs_confirmation and "2 keluarga" in err.value.message
    assert office_kab(db) == "33.10"
    with db.transaction() as s:
        settings.set_office_kab(s, admin, "73.71", confirmed=True, reason="salah pilih")
    assert office_kab(db) == "73.71"
    with db.sessions() as s:
        reasons = s.execute(select(AuditEvent.reason).where(AuditEvent.action == "settings.update")
                            .order_by(AuditEvent.id)).scalars().all()
    assert reasons[-1] == "salah pilih" and len(reasons) == 4
    with pytest.raises(settings.OfficeKabError), db.transaction() as s:
        settings.set_office_kab(s, admin, "99.99")


# --- the command line --------------------------------------------------------------------------------

def _dtks(db_url, *args):
    env = dict(os.environ, PYTHONPATH=str(REPO), DTKS_PASSWORD="rahasia-admin-1")
    return subprocess.run([sys.executable, "-m", "dtks_desktop.cli", "--db", db_url, *args], env=env,
                          capture_output=True, text=True, timeout=120)


def test_cli_init_with_kab_then_another_kabupatens_file_exits_non_zero(db, db_url, files):
    p = _dtks(db_url, "db", "init", "--admin", "admin", "--kab", "33.10")
    assert p.returncode == 0 and "KAB. KLATEN (33.10)" in p.stdout
    p = _dtks(db_url, "--user", "admin", "--json", "db", "info")
    assert json.loads(p.stdout)["kabupaten"] == "KAB. KLATEN (33.10)"
    p = _dtks(db_url, "--user", "admin", "import", "dtks", str(files["makassar"]["dtks_csv"]), "--no-report")
    assert p.returncode != 0 and "KOTA MAKASSAR" in p.stderr and "Traceback" not in p.stderr
    assert count(db, ImportBatch) == 0 and count(db, Member) == 0
    p = _dtks(db_url, "--user", "admin", "db", "kab", "73.71")
    assert p.returncode == 0 and "KOTA MAKASSAR (73.71)" in p.stdout  # no data yet: changed at once


def test_cli_init_rejects_an_unknown_code(db, db_url):
    p = _dtks(db_url, "db", "init", "--admin", "admin", "--kab", "33.99")
    assert p.returncode == 2 and "bukan kode kabupaten/kota" in p.stderr
    assert not db.has_users()


def test_demo_data_follow_the_office_kabupaten(db, admin):
    """"Buat data contoh" on a Makassar database makes Makassar data (Klaten's would be refused)."""
    from dtks_desktop.demo.loader import DemoLoadError, load_demo

    with db.transaction() as s:
        settings.set_office_kab(s, admin, "73.71")
    with pytest.raises(DemoLoadError) as err:
        load_demo(db, admin, people=150, kab="33.10")
    assert "KOTA MAKASSAR (73.71)" in str(err.value) and count(db, ImportBatch) == 0
    r = load_demo(db, admin, people=150)
    assert r.members > 0 and count(db, Household, ~Household.desa_kode.startswith("73.71.")) == 0
