"""Village officials per desa/kelurahan: Kepala Desa or Lurah, Ketua BPD, Sekretaris.

They sign the minutes of village meetings. Kept per desa of the office's kabupaten, set one desa
at a time (:func:`set_officials`, the GUI table) or imported from a workbook with one row per desa
(:func:`import_officials`): columns found by their header texts (synonyms, as every import),
the desa by its Kemendagri code or, without a code, by its name when that name is unique in the
kabupaten. A row that cannot be placed is rejected with its row and column; the other rows are
stored in one transaction, and a file that cannot be read at all stores nothing. The wording
Desa/Kelurahan comes from the region code (``domain.regions.village_terms``).
"""

from __future__ import annotations

import os
import unicodedata
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from dtks_desktop.db.models import Region, VillageOfficialsRow, utcnow
from dtks_desktop.domain.office import VillageOfficials
from dtks_desktop.domain.regions import region_level, repair_code, village_terms
from dtks_desktop.services.core import audit
from dtks_desktop.services.core.browse import office_kab_kode
from dtks_desktop.services.core.common import CancelFlag, DataKind, Progress, changes, check_cancel
from dtks_desktop.services.core.permissions import Capability, require
from dtks_desktop.services.core.users import Actor
from dtks_desktop.services.importing.mapping.fields import HEADER_SCAN_ROWS, header_key
from dtks_desktop.services.importing.readers import ImportFileError, column_letter, describe_location, open_table

FIELDS = ("kepala", "ketua_bpd", "sekretaris")
FIELD_LABELS = {"kode": "Kode Desa", "nama": "Desa/Kelurahan", "kepala": "Kepala Desa/Lurah",
                "ketua_bpd": "Ketua BPD", "sekretaris": "Sekretaris"}
MAX_NAME = 120

#: Header texts per column (matched through ``header_key``: case, spaces and punctuation ignored).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "kode": ("KODE DESA", "KODE DESA/KELURAHAN", "KODE KELURAHAN", "KODE DESA/KEL", "KODE KEL/DESA", "KD DESA",
             "KDDESA", "KODE WILAYAH", "KODE KEMENDAGRI", "KODE", "NO_KEL", "KODE_DESA", "KODE DESA KELURAHAN"),
    "nama": ("DESA/KELURAHAN", "DESA", "KELURAHAN", "NAMA DESA", "NAMA KELURAHAN", "NAMA DESA/KELURAHAN",
             "DESA/KEL", "KEL/DESA", "KELURAHAN/DESA", "NAMA DESA/KEL", "DESA KELURAHAN", "NAMA_DESA"),
    "kepala": ("KEPALA DESA", "KEPALA DESA/LURAH", "LURAH", "KADES", "NAMA KEPALA DESA", "KEPALA DESA / LURAH",
               "LURAH/KEPALA DESA", "KEPALA DESA LURAH", "NAMA KADES", "KADES/LURAH", "NAMA LURAH",
               "NAMA KEPALA DESA/LURAH", "KEPALA KELURAHAN"),
    "ketua_bpd": ("KETUA BPD", "BPD", "NAMA KETUA BPD", "KETUA BPD/LPM", "KETUA LPM", "KETUA BPD / LPM",
                  "KETUA BADAN PERMUSYAWARATAN DESA"),
    "sekretaris": ("SEKRETARIS", "SEKRETARIS DESA", "SEKDES", "SEKRETARIS KELURAHAN", "SEKLUR", "NAMA SEKDES",
                   "SEKRETARIS DESA/KELURAHAN", "NAMA SEKRETARIS", "CARIK"),
}
_INDEX = {header_key(text): fld for fld, texts in SYNONYMS.items() for text in texts}


class OfficialsError(Exception):
    """A village-officials change that cannot be made; ``message`` is Indonesian."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- reading -----------------------------------------------------------------------------------


def _name_key(name: str) -> str:
    s = unicodedata.normalize("NFKD", name or "")
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold()
    for prefix in ("desa ", "kelurahan ", "kel. ", "kel ", "ds. ", "ds "):
        if s.startswith(prefix):
            s = s[len(prefix):]
            break
    return "".join(c for c in s if c.isalnum())


def _kab(session: Session) -> str:
    kab = office_kab_kode(session)
    if not kab:
        raise OfficialsError("Kabupaten/kota kantor belum ditetapkan (Pengaturan); perangkat desa belum dapat diisi.")
    return kab


def _desa_of_kab(session: Session, kab: str) -> dict[str, str]:
    rows = session.execute(select(Region.kode, Region.nama).where(Region.level == 4, Region.kode.startswith(kab + ".")))
    return dict(rows.all())


def _kecamatan_names(session: Session, kab: str) -> dict[str, str]:
    rows = session.execute(select(Region.kode, Region.nama).where(Region.level == 3, Region.parent_kode == kab))
    return dict(rows.all())


def _officials(row: VillageOfficialsRow | None, kode: str, nama: str) -> VillageOfficials:
    return VillageOfficials(desa_kode=kode, desa_nama=nama, sebutan=village_terms(kode).unit,
                            kepala=row.kepala if row else "", ketua_bpd=row.ketua_bpd if row else "",
                            sekretaris=row.sekretaris if row else "")


def officials_dict(v: VillageOfficials) -> dict:
    return {"desa_kode": v.desa_kode, "desa_nama": v.desa_nama, "sebutan": v.sebutan,
            "kepala_jabatan": v.kepala_jabatan, "kepala": v.kepala, "ketua_bpd": v.ketua_bpd,
            "sekretaris": v.sekretaris}


def list_officials(session: Session, desa: str | None = None, *, all_desa: bool = False) -> list[VillageOfficials]:
    """Stored officials, by desa code; ``desa`` a desa or kecamatan code (prefix). ``all_desa``:
    every desa/kelurahan of the office's kabupaten (empty where nothing is stored), for the table."""
    prefix = (repair_code(desa) or desa or "").strip() if desa else None
    if all_desa:
        kab = office_kab_kode(session)
        if not kab:
            return []
        names = _desa_of_kab(session, kab)
    else:
        q = select(Region.kode, Region.nama).join(VillageOfficialsRow, VillageOfficialsRow.desa_kode == Region.kode)
        names = dict(session.execute(q).all())
    stored = {r.desa_kode: r for r in session.execute(select(VillageOfficialsRow)).scalars()}
    out = []
    for kode in sorted(names):
        if prefix and not (kode == prefix or kode.startswith(prefix + ".")):
            continue
        out.append(_officials(stored.get(kode), kode, names[kode]))
    return out


def officials_of(session: Session, desa_kode: str, desa_nama: str | None = None) -> VillageOfficials:
    """The officials of one desa/kelurahan (empty names where nothing is stored): who signs its
    worksheets and minutes, with the Desa/Kelurahan wording of its code."""
    row = session.get(VillageOfficialsRow, desa_kode)
    if desa_nama is None:
        desa_nama = session.scalar(select(Region.nama).where(Region.kode == desa_kode)) or desa_kode
    return _officials(row, desa_kode, desa_nama)


def missing_kepala_warning(v: VillageOfficials) -> str | None:
    """An Indonesian warning when the Kepala Desa/Lurah of ``v`` is not stored (which setting to fill)."""
    if v.kepala:
        return None
    return (f"Peringatan: nama {v.kepala_jabatan} {v.desa_nama} belum diisi; blok tanda tangan dicetak "
            f"sebagai titik-titik. Isi di Kantor & Dokumen › Perangkat desa, atau: dtks village-officials set "
            f"{v.desa_kode} --kepala \"NAMA\" (atau impor .xlsx: dtks village-officials import BERKAS).")


def kecamatan_of(session: Session) -> dict[str, str]:
    """``{kecamatan code: name}`` of the office's kabupaten (for grouping the table)."""
    kab = office_kab_kode(session)
    return _kecamatan_names(session, kab) if kab else {}


# --- changing ----------------------------------------------------------------------------------


def _clean_name(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _store(session: Session, actor: Actor | None, kode: str, values: dict[str, str], *, source: str) -> str:
    """Write one desa's officials; returns "new", "changed" or "same". Audited."""
    row = session.get(VillageOfficialsRow, kode)
    old = {f: getattr(row, f) for f in FIELDS} if row else {f: "" for f in FIELDS}
    new = {**old, **values}
    if row is not None and new == old:
        return "same"
    if row is None:
        row = VillageOfficialsRow(desa_kode=kode, **new)
        session.add(row)
        outcome = "new"
    else:
        for f in FIELDS:
            setattr(row, f, new[f])
        outcome = "changed"
    row.updated_by = actor.id if actor else None
    row.updated_at = utcnow()
    diff = {f: new[f] for f in FIELDS if new[f] != old[f]}
    audit.record(session, actor, "village_officials.set", entity_type="desa",
                 summary=f"Perangkat {village_terms(kode).unit} {kode}: " + ", ".join(f"{f}={v!r}" for f, v in diff.items())
                         + f" ({source})",
                 old={f: old[f] for f in diff}, new=diff)
    return outcome


@changes(DataKind.SETTINGS)
def set_officials(session: Session, actor: Actor | None, desa_kode: str, **values: str | None) -> VillageOfficials:
    """Set the officials of one desa/kelurahan of the office's kabupaten (only the fields given;
    "" clears one). Audited as ``village_officials.set``."""
    require(session, actor, Capability.VILLAGE_OFFICIALS, detail=desa_kode)
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise OfficialsError(f"Kolom {', '.join(sorted(unknown))} tidak dikenal; yang ada: {', '.join(FIELDS)}.")
    kab = _kab(session)
    kode = repair_code(desa_kode)
    names = _desa_of_kab(session, kab)
    if kode is None or kode not in names:
        raise OfficialsError(f"Kode desa/kelurahan '{desa_kode}' tidak ada di {kab} (kabupaten/kota kantor).")
    cleaned = {}
    for f, v in values.items():
        if v is None:
            continue
        text = _clean_name(v)
        if len(text) > MAX_NAME:
            raise OfficialsError(f"{FIELD_LABELS[f]}: paling panjang {MAX_NAME} karakter.")
        cleaned[f] = text
    _store(session, actor, kode, cleaned, source="diisi")
    session.flush()
    return _officials(session.get(VillageOfficialsRow, kode), kode, names[kode])


# --- import ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    row: int | None
    column: str | None  # "C (Kepala Desa)"
    message: str
    level: str = "baris ditolak"  # "baris ditolak" (row not stored) | "peringatan"


@dataclass
class OfficialsImportResult:
    file_name: str
    rows_read: int = 0
    imported: int = 0  # rows stored (new desa or changed officials)
    unchanged: int = 0
    rejected: int = 0
    warnings: int = 0
    problems: list[Problem] = field(default_factory=list)
    changes: frozenset = frozenset({DataKind.SETTINGS, DataKind.AUDIT})

    def as_dict(self) -> dict:
        d = asdict(self)
        d["changes"] = sorted(self.changes)
        return d

    def summary_text(self) -> str:
        return (f"Impor perangkat desa {self.file_name} selesai: {self.rows_read} baris dibaca, {self.imported} "
                f"disimpan, {self.unchanged} tetap, {self.rejected} ditolak, {self.warnings} peringatan.")


def _find_header(rows: list[tuple[int, list[object]]]) -> tuple[int, dict[str, int], dict[int, str]] | None:
    """(header row, {field: column}, {column: header text}) of the first row that names a desa
    column and an officials column."""
    for number, values in rows:
        cols: dict[str, int] = {}
        texts: dict[int, str] = {}
        for i, v in enumerate(values):
            if v is None or (isinstance(v, str) and not v.strip()):
                continue
            texts[i] = " ".join(str(v).split())
            fld = _INDEX.get(header_key(v))
            if fld is not None and fld not in cols:
                cols[fld] = i
        if ("kode" in cols or "nama" in cols) and any(f in cols for f in FIELDS):
            return number, cols, texts
    return None


def import_officials(db, actor: Actor | None, path: str | os.PathLike[str], *, progress: Progress | None = None,
                     cancel: CancelFlag | None = None) -> OfficialsImportResult:
    """Import a workbook (or CSV) with one row per desa. A file that cannot be read, has no
    recognisable header or no data raises ImportFileError and stores nothing; rows that cannot be
    placed are rejected (row and column named) and the others stored in one transaction."""
    require(db, actor, Capability.VILLAGE_OFFICIALS, detail=Path(path).name)
    p = Path(path)
    table = open_table(p)
    result = OfficialsImportResult(file_name=p.name)

    def warn(row: int | None, column: str | None, message: str) -> None:
        result.warnings += 1
        result.problems.append(Problem(row, column, message, "peringatan"))

    for note in table.notes:
        warn(None, None, note)
    try:
        rows = list(table.iter_rows())
    finally:
        close = getattr(table, "close", None)
        if close:
            close()
    header = _find_header(rows[:HEADER_SCAN_ROWS])
    if header is None:
        wanted = ", ".join(FIELD_LABELS.values())
        raise ImportFileError(f'Berkas "{p.name}": judul kolom tidak dikenali. Perlu kolom Kode Desa atau '
                              f"Desa/Kelurahan dan paling sedikit satu kolom pejabat; judul yang dikenal: {wanted}.",
                              code="judul_tidak_ditemukan", path=p)
    header_row, cols, texts = header
    data = [(n, v) for n, v in rows if n > header_row]
    if not data:
        raise ImportFileError(f'Berkas "{p.name}" tidak berisi data di bawah baris judul (baris {header_row}).',
                              code="kosong", path=p)
    unknown = [f"{column_letter(i)} ({t})" for i, t in texts.items() if i not in cols.values()]
    if unknown:
        warn(header_row, None, f'Berkas "{p.name}", baris {header_row}: kolom tidak dikenal dan tidak diimpor: '
                               f"{', '.join(unknown)}.")

    def where(fld: str) -> str:
        i = cols[fld]
        return f"{column_letter(i)} ({texts.get(i, FIELD_LABELS[fld])})"

    def cell(values: list[object], fld: str) -> object:
        i = cols.get(fld)
        return values[i] if i is not None and i < len(values) else None

    total = len(data)
    with db.transaction() as s:
        kab = _kab(s)
        names = _desa_of_kab(s, kab)
        by_name: dict[str, list[str]] = defaultdict(list)
        for kode, nama in names.items():
            by_name[_name_key(nama)].append(kode)
        kec = _kecamatan_names(s, kab)
        seen: dict[str, int] = {}
        for k, (number, values) in enumerate(data, 1):
            check_cancel(cancel)
            if progress and (k % 50 == 0 or k == total):
                progress(k, total, "Membaca baris")
            result.rows_read += 1

            def reject(fld: str | None, message: str) -> None:
                result.rejected += 1
                i = cols.get(fld) if fld else None
                loc = describe_location(p.name, number, i, texts.get(i) if i is not None else None)
                result.problems.append(Problem(number, where(fld) if fld else None, f"{loc}: {message}"))

            raw_code, raw_name = cell(values, "kode"), _clean_name(cell(values, "nama"))
            kode = None
            if raw_code not in (None, "") and str(raw_code).strip():
                kode = repair_code(raw_code)
                if kode is None or region_level(kode) != 4:
                    reject("kode", f"kode desa '{_clean_name(raw_code)}' bukan kode desa/kelurahan Kemendagri "
                                   "(10 angka, mis. 33.10.01.2001).")
                    continue
                if not kode.startswith(kab + "."):
                    reject("kode", f"desa {kode} bukan desa di kabupaten/kota kantor ({kab}).")
                    continue
                if kode not in names:
                    reject("kode", f"kode desa {kode} tidak dikenal (tidak ada di daftar wilayah Kemendagri).")
                    continue
                if raw_name and _name_key(raw_name) != _name_key(names[kode]):
                    warn(number, where("nama"), f"{describe_location(p.name, number)}: nama '{raw_name}' berbeda "
                                                f"dengan nama wilayah kode {kode} ({names[kode]}); dipakai kodenya.")
            elif raw_name:
                found = by_name.get(_name_key(raw_name), [])
                if len(found) != 1:
                    if found:
                        where_k = ", ".join(f"{kd} (Kec. {kec.get(kd.rsplit('.', 1)[0], '?')})" for kd in sorted(found))
                        reject("nama", f"ada {len(found)} desa/kelurahan bernama '{raw_name}' di kabupaten ini: "
                                       f"{where_k}; isi kolom kode desa.")
                    else:
                        reject("nama", f"desa/kelurahan '{raw_name}' tidak ada di kabupaten/kota kantor ({kab}).")
                    continue
                kode = found[0]
            else:
                reject("kode" if "kode" in cols else "nama", "kode dan nama desa/kelurahan kosong.")
                continue
            if kode in seen:
                reject("kode" if "kode" in cols else "nama",
                       f"{names[kode]} ({kode}) sudah ada di baris {seen[kode]}; satu baris per desa.")
                continue
            given = {}
            bad = None
            for f in FIELDS:
                if f not in cols:
                    continue
                text = _clean_name(cell(values, f))
                if len(text) > MAX_NAME:
                    bad = (f, f"{FIELD_LABELS[f]} paling panjang {MAX_NAME} karakter.")
                    break
                if text and not any(c.isalpha() for c in text):
                    bad = (f, f"{FIELD_LABELS[f]} '{text}' bukan nama orang.")
                    break
                if text:  # an empty cell keeps what is stored
                    given[f] = text
            if bad:
                reject(*bad)
                continue
            seen[kode] = number
            if not given:
                warn(number, None, f"{describe_location(p.name, number)}: tidak ada nama pejabat untuk "
                                   f"{names[kode]}; tidak ada yang diubah.")
                result.unchanged += 1
                continue
            outcome = _store(s, actor, kode, given, source=f"impor {p.name} baris {number}")
            if outcome == "same":
                result.unchanged += 1
            else:
                result.imported += 1
        check_cancel(cancel)
        audit.record(s, actor, "village_officials.import", entity_type="import",
                     summary=f"Impor perangkat desa {p.name}: {result.imported} disimpan, {result.rejected} ditolak",
                     new={"file": p.name, "rows": result.rows_read, "imported": result.imported,
                          "rejected": result.rejected})
    return result
