"""Files that leave the office never carry a live formula (issue 8, item 6).

A name or an address written as ``=HYPERLINK("http://…","Klik")`` or ``=1+1`` (or starting with
``+ - @``, a tab or a CR) is text in every .xlsx and .csv the app writes: a string cell in an
.xlsx (with Excel's quote prefix, so that editing the cell keeps it text), an apostrophe in front
in a .csv. Real numbers stay numbers. Each writer is run through its service.
"""

from __future__ import annotations

import csv
from datetime import date

import pytest
from openpyxl import load_workbook

from dtks_desktop.db.bulk import bulk_insert
from dtks_desktop.domain.spreadsheet import csv_safe, looks_like_formula
from dtks_desktop.services.matching import reports as R
from dtks_desktop.services.core import settings
from dtks_desktop.services.importing.report import write_report
from dtks_desktop.services.importing.run import run_import
from dtks_desktop.services.matching.export import export_csv
from dtks_desktop.services.core.registry import FamilyRecord, MemberRecord, bulk_add_families

SENGON = "33.10.01.2001"
HYPERLINK = '=HYPERLINK("http://contoh.invalid/x","Klik")'
NASTY = [HYPERLINK, "=1+1", "+1+2", "-1+2", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]


@pytest.fixture
def office(db, admin):
    with db.transaction() as s:
        settings.put(s, admin, settings.KAB_KODE, "33.10")
    return admin


def _registry(db, names: list[str], address: str, nik_raw: str | None = None) -> None:
    """One family in Sengon whose members carry ``names``; every member 'tidak_padan'."""
    members = [MemberRecord(n, nik=f"33100101019{i:05d}", nik_raw=nik_raw, tanggal_lahir=date(1990, 1, i + 1),
                            hubungan=1 if i == 0 else 3) for i, n in enumerate(names)]
    with db.transaction() as s:
        res = bulk_add_families(s, [FamilyRecord(no_kk="3310010101200001", desa_kode=SENGON, alamat=address,
                                                 rt="001", rw="002", members=members)])
        bulk_insert(s, "match_results", ["member_id", "status", "score", "nik_matched", "priority", "decision",
                                         "version"],
                    [(res.first_member_id + i, "tidak_padan", 0.0, None, 9, None, 1) for i in range(len(names))])


def test_the_rule():
    for text in NASTY:
        assert looks_like_formula(text) and csv_safe(text) == "'" + text
    # Numbers (as numbers or as number text) and ordinary text are left as they are.
    for value in ("-5", "+62812345", "0.95", "-0,5", "SLAMET", "Jl. Mawar -3", "", -5, 0.5):
        assert csv_safe(value) == value
    assert not looks_like_formula("-5") and looks_like_formula("-5+A1")


def test_village_list_xlsx_writes_names_and_addresses_as_text(db, office, tmp_path):
    _registry(db, NASTY, "=1+1")
    res = R.write_village_lists_xlsx(db, tmp_path / "desa.xlsx", desa=SENGON)
    ws = load_workbook(res.path).active  # not read-only: cell types and styles
    data = [ws[r] for r in range(6, 6 + len(NASTY))]
    # The names exactly as written (openpyxl leaves the XML escape of a CR that Excel reads back).
    assert [row[3].value.replace("_x000D_", "\r") for row in data] == NASTY
    for row in data:
        name, address = row[3], row[7]
        assert name.data_type == "s" and address.data_type == "s", (name.value, name.data_type)
        assert address.value.startswith("=1+1")
        # Excel's quote prefix: editing the cell keeps it text, and nothing is shown in front.
        assert name.quotePrefix and address.quotePrefix
        assert row[0].data_type == "n"  # the row number stays a number
    assert not ws["E6"].quotePrefix  # a masked NIK is ordinary text


def test_summary_xlsx_numbers_stay_numbers(db, office, tmp_path):
    _registry(db, ["SLAMET", "=1+1"], "Dk. Krajan")
    res = R.write_summary_xlsx(db, tmp_path / "rekap.xlsx", kab_kode="33.10")
    ws = load_workbook(res.path)["Per desa"]
    row = [c for c in ws[6]]
    assert row[2].value == "Sengon" and row[2].data_type == "s"
    assert all(c.data_type == "n" for c in row[3:])  # counts and the percentage


def test_match_export_csv_escapes_text_cells(db, office, tmp_path):
    _registry(db, ["SLAMET"], "Dk. Krajan", nik_raw="=1+1")
    with db.sessions() as s:
        n = export_csv(s, tmp_path / "hasil.csv", actor=office)
    with open(tmp_path / "hasil.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert n == 1 and rows[1][1] == "'=1+1"
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for c in r)


def test_import_problem_report_writes_file_values_as_text(db, office, tmp_path):
    header = ["ID DTKS", "KECAMATAN", "DESA/KELURAHAN", "ALAMAT", "RT", "RW", "NOMOR KK", "NOMOR NIK", "NAMA",
              "TANGGAL LAHIR", "JENIS KELAMIN", "HUBUNGAN KELUARGA"]
    rows = [["D001", "Prambanan", "Sengon", "=1+1", "1", "2", "3310011606160001", "3310011109860001",
             HYPERLINK, "31-13-1986", "L", "1"],
            ["D002", "Prambanan", "Sengon", "Jl. Mawar", "1", "2", "3310011606160001", "3310015810870001",
             "-1+2", "1987-10-18", "P", "@SUM(A1)"]]
    path = tmp_path / "desa.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(header)
        w.writerows(rows)
    r = run_import(db, office, path, kind="dtks")
    report = write_report(db, r.batch_id, tmp_path / "laporan.xlsx")
    ws = load_workbook(report).active
    cells = [c for row in ws.iter_rows(min_row=6) for c in row if isinstance(c.value, str)]
    risky = [c for c in cells if c.value.startswith(("=", "+", "-", "@"))]
    assert {c.value for c in risky} >= {HYPERLINK, "@SUM(A1)"}
    assert all(c.data_type == "s" and c.quotePrefix for c in risky)
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
