"""The meeting's decisions per member: the list (paged, searchable), the totals, and a change.

A decision is ``tetap``, ``usulan_baru``, ``hapus`` with a reason, or ``perbaikan_data``. A
member whose NIK is not padan (the civil registry does not know it, or a clerk rejected the
match) is proposed new only with an explicit override reason, which is kept and audited.
Changing a decision after the Berita Acara was printed sends the meeting back to ``draf``: the
printed one no longer says what was decided and must be printed again.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from dtks_desktop.db.models import Household, Member, MusdesDecision
from dtks_desktop.domain.family import hubungan_label
from dtks_desktop.domain.masking import mask_nik
from dtks_desktop.domain.musdes import DECISION_LABELS, REASON_LABELS, Decision, Reason, parse_decision, parse_reason, \
    terms
from dtks_desktop.domain.names import search_key
from dtks_desktop.domain.permissions import Capability
from dtks_desktop.domain.workflow.musdes import MEETING, MeetingStatus
from dtks_desktop.domain.workflow.matching import MATCH_STATUS_LABELS, MatchStatus
from dtks_desktop.services.core import audit, workflow
from dtks_desktop.services.core.common import DataKind, changes
from dtks_desktop.services.core.permissions import require
from dtks_desktop.services.core.users import Actor
from dtks_desktop.services.musdes.common import DecisionRow, MusdesError, Totals, desa_info, meeting_row, require_open

__all__ = ["list_decisions", "count_decisions", "totals", "decide", "member_ids_for", "row_of", "NOT_PROPOSED_LABEL"]

#: A person of a family proposed in the field whom the meeting did not propose.
NOT_PROPOSED_LABEL = "Tidak diusulkan"


def _match_label(status: str | None) -> str:
    try:
        return MATCH_STATUS_LABELS[MatchStatus(status)] if status else "Belum dipadankan"
    except ValueError:
        return status or ""


def row_of(d: MusdesDecision, policy=None) -> DecisionRow:
    proposal = d.member_id is None and d.household_id is None
    label = DECISION_LABELS[Decision(d.decision)]
    if proposal and d.decision == Decision.TETAP:
        label = NOT_PROPOSED_LABEL
    reason_label = REASON_LABELS[Reason(d.reason)] if d.reason else ""
    nik = mask_nik(d.nik, policy) if policy is not None else mask_nik(d.nik)
    key = d.id_dtks or (f"ART-{d.member_id}" if d.member_id else f"USUL-{d.proposal_member_id}")
    addr = " ".join(x for x in (d.alamat or "", f"RT {d.rt}" if d.rt else "", f"RW {d.rw}" if d.rw else "") if x)
    return DecisionRow(id=d.id, household_id=d.household_id, member_id=d.member_id, id_dtks=key, nama=d.nama,
                       nik_masked=nik, hubungan=hubungan_label(d.hubungan) if d.hubungan else "",
                       decision=d.decision, decision_label=label, reason=d.reason, reason_label=reason_label,
                       source=d.source, match_status=d.match_status, override_reason=d.override_reason,
                       note=d.note or "", padan=bool(d.padan), alamat=addr)


def _filtered(q, text: str | None):
    t = (text or "").strip()
    if not t:
        return q
    if t.isdigit():
        return q.where(or_(MusdesDecision.nik.startswith(t), MusdesDecision.no_kk.startswith(t),
                           MusdesDecision.id_dtks.startswith(t)))
    key = search_key(t)
    like = f"%{t.upper()}%"
    return q.where(or_(func.upper(MusdesDecision.nama).like(like), MusdesDecision.id_dtks == t,
                       MusdesDecision.decision == t.lower(), MusdesDecision.reason == t.lower(),
                       func.upper(MusdesDecision.nama).like(f"%{key}%") if key else MusdesDecision.id < 0))


def list_decisions(session: Session, meeting_id: int, *, offset: int = 0, limit: int = 500,
                   text: str | None = None) -> list[DecisionRow]:
    """One page of the meeting's decisions, in family order; ``text``: part of a name, an ID DTKS,
    the start of a NIK/No KK, or a decision or reason word. NIKs masked."""
    from dtks_desktop.services.core import settings

    meeting_row(session, meeting_id)
    policy = settings.mask_policy(session)
    q = _filtered(select(MusdesDecision).where(MusdesDecision.meeting_id == meeting_id), text)
    q = q.order_by(MusdesDecision.urut, MusdesDecision.id).offset(max(0, offset)).limit(max(0, limit))
    return [row_of(d, policy) for d in session.execute(q).scalars()]


def count_decisions(session: Session, meeting_id: int, text: str | None = None) -> int:
    q = _filtered(select(func.count()).select_from(MusdesDecision).where(MusdesDecision.meeting_id == meeting_id), text)
    return session.execute(q).scalar_one()


def totals(session: Session, meeting_id: int) -> Totals:
    """Members per decision and per removal reason, and families (a proposed family once). People
    of proposed families whom the meeting did not propose are not counted."""
    meeting_row(session, meeting_id)
    q = (select(MusdesDecision.decision, MusdesDecision.reason, MusdesDecision.household_id,
                MusdesDecision.no_kk, MusdesDecision.proposal_member_id, MusdesDecision.member_id)
         .where(MusdesDecision.meeting_id == meeting_id))
    by: Counter = Counter()
    reasons: Counter = Counter()
    fam: dict[str, set] = {d.value: set() for d in Decision}
    families: set = set()
    members = 0
    for decision, reason, hid, no_kk, pmid, mid in session.execute(q):
        if mid is None and hid is None and decision == Decision.TETAP:
            continue
        members += 1
        by[decision] += 1
        if decision == Decision.HAPUS and reason:
            reasons[reason] += 1
        fkey = ("h", hid) if hid is not None else ("p", no_kk or pmid)
        families.add(fkey)
        fam[decision].add(fkey)
    return Totals(tetap=by[Decision.TETAP], usulan_baru=by[Decision.USULAN_BARU], hapus=by[Decision.HAPUS],
                  perbaikan_data=by[Decision.PERBAIKAN_DATA],
                  hapus_by_reason={r.value: reasons[r.value] for r in Reason}, families=len(families), members=members,
                  families_by_decision={k: len(v) for k, v in fam.items()})


def member_ids_for(session: Session, meeting_id: int, id_dtks: str) -> list[int]:
    """The member ids an ID DTKS names in the meeting: a member's ID, or a family's (every member),
    or the application's own ``ART-<n>``. MusdesError when it belongs to a family of another desa
    or is unknown."""
    m = meeting_row(session, meeting_id)
    key = (id_dtks or "").strip()
    if not key:
        raise MusdesError("ID DTKS kosong.")
    own = None
    if key.upper().startswith("ART-") and key[4:].isdigit():
        own = int(key[4:])
    if own is not None:
        found = session.execute(select(Member.id, Household.desa_kode).join(Household)
                                .where(Member.id == own)).all()
    else:
        found = session.execute(select(Member.id, Household.desa_kode).join(Household)
                                .where(Member.id_dtks == key)).all()
        if not found:
            found = session.execute(select(Member.id, Household.desa_kode).join(Household)
                                    .where(Household.id_dtks == key)).all()
    if not found:
        raise MusdesError(f"ID DTKS {key} tidak ada di DTKS.", "Periksa ID-nya di halaman Data Keluarga.")
    here = [mid for mid, desa in found if desa == m.desa_kode]
    if not here:
        other = found[0][1]
        _, name, _, _ = desa_info(session, m.desa_kode)
        raise MusdesError(f"ID DTKS {key} adalah keluarga di desa/kelurahan {other}, bukan {terms(m.desa_kode).unit} "
                          f"{name} ({m.desa_kode}).", "Keputusan musyawarah hanya untuk keluarga desa itu sendiri.")
    return here


@changes(DataKind.REGISTRY, DataKind.AUDIT)
def decide(session: Session, actor: Actor, meeting_id: int, member_id: int | None, decision: str, *,
           reason: str | None = None, override_reason: str | None = None, row_id: int | None = None) -> DecisionRow:
    """Set the meeting's decision on a member (``member_id``) or, for a person of a family proposed
    in the field (no member id), on the decision row ``row_id``. Audited as ``musdes.decide``."""
    require(session, actor, Capability.MUSDES_RECORD, detail=f"musyawarah #{meeting_id}")
    m = meeting_row(session, meeting_id)
    require_open(m)
    try:
        d = parse_decision(decision)
        r = parse_reason(reason) if reason not in (None, "") else None
    except ValueError as exc:
        raise MusdesError(str(exc)) from None
    if d == Decision.HAPUS and r is None:
        raise MusdesError("Keputusan hapus perlu alasan: " + ", ".join(x.value for x in Reason) + ".")
    if d != Decision.HAPUS and r is not None:
        raise MusdesError(f"Alasan '{r.value}' hanya untuk keputusan hapus (bukan {d.value}).")
    if member_id is not None:
        row = session.execute(select(MusdesDecision).where(MusdesDecision.meeting_id == m.id,
                                                           MusdesDecision.member_id == member_id)).scalars().first()
        if row is None:
            found = session.execute(select(Member.nama, Household.desa_kode).join(Household)
                                    .where(Member.id == member_id)).first()
            if found is None:
                raise MusdesError(f"Anggota #{member_id} tidak ada di DTKS.")
            if found.desa_kode != m.desa_kode:
                _, name, _, _ = desa_info(session, m.desa_kode)
                raise MusdesError(f"{found.nama} adalah warga desa/kelurahan {found.desa_kode}, bukan "
                                  f"{terms(m.desa_kode).unit} {name} ({m.desa_kode}).",
                                  "Keputusan musyawarah hanya untuk keluarga desa itu sendiri.")
            raise MusdesError(f"{found.nama} tidak termasuk daftar musyawarah #{m.id} (keluarganya dihapus dari DTKS).")
    elif row_id is not None:
        row = session.get(MusdesDecision, row_id)
        if row is None or row.meeting_id != m.id:
            raise MusdesError(f"Baris keputusan #{row_id} bukan bagian musyawarah #{m.id}.")
    else:
        raise MusdesError("Sebutkan anggota (member_id) atau baris keputusan (row_id).")
    proposal = row.member_id is None and row.household_id is None
    if proposal and d not in (Decision.USULAN_BARU, Decision.TETAP):
        raise MusdesError(f"{row.nama} belum ada di DTKS (usulan dari lapangan): keputusannya hanya usulan_baru atau "
                          "tetap (tidak diusulkan).")
    why = " ".join((override_reason or "").split()) or None
    if d == Decision.USULAN_BARU and not row.padan:
        if not why:
            raise MusdesError(f"NIK {mask_nik(row.nik) or '(kosong)'} {row.nama} tidak padan dengan Dukcapil "
                              f"({_match_label(row.match_status)}): usulan baru hanya dengan alasan pengecualian.",
                              "Isi alasan pengecualian (--override-reason \"…\"); alasan itu dicatat di log audit.")
    elif why:
        why = None if d != Decision.USULAN_BARU else why
    old = {"decision": row.decision, "reason": row.reason, "override_reason": row.override_reason}
    new = {"decision": d.value, "reason": r.value if r else None, "override_reason": why}
    if old == new:
        return row_of(row)
    row.decision, row.reason, row.override_reason = new["decision"], new["reason"], new["override_reason"]
    row.source = "petugas"
    row.decided_by = actor.id if actor else None
    row.decided_at = datetime.now(timezone.utc)
    label = DECISION_LABELS[d] + (f" ({REASON_LABELS[r]})" if r else "")
    audit.record(session, actor, "musdes.decide", entity_type="musdes_decision", entity_id=row.id,
                 summary=f"Musyawarah #{m.id}: {row.nama} → {label}"
                         + (" dengan pengecualian NIK tidak padan" if why and not row.padan else ""),
                 old=old, new=new, reason=why)
    if m.status == MeetingStatus.DICETAK:
        workflow.apply(session, actor, MEETING, m, MeetingStatus.DRAF.value, action="musdes.reopen",
                       summary=f"Musyawarah #{m.id}: keputusan diubah setelah berita acara dicetak; cetak ulang")
    session.flush()
    return row_of(row)
