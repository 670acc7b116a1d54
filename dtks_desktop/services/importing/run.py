"""Importing one file: read, check every row, store — all or nothing.

One import is one transaction and one ``import_batches`` row. The same file
(by SHA-256) is refused the second time. A newer SIKS-NG export updates members
by ID DTKS (or NIK) instead of duplicating them; a newer civil-registry extract
replaces the previous snapshot; a programme list replaces the same programme and
period. Every rejected or flagged row is kept as an ``import_problems`` row and
written to an .xlsx report the clerk can send back to the village.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
import json
import math
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Mapping

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from dtks_desktop.db.bulk import bulk_insert, bulk_update
from dtks_desktop.db.models import DukcapilPerson, Household, ImportBatch, ImportProblem, Member, ProgrammeRecipient
from dtks_desktop.domain.formatting import angka, tanggal_jam
from dtks_desktop.domain.issues import Severity, warning
from dtks_desktop.domain.names import search_key
from dtks_desktop.domain.regions import default_region_codes, kabupaten_display, parse_kabupaten_code, region_level, repair_code
from dtks_desktop.services.core import audit, locks, settings
from dtks_desktop.services.matching import programmes
from dtks_desktop.services.core.common import CancelFlag, Cancelled, DataKind, Progress, check_cancel
from dtks_desktop.services.core.database import Database
from dtks_desktop.services.core.permissions import Capability, require
from dtks_desktop.services.core.regions import RegionResolver
from dtks_desktop.services.core.registry import FamilyRecord, MemberRecord, bulk_add_families, db_timestamp
from dtks_desktop.services.core.users import Actor
from dtks_desktop.services.importing import mapping as M
from dtks_desktop.services.importing.origin import FileOrigin, tally
from dtks_desktop.services.importing.parallel import check_rows
from dtks_desktop.services.importing.readers import ImportFileError, Table, open_table
from dtks_desktop.services.importing.rows import SEL_GALAT, TANPA_NIK, PersonRecord, Problem, RegionContext, RowProcessor

NIK_TERSIMPAN_DIPERTAHANKAN = "nik_tersimpan_dipertahankan"

KINDS = {"dtks": "Data DTKS (SIKS-NG)", "dukcapil": "Data Dukcapil", "program": "Daftar penerima program"}
DEFAULT_PRESET = {"dtks": "siksng_dtks", "dukcapil": "dukcapil", "program": "program"}


class AlreadyImported(ImportFileError):
    """The same file (same SHA-256) was imported before."""


@dataclass
class ImportResult:
    batch_id: int
    kind: str
    file_name: str
    rows_read: int
    imported: int
    updated: int
    unchanged: int
    gone: int
    rejected: int
    warnings: int
    problems: int
    report: str | None
    seconds: float
    notes: list[str] = field(default_factory=list)
    kab_kode: str | None = None  # the office's kabupaten/kota the file was checked against
    #: What the import changed: its kind's data (registry, dukcapil or programmes), the programme
    #: links when they were rebuilt, the settings when the first import fixed the office's kabupaten.
    changes: frozenset[DataKind] = frozenset()

    def as_dict(self) -> dict:
        return {**asdict(self), "changes": sorted(self.changes)}

    def summary_text(self) -> str:
        parts = [f"{angka(self.rows_read)} baris dibaca", f"{angka(self.imported)} baru"]
        if self.updated or self.unchanged:
            parts += [f"{angka(self.updated)} diperbarui", f"{angka(self.unchanged)} tetap"]
        if self.gone:
            parts.append(f"{angka(self.gone)} tidak ada lagi di berkas")
        parts += [f"{angka(self.rejected)} ditolak", f"{angka(self.warnings)} dengan peringatan"]
        return f"Impor {self.file_name} selesai (batch #{self.batch_id}): " + ", ".join(parts) + "."


@dataclass
class Preview:
    """What the import view shows before the clerk presses Impor."""

    table: Table
    match: M.HeaderMatch
    kind: str
    preset: str
    score: float
    rows: list[tuple[int, dict[str, object]]]
    problems: list[str]


def file_sha256(path: Path, cancel: CancelFlag | None = None) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            h.update(chunk)
            check_cancel(cancel)
    return h.hexdigest()


def _preset_obj(preset: str | M.Preset | None, kind: str | None) -> M.Preset | None:
    if isinstance(preset, M.Preset):
        return preset
    if preset:
        return M.get_preset(preset)
    if kind:
        return M.get_preset(DEFAULT_PRESET[kind])
    return None


_HEAD_CACHE: "OrderedDict[tuple, tuple[Table, list]]" = OrderedDict()


def _open_data_sheet(path: Path) -> Table:
    """:func:`open_table`, but when the sheet it chose has no header row (an instructions
    sheet in front of the data) the first other sheet that has one."""
    table = open_table(path)
    if len(table.sheet_names) <= 1 or _has_header(table, path):
        return table
    for i, name in enumerate(table.sheet_names):
        if name == table.sheet_name:
            continue
        try:
            other = open_table(path, sheet=i)
        except ImportFileError:
            continue
        if _has_header(other, path):
            other.notes.append(f'Berkas "{Path(path).name}" berisi {len(table.sheet_names)} lembar; '
                               f'lembar "{table.sheet_name}" tidak berisi judul kolom, yang dibaca '
                               f'lembar "{name}"')
            table.close()
            return other
        other.close()
    return table


def _has_header(table: Table, path: Path) -> bool:
    try:
        M.detect_header(table.head(M.HEADER_SCAN_ROWS), None, file_name=path)
    except M.MappingError:
        return False
    return True


def _read_head(path: Path, n: int) -> tuple[Table, list]:
    """The first ``n`` rows of a file, remembered while the file is unchanged: the mapping
    editor re-previews on every change and must not re-read a 200,000-row workbook each time."""
    st = path.stat()
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
    hit = _HEAD_CACHE.get(key)
    if hit is not None and len(hit[1]) >= n:
        _HEAD_CACHE.move_to_end(key)
        return hit
    table = _open_data_sheet(path)
    try:
        head = table.head(n)
    finally:
        table.close()  # metadata stays; the loaded sheet is freed
    _HEAD_CACHE[key] = (table, head)
    while len(_HEAD_CACHE) > 3:
        _HEAD_CACHE.popitem(last=False)
    return table, head


def preview(path: str | Path, *, kind: str | None = None, preset: str | M.Preset | None = None,
            choices: Mapping[str, int | str | None] | None = None, rows: int = 20) -> Preview:
    """Find the header of a file, guess its kind and map the first rows (no database).

    The returned table is closed (its metadata is kept); the rows are cached per file.
    """
    table, head = _read_head(Path(path), M.HEADER_SCAN_ROWS + rows)
    p = _preset_obj(preset, kind)
    match = M.detect_header(head[: M.HEADER_SCAN_ROWS], p, file_name=table.path, choices=choices)
    g_kind, g_preset, score = M.guess_kind(match)
    if p is None:
        p = M.get_preset(g_preset)
        match = M.detect_header(head[: M.HEADER_SCAN_ROWS], p, file_name=table.path, choices=choices)
    problems = [pr.message for pr in M.mapping_problems(match, p)]
    data = [(n, match.record(v)) for n, v in head if n >= match.data_start_row][:rows]
    return Preview(table, match, p.kind, p.name, score if p.name == g_preset else 1.0, data, problems)


def _guess_kab(head_rows: list, match: M.HeaderMatch) -> str | None:
    """The kabupaten a file belongs to, from its kabupaten column, desa codes or NIK prefixes."""
    codes = default_region_codes()
    votes: Counter[str] = Counter()
    for _n, values in head_rows:
        rec = match.record(values)
        kab = rec.get(M.KABUPATEN)
        if kab:
            for c in codes.find(str(kab), level=2):
                votes[c] += 3
        kd = rec.get(M.KODE_DESA)
        if kd:
            code = repair_code(str(kd))
            if code and code.count(".") >= 1:
                votes[code[:5]] += 3
        nik = rec.get(M.NIK)
        if isinstance(nik, str) and len(nik.strip()) >= 4 and nik.strip()[:4].isdigit():
            c = f"{nik.strip()[:2]}.{nik.strip()[2:4]}"
            if c in codes:
                votes[c] += 1
    return votes.most_common(1)[0][0] if votes else None


def _no_data_rows(path: Path) -> ImportFileError:
    return ImportFileError(f'Berkas "{path.name}" tidak berisi baris data di bawah judul kolom',
                           code="kosong", path=path)


def _office_mismatch(path: Path, office: str, other: str) -> ImportFileError:
    return ImportFileError(
        f'Berkas "{path.name}" tidak diimpor: basis data ini untuk {kabupaten_display(office)}, bukan '
        f"{kabupaten_display(other)}. Impor berkas kabupaten/kota lain di basis data kabupaten/kota itu; "
        "bila kabupaten/kota kantor salah dipilih, admin dapat mengubahnya di Pengaturan.",
        code="kabupaten_lain", path=path)


def _file_kab(path: Path, head: list, match: M.HeaderMatch, office: str | None,
              kab: str | None) -> tuple[str, str]:
    """The kabupaten/kota to check a file against, and where it came from: ``"kantor"`` (the
    office's setting), ``"pilihan"`` (``kab`` given while the office's is not set yet) or
    ``"berkas"`` (guessed from the file's first rows while not set). The last two fix the
    office's kabupaten/kota when the import succeeds."""
    chosen = None
    if kab:
        chosen = parse_kabupaten_code(kab)
        if chosen is None or chosen not in default_region_codes():
            raise ImportFileError(f"Kode kabupaten/kota '{kab}' tidak dikenal (contoh: 33.10 untuk Kabupaten "
                                  f'Klaten); berkas "{path.name}" tidak diimpor', code="kabupaten_tidak_dikenal",
                                  path=path)
    if office:
        if chosen and chosen != office:
            raise _office_mismatch(path, office, chosen)
        return office, "kantor"
    if chosen:
        return chosen, "pilihan"
    guess = _guess_kab(head, match)
    if guess and region_level(guess) == 2:
        return guess, "berkas"
    if not any(n >= match.data_start_row and any(v not in (None, "") for v in values) for n, values in head):
        raise _no_data_rows(path)
    raise ImportFileError(
        f'Kabupaten/kota untuk berkas "{path.name}" tidak dapat ditentukan dari isinya; tetapkan kabupaten/kota '
        "kantor di Pengaturan (baris perintah: --kab KODE) terlebih dahulu", code="kabupaten_tidak_diketahui",
        path=path)


def _other_kabupaten(path: Path, origin: FileOrigin, source: str, codes) -> ImportFileError:
    main = origin.main_kab or ""
    row, col, value = origin.example.get(main, (0, None, None))
    where = f"baris {row}" + (f", kolom {col}" if col else "") + (f": {value}" if value else "")
    counts = (f"{angka(origin.elsewhere)} dari {angka(origin.evidence)} baris menunjuk ke kabupaten/kota lain "
              f"({origin.describe_others(codes)}; mis. {where})")
    office = kabupaten_display(origin.office, codes)
    if source == "berkas":
        return ImportFileError(
            f'Kabupaten/kota berkas "{path.name}" tidak dapat ditentukan dengan pasti: baris-baris pertamanya '
            f"menunjuk ke {office}, tetapi {counts}. Tidak ada yang diimpor. Tetapkan kabupaten/kota kantor di "
            "Pengaturan (baris perintah: --kab KODE) lalu impor lagi.", code="kabupaten_tidak_diketahui", path=path,
            row=row or None)
    whose = "basis data ini" if source == "kantor" else "yang dipilih dengan --kab"
    return ImportFileError(
        f'Berkas "{path.name}" berisi data {kabupaten_display(main, codes)}, bukan {office} (kabupaten/kota '
        f"{whose}): {counts}. Tidak ada yang diimpor. Impor berkas ini di basis data kabupaten/kota itu; bila "
        "kabupaten/kota kantor salah dipilih, admin dapat mengubahnya di Pengaturan.",
        code="kabupaten_lain", path=path, row=row or None)


def _all_rejected(path: Path, recs: list[PersonRecord], proc: RowProcessor) -> ImportFileError:
    """Every row has an error: nothing to import. Name the commonest reasons with a first row each."""
    by_code: Counter[str] = Counter()
    first: dict[str, tuple[int, str | None, str]] = {}
    for r in recs:
        for p in r.problems:
            if p.issue.severity is Severity.ERROR:
                by_code[p.issue.code] += 1
                first.setdefault(p.issue.code, (r.source_row, proc.column_label(p.field), p.issue.message))
                break  # one reason per row
    reasons = []
    for code, n in by_code.most_common(3):
        row, col, message = first[code]
        reasons.append(f"{message} ({angka(n)} baris; pertama di baris {row}" + (f", kolom {col}" if col else "")
                       + ")")
    return ImportFileError(
        f'Semua {angka(len(recs))} baris berkas "{path.name}" ditolak; tidak ada yang diimpor dan basis data '
        f"tidak berubah. Penyebab: {'; '.join(reasons)}. Periksa isi berkas dan pemetaan kolomnya.",
        code="semua_ditolak", path=path, row=first[by_code.most_common(1)[0][0]][0] if by_code else None)


def _refuse_other_kind(path: Path, head: list, kind: str) -> None:
    """A file that is clearly of another kind than the one asked for is refused before anything
    is read or written: a SIKS-NG export imported as a civil-registry extract would replace the
    whole civil registry with it. "Clearly": the file's header fits another kind's preset almost
    perfectly (>= 0.9) and the chosen kind's presets clearly less (by 0.2 or more)."""
    try:
        plain = M.detect_header(head, None, file_name=path)
    except M.MappingError:
        return
    scores: dict[str, float] = {}
    for preset in M.PRESETS.values():
        k = preset.kind
        scores[k] = max(scores.get(k, 0.0), M.preset_score(preset, plain))
    other = max((k for k in scores if k != kind), key=lambda k: scores[k], default=None)
    if other is None or kind not in scores:
        return
    if scores[other] >= 0.9 and scores[other] - scores[kind] >= 0.2:
        raise ImportFileError(
            f'Berkas "{path.name}" tampaknya {KINDS[other]}, bukan {KINDS[kind]} (judul kolomnya cocok dengan '
            f"{KINDS[other]}). Tidak ada yang diimpor. Pilih jenis impor yang benar (baris perintah: "
            f"dtks import {other} …).", code="jenis_lain", path=path)


def _problem_rows(batch_id: int, proc: RowProcessor, recs: list[PersonRecord]):
    lim = _PROBLEM_LIMITS
    for r in recs:
        for p in r.problems:
            yield (batch_id, r.source_row, (proc.column_label(p.field) or "")[:lim["column"]] or None, p.field,
                   str(p.issue.severity), p.issue.code, p.issue.message, (p.value or "")[:lim["value"]] or None,
                   (r.id_dtks or "")[:lim["id_dtks"]] or None, (r.nama or "")[:lim["nama"]] or None)


# The problem list quotes the values as read, cut to its columns (the row itself was checked).
_PROBLEM_LIMITS = {c.key: c.type.length for c in ImportProblem.__table__.columns
                   if c.key in ("column", "value", "id_dtks", "nama")}


_BATCH_LIMITS = {c.key: c.type.length for c in ImportBatch.__table__.columns
                 if c.key in ("preset", "program", "file_name")}

PROBLEM_COLUMNS = ("batch_id", "source_row", "column", "field", "severity", "code", "message", "value", "id_dtks", "nama")


# The locks (services/core/locks.py) each kind takes for its store transaction: a SIKS-NG export
# writes the registry and rebuilds the programme links, a programme list writes the lists and
# the links, a civil-registry extract only its snapshot.
STORE_LOCKS = {"dtks": (locks.REGISTRY, locks.PROGRAMMES), "dukcapil": (locks.DUKCAPIL,),
               "program": (locks.PROGRAMMES,)}
#: The data each kind of import writes (``ImportResult.changes``).
KIND_CHANGES = {"dtks": DataKind.REGISTRY, "dukcapil": DataKind.DUKCAPIL, "program": DataKind.PROGRAMMES}
KIND_SHORT = {"dtks": "DTKS", "dukcapil": "Dukcapil", "program": "daftar program"}


def _refuse_if_imported(s: Session, sha: str, kind: str, path: Path) -> None:
    prev = s.execute(
        select(ImportBatch).where(ImportBatch.file_sha256 == sha, ImportBatch.kind == kind).order_by(ImportBatch.id)
    ).scalars().first()
    if prev is not None:
        when = tanggal_jam(prev.started_at, lokal=True)
        raise AlreadyImported(
            f'Berkas "{path.name}" sudah pernah diimpor pada {when} oleh {prev.username or "-"} '
            f"(batch #{prev.id}, berkas \"{prev.file_name}\"); tidak diimpor lagi",
            code="sudah_diimpor", path=path)


def run_import(
    db: Database,
    actor: Actor,
    path: str | Path,
    *,
    kind: str | None = None,
    preset: str | M.Preset | None = None,
    choices: Mapping[str, int | str | None] | None = None,
    program: str | None = None,
    periode: str | None = None,
    kab: str | None = None,
    report_dir: str | Path | None = None,
    write_report_file: bool = False,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> ImportResult:
    """Import one file. Raises ImportFileError / MappingError / AlreadyImported / Cancelled;
    on any of them the database is exactly as before.

    The problems are stored with the batch; the .xlsx report is written only when asked
    (``write_report_file`` or a ``report_dir``), since a report of 100,000s of problem rows
    takes longer to write than the import itself. The GUI writes it on demand.
    """
    require(db, actor, Capability.IMPORT_RUN, detail=Path(path).name)  # before the file is read
    t0 = time.perf_counter()
    path = Path(path)
    say = progress or (lambda d, t, x="": None)
    say(0, 100, "Memeriksa berkas")
    if isinstance(preset, str) and preset not in M.PRESETS:
        from dtks_desktop.services.importing.presets import get as get_saved_preset

        with db.sessions() as s:
            preset = get_saved_preset(s, preset)
    table = _open_data_sheet(path)
    try:
        sha = file_sha256(path, cancel)
        head = table.head(M.HEADER_SCAN_ROWS)
        p = _preset_obj(preset, kind)
        if p is None:
            _k, g_preset, _s = M.guess_kind(M.detect_header(head, None, file_name=path))
            p = M.get_preset(g_preset)
        kind = p.kind
        if kind not in KINDS:
            raise ImportFileError(f"Jenis impor '{kind}' tidak dikenal", path=path)
        match = M.validate_mapping(M.detect_header(head, p, file_name=path, choices=choices), p)
        _refuse_other_kind(path, head, kind)

        with db.sessions() as s:
            # Early, to spare reading the file; checked again under the lock before storing.
            _refuse_if_imported(s, sha, kind, path)
            changed = {KIND_CHANGES[kind]}
            office = settings.office_kab(s)
            kab_kode, kab_source = _file_kab(path, head, match, office, kab)
            resolver = RegionResolver.from_db(s, kab_kode)
        proc = RowProcessor(kind, match, RegionContext(kab_kode, resolver, default_region_codes()),
                            program=program, periode=periode)

        # 1. Read and check every row (no database writes yet), on every core for a big file.
        recs: list[PersonRecord] = []
        total = max(table.estimated_rows, 1)
        start = match.data_start_row
        header_cells = [str(v).strip().upper() if v is not None else "" for v in _header_values(head, match)]
        is_header_again = _HeaderEcho(header_cells)
        skipped = [0]

        def data_rows():
            for n, values in table.iter_rows():
                if n < start:
                    continue
                if is_header_again(values):
                    skipped[0] += 1
                    continue
                yield n, values

        for rec in check_rows(data_rows(), proc, list(resolver.names.items()), estimated_rows=total,
                              cancel=cancel):
            recs.append(rec)
            if len(recs) % 5000 == 0:
                check_cancel(cancel)
                say(min(60, int(60 * rec.source_row / total)), 100, f"Memeriksa baris {angka(rec.source_row)}")
        skipped_headers = skipped[0]
        if not recs:
            raise _no_data_rows(path)
        # The whole checked file, before anything is written: another kabupaten's file, or a
        # file none of whose rows can be imported, is refused (no batch, nothing replaced).
        codes = default_region_codes()
        origin = tally(recs, kab_kode, codes, proc.column_label)
        if origin.belongs_elsewhere():
            raise _other_kabupaten(path, origin, kab_source, codes)
        accepted = [r for r in recs if not r.rejected]
        if not accepted:
            raise _all_rejected(path, recs, proc)
        notes = list(table.notes)
        if table.decode_warning():
            notes.append(table.decode_warning())
        if skipped_headers:
            notes.append(f"{skipped_headers} baris judul kolom yang berulang di tengah berkas dilewati")
        if table.error_rows_note():
            notes.append(table.error_rows_note())
        if proc.exact_repeats:
            note = (f"{angka(proc.exact_repeats)} baris sama persis dengan baris sebelumnya di berkas ini (semua "
                    "kolom yang diimpor sama) dan tidak disimpan dua kali")
            if proc.exact_repeats * 10 >= len(recs) * 3:
                note += (f". Itu {round(100 * proc.exact_repeats / len(recs))} % dari berkas: berkas ini tampaknya "
                         "berisi data yang sama lebih dari sekali (misalnya disalin dua kali ke satu berkas); "
                         "periksa berkas aslinya")
            notes.append(note)
        check_cancel(cancel)
        say(60, 100, "Menyimpan")

        # 2. Store everything in one transaction, holding the lock of the data this kind writes from
        # before it reads anything: an import started at the same moment elsewhere waits here,
        # then finds this one's batch (same file) or its members (another file).
        with db.transaction() as s, locks.hold(
                s, STORE_LOCKS[kind], actor.username, f"impor {KIND_SHORT[kind]}, {path.name}",
                waiting=lambda text: say(60, 100, text), cancel=cancel):
            _refuse_if_imported(s, sha, kind, path)
            if kab_source != "kantor":
                # The first import fixes the office's kabupaten/kota (audited) and says so.
                current = settings.office_kab(s)
                if current is None:
                    how = "dari --kab" if kab_source == "pilihan" else "dari isi berkas ini"
                    settings.set_office_kab(s, actor, kab_kode,
                                            reason=f"Ditetapkan pada impor pertama ({path.name}, {how})")
                    changed.add(DataKind.SETTINGS)
                    notes.append(f"Kabupaten/kota kantor ditetapkan: {kabupaten_display(kab_kode)}, {how} "
                                 "(impor pertama). Berkas kabupaten/kota lain akan ditolak; admin dapat "
                                 "mengubahnya di Pengaturan.")
                elif current != kab_kode:  # set meanwhile from another PC
                    raise _office_mismatch(path, current, kab_kode)
            batch = ImportBatch(kind=kind, preset=p.name[:_BATCH_LIMITS["preset"]],
                                program=(program or "")[:_BATCH_LIMITS["program"]] or None,
                                file_name=path.name[:_BATCH_LIMITS["file_name"]], file_sha256=sha,
                                file_size=path.stat().st_size, user_id=actor.id, username=actor.username,
                                kab_kode=kab_kode, mapping_json=json.dumps(
                                    {f: match.column_label(i) for f, i in match.columns.items()}, ensure_ascii=False))
            s.add(batch)
            s.flush()
            store = {"dtks": _store_dtks, "dukcapil": _store_dukcapil, "program": _store_program}[kind]
            counts = store(s, actor, batch, accepted, cancel, lambda f, x: say(60 + int(35 * f), 100, x))
            check_cancel(cancel)
            if kind in ("program", "dtks") and programmes.has_recipients(s):
                # Who receives what follows the new list / the new registry in the same transaction.
                say(95, 100, "Mencocokkan daftar program dengan DTKS")
                links = programmes.rebuild_links(s, cancel=cancel)
                programmes.audit_link(s, actor, links, f"Setelah impor {path.name}")
                changed.add(DataKind.PROGRAMMES)
                notes.append(f"Daftar program dicocokkan ulang dengan DTKS: {angka(links.linked)} dari "
                             f"{angka(links.recipients)} baris penerima ditemukan.")
            check_cancel(cancel)
            n_problems = bulk_insert(s, "import_problems", PROBLEM_COLUMNS, _problem_rows(batch.id, proc, recs))
            batch.rows_read = len(recs)
            batch.rejected = len(recs) - len(accepted)
            batch.warnings = sum(1 for r in accepted if r.problems)
            batch.imported, batch.updated, batch.unchanged, batch.gone = counts
            batch.finished_at = datetime.now(timezone.utc)
            batch.note = "\n".join(notes) or None
            audit.record(s, actor, f"import.{kind}", entity_type="import_batch", entity_id=batch.id,
                         summary=f"Impor {KINDS[kind]}: {path.name} — {angka(batch.rows_read)} baris, "
                                 f"{angka(batch.imported)} baru, {angka(batch.updated)} diperbarui, "
                                 f"{angka(batch.rejected)} ditolak",
                         new={"file": path.name, "sha256": sha, "rows": batch.rows_read})
            check_cancel(cancel)
            result = ImportResult(batch.id, kind, path.name, batch.rows_read, batch.imported, batch.updated,
                                  batch.unchanged, batch.gone, batch.rejected, batch.warnings, n_problems, None, 0.0,
                                  notes, kab_kode, frozenset(changed))
    finally:
        table.close()
    if result.problems and (write_report_file or report_dir):
        say(96, 100, "Menulis laporan")
        from dtks_desktop.services.importing.report import default_report_path, write_report

        out = Path(report_dir) if report_dir else None
        target = default_report_path(result.batch_id, path.name, out)
        try:
            write_report(db, result.batch_id, target)
            result.report = str(target)
        except OSError as exc:
            result.notes.append(f"Laporan tidak dapat ditulis ke {target}: {exc.strerror or exc}")
    result.seconds = round(time.perf_counter() - t0, 2)
    say(100, 100, "Selesai")
    return result


def _header_values(head: list, match: M.HeaderMatch) -> list:
    for n, values in head:
        if n == match.header_rows[-1]:
            return values
    return []


class _HeaderEcho:
    """Tells a page header repeated inside the data (exports printed per page do that): at least
    3 and at least 60 % of the named header cells repeated. Called once per data row, so a data
    row is given up as soon as too many cells differ (usually after a few columns)."""

    def __init__(self, header_cells: list[str]) -> None:
        self.cells = [(i, b) for i, b in enumerate(header_cells) if b]
        need = max(3, math.ceil(0.6 * len(self.cells)))
        self.allowed_misses = len(self.cells) - need  # < 0: too few named cells to ever tell

    def __call__(self, values: list) -> bool:
        allowed = self.allowed_misses
        if allowed < 0:
            return False
        n = len(values)
        misses = 0
        for i, b in self.cells:
            a = values[i] if i < n else None
            if a.__class__ is str and a.strip().upper() == b:
                continue
            misses += 1
            if misses > allowed:
                return False
        return True


# --- storing each kind -----------------------------------------------------------------------------

_MEMBER_FIELDS = ("nik", "nik_raw", "nik_flags", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin", "nama_ibu",
                  "hubungan")
_HH_FIELDS = ("no_kk", "no_kk_flags", "alamat", "dusun", "rt", "rw", "desa_kode", "desil")


def _member_values(r: PersonRecord) -> tuple:
    return (r.nik, r.nik_raw, r.nik_flags, r.nama, r.tempat_lahir, r.tanggal_lahir, r.jenis_kelamin, r.nama_ibu,
            r.hubungan)


# An update never blanks a stored value. A cell that lost its value (an Excel error, a formula
# without a cached value) says nothing about the person; neither, in a SIKS-NG export, does an
# empty cell (a column left out of this export, a cell cleared by mistake) nor a value that
# cannot be read (an unknown sex, an impossible date): each is reported with its row and
# column and the stored value stays. A value is removed on purpose by editing the member in
# the application, which is audited. The NIK travels with how it was written and its flags.
_NIK_PART = 3  # nik, nik_raw, nik_flags


def _merge_member(r: PersonRecord, old_vals: tuple) -> tuple:
    """The member's values after this row: new values over the stored ones, None never erasing."""
    new = _member_values(r)
    if new[0] is None and old_vals[0] is not None:
        head = old_vals[:_NIK_PART]
        # Say that the stored NIK was kept (an error cell's message says it already).
        if not any(p.field == M.NIK and p.issue.code == SEL_GALAT for p in r.problems):
            empty = r.nik_raw is None
            r.problems[:] = [p for p in r.problems if p.issue.code != TANPA_NIK]
            r.problems.append(Problem(M.NIK, warning(
                NIK_TERSIMPAN_DIPERTAHANKAN,
                ("NIK kosong di berkas ini" if empty else "NIK di berkas ini tidak dapat dipakai")
                + "; NIK yang sudah tersimpan dipertahankan"), r.nik_raw))
    else:
        head = new[:_NIK_PART]
    tail = tuple(n if n is not None else o for n, o in zip(new[_NIK_PART:], old_vals[_NIK_PART:]))
    return head + tail


def _identity(vals: tuple) -> tuple:
    """The member fields whose change counts as an update (not how the NIK cell was written)."""
    return (vals[0],) + vals[3:]


def _hh_values(r: PersonRecord) -> tuple:
    return (r.no_kk, r.no_kk_flags, r.alamat, r.dusun, r.rt, r.rw, r.desa_kode, r.desil)


def _store_dtks(s: Session, actor: Actor, batch: ImportBatch, recs: list[PersonRecord], cancel, say) -> tuple:
    """New members are added, known ones (by ID DTKS, else NIK) updated; nothing is deleted."""
    existing_by_id: dict[str, tuple] = {}
    existing_by_nik: dict[str, tuple | None] = {}
    hh_by_kk: dict[str, tuple] = {}
    registry_ids: set[int] = set()
    has_members = s.execute(select(Member.id).limit(1)).first() is not None
    if has_members:
        say(0.0, "Membaca data yang sudah ada")
        cols = [Member.id, Member.household_id, Member.id_dtks] + [getattr(Member, f) for f in _MEMBER_FIELDS]
        for row in s.execute(select(*cols).where(Member.status != "dihapus")):
            t = tuple(row)
            registry_ids.add(t[0])
            if t[2]:
                existing_by_id[t[2]] = t
            nik = t[3]
            if nik:
                existing_by_nik[nik] = None if nik in existing_by_nik else t  # None: ambiguous
        hcols = [Household.id] + [getattr(Household, f) for f in _HH_FIELDS]
        for row in s.execute(select(*hcols).where(Household.no_kk.is_not(None))):
            t = tuple(row)
            hh_by_kk.setdefault(_family_key(t[1], t[2], t[7], t[5], t[6], t[3]), t)
    check_cancel(cancel)

    new_families: dict[str, FamilyRecord] = {}
    extra_members: list[tuple[int, MemberRecord]] = []
    member_updates: list[tuple] = []
    hh_updates: dict[int, tuple] = {}
    audit_rows: list[tuple] = []
    seen: set[int] = set()
    now = db_timestamp(s)
    reason = f"Impor {batch.file_name} (batch #{batch.id})"
    unchanged = 0
    for i, r in enumerate(recs):
        if i % 20000 == 0:
            check_cancel(cancel)
            say(0.1 + 0.4 * i / max(len(recs), 1), "Mencocokkan dengan data yang ada")
        old = existing_by_id.get(r.id_dtks) if r.id_dtks else None
        if old is None and r.nik and not r.id_dtks:
            old = existing_by_nik.get(r.nik)
        if old is not None and old[0] in seen:
            old = None  # two rows of this file claim the same member: keep the second as new
        fam_key = (_family_key(r.no_kk, r.no_kk_flags, r.desa_kode, r.rt, r.rw, r.alamat, r.kk_ditulis)
                   or f"baris:{r.source_row}")
        hh = hh_by_kk.get(fam_key) if r.no_kk else None
        if old is not None:
            seen.add(old[0])
            old_vals = old[3:]
            new_vals = _merge_member(r, old_vals)
            household_id = hh[0] if hh is not None else old[1]
            if hh is None and r.no_kk and fam_key in new_families:
                household_id = None  # moves to a family that is new in this file
            if _identity(new_vals) != _identity(old_vals) or household_id != old[1]:
                diff_old = {f: o for f, o, n in zip(_MEMBER_FIELDS, old_vals, new_vals) if o != n}
                diff_new = {f: n for f, o, n in zip(_MEMBER_FIELDS, old_vals, new_vals) if o != n}
                if household_id is None:
                    # The member's KK is new: create the family, then point the member at it.
                    fam = new_families.setdefault(fam_key, _family(r))
                    fam._movers = getattr(fam, "_movers", [])  # type: ignore[attr-defined]
                    fam._movers.append((old[0], new_vals))  # type: ignore[attr-defined]
                else:
                    if household_id != old[1]:
                        diff_old["household_id"], diff_new["household_id"] = old[1], household_id
                    member_updates.append((old[0], household_id, *new_vals, search_key(r.nama), now, batch.id))
                audit_rows.append(_audit_row(now, actor, old[0], r.nama, diff_old, diff_new, reason))
            else:
                unchanged += 1
            if hh is not None and r.hubungan in (1, None):
                _maybe_update_household(hh, r, hh_updates)
            continue
        m = MemberRecord(nama=r.nama or "", nik=r.nik, nik_raw=r.nik_raw, nik_flags=r.nik_flags, id_dtks=r.id_dtks,
                         tempat_lahir=r.tempat_lahir, tanggal_lahir=r.tanggal_lahir, jenis_kelamin=r.jenis_kelamin,
                         nama_ibu=r.nama_ibu, hubungan=r.hubungan, nama_key=r.nama_key)
        if hh is not None:
            extra_members.append((hh[0], m))
            if r.hubungan in (1, None):
                _maybe_update_household(hh, r, hh_updates)
        else:
            fam = new_families.get(fam_key)
            if fam is None:
                fam = new_families[fam_key] = _family(r)
            elif r.hubungan == 1:
                # The head's row decides the family's address.
                fam.alamat, fam.dusun, fam.rt, fam.rw, fam.desa_kode, fam.desil = (
                    r.alamat, r.dusun, r.rt, r.rw, r.desa_kode, r.desil if r.desil is not None else fam.desil)
            fam.members.append(m)

    say(0.5, "Menyimpan keluarga dan anggota baru")
    families = list(new_families.values())
    res = bulk_add_families(s, families, cancel=cancel, batch_id=batch.id, extra_members=extra_members)
    # Members that moved to a family that is new in this file.
    if res.households:
        for i, fam in enumerate(families):
            for member_id, vals in getattr(fam, "_movers", []):
                member_updates.append((member_id, res.first_household_id + i, *vals, None, now, batch.id))
    imported = res.members
    say(0.8, "Memperbarui data yang berubah")
    if member_updates:
        rows = []
        for u in member_updates:
            key = u[-3] if u[-3] is not None else search_key(u[5])
            rows.append((*u[:-3], key, u[-2], u[-1]))
        bulk_update(s, "members", ("household_id", *_MEMBER_FIELDS, "nama_key", "updated_at", "last_batch_id"), rows)
        # version counter: a concurrent editor must see that the row changed
        ids = [u[0] for u in member_updates]
        for k in range(0, len(ids), 500):
            s.execute(update(Member).where(Member.id.in_(ids[k:k + 500])).values(version=Member.version + 1)
                      .execution_options(synchronize_session=False))
    if hh_updates:
        bulk_update(s, "households", (*_HH_FIELDS, "updated_at", "last_batch_id"),
                    [(hid, *vals, now, batch.id) for hid, vals in hh_updates.items()])
    if audit_rows:
        bulk_insert(s, "audit_events", AUDIT_COLUMNS, audit_rows)
    gone = len(registry_ids - seen) if has_members else 0
    return imported, len(member_updates), unchanged, gone


def _family_key(no_kk, flags, desa, rt, rw, alamat, written=None) -> str | None:
    """Rows of one family share the No KK. A KK damaged by Excel lost its last digit, so
    families registered the same day in the same kecamatan collide: then the address
    decides as well. A No KK that is not valid (serial 0000 after a spreadsheet, a wrong
    length) is not stored, but the same digits at the same address are still one family."""
    if not no_kk:
        if written:
            return f"tertulis:{written}|{desa}|{rt}|{rw}|{alamat}"
        return None
    if flags and "kk_rusak_excel" in flags:
        return f"{no_kk}|{desa}|{rt}|{rw}|{alamat}"
    return no_kk


def _family(r: PersonRecord) -> FamilyRecord:
    return FamilyRecord(no_kk=r.no_kk, no_kk_flags=r.no_kk_flags, desa_kode=r.desa_kode, alamat=r.alamat,
                        dusun=r.dusun, rt=r.rt, rw=r.rw, desil=r.desil)


def _maybe_update_household(hh: tuple, r: PersonRecord, out: dict[int, tuple]) -> None:
    new = _hh_values(r)
    old = hh[1:]
    merged = tuple(n if n is not None else o for n, o in zip(new, old))
    if merged != old and hh[0] not in out:
        out[hh[0]] = merged


AUDIT_COLUMNS = ("at", "user_id", "username", "action", "entity_type", "entity_id", "summary", "old_value",
                 "new_value", "reason")


def _audit_row(now, actor: Actor, member_id: int, nama: str | None, old: dict, new: dict, reason: str) -> tuple:
    def dump(d: dict) -> str:
        return json.dumps(d, ensure_ascii=False, sort_keys=True, default=str)

    return (now, actor.id, actor.username, "member.update", "member", member_id,
            f"{nama}: {', '.join(old)} diperbarui dari impor"[:300], dump(old), dump(new), reason)


# The fields of a civil-registry person an error cell can leave without a value (not the NIK).
_DUKCAPIL_CARRY = ("no_kk", "tempat_lahir", "tanggal_lahir", "jenis_kelamin", "nama_ibu", "hubungan", "alamat",
                   "dusun", "rt", "rw", "desa_kode")
_DUKCAPIL_CARRY_SET = frozenset(_DUKCAPIL_CARRY)

DUKCAPIL_COLUMNS = ("batch_id", "source_row", "nik", "nik_flags", "no_kk", "nama", "nama_key", "tempat_lahir",
                    "tanggal_lahir", "jenis_kelamin", "nama_ibu", "hubungan", "alamat", "dusun", "rt", "rw",
                    "desa_kode")


def _store_dukcapil(s: Session, actor: Actor, batch: ImportBatch, recs: list[PersonRecord], cancel, say) -> tuple:
    """A civil-registry extract is a snapshot: it replaces the previous one; counts compare by NIK."""
    prev_ids = list(s.execute(select(DukcapilPerson.batch_id).distinct()).scalars())
    if prev_ids:
        _keep_previous_for_error_cells(s, prev_ids, recs)
    say(0.1, "Menyimpan data Dukcapil")
    bulk_insert(s, "dukcapil_persons", DUKCAPIL_COLUMNS, (
        (batch.id, r.source_row, r.nik, r.nik_flags, r.no_kk, r.nama or "", r.nama_key or "", r.tempat_lahir,
         r.tanggal_lahir, r.jenis_kelamin, r.nama_ibu, r.hubungan, r.alamat, r.dusun, r.rt, r.rw, r.desa_kode)
        for r in recs))
    check_cancel(cancel)
    if not prev_ids:
        return len(recs), 0, 0, 0
    if s.get_bind().dialect.name == "postgresql":
        # Statistics that still describe an empty table (or the previous extract alone) make the
        # planner pick nested loops over both batches: quadratic again. A sample is ~0.1 s.
        s.execute(text("ANALYZE dukcapil_persons"))
    say(0.6, "Membandingkan dengan data Dukcapil sebelumnya")
    old = DukcapilPerson.__table__.alias("old")
    new = DukcapilPerson.__table__.alias("new")
    in_old = select(old.c.nik).where(old.c.batch_id.in_(prev_ids), old.c.nik == new.c.nik).exists()
    in_new = select(new.c.nik).where(new.c.batch_id == batch.id, new.c.nik == old.c.nik).exists()
    n_new = s.execute(select(func.count()).select_from(new).where(new.c.batch_id == batch.id, ~in_old)).scalar_one()
    gone = s.execute(select(func.count()).select_from(old).where(old.c.batch_id.in_(prev_ids), ~in_new)).scalar_one()
    changed_q = select(func.count(func.distinct(new.c.nik))).select_from(
        new.join(old, (old.c.nik == new.c.nik) & old.c.batch_id.in_(prev_ids))
    ).where(new.c.batch_id == batch.id, (old.c.nama != new.c.nama) | (old.c.no_kk != new.c.no_kk)
            | (old.c.desa_kode != new.c.desa_kode) | (old.c.tanggal_lahir != new.c.tanggal_lahir))
    changed = s.execute(changed_q).scalar_one()
    check_cancel(cancel)
    say(0.8, "Menghapus data Dukcapil lama")
    s.execute(delete(DukcapilPerson).where(DukcapilPerson.batch_id.in_(prev_ids)))
    return n_new, changed, max(len(recs) - n_new - changed, 0), gone


# Where a field of the civil-registry snapshot comes from, when the problem names another column.
_GALAT_ATTR = {M.DESA: "desa_kode", M.KODE_DESA: "desa_kode", M.KECAMATAN: "desa_kode", M.KABUPATEN: "desa_kode"}


def _keep_previous_for_error_cells(s: Session, prev_ids: list[int], recs: list[PersonRecord]) -> None:
    """A cell that lost its value (``sel_galat``) does not erase what the previous extract said
    about the same NIK: the new snapshot takes that field from the previous one."""
    wanted: dict[str, list[tuple[PersonRecord, set[str]]]] = {}
    for r in recs:
        if r.nik and r.problems:
            attrs = {_GALAT_ATTR.get(p.field, p.field) for p in r.problems if p.issue.code == SEL_GALAT}
            attrs &= _DUKCAPIL_CARRY_SET
            if attrs:
                wanted.setdefault(r.nik, []).append((r, attrs))
    if not wanted:
        return
    cols = [DukcapilPerson.nik] + [getattr(DukcapilPerson, a) for a in _DUKCAPIL_CARRY]
    niks = list(wanted)
    for k in range(0, len(niks), 500):
        q = select(*cols).where(DukcapilPerson.batch_id.in_(prev_ids), DukcapilPerson.nik.in_(niks[k:k + 500]))
        for row in s.execute(q.order_by(DukcapilPerson.id)):
            for r, attrs in wanted.pop(row[0], ()):
                for a, v in zip(_DUKCAPIL_CARRY, row[1:]):
                    if a in attrs and getattr(r, a) is None:
                        setattr(r, a, v)


PROGRAM_COLUMNS = ("batch_id", "source_row", "program", "periode", "nik", "nik_flags", "no_kk", "nama", "nama_key",
                   "tanggal_lahir", "desa_kode", "keterangan")


def _store_program(s: Session, actor: Actor, batch: ImportBatch, recs: list[PersonRecord], cancel, say) -> tuple:
    """A programme list replaces the earlier list of the same programme and period."""
    pairs = {(r.program, r.periode) for r in recs}
    batch.program = ", ".join(sorted({p for p, _ in pairs if p}))[:60] or batch.program
    old_keys: set[tuple] = set()
    old_ids: list[int] = []
    for prog, per in pairs:
        q = select(ProgrammeRecipient.id, ProgrammeRecipient.nik, ProgrammeRecipient.no_kk).where(
            ProgrammeRecipient.program == prog,
            ProgrammeRecipient.periode.is_(None) if per is None else ProgrammeRecipient.periode == per)
        for rid, nik, kk in s.execute(q):
            old_ids.append(rid)
            old_keys.add((prog, per, nik or "", kk or ""))
    bulk_insert(s, "programme_recipients", PROGRAM_COLUMNS, (
        (batch.id, r.source_row, r.program, r.periode, r.nik, r.nik_flags, r.no_kk, r.nama, r.nama_key,
         r.tanggal_lahir, r.desa_kode, r.keterangan) for r in recs))
    new_keys = {(r.program, r.periode, r.nik or "", r.no_kk or "") for r in recs}
    for k in range(0, len(old_ids), 500):
        s.execute(delete(ProgrammeRecipient).where(ProgrammeRecipient.id.in_(old_ids[k:k + 500])))
    if not old_keys:
        return len(recs), 0, 0, 0
    same = len(new_keys & old_keys)
    return len(new_keys - old_keys), 0, same, len(old_keys - new_keys)


# --- history ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BatchInfo:
    id: int
    kind: str
    kind_label: str
    file_name: str
    username: str | None
    started_at: datetime
    rows_read: int
    imported: int
    updated: int
    unchanged: int
    gone: int
    rejected: int
    warnings: int
    program: str | None
    note: str | None

    def as_dict(self) -> dict:
        d = asdict(self)
        d["started_at"] = self.started_at.isoformat()
        return d


def history(session: Session, *, kind: str | None = None, limit: int = 200) -> list[BatchInfo]:
    q = select(ImportBatch).order_by(ImportBatch.id.desc()).limit(limit)
    if kind:
        q = q.where(ImportBatch.kind == kind)
    return [BatchInfo(b.id, b.kind, KINDS.get(b.kind, b.kind), b.file_name, b.username, b.started_at, b.rows_read,
                      b.imported, b.updated, b.unchanged, b.gone, b.rejected, b.warnings, b.program, b.note)
            for b in session.execute(q).scalars()]


@dataclass(frozen=True)
class ProblemRow:
    source_row: int
    column: str | None
    severity: str
    code: str
    message: str
    value: str | None
    id_dtks: str | None
    nama: str | None


def count_problems(session: Session, batch_id: int, severity: str | None = None) -> int:
    q = select(func.count()).select_from(ImportProblem).where(ImportProblem.batch_id == batch_id)
    if severity:
        q = q.where(ImportProblem.severity == severity)
    return session.execute(q).scalar_one()


def list_problems(session: Session, batch_id: int, *, severity: str | None = None, offset: int = 0,
                  limit: int = 500) -> list[ProblemRow]:
    """Problems of one batch, rejected rows first, then by row number (for the result page)."""
    q = (select(ImportProblem.source_row, ImportProblem.column, ImportProblem.severity, ImportProblem.code,
                ImportProblem.message, ImportProblem.value, ImportProblem.id_dtks, ImportProblem.nama)
         .where(ImportProblem.batch_id == batch_id)
         .order_by(ImportProblem.severity, ImportProblem.source_row, ImportProblem.id).offset(offset).limit(limit))
    if severity:
        q = q.where(ImportProblem.severity == severity)
    return [ProblemRow(*r) for r in session.execute(q)]


def get_batch(session: Session, batch_id: int) -> BatchInfo | None:
    b = session.get(ImportBatch, batch_id)
    if b is None:
        return None
    return BatchInfo(b.id, b.kind, KINDS.get(b.kind, b.kind), b.file_name, b.username, b.started_at, b.rows_read,
                     b.imported, b.updated, b.unchanged, b.gone, b.rejected, b.warnings, b.program, b.note)


__all__ = ["run_import", "list_problems", "count_problems", "get_batch", "ProblemRow", "preview", "history", "ImportResult", "BatchInfo", "AlreadyImported", "Preview", "KINDS",
           "Cancelled", "Severity"]
