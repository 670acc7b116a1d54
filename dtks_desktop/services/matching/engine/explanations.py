"""Indonesian explanations of a comparison: one line per field (:func:`field_note`,
:func:`explain_fields`)."""

from __future__ import annotations

from datetime import date
from typing import Callable, Iterable, Sequence

import numpy as np

from dtks_desktop.domain.names import compare_names, name_difference
from dtks_desktop.services.matching import settings as S
from dtks_desktop.services.matching.engine.tables import dob_int
from dtks_desktop.domain.formatting import tanggal


# --- explanations ------------------------------------------------------------------------------

def _fmt_date(d) -> str:
    if d is None or d == "" or d == 0:
        return "-"
    if isinstance(d, (int, np.integer)):
        d = int(d)
        return f"{d % 100:02d}-{d // 100 % 100:02d}-{d // 10000:04d}"
    if isinstance(d, date):
        return tanggal(d)
    return str(d)


_CONSTANT_NOTES = {
    ("nik", "kosong"): "NIK: tidak ada NIK yang sah di DTKS",
    ("nik", "sama"): "NIK: sama",
    ("nama", "kosong"): "Nama: terlalu pendek (satu huruf) atau kosong, tidak dapat dibandingkan",
    ("nama", "sama"): "Nama: sama",
    ("tanggal_lahir", "sama"): "Tanggal lahir: sama",
    ("jenis_kelamin", "kosong"): "Jenis kelamin: tidak tercatat di salah satu data",
    ("jenis_kelamin", "sama"): "Jenis kelamin: sama",
    ("nama_ibu", "kosong"): "Nama ibu kandung: kosong di salah satu data",
    ("nama_ibu", "sama"): "Nama ibu kandung: sama",
    ("no_kk", "kosong"): "No KK: kosong di salah satu data",
    ("no_kk", "sama"): "No KK: sama",
    ("desa", "kosong"): "Desa: tidak tercatat di salah satu data",
    ("desa", "sama"): "Desa: sama",
}
_VALUE_NOTES = {
    ("nik", "satu_digit"): "NIK: beda satu digit ({a} ↔ {b})",
    ("nik", "tukar"): "NIK: dua digit bertukar ({a} ↔ {b})",
    ("nik", "excel"): "NIK: rusak oleh Excel; digit yang dapat dipercaya cocok ({a} ↔ {b})",
    ("nik", "beda"): "NIK: berbeda ({a} ↔ {b})",
    ("nama", "urutan"): "Nama: urutan kata berbeda ({a} ↔ {b})",
    ("nama", "mirip90"): "Nama: beda ejaan/salah ketik ({a} ↔ {b}{pct})",
    ("nama", "mirip80"): "Nama: agak mirip ({a} ↔ {b}{pct})",
    ("nama", "beda"): "Nama: berbeda ({a} ↔ {b})",
    ("tanggal_lahir", "tukar"): "Tanggal lahir: hari dan bulan tertukar ({a} ↔ {b})",
    ("tanggal_lahir", "tahun_sama"): "Tanggal lahir: hanya tahunnya sama ({a} ↔ {b})",
    ("tanggal_lahir", "beda"): "Tanggal lahir: berbeda ({a} ↔ {b})",
    ("nama_ibu", "mirip"): "Nama ibu kandung: mirip ({a} ↔ {b})",
    ("nama_ibu", "beda"): "Nama ibu kandung: berbeda ({a} ↔ {b})",
    ("no_kk", "sama_14"): "No KK: sama kecuali digit terakhir (rusak oleh Excel?) ({a} ↔ {b})",
    ("no_kk", "beda"): "No KK: berbeda, di Dukcapil sudah KK lain ({a} ↔ {b})",
}
_SEX_LABEL = {"L": "laki-laki", "P": "perempuan", 1: "laki-laki", 2: "perempuan"}


def constant_note(f: str, level: str) -> str | None:
    """The note of a field comparison that names no values ("Nama: sama"), else None."""
    return _CONSTANT_NOTES.get((f, level))


def field_note(f: str, level: str, m_val, c_val, *, sim: float | None = None,
               region_name: Callable[[str], str | None] | None = None) -> str:
    """Indonesian explanation of one field comparison (``m_val`` DTKS, ``c_val`` Dukcapil)."""
    const = _CONSTANT_NOTES.get((f, level))
    if const is not None:
        return const
    if f == "tanggal_lahir":
        a, b = _fmt_date(m_val), _fmt_date(c_val)
        if level == "kosong":
            if a == "-" and b == "-":
                return "Tanggal lahir: tidak ada di kedua data"
            return f"Tanggal lahir: tidak ada di DTKS (Dukcapil: {b})" if a == "-" else \
                f"Tanggal lahir: tidak ada di Dukcapil (DTKS: {a})"
        if level == "satu_beda":
            return f"Tanggal lahir: beda {_which_part(m_val, c_val)} ({a} ↔ {b})"
        return _VALUE_NOTES[(f, level)].format(a=a, b=b)
    if f == "nama" and level == "sama_beda_tulisan":
        return f"Nama: beda {name_difference(str(m_val), str(c_val))} ({m_val} ↔ {c_val})"
    if f == "nama" and level in S.NAME_WRITTEN_LEVELS:
        # How clerks and villages write a name (initials, joined words, left-off words).
        return compare_names(str(m_val or ""), str(c_val or "")).explanation
    if f == "jenis_kelamin":
        return f"Jenis kelamin: berbeda ({_SEX_LABEL.get(m_val, m_val)} ↔ {_SEX_LABEL.get(c_val, c_val)})"
    if f == "desa":
        rn = region_name or (lambda code: None)
        nd = rn(str(c_val)) or str(c_val)
        kec = str(c_val)[:8]
        nk = rn(kec) or kec
        if level == "pindah_desa":
            return f"Desa: pindah ke Desa {nd} (kecamatan sama)"
        return f"Desa: pindah ke Kec. {nk} (Desa {nd})"
    tpl = _VALUE_NOTES.get((f, level))
    if tpl is None:
        return f"{S.FIELD_LABELS[f]}: {level}"
    pct = f", {round(100 * sim)}%" if sim is not None else ""
    return tpl.format(a=m_val if m_val is not None else "-", b=c_val if c_val is not None else "-", pct=pct)


def _which_part(a, b) -> str:
    ai, bi = dob_int(a) if not isinstance(a, (int, np.integer)) else int(a), \
        dob_int(b) if not isinstance(b, (int, np.integer)) else int(b)
    if ai // 10000 != bi // 10000:
        return "tahun"
    if ai // 100 % 100 != bi // 100 % 100:
        return "bulan"
    return "hari"


def explain_fields(levels: Sequence[int], weights: Sequence[float], m_vals: dict, c_vals: dict, *,
                   sim: float | None = None, region_name: Callable[[str], str | None] | None = None) -> list[dict]:
    """Per field: ``{"f", "lvl", "w", "cat"}`` (field, level name, weight in bits, Indonesian note)."""
    out = []
    for j, f in enumerate(S.FIELDS):
        lvl = S.FIELD_LEVELS[f][int(levels[j])]
        out.append({"f": f, "lvl": lvl, "w": weights[j] if isinstance(weights[j], float) else round(float(weights[j]), 2),
                    "cat": field_note(f, lvl, m_vals.get(f), c_vals.get(f), sim=sim if f == "nama" else None,
                                      region_name=region_name)})
    return out


def level_names(levels: Iterable[int]) -> dict[str, str]:
    return {f: S.FIELD_LEVELS[f][int(v)] for f, v in zip(S.FIELDS, levels)}
