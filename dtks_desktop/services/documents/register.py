"""The letter register (agenda surat keluar): numbering templates, numbers, voided numbers.

* A **numbering template** per document type: ``460/{seq}/Dinsos/{year}``, or the Permendagri
  83/2022 style ``400.9.2/{seq}/Dinsos``; placeholders ``{seq}``, ``{year}``, ``{month}``,
  ``{month_roman}``. ``{seq}`` is required.
* A **series** is a template text: the types that share a template share its sequence, which
  restarts every year. The last number of a (series, year) is one row of ``doc_sequences``,
  incremented by ``UPDATE … RETURNING`` inside the transaction that writes the register entry:
  on PostgreSQL the row lock makes a second PC wait until the first commits; on SQLite the
  transaction starts with ``BEGIN IMMEDIATE`` (the database's write lock). A unique constraint on
  (year, nomor) is the last guard: a number is never issued twice.
* A **voided** number stays in the register with who, when and why; it is never reused.
"""

from __future__ import annotations

import sqlite3
import string
import time
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from dtks_desktop.db.models import DocSequence, DocTemplate, RegisterEntry
from dtks_desktop.domain.formatting import bulan_romawi, tanggal_jam
from dtks_desktop.domain.office import DOCUMENT_TYPES, DocumentType
from dtks_desktop.domain.permissions import Capability
from dtks_desktop.services.core import audit
from dtks_desktop.services.core.common import DataKind, changes
from dtks_desktop.services.core.locks import LockBusy
from dtks_desktop.services.core.permissions import require

__all__ = ["DOC_TYPES", "DocType", "RegisterError", "take_number", "void", "list_register", "export_xlsx",
           "set_template", "template_for", "templates", "render_number", "check_template", "begin_write"]

PLACEHOLDERS = ("seq", "year", "month", "month_roman")


#: A document type (code, label, default numbering template, numbered): the one list lives in
#: ``domain.office.DOCUMENT_TYPES``, shared with the signatory choice.
DocType = DocumentType

#: The document types the office issues, by code. ``surat_keluar``: letters written outside the app.
DOC_TYPES: dict[str, DocType] = {t.code: t for t in DOCUMENT_TYPES}


def register_type(t: DocType) -> DocType:
    """Add a type at run time (tests); a stage's real type belongs in ``DOCUMENT_TYPES``."""
    DOC_TYPES[t.code] = t
    return t


class RegisterError(Exception):
    """Refused: a clear Indonesian message, nothing written."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:  # pragma: no cover - trivial
        return f"{self.message} {self.hint}".strip()


def _type(doc_type: str) -> DocType:
    t = DOC_TYPES.get(doc_type)
    if t is None:
        known = ", ".join(sorted(k for k, v in DOC_TYPES.items() if v.numbered))
        raise RegisterError(f"Jenis dokumen '{doc_type}' tidak dikenal.", f"Jenis yang bernomor: {known}.")
    return t


def check_template(template: str) -> str:
    """The template, trimmed, or RegisterError naming what is wrong."""
    text = " ".join((template or "").split())
    if not text:
        raise RegisterError("Templat nomor kosong.", "Contoh: 460/{seq}/Dinsos/{year}.")
    if len(text) > 120:
        raise RegisterError("Templat nomor terlalu panjang (paling banyak 120 karakter).")
    names: list[str] = []
    try:
        for _, name, spec, conv in string.Formatter().parse(text):
            if name is None:
                continue
            if name not in PLACEHOLDERS or spec or conv:
                raise RegisterError(f"Penanda '{{{name}{':' + spec if spec else ''}}}' dalam templat nomor tidak "
                                    "dikenal.", "Penanda yang boleh: {seq}, {year}, {month}, {month_roman}.")
            names.append(name)
    except ValueError:
        raise RegisterError("Kurung kurawal dalam templat nomor tidak berpasangan.",
                            "Contoh: 460/{seq}/Dinsos/{year}.") from None
    if names.count("seq") != 1:
        raise RegisterError("Templat nomor harus memuat {seq} tepat satu kali (nomor urut).",
                            "Contoh: 460/{seq}/Dinsos/{year}.")
    return text


def render_number(template: str, seq: int, when: date) -> str:
    return template.format(seq=seq, year=when.year, month=f"{when.month:02d}", month_roman=bulan_romawi(when.month))


def template_for(session: Session, doc_type: str) -> str:
    t = _type(doc_type)
    row = session.get(DocTemplate, doc_type)
    return row.template if row else t.default_template


def templates(session: Session) -> list[dict]:
    """Every numbered type with its template in force (``custom``: set by the office)."""
    rows = {r.doc_type: r for r in session.scalars(select(DocTemplate))}
    return [{"type": t.code, "label": t.label, "template": rows[t.code].template if t.code in rows else
             t.default_template, "custom": t.code in rows} for t in DOC_TYPES.values() if t.numbered]


@changes(DataKind.DOCUMENTS, DataKind.AUDIT)
def set_template(session: Session, actor, doc_type: str, template: str) -> str:
    """Set the numbering template of ``doc_type`` (supervisor/admin). The next number follows it."""
    require(session, actor, Capability.DOCS_VOID, detail=f"templat {doc_type}")
    t = _type(doc_type)
    if not t.numbered:
        raise RegisterError(f"Dokumen '{doc_type}' tidak bernomor.")
    text = check_template(template)
    row = session.get(DocTemplate, doc_type)
    old = row.template if row else t.default_template
    if row is None:
        session.add(DocTemplate(doc_type=doc_type, template=text, updated_by=actor.username))
    else:
        row.template, row.updated_by, row.updated_at = text, actor.username, datetime.now(timezone.utc)
    audit.record(session, actor, "docs.template", entity_type="doc_template",
                 summary=f"Templat nomor {doc_type}: {old} → {text}", old={"template": old}, new={"template": text})
    return text


def begin_write(session: Session, wait_seconds: float = 120.0) -> None:
    """On SQLite start the transaction with ``BEGIN IMMEDIATE`` (the write lock), so that reading
    the sequence and writing it cannot interleave with another process. No-op elsewhere, or
    when the transaction already writes."""
    if session.get_bind().dialect.name != "sqlite":
        return
    dbapi = session.connection().connection.dbapi_connection
    if dbapi.in_transaction:
        return
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            dbapi.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower() and "busy" not in str(exc).lower():
                raise
            if time.monotonic() > deadline:
                raise LockBusy("Basis data sedang dipakai proses lain; nomor surat tidak diambil.",
                               "Coba lagi sebentar lagi.") from None
            time.sleep(0.05)


def _next_seq(session: Session, series: str, year: int) -> int:
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(DocSequence).values(series=series, year=year, last_seq=0).on_conflict_do_nothing())
    return session.execute(
        update(DocSequence).where(DocSequence.series == series, DocSequence.year == year)
        .values(last_seq=DocSequence.last_seq + 1).returning(DocSequence.last_seq)).scalar_one()


def _now() -> datetime:
    return datetime.now(timezone.utc)


@changes(DataKind.DOCUMENTS, DataKind.AUDIT)
def take_number(session: Session, actor, doc_type: str, purpose: str, *, when: date | None = None,
                document_id: int | None = None) -> RegisterEntry:
    """Take the next number of ``doc_type``'s series for the year of ``when`` (today).

    Call it first in the transaction (on SQLite it begins the transaction with the write lock).
    The number is the caller's once the transaction commits; rolled back, it was never issued.
    """
    require(session, actor, Capability.DOCS_NUMBER, detail=doc_type)
    t = _type(doc_type)
    if not t.numbered:
        raise RegisterError(f"Dokumen '{doc_type}' tidak bernomor.")
    purpose = " ".join((purpose or "").split())
    if not purpose:
        raise RegisterError("Perihal/keperluan surat wajib diisi (--purpose).")
    begin_write(session)
    when = when or date.today()
    template = check_template(template_for(session, doc_type))
    while True:
        seq = _next_seq(session, template, when.year)
        nomor = render_number(template, seq, when)
        taken = session.scalar(select(RegisterEntry.id).where(RegisterEntry.year == when.year,
                                                               RegisterEntry.nomor == nomor))
        if taken is None:  # another series can render the same text: skip to the next number
            break
    entry = RegisterEntry(doc_type=doc_type, series=template, year=when.year, seq=seq, nomor=nomor,
                          purpose=purpose[:2000], created_by=actor.username, created_at=_now(),
                          document_id=document_id)
    session.add(entry)
    session.flush()
    audit.record(session, actor, "docs.number", entity_type="register_entry", entity_id=entry.id,
                 summary=f"Nomor {nomor} ({doc_type}): {purpose}"[:300], new={"nomor": nomor, "type": doc_type})
    return entry


def _find(session: Session, nomor: str, year: int | None) -> RegisterEntry:
    q = select(RegisterEntry).where(RegisterEntry.nomor == " ".join((nomor or "").split()))
    if year is not None:
        q = q.where(RegisterEntry.year == year)
    rows = list(session.scalars(q.order_by(RegisterEntry.year.desc())))
    if not rows:
        raise RegisterError(f"Nomor {nomor} tidak ada dalam agenda surat keluar"
                            + (f" tahun {year}." if year else "."))
    if len(rows) > 1 and year is None:
        raise RegisterError(f"Nomor {nomor} ada pada beberapa tahun ({', '.join(str(r.year) for r in rows)}).",
                            "Sebutkan tahunnya (--year).")
    return rows[0]


@changes(DataKind.DOCUMENTS, DataKind.AUDIT)
def void(session: Session, actor, nomor: str, reason: str, *, year: int | None = None) -> RegisterEntry:
    """Void a number (supervisor/admin): it stays in the register with the reason, never reused."""
    require(session, actor, Capability.DOCS_VOID, detail=nomor)
    reason = " ".join((reason or "").split())
    if not reason:
        raise RegisterError("Alasan pembatalan nomor wajib diisi (--reason).")
    entry = _find(session, nomor, year)
    if entry.voided_at is not None:
        raise RegisterError(f"Nomor {entry.nomor} sudah dibatalkan oleh {entry.voided_by} pada "
                            f"{tanggal_jam(entry.voided_at, lokal=True)} ({entry.void_reason}).")
    entry.voided_at, entry.voided_by, entry.void_reason = _now(), actor.username, reason[:2000]
    audit.record(session, actor, "docs.void", entity_type="register_entry", entity_id=entry.id,
                 summary=f"Nomor {entry.nomor} dibatalkan", old={"voided": False}, new={"voided": True},
                 reason=reason)
    return entry


def entry_dict(e: RegisterEntry) -> dict:
    return {"nomor": e.nomor, "id": e.id, "type": e.doc_type, "year": e.year, "seq": e.seq, "purpose": e.purpose,
            "created_by": e.created_by, "created_at": e.created_at.isoformat() if e.created_at else None,
            "document_id": e.document_id, "voided": e.voided_at is not None,
            "voided_at": e.voided_at.isoformat() if e.voided_at else None, "voided_by": e.voided_by,
            "void_reason": e.void_reason}


def list_register(session: Session, *, year: int | None = None, doc_type: str | None = None,
                  text: str | None = None, voided: bool | None = None, limit: int | None = None) -> list[RegisterEntry]:
    """Register entries, newest first. ``text`` matches the number or the purpose (any case);
    ``voided`` True/False keeps only voided / valid numbers."""
    q = select(RegisterEntry)
    if year is not None:
        q = q.where(RegisterEntry.year == year)
    if doc_type:
        q = q.where(RegisterEntry.doc_type == doc_type)
    if text and text.strip():
        like = f"%{text.strip().lower()}%"
        q = q.where(or_(func.lower(RegisterEntry.nomor).like(like), func.lower(RegisterEntry.purpose).like(like)))
    if voided is True:
        q = q.where(RegisterEntry.voided_at.is_not(None))
    elif voided is False:
        q = q.where(RegisterEntry.voided_at.is_(None))
    q = q.order_by(RegisterEntry.year.desc(), RegisterEntry.created_at.desc(), RegisterEntry.id.desc())
    if limit:
        q = q.limit(limit)
    return list(session.scalars(q))


def years(session: Session) -> list[int]:
    return sorted(session.scalars(select(RegisterEntry.year).distinct()), reverse=True)


def export_xlsx(session: Session, path: str | Path, **filters) -> int:
    """The register (with ``filters`` as :func:`list_register`) as .xlsx; the number is a text cell.
    Returns the number of rows written."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    rows = list_register(session, **filters)
    wb = Workbook()
    ws = wb.active
    ws.title = "Agenda surat keluar"
    head = ["No", "Nomor surat", "Tahun", "Urut", "Jenis", "Perihal", "Dibuat oleh", "Tanggal", "Status",
            "Dibatalkan oleh", "Alasan pembatalan"]
    ws.append(head)
    for c in ws[1]:
        c.font = Font(bold=True)
    for i, e in enumerate(reversed(rows), 1):
        ws.append([i, e.nomor, e.year, e.seq, DOC_TYPES[e.doc_type].label if e.doc_type in DOC_TYPES else e.doc_type,
                   e.purpose, e.created_by, tanggal_jam(e.created_at, lokal=True) if e.created_at else "",
                   "Batal" if e.voided_at else "Berlaku", e.voided_by or "", e.void_reason or ""])
        ws.cell(row=i + 1, column=2).number_format = "@"
        ws.cell(row=i + 1, column=2).data_type = "s"
    for col, width in zip("ABCDEFGHIJK", (5, 28, 7, 6, 30, 45, 14, 17, 9, 14, 30)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    wb.save(tmp)
    tmp.replace(target)
    return len(rows)


def register_page(session: Session, **filters) -> dict:
    """What the register page shows: rows (as :func:`entry_dict`, with the type's label), the
    years and the numbered types to filter by."""
    rows = []
    for e in list_register(session, **filters):
        d = entry_dict(e)
        d["label"] = DOC_TYPES[e.doc_type].label if e.doc_type in DOC_TYPES else e.doc_type
        rows.append(d)
    return {"rows": rows, "years": years(session),
            "types": [(t.code, t.label) for t in DOC_TYPES.values() if t.numbered]}
