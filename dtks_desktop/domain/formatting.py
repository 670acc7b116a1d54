"""Indonesian number and date formatting for messages, lists and documents."""

from __future__ import annotations

from datetime import date, datetime

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
