"""Dates as they appear in registry files: :func:`parse_date`.

Accepted:

- ``date`` / ``datetime`` objects (a date cell read from Excel);
- Excel serial numbers (1900 date system, with Excel's fictitious 29-02-1900 as serial 60):
  a numeric cell, or a text of 4-5 digits in a date column (what a date cell becomes when it
  is exported as General). A 4-digit value between 1900 and the current year is a year on its
  own, not a serial (the serials 1900-2025 would be dates in 1905, implausible for a living
  person): it gives no date and a warning;
- ``dd-mm-yyyy``, ``dd/mm/yyyy``, ``dd.mm.yyyy``, ``d-m-yyyy``, ``yyyy-mm-dd`` (optionally
  followed by a time, ``"1980-05-17 00:00:00"``), ``ddmmyyyy`` / ``yyyymmdd``;
- month names, Indonesian and English, full or short: ``"17 Agustus 1970"``, ``"17 AGT 1970"``,
  ``"17-Ags-1970"``, ``"17 Aug 1970"``, ``"August 17, 1970"``;
- two-digit years (``17-08-70``): read as the latest year that is not in the future, with a
  warning;
- a month-first date (``05/17/1980``, from an English Excel) only when the day-first reading
  is impossible, with a warning.

``""``, ``None``, ``"-"``, ``"0"``, ``"00-00-0000"`` and the like mean "unknown": no date and
no issue. Impossible dates (``31-13-1980``, ``30-02-1990``), dates in the future and dates
before 1900 are ERRORS; nothing is guessed silently.

Messages are Indonesian and quote the value; the importer adds the file, row and column
(:func:`dtks_desktop.services.importing.readers.table.describe_location`).

Speed: results for text values are cached (a registry has a few tens of thousands of distinct
birth dates), and ``dd-mm-yyyy`` takes a fast path without regular expressions.
"""

from __future__ import annotations

import math
import re
import time
from datetime import date, datetime, timedelta

from dtks_desktop.domain.issues import Issue, error, warning

__all__ = [
    "parse_date",
    "excel_serial_to_date",
    "format_date",
    "clear_cache",
    "TANGGAL_TIDAK_VALID",
    "TANGGAL_TIDAK_DIKENALI",
    "TANGGAL_MASA_DEPAN",
    "TANGGAL_SEBELUM_1900",
    "TANGGAL_TAHUN_2_DIGIT",
    "TANGGAL_BULAN_DULU",
    "TANGGAL_HANYA_TAHUN",
    "TANGGAL_TIDAK_LENGKAP",
    "TANGGAL_SERIAL_EXCEL",
    "DATE_ERROR_CODES",
    "DATE_WARNING_CODES",
]

# ---- issue codes -------------------------------------------------------------------------
# Errors: no usable date.
TANGGAL_TIDAK_VALID = "tanggal_tidak_valid"
TANGGAL_TIDAK_DIKENALI = "tanggal_tidak_dikenali"
TANGGAL_MASA_DEPAN = "tanggal_masa_depan"
TANGGAL_SEBELUM_1900 = "tanggal_sebelum_1900"
# Warnings: a date was read (or knowingly left empty), but somebody should look.
TANGGAL_TAHUN_2_DIGIT = "tanggal_tahun_2_digit"
TANGGAL_BULAN_DULU = "tanggal_bulan_dulu"
TANGGAL_HANYA_TAHUN = "tanggal_hanya_tahun"
TANGGAL_TIDAK_LENGKAP = "tanggal_tidak_lengkap"
TANGGAL_SERIAL_EXCEL = "tanggal_serial_excel"

DATE_ERROR_CODES = frozenset(
    {TANGGAL_TIDAK_VALID, TANGGAL_TIDAK_DIKENALI, TANGGAL_MASA_DEPAN, TANGGAL_SEBELUM_1900}
)
DATE_WARNING_CODES = frozenset(
    {
        TANGGAL_TAHUN_2_DIGIT,
        TANGGAL_BULAN_DULU,
        TANGGAL_HANYA_TAHUN,
        TANGGAL_TIDAK_LENGKAP,
        TANGGAL_SERIAL_EXCEL,
    }
)

Result = tuple[date | None, Issue | None]

_MIN_DATE = date(1900, 1, 1)
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 61 -> 1900-03-01 (serial 60 is Excel's 1900-02-29)
_MAX_SERIAL = 2958465  # 9999-12-31

_MONTH_NAMES_ID = (
    "", "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
    "Oktober", "November", "Desember",
)

_MONTHS: dict[str, int] = {}
for _num, _names in {
    1: ("JANUARI", "JANUARY", "JAN", "JANUAR"),
    2: ("FEBRUARI", "PEBRUARI", "FEBRUARY", "FEB", "PEB", "FEBR"),
    3: ("MARET", "MARCH", "MAR", "MRT"),
    4: ("APRIL", "APR"),
    5: ("MEI", "MAY"),
    6: ("JUNI", "JUNE", "JUN"),
    7: ("JULI", "JULY", "JUL"),
    8: ("AGUSTUS", "AUGUST", "AGS", "AGT", "AGU", "AGUST", "AGST", "AUG"),
    9: ("SEPTEMBER", "SEP", "SEPT", "SPT"),
    10: ("OKTOBER", "OCTOBER", "OKT", "OCT"),
    11: ("NOVEMBER", "NOPEMBER", "NOV", "NOP", "NPM"),
    12: ("DESEMBER", "DECEMBER", "DES", "DEC"),
}.items():
    for _n in _names:
        _MONTHS[_n] = _num

_NULL_TEXT = frozenset(
    {"", "-", "--", "0", "NULL", "NAN", "NONE", "N/A", "#N/A", "NAT", "TIDAK ADA",
     "TIDAK DIKETAHUI"}
)
_ZERO_DATE_RE = re.compile(r"[0\s\-/.:T]+", re.ASCII)
_TIME_SUFFIX_RE = re.compile(
    r"[ T]+\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:[.,]\d+)?)?\s*(?:AM|PM|WIB|WITA|WIT)?$", re.IGNORECASE
)
_DMY_RE = re.compile(r"(\d{1,2})\s*([-/.\s])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})", re.ASCII)
_YMD_RE = re.compile(r"(\d{4})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})", re.ASCII)
_D_NAME_Y_RE = re.compile(r"(\d{1,2})[\s\-/.]*([A-Za-z]+)\.?[\s\-/.,]*(\d{4}|\d{2})")
_NAME_D_Y_RE = re.compile(r"([A-Za-z]+)\.?\s*(\d{1,2})(?:st|nd|rd|th)?\s*[,\s]\s*(\d{4})")
_SERIAL_TEXT_RE = re.compile(r"\d{4,5}(?:[.,]\d+)?", re.ASCII)

_FAST_SEPARATORS = frozenset("-/.")
_fromisoformat = date.fromisoformat  # accepts "yyyymmdd" since Python 3.11

_CACHE: dict[str, Result] = {}
_CACHE_MAX = 1 << 18

_today_value = date.today()
_today_checked = time.monotonic()


def _today() -> date:
    """Today, re-read at most once a minute (date.today() is slow for a million rows)."""
    global _today_value, _today_checked
    now = time.monotonic()
    if now - _today_checked > 60.0:
        _today_value = date.today()
        _today_checked = now
    return _today_value


def clear_cache() -> None:
    """Forget cached results (tests; or after changing the clock)."""
    global _today_checked
    _CACHE.clear()
    _today_checked = -1e9


def format_date(d: date) -> str:
    """``dd-mm-yyyy``, the way dates are shown to the user."""
    return f"{d.day:02d}-{d.month:02d}-{d.year:04d}"


def excel_serial_to_date(serial: float) -> date | None:
    """Date of an Excel serial number (1900 date system); None for serial 60 (29-02-1900,
    which Excel counts but which never existed) and for values outside 1..9999-12-31.
    A fraction (the time of day) is ignored."""
    if serial != serial or serial < 1 or serial >= _MAX_SERIAL + 1:
        return None
    n = int(serial)
    if n == 60:
        return None
    if n < 60:
        return _EXCEL_EPOCH + timedelta(days=n + 1)
    return _EXCEL_EPOCH + timedelta(days=n)


# ---- issue builders ----------------------------------------------------------------------


def _shown(raw: object) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def _unrecognised(raw: object) -> Result:
    return None, error(
        TANGGAL_TIDAK_DIKENALI,
        f'Tanggal "{_shown(raw)}" tidak dikenali; tulis sebagai tanggal-bulan-tahun, misalnya '
        "17-08-1970",
    )


def _invalid(raw: object, d: int, m: int, y: int) -> Result:
    if not 1 <= m <= 12:
        detail = f"bulan {m} tidak ada"
    elif d < 1:
        detail = f"tanggal {d} tidak ada"
    else:
        detail = f"tanggal {d} tidak ada di bulan {_MONTH_NAMES_ID[m]} {y}"
        if m == 2 and d == 29:
            detail += f" ({y} bukan tahun kabisat)"
    return None, error(TANGGAL_TIDAK_VALID, f'Tanggal "{_shown(raw)}" tidak valid: {detail}')


def _also(raw: object, dt: date) -> str:
    shown = format_date(dt)
    return "" if _shown(raw) == shown else f" ({shown})"


def _check_range(raw: object, dt: date, today: date) -> Result:
    if dt > today:
        return None, error(
            TANGGAL_MASA_DEPAN,
            f'Tanggal "{_shown(raw)}"{_also(raw, dt)} ada di masa depan; mohon periksa',
        )
    if dt < _MIN_DATE:
        return None, error(
            TANGGAL_SEBELUM_1900,
            f'Tanggal "{_shown(raw)}"{_also(raw, dt)} sebelum tahun 1900; mohon periksa',
        )
    return dt, None


def _make(raw: object, d: int, m: int, y: int, today: date) -> Result:
    try:
        dt = date(y, m, d)
    except ValueError:
        return _invalid(raw, d, m, y)
    if dt > today or dt < _MIN_DATE:
        return _check_range(raw, dt, today)
    return dt, None


def _two_digit_year(raw: object, d: int, m: int, yy: int, today: date) -> Result:
    y = 2000 + yy
    if (y, m, d) > (today.year, today.month, today.day):
        y -= 100
    dt, issue = _make(raw, d, m, y, today)
    if issue is not None:
        return dt, issue
    return dt, warning(
        TANGGAL_TAHUN_2_DIGIT,
        f'Tanggal "{_shown(raw)}": tahunnya ditulis 2 digit, dibaca {format_date(dt)}. '
        "Mohon periksa",
    )


def _dmy(raw: object, d: int, m: int, y_text: str, today: date) -> Result:
    """Day-first date; a month-first reading is used only when day-first is impossible."""
    y = int(y_text)
    if d == 0 and m == 0:
        return None, warning(
            TANGGAL_TIDAK_LENGKAP,
            f'Tanggal "{_shown(raw)}" hanya berisi tahun; tanggal lahir dianggap tidak diketahui',
        )
    if d == 0 or m == 0:
        return None, warning(
            TANGGAL_TIDAK_LENGKAP,
            f'Tanggal "{_shown(raw)}" tidak lengkap; tanggal lahir dianggap tidak diketahui',
        )
    if m > 12 and 1 <= d <= 12 and m <= 31:
        # 05/17/1980: only possible as month/day/year (English Excel).
        if len(y_text) == 2:
            y = 2000 + y
            if (y, d, m) > (today.year, today.month, today.day):
                y -= 100
        dt, issue = _make(raw, m, d, y, today)
        if issue is not None:
            return dt, issue
        return dt, warning(
            TANGGAL_BULAN_DULU,
            f'Tanggal "{_shown(raw)}" ditulis bulan lebih dulu (format Inggris); dibaca '
            f"{format_date(dt)}. Mohon periksa",
        )
    if len(y_text) == 2:
        return _two_digit_year(raw, d, m, y, today)
    return _make(raw, d, m, y, today)


def _from_serial(raw: object, serial: float, today: date, *, from_text: bool) -> Result:
    if serial != serial or math.isinf(serial):
        return None, None
    if serial == 0:
        return None, None  # Excel shows 00-01-1900: an empty date cell that was typed as 0
    n = int(serial)
    if 1900 <= n <= today.year and float(n) == serial:
        return None, warning(
            TANGGAL_HANYA_TAHUN,
            f'Tanggal "{_shown(raw)}" hanya berisi tahun; tanggal lahir dianggap tidak diketahui',
        )
    if 10_000_000 <= n <= 99_999_999 and float(n) == serial:
        return _eight_digits(raw, f"{n:08d}", today)
    if serial < 1:
        return _unrecognised(raw)
    if n == 60:
        return None, error(
            TANGGAL_TIDAK_VALID,
            f'Tanggal "{_shown(raw)}" tidak valid: nomor seri Excel 60 adalah 29-02-1900, '
            "tanggal yang tidak pernah ada",
        )
    dt = excel_serial_to_date(serial)
    if dt is None:
        return _unrecognised(raw)
    dt, issue = _check_range(raw, dt, today)
    if issue is None and from_text:
        return dt, warning(
            TANGGAL_SERIAL_EXCEL,
            f'Tanggal "{_shown(raw)}" tertulis sebagai nomor seri tanggal Excel; dibaca '
            f"{format_date(dt)}. Mohon periksa",
        )
    return dt, issue


def _eight_digits(raw: object, s: str, today: date) -> Result:
    """``yyyymmdd`` when it is a valid date, else ``ddmmyyyy``."""
    y, m, d = int(s[0:4]), int(s[4:6]), int(s[6:8])
    if 1900 <= y <= 2100 and 1 <= m <= 12 and 1 <= d <= 31:
        try:
            date(y, m, d)
        except ValueError:
            pass
        else:
            return _make(raw, d, m, y, today)
    return _dmy(raw, int(s[0:2]), int(s[2:4]), s[4:8], today)


def _parse_text(raw: str, s: str, today: date, numeric_cell: bool) -> Result:
    # dd-mm-yyyy, dd/mm/yyyy, dd.mm.yyyy (also tried inline by parse_date).
    if len(s) == 10 and s[5] == s[2] and s[2] in _FAST_SEPARATORS:
        try:
            dt = _fromisoformat(s[6:10] + s[3:5] + s[0:2])
        except ValueError:
            pass
        else:
            if _MIN_DATE <= dt <= today:
                return dt, None
            return _check_range(raw, dt, today)
    upper = s.upper()
    if upper in _NULL_TEXT or _ZERO_DATE_RE.fullmatch(s):
        return None, None
    if ":" in s:
        s = _TIME_SUFFIX_RE.sub("", s).strip()
        if _ZERO_DATE_RE.fullmatch(s):
            return None, None
    if s.isascii() and s.isdigit():
        if numeric_cell or len(s) in (4, 5):
            return _from_serial(raw, float(s), today, from_text=not numeric_cell)
        if len(s) == 8:
            return _eight_digits(raw, s, today)
        return _unrecognised(raw)
    if numeric_cell or _SERIAL_TEXT_RE.fullmatch(s):
        try:
            serial = float(s.replace(",", "."))
        except ValueError:
            serial = None
        if serial is not None:
            return _from_serial(raw, serial, today, from_text=not numeric_cell)
    m = _YMD_RE.fullmatch(s)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(3)), int(m.group(4))
        if y == 0 and mo == 0 and d == 0:
            return None, None
        return _make(raw, d, mo, y, today)
    m = _DMY_RE.fullmatch(s)
    if m:
        return _dmy(raw, int(m.group(1)), int(m.group(3)), m.group(4), today)
    m = _D_NAME_Y_RE.fullmatch(s)
    if m:
        month = _MONTHS.get(m.group(2).upper())
        if month is not None:
            return _dmy(raw, int(m.group(1)), month, m.group(3), today)
        return _unrecognised(raw)
    m = _NAME_D_Y_RE.fullmatch(s)
    if m:
        month = _MONTHS.get(m.group(1).upper())
        if month is not None:
            return _make(raw, int(m.group(2)), month, int(m.group(3)), today)
    return _unrecognised(raw)


# Results that depend on the date of today are not cached.
_UNCACHEABLE = frozenset(
    {TANGGAL_MASA_DEPAN, TANGGAL_TAHUN_2_DIGIT, TANGGAL_BULAN_DULU, TANGGAL_HANYA_TAHUN}
)


def parse_date(
    value: object, *, numeric_cell: bool = False, today: date | None = None
) -> Result:
    """Parse one date cell: ``(date or None, Issue or None)``; never raises.

    ``numeric_cell``: the value came from a numeric spreadsheet cell (an int or float is always
    treated as one): it is an Excel serial number. ``today``: reference date for "in the
    future" and two-digit years (default: today).

    - ``(date, None)``: a good date.
    - ``(date, warning)``: a date was read, but with a caveat (two-digit year, month-first
      order, a serial number written as text).
    - ``(None, None)``: empty / unknown (``""``, ``"-"``, ``"00-00-0000"``, ``0``).
    - ``(None, warning)``: knowingly no date (only a year, or day/month 00).
    - ``(None, error)``: not a usable date (impossible, in the future, before 1900, unreadable).
    """
    if value.__class__ is str:
        # The cache is keyed by the text alone: it serves the default call only.
        cached = today is None and not numeric_cell
        if cached:
            hit = _CACHE.get(value)  # type: ignore[arg-type]
            if hit is not None:
                return hit
        ref = today or _today()
        s = value.strip()  # type: ignore[union-attr]
        # Fast path (inlined: most cells of a date column): dd-mm-yyyy, dd/mm/yyyy, dd.mm.yyyy.
        # date.fromisoformat (C code) reads the rearranged "yyyymmdd"; whatever it rejects
        # (30-02, month 13, letters) goes through _parse_text for a precise message.
        if len(s) == 10 and s[2] in _FAST_SEPARATORS and s[5] == s[2]:
            try:
                dt = _fromisoformat(s[6:10] + s[3:5] + s[0:2])
            except ValueError:
                pass
            else:
                if _MIN_DATE <= dt <= ref:
                    result: Result = (dt, None)
                    if cached:
                        if len(_CACHE) >= _CACHE_MAX:
                            _CACHE.clear()
                        _CACHE[value] = result  # type: ignore[index]
                    return result
        result = _parse_text(value, s, ref, numeric_cell)  # type: ignore[arg-type]
        issue = result[1]
        if cached and (issue is None or issue.code not in _UNCACHEABLE):
            if len(_CACHE) >= _CACHE_MAX:
                _CACHE.clear()
            _CACHE[value] = result  # type: ignore[index]
        return result
    ref = today or _today()
    if value is None:
        return None, None
    if isinstance(value, datetime):
        return _check_range(value, value.date(), ref)
    if isinstance(value, date):
        return _check_range(value, value, ref)
    if isinstance(value, bool):
        return _unrecognised(value)
    if isinstance(value, (int, float)):
        return _from_serial(value, float(value), ref, from_text=False)
    if isinstance(value, str):  # a str subclass
        return parse_date(str(value), numeric_cell=numeric_cell, today=today)
    return _unrecognised(value)
