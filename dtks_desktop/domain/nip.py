"""NIP (Nomor Induk Pegawai) of a civil servant: 18 digits, read and checked.

Layout (BKN): ``yyyymmdd`` birth date, ``yyyymm`` month of appointment (TMT CPNS), one digit
for sex (1 male, 2 female), three digits serial number. Written with spaces on letters
(``19750312 200003 1 002``); stored as 18 digits of text, never a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

__all__ = ["NipError", "NipInfo", "parse_nip", "format_nip", "MIN_AGE", "MAX_AGE"]

#: Age (full years) at appointment accepted.
MIN_AGE = 18
MAX_AGE = 70


class NipError(ValueError):
    """A NIP that breaks a rule. ``message`` is Indonesian; ``rule`` names the rule broken:
    ``angka``, ``panjang``, ``tanggal_lahir``, ``bulan_pengangkatan``, ``masa_depan``,
    ``umur``, ``jenis_kelamin``, ``nomor_urut``."""

    def __init__(self, message: str, rule: str) -> None:
        super().__init__(message)
        self.message = message
        self.rule = rule


@dataclass(frozen=True)
class NipInfo:
    nip: str  # 18 digits
    lahir: date
    diangkat: tuple[int, int]  # (year, month)
    jenis_kelamin: str  # "L" or "P"
    nomor_urut: str  # "002"


def _clean(text: object) -> str:
    if text is None:
        return ""
    return "".join(str(text).split())


def parse_nip(text: object, *, today: date | None = None) -> NipInfo:
    """The NIP's parts, or :class:`NipError` naming the first rule it breaks.

    Spaces (as NIPs are written on letters) are ignored; anything else but digits is refused.
    """
    nip = _clean(text)
    if not nip:
        raise NipError("NIP kosong; isi 18 angka NIP (mis. 19750312 200003 1 002).", "panjang")
    if not (nip.isascii() and nip.isdigit()):
        raise NipError(f"NIP hanya boleh berisi angka (dan spasi), bukan '{text}'.", "angka")
    if len(nip) != 18:
        raise NipError(f"NIP harus 18 angka, bukan {len(nip)}.", "panjang")
    today = today or date.today()
    born_text, appointed_text = nip[:8], nip[8:14]
    try:
        born = date(int(born_text[:4]), int(born_text[4:6]), int(born_text[6:8]))
    except ValueError:
        raise NipError(f"NIP: tanggal lahir {born_text} tidak valid (8 angka pertama: tahun, bulan, tanggal).",
                       "tanggal_lahir") from None
    year, month = int(appointed_text[:4]), int(appointed_text[4:6])
    if not 1 <= month <= 12 or year < 1900:
        raise NipError(f"NIP: bulan pengangkatan {appointed_text} tidak valid (angka ke-9 s.d. 14: tahun dan bulan).",
                       "bulan_pengangkatan")
    if (year, month) > (today.year, today.month):
        raise NipError(f"NIP: bulan pengangkatan {appointed_text} belum terjadi.", "masa_depan")
    age = ((year * 12 + month) - (born.year * 12 + born.month)) // 12
    if age < MIN_AGE:
        raise NipError(f"NIP: pengangkatan {appointed_text} sebelum umur {MIN_AGE} tahun (lahir {born_text}).", "umur")
    if age > MAX_AGE:
        raise NipError(f"NIP: umur saat pengangkatan {age} tahun (lahir {born_text}, diangkat {appointed_text}); "
                       f"paling tua {MAX_AGE} tahun.", "umur")
    sex = nip[14]
    if sex not in "12":
        raise NipError(f"NIP: angka ke-15 (jenis kelamin) harus 1 (laki-laki) atau 2 (perempuan), bukan {sex}.",
                       "jenis_kelamin")
    serial = nip[15:]
    if serial == "000":
        raise NipError("NIP: nomor urut (3 angka terakhir) tidak boleh 000.", "nomor_urut")
    return NipInfo(nip, born, (year, month), "L" if sex == "1" else "P", serial)


def format_nip(nip: str) -> str:
    """``"197503122000031002"`` → ``"19750312 200003 1 002"`` (other text is returned as it is)."""
    s = _clean(nip)
    if len(s) != 18 or not s.isdigit():
        return nip
    return f"{s[:8]} {s[8:14]} {s[14]} {s[15:]}"
