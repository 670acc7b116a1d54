"""A filled-in worksheet back in (`dtks verify import FILE`), all or nothing.

Through the import machinery: ``readers.open_table`` reads the file (any sheet a clerk saved
as .xlsx, .xls, .ods or CSV), ``mapping.detect_header`` finds the column titles with the
importer's header synonyms plus the finding columns' own (so a changed column order, or
"PERBAIKAN NIK" for "Koreksi NIK", works), and every problem names its row and column with an
Indonesian message, in the shape of the import problem list. One problem with severity
``error`` and nothing is written: the file is refused as a whole (another desa or round, an
unknown finding word, an ID DTKS not in the registry, an impossible date, a corrected NIK that
is not a NIK...). Otherwise every visited family is saved with
:func:`~.findings.save_family` in one transaction.

A family counts as visited when any of its rows has a finding; rows of families nobody visited
yet are left alone (the petugas hands in the sheet in parts). A family's kelayakan moves its
status (``layak`` / ``tidak_layak``) in the same transaction; one in a batch awaiting a decision
keeps it, and a warning on its row says so.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from dtks_desktop.db.models import Household, Member
from dtks_desktop.domain.permissions import Capability
from dtks_desktop.domain.spreadsheet import CellError, clean_id
from dtks_desktop.domain.verification import Keberadaan, ROUND_RE
from dtks_desktop.domain.workflow.registry import HOUSEHOLD
from dtks_desktop.services.core import audit
from dtks_desktop.services.core.common import CancelFlag, DataKind, Progress, check_cancel
from dtks_desktop.services.core.database import Database
from dtks_desktop.services.core.permissions import require
from dtks_desktop.services.core.users import Actor
from dtks_desktop.services.importing.dates import parse_date
from dtks_desktop.services.importing.mapping import HEADER_SCAN_ROWS, MappingError, detect_header, header_key
from dtks_desktop.services.importing.mapping.fields import _GLOBAL_INDEX
from dtks_desktop.services.importing.readers import ImportFileError, column_letter, open_table
from dtks_desktop.services.verification.common import FAMILY_PREFIX, MEMBER_PREFIX, SOURCE_IMPORT, \
    VerificationError, current_round, own_number
from dtks_desktop.services.verification.findings import FamilyEntry, FieldProblem, MemberEntry, clean_date, \
    clean_keberadaan, clean_kelayakan, clean_nik, clean_rt_rw, save_family
from dtks_desktop.services.verification.worksheets import LABEL_DESA, LABEL_ROUND

#: Header texts of the finding columns (tried before the importer's own synonyms).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "keberadaan": ("KEBERADAAN", "STATUS KEBERADAAN", "KEBERADAAN ART", "KEBERADAAN ANGGOTA"),
    "kelayakan": ("KELAYAKAN", "STATUS KELAYAKAN", "LAYAK/TIDAK LAYAK", "KELAYAKAN KELUARGA"),
    "koreksi_nama": ("KOREKSI NAMA", "PERBAIKAN NAMA", "NAMA YANG BENAR", "NAMA BENAR"),
    "koreksi_nik": ("KOREKSI NIK", "PERBAIKAN NIK", "NIK YANG BENAR", "NIK BENAR"),
    "koreksi_tanggal_lahir": ("KOREKSI TANGGAL LAHIR", "PERBAIKAN TANGGAL LAHIR", "KOREKSI TGL LAHIR",
                              "TANGGAL LAHIR YANG BENAR"),
    "koreksi_alamat": ("KOREKSI ALAMAT", "PERBAIKAN ALAMAT", "ALAMAT YANG BENAR"),
    "koreksi_rt": ("KOREKSI RT", "PERBAIKAN RT", "RT YANG BENAR"),
    "koreksi_rw": ("KOREKSI RW", "PERBAIKAN RW", "RW YANG BENAR"),
    "catatan": ("CATATAN", "CATATAN PETUGAS", "KETERANGAN", "KET"),
    "tanggal_kunjungan": ("TANGGAL KUNJUNGAN", "TGL KUNJUNGAN", "TANGGAL VERIFIKASI", "TANGGAL DIKUNJUNGI"),
    "petugas": ("NAMA PETUGAS", "PETUGAS", "PETUGAS VERIFIKASI", "PETUGAS PENDATA"),
}
FINDING_FIELDS = tuple(SYNONYMS)
FAMILY_FIELDS = ("kelayakan", "koreksi_alamat", "koreksi_rt", "koreksi_rw", "tanggal_kunjungan", "petugas")
LABELS = {"id_dtks": "ID DTKS", "id_keluarga": "ID Keluarga", "keberadaan": "Keberadaan", "kelayakan": "Kelayakan",
          "koreksi_nama": "Koreksi Nama", "koreksi_nik": "Koreksi NIK",
          "koreksi_tanggal_lahir": "Koreksi Tanggal Lahir", "koreksi_alamat": "Koreksi Alamat",
          "koreksi_rt": "Koreksi RT", "koreksi_rw": "Koreksi RW", "catatan": "Catatan",
          "tanggal_kunjungan": "Tanggal Kunjungan", "petugas": "Nama Petugas"}


class _WorksheetColumns:
    """What ``detect_header`` needs of a preset: a name, no fixed columns, the synonym index."""

    name = "verifikasi"
    columns: dict = {}
    _index = {**_GLOBAL_INDEX, **{header_key(t): f for f, texts in SYNONYMS.items() for t in texts}}


COLUMNS = _WorksheetColumns()


@dataclass(frozen=True)
class Problem:
    """One problem of the file, shaped like an import problem."""

    source_row: int
    column: str | None
    field: str | None
    severity: str  # "error" | "warning"
    code: str
    message: str
    value: str | None = None
    id_dtks: str | None = None
    nama: str | None = None


@dataclass
class VerifyImportResult:
    file_name: str
    desa_kode: str | None
    desa: str | None
    putaran: str | None
    rows_read: int
    imported: int  # families saved
    members: int  # member findings saved
    rejected: int  # rows with an error (then nothing is saved)
    warnings: int  # rows with a warning
    nik_corrected: int
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    status_moved: dict[str, int] = field(default_factory=dict)  # family status -> families moved there

    @property
    def ok(self) -> bool:
        return self.rejected == 0

    @property
    def changes(self) -> frozenset[DataKind]:
        if not self.imported:
            return frozenset()
        return frozenset({DataKind.REGISTRY} | ({DataKind.MATCHING} if self.nik_corrected else set()))

    def as_dict(self) -> dict:
        d = asdict(self)
        d["changes"] = sorted(self.changes)
        return d

    def summary_text(self) -> str:
        if not self.ok:
            head = (f"Lembar kerja {self.file_name} DITOLAK: {self.rejected} baris bermasalah; tidak ada yang "
                    "disimpan. Perbaiki lalu impor lagi.")
        else:
            head = (f"Lembar kerja {self.file_name} ({self.desa}, putaran {self.putaran}): {self.imported} keluarga, "
                    f"{self.members} anggota disimpan, {self.nik_corrected} NIK dikoreksi, "
                    f"{self.warnings} baris dengan peringatan."
                    + ("" if not self.status_moved else " Status keluarga: " + ", ".join(
                        f"{n} ke {HOUSEHOLD.label(k)}" for k, n in sorted(self.status_moved.items())) + "."))
        lines = [f"  baris {p.source_row}, kolom {p.column or '-'}: {p.message}" for p in self.problems[:50]]
        more = len(self.problems) - 50
        return "\n".join([head] + lines + ([f"  ... dan {more} masalah lain"] if more > 0 else []))


class _Refused(Exception):
    pass


def _text(v: object) -> str:
    if v is None or isinstance(v, CellError):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (datetime, date)):
        return v.strftime("%d-%m-%Y")
    return " ".join(str(v).split())


def _meta(rows, header_row: int) -> dict[str, tuple[int, int, str]]:
    """The desa code and round written above the column titles: {key: (row, column, value)}."""
    want = {header_key(LABEL_DESA): "desa", header_key(LABEL_ROUND): "putaran"}
    out: dict[str, tuple[int, int, str]] = {}
    for row_no, values in rows:
        if row_no >= header_row:
            break
        for i, v in enumerate(values[:-1]):
            k = want.get(header_key(_text(v)))
            if k:
                out[k] = (row_no, i + 1, _text(values[i + 1]))
    return out


def import_findings(db: Database, actor: Actor, path: str | Path, *, progress: Progress | None = None,
                    cancel: CancelFlag | None = None) -> VerifyImportResult:
    """Read a filled-in worksheet and save its findings, or refuse it whole with its problems."""
    require(db, actor, Capability.VERIFY_ENTER, detail=Path(path).name)
    t0 = time.perf_counter()
    p = Path(path)
    try:
        table = open_table(p)
    except ImportFileError as exc:
        raise VerificationError(exc.message) from None
    with table:
        head = table.head(HEADER_SCAN_ROWS)
        try:
            match = detect_header(head, COLUMNS, file_name=p)  # type: ignore[arg-type]
        except MappingError as exc:
            raise VerificationError(exc.message) from None
        meta = _meta(head, match.header_row)
        rows = [(n, v) for n, v in table.iter_rows() if n >= match.data_start_row]
    problems: list[Problem] = []

    def problem(row: int, col: int | None, fld: str | None, code: str, message: str, value: object = None,
                severity: str = "error", key: str | None = None, nama: str | None = None) -> None:
        column = match.column_label(col) if col is not None and col in match.headers else (
            column_letter(col) if col is not None else None)
        problems.append(Problem(row, column, fld, severity, code, message, _text(value) or None, key, nama))

    for fld in ("id_dtks", "keberadaan"):
        if fld not in match.columns and fld not in match.duplicates:
            raise VerificationError(f'Berkas "{p.name}": kolom {LABELS[fld]} tidak ditemukan pada baris judul '
                                    f"{match.header_row}. Pakai lembar kerja dari DTKS Desktop (dtks verify worksheets).")
    for fld, cols in match.duplicates.items():
        raise VerificationError(f'Berkas "{p.name}": kolom {LABELS.get(fld, fld)} ada lebih dari satu ('
                                + ", ".join(match.column_label(c) for c in cols) + "). Hapus salah satu lalu impor lagi.")

    with db.transaction() as s:
        putaran = current_round(s)
        desa_kode = desa_name = sheet_round = None
        # 1. The sheet's desa and round, written above the column titles.
        if "desa" not in meta or not meta["desa"][2]:
            problem(1, None, "kode_desa", "kode_desa_tidak_ada",
                    f'Sel "{LABEL_DESA}" tidak ditemukan di atas baris judul: lembar kerja ini tidak dibuat oleh '
                    "DTKS Desktop atau sel itu terhapus. Cetak ulang lembar kerja desa itu.")
        else:
            r, c, v = meta["desa"]
            from dtks_desktop.services.verification.common import desa_info
            try:
                desa_kode, desa_name, _kec = desa_info(s, v)
            except VerificationError as exc:
                problem(r, c, "kode_desa", "kode_desa_tidak_dikenal", exc.message, v)
        if "putaran" not in meta or not ROUND_RE.fullmatch(meta["putaran"][2] or ""):
            where = meta.get("putaran", (1, None, ""))
            problem(where[0], where[1], "putaran", "putaran_tidak_ada",
                    f'Sel "{LABEL_ROUND}" tidak ada atau tidak berbentuk TAHUN-BULAN di atas baris judul.', where[2])
        else:
            r, c, sheet_round = meta["putaran"]
            if sheet_round != putaran:
                problem(r, c, "putaran", "putaran_lain",
                        f"Lembar kerja ini untuk putaran {sheet_round}, sedangkan putaran verifikasi sekarang "
                        f"{putaran}. Hasil putaran lain tidak diimpor; cetak lembar kerja putaran {putaran}.",
                        sheet_round)
        if problems:
            return _refused(p, desa_kode, desa_name, sheet_round, rows, problems, t0)

        # 2. The registry rows the sheet names.
        col = match.columns
        keys = {_text(v[col["id_dtks"]]) for _, v in rows if col["id_dtks"] < len(v)} - {""}
        by_key = _members_by_key(s, keys)
        fam_desa = {}
        families: dict[int, dict] = {}
        seen_keys: dict[str, int] = {}
        fam_of_key = {}
        if "id_keluarga" in col:
            fams = {_text(v[col["id_keluarga"]]) for _, v in rows if col["id_keluarga"] < len(v)} - {""}
            fam_of_key = _families_by_key(s, fams)
        total = len(rows)
        for i, (row_no, values) in enumerate(rows):
            if i % 2000 == 0:
                check_cancel(cancel)
                if progress:
                    progress(i, total, "Memeriksa baris")

            def cell(fld: str) -> object:
                c = col.get(fld)
                return values[c] if c is not None and c < len(values) else None

            # The petugas column comes pre-filled with who was assigned: it alone is no finding.
            findings = {f: cell(f) for f in FINDING_FIELDS if f in col and f != "petugas"}
            if not any(_text(v) for v in findings.values()):
                continue  # not visited yet
            key = _text(cell("id_dtks"))
            keb_raw = _text(cell("keberadaan"))
            member = None
            hid = None
            if key:
                if key in seen_keys:
                    problem(row_no, col["id_dtks"], "id_dtks", "id_dtks_ganda_di_berkas",
                            f"ID DTKS {key} sudah ada di baris {seen_keys[key]}; satu anggota satu baris.", key)
                    continue
                seen_keys[key] = row_no
                found = by_key.get(key)
                if not found:
                    problem(row_no, col["id_dtks"], "id_dtks", "id_dtks_tidak_ada",
                            f"ID DTKS {key} tidak ada di data DTKS.", key, key=key)
                    continue
                if len(found) > 1:
                    problem(row_no, col["id_dtks"], "id_dtks", "id_dtks_ganda_di_dtks",
                            f"ID DTKS {key} dipakai {len(found)} anggota di data DTKS; catat hasilnya lewat aplikasi.",
                            key, key=key)
                    continue
                member = found[0]
                hid = member[1]
                fam_desa[hid] = member[3]
            else:
                fk = _text(cell("id_keluarga"))
                if keb_raw.casefold() != Keberadaan.ANGGOTA_BARU.value or not fk:
                    problem(row_no, col["id_dtks"], "id_dtks", "id_dtks_kosong",
                            "ID DTKS kosong. Hanya baris anggota baru (Keberadaan 'anggota baru') boleh tanpa ID DTKS, "
                            "dengan ID Keluarga keluarganya.")
                    continue
                fam = fam_of_key.get(fk)
                if fam is None:
                    problem(row_no, col.get("id_keluarga"), "id_keluarga", "id_keluarga_tidak_ada",
                            f"ID Keluarga {fk} tidak ada di data DTKS.", fk)
                    continue
                hid = fam[0]
                fam_desa[hid] = fam[1]
            if fam_desa[hid] != desa_kode:
                problem(row_no, col["id_dtks"] if key else col.get("id_keluarga"), "id_dtks", "desa_lain",
                        f"{'ID DTKS ' + key if key else 'Keluarga ini'} terdaftar di desa/kelurahan lain "
                        f"({fam_desa[hid]}), bukan {desa_name} ({desa_kode}).", key or None, key=key or None)
                continue
            fam = families.setdefault(hid, {"row": row_no, "values": {}, "members": []})
            ok = True
            entry = MemberEntry(member[0] if member else None)
            try:
                entry.keberadaan = clean_keberadaan(keb_raw)
            except FieldProblem as exc:
                problem(row_no, col["keberadaan"], exc.field, exc.code, exc.message, keb_raw, key=key)
                ok = False
            if "koreksi_nama" in col:
                entry.koreksi_nama = _text(cell("koreksi_nama"))[:200] or None
            if "catatan" in col:
                entry.catatan = _text(cell("catatan"))[:2000] or None
            if "koreksi_nik" in col and _text(cell("koreksi_nik")):
                raw = cell("koreksi_nik")
                cid = clean_id(raw)
                if cid.excel_damaged:
                    problem(row_no, col["koreksi_nik"], "koreksi_nik", "nik_koreksi_rusak_excel",
                            f"Koreksi NIK {_text(raw)} tersimpan sebagai angka dan digit terakhirnya hilang (Excel). "
                            "Tulis NIK sebagai teks (awali dengan tanda petik ').", raw, key=key)
                    ok = False
                else:
                    try:
                        entry.koreksi_nik = clean_nik(cid.value)
                    except FieldProblem as exc:
                        problem(row_no, col["koreksi_nik"], exc.field, exc.code, exc.message, raw, key=key)
                        ok = False
            if "koreksi_tanggal_lahir" in col:
                ok &= _date_cell(problem, row_no, col["koreksi_tanggal_lahir"], "koreksi_tanggal_lahir",
                                 "Koreksi tanggal lahir", cell("koreksi_tanggal_lahir"), entry, key)
            if member is None:
                if not entry.koreksi_nama:
                    problem(row_no, col.get("koreksi_nama", col["id_dtks"]), "koreksi_nama", "anggota_baru_tanpa_nama",
                            "Anggota baru perlu nama di kolom Koreksi Nama.", key=key)
                    ok = False
            elif entry.keberadaan is None:
                problem(row_no, col["keberadaan"], "keberadaan", "keberadaan_kosong",
                        f"Keberadaan {member[2]} belum diisi; disimpan tanpa keberadaan.", severity="warning",
                        key=key, nama=member[2])
            # Family values: on any row of the family (usually the head's); they must agree.
            for fld in FAMILY_FIELDS:
                if fld not in col:
                    continue
                v = cell(fld)
                if not _text(v):
                    continue
                try:
                    value = _family_value(fld, v)
                except FieldProblem as exc:
                    problem(row_no, col[fld], exc.field, exc.code, exc.message, v, key=key)
                    ok = False
                    continue
                prev = fam["values"].get(fld)
                if prev is not None and prev[0] != value:
                    problem(row_no, col[fld], fld, "nilai_keluarga_berbeda",
                            f"{LABELS[fld]} keluarga ini sudah tertulis lain di baris {prev[1]} "
                            f"({_text(prev[0])}); satu keluarga satu nilai.", v, key=key)
                    ok = False
                elif prev is None:
                    fam["values"][fld] = (value, row_no)
            if ok:
                fam["members"].append(entry)
        rejected_rows = {x.source_row for x in problems if x.severity == "error"}
        warned_rows = {x.source_row for x in problems if x.severity == "warning"}
        if rejected_rows:
            return _refused(p, desa_kode, desa_name, sheet_round, rows, problems, t0)
        if not families:
            raise VerificationError(f'Berkas "{p.name}" belum berisi hasil verifikasi: kolom Keberadaan, Kelayakan '
                                    "dan koreksi masih kosong.")
        # 3. Save, all in this transaction.
        n_members = n_nik = 0
        moved: dict[str, int] = {}
        for j, (hid, fam) in enumerate(families.items()):
            if j % 200 == 0:
                check_cancel(cancel)
                if progress:
                    progress(j, len(families), "Menyimpan hasil verifikasi")
            vals = {k: v[0] for k, v in fam["values"].items()}
            entry = FamilyEntry(hid, vals.get("kelayakan"), vals.get("koreksi_alamat"), vals.get("koreksi_rt"),
                                vals.get("koreksi_rw"), None, vals.get("tanggal_kunjungan"), vals.get("petugas"),
                                fam["members"])
            res = save_family(s, actor, entry, source=SOURCE_IMPORT, checked=True)
            n_members += res.members
            n_nik += res.nik_corrected
            if res.status_moved:
                moved[res.status] = moved.get(res.status, 0) + 1
            if res.status_note:  # a family in a batch awaiting a decision keeps its status: say so
                problem(fam["row"], col.get("kelayakan"), "kelayakan", "status_keluarga_tetap", res.status_note,
                        severity="warning")
                warned_rows.add(fam["row"])
        result = VerifyImportResult(p.name, desa_kode, desa_name, putaran, len(rows), len(families), n_members, 0,
                                    len(warned_rows), n_nik, problems, time.perf_counter() - t0, moved)
        audit.record(s, actor, "verify.import", entity_type="desa", summary=result.summary_text().splitlines()[0],
                     new={"file": p.name, "desa_kode": desa_kode, "putaran": putaran, "families": len(families),
                          "members": n_members, "nik_corrected": n_nik, "warnings": len(warned_rows),
                          "status_keluarga": moved})
    if progress:
        progress(1, 1, "Selesai")
    return result


def _refused(p: Path, desa_kode, desa_name, putaran, rows, problems: list[Problem], t0: float) -> VerifyImportResult:
    bad = {x.source_row for x in problems if x.severity == "error"}
    warned = {x.source_row for x in problems if x.severity == "warning"} - bad
    problems.sort(key=lambda x: (x.severity != "error", x.source_row))
    return VerifyImportResult(p.name, desa_kode, desa_name, putaran, len(rows), 0, 0, len(bad), len(warned), 0,
                              problems, time.perf_counter() - t0)


def _family_value(fld: str, v: object):
    if fld == "kelayakan":
        return clean_kelayakan(_text(v))
    if fld in ("koreksi_rt", "koreksi_rw"):
        return clean_rt_rw(v, fld)
    if fld == "tanggal_kunjungan":
        d, issue = parse_date(v)
        if issue is not None and issue.is_error or d is None:
            raise FieldProblem(fld, "tanggal_tidak_sah", f"Tanggal kunjungan tidak dapat dipakai: "
                               f"{issue.message if issue else _text(v)}.")
        return clean_date(d, fld, "Tanggal kunjungan")
    if fld == "petugas":
        return _text(v)[:120] or None
    return _text(v)[:300] or None


def _date_cell(problem, row_no: int, c: int, fld: str, label: str, v: object, entry: MemberEntry, key) -> bool:
    if not _text(v):
        return True
    d, issue = parse_date(v)
    if (issue is not None and issue.is_error) or d is None:
        problem(row_no, c, fld, "tanggal_tidak_sah",
                f"{label} tidak dapat dipakai: {issue.message if issue else _text(v)}.", v, key=key)
        return False
    try:
        setattr(entry, fld, clean_date(d, fld, label))
    except FieldProblem as exc:
        problem(row_no, c, fld, exc.code, exc.message, v, key=key)
        return False
    return True


def _members_by_key(s, keys: set[str]) -> dict[str, list[tuple[int, int, str, str | None]]]:
    """ID DTKS (or ART-<nomor>) → [(member id, household id, name, desa code)]."""
    out: dict[str, list] = {}
    own = {k: own_number(k, MEMBER_PREFIX) for k in keys}
    ids = [k for k, n in own.items() if n is None]
    nums = {n: k for k, n in own.items() if n is not None}
    base = (select(Member.id, Member.household_id, Member.nama, Household.desa_kode, Member.id_dtks)
            .join(Household, Household.id == Member.household_id)
            .where(Member.status != "dihapus", Household.status.not_in(("dihapus", "usulan_baru"))))
    for i in range(0, len(ids), 500):
        for r in s.execute(base.where(Member.id_dtks.in_(ids[i:i + 500]))):
            out.setdefault(r[4], []).append(tuple(r[:4]))
    numbers = list(nums)
    for i in range(0, len(numbers), 500):
        for r in s.execute(base.where(Member.id.in_(numbers[i:i + 500]))):
            out.setdefault(nums[r[0]], []).append(tuple(r[:4]))
    return out


def _families_by_key(s, keys: set[str]) -> dict[str, tuple[int, str | None]]:
    out = {}
    nums = {own_number(k, FAMILY_PREFIX): k for k in keys}
    nums.pop(None, None)
    numbers = list(nums)
    for i in range(0, len(numbers), 500):
        for hid, desa in s.execute(select(Household.id, Household.desa_kode).where(Household.id.in_(numbers[i:i + 500]),
                                                                                   Household.status != "dihapus")):
            out[nums[hid]] = (hid, desa)
    return out
