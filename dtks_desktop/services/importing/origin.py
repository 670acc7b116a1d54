"""Which kabupaten/kota a checked file belongs to, decided from all its rows before anything is stored.

Each row gives at most one piece of evidence, the strongest it has:

1. its region: a desa code, a kabupaten column naming another kabupaten, or a desa/kecamatan
   name that resolved inside the office's kabupaten;
2. else the No KK's first four digits (the family card is issued where the family lives);
3. else the NIK's first four digits (where the person was first registered: people move, so
   this is the weakest evidence and only counts when a row has nothing better).

A file "belongs elsewhere" when more of its rows with evidence point outside the office's
kabupaten than inside it. A few rows of people registered elsewhere are normal and never
refuse a good file; those rows are still checked one by one (rows.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from dtks_desktop.domain.formatting import angka
from dtks_desktop.domain.regions import RegionCodes, kabupaten_display, repair_code
from dtks_desktop.services.importing.rows import WILAYAH_LUAR_KABUPATEN, PersonRecord

@dataclass
class FileOrigin:
    """The tally of one file's rows by kabupaten/kota."""

    office: str
    rows: int = 0
    evidence: int = 0  # rows that told where they belong
    by_kab: Counter = field(default_factory=Counter)
    # first row pointing at each kabupaten: (row, column label or None, value)
    example: dict[str, tuple[int, str | None, str | None]] = field(default_factory=dict)

    @property
    def own(self) -> int:
        return self.by_kab.get(self.office, 0)

    @property
    def elsewhere(self) -> int:
        return self.evidence - self.own

    @property
    def main_kab(self) -> str | None:
        """The kabupaten most rows with evidence belong to (ties: the office's)."""
        if not self.by_kab:
            return None
        top = max(self.by_kab.values())
        return self.office if self.by_kab.get(self.office) == top else self.by_kab.most_common(1)[0][0]

    def belongs_elsewhere(self) -> bool:
        return self.elsewhere > self.own

    def describe_others(self, codes: RegionCodes, limit: int = 3) -> str:
        parts = [f"{kabupaten_display(k, codes)}: {angka(n)} baris" for k, n in self.by_kab.most_common()
                 if k != self.office][:limit]
        return "; ".join(parts)


def _kab_of_digits(digits: str | None, codes: RegionCodes) -> str | None:
    if not digits or len(digits) < 4 or not digits[:4].isdigit():
        return None
    kode = f"{digits[:2]}.{digits[2:4]}"
    return kode if kode in codes else None


def row_kab(rec: PersonRecord, office: str, codes: RegionCodes, column_label) -> tuple[str, str | None, str | None] | None:
    """(kabupaten code, column label, value) this row says it belongs to, or None."""
    if rec.desa_kode:
        return rec.desa_kode[:5], None, rec.desa_kode
    for p in rec.problems:
        if p.issue.code == WILAYAH_LUAR_KABUPATEN and p.value:
            code = repair_code(p.value)
            if code and code.count(".") >= 1 and code[:5] in codes:
                return code[:5], column_label(p.field), p.value
            found = codes.find(p.value, level=2)
            if found and office not in found:
                return found[0], column_label(p.field), p.value
    # Only the first four digits are shown in messages: never a whole NIK / No KK.
    kab = _kab_of_digits(rec.no_kk, codes)
    if kab:
        return kab, column_label("no_kk"), f"diawali {rec.no_kk[:4]}"
    kab = _kab_of_digits(rec.nik, codes)
    if kab:
        return kab, column_label("nik"), f"diawali {rec.nik[:4]}"
    return None


def tally(recs: list[PersonRecord], office: str, codes: RegionCodes, column_label) -> FileOrigin:
    """Count the rows of a checked file by the kabupaten they belong to (in file order)."""
    origin = FileOrigin(office=office, rows=len(recs))
    for rec in recs:
        found = row_kab(rec, office, codes, column_label)
        if found is None:
            continue
        kab, col, value = found
        origin.evidence += 1
        origin.by_kab[kab] += 1
        if kab not in origin.example:
            origin.example[kab] = (rec.source_row, col, value)
    return origin


__all__ = ["FileOrigin", "row_kab", "tally"]
