"""Where a family stands: the household (and member) status moves of the stages.

Verification, the final Musdes, a batch submitted / rejected / returned to draft and the results
from above each move the families they touch here, in the stage's own transaction, through
:func:`services.core.workflow.apply` (status history + audit event with who, when and why). The
rules are the registry machine's (``domain/workflow/registry.py``); this module finds the rows
and applies them, a batch at a time (a kecamatan batch has thousands of families).

A family the stage may not move (in a batch awaiting a decision, removed) keeps its status and
the stage's result says so (:class:`StageReport`); the stage itself is not refused.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dtks_desktop.db.models import Household, Member, MusdesDecision, MusdesMeeting, StatusHistory, SubmissionBatch, \
    SubmissionBatchRow
from dtks_desktop.domain.musdes import Decision
from dtks_desktop.domain.submission import Result
from dtks_desktop.domain.verification import Kelayakan, KELAYAKAN_LABELS
from dtks_desktop.domain.workflow import TransitionError
from dtks_desktop.domain.workflow.musdes import MeetingStatus
from dtks_desktop.domain.workflow.registry import HELD, HOUSEHOLD, KELAYAKAN_STATUS, MEMBER_BY_RESULT, \
    MUSDES_OUTCOMES, HouseholdStatus, MemberStatus, musdes_outcome, result_outcome
from dtks_desktop.domain.workflow.submission import BatchStatus
from dtks_desktop.services.core import workflow
from dtks_desktop.services.core.users import Actor

__all__ = ["StageReport", "after_finding", "after_musdes", "on_submit", "on_withdraw", "on_results",
           "awaiting_batches"]

H = HouseholdStatus
CHUNK = 500
#: Batches whose rows without a result keep their families ``diajukan`` (submitted, not yet answered).
SUBMITTED = (BatchStatus.DIAJUKAN.value, BatchStatus.DISETUJUI.value, BatchStatus.DIKIRIM.value,
             BatchStatus.HASIL_DITERIMA.value)
#: How many kept families a report names one by one (the rest are counted).
NAMED = 50


@dataclass
class StageReport:
    """What a stage did to family statuses: moves per new status, and who kept theirs and why."""

    moved: Counter = field(default_factory=Counter)  # new status -> families
    kept: list[str] = field(default_factory=list)  # Indonesian, one line per family (first NAMED)
    kept_count: int = 0
    members_moved: int = 0
    warnings: list[str] = field(default_factory=list)  # real anomalies

    def keep(self, line: str) -> None:
        self.kept_count += 1
        if len(self.kept) < NAMED:
            self.kept.append(line)

    @property
    def total_moved(self) -> int:
        return sum(self.moved.values())

    def lines(self) -> list[str]:
        """Indonesian summary lines for a message or the CLI."""
        out = []
        if self.moved:
            out.append("Status keluarga: " + ", ".join(f"{n} ke {HOUSEHOLD.label(s)}"
                                                       for s, n in sorted(self.moved.items())) + ".")
        if self.members_moved:
            out.append(f"{self.members_moved} anggota ke {MEMBER_BY_RESULT.label(MemberStatus.DIHAPUS)}.")
        if self.kept_count:
            out.append(f"{self.kept_count} keluarga tetap pada statusnya:")
            out += [f"  {k}" for k in self.kept]
            if self.kept_count > len(self.kept):
                out.append(f"  ... dan {self.kept_count - len(self.kept)} keluarga lain")
        out += [f"Peringatan: {w}" for w in self.warnings]
        return out

    def as_dict(self) -> dict:
        return {"moved": {str(k): v for k, v in sorted(self.moved.items())}, "members_moved": self.members_moved,
                "kept": self.kept_count, "kept_notes": list(self.kept), "warnings": list(self.warnings)}


def _who(h: Household) -> str:
    return f"Keluarga {h.no_kk or '#' + str(h.id)}"


def _move(session: Session, actor: Actor, h: Household, to: HouseholdStatus, reason: str, stage: str) -> None:
    workflow.apply(session, actor, HOUSEHOLD, h, to.value, reason=reason, action="household.status", history=True,
                   summary=f"{_who(h)}: {HOUSEHOLD.label(h.status)} → {HOUSEHOLD.label(to)} ({stage})")


def _households(session: Session, ids: Iterable[int]) -> dict[int, Household]:
    ids = sorted({i for i in ids if i is not None})
    out: dict[int, Household] = {}
    for i in range(0, len(ids), CHUNK):
        for h in session.execute(select(Household).where(Household.id.in_(ids[i:i + CHUNK]))).scalars():
            out[h.id] = h
    return out


def _held_why(h: Household, batches: Iterable[int] = ()) -> str:
    if h.status == H.DIAJUKAN:
        nums = ", ".join(f"#{b}" for b in sorted(batches))
        return (f"{_who(h)} tetap {HOUSEHOLD.label(h.status)}: ada di batch pengajuan {nums or ''} yang menunggu "
                "keputusan".replace("  ", " "))
    return f"{_who(h)} tetap {HOUSEHOLD.label(h.status)}: sudah dihapus dari DTKS"


def awaiting_batches(session: Session, household_ids: Iterable[int] | None = None, *,
                     of_batch: int | None = None, exclude: int | None = None) -> dict[int, set[int]]:
    """household id -> the submitted batches holding a row of it without a result yet. The families
    are given by id, or as those of ``of_batch``'s rows (one query, whatever the batch's size)."""
    R, B = SubmissionBatchRow, SubmissionBatch
    base = (select(R.household_id, R.batch_id).join(B, B.id == R.batch_id)
            .where(B.status.in_(SUBMITTED), R.result.is_(None), R.household_id.is_not(None)))
    if exclude is not None:
        base = base.where(R.batch_id != exclude)
    out: dict[int, set[int]] = defaultdict(set)
    if of_batch is not None:
        mine = select(R.household_id).where(R.batch_id == of_batch, R.household_id.is_not(None))
        for hid, bid in session.execute(base.where(R.household_id.in_(mine)).distinct()):
            out[hid].add(bid)
        return out
    ids = sorted(set(household_ids or ()))
    for i in range(0, len(ids), CHUNK):
        for hid, bid in session.execute(base.where(R.household_id.in_(ids[i:i + CHUNK])).distinct()):
            out[hid].add(bid)
    return out


# --- 1. verification -------------------------------------------------------------------------------

def after_finding(session: Session, actor: Actor, h: Household, kelayakan: str | None,
                  putaran: str) -> tuple[bool, str | None]:
    """Move a family by the kelayakan of a finding just saved: (moved, why not, Indonesian)."""
    if not kelayakan:
        return False, None
    k = Kelayakan(kelayakan)
    to = KELAYAKAN_STATUS[k]
    if h.status == to:
        return False, None
    if h.status in HELD:
        where = awaiting_batches(session, [h.id]).get(h.id, set()) if h.status == H.DIAJUKAN else ()
        return False, _held_why(h, where) + "; hasil verifikasi tetap disimpan."
    try:
        _move(session, actor, h, to, f"Hasil verifikasi lapangan putaran {putaran}: {KELAYAKAN_LABELS[k]}",
              "verifikasi lapangan")
    except TransitionError as exc:
        return False, f"{_who(h)}: status tidak diubah ({exc.message}); hasil verifikasi tetap disimpan."
    return True, None


# --- 2. Musdes -------------------------------------------------------------------------------------

def _decisions(session: Session, meeting_ids: list[int]) -> dict[int, list[tuple[int | None, str]]]:
    """household id -> [(member id | None, decision)] of the meetings, members removed left out."""
    q = (select(MusdesDecision.household_id, MusdesDecision.member_id, MusdesDecision.decision)
         .outerjoin(Member, Member.id == MusdesDecision.member_id)
         .where(MusdesDecision.meeting_id.in_(meeting_ids), MusdesDecision.household_id.is_not(None),
                (MusdesDecision.member_id.is_(None)) | (Member.status != MemberStatus.DIHAPUS.value)))
    out: dict[int, list] = defaultdict(list)
    for hid, mid, decision in session.execute(q):
        out[hid].append((mid, decision))
    return out


def after_musdes(session: Session, actor: Actor, meeting: MusdesMeeting) -> StageReport:
    """A meeting became final: every family with decisions in it moves by them (``musdes_outcome``)."""
    rep = StageReport()
    rows = _decisions(session, [meeting.id])
    fams = _households(session, rows)
    why = f"Keputusan musyawarah #{meeting.id} (berita acara kembali)"
    held = [h.id for h in fams.values() if h.status == H.DIAJUKAN]
    where = awaiting_batches(session, held) if held else {}
    for hid in sorted(fams):
        h = fams[hid]
        to = musdes_outcome(h.status, rows[hid])
        if to is None or h.status == to:
            continue
        if h.status in HELD:
            rep.keep(_held_why(h, where.get(hid, ())))
            continue
        _move(session, actor, h, to, why, "musyawarah")
        rep.moved[to.value] += 1
    return rep


def _final_outcomes(session: Session, fams: dict[int, Household]) -> dict[int, tuple[HouseholdStatus, int]]:
    """household id -> (outcome, meeting id) of the last final meeting of its desa that decided on it."""
    desas = sorted({h.desa_kode for h in fams.values() if h.desa_kode})
    meetings: dict[str, int] = {}
    for i in range(0, len(desas), CHUNK):
        for desa, mid in session.execute(
                select(MusdesMeeting.desa_kode, func.max(MusdesMeeting.id))
                .where(MusdesMeeting.status == MeetingStatus.FINAL.value, MusdesMeeting.desa_kode.in_(desas[i:i + CHUNK]))
                .group_by(MusdesMeeting.desa_kode)):
            meetings[desa] = mid
    if not meetings:
        return {}
    rows = _decisions(session, sorted(set(meetings.values())))
    out = {}
    for hid, h in fams.items():
        mid = meetings.get(h.desa_kode)
        if mid is not None and rows.get(hid):
            to = musdes_outcome(h.status, rows[hid])
            if to is not None:
                out[hid] = (to, mid)
    return out


# --- 3. batches ------------------------------------------------------------------------------------

def _batch_households(session: Session, batch_id: int) -> dict[int, Household]:
    ids = session.execute(select(SubmissionBatchRow.household_id).where(
        SubmissionBatchRow.batch_id == batch_id, SubmissionBatchRow.household_id.is_not(None)).distinct()).scalars()
    return _households(session, ids)


def on_submit(session: Session, actor: Actor, batch: SubmissionBatch) -> StageReport:
    """A batch was submitted: every family of its rows → ``diajukan``. A family not in a Musdes
    outcome state (a finding after the meeting, data from before this rule) is first brought to
    the outcome of its desa's last final meeting; a removed family is reported, not moved."""
    rep = StageReport()
    fams = _batch_households(session, batch.id)
    why = f"Diajukan dalam batch #{batch.id} ({batch.programme}, {batch.kind})"
    behind = {hid: h for hid, h in fams.items() if h.status not in MUSDES_OUTCOMES and h.status not in HELD}
    outcomes = _final_outcomes(session, behind) if behind else {}
    for hid in sorted(fams):
        h = fams[hid]
        if h.status == H.DIAJUKAN:
            continue  # already awaiting a decision in another batch
        if h.status == H.DIHAPUS:
            rep.keep(_held_why(h))
            continue
        if hid in behind:
            if hid not in outcomes:
                rep.keep(f"{_who(h)} tetap {HOUSEHOLD.label(h.status)}: tidak ada keputusan musyawarah final untuknya")
                continue
            to, mid = outcomes[hid]
            if h.status != to:
                _move(session, actor, h, to, f"Keputusan musyawarah #{mid} (final), sebelum diajukan", "musyawarah")
        _move(session, actor, h, H.DIAJUKAN, why, "pengajuan")
        rep.moved[H.DIAJUKAN.value] += 1
    return rep


def on_withdraw(session: Session, actor: Actor, batch: SubmissionBatch, why: str) -> StageReport:
    """A batch was rejected or returned to draft: its families back to their last final meeting's
    outcome, unless still awaiting a decision in another batch."""
    rep = StageReport()
    fams = {hid: h for hid, h in _batch_households(session, batch.id).items() if h.status == H.DIAJUKAN}
    if not fams:
        return rep
    elsewhere = awaiting_batches(session, of_batch=batch.id, exclude=batch.id)
    back = {hid: h for hid, h in fams.items() if hid not in elsewhere}
    outcomes = _final_outcomes(session, back)
    for hid in sorted(fams):
        h = fams[hid]
        if hid in elsewhere:
            rep.keep(_held_why(h, elsewhere[hid]))
            continue
        if hid not in outcomes:
            rep.warnings.append(f"{_who(h)} tetap {HOUSEHOLD.label(h.status)}: tidak ada keputusan musyawarah final "
                                "untuk mengembalikannya")
            continue
        to, mid = outcomes[hid]
        _move(session, actor, h, to, f"{why}; kembali ke keputusan musyawarah #{mid}", "pengajuan dibatalkan")
        rep.moved[to.value] += 1
    return rep


# --- 4. results --------------------------------------------------------------------------------------

def on_results(session: Session, actor: Actor, batch: SubmissionBatch, decided: list[SubmissionBatchRow]) -> StageReport:
    """Results were recorded on ``decided`` rows (flushed): members of accepted removals →
    ``dihapus``; each family none of whose rows awaits a result any more moves by the results
    received while it waited (``result_outcome``)."""
    rep = StageReport()
    members: dict[int, Member] = {}
    removals = [r for r in decided if r.member_id and r.result == Result.DITETAPKAN.value and r.kind == Decision.HAPUS]
    mids = sorted({r.member_id for r in removals})
    for i in range(0, len(mids), CHUNK):
        for m in session.execute(select(Member).where(Member.id.in_(mids[i:i + CHUNK]))).scalars():
            members[m.id] = m
    for r in removals:
        m = members.get(r.member_id)
        if m is None or m.status == MemberStatus.DIHAPUS:
            continue
        why = f"Hasil batch #{batch.id}: hapus ditetapkan" + (f" ({r.result_reason})" if r.result_reason else "")
        try:
            workflow.apply(session, actor, MEMBER_BY_RESULT, m, MemberStatus.DIHAPUS.value, reason=why,
                           action="member.status", history=True,
                           summary=f"{m.nama}: {MEMBER_BY_RESULT.label(m.status)} → "
                                   f"{MEMBER_BY_RESULT.label(MemberStatus.DIHAPUS)} (hasil pengajuan)")
            rep.members_moved += 1
        except TransitionError as exc:
            rep.warnings.append(f"{m.nama}: status tidak diubah ({exc.message})")
    session.flush()
    fams = _households(session, {r.household_id for r in decided})
    if not fams:
        return rep
    ids = sorted(fams)
    waiting = awaiting_batches(session, ids)
    done = [hid for hid in ids if hid not in waiting]
    since = _last_submitted(session, done)
    results: dict[int, list[tuple[str, bool]]] = defaultdict(list)
    left: dict[int, int] = {}
    R = SubmissionBatchRow
    for i in range(0, len(done), CHUNK):
        part = done[i:i + CHUNK]
        for hid, kind, result, at, bid in session.execute(
                select(R.household_id, R.kind, R.result, R.result_at, R.batch_id).join(SubmissionBatch)
                .where(R.household_id.in_(part), R.result.is_not(None), SubmissionBatch.status.in_(SUBMITTED))):
            t = since.get(hid)
            if bid == batch.id or (t is not None and at is not None and at >= t):
                results[hid].append((kind, result == Result.DITETAPKAN.value))
        for hid, n in session.execute(select(Member.household_id, func.count()).where(
                Member.household_id.in_(part), Member.status != MemberStatus.DIHAPUS.value).group_by(Member.household_id)):
            left[hid] = n
    for hid in ids:
        h = fams[hid]
        if hid in waiting:
            if h.status == H.DIAJUKAN:
                rep.keep(_held_why(h, waiting[hid]))
            continue
        to = result_outcome(results.get(hid, ()), left.get(hid, 0))
        if to is None or h.status == to:
            continue
        what = {H.DIHAPUS: f"hapus {Result.DITETAPKAN.value}", H.DISETUJUI: Result.DITETAPKAN.value,
                H.DITOLAK: Result.DITOLAK.value}[to]
        try:
            _move(session, actor, h, to, f"Hasil batch #{batch.id} ({batch.programme}): {what}", "hasil pengajuan")
            rep.moved[to.value] += 1
        except TransitionError as exc:
            rep.warnings.append(f"{_who(h)}: status tidak diubah ({exc.message})")
    return rep


def _last_submitted(session: Session, ids: list[int]) -> dict[int, object]:
    """household id -> when it last went ``diajukan`` (status history)."""
    out = {}
    for i in range(0, len(ids), CHUNK):
        for hid, at in session.execute(
                select(StatusHistory.entity_id, func.max(StatusHistory.at))
                .where(StatusHistory.entity_type == HOUSEHOLD.kind, StatusHistory.entity_id.in_(ids[i:i + CHUNK]),
                       StatusHistory.to_status == H.DIAJUKAN.value).group_by(StatusHistory.entity_id)):
            out[hid] = at
    return out
