"""The distribution day: recording that a KPM received the aid (``diterima``) or that the handover
failed (``gagal_salur``), undoing a mistaken entry, closing and reopening the period, and the
desk's search and last-recorded list.

Exactly once, also on two PCs at the same instant: the receipt is written by ONE conditional
``UPDATE dist_kpm … WHERE id = ? AND receipt_status = <the state read>``; when another desk won
the race the update touches no row and the caller gets :class:`AlreadyRecorded` (nothing written).
On SQLite the transaction takes the write lock first (``BEGIN IMMEDIATE``), so a second process
waits for the first to commit and then reads its receipt.

Each receipt is audited (action ``dist.receive`` / ``dist.fail`` / ``dist.undo``) in the same
transaction; the path is the RECEIPT machine's check plus one audit row, without loading the
period's counts, so one scan stays well under 50 ms on a 100,000-KPM period
(benchmarks/bench_distribution_receive.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import case, false, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from dtks_desktop.db.models import DistKpm, DistPeriod
from dtks_desktop.domain.distribution import (
    CLEAN_STATUS_LABELS, FAIL_REASON_LABELS, CleanStatus, parse_fail_reason,
)
from dtks_desktop.domain.formatting import tanggal_jam
from dtks_desktop.domain.permissions import Capability
from dtks_desktop.domain.workflow import TransitionError
from dtks_desktop.domain.workflow.distribution import (
    PERIOD, RECEIPT, RECEIVING_STATES, PeriodStatus, ReceiptStatus,
)
from dtks_desktop.services.core import audit, workflow
from dtks_desktop.services.core.permissions import require
from dtks_desktop.services.core.users import Actor
from dtks_desktop.services.distribution.common import (
    DistError, KpmRow, PeriodView, kpm_rows, period_row, region_names, username, view_of,
)
from dtks_desktop.services.distribution.tokens import TokenError, read_token

__all__ = ["ReceiptError", "AlreadyRecorded", "ReceiveResult", "DeskCounts", "receive", "scan", "fail", "undo",
           "close_period", "reopen_period", "search", "recent", "desk_counts", "find_kpm", "Via"]


class ReceiptError(DistError):
    """A receipt that cannot be recorded (unknown KPM, forged QR, another period or desa, returned
    KPM, closed period …). Nothing was written."""


class AlreadyRecorded(ReceiptError):
    """The KPM was already served: ``message`` says ``sudah diterima`` (or ``sudah tercatat gagal
    salur``), when and by whom. Nothing was written."""

    def __init__(self, message: str, hint: str = "", *, row: KpmRow | None = None) -> None:
        super().__init__(message, hint)
        self.row = row


class Via:
    """How the desk found the KPM (``DistKpm.via``)."""

    QR = "qr"
    NIK = "nik"
    ID = "nama"  # picked from a search result (by name or NIK digits)


@dataclass(frozen=True)
class ReceiveResult:
    """What the desk shows after a scan: the KPM (masked by role), a sentence, and when."""

    kpm: KpmRow
    message: str
    at: datetime
    benefit: str = ""  # "Rp 600.000" | "beras 10 kg"
    period_moved: bool = False  # this receipt moved the period siap -> penyaluran

    def as_dict(self) -> dict:
        return {"kpm": self.kpm.as_dict(), "message": self.message, "at": self.at.isoformat(),
                "benefit": self.benefit, "period_moved": self.period_moved}


@dataclass(frozen=True)
class DeskCounts:
    """The desk's counters (one query on the period's receipt index)."""

    target: int
    diterima: int
    gagal: int

    @property
    def sisa(self) -> int:
        return self.target - self.diterima - self.gagal

    def as_dict(self) -> dict:
        return dict(target=self.target, diterima=self.diterima, gagal=self.gagal, sisa=self.sisa)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(t: datetime | None) -> datetime | None:
    """SQLite gives back naive datetimes (stored UTC)."""
    if t is None:
        return None
    return t if t.tzinfo is not None else t.replace(tzinfo=timezone.utc)


def _when(t: datetime | None) -> str:
    return tanggal_jam(_aware(t), lokal=True) if t else "waktu tidak tercatat"


def _write_lock(session: Session) -> None:
    """SQLite: take the write lock before reading what the update depends on (a second process
    then waits and reads the committed receipt instead of failing on a stale snapshot)."""
    from dtks_desktop.services.documents.register import begin_write

    begin_write(session, wait_seconds=30.0)


def _nik_text(value: str) -> str:
    return re.sub(r"[\s.\-']", "", str(value or ""))


def _open_period(session: Session, period_id: int) -> DistPeriod:
    p = period_row(session, period_id)
    if p.status not in {s.value for s in RECEIVING_STATES}:
        hint = PERIOD.hints.get(PERIOD.state(p.status), "")
        if p.status == PeriodStatus.SELESAI.value:
            hint = "Tahap ini sudah ditutup; minta supervisor membukanya kembali (dtks dist reopen) bila perlu koreksi."
        raise ReceiptError(f"Tahap {p.programme} {p.period} berstatus {PERIOD.label(p.status)}: penerimaan tidak "
                           "dapat dicatat.", hint)
    return p


def _refuse_period_mismatch(session: Session, period: DistPeriod, other_id: int) -> None:
    other = session.get(DistPeriod, other_id)
    name = f"{other.programme} {other.period}" if other is not None else f"#{other_id} (tidak ada)"
    raise ReceiptError(f"Kode QR ini undangan tahap lain ({name}), bukan {period.programme} {period.period}. "
                       "Penerimaan tidak dicatat.", "Periksa undangan KPM; pilih tahap yang benar di meja penerimaan.")


def find_kpm(session: Session, period: DistPeriod, *, nik: str | None = None, qr: str | None = None,
             kpm_id: int | None = None) -> tuple[DistKpm, str]:
    """The KPM a scan/NIK/pick names, and how (:class:`Via`); :class:`ReceiptError` otherwise."""
    given = [x for x in (nik, qr, kpm_id) if x not in (None, "")]
    if len(given) != 1:
        raise ReceiptError("Sebutkan tepat satu: kode QR undangan, NIK, atau KPM yang dipilih dari pencarian.")
    if qr not in (None, ""):
        try:
            pid, kid = read_token(session, qr)
        except TokenError as exc:
            raise ReceiptError(exc.message) from None
        if pid != period.id:
            _refuse_period_mismatch(session, period, pid)
        row = session.get(DistKpm, kid)
        if row is None or row.period_id != period.id:
            raise ReceiptError("Kode QR sah, tetapi KPM-nya tidak ada lagi dalam daftar tahap ini. Penerimaan tidak "
                               "dicatat.", "Cari KPM dengan NIK.")
        return row, Via.QR
    if nik not in (None, ""):
        text = _nik_text(nik)
        if not text.isdigit() or len(text) != 16:
            raise ReceiptError(f"NIK '{nik}' tidak valid: NIK terdiri dari 16 angka.",
                               "Untuk mencari dengan sebagian NIK atau nama, pakai pencarian.")
        row = session.execute(select(DistKpm).where(DistKpm.period_id == period.id, DistKpm.nik == text)
                              ).scalar_one_or_none()
        if row is None:
            raise ReceiptError(f"NIK {text[:6]}…{text[-4:]} tidak ada dalam daftar KPM {period.programme} "
                               f"{period.period}. Penerimaan tidak dicatat.",
                               "Periksa KTP/undangan; KPM tahap atau program lain tidak dapat menerima di sini.")
        return row, Via.NIK
    row = session.get(DistKpm, int(kpm_id))
    if row is None or row.period_id != period.id:
        raise ReceiptError(f"KPM #{kpm_id} tidak ada dalam daftar tahap {period.programme} {period.period}.")
    return row, Via.ID


def _check_desk(session: Session, row: DistKpm, desa: str | None) -> None:
    if desa and row.desa_kode != desa:
        names = region_names(session, {desa, row.desa_kode} - {None})
        here = names.get(desa, (desa, ""))[0]
        there = names.get(row.desa_kode, (row.desa_text or "desa tidak dikenal", ""))[0] if row.desa_kode \
            else (row.desa_text or "desa tidak dikenal")
        raise ReceiptError(f"{row.nama} adalah KPM {there}, bukan {here}: penerimaan tidak dicatat di meja ini.",
                           f"Arahkan KPM ke titik salur {there}.")


def _check_clean(row: DistKpm) -> None:
    if row.clean_status != CleanStatus.LENGKAP.value:
        label = CLEAN_STATUS_LABELS.get(CleanStatus(row.clean_status), row.clean_status)
        raise ReceiptError(f"{row.nama} belum dapat menerima: data KPM berstatus {label} (bukan Lengkap) pada "
                           "pembersihan PT Pos. Penerimaan tidak dicatat.",
                           "Lengkapi datanya lewat daftar yang dikembalikan dan impor hasil perbaikan.")


def _already(session: Session, actor: Actor, row: DistKpm) -> AlreadyRecorded:
    who = username(session, row.recorded_by) or "petugas tidak tercatat"
    shown = kpm_rows(session, [row], actor=actor)[0]
    if row.receipt_status == ReceiptStatus.DITERIMA.value:
        by = f" oleh kuasa {row.kuasa}" if row.kuasa else ""
        return AlreadyRecorded(
            f"SUDAH DITERIMA: {row.nama} ({shown.nik}) sudah diterima{by} pada {_when(row.received_at)}, "
            f"dicatat oleh {who}. Tidak dicatat lagi.",
            "Bila catatan itu keliru, minta supervisor membatalkannya (dtks dist undo).", row=shown)
    reason = FAIL_REASON_LABELS.get(row.fail_reason, row.fail_reason) if row.fail_reason else ""
    return AlreadyRecorded(
        f"{row.nama} ({shown.nik}) sudah tercatat gagal salur ({reason}) pada {_when(row.received_at)} oleh {who}.",
        "Bila KPM datang juga, catat penerimaannya dengan alasan.", row=shown)


def _move_period_if_ready(session: Session, actor: Actor, p: DistPeriod) -> bool:
    """The first receipt moves the period siap -> penyaluran (conditional: one desk does it)."""
    if p.status != PeriodStatus.SIAP.value:
        return False
    PERIOD.check(p.status, PeriodStatus.PENYALURAN.value, actor.role)
    res = session.execute(update(DistPeriod).where(DistPeriod.id == p.id,
                                                   DistPeriod.status == PeriodStatus.SIAP.value)
                          .values(status=PeriodStatus.PENYALURAN.value, version=DistPeriod.version + 1)
                          .execution_options(synchronize_session=False))
    if res.rowcount != 1:
        session.expire(p)
        return False
    audit.record(session, actor, "dist_period.status", entity_type=PERIOD.kind, entity_id=p.id,
                 summary=f"{p.programme} {p.period}: {PERIOD.label(PeriodStatus.SIAP)} → "
                         f"{PERIOD.label(PeriodStatus.PENYALURAN)} (penerimaan pertama)",
                 old={"status": PeriodStatus.SIAP.value}, new={"status": PeriodStatus.PENYALURAN.value})
    session.expire(p)
    return True


def _conditional(session: Session, row: DistKpm, expected: str, values: dict) -> bool:
    """The exactly-once write. True: this desk's values are stored (and set on ``row`` as loaded,
    saving a re-read); False: another desk changed the receipt first (``row`` is re-read)."""
    res = session.execute(update(DistKpm).where(DistKpm.id == row.id, DistKpm.receipt_status == expected)
                          .values(**values).execution_options(synchronize_session=False))
    if res.rowcount != 1:
        session.refresh(row)
        return False
    for k, v in values.items():
        set_committed_value(row, k, v)
    return True


def _benefit_label(p: DistPeriod) -> str:
    from dtks_desktop.services.distribution.common import benefit_of

    return benefit_of(p).label()


def receive(session: Session, actor: Actor, period_id: int, *, nik: str | None = None, qr: str | None = None,
            kpm_id: int | None = None, kuasa: str | None = None, desa: str | None = None,
            reason: str | None = None) -> ReceiveResult:
    """Record that a KPM received the period's aid. See the module docstring; ``desa`` is the desk's
    desa (a KPM of another desa is refused), ``kuasa`` the representative who collected, ``reason``
    is required when the KPM was recorded gagal salur earlier. The caller commits."""
    require(session, actor, Capability.DIST_RECEIVE, detail=f"penerimaan tahap #{period_id}")
    _write_lock(session)
    p = _open_period(session, period_id)
    row, via = find_kpm(session, p, nik=nik, qr=qr, kpm_id=kpm_id)
    _check_desk(session, row, desa)
    if row.receipt_status == ReceiptStatus.DITERIMA.value:
        raise _already(session, actor, row)
    _check_clean(row)
    before = row.receipt_status
    try:
        RECEIPT.check(before, ReceiptStatus.DITERIMA.value, actor.role, reason)
    except TransitionError as exc:
        if before == ReceiptStatus.GAGAL_SALUR.value:
            raise ReceiptError(f"{row.nama} tercatat gagal salur ({FAIL_REASON_LABELS.get(row.fail_reason, '')}) "
                               f"pada {_when(row.received_at)}. Untuk mencatatnya diterima, isi alasannya.",
                               "Mis. \"KPM datang sendiri setelah dinyatakan tidak hadir\".") from None
        raise ReceiptError(exc.message) from None
    kuasa = " ".join(str(kuasa or "").split())[:200] or None
    moved = _move_period_if_ready(session, actor, p)
    now = _now()
    old_fail = row.fail_reason
    if not _conditional(session, row, before, {
            "receipt_status": ReceiptStatus.DITERIMA.value, "received_at": now, "recorded_by": actor.id,
            "kuasa": kuasa, "via": via, "fail_reason": None, "fail_note": None}):
        raise _already(session, actor, row)
    why = reason.strip() if reason and reason.strip() else None
    audit.record(session, actor, "dist.receive", entity_type="dist_kpm", entity_id=row.id,
                 summary=f"{p.programme} {p.period}: {row.nama} diterima"
                         + (f" (kuasa {kuasa})" if kuasa else "") + f" via {via}",
                 old={"receipt_status": before, **({"fail_reason": old_fail} if old_fail else {})},
                 new={"receipt_status": ReceiptStatus.DITERIMA.value, "period_id": p.id, "kuasa": kuasa,
                      "via": via, "desk_desa": desa},
                 reason=why)
    shown = kpm_rows(session, [row], actor=actor)[0]
    benefit = _benefit_label(p)
    msg = f"DITERIMA: {row.nama}, {shown.rt_rw}, {shown.desa_nama} — {benefit}" + (f" (diambil kuasa {kuasa})"
                                                                                   if kuasa else "")
    return ReceiveResult(kpm=shown, message=msg, at=now, benefit=benefit, period_moved=moved)


def scan(session: Session, actor: Actor, period_id: int, text: str, *, kuasa: str | None = None,
         desa: str | None = None, reason: str | None = None) -> ReceiveResult:
    """What the desk's one input received (a USB scanner types the invitation's QR and Enter; a clerk
    may type a NIK): an invitation token is read as a QR, 16 digits as a NIK; anything else is a
    :class:`ReceiptError` telling to search by name (:func:`search`)."""
    raw = str(text or "").strip()
    if "KPM-" in re.sub(r"\s+", "", raw).upper():
        return receive(session, actor, period_id, qr=raw, kuasa=kuasa, desa=desa, reason=reason)
    digits = _nik_text(raw)
    if digits.isdigit() and len(digits) == 16:
        return receive(session, actor, period_id, nik=digits, kuasa=kuasa, desa=desa, reason=reason)
    require(session, actor, Capability.DIST_RECEIVE, detail=f"penerimaan tahap #{period_id}")
    raise ReceiptError(f"'{raw[:40]}' bukan kode QR undangan maupun NIK 16 angka. Penerimaan tidak dicatat.",
                       "Cari KPM dengan nama atau sebagian NIK, lalu pilih dari daftar.")


def fail(session: Session, actor: Actor, period_id: int, *, nik: str | None = None, kpm_id: int | None = None,
         qr: str | None = None, reason: str, note: str | None = None, desa: str | None = None) -> ReceiveResult:
    """Record that the aid could not be handed over (gagal salur) with a reason
    (``domain.distribution.FailReason``: value, label or common spelling) and an optional note."""
    require(session, actor, Capability.DIST_RECEIVE, detail=f"gagal salur tahap #{period_id}")
    try:
        why = parse_fail_reason(reason)
    except ValueError as exc:
        raise ReceiptError(str(exc)) from None
    _write_lock(session)
    p = _open_period(session, period_id)
    row, via = find_kpm(session, p, nik=nik, qr=qr, kpm_id=kpm_id)
    _check_desk(session, row, desa)
    if row.receipt_status != ReceiptStatus.BELUM.value:
        raise _already(session, actor, row)
    _check_clean(row)
    label = FAIL_REASON_LABELS[why]
    RECEIPT.check(ReceiptStatus.BELUM.value, ReceiptStatus.GAGAL_SALUR.value, actor.role, label)
    note = " ".join(str(note or "").split())[:300] or None
    moved = _move_period_if_ready(session, actor, p)
    now = _now()
    if not _conditional(session, row, ReceiptStatus.BELUM.value, {
            "receipt_status": ReceiptStatus.GAGAL_SALUR.value, "received_at": now, "recorded_by": actor.id,
            "kuasa": None, "via": via, "fail_reason": why.value, "fail_note": note}):
        raise _already(session, actor, row)
    audit.record(session, actor, "dist.fail", entity_type="dist_kpm", entity_id=row.id,
                 summary=f"{p.programme} {p.period}: {row.nama} gagal salur ({label})",
                 old={"receipt_status": ReceiptStatus.BELUM.value},
                 new={"receipt_status": ReceiptStatus.GAGAL_SALUR.value, "period_id": p.id, "fail_reason": why.value,
                      "fail_note": note, "via": via},
                 reason=label + (f": {note}" if note else ""))
    shown = kpm_rows(session, [row], actor=actor)[0]
    return ReceiveResult(kpm=shown, message=f"GAGAL SALUR: {row.nama}, {shown.rt_rw}, {shown.desa_nama} — {label}"
                                            + (f" ({note})" if note else ""),
                         at=now, benefit=_benefit_label(p), period_moved=moved)


def undo(session: Session, actor: Actor, kpm_id: int, reason: str) -> KpmRow:
    """Undo a receipt or a gagal salur recorded by mistake (supervisor/admin, reason required):
    the KPM is ``belum`` again; the audit event keeps what was undone."""
    require(session, actor, Capability.DIST_CLOSE, detail=f"batal penerimaan KPM #{kpm_id}")
    _write_lock(session)
    row = session.execute(select(DistKpm).where(DistKpm.id == kpm_id).with_for_update()).scalar_one_or_none()
    if row is None:
        raise ReceiptError(f"KPM #{kpm_id} tidak ada.")
    p = period_row(session, row.period_id)
    if p.status != PeriodStatus.PENYALURAN.value:
        raise ReceiptError(f"Tahap {p.programme} {p.period} berstatus {PERIOD.label(p.status)}: catatan penerimaan "
                           "tidak dapat dibatalkan.",
                           "Buka kembali tahapnya dulu (dtks dist reopen)." if p.status == PeriodStatus.SELESAI.value
                           else "")
    if row.receipt_status == ReceiptStatus.BELUM.value:
        raise ReceiptError(f"{row.nama} belum tercatat menerima atau gagal salur; tidak ada yang dibatalkan.")
    old = {"received_at": _aware(row.received_at), "recorded_by": username(session, row.recorded_by),
           "kuasa": row.kuasa, "via": row.via, "fail_reason": row.fail_reason, "fail_note": row.fail_note}
    try:
        workflow.apply(session, actor, RECEIPT, row, ReceiptStatus.BELUM.value, reason=reason,
                       attr="receipt_status", action="dist.undo", entity_type="dist_kpm",
                       summary=f"{p.programme} {p.period}: catatan {RECEIPT.label(row.receipt_status)} {row.nama} "
                               "dibatalkan", old=old, new={"period_id": p.id})
    except TransitionError as exc:
        raise ReceiptError(exc.message) from None
    row.received_at = row.recorded_by = row.kuasa = row.via = row.fail_reason = row.fail_note = None
    session.flush()
    return kpm_rows(session, [row], actor=actor)[0]


def close_period(session: Session, actor: Actor, period_id: int) -> PeriodView:
    """Close the period (penyaluran -> selesai): no more receipts. Supervisor/admin."""
    require(session, actor, Capability.DIST_CLOSE, detail=f"tutup tahap #{period_id}")
    _write_lock(session)
    p = period_row(session, period_id, lock=True)
    if p.status == PeriodStatus.SIAP.value:
        raise ReceiptError(f"Tahap {p.programme} {p.period} belum mencatat penerimaan apa pun; tidak ada yang ditutup.",
                           "Tahap yang tidak jadi disalurkan dibatalkan, bukan ditutup.")
    try:
        workflow.apply(session, actor, PERIOD, p, PeriodStatus.SELESAI.value, action="dist.close",
                       summary=f"Tahap {p.programme} {p.period} ditutup")
    except TransitionError as exc:
        raise ReceiptError(exc.message) from None
    p.closed_at = _now()
    session.flush()
    return view_of(session, p)


def reopen_period(session: Session, actor: Actor, period_id: int, reason: str) -> PeriodView:
    """Reopen a closed period for a late correction (selesai -> penyaluran, reason required)."""
    require(session, actor, Capability.DIST_CLOSE, detail=f"buka kembali tahap #{period_id}")
    _write_lock(session)
    p = period_row(session, period_id, lock=True)
    try:
        workflow.apply(session, actor, PERIOD, p, PeriodStatus.PENYALURAN.value, reason=reason, action="dist.reopen",
                       summary=f"Tahap {p.programme} {p.period} dibuka kembali")
    except TransitionError as exc:
        raise ReceiptError(exc.message) from None
    p.closed_at = None
    session.flush()
    return view_of(session, p)


def _desa_filter(q, desa: str | None):
    return q.where(DistKpm.desa_kode == desa) if desa else q


def search(session: Session, actor: Actor, period_id: int, text: str, *, desa: str | None = None,
           limit: int = 20) -> list[KpmRow]:
    """KPM of the period by NIK (16 digits: exact; 4-15 digits: the NIK ends with them) or by name
    (every word of the text, in order, within the name; spelling folded as the registry does).
    A text that is an invitation QR finds its KPM. NIKs masked by the actor's role."""
    period_row(session, period_id)
    raw = str(text or "").strip()
    if not raw:
        return []
    q = select(DistKpm).where(DistKpm.period_id == period_id)
    digits = _nik_text(raw)
    if raw.upper().startswith("KPM-"):
        try:
            pid, kid = read_token(session, raw)
        except TokenError:
            return []
        q = q.where(DistKpm.id == kid) if pid == period_id else q.where(false())
    elif digits.isdigit():
        if len(digits) < 4:
            return []
        q = q.where(DistKpm.nik == digits) if len(digits) == 16 else q.where(DistKpm.nik.like(f"%{digits}"))
    else:
        words = [w.replace("%", "").replace("_", "") for w in raw.upper().split()]
        words = [w for w in words if w]
        if not words:
            return []
        name = func.upper(DistKpm.nama)
        for w in words:
            q = q.where(name.like(f"%{w}%"))
        q = q.order_by(case((name.like(f"{words[0]}%"), 0), else_=1))  # names that begin with it first
    q = _desa_filter(q, desa).order_by(DistKpm.nama, DistKpm.id).limit(max(1, min(int(limit), 200)))
    return kpm_rows(session, list(session.execute(q).scalars()), actor=actor)


def recent(session: Session, actor: Actor, period_id: int, *, desa: str | None = None, limit: int = 20) -> list[KpmRow]:
    """The last receipts and failures recorded in the period (newest first)."""
    period_row(session, period_id)
    q = select(DistKpm).where(DistKpm.period_id == period_id,
                              DistKpm.receipt_status.in_([ReceiptStatus.DITERIMA.value,
                                                          ReceiptStatus.GAGAL_SALUR.value]))
    q = _desa_filter(q, desa).order_by(DistKpm.received_at.desc(), DistKpm.id.desc()).limit(max(1, min(int(limit), 500)))
    return kpm_rows(session, list(session.execute(q).scalars()), actor=actor)


def desk_counts(session: Session, period_id: int, *, desa: str | None = None) -> DeskCounts:
    """Target (KPM lengkap or already served), diterima and gagal of the period or of one desa."""
    r, c = DistKpm.receipt_status, DistKpm.clean_status
    q = select(func.sum(case((or_(c == CleanStatus.LENGKAP.value, r != ReceiptStatus.BELUM.value), 1), else_=0)),
               func.sum(case((r == ReceiptStatus.DITERIMA.value, 1), else_=0)),
               func.sum(case((r == ReceiptStatus.GAGAL_SALUR.value, 1), else_=0))).where(DistKpm.period_id == period_id)
    t, d, g = session.execute(_desa_filter(q, desa)).one()
    return DeskCounts(int(t or 0), int(d or 0), int(g or 0))
