"""Indonesian number and date formatting for messages, lists and documents."""

from __future__ import annotations

from datetime import date, datetime

HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")  # date.weekday() order
BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
         "November", "Desember")


def angka(n: int | float, decimals: int = 0) -> str:
    """1234567 -> '1.234.567'; 1234.5 with decimals=1 -> '1.234,5'."""
    text = f"{n:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def tanggal(d: date | datetime | None, *, long: bool = False) -> str:
    """date(2026, 8, 17) -> '17-08-2026', or '17 Agustus 2026' with long=True."""
    if d is None:
        return ""
    if long:
        return f"{d.day} {BULAN[d.month - 1]} {d.year}"
    return f"{d.day:02d}-{d.month:02d}-{d.year:04d}"


def hari_tanggal(d: date | datetime) -> str:
    """date(2026, 12, 4) -> 'Jumat, 4 Desember 2026'."""
    return f"{HARI[d.weekday()]}, {tanggal(d, long=True)}"


def kalimat_hari_ini(d: date | datetime) -> str:
    """The opening of minutes (berita acara), the date in words:
    date(2026, 12, 4) -> 'Pada hari ini Jumat tanggal empat bulan Desember tahun dua ribu dua puluh enam'."""
    from dtks_desktop.domain.terbilang import terbilang

    return (f"Pada hari ini {HARI[d.weekday()]} tanggal {terbilang(d.day)} bulan {BULAN[d.month - 1]} "
            f"tahun {terbilang(d.year)}")


ROMAWI = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def bulan_romawi(month: int) -> str:
    """12 -> 'XII' (letter numbers often carry the month in Roman numerals)."""
    return ROMAWI[month - 1]


def tanggal_jam(t: datetime, *, lokal: bool = False, detik: bool = False) -> str:
    """datetime(2026, 8, 17, 14, 5) -> '17-08-2026 14:05' ('17-08-2026 14:05:09' with detik=True).

    ``lokal``: shown in the PC's local time (``t.astimezone()``; a naive ``t`` is taken as local).
    """
    if lokal:
        t = t.astimezone()
    return f"{tanggal(t)} {jam(t, detik=detik)}"


def jam(t: datetime, *, lokal: bool = False, detik: bool = False) -> str:
    """datetime(2026, 8, 17, 14, 5) -> '14:05' ('14:05:09' with detik=True); ``lokal`` as in :func:`tanggal_jam`."""
    if lokal:
        t = t.astimezone()
    return f"{t.hour:02d}:{t.minute:02d}" + (f":{t.second:02d}" if detik else "")
