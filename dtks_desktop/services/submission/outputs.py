"""The files of an approved batch: the upload .xlsx in the target's layout, the Surat Pengantar
(numbered from the register, signed by the signatory chosen for ``surat_pengantar_batch``, else
the default), the recap per kecamatan/desa and the draft Surat Pengesahan for the Bupati/Walikota.

Before anything is written the frozen rows are hashed again and compared with the SHA-256 stored
at approval: a row changed behind the application's back (direct SQL) stops the export, nothing
is written, and the detection is audited (``batch.tamper``). The files are written under
temporary names and renamed only after the transaction (numbers, issued documents, the move to
``dikirim``) committed.

The upload file's columns come from the shared layout mechanism (``services.core.layouts``):
scopes ``batch.kemensos`` and ``batch.provinsi`` are registered here with the fields of
:data:`FIELDS` and their built-in layouts; a programme may have its own layout
(``batch.kemensos.PKH``, ``batch.provinsi.<CODE>``: children of the target's scope, one per
programme the target allows), else it uses the target's. NIK and No KK are text cells (never
numbers: Excel keeps only 15 digits).
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path
from typing import Callable

import xlsxwriter
from sqlalchemy import select

from dtks_desktop.db.models import SubmissionBatch, SubmissionBatchRow, utcnow
from dtks_desktop.domain.family import hubungan_label
from dtks_desktop.domain.permissions import Capability
from dtks_desktop.domain.spreadsheet import csv_safe
from dtks_desktop.domain.submission import (
    KEMENSOS_PROGRAMMES, KIND_LABELS, TARGET_ADDRESSEES, TARGET_LABELS, Kind, Target,
)
from dtks_desktop.domain.workflow.submission import BatchStatus
from dtks_desktop.services.core import audit
from dtks_desktop.services.core import layouts as L
from dtks_desktop.services.core.common import CancelFlag, Progress, check_cancel
from dtks_desktop.services.core.permissions import require
from dtks_desktop.services.core.users import Actor
from dtks_desktop.services.submission import batches as B
from dtks_desktop.services.submission.approval import _move
from dtks_desktop.services.submission.common import (
    ExportResult, SubmissionError, batch_row, content_hash, region_name, scope_label,
)

__all__ = ["FIELDS", "FIELD_LABELS", "DEFAULT_LAYOUTS", "layout_key", "upload_layout", "export_batch", "TEXT_COLUMNS"]

Getter = Callable[[SubmissionBatchRow, dict], object]

_KIND_CODE = {"usulan_baru": "BARU", "hapus": "HAPUS", "perbaikan_data": "PERBAIKAN"}

#: The getters the layouts use: (row, context) -> value.
FIELDS: dict[str, Getter] = {
    "no": lambda r, c: c["no"],
    "kode_wilayah": lambda r, c: r.desa_kode.replace(".", ""),
    "kode_desa": lambda r, c: r.desa_kode,
    "kecamatan": lambda r, c: c["kecamatan"],
    "desa": lambda r, c: c["desa"],
    "id_dtks": lambda r, c: r.id_dtks or "",
    "nik": lambda r, c: r.nik or "",
    "no_kk": lambda r, c: r.no_kk or "",
    "nama": lambda r, c: r.nama,
    "hubungan": lambda r, c: hubungan_label(r.hubungan) if r.hubungan else "",
    "alamat": lambda r, c: r.alamat or "",
    "rt": lambda r, c: r.rt or "",
    "rw": lambda r, c: r.rw or "",
    "jenis": lambda r, c: _KIND_CODE.get(r.kind, r.kind),
    "alasan": lambda r, c: r.reason or "",
    "program": lambda r, c: c["programme"],
}
#: Indonesian labels of :data:`FIELDS` (what the Format berkas tab offers for a column).
FIELD_LABELS: dict[str, str] = {
    "no": "Nomor urut", "kode_wilayah": "Kode wilayah (tanpa titik)", "kode_desa": "Kode desa (bertitik)",
    "kecamatan": "Kecamatan", "desa": "Desa/Kelurahan", "id_dtks": "ID DTKS", "nik": "NIK", "no_kk": "No KK",
    "nama": "Nama", "hubungan": "Hubungan keluarga", "alamat": "Alamat", "rt": "RT", "rw": "RW",
    "jenis": "Jenis usulan", "alasan": "Alasan/keterangan", "program": "Program",
}
#: Columns written as text cells whatever their content.
TEXT_COLUMNS = frozenset({"kode_wilayah", "kode_desa", "id_dtks", "nik", "no_kk", "rt", "rw"})
#: Every upload layout must carry these.
REQUIRED = frozenset({"nik", "nama"})

#: The built-in layouts per target: [(header, field)].
DEFAULT_LAYOUTS: dict[str, list[tuple[str, str]]] = {
    Target.KEMENSOS.value: [
        ("NO", "no"), ("KODE_WILAYAH", "kode_wilayah"), ("KECAMATAN", "kecamatan"), ("DESA_KELURAHAN", "desa"),
        ("ID_DTKS", "id_dtks"), ("NIK", "nik"), ("NO_KK", "no_kk"), ("NAMA", "nama"),
        ("HUBUNGAN_KELUARGA", "hubungan"), ("ALAMAT", "alamat"), ("RT", "rt"), ("RW", "rw"),
        ("JENIS_USULAN", "jenis"), ("ALASAN", "alasan"), ("PROGRAM", "program")],
    Target.PROVINSI.value: [
        ("No", "no"), ("Kecamatan", "kecamatan"), ("Desa/Kelurahan", "desa"), ("Kode Desa", "kode_desa"),
        ("NIK", "nik"), ("No KK", "no_kk"), ("Nama", "nama"), ("Alamat", "alamat"), ("RT", "rt"), ("RW", "rw"),
        ("Jenis", "jenis"), ("Keterangan", "alasan"), ("Program", "program")],
}
assert set(FIELD_LABELS) == set(FIELDS)


def _kemensos_programmes(session) -> list[str]:
    return list(KEMENSOS_PROGRAMMES)


def _provinsi_programmes(session) -> list[str]:
    return B.programmes_for(session, Target.PROVINSI.value)


_SCOPE_LABELS = {Target.KEMENSOS: "Berkas unggah batch ke Kemensos",
                 Target.PROVINSI: "Berkas unggah batch ke Dinas Sosial Provinsi"}
for _target, _children in ((Target.KEMENSOS, _kemensos_programmes), (Target.PROVINSI, _provinsi_programmes)):
    L.register(L.Scope(
        key=f"batch.{_target.value}", label=_SCOPE_LABELS[_target],
        fields=dict(FIELD_LABELS), default=tuple(L.Column(h, f) for h, f in DEFAULT_LAYOUTS[_target.value]),
        text_fields=TEXT_COLUMNS, required=REQUIRED, children=_children, child_label="program"))


def layout_key(target: str, programme: str | None = None) -> str:
    """``batch.kemensos`` or, for one programme, ``batch.kemensos.PKH`` (a code a key cannot
    carry, e.g. with a space, gives the target's key)."""
    ok = programme and all(ch.isalnum() or ch in "_-" for ch in programme)
    return f"batch.{target}" + (f".{programme}" if ok else "")


def upload_layout(session, target: str, programme: str) -> tuple[L.Column, ...]:
    """The columns of the upload file of a batch of ``programme`` to ``target`` (the programme's
    layout, else the target's, else the built-in one). A stored layout that is no longer valid
    is a SubmissionError telling the administrator what to fix."""
    try:
        return L.layout(session, layout_key(target, programme))
    except L.LayoutError as exc:
        raise SubmissionError(exc.message) from None


def _write_xlsx(path: Path, b: SubmissionBatch, rows: list[SubmissionBatchRow], names: dict,
                cols: tuple[L.Column, ...]) -> None:
    """The upload sheet "Usulan": the layout's headers, one row per batch row; text fields as text
    cells (format ``@``), numbers as numbers, other text as strings (never formulas). xlsxwriter
    with its shared-string table (its constant-memory mode writes inline strings and is about
    four times slower; 30,000 rows × 15 columns fit in memory easily)."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False})
    try:
        text = wb.add_format({"num_format": "@"})
        ws = wb.add_worksheet("Usulan")
        for j, c in enumerate(cols):
            ws.set_column(j, j, 22 if c.field in TEXT_COLUMNS else max(8, len(c.header) + 2))
        ws.freeze_panes(1, 0)
        for j, c in enumerate(cols):
            ws.write_string(0, j, c.header)
        getters = [(FIELDS[c.field], c.field in TEXT_COLUMNS) for c in cols]
        for i, r in enumerate(rows, 1):
            ctx = {"no": i, "desa": names[r.desa_kode][0], "kecamatan": names[r.desa_kode][1], "programme": b.programme}
            for j, (get, as_text) in enumerate(getters):
                value = get(r, ctx)
                if as_text:
                    ws.write_string(i, j, str(value), text)
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    ws.write_number(i, j, value)
                else:
                    ws.write_string(i, j, str(csv_safe(value) if isinstance(value, str) else value))
    finally:
        wb.close()


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


def export_batch(db, actor: Actor, batch_id: int, outdir, *, progress: Progress | None = None,
                 cancel: CancelFlag | None = None) -> ExportResult:
    """Write the batch's files into ``outdir`` and move the batch to ``dikirim``."""
    from dtks_desktop.services.documents import issued
    from dtks_desktop.services.documents.office import load_profile
    from dtks_desktop.services.documents.signers import signer_for

    require(db, actor, Capability.BATCH_BUILD, detail=f"ekspor batch #{batch_id}")
    out = Path(outdir)
    report = progress or (lambda *a: None)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SubmissionError(f"Folder {out} tidak dapat dibuat: {exc.strerror or exc}.") from None
    written: list[tuple[Path, Path]] = []
    try:
        with db.transaction() as s:
            b = batch_row(s, batch_id, lock=True)
            if b.status != BatchStatus.DISETUJUI.value:
                hint = (" Berkasnya sudah diekspor; cetak ulang surat dari Agenda surat." if b.status in
                        (BatchStatus.DIKIRIM.value, BatchStatus.HASIL_DITERIMA.value) else
                        " Hanya batch yang sudah disetujui supervisor yang dapat diekspor.")
                raise SubmissionError(f"Batch #{b.id} berstatus {b.status}, bukan disetujui.{hint}")
            report(0, 4, "Memeriksa sidik isi batch")
            digest = content_hash(s, b.id)
            unfrozen = s.execute(select(SubmissionBatchRow.id).where(SubmissionBatchRow.batch_id == b.id,
                                                                     SubmissionBatchRow.frozen.is_(False))).first()
            if digest != b.sha256 or unfrozen is not None:
                msg = (f"Isi batch #{b.id} berubah sejak disetujui (SHA-256 {digest[:12]}… tidak sama dengan "
                       f"{(b.sha256 or '')[:12]}… saat persetujuan). Ekspor dibatalkan; tidak ada berkas ditulis. "
                       "Laporkan ke administrator: data diubah di luar aplikasi.")
                B._audit_refusal(s, actor, "batch.tamper", b.id, f"Isi batch #{b.id} tidak cocok dengan SHA-256", msg)
                raise SubmissionError(msg)
            check_cancel(cancel)
            # plain rows (named columns), not ORM objects: a kabupaten batch holds 30,000+ of them and
            # the documents issued below would expire every object of the session
            t = SubmissionBatchRow.__table__
            rows = s.execute(select(t).where(t.c.batch_id == b.id).order_by(t.c.desa_kode, t.c.id)).all()
            names = B._regions(s, {r.desa_kode for r in rows})
            stem = f"batch-{b.id}-{b.target}-{b.programme}-{b.kind}".replace("/", "-").replace(" ", "_")
            report(1, 4, "Menulis berkas unggah")
            cols = upload_layout(s, b.target, b.programme)
            xlsx = out / f"{stem}-unggah.xlsx"
            _write_xlsx(_tmp(xlsx), b, rows, names, cols)
            written.append((_tmp(xlsx), xlsx))

            per: dict[tuple[str, str], list] = defaultdict(lambda: [0, set()])
            for r in rows:
                key = (names[r.desa_kode][1], names[r.desa_kode][0])
                per[key][0] += 1
                per[key][1].add(r.household_id or r.no_kk or r.person_key)
            recap_rows = [[k, d, n, len(f)] for (k, d), (n, f) in sorted(per.items())]
            families = len({r.household_id or r.no_kk or r.person_key for r in rows})
            profile = load_profile(s)
            kab = region_name(s, profile.kab_kode) if profile.kab_kode else ""
            kind_label = KIND_LABELS[Kind(b.kind)]
            common = {"batch_id": b.id, "programme": b.programme, "kind_label": kind_label,
                      "target_label": TARGET_LABELS[Target(b.target)], "sha256": b.sha256}
            check_cancel(cancel)
            report(2, 4, "Mencetak surat pengantar")
            pengantar = issued.issue(s, actor, "surat_pengantar_batch", {
                **common, "kepada": TARGET_ADDRESSEES[Target(b.target)],
                "programme_label": f"{KEMENSOS_PROGRAMMES.get(b.programme, b.programme)} ({b.programme})",
                "scope": scope_label(s, b), "rows": len(rows), "families": families,
                "desa": len(names), "kecamatan": len({k for k, _ in per}),
                "kabupaten": kab.title() if kab.isupper() else kab,
                "lampiran": ["Rekapitulasi per kecamatan dan desa/kelurahan",
                             f"Berkas unggah {xlsx.name} ({len(rows)} baris)",
                             "Draf surat pengesahan Bupati/Walikota"]},
                purpose=f"Pengantar batch #{b.id} {b.programme}", signer=signer_for(s, "surat_pengantar_batch"),
                profile=profile)
            report(3, 4, "Mencetak rekap dan draf pengesahan")
            recap = issued.issue(s, actor, "rekap_batch", {
                **common, "nomor_pengantar": pengantar.nomor, "rows": recap_rows,
                "total": [len(rows), families]}, purpose=f"Rekap batch #{b.id}",
                signer=signer_for(s, "rekap_batch"), profile=profile)
            kepala = "Walikota" if kab.upper().startswith("KOTA") else "Bupati"
            pengesahan = issued.issue(s, actor, "surat_pengesahan_batch", {
                **common, "kepala_daerah": kepala, "kabupaten": kab.title() if kab.isupper() else kab,
                "rows": len(rows), "desa": len(names), "nomor_pengantar": pengantar.nomor},
                purpose=f"Draf pengesahan batch #{b.id}", signer=None, profile=profile)
            for doc, suffix in ((pengantar, "surat-pengantar"), (recap, "rekap"), (pengesahan, "draf-pengesahan")):
                final = out / f"{stem}-{suffix}.pdf"
                _tmp(final).write_bytes(doc.pdf)
                written.append((_tmp(final), final))
            _move(s, actor, b, BatchStatus.DIKIRIM, action="batch.export",
                  summary=f"Batch #{b.id} diekspor ke {out} (surat pengantar {pengantar.nomor})")
            b.nomor, b.exported_at = pengantar.nomor, utcnow()
            audit.record(s, actor, "batch.export.files", entity_type="submission_batch", entity_id=b.id,
                         summary=f"Berkas batch #{b.id}: {len(written)} berkas, {len(rows)} baris",
                         new={"files": [p.name for _, p in written], "nomor": pengantar.nomor, "sha256": b.sha256})
            nomor = pengantar.nomor
    except BaseException:
        for tmp, _ in written:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, final in written:
        os.replace(tmp, final)
    report(4, 4, "Selesai")
    return ExportResult(files=[p for _, p in written], nomor=nomor)
