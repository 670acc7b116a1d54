"""Table-driven tests for dtks_desktop.domain.nik (DOMAIN.md section 2.1)."""

from __future__ import annotations

from datetime import date

import pytest

from dtks_desktop.domain import nik as N
from dtks_desktop.domain.issues import Issue, Severity
from dtks_desktop.domain.regions import RegionCodes

TODAY = date(2025, 6, 1)

# A small reference set: Jawa Tengah > Klaten > Prambanan only.
REGIONS = RegionCodes(
    [
        ("33", "Jawa Tengah"),
        ("33.10", "Kabupaten Klaten"),
        ("33.10.01", "Prambanan"),
        ("33.10.01.2001", "Sengon"),
    ]
)


# ---------------------------------------------------------------------------------------------
# Valid NIKs: what they imply
# ---------------------------------------------------------------------------------------------

VALID = [
    # id, nik, birth_date, sex
    ("male", "3310011201850012", date(1985, 1, 12), "L"),
    ("female_day_plus_40", "3310015201850012", date(1985, 1, 12), "P"),
    ("female_day_41", "3310014103900001", date(1990, 3, 1), "P"),
    ("female_day_71", "3310017112990001", date(1999, 12, 31), "P"),
    ("male_day_31", "3310013112990001", date(1999, 12, 31), "L"),
    ("century_2005", "3310011201050012", date(2005, 1, 12), "L"),
    ("century_1985", "3310011201850012", date(1985, 1, 12), "L"),
    ("century_today_is_20yy", "3310010106250001", date(2025, 6, 1), "L"),
    ("century_tomorrow_is_19yy", "3310010206250001", date(1925, 6, 2), "L"),
    ("leap_day_2000", "3310012902000001", date(2000, 2, 29), "L"),
]


@pytest.mark.parametrize(
    ("value", "birth_date", "sex"), [c[1:] for c in VALID], ids=[c[0] for c in VALID]
)
def test_valid_nik(value: str, birth_date: date, sex: str) -> None:
    info = N.parse_nik(value, regions=REGIONS, today=TODAY)
    assert info.ok
    assert info.issues == ()
    assert info.nik == value
    assert info.raw == value
    assert info.province == "33"
    assert info.kabupaten == "33.10"
    assert info.kecamatan == "33.10.01"
    assert info.birth_date == birth_date
    assert info.sex == sex
    assert info.serial == value[12:]
    assert N.nik_implied(value, today=TODAY) == (birth_date, sex)
    assert N.is_plausible_nik(value)


def test_surrounding_whitespace_is_stripped_raw_is_kept() -> None:
    info = N.parse_nik("  3310011201850012\t", today=TODAY)
    assert info.ok
    assert info.nik == "3310011201850012"
    assert info.raw == "  3310011201850012\t"


# ---------------------------------------------------------------------------------------------
# Errors: not a NIK
# ---------------------------------------------------------------------------------------------

ERRORS = [
    # id, value, expected error codes
    ("none", None, {N.NIK_KOSONG}),
    ("empty", "", {N.NIK_KOSONG}),
    ("blank", "   ", {N.NIK_KOSONG}),
    ("15_digits", "331001120185001", {N.NIK_BUKAN_16_DIGIT}),
    ("17_digits", "33100112018500123", {N.NIK_BUKAN_16_DIGIT}),
    ("letter_o", "33100112O1850012", {N.NIK_BUKAN_16_DIGIT}),
    ("inner_space_not_cleaned", "3310 0112 0185 0012", {N.NIK_BUKAN_16_DIGIT}),
    ("arabic_indic_digits", "٣٣١٠٠١١٢٠١٨٥٠٠١٢", {N.NIK_BUKAN_16_DIGIT}),
    ("day_00", "3310010001850012", {N.NIK_TANGGAL_TIDAK_VALID}),
    ("day_32", "3310013201850012", {N.NIK_TANGGAL_TIDAK_VALID}),
    ("day_40", "3310014001850012", {N.NIK_TANGGAL_TIDAK_VALID}),
    ("day_72", "3310017201850012", {N.NIK_TANGGAL_TIDAK_VALID}),
    ("day_99", "3310019901850012", {N.NIK_TANGGAL_TIDAK_VALID}),
    ("month_00", "3310011200850012", {N.NIK_BULAN_TIDAK_VALID}),
    ("month_13", "3310011213850012", {N.NIK_BULAN_TIDAK_VALID}),
    ("day_and_month", "3310010013850012", {N.NIK_TANGGAL_TIDAK_VALID, N.NIK_BULAN_TIDAK_VALID}),
    ("serial_0000", "3310011201850000", {N.NIK_URUT_NOL}),
    ("unknown_province_99", "9910011201850012", {N.NIK_PROVINSI_TIDAK_DIKENAL}),
]


@pytest.mark.parametrize(("value", "codes"), [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS])
def test_errors(value: str | None, codes: set[str]) -> None:
    info = N.parse_nik(value, regions=REGIONS, today=TODAY)
    assert not info.ok
    assert info.nik is None
    assert {i.code for i in info.errors} == codes
    assert all(i.severity is Severity.ERROR for i in info.errors)
    assert codes <= N.NIK_ERROR_CODES
    if value is not None and value.strip() and N.NIK_PROVINSI_TIDAK_DIKENAL not in codes:
        # is_plausible_nik is structural only: it does not look regions up.
        assert not N.is_plausible_nik(value.strip())


def test_unknown_province_is_only_checked_with_regions() -> None:
    assert N.parse_nik("9910011201850012", today=TODAY).ok
    # With the packaged Kepmendagri list as well.
    from dtks_desktop.domain.regions import default_region_codes

    info = N.parse_nik("9910011201850012", regions=default_region_codes(), today=TODAY)
    assert info.codes == (N.NIK_PROVINSI_TIDAK_DIKENAL,)


MESSAGES = [
    ("15_digits", "331001120185001", "NIK harus 16 digit angka (tertulis 15 digit)"),
    ("17_digits", "33100112018500123", "NIK harus 16 digit angka (tertulis 17 digit)"),
    ("letters", "33100112O1850012", "NIK harus 16 digit angka (berisi huruf atau tanda lain: O)"),
    ("empty", "", "NIK kosong"),
    ("serial", "3310011201850000", "Nomor urut NIK (4 digit terakhir) tidak boleh 0000"),
]


@pytest.mark.parametrize(
    ("value", "message"), [c[1:] for c in MESSAGES], ids=[c[0] for c in MESSAGES]
)
def test_messages_are_indonesian(value: str, message: str) -> None:
    assert N.parse_nik(value, today=TODAY).issues[0].message == message


# ---------------------------------------------------------------------------------------------
# Warnings: flag, never reject
# ---------------------------------------------------------------------------------------------

WARNINGS = [
    # id, value, kwargs, expected warning codes, expected birth date
    (
        "unknown_kecamatan_prefix",
        "3310991201850012",
        {},
        [N.NIK_WILAYAH_TIDAK_DIKENAL],
        date(1985, 1, 12),
    ),
    (
        "unknown_kabupaten_prefix",
        "3369011201850012",
        {},
        [N.NIK_WILAYAH_TIDAK_DIKENAL],
        date(1985, 1, 12),
    ),
    ("feb_30_male", "3310013002850012", {}, [N.NIK_TANGGAL_MUSTAHIL], None),
    ("feb_30_female", "3310017002850012", {}, [N.NIK_TANGGAL_MUSTAHIL], None),
    ("apr_31", "3310013104850012", {}, [N.NIK_TANGGAL_MUSTAHIL], None),
    ("feb_29_non_leap", "3310012902010012", {}, [N.NIK_TANGGAL_MUSTAHIL], None),
    (
        "date_differs_from_record",
        "3310011201850012",
        {"record_birth_date": date(1985, 1, 13)},
        [N.NIK_TGL_LAHIR_BEDA],
        date(1985, 1, 12),
    ),
    (
        "sex_differs_from_record",
        "3310011201850012",
        {"record_sex": "P"},
        [N.NIK_JENIS_KELAMIN_BEDA],
        date(1985, 1, 12),
    ),
    (
        "female_nik_recorded_male_word",
        "3310015201850012",
        {"record_sex": "LAKI-LAKI"},
        [N.NIK_JENIS_KELAMIN_BEDA],
        date(1985, 1, 12),
    ),
    (
        "date_and_sex_differ",
        "3310015201850012",
        {"record_birth_date": date(1986, 1, 12), "record_sex": "L"},
        [N.NIK_TGL_LAHIR_BEDA, N.NIK_JENIS_KELAMIN_BEDA],
        date(1985, 1, 12),
    ),
    (
        "excel_damaged",
        "3310011201850010",
        {"excel_damaged": True},
        [N.NIK_RUSAK_EXCEL],
        date(1985, 1, 12),
    ),
    (
        "excel_damaged_serial_zero_is_not_an_error",
        "3310011201850000",
        {"excel_damaged": True},
        [N.NIK_RUSAK_EXCEL],
        date(1985, 1, 12),
    ),
    (
        "excel_damaged_record_agrees",
        "3310015201850010",
        {"excel_damaged": True, "record_birth_date": date(1985, 1, 12), "record_sex": "P"},
        [N.NIK_RUSAK_EXCEL],
        date(1985, 1, 12),
    ),
]


@pytest.mark.parametrize(
    ("value", "kwargs", "codes", "birth_date"),
    [c[1:] for c in WARNINGS],
    ids=[c[0] for c in WARNINGS],
)
def test_warnings(value: str, kwargs: dict, codes: list[str], birth_date: date | None) -> None:
    info = N.parse_nik(value, regions=REGIONS, today=TODAY, **kwargs)
    assert info.ok, info.errors
    assert info.nik == value
    assert [i.code for i in info.warnings] == codes
    assert all(i.severity is Severity.WARNING for i in info.warnings)
    assert set(codes) <= N.NIK_WARNING_CODES
    assert info.birth_date == birth_date


def test_excel_damage_message() -> None:
    info = N.parse_nik("3310011201850010", excel_damaged=True, today=TODAY)
    assert info.issues == (
        Issue(
            "nik_rusak_excel",
            Severity.WARNING,
            "NIK rusak oleh Excel: digit terakhir tidak dapat dipercaya",
        ),
    )


def test_excel_damage_is_reported_even_when_shape_is_wrong() -> None:
    info = N.parse_nik("331001120185001", excel_damaged=True, today=TODAY)
    assert info.codes == (N.NIK_BUKAN_16_DIGIT, N.NIK_RUSAK_EXCEL)


RECORD_AGREES = [
    ("same_date", "3310011201850012", date(1985, 1, 12), "L"),
    ("record_settles_century", "3310011201200012", date(1920, 1, 12), "L"),
    ("sex_word_perempuan", "3310015201850012", None, "Perempuan"),
    ("sex_code_2", "3310015201850012", None, "2"),
    ("unknown_sex_word_not_compared", "3310015201850012", None, "?"),
]


@pytest.mark.parametrize(
    ("value", "record_date", "record_sex"),
    [c[1:] for c in RECORD_AGREES],
    ids=[c[0] for c in RECORD_AGREES],
)
def test_record_agrees_no_warning(value: str, record_date: date | None, record_sex: str) -> None:
    info = N.parse_nik(value, record_birth_date=record_date, record_sex=record_sex, today=TODAY)
    assert info.issues == ()
    if record_date is not None:
        assert info.birth_date == record_date


def test_warning_messages_name_both_values() -> None:
    info = N.parse_nik(
        "3310011201850012",
        record_birth_date=date(1985, 1, 13),
        record_sex="P",
        today=TODAY,
    )
    date_msg, sex_msg = (i.message for i in info.warnings)
    assert "12-01-1985" in date_msg and "13-01-1985" in date_msg
    assert "laki-laki" in sex_msg and "perempuan" in sex_msg


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

IMPLIED = [
    ("invalid_day", "3310019901850012", (None, None)),
    ("invalid_month_keeps_sex", "3310015213850012", (None, "P")),
    ("impossible_date_keeps_sex", "3310013002850012", (None, "L")),
    ("not_16_digits", "331001", (None, None)),
]


@pytest.mark.parametrize(
    ("value", "expected"), [c[1:] for c in IMPLIED], ids=[c[0] for c in IMPLIED]
)
def test_nik_implied_edge_cases(value: str, expected: tuple) -> None:
    assert N.nik_implied(value, today=TODAY) == expected


PLAUSIBLE_AGREES = [
    "3310011201850012",
    "3310015201850012",
    "3310010001850012",
    "3310014001850012",
    "3310011213850012",
    "3310011201850000",
    "9910011201850012",
    "3310013002850012",
    "331001120185001",
    "33100112O1850012",
    "",
]


@pytest.mark.parametrize("value", PLAUSIBLE_AGREES, ids=lambda v: v or "empty")
def test_is_plausible_agrees_with_parse_without_regions(value: str) -> None:
    assert N.is_plausible_nik(value) == N.parse_nik(value, today=TODAY).ok


@pytest.mark.parametrize(
    "value", [None, 3310011201850012, b"3310011201850012"], ids=["none", "int", "bytes"]
)
def test_is_plausible_rejects_non_str(value: object) -> None:
    assert N.is_plausible_nik(value) is False


SEX_WORDS = [
    ("L", "L"),
    ("l", "L"),
    ("LK", "L"),
    ("Laki-laki", "L"),
    ("LAKI LAKI", "L"),
    ("Pria", "L"),
    ("1", "L"),
    (1, "L"),
    ("P", "P"),
    ("PR", "P"),
    ("perempuan", "P"),
    ("Wanita", "P"),
    ("2", "P"),
    ("", None),
    (None, None),
    ("X", None),
]


@pytest.mark.parametrize(("value", "expected"), SEX_WORDS, ids=[repr(v) for v, _ in SEX_WORDS])
def test_normalize_sex(value: object, expected: str | None) -> None:
    assert N.normalize_sex(value) == expected


def test_issue_code_constants() -> None:
    assert N.NIK_ERROR_CODES == {
        "nik_kosong",
        "nik_bukan_16_digit",
        "nik_tanggal_tidak_valid",
        "nik_bulan_tidak_valid",
        "nik_urut_nol",
        "nik_provinsi_tidak_dikenal",
    }
    assert N.NIK_WARNING_CODES == {
        "nik_wilayah_tidak_dikenal",
        "nik_tanggal_mustahil",
        "nik_tgl_lahir_beda",
        "nik_jenis_kelamin_beda",
        "nik_rusak_excel",
    }


def test_nikinfo_is_frozen() -> None:
    info = N.parse_nik("3310011201850012", today=TODAY)
    with pytest.raises(AttributeError):
        info.nik = "x"  # type: ignore[misc]
