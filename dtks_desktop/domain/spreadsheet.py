"""Cleaning of values read from spreadsheets (DOMAIN.md section 2.5), and the one rule for
text written to spreadsheets that leave the office (formula injection, see the end).

Excel keeps only 15 significant digits: a 16-digit NIK or No KK that became a number has lost
its last digit (Excel writes 0 there; LibreOffice rounds, so the 15th digit may also be off by
one) and may show as ``3.31022E+15``. The damage cannot be undone, but it can be detected and
reported, so that the record is re-matched on name + birth date + KK instead of trusted.

Readers should read ID columns as text (``dtype=str``, ``keep_default_na=False``); these
functions also accept what a careless reader produced (int, float, Decimal) and say so.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

__all__ = [
    "CellError",
    "EXCEL_ERROR_TEXTS",
    "cell_error_of_text",
    "CleanId",
    "clean_id",
    "clean_rt_rw",
    "clean_text",
    "EXCEL_SIGNIFICANT_DIGITS",
    "FORMULA_TRIGGERS",
    "looks_like_formula",
    "csv_safe",
]

#: Significant digits that Excel keeps in a number.
EXCEL_SIGNIFICANT_DIGITS = 15

# Markers that mean "no value" in an ID cell (compared in upper case).
_ID_NULLS = frozenset({"", "-", "--", "0", "NULL", "NAN", "NONE", "N/A", "#N/A"})
# Markers that mean "no value" in a text cell (compared in lower case).
_TEXT_NULLS = frozenset({"", "-", "--", "nan", "null", "#n/a"})

_INVISIBLE = str.maketrans("", "", "\u200b\u200c\u200d\u2060\ufeff")
_QUOTES = "'`\"\u2018\u2019\u201c\u201d"
# Removed inside an ID: whitespace (incl. no-break space), dots and dashes.
_ID_SEPARATORS_RE = re.compile(r"[\s.\-\u2010\u2011\u2012\u2013\u2014]+")
_SCI_RE = re.compile(r"([+-]?)(\d+)(?:[.,](\d*))?[eE]([+-]?\d+)", re.ASCII)
_FLOAT_TAIL_RE = re.compile(r"(\d+)[.,]0{1,2}", re.ASCII)
_THOUSANDS_RE = re.compile(r"\d{1,3}([.,])\d{3}(?:\1\d{3})+", re.ASCII)
_RT_PREFIX_RE = re.compile(r"^(?:RT|RW)\s*[.:/\-]?\s*", re.IGNORECASE)


#: What Excel (and LibreOffice) show in a cell whose formula failed. A CSV saved from such a
#: sheet holds these texts literally.
EXCEL_ERROR_TEXTS = frozenset({
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!",
    "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#EXTERNAL!", "#PYTHON!",
})
_LIBREOFFICE_ERROR_RE = re.compile(r"Err:\d{3}", re.ASCII)
# ="3310011109860001": the usual trick to keep a long number as text in a CSV for Excel.
_TEXT_FORMULA_RE = re.compile(r'=\s*"([^"]*)"\s*')


@dataclass(frozen=True, slots=True)
class CellError:
    """A spreadsheet cell that holds no value: an error (``#REF!``, ``#N/A``...) or a formula
    saved without its computed value (written by a program and never recalculated).

    Readers yield it in place of the value so that it is never taken for an empty cell (an
    empty cell may mean "nothing to say"; an error cell means "the value was lost"). ``text``
    is what the cell shows: the error text, or the formula (``=A2&B2``) when ``formula``.
    It is deliberately not a ``str``: code that expects text does not read it by accident.
    """

    text: str
    formula: bool = False

    def __str__(self) -> str:
        return self.text

    @property
    def message(self) -> str:
        """Indonesian description for the import report (the location is added by the caller)."""
        if self.formula:
            shown = self.text if len(self.text) <= 60 else self.text[:57] + "..."
            return (f"Sel berisi rumus tanpa nilai tersimpan ({shown}): nilainya belum pernah dihitung "
                    "(buka berkas di Excel dan simpan ulang)")
        return f"Sel berisi galat Excel {self.text} (rumus yang gagal), bukan data"


def cell_error_of_text(text: str) -> CellError | str:
    """A text cell as read from a CSV: an Excel error text or a formula becomes a :class:`CellError`.

    ``="3310011109860001"`` (a constant in a formula, written to keep the digits as text) gives
    the constant itself; any other text is returned unchanged.
    """
    s = text.strip()
    if not s:
        return text
    c = s[0]
    if c == "#":
        up = s.upper()
        if up in EXCEL_ERROR_TEXTS:
            return CellError(up)
        return text
    if c == "=":
        if len(s) == 1:
            return text
        m = _TEXT_FORMULA_RE.fullmatch(s)
        if m:
            return m.group(1)
        return CellError(s, formula=True)
    if c == "E" and _LIBREOFFICE_ERROR_RE.fullmatch(s):
        return CellError(s)
    return text


@dataclass(frozen=True)
class CleanId:
    """A cleaned NIK / No KK / other numeric identifier.

    - ``value``: digits (or, when it still contains other characters, the cleaned text, so that
      the NIK/KK parser rejects it visibly); None for an empty cell.
    - ``raw``: the original cell as text ("" for None).
    - ``excel_damaged``: the value went through a spreadsheet number and its last digit(s)
      cannot be trusted.
    - ``trusted_digits``: how many leading digits of ``value`` can be trusted (all of them when
      not damaged; 15 for a damaged 16-digit number; the mantissa length for scientific
      notation; 0 when the value is not all digits).
    - ``note``: Indonesian explanation for the clerk, or None when nothing is notable.
    """

    value: str | None
    raw: str
    excel_damaged: bool
    trusted_digits: int
    note: str | None


def _raw_text(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float):
        return repr(raw)
    return str(raw)


def _numeric_to_text(raw: float | Decimal) -> tuple[str | None, bool]:
    """Exact digits of an integral number; (text, is_integral). None text for NaN."""
    if isinstance(raw, float):
        if math.isnan(raw):
            return None, False
        if math.isinf(raw) or not raw.is_integer():
            return repr(raw), False
        return str(int(raw)), True  # exact: never str(float)
    try:
        if raw.is_nan():
            return None, False
        if raw.is_infinite() or raw != raw.to_integral_value():
            return str(raw), False
        return str(int(raw)), True
    except (InvalidOperation, ValueError):
        return str(raw), False


def _strip_cell(s: str) -> str:
    s = s.translate(_INVISIBLE).strip()
    return s.strip(_QUOTES).strip()


def _join_notes(notes: list[str]) -> str | None:
    return "; ".join(notes) if notes else None


def clean_id(raw: object, *, numeric_cell: bool = False, length: int = 16) -> CleanId:
    """Clean one NIK / No KK cell and detect spreadsheet damage.

    ``numeric_cell``: the reader saw a number cell (openpyxl ``data_type == "n"`` and the like).
    An int, float or Decimal value is always treated as a number cell. ``length`` is the
    expected number of digits; a different count is mentioned in ``note``.

    Damage (``excel_damaged=True``) is reported when

    - a number cell holds 16 or more digits (Excel keeps 15: ``trusted_digits=15``);
    - the text is in scientific notation (``"3.31022E+15"`` or ``"3,31022E+15"``): ``value`` is the
      expanded integer, ``trusted_digits`` the number of mantissa digits (at most 15);
    - the text has a ``.0``/``,0`` tail or thousands separators (``"3.310.216.707.810.936"``), i.e.
      it is a number written out, and has 16 or more digits.

    Whitespace, a leading apostrophe or backtick, surrounding quotes, and inner spaces, dots and
    dashes are removed. ``None``, ``""``, ``"-"``, ``"0"``, ``"NULL"``, ``"nan"`` give
    ``value=None``. Anything else that is not all digits is kept as cleaned text (never
    dropped silently).
    """
    if raw.__class__ is str and not numeric_cell and len(raw) == length and raw.isdigit() and raw.isascii():
        return CleanId(raw, raw, False, length, None)  # the common case, kept fast for bulk imports
    raw_s = _raw_text(raw)
    numeric = numeric_cell
    notes: list[str] = []

    if raw is None:
        return CleanId(None, "", False, 0, None)

    if isinstance(raw, (float, Decimal)):
        numeric = True
        text, integral = _numeric_to_text(raw)
        if text is None:
            return CleanId(None, raw_s, False, 0, None)
        if not integral:
            # 12.5 is not an identifier: keep it visible, do not strip the dot into "125".
            return CleanId(
                text, raw_s, False, 0, "Nilai berupa angka pecahan, bukan nomor identitas"
            )
        s = text
    elif isinstance(raw, int) and not isinstance(raw, bool):
        numeric = True
        s = str(raw)
    else:
        s = _strip_cell(str(raw))

    if s.upper() in _ID_NULLS:
        return CleanId(None, raw_s, False, 0, None)

    compact = "".join(s.split())

    # Scientific notation: 3.31022E+15 -> 3310220000000000, 6 trusted digits.
    m = _SCI_RE.fullmatch(compact)
    if m:
        sign, int_part, frac_part, exp = m.group(1), m.group(2), m.group(3) or "", m.group(4)
        mantissa_digits = len((int_part + frac_part).lstrip("0")) or 1
        trusted = min(mantissa_digits, EXCEL_SIGNIFICANT_DIGITS)
        note = (
            f"Nilai tertulis dalam notasi ilmiah ({compact}) karena sel diubah menjadi angka "
            f"oleh Excel: hanya {trusted} digit pertama yang dapat dipercaya"
        )
        try:
            number = Decimal(f"{sign}{int_part}.{frac_part or '0'}E{exp}")
        except InvalidOperation:  # pragma: no cover - the regex only lets valid numbers through
            number = None
        if number is not None and number >= 0 and number == number.to_integral_value():
            value = str(int(number))
            notes.append(note)
            if len(value) != length:
                notes.append(f"Jumlah digit {len(value)}, seharusnya {length}")
            return CleanId(value, raw_s, True, min(trusted, len(value)), _join_notes(notes))
        return CleanId(compact, raw_s, True, 0, note)

    # A number written out as text: "3310216707810930.0", "3.310.216.707.810.936".
    m = _FLOAT_TAIL_RE.fullmatch(compact)
    if m:
        numeric = True
        s = m.group(1)
        notes.append("Nilai berakhiran .0 (pernah menjadi angka di Excel)")
    elif _THOUSANDS_RE.fullmatch(compact):
        numeric = True
        s = compact.replace(".", "").replace(",", "")
        notes.append("Nilai tertulis sebagai angka dengan pemisah ribuan")

    value = _ID_SEPARATORS_RE.sub("", s)
    if value in ("", "0"):
        return CleanId(None, raw_s, False, 0, _join_notes(notes))

    if not (value.isascii() and value.isdigit()):
        bad = "".join(dict.fromkeys(c for c in value if not (c.isascii() and c.isdigit())))
        notes.append(f"Berisi karakter selain angka: {bad[:10]}")
        return CleanId(value, raw_s, False, 0, _join_notes(notes))

    n = len(value)
    if numeric and n > EXCEL_SIGNIFICANT_DIGITS:
        if not notes:
            notes.append("Sel berisi angka, bukan teks")
        notes.append("Excel hanya menyimpan 15 digit angka: digit terakhir tidak dapat dipercaya")
        if n != length:
            notes.append(f"Jumlah digit {n}, seharusnya {length}")
        return CleanId(value, raw_s, True, EXCEL_SIGNIFICANT_DIGITS, _join_notes(notes))

    if n != length:
        notes.append(f"Jumlah digit {n}, seharusnya {length}")
    return CleanId(value, raw_s, False, n, _join_notes(notes))


def clean_rt_rw(raw: object) -> str | None:
    """RT or RW number as three digits.

    ``"2"``, ``2``, ``"2.0"``, ``"RT 02"`` and ``"RT.002"`` all give ``"002"``.

    ``"0"``, ``""``, ``"-"`` and ``None`` give None. Numbers longer than three digits are kept
    as written; a value that is not a number (``"2A"``, ``"002/003"``) is returned trimmed, not
    dropped.
    """
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, (float, Decimal)):
        text, _integral = _numeric_to_text(raw)
        if text is None:
            return None
        s = text
    else:
        s = _strip_cell(str(raw))
    s = " ".join(s.split())
    if s.lower() in _TEXT_NULLS:
        return None
    s = _RT_PREFIX_RE.sub("", s, count=1)
    m = _FLOAT_TAIL_RE.fullmatch(s)
    if m:
        s = m.group(1)
    if s.isascii() and s.isdigit():
        if int(s) == 0:
            return None
        if len(s) > 3:
            return s
        return s.zfill(3)
    return s or None


def clean_text(raw: object) -> str | None:
    """Trim and collapse whitespace; None for an empty cell, ``"-"`` or ``"nan"``.

    Numbers are turned into text exactly (``3.0`` -> ``"3"``).
    """
    if raw is None:
        return None
    if isinstance(raw, (float, Decimal)):
        text, _integral = _numeric_to_text(raw)
        if text is None:
            return None
        s = text
    else:
        s = str(raw)
    s = " ".join(s.translate(_INVISIBLE).split())
    if s.lower() in _TEXT_NULLS:
        return None
    return s


# --- text written to .xlsx/.csv for people outside the office --------------------------------
#
# A name or address typed as ``=HYPERLINK("http://…","Klik")`` or ``=1+1`` must not become a live
# formula in a report opened in Excel or LibreOffice (CSV/formula injection, OWASP). Text that
# starts with one of these characters is escaped; a value that is a plain number ("-5",
# "+62812…" without spaces, "0.95") is left alone: a spreadsheet reads it as a number, never as
# a formula.

#: First characters that make a spreadsheet treat a cell as a formula (or a DDE command).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

_PLAIN_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)*|[.,]\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula (it is then to be escaped)."""
    return bool(text) and text.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER_RE.fullmatch(text)


def csv_safe(value: object) -> object:
    """A CSV cell that no spreadsheet runs: text that looks like a formula gets a leading
    apostrophe (OWASP); numbers and other text are returned unchanged.

    Every .csv written for people outside the office passes its cells through this. An .xlsx
    writes such text as a string cell instead (``documents.sheets.SafeSheets``).
    """
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value
