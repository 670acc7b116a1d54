"""Cells that lost their value, values longer than their column, files whose rows repeat.

Issue 8, items 2, 5 and 8. Runs on SQLite and, with DTKS_TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import xlsxwriter
from sqlalchemy import func, select

from dtks_desktop.db.models import DukcapilPerson, Household, ImportBatch, ImportProblem, Member
from dtks_desktop.demo import generator as demo
from dtks_desktop.services.importing.run import run_import

from .test_run_import import HEADER, ROWS, office, write_csv  # noqa: F401 - office is a fixture

NIK_COL, NAMA_COL, IBU_COL, TGL_COL = 10, 11, 15, 12
DK_HEADER = ["NIK", "NO_KK", "NAMA_LGKP", "TMPT_LHR", "TGL_LHR", "JENIS_KLMIN", "NAMA_LGKP_IBU", "STAT_HBKEL",
             "ALAMAT", "NO_RT", "NO_RW", "KEL_NAME", "KEC_NAME", "KAB_NAME", "PROP_NAME"]
DK_ROWS = [["3310011109860001", "3310011606160001", "SLAMET RIYADI", "KLATEN", "11-09-1986", "LAKI-LAKI", "SUKIYEM",
            "KEPALA KELUARGA", "JL MAWAR 3", "001", "002", "SENGON", "PRAMBANAN", "KLATEN", "JAWA TENGAH"],
           ["3310015810870001", "3310011606160001", "SITI AMINAH", "KLATEN", "18-10-1987", "PEREMPUAN", "PAINEM",
            "ISTRI", "JL MAWAR 3", "001", "002", "SENGON", "PRAMBANAN", "KLATEN", "JAWA TENGAH"]]


def problems(db, batch_id) -> dict[tuple[int, str], ImportProblem]:
    with db.sessions() as s:
        return {(p.source_row, p.code): p for p in s.execute(
            select(ImportProblem).where(ImportProblem.batch_id == batch_id)).scalars()}


def members(db) -> dict[str, Member]:
    with db.sessions() as s:
        return {m.id_dtks: m for m in s.execute(select(Member)).scalars()}


def _xlsx_with_errors(path: Path, rows, errors: dict[tuple[int, int], tuple[str, str | None]]) -> Path:
    """``errors[(row index, col)] = (formula, cached error or None)``: None writes a formula
    without a cached value, as a program that never recalculated leaves it."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, HEADER)
    for i, row in enumerate(rows, start=1):
        for j, v in enumerate(row):
            if (i - 1, j) in errors:
                formula, cached = errors[(i - 1, j)]
                ws.write_formula(i, j, formula, None, cached if cached is not None else "")
            else:
                ws.write_string(i, j, v)
    wb.close()
    return path


# --- item 2: error cells and formulas without a value -------------------------------------------

def test_error_cells_in_a_newer_export_never_erase_stored_values(db, office, tmp_path):
    """A newer SIKS-NG export whose NIK cells are #REF!/#N/A/#VALUE! (and a mother's name that is
    a formula never calculated): the stored NIKs stay, and each error is reported with its row,
    column and error text, not as "NIK kosong"."""
    run_import(db, office, write_csv(tmp_path / "v1.csv", ROWS), kind="dtks")
    before = {k: (m.nik, m.nik_raw, m.nama_ibu) for k, m in members(db).items()}
    errors = {(0, NIK_COL): ("=VLOOKUP(A2,Sheet2!A:B,2,0)", "#N/A"), (1, NIK_COL): ("=#REF!", "#REF!"),
              (2, NIK_COL): ('=VALUE("x")', "#VALUE!"), (0, IBU_COL): ("=Sheet2!C2", None)}
    r = run_import(db, office, _xlsx_with_errors(tmp_path / "v2.xlsx", ROWS, errors), kind="dtks")
    assert (r.rows_read, r.rejected, r.imported) == (3, 0, 0)
    after = {k: (m.nik, m.nik_raw, m.nama_ibu) for k, m in members(db).items()}
    assert after == before  # nothing erased
    probs = problems(db, r.batch_id)
    assert not any(code in ("nik_kosong_ada_id", "nik_tersimpan_dipertahankan") for _row, code in probs)
    with db.sessions() as s:
        nik_probs = {p.source_row: p for p in s.execute(select(ImportProblem).where(
            ImportProblem.batch_id == r.batch_id, ImportProblem.field == "nik")).scalars()}
    assert sorted(nik_probs) == [2, 3, 4]
    for row, text in ((2, "#N/A"), (3, "#REF!"), (4, "#VALUE!")):
        p = nik_probs[row]
        assert p.code == "sel_galat" and p.column == "K (NOMOR NIK)" and p.value == text
        assert text in p.message and p.severity == "warning"
    with db.sessions() as s:
        ibu = s.execute(select(ImportProblem).where(ImportProblem.batch_id == r.batch_id,
                                                    ImportProblem.field == "nama_ibu")).scalar_one()
    assert ibu.source_row == 2 and ibu.column == "P (NAMA IBU KANDUNG)" and "rumus tanpa nilai" in ibu.message


def test_error_texts_in_a_csv_saved_from_excel_never_erase_stored_values(db, office, tmp_path):
    """Excel's "Save as CSV" writes an error cell as its text: the same as in an .xlsx."""
    run_import(db, office, write_csv(tmp_path / "v1.csv", ROWS), kind="dtks")
    before = {k: (m.nik, m.tanggal_lahir, m.nama_ibu) for k, m in members(db).items()}
    rows = [list(r) for r in ROWS]
    rows[0][NIK_COL], rows[1][NIK_COL], rows[1][TGL_COL], rows[0][IBU_COL] = "#N/A", "#REF!", "#VALUE!", "=C2&D2"
    r = run_import(db, office, write_csv(tmp_path / "v2.csv", rows), kind="dtks")
    assert (r.rejected, r.imported) == (0, 0)
    assert {k: (m.nik, m.tanggal_lahir, m.nama_ibu) for k, m in members(db).items()} == before
    with db.sessions() as s:
        got = sorted(s.execute(select(ImportProblem.source_row, ImportProblem.column, ImportProblem.value)
                               .where(ImportProblem.batch_id == r.batch_id, ImportProblem.code == "sel_galat")).all())
    assert got == [(2, "K (NOMOR NIK)", "#N/A"), (2, "P (NAMA IBU KANDUNG)", "=C2&D2"), (3, "K (NOMOR NIK)", "#REF!"),
                   (3, "M (TANGGAL LAHIR)", "#VALUE!")]


def test_empty_nik_cell_in_a_newer_export_keeps_the_stored_nik_and_says_so(db, office, tmp_path):
    """The documented choice: an update never blanks a stored value; an empty cell is reported."""
    run_import(db, office, write_csv(tmp_path / "v1.csv", ROWS), kind="dtks")
    rows = [list(r) for r in ROWS]
    rows[0][NIK_COL] = ""
    rows[0][IBU_COL] = ""
    r = run_import(db, office, write_csv(tmp_path / "v2.csv", rows), kind="dtks")
    m = members(db)["D001"]
    assert m.nik == ROWS[0][NIK_COL] and m.nama_ibu == "SUKIYEM"
    probs = problems(db, r.batch_id)
    assert (2, "nik_kosong_ada_id") not in probs
    assert "dipertahankan" in probs[(2, "nik_tersimpan_dipertahankan")].message


def test_required_field_in_an_error_cell_rejects_the_row_with_the_error(db, office, tmp_path):
    """A civil-registry row whose NIK is #REF!, a registry row with neither identifier readable,
    a name that is an error: rejected, and the message names the error, not "NIK kosong"."""
    dk = [list(r) for r in DK_ROWS]
    dk[1][0] = "#REF!"
    r = run_import(db, office, write_csv(tmp_path / "dk.csv", dk, DK_HEADER, delimiter=","), kind="dukcapil")
    assert (r.imported, r.rejected) == (1, 1)
    p = problems(db, r.batch_id)
    assert (3, "nik_kosong") not in p
    assert p[(3, "sel_galat")].severity == "error" and "#REF!" in p[(3, "sel_galat")].message
    assert p[(3, "sel_galat")].column == "A (NIK)"

    rows = [list(r) for r in ROWS]
    rows[0][0], rows[0][NIK_COL] = "", "#N/A"
    rows[1][NAMA_COL] = "#NAME?"
    r = run_import(db, office, write_csv(tmp_path / "dtks.csv", rows), kind="dtks")
    assert (r.imported, r.rejected) == (1, 2)
    p = problems(db, r.batch_id)
    assert p[(2, "sel_galat")].severity == "error" and (2, "tanpa_nik_dan_id_dtks") not in p
    assert p[(3, "sel_galat")].severity == "error" and p[(3, "sel_galat")].column == "L (NAMA)"
    assert (3, "nama_kosong") not in p


# --- item 5: values longer than their column ----------------------------------------------------

def test_column_limits_come_from_the_models():
    from dtks_desktop.services.importing.rows import FIELD_LIMITS

    assert FIELD_LIMITS["nama"] == 200 and FIELD_LIMITS["alamat"] == 300 and FIELD_LIMITS["rt"] == 5
    assert FIELD_LIMITS["id_dtks"] == 40 and FIELD_LIMITS["program"] == 60


def test_over_long_values_give_a_row_and_column_message_on_every_database(db, office, tmp_path):
    """A 500-character name aborted the import on PostgreSQL (StringDataRightTruncation) and was
    stored on SQLite. Now, on both: the row is rejected with its row and column; an over-long
    address is left out with a warning; an over-long ID DTKS of a rejected row does not break
    the problem list either."""
    rows = [list(r) for r in ROWS]
    rows[0][NAMA_COL] = "SLAMET " * 72  # 504 characters
    rows[1][5] = "JL. " + "MAWAR " * 60  # address of 364 characters
    rows[2][0] = "D" * 60  # ID DTKS too long for its column
    r = run_import(db, office, write_csv(tmp_path / "panjang.csv", rows), kind="dtks")
    assert (r.rows_read, r.imported, r.rejected) == (3, 1, 2)
    p = problems(db, r.batch_id)
    name = p[(2, "isi_terlalu_panjang")]
    assert name.severity == "error" and name.column == "L (NAMA)" and "paling banyak 200" in name.message
    addr = p[(3, "isi_terlalu_panjang")]
    assert addr.severity == "warning" and addr.column == "F (ALAMAT)" and "paling banyak 300" in addr.message
    idd = p[(4, "isi_terlalu_panjang")]
    assert idd.severity == "error" and idd.column == "A (ID DTKS)" and len(idd.id_dtks) == 40
    with db.sessions() as s:
        assert s.execute(select(Household.alamat)).scalars().all() == [None]


# --- item 8: a file whose rows repeat wholesale ------------------------------------------------

def test_exact_repeats_are_stored_once_and_a_nik_twice_with_other_data_is_flagged(db, office, tmp_path):
    dk = [list(r) for r in DK_ROWS]
    other = list(DK_ROWS[1])
    other[2] = "SITI AMINAH BINTI KARTO"  # same NIK, other data: a real problem, kept and flagged
    r = run_import(db, office, write_csv(tmp_path / "dk.csv", dk + dk + [other], DK_HEADER, delimiter=","),
                   kind="dukcapil")
    assert (r.rows_read, r.imported, r.rejected) == (5, 3, 2)
    p = problems(db, r.batch_id)
    assert "sama persis dengan baris 2" in p[(4, "baris_sama_persis")].message
    assert "sama persis dengan baris 3" in p[(5, "baris_sama_persis")].message
    assert p[(6, "nik_ganda_di_berkas")].severity == "warning"
    assert any("2 baris sama persis" in n and "lebih dari sekali" in n for n in r.notes)
    with db.sessions() as s:
        assert s.execute(select(func.count()).select_from(DukcapilPerson)).scalar_one() == 3

    # A registry export appended to itself: each member once.
    r = run_import(db, office, write_csv(tmp_path / "dtks.csv", ROWS + ROWS), kind="dtks")
    assert (r.imported, r.rejected) == (3, 3)
    assert {c for _row, c in problems(db, r.batch_id)} == {"baris_sama_persis"}


@pytest.mark.slow
def test_a_civil_registry_extract_appended_to_itself_matches_like_the_single_one(db, office, tmp_path):
    """Doubled, the extract was 2 persons per NIK and matching found no 'padan' at all."""
    from dtks_desktop.db.models import AuditEvent, IdentityHistory, MatchResult, MatchRun, ProgrammeLink
    from dtks_desktop.services.matching.run import run_matching

    files = demo.generate_files(tmp_path / "demo", demo.DemoConfig(people=800, seed=3), xlsx=False)
    single = files["dukcapil"]
    lines = single.read_text(encoding="utf-8").splitlines(keepends=True)
    doubled = tmp_path / "dukcapil_dua_kali.csv"
    doubled.write_text("".join(lines + lines[1:]), encoding="utf-8")  # header once, data twice

    def run(extract: Path) -> tuple[dict, object]:
        with db.transaction() as s:  # a clean registry each time
            for model in (MatchResult, MatchRun, IdentityHistory, ProgrammeLink, DukcapilPerson, ImportProblem,
                          Member, Household, ImportBatch, AuditEvent):
                s.query(model).delete()
        run_import(db, office, files["dtks_csv"], kind="dtks")
        imp = run_import(db, office, extract, kind="dukcapil")
        return run_matching(db, office).counts, imp

    counts_single, imp_single = run(single)
    counts_doubled, imp_doubled = run(doubled)
    assert counts_single.get("padan", 0) > 100
    assert counts_doubled == counts_single
    assert imp_doubled.imported == imp_single.imported
    assert imp_doubled.rejected == imp_single.rejected + imp_single.rows_read
    assert any("lebih dari sekali" in n for n in imp_doubled.notes)


def test_error_cells_and_repeats_survive_the_worker_processes(db, office, tmp_path, monkeypatch):
    """Big files are checked in spawned workers (rows pickled in, records back in wire form):
    error cells, length checks and repeats come out as in one process."""
    from dtks_desktop.services.importing import parallel

    rows = [list(r) for r in ROWS]
    rows[0][NIK_COL], rows[1][IBU_COL], rows[2][NAMA_COL] = "#REF!", "=C3&D3", "X" * 250
    path = write_csv(tmp_path / "galat.csv", rows + rows[:2])

    def outcome():
        r = run_import(db, office, path, kind="dtks")
        with db.sessions() as s:
            q = select(ImportProblem.source_row, ImportProblem.column, ImportProblem.code, ImportProblem.severity,
                       ImportProblem.value).where(ImportProblem.batch_id == r.batch_id)
            got = sorted((tuple(x) for x in s.execute(q)), key=repr)
        return (r.rows_read, r.imported, r.rejected, r.warnings), got

    monkeypatch.setattr(parallel, "PARALLEL_FROM_ROWS", 1)
    monkeypatch.setattr(parallel, "CHUNK", 2)
    monkeypatch.setenv("DTKS_IMPORT_WORKERS", "2")
    par = outcome()
    monkeypatch.setenv("DTKS_IMPORT_WORKERS", "1")
    with db.transaction() as s:  # the same file again, into a clean registry
        for model in (ImportProblem, Member, Household, ImportBatch):
            s.query(model).delete()
    assert outcome() == par
    counts, got = par
    assert counts == (5, 2, 3, 2)
    assert (2, "K (NOMOR NIK)", "sel_galat", "warning", "#REF!") in got
    assert (3, "P (NAMA IBU KANDUNG)", "sel_galat", "warning", "=C3&D3") in got
    assert (4, "L (NAMA)", "isi_terlalu_panjang", "error", "X" * 250) in got
    assert (5, None, "baris_sama_persis", "error", None) in got


def test_error_cells_in_a_newer_civil_registry_extract_keep_what_the_previous_one_said(db, office, tmp_path):
    """The extract is a snapshot that replaces the previous one; a cell that lost its value
    still does not erase what the previous extract said about that NIK."""
    r1 = run_import(db, office, write_csv(tmp_path / "dk1.csv", DK_ROWS, DK_HEADER, delimiter=","), kind="dukcapil")
    newer = [list(r) for r in DK_ROWS]
    newer[0][4], newer[0][6], newer[1][11] = "#REF!", "=VLOOKUP(A2,IBU!A:B,2,0)", "#N/A"
    r2 = run_import(db, office, write_csv(tmp_path / "dk2.csv", newer, DK_HEADER, delimiter=","), kind="dukcapil")
    assert (r2.rejected, r2.updated, r2.unchanged, r2.gone) == (0, 0, 2, 0)
    with db.sessions() as s:
        got = {p.nik: (str(p.tanggal_lahir), p.nama_ibu, p.desa_kode) for p in s.execute(select(DukcapilPerson))
               .scalars()}
        assert set(s.execute(select(DukcapilPerson.batch_id)).scalars()) == {r2.batch_id} != {r1.batch_id}
    assert got == {"3310011109860001": ("1986-09-11", "SUKIYEM", "33.10.01.2001"),
                   "3310015810870001": ("1987-10-18", "PAINEM", "33.10.01.2001")}
    p = problems(db, r2.batch_id)
    assert p[(3, "sel_galat")].column == "L (KEL_NAME)" and p[(3, "sel_galat")].value == "#N/A"
    assert (3, "desa_tidak_ditemukan") not in p  # not "Desa/kelurahan kosong"
