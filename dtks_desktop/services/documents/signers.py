"""Signatories (penanda tangan) and who signs which document type.

A signatory is added with a checked NIP (``domain.nip``), deactivated rather than deleted
(issued documents name them), and chosen per document type in the settings as
``docs.signer.<type>`` (``docs.signer.default`` for every type without its own choice).
Changes need ``office.settings`` (administrators) and are audited.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from dtks_desktop.db.models import Setting, SignatoryRow
from dtks_desktop.domain.nip import NipError, parse_nip
from dtks_desktop.domain.office import DEFAULT_SIGNER_TYPE, DOCUMENT_TYPES, Signer, signer_doc_types
from dtks_desktop.services.core import audit, settings
from dtks_desktop.services.core.common import DataKind, changes
from dtks_desktop.services.core.permissions import Capability, require
from dtks_desktop.services.core.users import Actor

SETTING_PREFIX = "docs.signer."
DEFAULT_TYPE = DEFAULT_SIGNER_TYPE

#: The signatory choices offered in the GUI and accepted by :func:`use_signer`: the default and
#: every printed document type whose signature block holds the office's signatory (one list with
#: the letter register: ``domain.office.DOCUMENT_TYPES``).
DOC_TYPES: dict[str, str] = signer_doc_types()

#: Old settings of the matching reports (before the signatory table): the office head's name and
#: NIP. Still honoured as the last fallback when no signatory is chosen (:func:`signer_for`).
LEGACY_KEPALA_NAMA = "office.kepala_nama"
LEGACY_KEPALA_NIP = "office.kepala_nip"

_MAX = {"nama": 120, "pangkat": 80, "jabatan": 160}


class SignerError(Exception):
    """A signatory change that cannot be made; ``message`` is Indonesian."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _signer(row: SignatoryRow) -> Signer:
    return Signer(id=row.id, nama=row.nama, nip=row.nip, pangkat=row.pangkat, jabatan=row.jabatan, aktif=row.aktif)


def signer_dict(s: Signer) -> dict:
    return {"id": s.id, "nama": s.nama, "nip": s.nip, "pangkat": s.pangkat, "jabatan": s.jabatan, "aktif": s.aktif}


def _text(field: str, value: object) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        raise SignerError(f"{field} penanda tangan wajib diisi.")
    if len(text) > _MAX[field]:
        raise SignerError(f"{field} penanda tangan paling panjang {_MAX[field]} karakter.")
    return text


@changes(DataKind.SETTINGS)
def add_signer(session: Session, actor: Actor | None, *, nama: str, nip: str, pangkat: str, jabatan: str) -> Signer:
    """Add a signatory; the NIP must pass every rule of ``domain.nip`` and not belong to an active one."""
    require(session, actor, Capability.OFFICE_SETTINGS, detail="penanda tangan")
    values = {"nama": _text("nama", nama), "pangkat": _text("pangkat", pangkat), "jabatan": _text("jabatan", jabatan)}
    try:
        values["nip"] = parse_nip(nip).nip
    except NipError as exc:
        raise SignerError(exc.message) from None
    same = session.execute(select(SignatoryRow).where(SignatoryRow.nip == values["nip"],
                                                      SignatoryRow.aktif.is_(True))).scalars().first()
    if same is not None:
        raise SignerError(f"NIP {values['nip']} sudah terdaftar sebagai penanda tangan #{same.id} ({same.nama}).")
    row = SignatoryRow(**values, aktif=True, created_by=actor.id if actor else None)
    session.add(row)
    session.flush()
    audit.record(session, actor, "signer.add", entity_type="signatory", entity_id=row.id,
                 summary=f"Penanda tangan #{row.id}: {row.nama}, {row.jabatan}", new=values)
    return _signer(row)


def list_signers(session: Session, *, active_only: bool = False) -> list[Signer]:
    q = select(SignatoryRow).order_by(SignatoryRow.aktif.desc(), SignatoryRow.nama, SignatoryRow.id)
    if active_only:
        q = q.where(SignatoryRow.aktif.is_(True))
    return [_signer(r) for r in session.execute(q).scalars()]


def get_signer(session: Session, signer_id: int) -> Signer | None:
    row = session.get(SignatoryRow, signer_id)
    return _signer(row) if row else None


@changes(DataKind.SETTINGS)
def deactivate_signer(session: Session, actor: Actor | None, signer_id: int) -> Signer:
    """Deactivate a signatory: kept for the documents they signed, no longer chosen for new ones."""
    require(session, actor, Capability.OFFICE_SETTINGS, detail=f"penanda tangan #{signer_id}")
    row = session.get(SignatoryRow, signer_id)
    if row is None:
        raise SignerError(f"Penanda tangan #{signer_id} tidak ada.")
    if row.aktif:
        row.aktif = False
        used = [t for t, sid in choices(session).items() if sid == row.id]
        audit.record(session, actor, "signer.deactivate", entity_type="signatory", entity_id=row.id,
                     summary=f"Penanda tangan #{row.id} ({row.nama}) dinonaktifkan"
                             + (f"; dipilih untuk {', '.join(used)}" if used else ""),
                     old={"aktif": True}, new={"aktif": False})
    return _signer(row)


def check_doc_type(doc_type: str) -> str:
    """The code of a document type that has a signatory choice, or SignerError listing them."""
    t = (doc_type or "").strip().lower()
    if t not in DOC_TYPES:
        others = {d.code for d in DOCUMENT_TYPES} - set(DOC_TYPES)
        why = (" (dokumen ini tidak ditandatangani pejabat Dinas)" if t in others else "")
        raise SignerError(f"Jenis dokumen '{doc_type}' tidak valid untuk penanda tangan{why}. "
                          f"Pilih salah satu: {', '.join(DOC_TYPES)}.")
    return t


@changes(DataKind.SETTINGS)
def use_signer(session: Session, actor: Actor | None, doc_type: str, signer_id: int | None) -> bool:
    """Choose who signs ``doc_type`` (None: no own choice, the default applies). Returns False
    when nothing changed."""
    require(session, actor, Capability.OFFICE_SETTINGS, detail=f"penanda tangan {doc_type}")
    t = check_doc_type(doc_type)
    if signer_id is not None:
        row = session.get(SignatoryRow, signer_id)
        if row is None:
            raise SignerError(f"Penanda tangan #{signer_id} tidak ada (lihat: dtks signer list).")
        if not row.aktif:
            raise SignerError(f"Penanda tangan #{signer_id} ({row.nama}) sudah tidak aktif.")
    key = SETTING_PREFIX + t
    old = settings.get(session, key, "") or None
    new = str(signer_id) if signer_id is not None else None
    if old == new:
        return False
    settings.put(session, actor, key, new, capability=Capability.OFFICE_SETTINGS)
    return True


def choices(session: Session) -> dict[str, int]:
    """``{doc_type: signer id}`` as set (active or not)."""
    out = {}
    for key, value in session.execute(select(Setting.key, Setting.value).where(Setting.key.startswith(SETTING_PREFIX))):
        try:
            out[key[len(SETTING_PREFIX):]] = int(value)
        except (TypeError, ValueError):
            continue
    return out


def signer_for(session: Session, doc_type: str) -> Signer | None:
    """Who signs ``doc_type``: its own choice, else the default; else the office head of the old
    settings ``office.kepala_nama``/``office.kepala_nip`` (id 0, jabatan left to the document);
    None when none of these is set or the chosen signatory was deactivated."""
    chosen = choices(session)
    sid = chosen.get(doc_type, chosen.get(DEFAULT_TYPE))
    if sid is not None:
        row = session.get(SignatoryRow, sid)
        return _signer(row) if row is not None and row.aktif else None
    nama = " ".join((settings.get(session, LEGACY_KEPALA_NAMA, "") or "").split())
    if nama:
        nip = "".join((settings.get(session, LEGACY_KEPALA_NIP, "") or "").split())
        return Signer(id=0, nama=nama, nip=nip, pangkat="", jabatan="")
    return None


def missing_signer_warning(session: Session, doc_type: str) -> str | None:
    """An Indonesian warning when ``doc_type`` will print dotted lines for want of a signatory
    (which setting to fill); None when a signatory signs it or the type has no office signer."""
    if doc_type not in DOC_TYPES or signer_for(session, doc_type) is not None:
        return None
    chosen = choices(session)
    sid = chosen.get(doc_type, chosen.get(DEFAULT_TYPE))
    why = (f"penanda tangan #{sid} yang dipilih sudah tidak aktif" if sid is not None
           else "penanda tangan belum dipilih")
    return (f"Peringatan: {why} untuk {DOC_TYPES[doc_type]}; nama dan NIP dicetak sebagai titik-titik. "
            f"Pilih di Kantor & Dokumen › Penanda tangan, atau: dtks signer use {doc_type} ID "
            f"(atau dtks signer use default ID untuk semua dokumen).")
