"""Header detection, presets, kind guessing and mapping validation."""

from __future__ import annotations

import json

import pytest
import xlsxwriter

from dtks_desktop.services.importing import mapping as m
from dtks_desktop.services.importing.mapping import fields as mapping_fields
from dtks_desktop.services.importing.mapping import (
    FIELD_LABELS,
    PRESETS,
    MappingError,
    Preset,
    detect_header,
    field_for_header,
    guess_kind,
    header_key,
    mapping_problems,
    normalize_header,
    validate_mapping,
)
from dtks_desktop.services.importing.readers import ImportFileError, open_table

TITLES = [
    ["DATA TERPADU KESEJAHTERAAN SOSIAL"],
    ["KABUPATEN KLATEN"],
    ["Dicetak dari SIKS-NG pada tanggal 12-03-2024 10:15"],
]

SIKSNG_DTKS_HEADER = [
    "ID DTKS", "PROVINSI", "KABUPATEN/KOTA", "KECAMATAN", "DESA/KELURAHAN", "ALAMAT", "DUSUN",
    "RT", "RW", "NOMOR KK", "NOMOR NIK", "NAMA", "TANGGAL LAHIR", "TEMPAT LAHIR",
    "JENIS KELAMIN", "NAMA IBU KANDUNG", "HUBUNGAN KELUARGA",
]
SIKSNG_DTKS_FIELDS = [
    "id_dtks", "provinsi", "kabupaten", "kecamatan", "desa", "alamat", "dusun", "rt", "rw",
    "no_kk", "nik", "nama", "tanggal_lahir", "tempat_lahir", "jenis_kelamin", "nama_ibu",
    "hubungan",
]
DESIL_HEADER = ["No", "No KK", "NIK", "Nama", "Desil", "Provinsi", "Kabupaten", "Kecamatan",
                "Desa/Kelurahan", "Alamat"]
DUKCAPIL_HEADER = [
    "NIK", "NO_KK", "NAMA_LGKP", "TMPT_LHR", "TGL_LHR", "JENIS_KLMIN", "NAMA_LGKP_IBU",
    "STAT_HBKEL", "ALAMAT", "NO_RT", "NO_RW", "KEL_NAME", "KEC_NAME", "KAB_NAME", "PROP_NAME",
    "NO_KEL", "NO_KEC",
]
DUKCAPIL_FIELDS = [
    "nik", "no_kk", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin", "nama_ibu",
    "hubungan", "alamat", "rt", "rw", "desa", "kecamatan", "kabupaten", "provinsi", "kode_desa",
    "kode_kecamatan",
]
PROGRAM_HEADER = ["NO", "NIK", "NAMA KPM", "ALAMAT", "PROGRAM", "PERIODE", "KETERANGAN"]
PROGRAM_KK_HEADER = ["No.", "NO. KK", "NAMA PENERIMA", "DESA", "JENIS BANTUAN", "TAHAP"]

DATA = ["3310216707810936", "x", "y"]


def numbered(rows: list[list], start: int = 1) -> list[tuple[int, list]]:
    """(row number, values) pairs as a reader yields them (blank rows skipped)."""
    out = []
    for i, row in enumerate(rows, start=start):
        if any(v not in (None, "") for v in row):
            out.append((i, list(row)))
    return out


# --------------------------------------------------------------------------------------------
# Normalisation and synonyms
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "normalized", "key"),
    [
        ("No. NIK", "NO NIK", "NONIK"),
        ("NAMA_LGKP", "NAMA LGKP", "NAMALGKP"),
        ("  Desa/Kelurahan ", "DESA KELURAHAN", "DESAKELURAHAN"),
        ("Tgl.\nLahir", "TGL LAHIR", "TGLLAHIR"),
        ("\ufeffNIK", "NIK", "NIK"),
        ("Désil", "DESIL", "DESIL"),
        (None, "", ""),
        (3.0, "3", "3"),
    ],
    ids=["dotted", "underscore", "slash-spaces", "newline", "bom", "accent", "none", "number"],
)
def test_normalize_header(text, normalized, key):
    assert normalize_header(text) == normalized
    assert header_key(text) == key


SYNONYM_CASES = [
    # nik
    ("NIK", "nik"), ("NOMOR NIK", "nik"), ("NO NIK", "nik"), ("No. NIK", "nik"),
    ("NIK ART", "nik"), ("NOMOR INDUK KEPENDUDUKAN", "nik"), ("NIK KTP", "nik"),
    ("nik_art", "nik"),
    # nama
    ("NAMA", "nama"), ("NAMA LENGKAP", "nama"), ("NAMA_LGKP", "nama"), ("NAMA ART", "nama"),
    ("NAMA PENERIMA", "nama"), ("NAMA KPM", "nama"),
    # no_kk
    ("NOMOR KK", "no_kk"), ("NO KK", "no_kk"), ("NO_KK", "no_kk"),
    ("NOMOR KARTU KELUARGA", "no_kk"), ("NKK", "no_kk"), ("No. KK", "no_kk"),
    # births, sex, mother, relation
    ("TGL_LHR", "tanggal_lahir"), ("TANGGAL LAHIR", "tanggal_lahir"),
    ("TGL LAHIR", "tanggal_lahir"),
    ("Tanggal Lahir (dd-mm-yyyy)", "tanggal_lahir"),
    ("TMPT_LHR", "tempat_lahir"), ("TEMPAT LAHIR", "tempat_lahir"),
    ("Tempat/Tgl Lahir", "tempat_tanggal_lahir"),
    ("JENIS_KLMIN", "jenis_kelamin"), ("JENIS KELAMIN", "jenis_kelamin"), ("JK", "jenis_kelamin"),
    ("L/P", "jenis_kelamin"),
    ("NAMA_LGKP_IBU", "nama_ibu"), ("NAMA IBU KANDUNG", "nama_ibu"), ("NAMA IBU", "nama_ibu"),
    ("STAT_HBKEL", "hubungan"), ("HUBUNGAN KELUARGA", "hubungan"),
    ("HUBUNGAN DENGAN KEPALA KELUARGA", "hubungan"), ("SHDK", "hubungan"),
    ("Status Hubungan Dalam Keluarga", "hubungan"),
    ("Hubungan dengan Kepala Rumah Tangga", "hubungan_krt"),
    # regions
    ("DESA/KELURAHAN", "desa"), ("DESA", "desa"), ("KELURAHAN", "desa"), ("KEL_NAME", "desa"),
    ("NAMA DESA", "desa"), ("DESAKELURAHAN", "desa"), ("DESAKELUARAHAN", "desa"),
    ("KECAMATAN", "kecamatan"), ("KEC_NAME", "kecamatan"),
    ("KABUPATEN/KOTA", "kabupaten"), ("KAB_NAME", "kabupaten"),
    ("PROVINSI", "provinsi"), ("PROP_NAME", "provinsi"),
    ("NO_KEL", "kode_desa"), ("NO_KEC", "kode_kecamatan"), ("kode_kemdagri", "kode_desa"),
    ("RT", "rt"), ("NO_RT", "rt"), ("RW", "rw"), ("NO_RW", "rw"),
    # ids and programme data
    ("ID DTKS", "id_dtks"), ("IDDTKS", "id_dtks"), ("ID_DTKS", "id_dtks"), ("ID ART", "id_art"),
    ("DESIL", "desil"), ("DESIL KESEJAHTERAAN", "desil"), ("PERINGKAT DESIL", "desil"),
    ("PROGRAM", "program"), ("JENIS BANTUAN", "program"), ("NAMA PROGRAM", "program"),
    ("PERIODE", "periode"), ("BULAN", "periode"), ("TAHAP", "periode"),
    ("KETERANGAN", "keterangan"), ("PADAN DUKCAPIL", "padan_dukcapil"),
    # not fields
    ("NO", None), ("DATA TERPADU KESEJAHTERAAN SOSIAL", None), ("KABUPATEN KLATEN", None),
    ("NIK KRT", None), ("", None),
]


@pytest.mark.parametrize(
    ("text", "expected"), SYNONYM_CASES, ids=[c[0] or "empty" for c in SYNONYM_CASES]
)
def test_field_for_header(text, expected):
    assert field_for_header(text) == expected


def test_every_field_has_a_label_and_synonyms():
    assert set(m.SYNONYMS) == set(FIELD_LABELS)
    for fld in m.FIELDS:
        assert field_for_header(FIELD_LABELS[fld]) in (fld, None) or fld == "nama_krt"


def test_synonym_collisions_are_rejected():
    with pytest.raises(ValueError, match="maps to both"):
        mapping_fields._build_index({"nik": ("NO NIK",), "no_kk": ("No. NIK",)})


# --------------------------------------------------------------------------------------------
# Header detection per preset
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "fields", "preset"),
    [
        (SIKSNG_DTKS_HEADER, SIKSNG_DTKS_FIELDS, "siksng_dtks"),
        (DESIL_HEADER, [None, "no_kk", "nik", "nama", "desil", "provinsi", "kabupaten",
                        "kecamatan", "desa", "alamat"], "siksng_desil"),
        (DUKCAPIL_HEADER, DUKCAPIL_FIELDS, "dukcapil"),
        (PROGRAM_HEADER, [None, "nik", "nama", "alamat", "program", "periode", "keterangan"],
         "program"),
        (PROGRAM_KK_HEADER, [None, "no_kk", "nama", "desa", "program", "periode"], "program"),
    ],
    ids=["siksng_dtks", "siksng_desil", "dukcapil", "program-nik", "program-kk"],
)
def test_detect_header_and_guess_kind(header, fields, preset):
    rows = numbered(TITLES + [[]] + [header] + [DATA] * 3)
    match = detect_header(rows, file_name="/data/ekspor.xlsx")
    assert match.header_row == 5 and match.header_rows == (5,)
    assert match.data_start_row == 6
    expected = {f: i for i, f in enumerate(fields) if f}
    assert match.columns == expected
    assert match.unmapped == [(i, header[i]) for i, f in enumerate(fields) if not f]
    assert match.duplicates == {}
    assert match.file_name == "ekspor.xlsx"
    kind, name, score = guess_kind(match)
    assert name == preset and kind == PRESETS[preset].kind
    assert score >= 0.8
    validate_mapping(match, preset)  # nothing missing
    # The same header with the preset given explicitly maps the same way.
    assert detect_header(rows, preset).columns == expected


@pytest.mark.parametrize(
    "header",
    [["NIK", "NAMA", "ALAMAT"], ["NIK", "NO KK", "NAMA", "TANGGAL LAHIR", "JENIS KELAMIN"]],
    ids=["nik-nama-alamat", "no-distinctive-column"],
)
def test_generic_header_is_not_guessed_with_confidence(header):
    _kind, _name, score = guess_kind(detect_header(numbered([header])))
    assert score < 0.8


def test_header_row_is_the_best_scoring_row():
    """A title row mentioning "NIK DAN NAMA" in one cell, and a form row with two known
    labels, must not beat the real header."""
    rows = numbered([
        ["DAFTAR NIK DAN NAMA PENERIMA"],
        ["KECAMATAN", "JOGONALAN", "DESA", "PRAWATAN"],
        ["NO", "NIK", "NAMA", "ALAMAT", "RT", "RW"],
        ["1", "3310", "Siti", "Jl", "1", "2"],
    ])
    match = detect_header(rows)
    assert match.header_row == 3
    assert match.columns == {"nik": 1, "nama": 2, "alamat": 3, "rt": 4, "rw": 5}


def test_two_row_merged_header():
    """ALAMAT merged over JALAN/RT/RW and LAHIR over TEMPAT/TANGGAL (calamine leaves the
    covered cells empty); NIK and NAMA merged vertically over both rows."""
    rows = numbered(TITLES + [
        ["NO", "NIK", "NAMA", "ALAMAT", None, None, "LAHIR", None],
        [None, None, None, "JALAN", "RT", "RW", "TEMPAT", "TANGGAL"],
        ["1", "3310216707810936", "Siti", "Jl. Mawar", "002", "003", "Klaten", "01-01-1980"],
    ])
    match = detect_header(rows, file_name="dua_baris.xlsx")
    assert match.header_rows == (4, 5)
    assert match.header_row == 4 and match.data_start_row == 6
    assert match.columns == {
        "nik": 1, "nama": 2, "alamat": 3, "rt": 4, "rw": 5, "tempat_lahir": 6,
        "tanggal_lahir": 7,
    }
    assert match.headers[4] == "ALAMAT / RT"
    assert match.column_label(7) == "H (LAHIR / TANGGAL)"


def test_two_row_header_never_guesses_silently():
    """NAMA under a merged IBU KANDUNG is a second NAMA column for the user to settle."""
    rows = numbered([
        ["NIK", "NAMA", "NO KK", "IBU KANDUNG", None],
        [None, None, None, "NAMA", "NIK"],
        DATA,
    ])
    match = detect_header(rows, file_name="ibu.xlsx")
    assert match.header_rows == (1, 2)
    assert match.duplicates == {"nik": [0, 4], "nama": [1, 3]}
    messages = [p.message for p in mapping_problems(match)]
    assert "Kolom B (NAMA) dan D (IBU KANDUNG / NAMA) sama-sama cocok dengan Nama" in messages[1]
    match = detect_header(rows, choices={"nama": 1, "nama_ibu": 3, "nik": 0})
    assert match.duplicates == {} and match.columns["nama_ibu"] == 3


def test_two_row_header_from_a_real_xlsx_with_merged_cells(tmp_path):
    path = tmp_path / "gabung.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.merge_range("A1:F1", "DATA TERPADU KESEJAHTERAAN SOSIAL")
    ws.merge_range("A3:A4", "NIK")
    ws.merge_range("B3:B4", "NAMA")
    ws.merge_range("C3:E3", "ALAMAT")
    ws.write_row("C4", ["DUSUN", "RT", "RW"])
    ws.merge_range("F3:F4", "NO KK")
    ws.write_row("A5", ["1", "2", "3", "4", "5", "6"])  # column numbering row
    ws.write_row("A6", ["3310216707810936", "Siti", "Krajan", "001", "002", "3310210101010001"])
    wb.close()
    with open_table(path) as table:
        match = detect_header(table.head(), file_name=table.path)
    assert match.header_rows == (3, 4)
    assert match.data_start_row == 6  # the numbering row 5 is skipped
    assert match.columns == {"nik": 0, "nama": 1, "dusun": 2, "rt": 3, "rw": 4, "no_kk": 5}


def test_header_detection_from_csv_table_and_guess_kind_on_table(tmp_path):
    path = tmp_path / "dukcapil.csv"
    path.write_text(
        "EKSTRAK DATA KEPENDUDUKAN\n" + ";".join(DUKCAPIL_HEADER) + "\n"
        + ";".join(["3310216707810936"] * len(DUKCAPIL_HEADER)) + "\n",
        encoding="utf-8",
    )
    with open_table(path) as table:
        assert guess_kind(table)[:2] == ("dukcapil", "dukcapil")
        match = detect_header(table.head(), file_name=table.path)
        row_no, values = list(table.iter_rows())[-1]
    assert match.data_start_row == row_no == 3
    rec = match.record(values)
    assert rec["nik"] == "3310216707810936" and set(rec) == set(DUKCAPIL_FIELDS)


def test_record_handles_short_rows():
    match = detect_header(numbered([["NIK", "NAMA", "NO KK", "DESA"]]))
    assert match.record(["1", "Siti"]) == {"nik": "1", "nama": "Siti", "no_kk": None, "desa": None}


def test_no_header_found():
    rows = numbered(TITLES + [["1", "2", "3"], ["NAMA", "ALAMAT"]] + [DATA] * 30)
    with pytest.raises(MappingError) as info:
        detect_header(rows, file_name="C:/Data/tanpa judul.xlsx")
    err = info.value
    assert isinstance(err, ImportFileError)
    assert err.code == "judul_tidak_ditemukan"
    assert err.message.startswith(
        'Baris judul kolom tidak ditemukan di 30 baris pertama berkas "tanpa judul.xlsx"'
    )


def test_header_after_row_30_is_not_searched():
    rows = numbered([["catatan"]] * 30 + [["NIK", "NAMA", "NO KK"]])
    with pytest.raises(MappingError):
        detect_header(rows)


# --------------------------------------------------------------------------------------------
# Duplicates, required fields, explicit choices
# --------------------------------------------------------------------------------------------

TWO_NIK_HEADER = ["NO", "ID DTKS", "NIK", "NAMA", "NO KK", "NIK ART", "ALAMAT"]


def test_two_nik_columns_are_reported_with_letters():
    match = detect_header(numbered([TWO_NIK_HEADER, DATA]), file_name="dua_nik.xlsx")
    assert match.duplicates == {"nik": [2, 5]}
    assert "nik" not in match.columns  # never a silent pick
    with pytest.raises(MappingError) as info:
        validate_mapping(match, "siksng_dtks")
    err = info.value
    assert err.message == (
        'Berkas "dua_nik.xlsx", baris 1: Kolom C (NIK) dan F (NIK ART) sama-sama cocok dengan '
        "NIK; pilih salah satu di pengaturan kolom"
    )
    assert [p.code for p in err.problems] == ["kolom_ganda"]
    assert err.problems[0].columns == (2, 5) and err.column == 2 and err.row == 1


@pytest.mark.parametrize(
    "choice", [5, "NIK ART", "nik art"], ids=["by-index", "by-header-text", "by-text-any-case"]
)
def test_explicit_choice_settles_duplicates(choice):
    match = detect_header(numbered([TWO_NIK_HEADER, DATA]), choices={"nik": choice})
    assert match.columns["nik"] == 5 and match.duplicates == {}
    assert (2, "NIK") in match.unmapped
    validate_mapping(match, "siksng_dtks")


def test_saved_preset_columns_settle_duplicates_and_override_synonyms():
    preset = PRESETS["siksng_dtks"].with_columns({"nik": "NIK", "alamat": "NO"})
    match = detect_header(numbered([TWO_NIK_HEADER, DATA]), preset)
    assert match.columns["nik"] == 2 and match.columns["alamat"] == 0
    assert "ALAMAT" in dict(match.unmapped).values()
    validate_mapping(match, preset)


def test_choice_none_ignores_a_field_and_missing_choice_is_reported():
    match = detect_header(
        numbered([TWO_NIK_HEADER, DATA]),
        file_name="x.csv",
        choices={"nik": 2, "alamat": None, "desa": "KELURAHAN"},
    )
    assert "alamat" not in match.columns
    assert match.missing_choices == {"desa": "KELURAHAN"}
    problems = mapping_problems(match)
    assert [p.code for p in problems] == ["pilihan_kolom_tidak_ada"]
    assert '"KELURAHAN"' in problems[0].message and "Desa/Kelurahan" in problems[0].message


def test_duplicates_beyond_column_z_use_excel_letters():
    header = [f"X{i}" for i in range(30)]
    header[0], header[1], header[26], header[28] = "NIK", "NAMA", "NO KK", "NOMOR KK"
    match = detect_header(numbered([header]), file_name="lebar.xlsx")
    (problem,) = mapping_problems(match)
    assert "Kolom AA (NO KK) dan AC (NOMOR KK) sama-sama cocok dengan Nomor KK" in problem.message


@pytest.mark.parametrize(
    ("header", "preset", "missing_text"),
    [
        (["NIK", "NAMA_LGKP", "TGL_LHR"], "dukcapil", "kolom wajib Nomor KK tidak ditemukan"),
        (["NIK", "NO KK", "NAMA", "ALAMAT"], "siksng_dtks", "kolom wajib ID DTKS tidak ditemukan"),
        (["NIK", "NO KK", "NAMA", "ALAMAT"], "siksng_desil", "kolom wajib Desil tidak ditemukan"),
        (["NAMA KPM", "ALAMAT", "DESA", "PROGRAM"], "program", "kolom NIK atau Nomor KK"),
    ],
    ids=["dukcapil-no-kk", "dtks-no-id", "desil-no-desil", "program-no-nik-or-kk"],
)
def test_missing_required_field(header, preset, missing_text):
    match = detect_header(numbered([["JUDUL"], header, DATA]), file_name="kurang.xlsx")
    with pytest.raises(MappingError) as info:
        validate_mapping(match, preset)
    err = info.value
    assert err.code == "kolom_wajib_tidak_ada"
    assert missing_text in err.message
    assert err.message.startswith('Berkas "kurang.xlsx", baris 2: ')


def test_all_problems_are_listed_together():
    match = detect_header(numbered([["NIK", "NIK KTP", "NAMA", "NAMA LENGKAP", "ALAMAT"]]))
    with pytest.raises(MappingError) as info:
        validate_mapping(match, "dukcapil")
    codes = [p.code for p in info.value.problems]
    assert codes == ["kolom_ganda", "kolom_ganda", "kolom_wajib_tidak_ada"]
    assert len(info.value.message.splitlines()) == 3


# --------------------------------------------------------------------------------------------
# Presets as JSON
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(PRESETS), ids=list(PRESETS))
def test_preset_json_round_trip(name):
    preset = PRESETS[name]
    again = Preset.from_json(preset.to_json())
    assert again == preset
    assert json.loads(preset.to_json())["kind"] == preset.kind


def test_user_preset_short_form():
    saved = json.dumps({"nik": "NIK PENERIMA BLT", "nama": "NAMA ANGGOTA"})
    preset = Preset.from_json(saved, base="program")
    assert preset.kind == "program" and preset.columns["nik"] == "NIK PENERIMA BLT"
    match = detect_header(numbered([["NIK PENERIMA BLT", "NAMA ANGGOTA", "DESA"]]), preset)
    assert match.columns == {"nik": 0, "nama": 1, "desa": 2}
    assert Preset.from_json(preset.to_json()) == preset


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("{bukan json", "bukan JSON"),
        ('{"nomor_hp": "HP"}', "kolom tidak dikenal: nomor_hp"),
        ('{"nik": 3}', "harus berupa teks"),
        ('{"name": "x", "kind": "bansos", "required": ["nik"]}', 'jenis "bansos"'),
        ("[1, 2]", "objek JSON"),
    ],
    ids=["not-json", "unknown-field", "not-text", "unknown-kind", "not-object"],
)
def test_invalid_preset_json(data, text):
    with pytest.raises(MappingError) as info:
        Preset.from_json(data)
    assert info.value.code == "preset_tidak_valid"
    assert text in info.value.message


def test_required_any_and_fields_of_program_preset():
    program = PRESETS["program"]
    assert program.required_any == (("nik", "no_kk"),)
    assert program.fields[:3] == ("nama", "nik", "no_kk")
