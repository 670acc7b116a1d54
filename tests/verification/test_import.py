"""The worksheet .xlsx round trip: written by the app, filled in with openpyxl, imported back;
every bad input refused whole, with row and column."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from dtks_desktop.db.models import IdentityHistory, Member, VerificationFamily, VerificationMember
from dtks_desktop.services.verification.assign import assign
from dtks_desktop.services.verification.common import VerificationError
from dtks_desktop.services.verification.sheet_import import import_findings
from dtks_desktop.services.verification.worksheets import write_worksheet_xlsx

from .conftest import DESA, ROUND

HEADER_ROW = 7  # Excel row of the column titles


def _sheet(desa_db, actor, tmp_path, petugas=None):
    path = tmp_path / "lembar.xlsx"
    with desa_db.transaction() as s:
        assign(s, actor, DESA, "Siti Aminah", peran="PSM")
        write_worksheet_xlsx(s, actor, DESA, path, petugas)
    return path


def _cols(ws) -> dict[str, int]:
    return {ws.cell(HEADER_ROW, c).value: c for c in range(1, ws.max_column + 1)}


def _row_of(ws, key) -> int:
    col = _cols(ws)["ID DTKS"]
    return next(r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, col).value == key)


def _fill(path, values: dict[str, dict[str, object]], out=None):
    wb = openpyxl.load_workbook(path)
    ws = wb["Lembar kerja"]
    cols = _cols(ws)
    for key, cells in values.items():
        r = _row_of(ws, key)
        for title, v in cells.items():
            ws.cell(r, cols[title]).value = v
    wb.save(out or path)
    return out or path


def _count(db, model):
    with db.sessions() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def test_the_worksheet_xlsx_keys_text_cells_dropdowns_and_header_cells(desa, operator, tmp_path):
    path = _sheet(desa, operator, tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Lembar kerja"]
    assert (ws["A2"].value, ws["B2"].value, ws["A3"].value, ws["B3"].value) == (
        "Kode desa/kelurahan", DESA, "Putaran verifikasi", ROUND)
    cols = _cols(ws)
    assert cols["ID DTKS"] == 2 and {"Keberadaan", "Kelayakan", "Koreksi NIK", "Catatan", "Tanggal Kunjungan",
                                     "Nama Petugas"} <= set(cols)
    r = _row_of(ws, "V1")
    nik = ws.cell(r, cols["NIK"])
    kk = ws.cell(r, cols["No KK"])
    assert (nik.value, nik.data_type, kk.value, kk.data_type) == ("3310011205700001", "s", "3310012710160001", "s")
    assert ws.cell(r, cols["Nama Petugas"]).value == "Siti Aminah"
    lists = {next(iter(dv.sqref.ranges)).min_col: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert "meninggal" in lists[cols["Keberadaan"]] and "anggota baru" in lists[cols["Keberadaan"]]
    assert lists[cols["Kelayakan"]] == '"layak,tidak layak,mampu"'
    assert ws.max_row == HEADER_ROW + 6  # six members, NAYLA keyed ART-<nomor>
    assert any(str(ws.cell(x, 2).value).startswith("ART-") for x in range(HEADER_ROW + 1, ws.max_row + 1))


def test_round_trip_saves_findings_and_corrects_a_nik(desa, operator, tmp_path):
    path = _sheet(desa, operator, tmp_path)
    _fill(path, {
        "V1": {"Keberadaan": "ada", "Kelayakan": "layak", "Tanggal Kunjungan": "03-12-2026"},
        "V2": {"Keberadaan": "ada"},
        "V3": {"Keberadaan": "pindah dalam negeri", "Koreksi NIK": "3310012212000004"},
        "V4": {"Keberadaan": "Meninggal", "Kelayakan": "tidak layak", "Tanggal Kunjungan": date(2026, 12, 4),
               "Catatan": "meninggal 2025, akta kematian belum ada"},
    })
    res = import_findings(desa, operator, path)
    assert res.ok and (res.imported, res.members, res.rejected, res.nik_corrected) == (2, 4, 0, 1)
    assert res.putaran == ROUND and res.desa_kode == DESA
    with desa.sessions() as s:
        assert s.execute(select(Member.nik).where(Member.id_dtks == "V3")).scalar_one() == "3310012212000004"
        assert s.execute(select(IdentityHistory.source)).scalar_one() == "koreksi_verifikasi"
        fams = {f.kelayakan: f for f in s.execute(select(VerificationFamily)).scalars()}
        assert set(fams) == {"layak", "tidak layak"} and fams["layak"].tanggal_kunjungan == date(2026, 12, 3)
        assert all(f.sumber == "impor" for f in fams.values())
        notes = [m.catatan for m in s.execute(select(VerificationMember)).scalars() if m.catatan]
        assert notes == ["meninggal 2025, akta kematian belum ada"]


def test_a_new_member_row_and_a_changed_column_order(desa, operator, tmp_path):
    path = _sheet(desa, operator, tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Lembar kerja"]
    cols = _cols(ws)
    r = _row_of(ws, "V5")
    ws.cell(r, cols["Keberadaan"]).value = "ada"
    new = ws.max_row + 1
    ws.cell(new, cols["ID Keluarga"]).value = ws.cell(r, cols["ID Keluarga"]).value
    ws.cell(new, cols["Keberadaan"]).value = "anggota baru"
    ws.cell(new, cols["Koreksi Nama"]).value = "BAYI RATNA"
    ws.cell(new, cols["Koreksi Tanggal Lahir"]).value = "01-11-2026"
    # The petugas moved Keberadaan to the front and dropped columns it did not need.
    ws.move_range(f"O{HEADER_ROW}:O{new}", cols=14)  # Keberadaan -> column AC, after all others
    wb.save(path)
    res = import_findings(desa, operator, path)
    assert res.ok and res.imported == 1 and res.members == 2, res.summary_text()
    with desa.sessions() as s:
        new_rows = s.execute(select(VerificationMember).where(VerificationMember.member_id.is_(None))).scalars().all()
        assert [(m.koreksi_nama, m.keberadaan, m.koreksi_tanggal_lahir) for m in new_rows] == [
            ("BAYI RATNA", "anggota baru", date(2026, 11, 1))]


@pytest.mark.parametrize("change, code, column, words", [
    ({"V1": {"Keberadaan": "hilang"}}, "keberadaan_tidak_dikenal", "Keberadaan", "tidak dikenal"),
    ({"V1": {"Keberadaan": "ada", "Kelayakan": "miskin"}}, "kelayakan_tidak_dikenal", "Kelayakan", "tidak dikenal"),
    ({"V1": {"Keberadaan": "ada", "Tanggal Kunjungan": "31-02-2026"}}, "tanggal_tidak_sah", "Tanggal Kunjungan",
     "tidak dapat dipakai"),
    ({"V1": {"Keberadaan": "ada", "Koreksi NIK": "3310011399000001"}}, "nik_koreksi_tidak_sah", "Koreksi NIK",
     "bukan NIK yang sah"),
    ({"V1": {"Keberadaan": "ada", "Koreksi NIK": 3310011205700002}}, "nik_koreksi_rusak_excel", "Koreksi NIK",
     "digit terakhirnya hilang"),
    ({"V1": {"Keberadaan": "ada", "ID DTKS": "TIDAKADA"}}, "id_dtks_tidak_ada", "ID DTKS", "tidak ada di data DTKS"),
    ({"V1": {"Keberadaan": "ada", "ID DTKS": "V9"}}, "desa_lain", "ID DTKS", "desa/kelurahan lain"),
    ({"V1": {"Keberadaan": "ada", "Kelayakan": "layak"}, "V2": {"Keberadaan": "ada", "Kelayakan": "mampu"}},
     "nilai_keluarga_berbeda", "Kelayakan", "sudah tertulis lain"),
])
def test_bad_cells_refuse_the_whole_file_with_row_and_column(desa, operator, tmp_path, change, code, column, words):
    path = _sheet(desa, operator, tmp_path)
    good = {"V4": {"Keberadaan": "ada", "Kelayakan": "layak"}}  # a good family: not saved either
    _fill(path, {**good, **change})
    res = import_findings(desa, operator, path)
    assert not res.ok and res.imported == 0 and res.rejected == 1
    p = next(x for x in res.problems if x.severity == "error")
    wb = openpyxl.load_workbook(path)
    row = _row_of(wb["Lembar kerja"], change and list(change.values())[-1].get("ID DTKS", list(change)[-1]))
    assert (p.code, p.source_row) == (code, row) and column in p.column and words in p.message
    assert _count(desa, VerificationFamily) == 0 and _count(desa, IdentityHistory) == 0


@pytest.mark.parametrize("cell, value, code, words", [
    ("B2", "33.10.01.2002", None, None),  # another desa: its families are not on this sheet
    ("B3", "2026-11", "putaran_lain", "putaran 2026-11, sedangkan putaran verifikasi sekarang 2026-12"),
    ("B2", "33.99.99.9999", "kode_desa_tidak_dikenal", "tidak dikenal"),
    ("A2", "Desa", "kode_desa_tidak_ada", "tidak ditemukan"),
])
def test_another_desa_or_round_is_refused(desa, operator, tmp_path, cell, value, code, words):
    path = _sheet(desa, operator, tmp_path)
    _fill(path, {"V1": {"Keberadaan": "ada"}})
    wb = openpyxl.load_workbook(path)
    wb["Lembar kerja"][cell] = value
    wb.save(path)
    res = import_findings(desa, operator, path)
    assert not res.ok and _count(desa, VerificationFamily) == 0
    if code is None:  # a sheet edited to name another desa: every row is from this one
        p = res.problems[0]
        assert p.code == "desa_lain" and "bukan" in p.message and "ID DTKS" in p.column
    else:
        p = res.problems[0]
        assert p.code == code and words in p.message and p.source_row in (1, 2, 3)


def test_a_sheet_without_findings_or_columns_is_refused(desa, operator, tmp_path):
    path = _sheet(desa, operator, tmp_path)
    with pytest.raises(VerificationError, match="belum berisi hasil verifikasi"):
        import_findings(desa, operator, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Lembar kerja"]
    ws.cell(HEADER_ROW, _cols(ws)["Keberadaan"]).value = "Status"
    wb.save(path)
    with pytest.raises(VerificationError, match="kolom Keberadaan tidak ditemukan"):
        import_findings(desa, operator, path)
    with pytest.raises(VerificationError, match="tidak ditemukan"):
        import_findings(desa, operator, tmp_path / "tidak_ada.xlsx")
