"""The result list that comes back from Kemensos or the province: per person ``ditetapkan`` or
``ditolak`` (with a reason), found by NIK or ID DTKS.

The file is read with the import machinery (``readers.open_table``: CSV or Excel; headers found by
their texts, :data:`RESULT_HEADERS`). Which batch: the one given, or, with ``batch_id=None``, the
one sent batch (``dikirim``/``hasil_diterima``) whose rows hold the file's NIKs / IDs; none or
several is an error that says so. A row that names nobody of the batch, or whose result is not
understood, is rejected with its row and column; the others are stored in one transaction: the
row's result, and the registry statuses moved through ``services.core.workflow.apply``
(``family_status.on_results``):

* a member of an accepted removal → ``dihapus`` (a clerk's act: the approval was the batch's);
* a family none of whose batch rows awaits a result any more → ``dihapus`` (a removal accepted
  and no member left), ``disetujui`` (anything ditetapkan) or ``ditolak`` (all ditolak), with the
  batch in the reason. A family still awaiting another batch stays ``diajukan`` (reported in
  ``family_status``, not a warning).

Warnings are for real anomalies: a ditolak without a reason, a family not ``diajukan`` when its
result arrives (data from before the stages moved statuses). The batch moves to
``hasil_diterima``. :attr:`ResultsImport.per_desa` is the report per desa.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from sqlalchemy import select

from dtks_desktop.db.models import SubmissionBatch, SubmissionBatchRow, utcnow
from dtks_desktop.domain.permissions import Capability
from dtks_desktop.domain.spreadsheet import clean_id
from dtks_desktop.domain.submission import Result, parse_result
from dtks_desktop.domain.workflow.submission import BatchStatus
from dtks_desktop.services.core import audit, family_status
from dtks_desktop.services.core.permissions import require
from dtks_desktop.services.core.users import Actor
from dtks_desktop.services.submission import batches as B
from dtks_desktop.services.submission.approval import _move
from dtks_desktop.services.submission.common import ResultProblem, ResultsImport, SubmissionError, batch_row

__all__ = ["RESULT_HEADERS", "import_results", "read_results"]

RESULT_HEADERS: dict[str, tuple[str, ...]] = {
    "nik": ("NIK", "NIK ART", "NO NIK", "NOMOR NIK", "NIK KTP"),
    "id_dtks": ("ID DTKS", "IDDTKS", "ID_DTKS", "NO ID DTKS", "ID ART", "ID DTSEN"),
    "hasil": ("HASIL", "STATUS", "KEPUTUSAN", "STATUS USULAN", "HASIL VERIFIKASI", "KETERANGAN HASIL"),
    "alasan": ("ALASAN", "KETERANGAN", "ALASAN DITOLAK", "CATATAN", "ALASAN PENOLAKAN"),
    "nama": ("NAMA", "NAMA ART", "NAMA LENGKAP"),
}
_SENT = (BatchStatus.DIKIRIM.value, BatchStatus.HASIL_DITERIMA.value)


def read_results(path) -> tuple[list[tuple[int, dict]], dict[str, int], Path]:
    """(rows as (row number, {field: text}), {field: column index}, path); ImportFileError when the
    file cannot be read or has no NIK/ID DTKS and Hasil columns."""
    from dtks_desktop.services.importing.mapping.fields import HEADER_SCAN_ROWS, header_key
    from dtks_desktop.services.importing.readers import ImportFileError, open_table

    p = Path(path)
    index = {header_key(t): f for f, texts in RESULT_HEADERS.items() for t in texts}
    table = open_table(p)
    try:
        raw = list(table.iter_rows())
    finally:
        close = getattr(table, "close", None)
        if close:
            close()
    header = None
    for number, values in raw[:HEADER_SCAN_ROWS]:
        cols: dict[str, int] = {}
        for i, v in enumerate(values):
            if v is not None and str(v).strip():
                f = index.get(header_key(v))
                if f and f not in cols:
                    cols[f] = i
        if "hasil" in cols and ("nik" in cols or "id_dtks" in cols):
            header = (number, cols)
            break
    if header is None:
        raise ImportFileError(f'Berkas "{p.name}": kolom NIK atau ID DTKS dan kolom Hasil tidak ditemukan. Judul '
                              "kolom yang dikenal: NIK, ID DTKS, Hasil (ditetapkan/ditolak), Alasan.",
                              code="judul_tidak_ditemukan", path=p)
    hrow, cols = header
    out = []
    for number, values in raw:
        if number <= hrow:
            continue
        rec = {}
        for f, i in cols.items():
            v = values[i] if i < len(values) else None
            rec[f] = v
        out.append((number, rec))
    return out, cols, p


def _text(v) -> str:
    return " ".join(str(v).split()) if v is not None else ""


def _infer_batch(session, ids: set[str]) -> int:
    if not ids:
        raise SubmissionError("Berkas hasil tidak berisi NIK atau ID DTKS.")
    q = (select(SubmissionBatchRow.batch_id).join(SubmissionBatch)
         .where(SubmissionBatch.status.in_(_SENT))
         .where((SubmissionBatchRow.nik.in_(ids)) | (SubmissionBatchRow.id_dtks.in_(ids))).distinct())
    found = sorted(session.execute(q).scalars())
    if not found:
        raise SubmissionError("Tidak ada batch terkirim yang berisi NIK/ID DTKS dari berkas ini. Sebutkan batchnya "
                              "(--batch ID) atau periksa berkasnya.")
    if len(found) > 1:
        raise SubmissionError(f"NIK/ID DTKS dari berkas ini ada di beberapa batch terkirim ({', '.join(map(str, found))}). "
                              "Sebutkan batchnya: --batch ID.")
    return found[0]


def import_results(db, actor: Actor, batch_id: int | None, path) -> ResultsImport:
    """Record the results of a sent batch from a file (see the module's description)."""
    from dtks_desktop.services.importing.readers import column_letter, describe_location

    require(db, actor, Capability.BATCH_BUILD, detail=f"hasil batch #{batch_id or '?'}")
    rows, cols, p = read_results(path)
    problems: list[ResultProblem] = []
    parsed: list[tuple[int, str | None, str | None, Result, str]] = []
    rejected = 0

    def reject(number, field, label, message):
        nonlocal rejected
        rejected += 1
        i = cols.get(field)
        where = describe_location(p.name, number, i, label) if i is not None else describe_location(p.name, number)
        problems.append(ResultProblem(number, f"{column_letter(i)} ({label})" if i is not None else None,
                                      f"{where}: {message}"))

    for number, rec in rows:
        nik = id_dtks = None
        if rec.get("nik") not in (None, ""):
            c = clean_id(rec["nik"])
            if c.excel_damaged:
                reject(number, "nik", "NIK", "NIK rusak karena disimpan sebagai angka di Excel (digit terakhir hilang); "
                                             "simpan kolom NIK sebagai teks.")
                continue
            nik = c.value
        if _text(rec.get("id_dtks")):
            id_dtks = _text(rec.get("id_dtks"))
        if not nik and not id_dtks:
            if _text(rec.get("hasil")):
                reject(number, "nik" if "nik" in cols else "id_dtks", "NIK", "NIK dan ID DTKS kosong.")
            continue
        hasil = parse_result(_text(rec.get("hasil")))
        if hasil is None:
            reject(number, "hasil", "Hasil", f"hasil '{_text(rec.get('hasil'))}' tidak dikenal; tulis ditetapkan atau "
                                             "ditolak.")
            continue
        parsed.append((number, nik, id_dtks, hasil, _text(rec.get("alasan"))[:300]))

    warnings: list[str] = []
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    counts = {Result.DITETAPKAN: 0, Result.DITOLAK: 0}
    with db.transaction() as s:
        bid = batch_id or _infer_batch(s, {x for _, n, i, _, _ in parsed for x in (n, i) if x})
        b = batch_row(s, bid, lock=True)
        if b.status not in _SENT:
            raise SubmissionError(f"Batch #{b.id} berstatus {b.status}: hasil hanya dicatat untuk batch yang sudah "
                                  "dikirim (diekspor).")
        brows = list(s.execute(select(SubmissionBatchRow).where(SubmissionBatchRow.batch_id == b.id)).scalars())
        by_nik = {r.nik: r for r in brows if r.nik}
        by_id = {r.id_dtks: r for r in brows if r.id_dtks}
        now = utcnow()
        done: set[int] = set()
        decided: list[SubmissionBatchRow] = []
        for number, nik, id_dtks, hasil, alasan in parsed:
            r = (by_nik.get(nik) if nik else None) or (by_id.get(id_dtks) if id_dtks else None)
            if r is None:
                field = "nik" if nik else "id_dtks"
                reject(number, field, "NIK" if nik else "ID DTKS",
                       f"{nik or id_dtks} tidak ada di batch #{b.id}.")
                continue
            if r.id in done:
                reject(number, "nik" if nik else "id_dtks", "NIK" if nik else "ID DTKS",
                       f"{r.nama} sudah ada di baris sebelumnya berkas ini.")
                continue
            done.add(r.id)
            if hasil == Result.DITOLAK and not alasan:
                warnings.append(f"{describe_location(p.name, number)}: {r.nama} ditolak tanpa alasan.")
            r.result, r.result_reason, r.result_at = hasil.value, alasan or None, now
            decided.append(r)
            counts[hasil] += 1
            per[r.desa_kode][0 if hasil == Result.DITETAPKAN else 1] += 1
        imported = counts[Result.DITETAPKAN] + counts[Result.DITOLAK]
        if not imported:
            raise SubmissionError(f'Berkas "{p.name}" tidak berisi hasil yang dapat dicatat untuk batch #{b.id}'
                                  + (f": {problems[0].message}" if problems else "."))
        s.flush()
        report = family_status.on_results(s, actor, b, decided)
        warnings += report.warnings
        if b.status == BatchStatus.DIKIRIM.value:
            _move(s, actor, b, BatchStatus.HASIL_DITERIMA, action="batch.results",
                  summary=f"Hasil batch #{b.id} diterima: {counts[Result.DITETAPKAN]} ditetapkan, "
                          f"{counts[Result.DITOLAK]} ditolak")
        b.results_at = now
        audit.record(s, actor, "batch.results.import", entity_type="submission_batch", entity_id=b.id,
                     summary=f"Impor hasil {p.name}: {imported} dicatat, {rejected} ditolak",
                     new={"file": p.name, Result.DITETAPKAN.value: counts[Result.DITETAPKAN],
                          Result.DITOLAK.value: counts[Result.DITOLAK],
                          "rejected": rejected, "warnings": len(warnings), "status_keluarga": dict(report.moved),
                          "anggota_dihapus": report.members_moved})
        names = B._regions(s, set(per))
        per_desa = tuple(sorted((names[k][1], names[k][0], v[0], v[1]) for k, v in per.items()))
    problems += [ResultProblem(None, None, w, "warning") for w in warnings]
    return ResultsImport(imported=imported, rejected=rejected, warnings=len(warnings), problems=tuple(problems),
                         ditetapkan=counts[Result.DITETAPKAN], ditolak=counts[Result.DITOLAK], batch_id=bid,
                         per_desa=per_desa, family_status=report.as_dict())
