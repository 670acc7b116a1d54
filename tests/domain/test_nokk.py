"""Table-driven tests for dtks_desktop.domain.nokk (DOMAIN.md section 2.2)."""

from __future__ import annotations

import pytest

from dtks_desktop.domain import nokk as K
from dtks_desktop.domain.issues import Severity
from dtks_desktop.domain.regions import RegionCodes

REGIONS = RegionCodes(
    [("33", "Jawa Tengah"), ("33.10", "Kabupaten Klaten"), ("33.10.01", "Prambanan")]
)

VALID = [
    ("plain", "3310010101200001"),
    ("digits_7_16_not_a_date", "3310019999990001"),
    ("whitespace_stripped", " 3310010101200001 "),
]


@pytest.mark.parametrize("value", [c[1] for c in VALID], ids=[c[0] for c in VALID])
def test_valid(value: str) -> None:
    info = K.parse_no_kk(value, regions=REGIONS)
    assert info.ok
    assert info.issues == ()
    assert info.nk == value.strip()
    assert info.raw == value
    assert info.region == "33.10.01"
    assert info.kabupaten == "33.10"
    assert info.province == "33"
    assert K.is_plausible_no_kk(value.strip())


CASES = [
    # id, value, kwargs, expected codes in order, ok
    ("none", None, {}, [K.KK_KOSONG], False),
    ("empty", "", {}, [K.KK_KOSONG], False),
    ("15_digits", "331001010120001", {}, [K.KK_BUKAN_16_DIGIT], False),
    ("17_digits", "33100101012000011", {}, [K.KK_BUKAN_16_DIGIT], False),
    ("letters", "33100101O1200001", {}, [K.KK_BUKAN_16_DIGIT], False),
    ("all_zero", "0000000000000000", {}, [K.KK_NOL], False),
    ("serial_0000", "3310010101200000", {}, [K.KK_URUT_NOL], False),
    (
        "unknown_province",
        "9910010101200001",
        {"regions": REGIONS},
        [K.KK_PROVINSI_TIDAK_DIKENAL],
        False,
    ),
    ("unknown_province_without_regions", "9910010101200001", {}, [], True),
    (
        "unknown_kabupaten",
        "3369010101200001",
        {"regions": REGIONS},
        [K.KK_WILAYAH_TIDAK_DIKENAL],
        True,
    ),
    (
        "unknown_kecamatan",
        "3310990101200001",
        {"regions": REGIONS},
        [K.KK_WILAYAH_TIDAK_DIKENAL],
        True,
    ),
    ("excel_damaged", "3310010101200000", {"excel_damaged": True}, [K.KK_RUSAK_EXCEL], True),
    (
        "excel_damaged_wrong_length",
        "331001010120000",
        {"excel_damaged": True},
        [K.KK_BUKAN_16_DIGIT, K.KK_RUSAK_EXCEL],
        False,
    ),
]


@pytest.mark.parametrize(
    ("value", "kwargs", "codes", "ok"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_cases(value: str | None, kwargs: dict, codes: list[str], ok: bool) -> None:
    info = K.parse_no_kk(value, **kwargs)
    assert list(info.codes) == codes
    assert info.ok is ok
    assert (info.nk is not None) is ok
    for issue in info.issues:
        expected = K.KK_ERROR_CODES if issue.severity is Severity.ERROR else K.KK_WARNING_CODES
        assert issue.code in expected


def test_excel_damage_message() -> None:
    info = K.parse_no_kk("3310010101200010", excel_damaged=True)
    assert (
        info.warnings[0].message
        == "Nomor KK rusak oleh Excel: digit terakhir tidak dapat dipercaya"
    )


def test_length_message() -> None:
    info = K.parse_no_kk("331001010120001")
    assert info.errors[0].message == "Nomor KK harus 16 digit angka (tertulis 15 digit)"


PLAUSIBLE = [
    ("valid", "3310010101200001", True),
    ("all_zero", "0000000000000000", False),
    ("serial_zero", "3310010101200000", False),
    ("short", "331001", False),
    ("none", None, False),
]


@pytest.mark.parametrize(
    ("value", "expected"), [c[1:] for c in PLAUSIBLE], ids=[c[0] for c in PLAUSIBLE]
)
def test_is_plausible_no_kk(value: str | None, expected: bool) -> None:
    assert K.is_plausible_no_kk(value) is expected
