"""Reading a KPM list (from Kemensos, Bulog, the province) for a distribution period.

The file is read with the import machinery: ``readers.open_table`` (.xlsx/.xls/.csv, the kind
from its content) and ``mapping.detect_header`` (columns found by their header synonyms: NIK,
nama, No KK, alamat, dusun, RT, RW, desa/kelurahan or kode wilayah, kecamatan). Nothing is
written here: :func:`read_kpm_file` gives the rows and the problems, the period service stores them.

Rules (each problem names the file, the row and the column):

* a NIK saved as a number by Excel (digits lost) is rejected: the family cannot be identified;
* the same NIK twice in the file: the later row is rejected, naming the earlier row;
* a desa code of another kabupaten is rejected (the list belongs to another office);
* a desa name not found in the kabupaten is kept as written (the cleaning returns the KPM with
  ``desa_tidak_dikenal``), as is a NIK that is not 16 digits (``nik_tidak_valid``);
* a row without NIK and name is skipped (a blank row); a total line ("JUMLAH", "TOTAL …") without NIK
  and No KK is skipped with a warning;
* a workbook whose list is split over several sheets is read whole: every sheet with NIK and nama
  columns (messages then name the sheet); the same NIK on two sheets is rejected like on two rows.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from dtks_desktop.domain.regions import default_region_codes, repair_code
from dtks_desktop.domain.spreadsheet import clean_id, clean_rt_rw, clean_text
from dtks_desktop.services.core.common import CancelFlag, Progress, check_cancel

__all__ = ["ListedKpm", "Problem", "KpmFile", "read_kpm_file", "file_sha256", "KPM_FIELDS"]

#: The canonical import fields a KPM list may carry.
KPM_FIELDS = ("nik", "nama", "no_kk", "alamat", "dusun", "rt", "rw", "desa", "kode_desa", "kecamatan")


@dataclass(frozen=True)
class Problem:
    """A row of a file that was rejected or taken with a remark. ``message`` starts with the
    file, row and column (``Berkas "a.xlsx", baris 12, kolom C (NIK): …``)."""

    row: int | None
    column: str | None
    message: str
    level: str = "error"  # "error": the row was not taken; "warning": taken, with a remark

    def __iter__(self):  # (row, column, message), as the contract spells a problem
        return iter((self.row, self.column, self.message))

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message, "level": self.level}


@dataclass
class ListedKpm:
    """One KPM as the list names it."""

    row: int
    nik: str | None
    nama: str
    no_kk: str | None = None
    alamat: str | None = None
    dusun: str | None = None
    rt: str | None = None
    rw: str | None = None
    desa_kode: str | None = None
    desa_text: str | None = None


@dataclass
class KpmFile:
    path: Path
    sha256: str
    rows: list[ListedKpm] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rejected: int = 0


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class _Desa:
    """Desa code of a (code, kecamatan, desa) triple of the file, cached; the office kabupaten only."""

    def __init__(self, session: Session, kab_kode: str | None) -> None:
        from dtks_desktop.services.core.regions import RegionResolver

        self.kab = kab_kode
        self.codes = default_region_codes()
        self.resolver = RegionResolver.from_db(session, kab_kode) if kab_kode else None
        self.cache: dict[tuple, tuple[str | None, str | None, str | None]] = {}

    def resolve(self, code_raw, kec, desa) -> tuple[str | None, str | None, str | None]:
        """(desa code or None, text as written, error message for a row to reject)."""
        key = (code_raw, kec, desa)
        hit = self.cache.get(key)
        if hit is None:
            hit = self.cache[key] = self._resolve(code_raw, kec, desa)
        return hit

    def _resolve(self, code_raw, kec, desa):
        from dtks_desktop.services.core.regions import RegionNotFound

        written = clean_text(desa) or (clean_text(code_raw) or None)
        if code_raw not in (None, ""):
            code = repair_code(code_raw)
            if code and code.count(".") == 3 and code in self.codes:
                if self.kab and not code.startswith(self.kab + "."):
                    return None, code, (f"kode wilayah {code} ({self.codes.name(code)}) bukan desa/kelurahan "
                                        f"{self.codes.name(self.kab)}; daftar ini untuk kantor lain")
                return code, written or code, None
            if not desa:
                return None, str(code_raw).strip(), None
        name = clean_text(desa)
        if not name or self.resolver is None:
            return None, written, None
        try:
            m = self.resolver.desa(name, clean_text(kec)) if clean_text(kec) else self.resolver.desa(name)
        except RegionNotFound:
            return None, name, None
        return m.kode, name, None


#: A total line under the list ("JUMLAH", "TOTAL 120 KPM", "Sub total"), not a KPM.
_TOTAL_ROW = re.compile(r"^(JUMLAH|TOTAL|SUB\s*-?\s*TOTAL|GRAND\s+TOTAL)\b", re.IGNORECASE)


def _short(v: str | None) -> str | None:
    return v[:5] if v else None


def read_kpm_file(session: Session, path, *, kab_kode: str | None, progress: Progress | None = None,
                  cancel: CancelFlag | None = None) -> KpmFile:
    """Read a KPM list (see the module's description). ImportFileError when the file cannot be
    read or has no NIK and nama columns."""
    from dtks_desktop.services.importing.mapping.fields import HEADER_SCAN_ROWS, MappingError
    from dtks_desktop.services.importing.mapping.header import detect_header
    from dtks_desktop.services.importing.readers import ImportFileError, open_table

    p = Path(path)
    out = KpmFile(path=p, sha256=file_sha256(p))
    desa = _Desa(session, kab_kode)
    seen: dict[str, str] = {}  # NIK -> where it was first listed ("baris 5" or "baris 5 lembar X")
    table = open_table(p)
    try:
        try:
            match = detect_header(table.head(HEADER_SCAN_ROWS), None, file_name=p)
        except MappingError as exc:
            raise ImportFileError(f'Berkas "{p.name}": judul kolom daftar KPM tidak ditemukan. Judul yang dikenal: '
                                  "NIK, Nama, No KK, Alamat, Dusun, RT, RW, Desa/Kelurahan atau Kode wilayah, "
                                  f"Kecamatan. ({exc.message if hasattr(exc, 'message') else exc})",
                                  code="judul_tidak_ditemukan", path=p) from None
        missing = [label for f, label in (("nik", "NIK"), ("nama", "Nama")) if f not in match.columns]
        if missing:
            dup = [f for f in ("nik", "nama") if f in match.duplicates]
            extra = (" Beberapa kolom sama-sama dapat dibaca sebagai " + ", ".join(dup).upper()
                     + ": beri judul yang berbeda.") if dup else ""
            raise ImportFileError(f'Berkas "{p.name}": kolom {" dan ".join(missing)} tidak ditemukan di baris judul '
                                  f"(baris {match.header_row}).{extra}", code="kolom_wajib_tidak_ada", path=p)
        many = len(table.sheet_names) > 1
        others = [n for n in table.sheet_names if n != table.sheet_name]
        _read_sheet(out, table, match, desa, seen, table.sheet_name if many else None, progress, cancel)
    finally:
        close = getattr(table, "close", None)
        if close:
            close()
    # a list split over several sheets (one per kecamatan, say): every sheet with NIK and Nama
    # columns is read too, never left out silently; sheets of another kind (a recap) are passed over
    for name in others:
        try:
            more = open_table(p, sheet=name)
        except ImportFileError:
            continue  # an empty sheet
        try:
            try:
                m = detect_header(more.head(HEADER_SCAN_ROWS), None, file_name=p)
            except MappingError:
                continue
            if "nik" in m.columns and "nama" in m.columns:
                _read_sheet(out, more, m, desa, seen, name, progress, cancel)
        finally:
            close = getattr(more, "close", None)
            if close:
                close()
    return out


def _read_sheet(out: KpmFile, table, match, desa: _Desa, seen: dict[str, str], sheet: str | None,
                progress: Progress | None, cancel: CancelFlag | None) -> None:
    """The KPM rows of one sheet (``sheet``: its name, said in every message, when the workbook has
    several) into ``out``."""
    from dtks_desktop.services.importing.readers import column_letter, describe_location

    p = out.path
    on = f" (lembar {sheet})" if sheet else ""
    cols = {f: i for f, i in match.columns.items() if f in KPM_FIELDS}
    total = max(1, table.estimated_rows)

    def where(number: int, f: str) -> tuple[str, str]:
        i = cols[f]
        return column_letter(i) + f" ({match.headers.get(i, f)})", describe_location(p.name, number, i,
                                                                                     match.headers.get(i)) + on

    def problem(number: int, f: str, message: str, level: str = "error") -> None:
        col, loc = where(number, f)
        out.problems.append(Problem(number, col, f"{loc}: {message}", level))
        if level == "error":
            out.rejected += 1

    ix = [(f, cols.get(f)) for f in KPM_FIELDS]
    for n, (number, values) in enumerate(table.iter_rows()):
        if number < match.data_start_row:
            continue
        if n % 5000 == 0:
            check_cancel(cancel)
            if progress:
                progress(min(number, total), total, "Membaca daftar KPM")
        nv = len(values)
        rec = {f: (values[i] if i is not None and i < nv else None) for f, i in ix}
        nama = clean_text(rec["nama"])
        nik_c = clean_id(rec["nik"])
        if not nama and nik_c.value is None:
            continue
        if nik_c.value is None and _TOTAL_ROW.match(nama or "") and clean_id(rec["no_kk"]).value is None:
            problem(number, "nama", f"baris jumlah/total ({nama}) tanpa NIK dan No KK; dilewati, bukan KPM.",
                    "warning")
            continue
        if nik_c.excel_damaged:
            problem(number, "nik", "NIK rusak karena disimpan sebagai angka di Excel (digit terakhir hilang: "
                                   f"{nik_c.raw}); KPM ini tidak dimuat. Simpan kolom NIK sebagai teks lalu "
                                   "muat lagi.")
            continue
        nik = nik_c.value
        if nik:
            if nik in seen:
                problem(number, "nik", f"NIK {nik} sudah ada di {seen[nik]}; baris ini tidak dimuat "
                                       f"(satu KPM satu kali, {seen[nik]} dan baris {number}{on}).")
                continue
        if not nama:
            nama = ""
        kk_c = clean_id(rec["no_kk"]) if cols.get("no_kk") is not None else None
        no_kk = None
        if kk_c is not None and kk_c.value:
            if kk_c.excel_damaged:
                problem(number, "no_kk", "No KK rusak karena disimpan sebagai angka di Excel; dikosongkan.",
                        "warning")
            else:
                no_kk = kk_c.value
        code, text, refuse = desa.resolve(rec["kode_desa"], rec["kecamatan"], rec["desa"])
        if refuse:
            problem(number, "kode_desa" if cols.get("kode_desa") is not None else "desa", refuse + ".")
            continue
        if nik:
            seen[nik] = f"baris {number}{on}"
        out.rows.append(ListedKpm(
            row=number, nik=nik[:20] if nik else None, nama=nama[:200], no_kk=no_kk[:20] if no_kk else None,
            alamat=(clean_text(rec["alamat"]) or "")[:300] or None, dusun=(clean_text(rec["dusun"]) or "")[:120] or None, rt=_short(clean_rt_rw(rec["rt"])),
            rw=_short(clean_rt_rw(rec["rw"])),
            desa_kode=code, desa_text=(text[:120] if text else None)))

