"""parse_date: formats seen in registry files, Excel serials, unknown and impossible dates."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

import pytest

from dtks_desktop.domain.issues import Severity
from dtks_desktop.services.importing import dates as D
from dtks_desktop.services.importing.dates import (
    DATE_ERROR_CODES,
    DATE_WARNING_CODES,
    excel_serial_to_date,
    parse_date,
)

TODAY = date(2025, 6, 1)
d = date

# (value, numeric_cell, expected date, expected issue code or None)
CASES = [
    # objects from Excel date cells
    ("date-object", d(1970, 8, 17), False, d(1970, 8, 17), None),
    ("datetime-object", datetime(1970, 8, 17, 13, 5), False, d(1970, 8, 17), None),
    ("datetime-future", datetime(2031, 1, 1), False, None, D.TANGGAL_MASA_DEPAN),
    # Excel serials
    ("serial-float", 29000.0, False, d(1979, 5, 25), None),
    ("serial-int", 29221, False, d(1980, 1, 1), None),
    ("serial-with-time", 29221.75, False, d(1980, 1, 1), None),
    ("serial-1", 1, False, d(1900, 1, 1), None),
    ("serial-59", 59, False, d(1900, 2, 28), None),
    ("serial-60-bug", 60, False, None, D.TANGGAL_TIDAK_VALID),
    ("serial-61", 61, False, d(1900, 3, 1), None),
    ("serial-text-5-digits", "29221", False, d(1980, 1, 1), D.TANGGAL_SERIAL_EXCEL),
    ("serial-text-4-digits", "5000", False, d(1913, 9, 8), D.TANGGAL_SERIAL_EXCEL),
    ("serial-text-dot-zero", "29221.0", False, d(1980, 1, 1), D.TANGGAL_SERIAL_EXCEL),
    ("serial-text-numeric-cell", "29221", True, d(1980, 1, 1), None),
    ("serial-future", 50000, False, None, D.TANGGAL_MASA_DEPAN),
    ("zero-number", 0, False, None, None),
    ("negative-number", -5, False, None, D.TANGGAL_TIDAK_DIKENALI),
    ("nik-in-date-column", 3310216707810930.0, False, None, D.TANGGAL_TIDAK_DIKENALI),
    ("year-only-text", "1970", False, None, D.TANGGAL_HANYA_TAHUN),
    ("year-only-number", 1970, False, None, D.TANGGAL_HANYA_TAHUN),
    ("yyyymmdd-number", 19800517, False, d(1980, 5, 17), None),
    # day-first text
    ("dd-mm-yyyy", "17-08-1970", False, d(1970, 8, 17), None),
    ("dd/mm/yyyy", "17/08/1970", False, d(1970, 8, 17), None),
    ("dd.mm.yyyy", "17.08.1970", False, d(1970, 8, 17), None),
    ("d-m-yyyy", "7-8-1970", False, d(1970, 8, 7), None),
    ("d/m/yyyy", "7/8/1970", False, d(1970, 8, 7), None),
    ("spaces-around", "  17-08-1970 ", False, d(1970, 8, 17), None),
    ("spaced-separators", "17 - 08 - 1970", False, d(1970, 8, 17), None),
    ("ddmmyyyy", "17081970", False, d(1970, 8, 17), None),
    ("with-time", "17-08-1970 00:00", False, d(1970, 8, 17), None),
    # year-first
    ("yyyy-mm-dd", "1970-08-17", False, d(1970, 8, 17), None),
    ("yyyy/mm/dd", "1970/08/17", False, d(1970, 8, 17), None),
    ("iso-datetime", "1980-05-17 00:00:00", False, d(1980, 5, 17), None),
    ("iso-T", "1980-05-17T10:20:30", False, d(1980, 5, 17), None),
    ("yyyymmdd", "19800517", False, d(1980, 5, 17), None),
    # month names
    ("indonesian-full", "17 Agustus 1970", False, d(1970, 8, 17), None),
    ("indonesian-upper", "17 AGUSTUS 1970", False, d(1970, 8, 17), None),
    ("indonesian-agt", "17 AGT 1970", False, d(1970, 8, 17), None),
    ("indonesian-ags-dashes", "17-Ags-1970", False, d(1970, 8, 17), None),
    ("indonesian-nopember", "10 Nopember 1945", False, d(1945, 11, 10), None),
    ("indonesian-pebruari", "1 Pebruari 1950", False, d(1950, 2, 1), None),
    ("indonesian-mei", "2 Mei 2000", False, d(2000, 5, 2), None),
    ("indonesian-des-dot", "25 Des. 1999", False, d(1999, 12, 25), None),
    ("english-short", "17 Aug 1970", False, d(1970, 8, 17), None),
    ("english-dashes", "17-Oct-1970", False, d(1970, 10, 17), None),
    ("english-month-first", "August 17, 1970", False, d(1970, 8, 17), None),
    ("english-month-first-short", "Aug 17 1970", False, d(1970, 8, 17), None),
    ("unknown-month-name", "17 Agustusan 1970", False, None, D.TANGGAL_TIDAK_DIKENALI),
    # two-digit years
    ("two-digit-year-19xx", "17-08-70", False, d(1970, 8, 17), D.TANGGAL_TAHUN_2_DIGIT),
    ("two-digit-year-20xx", "01/02/15", False, d(2015, 2, 1), D.TANGGAL_TAHUN_2_DIGIT),
    ("two-digit-year-not-future", "01-12-25", False, d(1925, 12, 1), D.TANGGAL_TAHUN_2_DIGIT),
    ("two-digit-year-name", "17 Agt 45", False, d(1945, 8, 17), D.TANGGAL_TAHUN_2_DIGIT),
    # month-first (English Excel) only when day-first is impossible
    ("month-first", "05/17/1980", False, d(1980, 5, 17), D.TANGGAL_BULAN_DULU),
    ("ambiguous-is-day-first", "05/06/1980", False, d(1980, 6, 5), None),
    # unknown: no date, no issue
    ("empty", "", False, None, None),
    ("none", None, False, None, None),
    ("dash", "-", False, None, None),
    ("zero-text", "0", False, None, None),
    ("zeros-dmy", "00-00-0000", False, None, None),
    ("zeros-slash", "00/00/0000", False, None, None),
    ("zeros-iso", "0000-00-00", False, None, None),
    ("zeros-iso-time", "0000-00-00 00:00:00", False, None, None),
    ("null-text", "NULL", False, None, None),
    # partly unknown: no date, a warning
    ("day-month-unknown", "00-00-1970", False, None, D.TANGGAL_TIDAK_LENGKAP),
    ("day-unknown", "00-08-1970", False, None, D.TANGGAL_TIDAK_LENGKAP),
    # impossible dates: errors
    ("month-13", "31-13-1980", False, None, D.TANGGAL_TIDAK_VALID),
    ("feb-30", "30-02-1990", False, None, D.TANGGAL_TIDAK_VALID),
    ("feb-29-non-leap", "29-02-1991", False, None, D.TANGGAL_TIDAK_VALID),
    ("feb-29-leap", "29-02-1992", False, d(1992, 2, 29), None),
    ("day-32", "32-01-1980", False, None, D.TANGGAL_TIDAK_VALID),
    ("iso-month-13", "1980-13-01", False, None, D.TANGGAL_TIDAK_VALID),
    ("ddmmyyyy-impossible", "31021990", False, None, D.TANGGAL_TIDAK_VALID),
    # out of range: errors
    ("future", "01-01-2030", False, None, D.TANGGAL_MASA_DEPAN),
    ("tomorrow", "02-06-2025", False, None, D.TANGGAL_MASA_DEPAN),
    ("today", "01-06-2025", False, d(2025, 6, 1), None),
    ("before-1900", "31-12-1899", False, None, D.TANGGAL_SEBELUM_1900),
    ("iso-before-1900", "1850-01-01", False, None, D.TANGGAL_SEBELUM_1900),
    # not a date
    ("words", "kemarin", False, None, D.TANGGAL_TIDAK_DIKENALI),
    ("nik-text", "3310216707810936", False, None, D.TANGGAL_TIDAK_DIKENALI),
    ("six-digits", "170870", False, None, D.TANGGAL_TIDAK_DIKENALI),
    ("bool", True, False, None, D.TANGGAL_TIDAK_DIKENALI),
]


@pytest.mark.parametrize(("value", "numeric", "expected", "code"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_parse_date(value, numeric, expected, code):
    got, issue = parse_date(value, numeric_cell=numeric, today=TODAY)
    assert got == expected
    assert (issue.code if issue else None) == code
    if issue is not None:
        expected_severity = Severity.ERROR if code in DATE_ERROR_CODES else Severity.WARNING
        assert issue.severity is expected_severity
        assert code in DATE_ERROR_CODES | DATE_WARNING_CODES
        assert issue.message.startswith("Tanggal ")  # Indonesian, quotes the value
    if issue is not None and issue.is_error:
        assert got is None  # an error never comes with a date


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("31-13-1980", 'Tanggal "31-13-1980" tidak valid: bulan 13 tidak ada'),
        ("30-02-1990",
         'Tanggal "30-02-1990" tidak valid: tanggal 30 tidak ada di bulan Februari 1990'),
        ("29-02-1991", "(1991 bukan tahun kabisat)"),
        ("01-01-2030", 'Tanggal "01-01-2030" ada di masa depan'),
        ("2030-01-01", 'Tanggal "2030-01-01" (01-01-2030) ada di masa depan'),
        ("31-12-1899", "sebelum tahun 1900"),
        ("17-08-70", "tahunnya ditulis 2 digit, dibaca 17-08-1970"),
        ("29221", "nomor seri tanggal Excel; dibaca 01-01-1980"),
        ("abc",
         'Tanggal "abc" tidak dikenali; tulis sebagai tanggal-bulan-tahun, misalnya 17-08-1970'),
    ],
    ids=["month", "feb-30", "leap", "future", "future-iso", "before-1900", "two-digit", "serial",
         "unknown"],
)
def test_messages_are_indonesian(value, text):
    _got, issue = parse_date(value, today=TODAY)
    assert issue is not None and text in issue.message


def test_excel_serial_to_date():
    assert excel_serial_to_date(1) == date(1900, 1, 1)
    assert excel_serial_to_date(60) is None  # Excel's 29-02-1900
    assert excel_serial_to_date(45658) == date(2025, 1, 1)
    assert excel_serial_to_date(0) is None
    assert excel_serial_to_date(float("nan")) is None
    assert excel_serial_to_date(2958465) == date(9999, 12, 31)
    assert excel_serial_to_date(2958466) is None


def test_cache_does_not_change_results():
    D.clear_cache()
    first = [parse_date(v) for v in ("17-08-1970", "30-02-1990", "", "17 Agt 1970", "abc")]
    second = [parse_date(v) for v in ("17-08-1970", "30-02-1990", "", "17 Agt 1970", "abc")]
    assert first == second
    assert "17-08-1970" in D._CACHE


def test_cache_is_not_shared_with_numeric_cells():
    D.clear_cache()
    assert parse_date("29221")[1].code == D.TANGGAL_SERIAL_EXCEL
    assert parse_date("29221", numeric_cell=True) == (date(1980, 1, 1), None)


def test_future_results_are_not_cached():
    D.clear_cache()
    tomorrow = (date.today() + timedelta(days=1)).strftime("%d-%m-%Y")
    assert parse_date(tomorrow)[1].code == D.TANGGAL_MASA_DEPAN
    assert tomorrow not in D._CACHE


@pytest.mark.parametrize(
    "distinct", [30_000, 200_000], ids=["realistic-30k-distinct", "200k-distinct"]
)
def test_speed_common_path(distinct):
    """>= 1,000,000 dd-mm-yyyy strings per second on the real data shape (birth dates repeat).

    The assertion leaves a wide margin for slow CI machines; the measured rate is printed.
    """
    base = date(1930, 1, 1)
    pool = [(base + timedelta(days=i % 34_000)).strftime("%d-%m-%Y") for i in range(distinct)]
    values = [pool[(i * 7919) % distinct] for i in range(150_000)]
    D.clear_cache()
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        for v in values:
            parse_date(v)
        best = min(best, time.perf_counter() - start)
    rate = len(values) / best
    print(f"parse_date: {rate / 1e6:.2f} M strings/s ({distinct} distinct)")
    assert rate > 250_000
