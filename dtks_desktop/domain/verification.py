"""Field verification by Petugas Pendata / PSM / TKSK (DOMAIN.md §3.1, §4.2): the words a
petugas writes on the worksheet, the petugas roles and the verification round.

Pure rules, no database. The words are the ones the worksheet's drop-down lists offer and the
import accepts (case and spacing do not matter, ``pindah_dalam_negeri`` or ``Pindah dalam
negeri`` are the same word).
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from dtks_desktop.domain.words import parse_labelled

__all__ = ["Keberadaan", "KEBERADAAN_LABELS", "Kelayakan", "KELAYAKAN_LABELS", "Peran", "PERAN_LABELS",
           "parse_keberadaan", "parse_kelayakan", "parse_peran", "parse_round", "default_round", "normalize_rt_rw",
           "ROUND_RE"]


class Keberadaan(StrEnum):
    """Where a member is (Regsosek 404, DOMAIN.md §4.2)."""

    ADA = "ada"
    MENINGGAL = "meninggal"
    PINDAH_DALAM_NEGERI = "pindah dalam negeri"
    PINDAH_LUAR_NEGERI = "pindah luar negeri"
    TIDAK_DITEMUKAN = "tidak ditemukan"
    GANDA = "ganda"
    ANGGOTA_BARU = "anggota baru"


KEBERADAAN_LABELS: dict[Keberadaan, str] = {
    Keberadaan.ADA: "Ada",
    Keberadaan.MENINGGAL: "Meninggal",
    Keberadaan.PINDAH_DALAM_NEGERI: "Pindah dalam negeri",
    Keberadaan.PINDAH_LUAR_NEGERI: "Pindah luar negeri",
    Keberadaan.TIDAK_DITEMUKAN: "Tidak ditemukan",
    Keberadaan.GANDA: "Ganda",
    Keberadaan.ANGGOTA_BARU: "Anggota baru",
}


class Kelayakan(StrEnum):
    """The petugas's view of the family: eligible, not eligible, well-off."""

    LAYAK = "layak"
    TIDAK_LAYAK = "tidak layak"
    MAMPU = "mampu"


KELAYAKAN_LABELS: dict[Kelayakan, str] = {
    Kelayakan.LAYAK: "Layak",
    Kelayakan.TIDAK_LAYAK: "Tidak layak",
    Kelayakan.MAMPU: "Mampu",
}


class Peran(StrEnum):
    """Who visits: Pekerja Sosial Masyarakat, Petugas Pendata, Tenaga Kesejahteraan Sosial Kecamatan."""

    PSM = "psm"
    PETUGAS_PENDATA = "petugas_pendata"
    TKSK = "tksk"


PERAN_LABELS: dict[Peran, str] = {
    Peran.PSM: "PSM",
    Peran.PETUGAS_PENDATA: "Petugas Pendata",
    Peran.TKSK: "TKSK",
}

def parse_keberadaan(value: object) -> Keberadaan | None:
    """A worksheet word as :class:`Keberadaan`; None for an empty cell; ValueError for another word."""
    return parse_labelled(value, Keberadaan, KEBERADAAN_LABELS)


def parse_kelayakan(value: object) -> Kelayakan | None:
    """A worksheet word as :class:`Kelayakan`; None for an empty cell; ValueError for another word."""
    return parse_labelled(value, Kelayakan, KELAYAKAN_LABELS)


def parse_peran(value: object) -> Peran | None:
    """``PSM``, ``Petugas Pendata``, ``petugas_pendata``, ``tksk`` ... as :class:`Peran`."""
    return parse_labelled(value, Peran, PERAN_LABELS)


ROUND_RE = re.compile(r"(20\d{2})-(0[1-9]|1[0-2])")


def default_round(today: date | None = None) -> str:
    """The round of a month: ``2026-12``."""
    d = today or date.today()
    return f"{d.year:04d}-{d.month:02d}"


def parse_round(text: object) -> str:
    """A verification round ``YYYY-MM`` (``2026-12``); ValueError with an Indonesian message."""
    s = str(text or "").strip()
    if not ROUND_RE.fullmatch(s):
        raise ValueError(f"Putaran verifikasi harus berbentuk TAHUN-BULAN, mis. 2026-12 (tertulis: {s or 'kosong'}).")
    return s


def normalize_rt_rw(value: object) -> str | None:
    """RT/RW as three digits (``2`` → ``002``, a spreadsheet drops the zeros); None when empty;
    ValueError when it is not a number of at most three digits."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = str(value).strip()
    if not s or s == "-":
        return None
    if not (s.isascii() and s.isdigit()) or len(s.lstrip("0")) > 3:
        raise ValueError(s)
    return s.lstrip("0").zfill(3)
