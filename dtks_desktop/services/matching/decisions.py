"""The clerk's decisions on results: :func:`decide`, :func:`undo_last`, :func:`reopen` ("Buka
kembali"), :func:`bulk_accept` and its preview. Every decision is audited and can be reverted.

The paths a decision may take, and who may take them, are the :data:`DECISION` machine of
``domain/workflow/matching.py``: a path it refuses raises
:class:`~dtks_desktop.domain.workflow.TransitionError` (Indonesian)."""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dtks_desktop.db.bulk import bulk_update
from dtks_desktop.db.models import AuditEvent, DukcapilPerson, IdentityHistory, MatchResult, Member
from dtks_desktop.domain.workflow import OPEN
from dtks_desktop.domain.workflow.matching import DECISION, PROPOSING_STATUSES, Decision, MatchStatus
from dtks_desktop.services.core import audit
from dtks_desktop.services.core.common import DataKind, changes
from dtks_desktop.services.core.database import Database
from dtks_desktop.services.core.permissions import Capability, require
from dtks_desktop.services.core.registry import db_timestamp, update_member
from dtks_desktop.services.core.users import Actor
from dtks_desktop.services.core.workflow import apply
from dtks_desktop.services.matching import engine as E
from dtks_desktop.services.matching.common import ACTIONS, RESTORATION_KEY, MatchingError
from dtks_desktop.services.matching.records import cleaned_flags, write_nik_changes

__all__ = ["DecisionResult", "decide", "undo_last", "reopen", "bulk_accept_preview", "bulk_accept"]

@dataclass(frozen=True)
class DecisionResult:
    member_id: int
    action: str
    decision: Decision  # DITERIMA | DITOLAK
    nik_before: str | None
    nik_after: str | None
    audit_id: int

    @property
    def changes(self) -> frozenset[DataKind]:
        """The decision, and the registry when the member's NIK changed."""
        if self.nik_before != self.nik_after:
            return frozenset({DataKind.MATCHING, DataKind.REGISTRY})
        return frozenset({DataKind.MATCHING})


@contextmanager
def _session_of(db_or_session):
    if isinstance(db_or_session, Session):
        yield db_or_session
    else:
        with db_or_session.transaction() as s:
            yield s


def _check_role(db_or_session, actor: Actor, capability: Capability = Capability.MATCH_DECIDE) -> None:
    require(db_or_session, actor, capability)


def decide(db_or_session, actor: Actor, member_id: int, action: str, *, candidate_nik: str | None = None,
           reason: str | None = None) -> DecisionResult:
    """The clerk's decision on one result.

    - ``terima``: accept the machine's link or proposal; a proposed NIK different from the
      member's becomes the member's NIK (``update_member`` audit + ``identity_history``).
    - ``tolak``: the link or proposal is wrong; nothing else changes.
    - ``pilih``: link to ``candidate_nik`` (any person in the current civil-registry snapshot),
      and correct the member's NIK to it.

    Every decision writes a ``match.decide`` audit event (undone by :func:`undo_last`).
    """
    if action not in ACTIONS:
        raise MatchingError(f"Tindakan tidak dikenal: {action}. Pilih terima, tolak atau pilih.")
    _check_role(db_or_session, actor)
    with _session_of(db_or_session) as s:
        res = s.execute(select(MatchResult).where(MatchResult.member_id == member_id)).scalar_one_or_none()
        if res is None:
            raise MatchingError(f"Belum ada hasil pemadanan untuk anggota #{member_id}; jalankan pemadanan dulu.")
        auto = res.decision == Decision.OTOMATIS
        target = Decision.DITOLAK if action == "tolak" else Decision.DITERIMA
        DECISION.check(res.decision, target, actor.role, reason)  # before anything changes
        m = s.get(Member, member_id)
        old = {"status": res.status, "nik_matched": res.nik_matched, "dukcapil_id": res.dukcapil_id,
               "nik": m.nik, "nik_flags": m.nik_flags, "decision": res.decision, "decided_by": res.decided_by,
               "priority": res.priority}
        new_nik = None
        if auto and action == "tolak":
            # The machine's restoration is wrong: the NIK as it was before goes back.
            _reject_restoration(s, actor, res, m, reason)
        elif action == "pilih":
            if not candidate_nik:
                raise MatchingError("Pilih NIK calon dari data Dukcapil.")
            person = s.execute(select(DukcapilPerson).where(DukcapilPerson.nik == candidate_nik)
                               .order_by(DukcapilPerson.id).limit(1)).scalar_one_or_none()
            if person is None:
                raise MatchingError(f"NIK {candidate_nik} tidak ada di data Dukcapil yang sekarang.")
            res.nik_matched, res.dukcapil_id = person.nik, person.id
            new_nik = person.nik
        elif action == "terima":
            if res.status in PROPOSING_STATUSES and not res.nik_matched:
                raise MatchingError("Tidak ada NIK usulan untuk diterima; pilih salah satu calon atau tolak.")
            if res.status != MatchStatus.GANDA and res.nik_matched:
                new_nik = res.nik_matched
        nik_before = old["nik"]
        if new_nik and new_nik != m.nik:
            why = reason or f"Koreksi NIK dari pemadanan Dukcapil ({E.STATUS_LABELS.get(res.status, res.status)})"
            update_member(s, actor, member_id, {"nik": new_nik}, reason=why)
            m.nik_flags = cleaned_flags(m.nik_flags)
            s.add(IdentityHistory(member_id=member_id, field="nik", old_value=nik_before, new_value=new_nik,
                                  source="koreksi_pemadanan", user_id=actor.id))
        res.decided_by = actor.id
        res.decided_at = datetime.now(timezone.utc)
        new = {"decision": target, "nik_matched": res.nik_matched, "dukcapil_id": res.dukcapil_id, "nik": m.nik,
               "nik_flags": m.nik_flags, "action": action}
        label = {"terima": Decision.DITERIMA.value, "tolak": Decision.DITOLAK.value,
                 "pilih": f"dipilih NIK {res.nik_matched}"}[action]
        if auto:
            label = {"terima": "pemulihan otomatis dikonfirmasi", "tolak": "pemulihan otomatis ditolak, NIK dikembalikan",
                     "pilih": label}[action]
        done = apply(s, actor, DECISION, res, target, reason=reason, attr="decision", action="match.decide",
                     entity_type="member", entity_id=member_id, old=old, new=new,
                     summary=f"Pemadanan {m.nama}: {E.STATUS_LABELS.get(res.status, res.status)} {label}")
        s.flush()
        return DecisionResult(member_id, action, target, nik_before, m.nik, done.event.id)


def _reject_restoration(s: Session, actor: Actor, res: MatchResult, m: Member, reason: str | None) -> None:
    """Put back the NIK (and its flags) a machine restoration replaced."""
    try:
        info = json.loads(res.reasons or "{}").get(RESTORATION_KEY) or {}
    except ValueError:
        info = {}
    if "nik_lama" not in info:
        raise MatchingError("NIK sebelum pemulihan otomatis tidak tercatat; ubah NIK lewat data anggota.")
    if m.nik != res.nik_matched:
        raise MatchingError(f"NIK anggota {m.nama} sudah diubah lagi sejak pemulihan otomatis; "
                            "ubah NIK lewat data anggota.")
    back = info.get("nik_lama")
    # Back to the machine's proposal, now rejected: the village must fix the NIK.
    res.status = MatchStatus.USULAN_KOREKSI
    res.priority = E.priority_of(MatchStatus.USULAN_KOREKSI, True)
    if back != m.nik:
        update_member(s, actor, m.id, {"nik": back}, reason=reason or "Pemulihan otomatis NIK ditolak petugas")
        s.add(IdentityHistory(member_id=m.id, field="nik", old_value=res.nik_matched, new_value=back,
                              source="tolak_pulih_otomatis", user_id=actor.id))
    m.nik_flags = info.get("nik_flags_lama")


def _undone_ids(s: Session, actor: Actor | None = None) -> set[int]:
    """Decision events already reverted (by Ctrl+Z or by "Buka kembali", whoever did it)."""
    out = set()
    for v in s.execute(select(AuditEvent.new_value).where(AuditEvent.action.in_(("match.undo", "match.reopen")))
                       ).scalars():
        try:
            out.add(int(json.loads(v)["undone_event"]))
        except (ValueError, KeyError, TypeError):
            continue
    return out


@changes(DataKind.MATCHING, DataKind.REGISTRY)
def undo_last(db_or_session, actor: Actor) -> str | None:
    """Revert the actor's most recent decision (single or bulk) and its NIK changes.

    Returns an Indonesian description, or None when there is nothing to undo.
    """
    _check_role(db_or_session, actor)
    with _session_of(db_or_session) as s:
        undone = _undone_ids(s)
        stmt = (select(AuditEvent).where(AuditEvent.user_id == actor.id,
                                         AuditEvent.action.in_(("match.decide", "match.bulk_accept")))
                .order_by(AuditEvent.id.desc()))
        ev = None
        for cand in s.execute(stmt.limit(len(undone) + 1)).scalars():
            if cand.id not in undone:
                ev = cand
                break
        if ev is None:
            return None
        if ev.action == "match.decide":
            old, new = json.loads(ev.old_value), json.loads(ev.new_value)
            _revert(s, actor, ev.entity_id, old, new)
            text = f"Keputusan untuk anggota #{ev.entity_id} dibatalkan."
        else:
            items = json.loads(ev.old_value)["items"]
            reopened = _reopened_members(s, ev.id)
            for it in items:
                if it["member_id"] in reopened:
                    continue  # already back in the queue ("Buka kembali")
                _revert(s, actor, it["member_id"], it, {"nik": it.get("nik_new", it.get("nik"))}, bulk=True)
            text = f"Penerimaan massal ({len(items)} hasil) dibatalkan."
        audit.record(s, actor, "match.undo", entity_type=ev.entity_type, entity_id=ev.entity_id,
                     summary=text, new={"undone_event": ev.id})
        s.flush()
        return text


def _reopened_members(s: Session, bulk_event_id: int) -> set[int]:
    out = set()
    for v in s.execute(select(AuditEvent.new_value).where(AuditEvent.action == "match.reopen")).scalars():
        try:
            d = json.loads(v)
        except (ValueError, TypeError):
            continue
        if d.get("bulk_event") == bulk_event_id:
            out.add(int(d["member_id"]))
    return out


@changes(DataKind.MATCHING, DataKind.REGISTRY)
def reopen(db_or_session, actor: Actor, member_id: int, *, reason: str | None = None) -> str:
    """"Buka kembali": revert one clerk's decision (not only the last one) and its NIK change.

    The result waits in the queue again as the machine left it (a restoration confirmed by a
    clerk is a restoration again). Works for single decisions and for one member of a bulk
    accept; audited as ``match.reopen``; Ctrl+Z does not revert the same decision twice.
    """
    _check_role(db_or_session, actor)
    with _session_of(db_or_session) as s:
        res = s.execute(select(MatchResult).where(MatchResult.member_id == member_id)).scalar_one_or_none()
        m = s.get(Member, member_id)
        if res is None or m is None:
            raise MatchingError(f"Belum ada hasil pemadanan untuk anggota #{member_id}.")
        # Only a clerk's decision goes back to the queue (or to the restoration it confirmed or
        # rejected: _revert checks that path); an open result or a restoration is refused here.
        DECISION.check(res.decision, OPEN, actor.role)
        was = res.decision
        undone = _undone_ids(s)
        info: dict = {"member_id": member_id}
        single = None
        for ev in s.execute(select(AuditEvent).where(AuditEvent.action == "match.decide",
                                                     AuditEvent.entity_type == "member",
                                                     AuditEvent.entity_id == member_id)
                            .order_by(AuditEvent.id.desc())).scalars():
            if ev.id not in undone:
                single = ev
            break
        if single is not None and json.loads(single.new_value).get("decision") == was:
            _revert(s, actor, member_id, json.loads(single.old_value), json.loads(single.new_value))
            info["undone_event"] = single.id
        else:
            found = None
            for ev in s.execute(select(AuditEvent).where(AuditEvent.action == "match.bulk_accept")
                                .order_by(AuditEvent.id.desc())).scalars():
                if ev.id in undone:
                    continue
                item = next((it for it in json.loads(ev.old_value)["items"] if it["member_id"] == member_id), None)
                if item is not None:
                    found = (ev, item)
                    break
            if found is None:
                raise MatchingError(f"Keputusan untuk {m.nama} tidak tercatat di log; ubah data anggota secara langsung.")
            ev, item = found
            _revert(s, actor, member_id, item, {"nik": item.get("nik_new", item.get("nik"))}, bulk=True)
            info["bulk_event"] = ev.id
        text = f"Keputusan untuk {m.nama} dibuka kembali; hasilnya kembali ke antrean."
        audit.record(s, actor, "match.reopen", entity_type="member", entity_id=member_id, summary=text,
                     old={"decision": was}, new=info, reason=reason)
        s.flush()
        return text


def _revert(s: Session, actor: Actor, member_id: int, old: dict, new: dict, bulk: bool = False) -> None:
    res = s.execute(select(MatchResult).where(MatchResult.member_id == member_id)).scalar_one_or_none()
    m = s.get(Member, member_id)
    if res is None or m is None:
        raise MatchingError(f"Hasil pemadanan anggota #{member_id} sudah tidak ada; tidak dapat dibatalkan.")
    if old.get("nik") != new.get("nik"):
        if m.nik != new.get("nik"):
            raise MatchingError(f"NIK anggota {m.nama} sudah diubah lagi sejak keputusan itu; batalkan tidak bisa.")
        update_member(s, actor, member_id, {"nik": old.get("nik")}, reason="Pembatalan keputusan pemadanan")
        m.nik_flags = old.get("nik_flags")
        s.add(IdentityHistory(member_id=member_id, field="nik", old_value=new.get("nik"), new_value=old.get("nik"),
                              source="batal_koreksi_pemadanan", user_id=actor.id))
    if not bulk:
        res.nik_matched = old.get("nik_matched")
        res.dukcapil_id = old.get("dukcapil_id")
        if old.get("status"):
            res.status = old["status"]
        if old.get("priority") is not None:
            res.priority = old["priority"]
    # Back to the queue, or to the machine's restoration when a clerk's verdict on one is undone.
    DECISION.check(res.decision, old.get("decision"), actor.role)
    res.decision = old.get("decision")
    res.decided_by = old.get("decided_by") if res.decision else None
    if res.decision is None:
        res.decided_at = None


def _bulk_stmt(status: str, min_score: float):
    stmt = (select(MatchResult.id, MatchResult.member_id, MatchResult.nik_matched, MatchResult.version, Member.nik,
                   Member.nik_flags, Member.nama, Member.version)
            .join(Member, Member.id == MatchResult.member_id)
            .where(MatchResult.decision.is_(None), MatchResult.status == status, MatchResult.score >= min_score))
    if status in PROPOSING_STATUSES:
        stmt = stmt.where(MatchResult.nik_matched.is_not(None))
    return stmt.order_by(MatchResult.id)


def _check_status(status: str) -> None:
    if status not in E.STATUSES:
        raise MatchingError(f"Status tidak dikenal: {status}. Pilih salah satu: {', '.join(E.STATUSES)}.")


def bulk_accept_preview(session: Session, status: str, min_score: float, *, actor: Actor) -> int:
    """How many undecided results ``bulk_accept`` would accept."""
    _check_role(session, actor, Capability.MATCH_BULK)
    _check_status(status)
    sub = _bulk_stmt(status, min_score).subquery()
    return int(session.execute(select(func.count()).select_from(sub)).scalar_one())


@changes(DataKind.MATCHING, DataKind.REGISTRY)
def bulk_accept(db: Database, actor: Actor, status: str, min_score: float) -> int:
    """Accept every undecided result of ``status`` with ``score >= min_score`` in ONE transaction.

    Proposed NIKs become the members' NIKs (audit event per member + identity_history), and one
    ``match.bulk_accept`` event lists them so :func:`undo_last` can revert the whole batch.
    """
    _check_status(status)
    _check_role(db, actor, Capability.MATCH_BULK)
    # Every row goes the same path (open -> diterima): the machine's rule is checked once.
    DECISION.check(OPEN, Decision.DITERIMA, actor.role)
    with db.transaction() as s:
        rows = s.execute(_bulk_stmt(status, min_score)).all()
        if not rows:
            return 0
        ts = db_timestamp(s)
        res_upd, mem_upd, hist, audits, items = [], [], [], [], []
        for rid, mid, nik_m, rver, nik, flags, nama, mver in rows:
            change = status != MatchStatus.GANDA and nik_m and nik_m != nik
            res_upd.append((rid, Decision.DITERIMA, actor.id, ts, rver + 1))
            item = {"member_id": mid, "nik": nik, "nik_flags": flags}
            if change:
                new_flags = cleaned_flags(flags)
                mem_upd.append((mid, nik_m, new_flags, ts, mver + 1))
                hist.append((mid, "nik", nik, nik_m, "koreksi_pemadanan", actor.id, ts))
                audits.append((ts, actor.id, actor.username, "member.update", "member", mid,
                               f"{nama}: nik diubah (penerimaan massal pemadanan)"[:300],
                               json.dumps({"nik": nik}, ensure_ascii=False), json.dumps({"nik": nik_m}),
                               f"Koreksi NIK dari pemadanan Dukcapil ({E.STATUS_LABELS[status]}, skor ≥ {min_score})"))
                item["nik_new"] = nik_m
            items.append(item)
        bulk_update(s, "match_results", ("decision", "decided_by", "decided_at", "version"), res_upd)
        write_nik_changes(s, mem_upd, hist, audits)
        audit.record(s, actor, "match.bulk_accept", entity_type="match_result", entity_id=None,
                     summary=f"{len(rows)} hasil '{E.STATUS_LABELS[status]}' dengan skor ≥ {min_score} diterima "
                             f"({len(mem_upd)} NIK dikoreksi)",
                     old={"items": items}, new={"status": status, "min_score": min_score, "count": len(rows)})
        return len(rows)
