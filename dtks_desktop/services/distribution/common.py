"""What the distribution services share: the error, the plain views they return (a period, a KPM
row), lookups of a period and of region names, and NIK masking by role and office policy."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, time
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from dtks_desktop.db.models import DistKpm, DistPeriod, DistPoint, Region, User
from dtks_desktop.domain.distribution import (
    CLEAN_REASON_LABELS, CLEAN_STATUS_LABELS, FAIL_REASON_LABELS, NATIONAL_PROGRAMMES, Benefit, BenefitKind,
    CleanReason, CleanStatus, FailReason, SourceKind,
)
from dtks_desktop.domain.masking import mask_nik
from dtks_desktop.domain.permissions import sees_full_nik
from dtks_desktop.domain.workflow.distribution import PERIOD, RECEIPT, ReceiptStatus
from dtks_desktop.services.core import settings

__all__ = ["DistError", "PeriodView", "KpmRow", "period_row", "view_of", "benefit_of", "region_names",
           "kpm_rows", "reason_labels", "username", "SOURCE_LABELS"]

SOURCE_LABELS = {SourceKind.BATCH.value: "Hasil batch pengajuan", SourceKind.FILE.value: "Berkas daftar KPM"}


class DistError(Exception):
    """A distribution request that cannot be done; ``message`` is Indonesian and says what to fix,
    ``hint`` (optional) what to do instead."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:  # pragma: no cover - trivial
        return f"{self.message} {self.hint}".strip()


def os_reason(exc: OSError) -> str:
    """Why a file or folder could not be written, in Indonesian for the usual causes."""
    import errno

    return {errno.EACCES: "tidak ada izin menulis", errno.EPERM: "tidak ada izin menulis",
            errno.EROFS: "media hanya-baca", errno.ENOSPC: "disk penuh",
            errno.EEXIST: "sudah ada berkas dengan nama itu, bukan folder",
            errno.ENOTDIR: "bagian jalurnya adalah berkas, bukan folder",
            errno.EISDIR: "sudah ada folder dengan nama itu",
            errno.ENAMETOOLONG: "nama terlalu panjang"}.get(exc.errno, exc.strerror or str(exc))


def ensure_parent(out) -> None:
    """Make the folder ``out`` is written into; a DistError naming it when it cannot be made."""
    from pathlib import Path

    folder = Path(out).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DistError(f'Folder "{folder}" untuk berkas {Path(out).name} tidak dapat dibuat atau dipakai '
                        f"({os_reason(exc)}). Tidak ada yang ditulis.", "Pilih folder lain.") from None


def benefit_of(p: DistPeriod) -> Benefit:
    if p.benefit_kind == BenefitKind.TUNAI.value:
        return Benefit(BenefitKind.TUNAI, cash=int(p.cash or 0))
    qty = Decimal(p.goods_qty) if p.goods_qty is not None else Decimal(0)
    return Benefit(BenefitKind.BARANG, goods=p.goods, qty=qty.normalize() if qty == qty.to_integral() else qty,
                   unit=p.goods_unit)


@dataclass(frozen=True)
class PeriodView:
    id: int
    programme: str
    programme_name: str
    period: str
    benefit_kind: str
    benefit_label: str  # "Rp 600.000" | "beras 10 kg" (per KPM)
    source: str
    source_label: str
    source_batch_id: int | None
    source_file: str | None
    status: str
    status_label: str
    kpm: int
    belum_diperiksa: int
    lengkap: int
    dikembalikan: int
    diterima: int
    gagal: int
    created_by: str | None
    created_at: datetime | None
    cleaned_at: datetime | None
    closed_at: datetime | None

    @property
    def title(self) -> str:
        return f"{self.programme} {self.period}"

    def as_dict(self) -> dict:
        d = asdict(self)
        for k in ("created_at", "cleaned_at", "closed_at"):
            d[k] = d[k].isoformat() if d[k] else None
        return d


def username(session: Session, uid: int | None) -> str | None:
    if uid is None:
        return None
    return session.execute(select(User.username).where(User.id == uid)).scalar_one_or_none()


def period_row(session: Session, period_id: int, *, lock: bool = False) -> DistPeriod:
    """The period or :class:`DistError`; ``lock`` takes a row lock (PostgreSQL) for a state change."""
    q = select(DistPeriod).where(DistPeriod.id == period_id)
    if lock:
        q = q.with_for_update()
    p = session.execute(q).scalar_one_or_none()
    if p is None:
        raise DistError(f"Tahap penyaluran #{period_id} tidak ada.", "Lihat daftarnya: dtks dist list.")
    return p


def _programme_name(session: Session, code: str) -> str:
    if code in NATIONAL_PROGRAMMES:
        return NATIONAL_PROGRAMMES[code]
    from dtks_desktop.domain.distribution import PROGRAMMES_KEY
    import json

    raw = settings.get(session, PROGRAMMES_KEY, "") or ""
    try:
        extra = json.loads(raw) if raw.strip() else {}
    except ValueError:
        extra = {}
    return str(extra.get(code) or code) if isinstance(extra, dict) else code


def view_of(session: Session, p: DistPeriod) -> PeriodView:
    c = DistKpm.clean_status
    r = DistKpm.receipt_status
    counts = session.execute(
        select(func.count(),
               func.sum(case((c == CleanStatus.BELUM.value, 1), else_=0)),
               func.sum(case((c == CleanStatus.LENGKAP.value, 1), else_=0)),
               func.sum(case((c == CleanStatus.DIKEMBALIKAN.value, 1), else_=0)),
               func.sum(case((r == ReceiptStatus.DITERIMA.value, 1), else_=0)),
               func.sum(case((r == ReceiptStatus.GAGAL_SALUR.value, 1), else_=0)))
        .where(DistKpm.period_id == p.id)).one()
    n, belum, lengkap, kembali, diterima, gagal = (int(x or 0) for x in counts)
    b = benefit_of(p)
    return PeriodView(
        id=p.id, programme=p.programme, programme_name=_programme_name(session, p.programme), period=p.period,
        benefit_kind=p.benefit_kind, benefit_label=b.label(), source=p.source,
        source_label=SOURCE_LABELS.get(p.source, p.source), source_batch_id=p.source_batch_id,
        source_file=p.source_file, status=p.status, status_label=PERIOD.label(p.status), kpm=n,
        belum_diperiksa=belum, lengkap=lengkap, dikembalikan=kembali, diterima=diterima, gagal=gagal,
        created_by=username(session, p.created_by), created_at=p.created_at, cleaned_at=p.cleaned_at,
        closed_at=p.closed_at)


def region_names(session: Session, codes) -> dict[str, tuple[str, str]]:
    """desa code -> (desa name, kecamatan name); unknown codes map to (code, "")."""
    codes = {c for c in codes if c}
    if not codes:
        return {}
    kecs = {c.rsplit(".", 1)[0] for c in codes}
    names = dict(session.execute(select(Region.kode, Region.nama).where(Region.kode.in_(codes | kecs))).all())
    return {c: (names.get(c, c), names.get(c.rsplit(".", 1)[0], "")) for c in codes}


def reason_labels(codes: str | None) -> tuple[str, ...]:
    """Labels of a comma-separated list of :class:`CleanReason` values (unknown codes as written)."""
    out = []
    for code in (codes or "").split(","):
        code = code.strip()
        if not code:
            continue
        try:
            out.append(CLEAN_REASON_LABELS[CleanReason(code)])
        except ValueError:
            out.append(code)
    return tuple(out)


@dataclass(frozen=True)
class KpmRow:
    """One KPM as a page, a list or the receipt desk shows it. ``nik``/``no_kk`` are masked unless the
    caller's role sees full NIKs (and never on lists that are handed out: pass ``full=False``)."""

    id: int
    period_id: int
    urut: int
    nama: str
    nik: str
    no_kk: str
    alamat: str
    dusun: str
    rt: str
    rw: str
    desa_kode: str
    desa_nama: str
    kecamatan_nama: str
    in_registry: bool
    clean_status: str
    clean_label: str
    clean_reasons: tuple[str, ...]  # labels
    point_id: int | None
    slot_mulai: time | None
    slot_selesai: time | None
    receipt_status: str
    receipt_label: str
    received_at: datetime | None
    recorded_by: str | None
    kuasa: str | None
    via: str | None
    fail_reason: str | None
    fail_label: str | None
    fail_note: str | None

    @property
    def rt_rw(self) -> str:
        return f"RT {self.rt or '-'}/RW {self.rw or '-'}"

    def as_dict(self) -> dict:
        d = asdict(self)
        d["clean_reasons"] = list(self.clean_reasons)
        for k in ("slot_mulai", "slot_selesai", "received_at"):
            d[k] = d[k].isoformat() if d[k] else None
        return d


def kpm_rows(session: Session, rows: list[DistKpm], *, actor=None, full: bool | None = None) -> list[KpmRow]:
    """Plain rows of ``rows``. NIK/No KK full only when ``full`` is True, or when ``full`` is None and
    ``actor``'s role sees full NIKs; otherwise masked by the office policy."""
    show_full = bool(full) if full is not None else (actor is not None and sees_full_nik(actor))
    policy = settings.mask_policy(session)
    names = region_names(session, {r.desa_kode for r in rows if r.desa_kode})
    users = {uid: username(session, uid) for uid in {r.recorded_by for r in rows if r.recorded_by}}

    def ident(v: str | None) -> str:
        if not v:
            return ""
        return v if show_full else mask_nik(v, policy)

    out = []
    for r in rows:
        desa, kec = names.get(r.desa_kode, (r.desa_text or "", "")) if r.desa_kode else (r.desa_text or "", "")
        fail = None
        if r.fail_reason:
            try:
                fail = FAIL_REASON_LABELS[FailReason(r.fail_reason)]
            except ValueError:
                fail = r.fail_reason
        out.append(KpmRow(
            id=r.id, period_id=r.period_id, urut=r.urut, nama=r.nama, nik=ident(r.nik), no_kk=ident(r.no_kk),
            alamat=r.alamat or "", dusun=r.dusun or "", rt=r.rt or "", rw=r.rw or "", desa_kode=r.desa_kode or "",
            desa_nama=desa, kecamatan_nama=kec, in_registry=bool(r.in_registry), clean_status=r.clean_status,
            clean_label=CLEAN_STATUS_LABELS.get(CleanStatus(r.clean_status), r.clean_status),
            clean_reasons=reason_labels(r.clean_reasons), point_id=r.point_id, slot_mulai=r.slot_mulai,
            slot_selesai=r.slot_selesai, receipt_status=r.receipt_status, receipt_label=RECEIPT.label(r.receipt_status),
            received_at=r.received_at, recorded_by=users.get(r.recorded_by), kuasa=r.kuasa, via=r.via,
            fail_reason=r.fail_reason, fail_label=fail, fail_note=r.fail_note))
    return out


def point_of(session: Session, point_id: int | None) -> DistPoint | None:
    return session.get(DistPoint, point_id) if point_id else None
