"""Nomor KK (family-card number) parsing and validation.

DOMAIN.md section 2.2. 16 digits; the first six are the Kemendagri code of the issuing
kecamatan. The meaning of digits 7-16 (probably registration date DDMMYY + family serial) is
**not confirmed**, so they are not checked as a date; only a serial of 0000 is refused.

A No KK is not a stable family key: it changes when a family moves, the head dies, a couple
divorces or a member splits off. Keep a history of KK numbers per person.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dtks_desktop.domain.issues import Issue, Severity, error, warning

if TYPE_CHECKING:
    from dtks_desktop.domain.regions import RegionCodes

__all__ = [
    "KkInfo",
    "parse_no_kk",
    "is_plausible_no_kk",
    "KK_KOSONG",
    "KK_BUKAN_16_DIGIT",
    "KK_NOL",
    "KK_URUT_NOL",
    "KK_PROVINSI_TIDAK_DIKENAL",
    "KK_WILAYAH_TIDAK_DIKENAL",
    "KK_RUSAK_EXCEL",
    "KK_ERROR_CODES",
    "KK_WARNING_CODES",
    "KK_RUSAK_EXCEL_MESSAGE",
]

# Errors: the value is not a No KK.
KK_KOSONG = "kk_kosong"
KK_BUKAN_16_DIGIT = "kk_bukan_16_digit"
KK_NOL = "kk_nol"
KK_URUT_NOL = "kk_urut_nol"
KK_PROVINSI_TIDAK_DIKENAL = "kk_provinsi_tidak_dikenal"
# Warnings.
KK_WILAYAH_TIDAK_DIKENAL = "kk_wilayah_tidak_dikenal"
KK_RUSAK_EXCEL = "kk_rusak_excel"

KK_ERROR_CODES = frozenset(
    {KK_KOSONG, KK_BUKAN_16_DIGIT, KK_NOL, KK_URUT_NOL, KK_PROVINSI_TIDAK_DIKENAL}
)
KK_WARNING_CODES = frozenset({KK_WILAYAH_TIDAK_DIKENAL, KK_RUSAK_EXCEL})

KK_RUSAK_EXCEL_MESSAGE = "Nomor KK rusak oleh Excel: digit terakhir tidak dapat dipercaya"


@dataclass(frozen=True)
class KkInfo:
    """Result of :func:`parse_no_kk`.

    ``nk`` is the 16-digit number when there is no ERROR, else None (the original text is kept
    in ``raw``). ``region`` is the dotted kecamatan code of the first six digits (filled
    whenever the value has 16 digits); ``province`` and ``kabupaten`` are its parents.
    """

    raw: str
    nk: str | None
    region: str | None
    province: str | None
    kabupaten: str | None
    issues: tuple[Issue, ...]

    @property
    def ok(self) -> bool:
        return not any(i.severity is Severity.ERROR for i in self.issues)

    @property
    def errors(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.severity is Severity.WARNING)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.issues)

    def has(self, code: str) -> bool:
        return any(i.code == code for i in self.issues)


def is_plausible_no_kk(s: object) -> bool:
    """Fast structural check: 16 ASCII digits, not all zero, serial not 0000."""
    return isinstance(s, str) and len(s) == 16 and s.isascii() and s.isdigit() and s[12:] != "0000"


def parse_no_kk(
    value: str | None,
    *,
    regions: RegionCodes | None = None,
    excel_damaged: bool = False,
) -> KkInfo:
    """Parse and check one No KK. Never raises for bad input; problems go into ``issues``.

    Only surrounding whitespace is stripped (clean spreadsheet values with ``clean_id`` first).
    With ``excel_damaged`` the last digit is unreliable: the WARNING ``kk_rusak_excel`` is added
    and a serial read as 0000 is not reported as an error.
    """
    raw = "" if value is None else (value if isinstance(value, str) else str(value))
    s = raw.strip()
    issues: list[Issue] = []
    damage = warning(KK_RUSAK_EXCEL, KK_RUSAK_EXCEL_MESSAGE)

    if not s:
        return KkInfo(raw, None, None, None, None, (error(KK_KOSONG, "Nomor KK kosong"),))
    if len(s) != 16 or not (s.isascii() and s.isdigit()):
        if s.isascii() and s.isdigit():
            msg = f"Nomor KK harus 16 digit angka (tertulis {len(s)} digit)"
        else:
            msg = "Nomor KK harus 16 digit angka (berisi huruf atau tanda lain)"
        issues.append(error(KK_BUKAN_16_DIGIT, msg))
        if excel_damaged:
            issues.append(damage)
        return KkInfo(raw, None, None, None, None, tuple(issues))

    province = s[0:2]
    kabupaten = f"{province}.{s[2:4]}"
    region = f"{kabupaten}.{s[4:6]}"

    if s.count("0") == 16:
        issues.append(error(KK_NOL, "Nomor KK tidak boleh berisi angka 0 semua"))
    else:
        if s[12:] == "0000" and not excel_damaged:
            issues.append(error(KK_URUT_NOL, "Nomor urut KK (4 digit terakhir) tidak boleh 0000"))
        if regions is not None:
            if province not in regions:
                issues.append(
                    error(
                        KK_PROVINSI_TIDAK_DIKENAL,
                        f"Kode provinsi dalam nomor KK ({province}) tidak dikenal",
                    )
                )
            elif kabupaten not in regions:
                issues.append(
                    warning(
                        KK_WILAYAH_TIDAK_DIKENAL,
                        f"Kode kabupaten/kota dalam nomor KK ({kabupaten}) tidak ada dalam "
                        "daftar wilayah Kemendagri terbaru; mohon diperiksa",
                    )
                )
            elif region not in regions:
                issues.append(
                    warning(
                        KK_WILAYAH_TIDAK_DIKENAL,
                        f"Kode kecamatan dalam nomor KK ({region}) tidak ada dalam daftar "
                        "wilayah Kemendagri terbaru; mohon diperiksa",
                    )
                )
    if excel_damaged:
        issues.append(damage)

    issues_t = tuple(issues)
    has_error = any(i.severity is Severity.ERROR for i in issues_t)
    return KkInfo(
        raw=raw,
        nk=None if has_error else s,
        region=region,
        province=province,
        kabupaten=kabupaten,
        issues=issues_t,
    )
