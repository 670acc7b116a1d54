"""Issued documents: rendered once, stored (parameters, PDF bytes, SHA-256, HMAC seal), reprinted
byte-identical, and verified.

Authenticity
------------
* A secret of this database (``docs.secret`` in the settings, 32 random bytes made on first use).
* The **seal**: HMAC-SHA256 over (id, type, nomor, sha256, parameters). A stored row whose bytes or
  parameters were changed no longer matches its seal: reprint and verify refuse it.
* The **code** in every footer and in the QR code: ``DS-000123-7K3QX9`` = the document id and the
  first 6 base32 characters of HMAC(secret, "doc:<id>"). It cannot be made without the secret.
* :func:`verify_file`: the SHA-256 of the file among the stored documents → genuine and unaltered.
  Otherwise the code read from the PDF's text says whether it is a document of this office whose
  file has been changed, or not one of ours at all.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import re
import secrets
from dataclasses import asdict, dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from dtks_desktop.db.models import IssuedDocument, RegisterEntry, Setting
from dtks_desktop.documents.engine import DocContext, render
from dtks_desktop.documents.layout import Stamp
from dtks_desktop.documents.types import TYPES
from dtks_desktop.domain.formatting import tanggal_jam
from dtks_desktop.domain.office import OfficeProfile, Signer
from dtks_desktop.domain.permissions import Capability
from dtks_desktop.services.core import audit
from dtks_desktop.services.core.common import DataKind, changes
from dtks_desktop.services.core.permissions import require
from dtks_desktop.services.documents import register as R
from dtks_desktop.services.documents.office import load_profile

__all__ = ["DocumentError", "Verdict", "issue", "issue_with", "reprint", "verify_file", "verify_bytes", "verify_code",
           "list_documents", "documents_page", "reprint_to", "make_code", "save_pdf", "SECRET_KEY", "CODE_RE"]

SECRET_KEY = "docs.secret"
CODE_PREFIX = "DS"
CODE_RE = re.compile(r"\bDS-(\d{6,})-([A-Z2-7]{6})\b")


class DocumentError(Exception):
    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:  # pragma: no cover - trivial
        return f"{self.message} {self.hint}".strip()


# --- the secret, the code, the seal -------------------------------------------------------------------

def _secret(session: Session) -> bytes:
    """This database's secret; made once (two PCs at the same moment keep the first one stored)."""
    value = session.get(Setting, SECRET_KEY)
    if value is None or not value.value:
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(insert(Setting).values(key=SECRET_KEY, value=secrets.token_hex(32))
                        .on_conflict_do_nothing())
        session.expire_all()
        value = session.get(Setting, SECRET_KEY)
    return bytes.fromhex(value.value)


def _existing_secret(session: Session) -> bytes | None:
    value = session.scalar(select(Setting.value).where(Setting.key == SECRET_KEY))
    return bytes.fromhex(value) if value else None


def _mac(secret: bytes, message: str) -> bytes:
    return hmac.new(secret, message.encode("utf-8"), hashlib.sha256).digest()


def make_code(secret: bytes, doc_id: int) -> str:
    tag = base64.b32encode(_mac(secret, f"doc:{doc_id}")).decode("ascii")[:6]
    return f"{CODE_PREFIX}-{doc_id:06d}-{tag}"


def _code_ok(secret: bytes, code: str) -> int | None:
    """The document id of a well-formed code made with ``secret``, else None."""
    m = CODE_RE.fullmatch(code.strip().upper())
    if not m:
        return None
    doc_id = int(m.group(1))
    return doc_id if hmac.compare_digest(make_code(secret, doc_id), f"DS-{m.group(1)}-{m.group(2)}") else None


def _seal(secret: bytes, doc: IssuedDocument) -> str:
    payload = json.dumps([doc.id, doc.doc_type, doc.nomor, doc.sha256, doc.parameters], ensure_ascii=False,
                         separators=(",", ":"))
    return _mac(secret, "seal:" + payload).hex()


def _intact(secret: bytes, doc: IssuedDocument) -> str | None:
    """None when the stored row is whole; else what is wrong (Indonesian)."""
    if doc.pdf is None or doc.sha256 is None:
        return "berkasnya tidak tersimpan"
    if hashlib.sha256(doc.pdf).hexdigest() != doc.sha256:
        return "isi berkas yang tersimpan tidak cocok dengan sidik SHA-256-nya"
    if not doc.seal or not hmac.compare_digest(_seal(secret, doc), doc.seal):
        return "data dokumen yang tersimpan (nomor, jenis atau parameter) sudah diubah sejak diterbitkan"
    return None


# --- issuing ----------------------------------------------------------------------------------------

def _json(params: dict) -> str:
    return json.dumps(params, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


#: Renders a document once its number and code are known: (nomor or None, stamp) -> (PDF bytes, pages).
Renderer = Callable[[str | None, Stamp], tuple[bytes, int]]


@changes(DataKind.DOCUMENTS, DataKind.AUDIT)
def issue_with(session: Session, actor, doc_type: str, params: dict, render_fn: Renderer, *, purpose: str = "",
               when: date | None = None) -> IssuedDocument:
    """Issue a document whose content another module lays out (``render_fn``): take the number
    (numbered types), store the row, render with the number and the authenticity stamp, store
    the bytes, their SHA-256 and the seal. One transaction with the caller's: rolled back,
    neither the number nor the document exists."""
    require(session, actor, Capability.DOCS_PRINT, detail=doc_type)
    kind = R.DOC_TYPES.get(doc_type)
    if kind is None:
        raise DocumentError(f"Jenis dokumen '{doc_type}' tidak dikenal.",
                            f"Jenis yang ada: {', '.join(sorted(R.DOC_TYPES))}.")
    when = when or date.today()
    entry: RegisterEntry | None = None
    if kind.numbered:
        entry = R.take_number(session, actor, doc_type, purpose or kind.label, when=when)
    else:
        R.begin_write(session)
    secret = _secret(session)
    doc = IssuedDocument(doc_type=doc_type, nomor=entry.nomor if entry else None, parameters=_json(params),
                         created_by=actor.username, created_at=datetime.now(timezone.utc), pages=0)
    session.add(doc)
    session.flush()
    pdf, pages = render_fn(doc.nomor, Stamp(make_code(secret, doc.id)))
    doc.pdf, doc.pages, doc.sha256 = pdf, pages, hashlib.sha256(pdf).hexdigest()
    doc.seal = _seal(secret, doc)
    if entry is not None:
        entry.document_id = doc.id
    audit.record(session, actor, "docs.issue", entity_type="issued_document", entity_id=doc.id,
                 summary=" ".join(f"Dokumen {doc_type} {doc.nomor or ''} diterbitkan ({pages} halaman)".split()),
                 new={"type": doc_type, "nomor": doc.nomor, "sha256": doc.sha256})
    return doc


#: ``issue(signer=CHOSEN)``: the signatory chosen for the type in the settings.
CHOSEN = "chosen"


@changes(DataKind.DOCUMENTS, DataKind.AUDIT)
def issue(session: Session, actor, doc_type: str, data: dict, *, purpose: str = "", when: date | None = None,
          signer: Signer | None | str = CHOSEN, profile: OfficeProfile | None = None) -> IssuedDocument:
    """Render and store one document of a type of ``documents/types`` from ``data`` (its parameters).

    ``signer``: by default the signatory chosen for the type (``signers.signer_for``: its own
    choice, the default choice, the old ``office.kepala_nama``); an explicit Signer, or None for
    dotted lines. ``profile``: by default the office profile in force. Returns the stored row
    (``pdf`` holds the bytes).
    """
    require(session, actor, Capability.DOCS_PRINT, detail=doc_type)
    if isinstance(signer, str):
        from dtks_desktop.services.documents.signers import signer_for

        signer = signer_for(session, doc_type)
    module = TYPES.get(doc_type)
    if module is None or doc_type not in R.DOC_TYPES:
        raise DocumentError(f"Jenis dokumen '{doc_type}' tidak dikenal.",
                            f"Jenis yang ada: {', '.join(sorted(TYPES))}.")
    when = when or date.today()
    if R.DOC_TYPES[doc_type].numbered:
        R.begin_write(session)  # before reading the profile: the number is taken under the write lock
    profile = profile or load_profile(session)
    params = {"data": data, "when": when.isoformat(), "signer": asdict(signer) if signer else None,
              "kertas": profile.kertas}
    dinas = profile.dinas.title() if profile.dinas.isupper() else profile.dinas

    def render_fn(nomor: str | None, stamp: Stamp) -> tuple[bytes, int]:
        ctx = DocContext(profile=profile, when=when, nomor=nomor, signer=signer, stamp=stamp,
                         orientation=module.ORIENTATION)
        return render(ctx, lambda: module.story(ctx, data), title=module.TITLE.title(),
                      footer_left=f"{dinas}{' — ' + nomor if nomor else ''}")

    return issue_with(session, actor, doc_type, params, render_fn, purpose=purpose, when=when)


@dataclass
class Printed:
    """An issued document written for the user, with what they should know (no signatory…)."""

    doc: IssuedDocument
    warnings: tuple[str, ...] = ()


def agenda_rows(session: Session, *, year: int, doc_type: str | None = None, text: str | None = None,
                voided: bool | None = None) -> list[list[str]]:
    """The register of ``year`` (oldest first) as the rows of the printed agenda."""
    rows = []
    for e in reversed(R.list_register(session, year=year, doc_type=doc_type, text=text, voided=voided)):
        label = R.DOC_TYPES[e.doc_type].label if e.doc_type in R.DOC_TYPES else e.doc_type
        rows.append([e.nomor, e.created_at.strftime("%d-%m-%Y"), label, e.purpose, e.created_by,
                     "Batal" if e.voided_at else "Berlaku"])
    return rows


@changes(DataKind.DOCUMENTS, DataKind.AUDIT)
def print_agenda(session: Session, actor, *, year: int, doc_type: str | None = None, text: str | None = None,
                 voided: bool | None = None, when: date | None = None) -> Printed:
    """Issue the agenda surat keluar of ``year`` (type ``agenda_surat``) on the office profile,
    signed ("Mengetahui") by the signatory chosen for the type."""
    from dtks_desktop.services.documents.signers import missing_signer_warning

    data = {"year": year, "rows": agenda_rows(session, year=year, doc_type=doc_type, text=text, voided=voided)}
    what = [f"jenis {doc_type}" if doc_type else "", f"memuat \"{text}\"" if text else "",
            {True: "hanya yang dibatalkan", False: "hanya yang berlaku"}.get(voided, "")]
    if any(what):
        data["filter"] = "Saringan: " + ", ".join(w for w in what if w)
    warning = missing_signer_warning(session, "agenda_surat")
    doc = issue(session, actor, "agenda_surat", data, purpose=f"Agenda surat keluar {year}", when=when)
    return Printed(doc, (warning,) if warning else ())


def save_pdf(data: bytes, path: str | Path) -> Path:
    """Write a document's bytes to ``path`` atomically (a temporary file renamed); an unwritable
    place is a DocumentError naming the file, and nothing half-written stays behind."""
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DocumentError(f"Berkas {target} tidak dapat ditulis ({exc.strerror or exc}).",
                            "Pilih folder lain atau tutup berkas itu bila sedang dibuka.") from None
    return target


def code_of(session: Session, doc: IssuedDocument) -> str:
    return make_code(_secret(session), doc.id)


def doc_dict(d: IssuedDocument) -> dict:
    return {"id": d.id, "type": d.doc_type, "nomor": d.nomor, "sha256": d.sha256, "created_by": d.created_by,
            "created_at": d.created_at.isoformat() if d.created_at else None}


def list_documents(session: Session, *, doc_type: str | None = None, limit: int | None = None) -> list[IssuedDocument]:
    q = select(IssuedDocument)
    if doc_type:
        q = q.where(IssuedDocument.doc_type == doc_type)
    q = q.order_by(IssuedDocument.id.desc())
    if limit:
        q = q.limit(limit)
    return list(session.scalars(q))


#: The issued-documents page shows at most this many rows (newest first).
PAGE_LIMIT = 1000


def documents_page(session: Session, *, year: int | None = None, doc_type: str | None = None,
                   text: str | None = None, created_by: str | None = None, limit: int = PAGE_LIMIT) -> dict:
    """What the page *Dokumen terbit* shows, without the PDF bytes: ``rows`` (newest first, as
    :func:`doc_dict` with ``label`` and ``pages``), ``total`` (rows matching), ``years``, ``types``
    (code, label) and ``users`` that issued something."""
    cols = (IssuedDocument.id, IssuedDocument.doc_type, IssuedDocument.nomor, IssuedDocument.sha256,
            IssuedDocument.created_by, IssuedDocument.created_at, IssuedDocument.pages)
    q = select(*cols)
    if year:
        # the year as the clerk's clock counts it (local time), compared in UTC as stored
        start, end = (datetime(y, 1, 1).astimezone().astimezone(timezone.utc) for y in (year, year + 1))
        q = q.where(IssuedDocument.created_at >= start, IssuedDocument.created_at < end)
    if doc_type:
        q = q.where(IssuedDocument.doc_type == doc_type)
    if created_by:
        q = q.where(IssuedDocument.created_by == created_by)
    if text and text.strip():
        like = f"%{text.strip().lower()}%"
        q = q.where(func.lower(func.coalesce(IssuedDocument.nomor, "")).like(like)
                    | func.lower(IssuedDocument.sha256).like(like))
    total = session.scalar(select(func.count()).select_from(q.subquery()))
    rows = []
    for r in session.execute(q.order_by(IssuedDocument.id.desc()).limit(limit)):
        label = R.DOC_TYPES[r.doc_type].label if r.doc_type in R.DOC_TYPES else r.doc_type
        rows.append({"id": r.id, "type": r.doc_type, "label": label, "nomor": r.nomor, "sha256": r.sha256,
                     "created_by": r.created_by, "pages": r.pages,
                     "created_at": r.created_at.isoformat() if r.created_at else None})
    stamps = session.scalars(select(IssuedDocument.created_at).distinct())
    years = sorted({(t if t.tzinfo else t.replace(tzinfo=timezone.utc)).astimezone().year
                    for t in stamps if t is not None}, reverse=True)
    used = set(session.scalars(select(IssuedDocument.doc_type).distinct()))
    types = [(code, t.label) for code, t in R.DOC_TYPES.items() if code in used]
    types += [(code, code) for code in sorted(used - set(R.DOC_TYPES))]
    users = sorted(set(session.scalars(select(IssuedDocument.created_by).distinct())))
    return {"rows": rows, "total": total, "years": years, "types": types, "users": users}


def reprint_to(session: Session, actor, doc_id: int, path: str | Path) -> Path:
    """:func:`reprint` written to ``path`` (atomically; in the caller's transaction, so a file that
    cannot be written leaves no reprint in the audit log)."""
    return save_pdf(reprint(session, actor, doc_id), path)


def reprint(session: Session, actor, doc_id: int) -> bytes:
    """The stored bytes of document ``doc_id``, after checking them against their SHA-256 and seal."""
    require(session, actor, Capability.DOCS_PRINT, detail=f"cetak ulang {doc_id}")
    doc = session.get(IssuedDocument, doc_id)
    if doc is None:
        raise DocumentError(f"Dokumen nomor urut {doc_id} tidak ada.", "Lihat daftarnya: dtks docs list.")
    secret = _existing_secret(session)
    problem = "rahasia basis data untuk segel dokumen tidak ada" if secret is None else _intact(secret, doc)
    if problem:
        raise DocumentError(f"Dokumen {doc_id} ({doc.doc_type}{', ' + doc.nomor if doc.nomor else ''}) tidak dicetak "
                            f"ulang: {problem}.", "Laporkan ke admin; dokumen ini tidak dapat dipercaya lagi.")
    audit.record(session, actor, "docs.reprint", entity_type="issued_document", entity_id=doc.id,
                 summary=f"Cetak ulang dokumen {doc.doc_type} {doc.nomor or ''}".strip())
    return doc.pdf


# --- verifying --------------------------------------------------------------------------------------

@dataclass
class Verdict:
    genuine: bool
    message: str
    id: int | None = None
    type: str | None = None
    nomor: str | None = None
    created_at: str | None = None
    created_by: str | None = None

    def as_dict(self) -> dict:
        return {"genuine": self.genuine, "id": self.id, "type": self.type, "nomor": self.nomor,
                "created_at": self.created_at, "created_by": self.created_by, "message": self.message}


def _describe(doc: IssuedDocument) -> str:
    label = R.DOC_TYPES[doc.doc_type].label if doc.doc_type in R.DOC_TYPES else doc.doc_type
    nomor = f" nomor {doc.nomor}" if doc.nomor else f" (dokumen {doc.id})"
    return f"{label}{nomor}, diterbitkan {tanggal_jam(doc.created_at, lokal=True)} oleh {doc.created_by}"


def _verdict(doc: IssuedDocument, genuine: bool, message: str) -> Verdict:
    return Verdict(genuine, message, doc.id, doc.doc_type, doc.nomor,
                   doc.created_at.isoformat() if doc.created_at else None, doc.created_by)


def _pdf_text(data: bytes) -> str:
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data), strict=False)
        return "\n".join((page.extract_text() or "") for page in reader.pages)
    except Exception:  # noqa: BLE001 - a damaged or foreign file: no text, not genuine
        return ""


def verify_bytes(session: Session, actor, data: bytes, *, name: str = "berkas") -> Verdict:
    require(session, actor, Capability.DOCS_VERIFY)
    secret = _existing_secret(session)
    digest = hashlib.sha256(data).hexdigest()
    if secret is not None:
        for doc in session.scalars(select(IssuedDocument).where(IssuedDocument.sha256 == digest)):
            problem = _intact(secret, doc)
            if problem is None:
                return _verdict(doc, True, f"ASLI: {name} adalah {_describe(doc)}; berkasnya tidak diubah.")
            return _verdict(doc, False, f"TIDAK ASLI: catatan dokumen {doc.id} di basis data tidak utuh ({problem}).")
    found = CODE_RE.search(_pdf_text(data).replace("\u00ad", ""))
    if not found:
        return Verdict(False, f"TIDAK ASLI: {name} bukan dokumen yang diterbitkan kantor ini (tidak ada kode "
                              "keaslian yang terbaca, dan isinya tidak sama dengan dokumen mana pun).")
    code = found.group(0)
    doc_id = _code_ok(secret, code) if secret is not None else None
    doc = session.get(IssuedDocument, doc_id) if doc_id is not None else None
    if doc is None:
        return Verdict(False, f"TIDAK ASLI: kode keaslian {code} pada {name} tidak dikeluarkan oleh kantor ini.")
    return _verdict(doc, False, f"TIDAK ASLI: {name} adalah dokumen nomor {doc.nomor or doc.id} dari kantor ini, "
                                f"tetapi berkasnya sudah diubah: isinya tidak sama dengan yang diterbitkan "
                                f"({_describe(doc)}). Cetak ulang dari aplikasi untuk mendapatkan yang asli.")


def verify_file(session: Session, actor, path: str | Path) -> Verdict:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise DocumentError(f"Berkas {p} tidak dapat dibaca ({exc.strerror or exc}).") from None
    return verify_bytes(session, actor, data, name=f"berkas {p.name}")


def verify_code(session: Session, actor, code: str) -> Verdict:
    """Whether ``code`` (``DS-000123-7K3QX9``, typed from a printout) is one of this office's documents."""
    require(session, actor, Capability.DOCS_VERIFY)
    text = " ".join((code or "").split()).upper()
    if not CODE_RE.fullmatch(text):
        return Verdict(False, f"TIDAK ASLI: '{code}' bukan kode keaslian (bentuknya DS-000123-7K3QX9).")
    secret = _existing_secret(session)
    doc_id = _code_ok(secret, text) if secret is not None else None
    doc = session.get(IssuedDocument, doc_id) if doc_id is not None else None
    if doc is None:
        return Verdict(False, f"TIDAK ASLI: kode {text} tidak dikeluarkan oleh kantor ini.")
    problem = _intact(secret, doc)
    if problem:
        return _verdict(doc, False, f"TIDAK ASLI: catatan dokumen {doc.id} di basis data tidak utuh ({problem}).")
    return _verdict(doc, True, f"ASLI: kode {text} adalah {_describe(doc)}. Cocokkan isi cetakan dengan dokumen "
                               "yang dicetak ulang dari aplikasi.")
