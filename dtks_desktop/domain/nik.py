"""NIK (Nomor Induk Kependudukan) parsing and validation.

DOMAIN.md section 2.1. Layout ``PP KK CC DDMMYY SSSS``:

- digits 1-6: province, kabupaten/kota and kecamatan where the NIK was first registered;
- digits 7-12: date of birth DDMMYY, **women: day + 40** (41-71);
- digits 13-16: serial number from 0001.

A NIK is permanent. Only structural faults are ERRORS (the value is not a NIK). Anything that
can be true of a real NIK (an embedded date that differs from the recorded birth date, a
kecamatan that has since been split, an impossible calendar date) is a WARNING.

:func:`parse_nik` only strips surrounding whitespace. Clean spreadsheet values first with
:func:`dtks_desktop.domain.spreadsheet.clean_id` and pass its ``excel_damaged`` flag on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

from dtks_desktop.domain.issues import Issue, Severity, error, warning
from dtks_desktop.domain.formatting import tanggal

if TYPE_CHECKING:
    from dtks_desktop.domain.regions import RegionCodes

__all__ = [
    "Sex",
    "NikInfo",
    "parse_nik",
    "nik_implied",
    "is_plausible_nik",
    "normalize_sex",
    "sex_label",
    "NIK_KOSONG",
    "NIK_BUKAN_16_DIGIT",
    "NIK_TANGGAL_TIDAK_VALID",
    "NIK_BULAN_TIDAK_VALID",
    "NIK_URUT_NOL",
    "NIK_PROVINSI_TIDAK_DIKENAL",
    "NIK_WILAYAH_TIDAK_DIKENAL",
    "NIK_TANGGAL_MUSTAHIL",
    "NIK_TGL_LAHIR_BEDA",
    "NIK_JENIS_KELAMIN_BEDA",
    "NIK_RUSAK_EXCEL",
    "NIK_ERROR_CODES",
    "NIK_WARNING_CODES",
    "NIK_RUSAK_EXCEL_MESSAGE",
]

Sex = Literal["L", "P"]

# ---- issue codes (stable: stored in import reports, used by services and tests) ----
# Errors: the value is not a NIK.
NIK_KOSONG = "nik_kosong"
NIK_BUKAN_16_DIGIT = "nik_bukan_16_digit"
NIK_TANGGAL_TIDAK_VALID = "nik_tanggal_tidak_valid"
NIK_BULAN_TIDAK_VALID = "nik_bulan_tidak_valid"
NIK_URUT_NOL = "nik_urut_nol"
NIK_PROVINSI_TIDAK_DIKENAL = "nik_provinsi_tidak_dikenal"
# Warnings: keep the NIK, flag it for a check.
NIK_WILAYAH_TIDAK_DIKENAL = "nik_wilayah_tidak_dikenal"
NIK_TANGGAL_MUSTAHIL = "nik_tanggal_mustahil"
NIK_TGL_LAHIR_BEDA = "nik_tgl_lahir_beda"
NIK_JENIS_KELAMIN_BEDA = "nik_jenis_kelamin_beda"
NIK_RUSAK_EXCEL = "nik_rusak_excel"

NIK_ERROR_CODES = frozenset(
    {
        NIK_KOSONG,
        NIK_BUKAN_16_DIGIT,
        NIK_TANGGAL_TIDAK_VALID,
        NIK_BULAN_TIDAK_VALID,
        NIK_URUT_NOL,
        NIK_PROVINSI_TIDAK_DIKENAL,
    }
)
NIK_WARNING_CODES = frozenset(
    {
        NIK_WILAYAH_TIDAK_DIKENAL,
        NIK_TANGGAL_MUSTAHIL,
        NIK_TGL_LAHIR_BEDA,
        NIK_JENIS_KELAMIN_BEDA,
        NIK_RUSAK_EXCEL,
    }
)

NIK_RUSAK_EXCEL_MESSAGE = "NIK rusak oleh Excel: digit terakhir tidak dapat dipercaya"

# Structural check used by is_plausible_nik: 16 ASCII digits, day 01-31 or 41-71,
# month 01-12, serial not 0000.
_PLAUSIBLE_RE = re.compile(
    r"\d{6}"
    r"(?:0[1-9]|[12]\d|3[01]|4[1-9]|[56]\d|7[01])"
    r"(?:0[1-9]|1[0-2])"
    r"\d{2}"
    r"(?!0000)\d{4}",
    re.ASCII,
)

_SEX_WORDS: dict[str, Sex] = {
    "L": "L",
    "LK": "L",
    "LAKI": "L",
    "LAKILAKI": "L",
    "LAKI-LAKI": "L",
    "LAKI LAKI": "L",
    "PRIA": "L",
    "M": "L",
    "MALE": "L",
    "1": "L",
    "P": "P",
    "PR": "P",
    "PEREMPUAN": "P",
    "WANITA": "P",
    "W": "P",
    "F": "P",
    "FEMALE": "P",
    "2": "P",
}


def normalize_sex(value: object) -> Sex | None:
    """``"L"``/``"P"`` from the usual ways of writing sex in a register, else None.

    Accepts L/P, LK/PR, LAKI-LAKI/PEREMPUAN, PRIA/WANITA, and the codes 1 (laki-laki) /
    2 (perempuan) used by BPS forms.
    """
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    key = " ".join(value.strip().upper().split()).rstrip(".")
    return _SEX_WORDS.get(key)


def sex_label(sex: str | None) -> str:
    """``"laki-laki"`` / ``"perempuan"`` / ``"tidak diketahui"``."""
    return {"L": "laki-laki", "P": "perempuan"}.get(sex or "", "tidak diketahui")


@dataclass(frozen=True)
class NikInfo:
    """Result of :func:`parse_nik`.

    ``nik`` is the 16-digit NIK when there is no ERROR, else None (the original text is always
    kept in ``raw``). The region fields are filled whenever the value has 16 digits, even with
    errors, so that messages can name the region. ``birth_date`` and ``sex`` are what the NIK
    implies (None when the date part is invalid or impossible).
    """

    raw: str
    nik: str | None
    province: str | None
    kabupaten: str | None
    kecamatan: str | None
    birth_date: date | None
    sex: Sex | None
    serial: str | None
    issues: tuple[Issue, ...]

    @property
    def ok(self) -> bool:
        """True when no ERROR issue was found (warnings are allowed)."""
        return not any(i.severity is Severity.ERROR for i in self.issues)

    @property
    def errors(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.severity is Severity.WARNING)

    @property
    def codes(self) -> tuple[str, ...]:
        """Issue codes, in the order found."""
        return tuple(i.code for i in self.issues)

    def has(self, code: str) -> bool:
        return any(i.code == code for i in self.issues)


def _fmt(d: date) -> str:
    return tanggal(d)


def _resolve_year(yy: int, month: int, day: int, today: date) -> int:
    """20YY when that date is not after today, else 19YY (tuple compare: works for 30-02)."""
    year = 2000 + yy
    if (year, month, day) > (today.year, today.month, today.day):
        year -= 100
    return year


def nik_implied(nik: str, *, today: date | None = None) -> tuple[date | None, Sex | None]:
    """(birth date, sex) implied by digits 7-12 of a 16-digit NIK.

    The date is None when the day/month is out of range or the date does not exist on the
    calendar; the sex is None only when the day is out of range.
    """
    s = nik.strip() if isinstance(nik, str) else ""
    if len(s) != 16 or not (s.isascii() and s.isdigit()):
        return None, None
    dd, mm, yy = int(s[6:8]), int(s[8:10]), int(s[10:12])
    if 1 <= dd <= 31:
        sex: Sex = "L"
        day = dd
    elif 41 <= dd <= 71:
        sex = "P"
        day = dd - 40
    else:
        return None, None
    if not 1 <= mm <= 12:
        return None, sex
    year = _resolve_year(yy, mm, day, today or date.today())
    try:
        return date(year, mm, day), sex
    except ValueError:
        return None, sex


def is_plausible_nik(s: object) -> bool:
    """Fast structural check for bulk code paths.

    16 ASCII digits, day 01-31 or 41-71, month 01-12, serial not 0000. No region look-up:
    it agrees with ``parse_nik(s).ok`` when no ``regions`` are given.
    """
    return isinstance(s, str) and len(s) == 16 and _PLAUSIBLE_RE.fullmatch(s) is not None


def _describe_bad_shape(s: str) -> str:
    if s.isascii() and s.isdigit():
        return f"NIK harus 16 digit angka (tertulis {len(s)} digit)"
    bad = "".join(dict.fromkeys(c for c in s if not (c.isascii() and c.isdigit())))
    shown = bad[:5] + ("…" if len(bad) > 5 else "")
    return f"NIK harus 16 digit angka (berisi huruf atau tanda lain: {shown})"


def parse_nik(
    value: str | None,
    *,
    regions: RegionCodes | None = None,
    record_birth_date: date | None = None,
    record_sex: str | None = None,
    excel_damaged: bool = False,
    today: date | None = None,
) -> NikInfo:
    """Parse and check one NIK. Never raises for bad input; problems go into ``issues``.

    - ``regions``: when given, an unknown province is an ERROR and an unknown
      kabupaten/kecamatan prefix a WARNING (the NIK keeps the region of first registration).
    - ``record_birth_date`` / ``record_sex``: the recorded values to compare with; a mismatch is a
      WARNING. ``record_sex`` may be "L"/"P" or any form accepted by :func:`normalize_sex`.
    - ``excel_damaged``: the value went through a spreadsheet number (see ``clean_id``); adds
      the WARNING ``nik_rusak_excel``. The last digit (part of the serial) is then unreliable,
      so a serial read as 0000 is not reported as an error.
    - ``today``: reference date for the century of the birth year (default: today).
    """
    if value is None:
        raw = ""
    elif isinstance(value, str):
        raw = value
    else:
        raw = str(value)
    s = raw.strip()
    issues: list[Issue] = []

    if not s:
        return NikInfo(
            raw, None, None, None, None, None, None, None, (error(NIK_KOSONG, "NIK kosong"),)
        )
    if len(s) != 16 or not (s.isascii() and s.isdigit()):
        issues.append(error(NIK_BUKAN_16_DIGIT, _describe_bad_shape(s)))
        if excel_damaged:
            issues.append(warning(NIK_RUSAK_EXCEL, NIK_RUSAK_EXCEL_MESSAGE))
        return NikInfo(raw, None, None, None, None, None, None, None, tuple(issues))

    province = s[0:2]
    kabupaten = f"{s[0:2]}.{s[2:4]}"
    kecamatan = f"{kabupaten}.{s[4:6]}"
    serial = s[12:16]
    dd, mm, yy = int(s[6:8]), int(s[8:10]), int(s[10:12])

    # --- structural errors ---
    sex: Sex | None
    if 1 <= dd <= 31:
        sex, day = "L", dd
    elif 41 <= dd <= 71:
        sex, day = "P", dd - 40
    else:
        sex, day = None, 0
        issues.append(
            error(
                NIK_TANGGAL_TIDAK_VALID,
                f"Tanggal lahir dalam NIK (digit 7-8) tidak valid: {s[6:8]}. Seharusnya "
                "01-31 untuk laki-laki atau 41-71 untuk perempuan (tanggal + 40)",
            )
        )
    if not 1 <= mm <= 12:
        issues.append(
            error(
                NIK_BULAN_TIDAK_VALID,
                f"Bulan lahir dalam NIK (digit 9-10) tidak valid: {s[8:10]}. Seharusnya 01-12",
            )
        )
    if serial == "0000" and not excel_damaged:
        issues.append(error(NIK_URUT_NOL, "Nomor urut NIK (4 digit terakhir) tidak boleh 0000"))

    if regions is not None:
        if province not in regions:
            issues.append(
                error(
                    NIK_PROVINSI_TIDAK_DIKENAL,
                    f"Kode provinsi dalam NIK ({province}) tidak dikenal",
                )
            )
        elif kabupaten not in regions:
            issues.append(
                warning(
                    NIK_WILAYAH_TIDAK_DIKENAL,
                    f"Kode kabupaten/kota dalam NIK ({kabupaten}) tidak ada dalam daftar "
                    "wilayah Kemendagri terbaru. NIK tetap berlaku (mungkin wilayahnya sudah "
                    "dimekarkan atau berganti kode); mohon diperiksa",
                )
            )
        elif kecamatan not in regions:
            issues.append(
                warning(
                    NIK_WILAYAH_TIDAK_DIKENAL,
                    f"Kode kecamatan dalam NIK ({kecamatan}) tidak ada dalam daftar wilayah "
                    "Kemendagri terbaru. NIK tetap berlaku (mungkin kecamatannya sudah "
                    "dimekarkan atau berganti kode); mohon diperiksa",
                )
            )

    # --- date and sex (warnings only) ---
    birth_date: date | None = None
    if sex is not None and 1 <= mm <= 12:
        ref = today or date.today()
        year = _resolve_year(yy, mm, day, ref)
        # A recorded birth date that agrees on day, month and the two year digits settles
        # the century (someone born in 1920 with YY=20 when today is 2025).
        if record_birth_date is not None and (
            record_birth_date.day,
            record_birth_date.month,
            record_birth_date.year % 100,
        ) == (day, mm, yy):
            year = record_birth_date.year
        try:
            birth_date = date(year, mm, day)
        except ValueError:
            issues.append(
                warning(
                    NIK_TANGGAL_MUSTAHIL,
                    f"Tanggal lahir dalam NIK ({day:02d}-{mm:02d}-{year}) tidak ada di "
                    "kalender. NIK tetap dipakai; mohon periksa tanggal lahir",
                )
            )
        if (
            birth_date is not None
            and record_birth_date is not None
            and birth_date != record_birth_date
        ):
            issues.append(
                warning(
                    NIK_TGL_LAHIR_BEDA,
                    f"Tanggal lahir dalam NIK ({_fmt(birth_date)}) berbeda dengan tanggal "
                    f"lahir tercatat ({_fmt(record_birth_date)}). NIK tidak pernah berubah; "
                    "mohon periksa data",
                )
            )
    if sex is not None and record_sex is not None:
        rec = normalize_sex(record_sex)
        if rec is not None and rec != sex:
            issues.append(
                warning(
                    NIK_JENIS_KELAMIN_BEDA,
                    f"Jenis kelamin menurut NIK ({sex_label(sex)}) berbeda dengan data "
                    f"tercatat ({sex_label(rec)}); mohon periksa",
                )
            )

    if excel_damaged:
        issues.append(warning(NIK_RUSAK_EXCEL, NIK_RUSAK_EXCEL_MESSAGE))

    issues_t = tuple(issues)
    has_error = any(i.severity is Severity.ERROR for i in issues_t)
    return NikInfo(
        raw=raw,
        nik=None if has_error else s,
        province=province,
        kabupaten=kabupaten,
        kecamatan=kecamatan,
        birth_date=birth_date,
        sex=sex,
        serial=serial,
        issues=issues_t,
    )
