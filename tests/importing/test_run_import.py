"""Importing files into the database: all or nothing, idempotent, every problem reported.

Runs on SQLite and, with DTKS_TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from openpyxl import load_workbook
from sqlalchemy import func, select

from dtks_desktop.db.models import (
    AuditEvent, DukcapilPerson, Household, ImportBatch, ImportProblem, Member, ProgrammeRecipient,
)
from dtks_desktop.demo import generator as demo
from dtks_desktop.services.core import settings
from dtks_desktop.services.core.common import Cancelled
from dtks_desktop.services.importing.mapping import MappingError
from dtks_desktop.services.importing.readers import ImportFileError
from dtks_desktop.services.importing.run import AlreadyImported, history, preview, run_import

HEADER = ["ID DTKS", "PROVINSI", "KABUPATEN/KOTA", "KECAMATAN", "DESA/KELURAHAN", "ALAMAT", "DUSUN", "RT", "RW",
          "NOMOR KK", "NOMOR NIK", "NAMA", "TANGGAL LAHIR", "TEMPAT LAHIR", "JENIS KELAMIN", "NAMA IBU KANDUNG",
          "HUBUNGAN KELUARGA"]

ROWS = [
    ["D001", "JAWA TENGAH", "KLATEN", "KEC. PRAMBANAN", "Ds. Sengon", "Jl. Mawar 3", "KRAJAN", "1", "2",
     "3310011606160001", "3310011109860001", "SLAMET RIYADI", "11-09-1986", "KLATEN", "LAKI-LAKI", "SUKIYEM",
     "KEPALA KELUARGA"],
    ["D002", "JAWA TENGAH", "KLATEN", "KEC. PRAMBANAN", "Ds. Sengon", "Jl. Mawar 3", "KRAJAN", "1", "2",
     "3310011606160001", "3310015810870001", "Hj. SITI AMINAH", "18/10/1987", "KLATEN", "PEREMPUAN", "PAINEM",
     "ISTRI"],
    ["D003", "JAWA TENGAH", "KLATEN", "Prambanan", "Kotesan", "Dk. Ngasem", "NGASEM", "3", "1",
     "3310011701100002", "3310010101500003", "PAIDI", "1950-01-01", "KLATEN", "L", "", "1"],
]


def write_csv(path: Path, rows, header=HEADER, *, delimiter=";", encoding="utf-8", titles=()):
    with open(path, "w", newline="", encoding=encoding) as fh:
        w = csv.writer(fh, delimiter=delimiter)
        for t in titles:
            w.writerow([t])
        w.writerow(header)
        w.writerows(rows)
    return path


def count(db, model) -> int:
    with db.sessions() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def snapshot(db) -> tuple:
    return tuple(count(db, m) for m in (Member, Household, ImportBatch, ImportProblem, DukcapilPerson,
                                        ProgrammeRecipient, AuditEvent))


@pytest.fixture
def office(db, admin):
    with db.transaction() as s:
        settings.put(s, admin, settings.KAB_KODE, "33.10")
    return admin


def test_small_dtks_csv_groups_families_and_resolves_regions(db, office, tmp_path):
    f = write_csv(tmp_path / "dtks.csv", ROWS, titles=["DATA TERPADU KESEJAHTERAAN SOSIAL", "Dicetak dari SIKS-NG"])
    r = run_import(db, office, f, kind="dtks")
    assert (r.rows_read, r.imported, r.rejected) == (3, 3, 0)
    with db.sessions() as s:
        hh = s.execute(select(Household).order_by(Household.id)).scalars().all()
        assert [h.no_kk for h in hh] == ["3310011606160001", "3310011701100002"]
        assert hh[0].desa_kode == "33.10.01.2001" and hh[0].rt == "001" and hh[0].rw == "002"
        assert hh[1].desa_kode == "33.10.01.2003"  # Kotesan
        siti = s.execute(select(Member).where(Member.id_dtks == "D002")).scalar_one()
        assert siti.nama == "Hj. SITI AMINAH" and siti.nama_key == "SITI AMINAH"
        assert str(siti.tanggal_lahir) == "1987-10-18" and siti.jenis_kelamin == "P" and siti.hubungan == 2
        assert siti.household_id == hh[0].id and siti.last_batch_id == r.batch_id


def test_invalid_no_kk_still_keeps_a_family_together(db, office, tmp_path):
    """A No KK that went through a spreadsheet ends in 0000 (no valid serial): it is not stored,
    but the rows that share it at one address remain one family; the same digits at another
    address are another family."""
    rows = [list(r) for r in ROWS[:2]]
    for r in rows:
        r[9] = "3310011606160000"
    other = list(ROWS[2])
    other[9] = "3310011606160000"
    f = write_csv(tmp_path / "dtks.csv", rows + [other])
    r = run_import(db, office, f, kind="dtks")
    assert (r.imported, r.rejected) == (3, 0)
    with db.sessions() as s:
        hh = s.execute(select(Household).order_by(Household.id)).scalars().all()
        assert len(hh) == 2 and all(h.no_kk is None and "kk_urut_nol" in h.no_kk_flags for h in hh)
        by_id = {m.id_dtks: m.household_id for m in s.execute(select(Member)).scalars()}
        assert by_id["D001"] == by_id["D002"] != by_id["D003"]


def test_header_repeated_inside_the_data_is_skipped(db, office, tmp_path):
    """Exports printed per page repeat the column titles; those rows are not people."""
    with open(tmp_path / "dtks.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(HEADER)
        w.writerows(ROWS[:2])
        w.writerow([h.title() for h in HEADER])  # the next page's header, other case
        w.writerow(ROWS[2])
    r = run_import(db, office, tmp_path / "dtks.csv", kind="dtks")
    assert (r.rows_read, r.imported, r.rejected) == (3, 3, 0)
    assert any("1 baris judul kolom yang berulang" in n for n in r.notes)
    from dtks_desktop.services.importing.run import _HeaderEcho

    echo = _HeaderEcho([h.upper() for h in HEADER])
    assert echo(list(HEADER)) and not echo(ROWS[0])
    assert echo(HEADER[:11] + ["x"] * 6)  # 11 of 17 titles (65 %) still a header
    assert not echo(HEADER[:10] + ["x"] * 7)  # 10 of 17 (59 %) is not
    assert not _HeaderEcho(["NIK", "NAMA", ""])(["NIK", "NAMA", ""])  # too few titles to tell


def test_same_file_twice_is_refused_and_nothing_changes(db, office, tmp_path):
    f = write_csv(tmp_path / "dtks.csv", ROWS)
    run_import(db, office, f, kind="dtks")
    before = snapshot(db)
    with pytest.raises(AlreadyImported, match="sudah pernah diimpor"):
        run_import(db, office, f, kind="dtks")
    assert snapshot(db) == before


def test_newer_export_updates_instead_of_duplicating(db, office, tmp_path):
    run_import(db, office, write_csv(tmp_path / "v1.csv", ROWS), kind="dtks")
    rows = [list(r) for r in ROWS]
    rows[0][11] = "SLAMET RIYADI S.Pd."  # name corrected
    rows.pop(2)  # PAIDI no longer in the export
    rows.append(["D004", "JAWA TENGAH", "KLATEN", "KEC. PRAMBANAN", "Ds. Sengon", "Jl. Mawar 3", "KRAJAN", "1", "2",
                 "3310011606160001", "3310010804110001", "GALIH", "08-04-2011", "KLATEN", "L", "SITI AMINAH", "ANAK"])
    r = run_import(db, office, write_csv(tmp_path / "v2.csv", rows), kind="dtks")
    assert (r.imported, r.updated, r.unchanged, r.gone, r.rejected) == (1, 1, 1, 1, 0)
    assert count(db, Member) == 4 and count(db, Household) == 2
    with db.sessions() as s:
        slamet = s.execute(select(Member).where(Member.id_dtks == "D001")).scalar_one()
        assert slamet.nama == "SLAMET RIYADI S.Pd." and slamet.version == 2
        galih = s.execute(select(Member).where(Member.id_dtks == "D004")).scalar_one()
        assert galih.household_id == slamet.household_id  # joins the existing family
        ev = s.execute(select(AuditEvent).where(AuditEvent.action == "member.update")).scalars().one()
        assert ev.entity_id == slamet.id and "S.Pd." in ev.new_value and "v2.csv" in ev.reason


def test_problem_rows_are_kept_with_file_row_and_column(db, office, tmp_path):
    rows = [list(r) for r in ROWS]
    rows[1][10] = ""  # no NIK but an ID DTKS: imported with a warning
    rows[2][0], rows[2][10] = "", ""  # neither: rejected
    rows.append(["D009", "JAWA TENGAH", "KLATEN", "Prambanan", "Desa Antah", "", "", "1", "1", "", "3310010101500005",
                 "X", "31-13-1980", "", "L", "", ""])
    f = write_csv(tmp_path / "masalah.csv", rows)
    r = run_import(db, office, f, kind="dtks", write_report_file=True)
    assert r.rows_read == 4 and r.imported + r.rejected == 4 and r.rejected == 2
    with db.sessions() as s:
        probs = {(p.source_row, p.code): p for p in s.execute(select(ImportProblem)).scalars()}
    assert probs[(3, "nik_kosong_ada_id")].severity == "warning"
    assert probs[(4, "tanpa_nik_dan_id_dtks")].column == "K (NOMOR NIK)"
    assert probs[(5, "tanggal_tidak_valid")].column == "M (TANGGAL LAHIR)"
    assert probs[(5, "desa_tidak_ditemukan")].severity == "error"
    # the .xlsx report for the village, NIKs masked
    wb = load_workbook(r.report, read_only=True)
    cells = [str(c) for row in wb.active.iter_rows(values_only=True) for c in row if c is not None]
    assert any("Ditolak" == c for c in cells) and "masalah.csv" in cells[0]
    assert not any("3310010101500005" in c for c in cells)


def test_excel_numeric_nik_cells_are_flagged_not_trusted(db, office, tmp_path):
    path = tmp_path / "rusak.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, HEADER)
    for i, row in enumerate(ROWS, start=1):
        ws.write_row(i, 0, row)
        ws.write_number(i, 10, float(row[10][:15] + "0"))  # what Excel keeps of a 16-digit number
        ws.write_number(i, 9, float(row[9][:15] + "0"))
    wb.close()
    r = run_import(db, office, path, kind="dtks")
    assert r.imported == 3 and r.warnings == 3
    with db.sessions() as s:
        flags = s.execute(select(Member.nik_flags)).scalars().all()
        codes = s.execute(select(ImportProblem.code)).scalars().all()
    assert all("nik_rusak_excel" in f for f in flags)
    assert codes.count("nik_rusak_excel") == 3 and codes.count("kk_rusak_excel") == 3


def test_dukcapil_snapshot_replaces_previous_and_counts_changes(db, office, tmp_path):
    header = ["NIK", "NO_KK", "NAMA_LGKP", "TMPT_LHR", "TGL_LHR", "JENIS_KLMIN", "NAMA_LGKP_IBU", "STAT_HBKEL",
              "ALAMAT", "NO_RT", "NO_RW", "KEL_NAME", "KEC_NAME", "KAB_NAME", "PROP_NAME"]
    base = [["3310011109860001", "3310011606160001", "SLAMET RIYADI", "KLATEN", "11-09-1986", "LAKI-LAKI", "SUKIYEM",
             "KEPALA KELUARGA", "JL MAWAR 3", "001", "002", "SENGON", "PRAMBANAN", "KLATEN", "JAWA TENGAH"],
            ["3310015810870001", "3310011606160001", "SITI AMINAH", "KLATEN", "18-10-1987", "PEREMPUAN", "PAINEM",
             "ISTRI", "JL MAWAR 3", "001", "002", "SENGON", "PRAMBANAN", "KLATEN", "JAWA TENGAH"]]
    r1 = run_import(db, office, write_csv(tmp_path / "dk1.csv", base, header, delimiter=","), kind="dukcapil")
    assert (r1.imported, r1.rejected) == (2, 0)
    newer = [list(base[0]), list(base[1])]
    newer[1][2] = "SITI AMINAH BINTI KARTO"
    newer.append(["3310010101500003", "3310011701100002", "PAIDI", "KLATEN", "01-01-1950", "LAKI-LAKI", "", "KEPALA KELUARGA",
                  "NGASEM", "003", "001", "KOTESAN", "PRAMBANAN", "KLATEN", "JAWA TENGAH"])
    newer.pop(0)
    r2 = run_import(db, office, write_csv(tmp_path / "dk2.csv", newer, header, delimiter=","), kind="dukcapil")
    assert (r2.imported, r2.updated, r2.unchanged, r2.gone) == (1, 1, 0, 1)
    with db.sessions() as s:
        assert s.execute(select(func.count()).select_from(DukcapilPerson)).scalar_one() == 2
        assert set(s.execute(select(DukcapilPerson.batch_id)).scalars()) == {r2.batch_id}


def test_programme_list_with_program_option(db, office, tmp_path):
    header = ["NIK", "NO KK", "NAMA PENERIMA"]
    rows = [["3310011109860001", "3310011606160001", "SLAMET"], ["", "3310011701100002", "PAIDI"], ["", "", "ANON"]]
    r = run_import(db, office, write_csv(tmp_path / "pkh.csv", rows, header), kind="program", program="PKH",
                   periode="2026-10")
    assert (r.imported, r.rejected) == (2, 1)
    with db.sessions() as s:
        progs = s.execute(select(ProgrammeRecipient.program, ProgrammeRecipient.periode)).all()
    assert set(progs) == {("PKH", "2026-10")}
    with db.sessions() as s:
        assert history(s, kind="program")[0].program == "PKH"


def test_programme_list_is_linked_to_the_registry_on_import(db, office, tmp_path):
    """Who receives what is known as soon as the list is imported (no separate step)."""
    from dtks_desktop.services.matching.programmes import programmes_of_members

    run_import(db, office, write_csv(tmp_path / "dtks.csv", ROWS), kind="dtks")
    header = ["NIK", "NO KK", "NAMA PENERIMA"]
    rows = [["3310011109860001", "3310011606160001", "SLAMET RIYADI"]]
    r = run_import(db, office, write_csv(tmp_path / "pkh.csv", rows, header), kind="program", program="PKH",
                   periode="2026-10")
    assert any("Daftar program dicocokkan ulang" in n and "1 dari 1" in n for n in r.notes)
    with db.sessions() as s:
        slamet = s.execute(select(Member.id).where(Member.id_dtks == "D001")).scalar_one()
        assert [(p.program, p.periode) for p in programmes_of_members(s, [slamet])[slamet]] == [("PKH", "2026-10")]
        assert s.execute(select(func.count()).select_from(AuditEvent)
                         .where(AuditEvent.action == "programmes.link")).scalar_one() == 1


def test_cancel_mid_import_leaves_database_exactly_as_before(db, office, tmp_path):
    rows = [[f"D{i:05d}", "JAWA TENGAH", "KLATEN", "PRAMBANAN", "SENGON", "", "", "1", "1", f"33100116061{i:05d}",
             f"331001110986{i % 9000 + 1:04d}", f"WARGA {i}", "11-09-1986", "", "L", "", "1"] for i in range(12000)]
    f = write_csv(tmp_path / "besar.csv", rows)
    before = snapshot(db)
    seen = []

    def cancel():
        return len(seen) > 0

    def progress(done, total, text=""):
        if text.startswith("Menyimpan") or "Mencocokkan" in text:
            seen.append(text)

    with pytest.raises(Cancelled):
        run_import(db, office, f, kind="dtks", progress=progress, cancel=cancel)
    assert snapshot(db) == before


def _xlsx_with(tmp_path, name, rows):
    path = tmp_path / name
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    for i, row in enumerate(rows):
        ws.write_row(i, 0, row)
    wb.close()
    return path


def _bad_files(tmp_path):
    yield "empty", (tmp_path / "kosong.csv"), "kosong"
    (tmp_path / "kosong.csv").write_bytes(b"")
    pdf = tmp_path / "data_dtks.xlsx"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" * 50)
    yield "pdf renamed", pdf, "PDF"
    enc = tmp_path / "terkunci.xlsx"
    enc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000)
    yield "password or corrupt ole", enc, "terkunci.xlsx"
    broken = tmp_path / "rusak.xlsx"
    with zipfile.ZipFile(broken, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    yield "corrupt xlsx", broken, "rusak.xlsx"
    yield "no header", _xlsx_with(tmp_path, "tanpa_judul.xlsx", [["a", "b", "c"], ["1", "2", "3"]]), "judul kolom"
    two = write_csv(tmp_path / "dua_nik.csv", [r + [r[10]] for r in ROWS], HEADER + ["NIK ART"])
    yield "two NIK columns", two, "NIK"


@pytest.mark.parametrize("case", ["empty", "pdf renamed", "password or corrupt ole", "corrupt xlsx", "no header",
                                  "two NIK columns"])
def test_bad_files_give_a_clear_message_and_change_nothing(db, office, tmp_path, case):
    path, needle = next((p, n) for c, p, n in _bad_files(tmp_path) if c == case)
    before = snapshot(db)
    with pytest.raises((ImportFileError, MappingError)) as err:
        run_import(db, office, path, kind="dtks")
    message = getattr(err.value, "message", str(err.value))
    assert path.name in message and needle.lower() in message.lower()
    assert "Traceback" not in message
    assert snapshot(db) == before


def test_mixed_encoding_csv_imports_with_a_note(db, office, tmp_path):
    f = tmp_path / "campur.csv"
    text = ";".join(HEADER) + "\n" + "\n".join(";".join(r) for r in ROWS) + "\n"
    text = text.replace("SUKIYEM", "SUKIYÉM")  # UTF-8 in one row ...
    data = text.encode("utf-8").replace(b"PAIDI", "PAÏDI".encode("cp1252"))  # ... Windows-1252 in another
    f.write_bytes(data)
    r = run_import(db, office, f, kind="dtks")
    assert r.imported == 3 and any("campuran" in n for n in r.notes)
    with db.sessions() as s:
        names = set(s.execute(select(Member.nama)).scalars()) | set(s.execute(select(Member.nama_ibu)).scalars())
    assert {"PAÏDI", "SUKIYÉM"} <= names


def test_preview_guesses_kind_and_maps_columns(tmp_path):
    f = write_csv(tmp_path / "dtks.csv", ROWS, titles=["DATA TERPADU KESEJAHTERAAN SOSIAL"])
    pv = preview(f)
    assert pv.kind == "dtks" and pv.match.header_row == 2 and len(pv.rows) == 3
    assert pv.rows[0][1]["nik"] == "3310011109860001"


@pytest.mark.slow
def test_demo_export_imports_as_the_ground_truth_says(db, office, tmp_path):
    """The generator's damaged export: every row accounted for, every reject expected."""
    files = demo.generate_files(tmp_path / "demo", demo.DemoConfig(people=3000, seed=11))
    truth = list(csv.DictReader(open(files["ground_truth"], encoding="utf-8")))
    r = run_import(db, office, files["dtks_xlsx"], kind="dtks")
    assert r.rows_read == len(truth)
    assert r.imported + r.rejected == len(truth)
    with db.sessions() as s:
        problems = s.execute(select(ImportProblem.source_row, ImportProblem.code, ImportProblem.severity)
                             .where(ImportProblem.batch_id == r.batch_id)).all()
    rejected_rows = {row for row, _c, sev in problems if sev == "error"}
    expected_rejects = {int(t["file_row"]) for t in truth if t["expect"] == "reject"}
    assert rejected_rows == expected_rejects
    codes_by_row: dict[int, set[str]] = {}
    for row, code, _sev in problems:
        codes_by_row.setdefault(row, set()).add(code)
    detectable = {"nik_excel": "nik_rusak_excel", "kk_excel": "kk_rusak_excel"}
    for t in truth:
        for corruption, code in detectable.items():
            if corruption in t["corruptions"].split(";") and t["expect"] == "import":
                assert code in codes_by_row.get(int(t["file_row"]), set()), (t["file_row"], corruption)
        if "nik_missing" in t["corruptions"].split(";") and t["expect"] == "import":
            assert codes_by_row.get(int(t["file_row"]), set()) & {"nik_kosong_ada_id", "nik_tidak_sah"}


def test_saved_preset_settles_two_nik_columns(db, office, tmp_path):
    from dtks_desktop.services.importing import mapping as M
    from dtks_desktop.services.importing.presets import list_presets, save_preset

    f = write_csv(tmp_path / "dua_nik.csv", [r + [r[10]] for r in ROWS], HEADER + ["NIK ART"])
    preset = M.get_preset("siksng_dtks").with_columns({"nik": "NIK ART"}, name="Ekspor Desa X")
    with db.transaction() as s:
        save_preset(s, office, preset)
    with db.sessions() as s:
        assert "Ekspor Desa X" in list_presets(s)
    r = run_import(db, office, f, preset="Ekspor Desa X")
    assert r.imported == 3


def test_parallel_check_gives_the_same_result_as_one_process(db, office, tmp_path, monkeypatch):
    """Big files are checked in worker processes; the outcome must not depend on it."""
    from dtks_desktop.services.importing import parallel

    files = demo.generate_files(tmp_path / "demo", demo.DemoConfig(people=1500, seed=5), xlsx=False)
    monkeypatch.setattr(parallel, "PARALLEL_FROM_ROWS", 100)
    monkeypatch.setattr(parallel, "CHUNK", 97)
    monkeypatch.setenv("DTKS_IMPORT_WORKERS", "2")
    r = run_import(db, office, files["dtks_csv"], kind="dtks")
    with db.sessions() as s:
        par = sorted(s.execute(select(ImportProblem.source_row, ImportProblem.code, ImportProblem.message)).all())
        members = sorted(s.execute(select(Member.id_dtks, Member.nik, Member.nama, Member.tanggal_lahir)).all())

    monkeypatch.setenv("DTKS_IMPORT_WORKERS", "1")
    with db.transaction() as s:  # same file again, into a clean registry
        for model in (ImportProblem, Member, Household, ImportBatch):
            s.query(model).delete()
    r1 = run_import(db, office, files["dtks_csv"], kind="dtks")
    with db.sessions() as s:
        seq = sorted(s.execute(select(ImportProblem.source_row, ImportProblem.code, ImportProblem.message)).all())
        members1 = sorted(s.execute(select(Member.id_dtks, Member.nik, Member.nama, Member.tanggal_lahir)).all())
    assert (r.rows_read, r.imported, r.rejected, r.warnings) == (r1.rows_read, r1.imported, r1.rejected, r1.warnings)
    assert par == seq and members == members1


@pytest.mark.slow
@pytest.mark.parametrize("seed", [11, 23])
def test_demo_export_values_are_cleaned_to_the_truth(db, office, tmp_path, seed):
    """Each import-stage corruption of the generator is either repaired to the true value or flagged."""
    files = demo.generate_files(tmp_path / "demo", demo.DemoConfig(people=2500, seed=seed), xlsx=(seed == 11))
    truth_rows = list(csv.DictReader(open(files["ground_truth"], encoding="utf-8")))
    truth = {t["id_dtks"]: t for t in truth_rows if t["id_dtks"]}
    path = files["dtks_xlsx"] if seed == 11 else files["dtks_csv"]
    r = run_import(db, office, path, kind="dtks")
    assert r.imported + r.rejected == r.rows_read == len(truth_rows)
    with db.sessions() as s:
        rows = s.execute(select(Member.id_dtks, Member.nik, Member.nik_flags, Member.nama, Member.tanggal_lahir,
                                Household.rt, Household.rw, Household.no_kk_flags, Household.desa_kode)
                         .join(Household, Household.id == Member.household_id)).all()
    seen = {row.id_dtks for row in rows}
    assert seen == {t["id_dtks"] for t in truth_rows if t["expect"] == "import"}
    flags_by_id = {row.id_dtks: row.nik_flags or "" for row in rows}
    for row in rows:
        t = truth.get(row.id_dtks)
        if t is None:
            continue
        c = set(t["corruptions"].split(";"))
        if c & {"date_alt_format", "date_text", "date_serial"} and "dob_wrong" not in c:
            assert str(row.tanggal_lahir) == t["true_birth_date"], (t["file_row"], c)
        if "nik_excel" in c:
            assert "nik_rusak_excel" in (row.nik_flags or ""), t["file_row"]
        if "kk_excel" in c:
            assert "kk_rusak_excel" in (row.no_kk_flags or ""), t["file_row"]
        if "nik_missing" in c:
            assert row.nik is None
        if "name_spaces" in c:
            assert "  " not in row.nama
        assert row.rt is None or len(row.rt) >= 3
        if not c & {"nik_excel", "nik_missing", "nik_typo_digit", "nik_typo_swap", "nik_other_person"} and t["true_nik"]:
            assert row.nik == t["true_nik"], t["file_row"]
        if "desa_unknown" not in c and t["true_desa_code"] and not c & {"moved_desa", "moved_kec", "moved_out"}:
            assert row.desa_kode == t["true_desa_code"], (t["file_row"], c)
        if "duplicate_row" in c and t["duplicate_of"] in truth:
            orig = truth[t["duplicate_of"]]
            if orig["nik_in_file"] == t["nik_in_file"] and row.nik:
                # whichever of the two comes later in the file carries the flag
                pair = (row.nik_flags or "") + flags_by_id.get(orig["id_dtks"], "")
                assert "nik_ganda_di_berkas" in pair, (t, orig)


def test_unmapped_trailing_column_is_not_read_as_another_field(db, office, tmp_path):
    """A column after the last mapped one (Dukcapil's TGL_MATI) must not leak into unmapped fields."""
    header = ["NIK", "NO_KK", "NAMA_LGKP", "TGL_LHR", "JENIS_KLMIN", "KEL_NAME", "KEC_NAME", "TGL_MATI"]
    rows = [["3310011109860001", "3310011606160001", "SLAMET", "11-09-1986", "L", "SENGON", "PRAMBANAN", "01-02-2020"],
            ["3310015810870001", "3310011606160001", "SITI", "18-10-1987", "P", "SENGON", "PRAMBANAN", "01-02-2020"]]
    r = run_import(db, office, write_csv(tmp_path / "dk.csv", rows, header), kind="dukcapil")
    assert (r.imported, r.rejected) == (2, 0)
    rows = [["D1", "SENGON", "PRAMBANAN", "3310011606160001", "3310011109860001", "SLAMET", "9"],
            ["D2", "SENGON", "PRAMBANAN", "3310011606160001", "3310015810870001", "SITI", "9"]]
    r = run_import(db, office, write_csv(tmp_path / "d.csv", rows, ["ID DTKS", "DESA", "KECAMATAN", "NO KK", "NIK",
                                                                     "NAMA", "CATATAN LAIN"]), kind="dtks")
    assert (r.imported, r.rejected) == (2, 0)
    with db.sessions() as s:
        assert s.execute(select(func.count()).select_from(ImportProblem)
                         .where(ImportProblem.code == "id_dtks_ganda_di_berkas")).scalar_one() == 0


def test_nik_in_scientific_notation_says_excel_lost_the_digits(db, office, tmp_path):
    # A CSV saved by Excel with the NIK column as a number: "3.31E+15". The clerk must read that
    # Excel destroyed the NIK, not that "digit 7-8" of a number nobody wrote is wrong.
    rows = [list(r) for r in ROWS]
    rows[0][10] = "3.31E+15"
    f = write_csv(tmp_path / "notasi.csv", rows)
    r = run_import(db, office, f, kind="dtks")
    assert r.rows_read == 3 and r.imported == 3
    with db.sessions() as s:
        p = s.execute(select(ImportProblem).where(ImportProblem.source_row == 2,
                                                  ImportProblem.code == "nik_tidak_sah")).scalar_one()
        nik = s.execute(select(Member.nik).where(Member.id_dtks == "D001")).scalar_one()
    assert nik is None
    assert "notasi ilmiah" in p.message and "3.31E+15" in p.message
    assert "digit 7-8" not in p.message


def test_no_kk_in_scientific_notation_is_not_stored_as_a_number_of_zeros(db, office, tmp_path):
    # "3.31E+15" keeps 3 digits of the No KK: 3310000000000000 is no family's number, and a
    # region check on Excel's zeros ("33.10.00") says nothing. The family still holds together.
    rows = [list(r) for r in ROWS]
    for r in rows:
        r[9] = "3.31E+15"
    f = write_csv(tmp_path / "kk_notasi.csv", rows)
    r = run_import(db, office, f, kind="dtks")
    assert r.rows_read == 3 and r.imported == 3 and r.rejected == 0
    with db.sessions() as s:
        kks = s.execute(select(Household.no_kk)).scalars().all()
        probs = s.execute(select(ImportProblem).where(ImportProblem.source_row == 2)).scalars().all()
    assert len(kks) == 2 and kks == [None, None]
    codes = {p.code: p for p in probs}
    assert "kk_wilayah_tidak_dikenal" not in codes
    assert "notasi ilmiah" in codes["kk_tidak_sah"].message and "3.31E+15" in codes["kk_tidak_sah"].message


def test_workbook_with_an_instructions_sheet_first_reads_the_data_sheet(db, office, tmp_path):
    # Offices put a "Petunjuk" sheet in front of the data: the sheet with the header is read.
    path = tmp_path / "dua_lembar.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    info = wb.add_worksheet("Petunjuk")
    info.write_row(0, 0, ["Lembar ini berisi petunjuk pengisian"])
    info.write_row(1, 0, ["Isi data pada lembar berikutnya"])
    ws = wb.add_worksheet("Data")
    ws.write_row(0, 0, HEADER)
    for i, row in enumerate(ROWS, start=1):
        ws.write_row(i, 0, row)
    wb.close()
    pv = preview(path)
    assert pv.table.sheet_name == "Data"
    r = run_import(db, office, path, kind="dtks")
    assert r.rows_read == 3 and r.imported == 3
    assert any('"Data"' in n for n in r.notes)


def test_a_siksng_export_imported_as_a_civil_registry_extract_is_refused(db, office, tmp_path):
    """`dtks import dukcapil` on a SIKS-NG export would replace the whole civil registry with it."""
    files = demo.generate_files(tmp_path / "demo", demo.DemoConfig(people=300, seed=4), xlsx=False)
    first = run_import(db, office, files["dukcapil"], kind="dukcapil")
    before = snapshot(db)
    with pytest.raises(ImportFileError) as err:
        run_import(db, office, files["dtks_csv"], kind="dukcapil")
    assert err.value.code == "jenis_lain" and "Data DTKS (SIKS-NG)" in err.value.message
    assert snapshot(db) == before  # the civil registry of the first import stays whole
    assert first.imported > 0
    # and the right kinds still import
    assert run_import(db, office, files["dtks_csv"], kind="dtks").imported > 0
    assert run_import(db, office, files["program_PKH"], kind="program").imported > 0
