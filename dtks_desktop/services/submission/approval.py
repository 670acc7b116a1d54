"""Submitting a batch and the supervisor's decision on it (four eyes).

* :func:`submit`: a draft batch with rows goes to ``diajukan`` (``BATCH_BUILD``).
* :func:`approve` / :func:`reject`: only ``BATCH_APPROVE`` (supervisor, admin), and never by the
  user who created or submitted the batch: that is refused with an Indonesian message and
  audited (``batch.four_eyes``). The batch row is locked (``SELECT … FOR UPDATE`` on PostgreSQL;
  SQLite serialises writers), so of two supervisors deciding at the same moment one wins and the
  other is told who decided first.
* Approval freezes the rows (``frozen``) and stores the SHA-256 over them (``common.content_hash``);
  export checks it again.

Family statuses follow in the same transaction (``services.core.family_status``): submitting
moves every family of the rows to ``diajukan``; rejecting (and returning to draft) moves them back
to their last final Musdes outcome unless another submitted batch still awaits a decision on them;
approval leaves them ``diajukan``. The returned view's ``family_status`` says what moved and what not.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from dtks_desktop.db.models import SubmissionBatch, SubmissionBatchRow, User
from dtks_desktop.db.models import utcnow
from dtks_desktop.domain.permissions import Capability
from dtks_desktop.domain.workflow import TransitionError
from dtks_desktop.domain.workflow.submission import BATCH, BatchStatus
from dtks_desktop.services.core import family_status, workflow
from dtks_desktop.services.core.common import DataKind, changes
from dtks_desktop.services.core.permissions import require
from dtks_desktop.services.core.users import Actor
from dtks_desktop.services.submission import batches as B
from dtks_desktop.services.submission.common import (
    ApprovalSummary, BatchView, SubmissionError, batch_row, content_hash, view_of,
)

__all__ = ["submit", "summary", "approve", "reject", "return_to_draft", "FourEyesError"]


class FourEyesError(SubmissionError):
    """The approver created or submitted the batch."""


def _move(session: Session, actor: Actor, b: SubmissionBatch, to: BatchStatus, *, reason: str | None = None,
          action: str, summary: str) -> None:
    try:
        workflow.apply(session, actor, BATCH, b, to.value, reason=reason, action=action, summary=summary,
                       entity_type="submission_batch")
    except TransitionError as exc:
        raise SubmissionError(f"Batch #{b.id}: {exc.message}") from None


@changes(DataKind.AUDIT, DataKind.REGISTRY)
def submit(session: Session, actor: Actor, batch_id: int) -> BatchView:
    """Send a draft batch to the supervisors (``diajukan``)."""
    require(session, actor, Capability.BATCH_BUILD, detail=f"batch #{batch_id}")
    b = batch_row(session, batch_id, lock=True)
    if b.status == BatchStatus.DRAFT.value and B.count_rows(session, b.id) == 0:
        raise SubmissionError(f"Batch #{b.id} tidak berisi baris (semua dikecualikan): tidak dapat diajukan.")
    _move(session, actor, b, BatchStatus.DIAJUKAN, action="batch.submit", summary=f"Batch #{b.id} diajukan")
    b.submitted_by, b.submitted_at = actor.id, utcnow()
    report = family_status.on_submit(session, actor, b)
    session.flush()
    return replace(view_of(session, b), family_status=tuple(report.lines()))


@changes(DataKind.AUDIT, DataKind.REGISTRY)
def return_to_draft(session: Session, actor: Actor, batch_id: int) -> BatchView:
    """A rejected batch back to draft (to remove rows and submit again)."""
    require(session, actor, Capability.BATCH_BUILD, detail=f"batch #{batch_id}")
    b = batch_row(session, batch_id, lock=True)
    _move(session, actor, b, BatchStatus.DRAFT, action="batch.redraft", summary=f"Batch #{b.id} kembali ke draf")
    b.submitted_by = b.submitted_at = None
    report = family_status.on_withdraw(session, actor, b, f"Batch #{b.id} dikembalikan ke draf")
    session.flush()
    return replace(view_of(session, b), family_status=tuple(report.lines()))


def _who(session: Session, uid: int | None) -> str:
    if uid is None:
        return "pengguna lain"
    u = session.get(User, uid)
    return (u.full_name or u.username) if u else f"pengguna #{uid}"


def _decide(session: Session, actor: Actor, batch_id: int, to: BatchStatus, note: str) -> SubmissionBatch:
    require(session, actor, Capability.BATCH_APPROVE, detail=f"batch #{batch_id}")
    b = batch_row(session, batch_id, lock=True)
    verb = "menyetujui" if to == BatchStatus.DISETUJUI else "menolak"
    if actor.id is not None and actor.id in (b.created_by, b.submitted_by):
        role = "membuat" if actor.id == b.created_by else "mengajukan"
        msg = (f"Prinsip empat mata: Anda {role} batch #{b.id}, jadi tidak boleh {verb}nya sendiri. "
               "Minta supervisor lain untuk memutuskan.")
        B._audit_refusal(session, actor, "batch.four_eyes", b.id, f"{verb.capitalize()} batch #{b.id} ditolak "
                         "(empat mata)", msg)
        raise FourEyesError(msg)
    if b.status != BatchStatus.DIAJUKAN.value:
        if b.status in (BatchStatus.DISETUJUI.value, BatchStatus.DITOLAK.value) or b.decided_by is not None:
            raise SubmissionError(f"Batch #{b.id} sudah diputuskan ({BATCH.label(b.status)}) oleh "
                                  f"{_who(session, b.decided_by)}; keputusan Anda tidak disimpan.")
        raise SubmissionError(f"Batch #{b.id} berstatus {BATCH.label(b.status)}, bukan menunggu persetujuan.")
    return b


@changes(DataKind.AUDIT)
def approve(session: Session, actor: Actor, batch_id: int, note: str = "") -> BatchView:
    """Approve a submitted batch: its rows are frozen and their SHA-256 stored."""
    b = _decide(session, actor, batch_id, BatchStatus.DISETUJUI, note)
    why = " ".join((note or "").split()) or None
    session.execute(update(SubmissionBatchRow).where(SubmissionBatchRow.batch_id == b.id).values(frozen=True))
    digest = content_hash(session, b.id)
    _move(session, actor, b, BatchStatus.DISETUJUI, reason=why, action="batch.approve",
          summary=f"Batch #{b.id} disetujui; isi dibekukan (SHA-256 {digest[:12]}…)")
    b.decided_by, b.decided_at, b.note, b.sha256 = actor.id, utcnow(), why, digest
    session.flush()
    return view_of(session, b)


@changes(DataKind.AUDIT, DataKind.REGISTRY)
def reject(session: Session, actor: Actor, batch_id: int, note: str) -> BatchView:
    """Reject a submitted batch; the note (why) is required."""
    why = " ".join((note or "").split())
    if not why:
        raise SubmissionError("Alasan penolakan wajib diisi (--note \"…\").")
    b = _decide(session, actor, batch_id, BatchStatus.DITOLAK, why)
    _move(session, actor, b, BatchStatus.DITOLAK, reason=why, action="batch.reject",
          summary=f"Batch #{b.id} ditolak")
    b.decided_by, b.decided_at, b.note = actor.id, utcnow(), why
    report = family_status.on_withdraw(session, actor, b, f"Batch #{b.id} ditolak supervisor: {why}")
    session.flush()
    return replace(view_of(session, b), family_status=tuple(report.lines()))


def _keys(session: Session, batch_id: int) -> set[str]:
    return set(session.execute(select(SubmissionBatchRow.person_key)
                               .where(SubmissionBatchRow.batch_id == batch_id)).scalars())


def summary(session: Session, batch_id: int, *, sample_size: int = 20) -> ApprovalSummary:
    """What the supervisor sees before deciding: totals per desa and kind, the exclusions, a sample
    of rows and the difference against the previous batch of the same programme, target and kind."""
    b = batch_row(session, batch_id)
    counts = session.execute(select(SubmissionBatchRow.desa_kode, SubmissionBatchRow.kind, func.count())
                             .where(SubmissionBatchRow.batch_id == b.id)
                             .group_by(SubmissionBatchRow.desa_kode, SubmissionBatchRow.kind)
                             .order_by(SubmissionBatchRow.desa_kode, SubmissionBatchRow.kind)).all()
    names = B._regions(session, {c[0] for c in counts})
    per_desa = [(names[d][1], names[d][0], kind, int(n)) for d, kind, n in counts]
    prev = session.execute(select(SubmissionBatch.id).where(
        SubmissionBatch.id < b.id, SubmissionBatch.programme == b.programme, SubmissionBatch.target == b.target,
        SubmissionBatch.kind == b.kind).order_by(SubmissionBatch.id.desc()).limit(1)).scalar_one_or_none()
    mine = _keys(session, b.id)
    theirs = _keys(session, prev) if prev is not None else set()
    diff = {"added": len(mine - theirs), "removed": len(theirs - mine), "previous_batch_id": prev}
    return ApprovalSummary(batch=view_of(session, b), per_desa=per_desa, excluded=B.excluded_rows(session, b.id),
                           sample=B.batch_rows(session, b.id, limit=sample_size), diff_previous=diff)

