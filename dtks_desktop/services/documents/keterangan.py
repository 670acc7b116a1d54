"""Surat Keterangan Terdaftar DTKS for one family: the data gathered from the registry (NIK and
No KK masked with the office's policy, as the document type says) and the document issued.

Shared by the GUI (Data page, family panel: *Cetak surat keterangan…*) and the CLI
(``dtks docs keterangan ID OUT.pdf --keperluan …``).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from dtks_desktop.db.models import Household, Member
from dtks_desktop.domain.family import hubungan_label
from dtks_desktop.domain.masking import mask_nik
from dtks_desktop.domain.regions import village_terms
from dtks_desktop.domain.workflow.registry import HouseholdStatus, MemberStatus
from dtks_desktop.domain.permissions import Capability
from dtks_desktop.services.core import settings
from dtks_desktop.services.core.permissions import require
from dtks_desktop.services.core.regions import region_name
from dtks_desktop.services.documents.issued import DocumentError, Printed, issue

__all__ = ["find_household", "keterangan_data", "issue_keterangan"]

DOC_TYPE = "surat_keterangan"
#: Families that are not (or no longer) in the registry get no "terdaftar" letter.
NOT_REGISTERED = {HouseholdStatus.USULAN_BARU.value: "baru diusulkan, belum terdaftar",
                  HouseholdStatus.DIHAPUS.value: "sudah dihapus dari DTKS"}


def find_household(session: Session, key: str) -> Household:
    """The family with ID DTKS or No KK ``key`` (as the clerk types it)."""
    text = (key or "").strip()
    found = session.scalars(select(Household).where(or_(Household.id_dtks == text, Household.no_kk == text))
                            .order_by(Household.id)).all()
    if not found:
        raise DocumentError(f"Keluarga dengan ID DTKS atau No KK '{text}' tidak ada di DTKS.",
                            "Periksa nomornya di halaman Data.")
    if len(found) > 1:
        raise DocumentError(f"No KK '{text}' dipakai oleh {len(found)} keluarga.",
                            "Sebutkan ID DTKS keluarga yang dimaksud.")
    return found[0]


def _title(name: str | None) -> str:
    return name.title() if name and name.isupper() else (name or "")


def keterangan_data(session: Session, household_id: int, keperluan: str) -> dict:
    """The parameters of a Surat Keterangan Terdaftar DTKS for family ``household_id``: the head
    and the active members, NIK and No KK masked (``settings.mask_policy``)."""
    keperluan = " ".join((keperluan or "").split())
    if not keperluan:
        raise DocumentError("Keperluan surat keterangan wajib diisi.",
                            "Contoh: pendaftaran sekolah anak, berobat di rumah sakit.")
    hh = session.get(Household, household_id)
    if hh is None:
        raise DocumentError(f"Keluarga {household_id} tidak ada di DTKS.")
    if hh.status in NOT_REGISTERED:
        raise DocumentError(f"Surat keterangan terdaftar DTKS tidak dapat dibuat: keluarga No KK {hh.no_kk or '-'} "
                            f"{NOT_REGISTERED[hh.status]}.")
    members = session.scalars(select(Member).where(Member.household_id == hh.id, Member.status == MemberStatus.AKTIF)
                              .order_by(Member.hubungan, Member.tanggal_lahir, Member.id)).all()
    if not members:
        raise DocumentError(f"Keluarga No KK {hh.no_kk or '-'} tidak punya anggota yang masih aktif di DTKS.")
    head = next((m for m in members if m.hubungan == 1), members[0])
    policy = settings.mask_policy(session)
    desa = kec = kab = ""
    if hh.desa_kode:
        unit = village_terms(hh.desa_kode).unit
        desa = f"{unit} {_title(region_name(session, hh.desa_kode))}".strip()
        kec = _title(region_name(session, hh.desa_kode[:8]))
        kab = _title(region_name(session, hh.desa_kode[:5]))
    base = (hh.alamat or "").strip()
    dusun = f"Dusun {hh.dusun.strip()}" if hh.dusun and hh.dusun.strip().upper() not in base.upper() else ""
    alamat = " ".join(p for p in (base, dusun, f"RT {hh.rt or '-'}/RW {hh.rw or '-'}" if (hh.rt or hh.rw) else "")
                      if p)
    return {"nama": head.nama, "nik": mask_nik(head.nik, policy), "no_kk": mask_nik(hh.no_kk, policy),
            "id_dtks": hh.id_dtks, "alamat": alamat, "desa": desa, "kecamatan": kec, "kabupaten": kab,
            "keperluan": keperluan,
            "anggota": [[m.nama, mask_nik(m.nik, policy), hubungan_label(m.hubungan)] for m in members]}


def issue_keterangan(session: Session, actor, household_id: int, keperluan: str, *,
                     when: date | None = None) -> Printed:
    """Issue (number, stamp, store; audited) the letter for family ``household_id``. Warns when no
    signatory is chosen for the type (dotted lines are printed)."""
    from dtks_desktop.services.documents.signers import missing_signer_warning

    require(session, actor, Capability.DOCS_PRINT, detail=DOC_TYPE)
    data = keterangan_data(session, household_id, keperluan)
    warning = missing_signer_warning(session, DOC_TYPE)
    doc = issue(session, actor, DOC_TYPE, data, purpose=f"Surat keterangan terdaftar DTKS {data['nama']} "
                                                       f"untuk {data['keperluan']}", when=when)
    return Printed(doc, (warning,) if warning else ())
