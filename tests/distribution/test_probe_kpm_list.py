"""Probe: KPM lists as district offices receive them. A list split over several sheets (one per
kecamatan) is read whole — the second sheet was silently left out — with the sheet named in every
message; a total line under the list ("JUMLAH", "TOTAL 3 KPM") is not taken as a KPM."""

from __future__ import annotations

from openpyxl import Workbook

from dtks_desktop.services.distribution import periods as P
from tests.distribution.conftest import DESA_B, KPM_HEADER, NIK, kpm_row


def _kpm_names(world, pid) -> set[str]:
    with world.db.sessions() as s:
        return {k.nama for k in P.kpm_page(s, world.admin, pid, limit=100)}


def test_a_list_split_over_sheets_is_read_whole_and_names_the_sheet(world):
    wb = Workbook()
    one = wb.active
    one.title = "Kec A"
    for r in [["DAFTAR KPM PKH 2027"], KPM_HEADER, kpm_row(1, "ANI"), kpm_row(2, "BUDI")]:
        one.append(r)
    wb.create_sheet("Rekap").append(["Kecamatan", "Jumlah KPM"])
    two = wb.create_sheet("Kec B")
    for r in [KPM_HEADER, kpm_row(1, "FAJAR", desa=DESA_B), kpm_row(2, "ANI")]:
        two.append(r)
    f = world.tmp / "kpm_per_kecamatan.xlsx"
    wb.save(f)
    r = P.create_period(world.db, world.operator, "PKH", "Tahap 1 2027", cash=750000, from_file=f)
    assert r.kpm == 3 and r.rejected == 1
    assert _kpm_names(world, r.id) == {"ANI", "BUDI", "FAJAR"}
    (dup,) = [p for p in r.problems if p.level == "error"]
    assert dup.message.startswith('Berkas "kpm_per_kecamatan.xlsx", baris 3, kolom B (NIK) (lembar Kec B): ')
    assert f"NIK {NIK['ANI']} sudah ada di baris 3 (lembar Kec A)" in dup.message


def test_total_lines_under_the_list_are_not_kpm(world):
    wb = Workbook()
    ws = wb.active
    for r in [KPM_HEADER, kpm_row(1, "ANI"), kpm_row(2, "BUDI"), [None] * 10,
              [None, None, "JUMLAH", None, None, None, None, None, None, None],
              ["", "", "Total 2 KPM"]]:
        ws.append(r)
    f = world.tmp / "kpm_jumlah.xlsx"
    wb.save(f)
    r = P.create_period(world.db, world.operator, "PKH", "Tahap 2 2027", cash=750000, from_file=f)
    assert r.kpm == 2 and r.tidak_terdaftar == 0 and r.rejected == 0
    assert _kpm_names(world, r.id) == {"ANI", "BUDI"}
    notes = [p.message for p in r.problems if p.level == "warning"]
    assert any("baris 5, kolom C (NAMA PENERIMA)" in m and "JUMLAH" in m and "dilewati" in m for m in notes), notes
    assert any("baris 6" in m and "Total 2 KPM" in m for m in notes), notes
