"""Building a submission batch from final Musdes decisions, and reading it.

:func:`create_batch` takes every decision of the batch's kind (``usulan_baru`` → decision
``usulan_baru``, ``hapus`` → ``hapus``, ``perbaikan`` → ``perbaikan_data``) from the current
meeting of each desa in the scope (one desa, one kecamatan or the whole kabupaten) and either
puts it in the batch or records why it is left out (checked in this order):

1. ``ba_belum_kembali``: the meeting is not final (its signed Berita Acara has not come back);
2. ``nik_tidak_padan``: the NIK is not padan with the civil registry (usulan baru and perbaikan;
   a removal does not need a padan NIK: a dead or duplicate person often has none);
3. ``alamat_tidak_lengkap``: no address, RT or RW (usulan baru and perbaikan);
4. ``aturan_program``: usulan baru of a person (or family) who already receives a programme the
   office's double-receipt rules forbid together with the batch's programme;
5. ``di_batch_lain``: the person is already in another open batch (draft, diajukan, disetujui,
   dikirim) of the same programme.

A row of an approved batch is frozen: :func:`remove_row` refuses it, and the refusal is audited.
"""

from __future__ import annotations

import json
from collections import Counter

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from dtks_desktop.db.models import (
    MusdesDecision, MusdesMeeting, ProgrammeLink, Region, SubmissionBatch, SubmissionBatchRow, SubmissionExclusion,
)
from dtks_desktop.domain.masking import mask_nik
from dtks_desktop.domain.permissions import Capability
from dtks_desktop.domain.regions import repair_code
from dtks_desktop.domain.submission import (
    DEFAULT_PROVINSI_PROGRAMMES, KEMENSOS_PROGRAMMES, KIND_DECISION, KIND_LABELS, PROVINSI_PROGRAMMES_KEY, Exclusion,
    Kind, Target, check_provinsi_programmes, normalise_programme, parse_kind, parse_target,
)
from dtks_desktop.domain.workflow.musdes import CURRENT_STATES, MeetingStatus
from dtks_desktop.domain.workflow.submission import OPEN_STATES, BatchStatus
from dtks_desktop.services.core import audit, settings
from dtks_desktop.services.core.common import DataKind, changes
from dtks_desktop.services.core.permissions import require
from dtks_desktop.services.core.users import Actor
from dtks_desktop.services.submission.common import (
    BatchRow, BatchView, ExcludedRow, SubmissionError, batch_row, exclusion_label, view_of,
)

__all__ = ["programmes_for", "provinsi_programmes_configured", "set_provinsi_programmes", "create_batch", "get_batch", "list_batches", "batch_rows", "count_rows",
           "excluded_rows", "remove_row", "FrozenRowError"]


class FrozenRowError(SubmissionError):
    """A change of a row of an approved (frozen) batch."""


def programmes_for(session: Session, target: str) -> list[str]:
    """The programme codes a batch to ``target`` may carry."""
    t = parse_target(target)
    if t == Target.KEMENSOS:
        return list(KEMENSOS_PROGRAMMES)
    raw = settings.get(session, PROVINSI_PROGRAMMES_KEY, "") or ""
    try:
        names = [normalise_programme(x) for x in json.loads(raw)] if raw.strip() else []
    except (ValueError, TypeError):
        names = []
    return [n for n in names if n] or list(DEFAULT_PROVINSI_PROGRAMMES)


def provinsi_programmes_configured(session: Session) -> bool:
    """False while the office has not set its provincial programmes (the default list applies)."""
    return bool((settings.get(session, PROVINSI_PROGRAMMES_KEY, "") or "").strip())


@changes(DataKind.SETTINGS)
def set_provinsi_programmes(session: Session, actor: Actor, codes: list[str]) -> list[str]:
    """Store the office's provincial programmes (administrators: office.settings, like the upload
    layouts that depend on them). Validated (:func:`domain.submission.check_provinsi_programmes`);
    audited as ``settings.update`` of ``submission.programmes.provinsi`` with the old and new list.
    Batches already built for a programme taken off the list keep it (and can be exported)."""
    require(session, actor, Capability.OFFICE_SETTINGS, detail=PROVINSI_PROGRAMMES_KEY)
    out, problems = check_provinsi_programmes(list(codes))
    if problems:
        raise SubmissionError("Daftar program provinsi tidak disimpan: " + " ".join(problems))
    settings.put(session, actor, PROVINSI_PROGRAMMES_KEY, json.dumps(out, ensure_ascii=False),
                 reason="Program provinsi diubah", capability=Capability.OFFICE_SETTINGS)
    return out


def _scope(session: Session, kecamatan: str | None, desa: str | None) -> tuple[str | None, str | None]:
    if kecamatan and desa:
        raise SubmissionError("Pilih salah satu cakupan: kecamatan atau desa, tidak keduanya.")
    kode = repair_code(kecamatan or desa) if (kecamatan or desa) else None
    if kode is None and (kecamatan or desa):
        kode = (kecamatan or desa or "").strip()
    if kode is None:
        return None, None
    level = session.execute(select(Region.level).where(Region.kode == kode)).scalar_one_or_none()
    want = 3 if kecamatan else 4
    if level != want:
        what = "kecamatan" if kecamatan else "desa/kelurahan"
        raise SubmissionError(f"Kode {what} tidak dikenal: {kecamatan or desa}. Tulis kode Kemendagri bertitik, "
                              f"mis. {'33.10.01' if kecamatan else '33.10.01.2001'}.")
    return (kode, None) if kecamatan else (None, kode)


def _person_key(d: MusdesDecision) -> str:
    if d.member_id is not None:
        return f"m:{d.member_id}"
    if d.proposal_member_id is not None:
        return f"p:{d.proposal_member_id}"
    return f"d:{d.id}"


def _forbidden(session: Session, programme: str, decisions: list[MusdesDecision]) -> dict[int, str]:
    """decision id -> the programme the person (or family) already receives that a rule forbids."""
    from dtks_desktop.services.matching import programmes as P

    rules = [r for r in P.get_rules(session) if programme in (r.a, r.b)]
    if not rules:
        return {}
    mids = [d.member_id for d in decisions if d.member_id is not None]
    of_member = P.programmes_of_members(session, mids)
    of_family: dict[int, set[str]] = {}
    if any(r.level != P.LEVEL_ORANG for r in rules):
        # what P.programmes_of_household gives per family, for every family at once (500 a query)
        hids = sorted({d.household_id for d in decisions if d.household_id is not None})
        for k in range(0, len(hids), 500):
            for hid, prog in session.execute(
                    select(ProgrammeLink.household_id, ProgrammeLink.program)
                    .where(ProgrammeLink.household_id.in_(hids[k:k + 500])).distinct()):
                of_family.setdefault(hid, set()).add(prog.upper())
    out: dict[int, str] = {}
    for d in decisions:
        for r in rules:
            other = r.b if r.a == programme else r.a
            if r.level == P.LEVEL_ORANG:
                have = {p.program.upper() for p in of_member.get(d.member_id, [])} if d.member_id else set()
            else:
                if d.household_id is None:
                    continue
                have = of_family.get(d.household_id, set())
            if other in have:
                out[d.id] = other
                break
    return out


@changes(DataKind.AUDIT)
def create_batch(session: Session, actor: Actor, target: str, programme: str, kind: str, *,
                 kecamatan: str | None = None, desa: str | None = None) -> BatchView:
    """A new draft batch of the final Musdes decisions of ``kind`` in the scope, with the exclusions."""
    require(session, actor, Capability.BATCH_BUILD, detail=f"{target} {programme} {kind}")
    try:
        t = parse_target(target)
        k = parse_kind(kind)
    except ValueError as exc:
        raise SubmissionError(str(exc)) from None
    prog = normalise_programme(programme)
    allowed = programmes_for(session, t)
    if prog not in allowed:
        raise SubmissionError(f"Program '{programme}' bukan program untuk {t.value}. Pilih salah satu: "
                              f"{', '.join(allowed)}."
                              + (" Program provinsi diatur admin di Kantor & Dokumen › Format berkas atau dengan "
                                 "dtks batch programmes set."
                                 if t == Target.PROVINSI else ""))
    kec_kode, desa_kode = _scope(session, kecamatan, desa)

    q = (select(MusdesDecision, MusdesMeeting.status, MusdesMeeting.desa_kode)
         .join(MusdesMeeting, MusdesMeeting.id == MusdesDecision.meeting_id)
         .where(MusdesMeeting.status.in_([s.value for s in CURRENT_STATES]),
                MusdesDecision.decision == KIND_DECISION[k].value))
    if desa_kode:
        q = q.where(MusdesMeeting.desa_kode == desa_kode)
    elif kec_kode:
        q = q.where(MusdesMeeting.desa_kode.startswith(kec_kode + "."))
    q = q.order_by(MusdesMeeting.desa_kode, MusdesDecision.urut, MusdesDecision.id)
    found = session.execute(q).all()
    if not found:
        raise SubmissionError(f"Tidak ada keputusan musyawarah '{KIND_DECISION[k].value}' di cakupan ini. "
                              "Catat keputusan musyawarah desa/kelurahan dulu.")

    open_keys = set(session.execute(
        select(SubmissionBatchRow.person_key).join(SubmissionBatch)
        .where(SubmissionBatch.programme == prog,
               SubmissionBatch.status.in_([s.value for s in OPEN_STATES]))).scalars())
    forbidden = _forbidden(session, prog, [d for d, _, _ in found]) if k == Kind.USULAN_BARU else {}

    b = SubmissionBatch(target=t.value, programme=prog, kind=k.value, kecamatan_kode=kec_kode, desa_kode=desa_kode,
                        status=BatchStatus.DRAFT.value, created_by=actor.id)
    session.add(b)
    session.flush()
    counts: Counter = Counter()
    seen: set[str] = set()
    rows: list[dict] = []
    excluded: list[dict] = []
    for d, mstatus, mdesa in found:
        key = _person_key(d)
        reason, detail = None, None
        needs_identity = k != Kind.HAPUS
        if mstatus != MeetingStatus.FINAL.value:
            reason = Exclusion.BA_BELUM_KEMBALI
        elif needs_identity and not d.padan:
            reason = Exclusion.NIK_TIDAK_PADAN
        elif needs_identity and not ((d.alamat or "").strip() and (d.rt or "").strip() and (d.rw or "").strip()):
            reason = Exclusion.ALAMAT_TIDAK_LENGKAP
        elif d.id in forbidden:
            reason, detail = Exclusion.ATURAN_PROGRAM, f"sudah menerima {forbidden[d.id]}"
        elif key in open_keys or key in seen:
            reason = Exclusion.DI_BATCH_LAIN
        if reason is not None:
            counts[reason.value] += 1
            excluded.append(dict(batch_id=b.id, decision_id=d.id, desa_kode=mdesa, id_dtks=d.id_dtks,
                                 nama=d.nama, reason=reason.value, detail=detail))
            continue
        seen.add(key)
        rows.append(dict(
            batch_id=b.id, decision_id=d.id, person_key=key, household_id=d.household_id, member_id=d.member_id,
            desa_kode=mdesa, id_dtks=d.id_dtks, nama=d.nama, nik=d.nik, no_kk=d.no_kk, hubungan=d.hubungan,
            alamat=d.alamat, rt=d.rt, rw=d.rw, kind=d.decision, reason=d.reason, frozen=False))
    # rows in the order of the decisions (the row id order the SHA-256 follows), 2,000 a statement
    for table, items in ((SubmissionBatchRow, rows), (SubmissionExclusion, excluded)):
        for at in range(0, len(items), 2000):
            session.execute(insert(table), items[at:at + 2000])
    b.excluded = json.dumps({e.value: counts[e.value] for e in Exclusion if counts[e.value]})
    session.flush()
    view = view_of(session, b)
    audit.record(session, actor, "batch.create", entity_type="submission_batch", entity_id=b.id,
                 summary=f"Batch #{b.id} {KIND_LABELS[k]} {prog} ke {t.value}: {len(rows)} baris, "
                         f"{sum(counts.values())} dikecualikan",
                 new={"target": t.value, "programme": prog, "kind": k.value, "kecamatan": kec_kode, "desa": desa_kode,
                      "rows": len(rows), "excluded": dict(counts)})
    return view


def get_batch(session: Session, batch_id: int) -> BatchView:
    return view_of(session, batch_row(session, batch_id))


def list_batches(session: Session, *, status: str | None = None, target: str | None = None) -> list[BatchView]:
    q = select(SubmissionBatch).order_by(SubmissionBatch.id.desc())
    if status:
        q = q.where(SubmissionBatch.status == status)
    if target:
        q = q.where(SubmissionBatch.target == target)
    return [view_of(session, b) for b in session.execute(q).scalars()]


def _regions(session: Session, codes: set[str]) -> dict[str, tuple[str, str]]:
    """desa code -> (desa name, kecamatan name)."""
    wanted = sorted(set(codes) | {k.rsplit(".", 1)[0] for k in codes})
    found: dict[str, str] = {}
    for at in range(0, len(wanted), 500):  # one query per 500 codes, not two per desa
        found.update(session.execute(select(Region.kode, Region.nama).where(Region.kode.in_(wanted[at:at + 500]))).all())
    return {k: (found.get(k, k), found.get(k.rsplit(".", 1)[0], k.rsplit(".", 1)[0])) for k in codes}


def _addr(r: SubmissionBatchRow) -> str:
    return " ".join(x for x in (r.alamat or "", f"RT {r.rt}" if r.rt else "", f"RW {r.rw}" if r.rw else "") if x)


def to_rows(session: Session, rows: list[SubmissionBatchRow]) -> list[BatchRow]:
    policy = settings.mask_policy(session)
    names = _regions(session, {r.desa_kode for r in rows})
    return [BatchRow(id=r.id, desa_kode=r.desa_kode, desa_nama=names[r.desa_kode][0],
                     kecamatan_nama=names[r.desa_kode][1], id_dtks=r.id_dtks or r.person_key, nama=r.nama,
                     nik_masked=mask_nik(r.nik, policy), no_kk_masked=mask_nik(r.no_kk, policy), alamat=_addr(r),
                     kind=r.kind, reason=r.reason) for r in rows]


def batch_rows(session: Session, batch_id: int, *, offset: int = 0, limit: int = 500) -> list[BatchRow]:
    """One page of the batch's rows (by desa), NIK and No KK masked by the office policy."""
    batch_row(session, batch_id)
    q = (select(SubmissionBatchRow).where(SubmissionBatchRow.batch_id == batch_id)
         .order_by(SubmissionBatchRow.desa_kode, SubmissionBatchRow.id).offset(max(0, offset)).limit(max(0, limit)))
    return to_rows(session, list(session.execute(q).scalars()))


def count_rows(session: Session, batch_id: int) -> int:
    return session.execute(select(func.count()).select_from(SubmissionBatchRow)
                           .where(SubmissionBatchRow.batch_id == batch_id)).scalar_one()


def excluded_rows(session: Session, batch_id: int) -> list[ExcludedRow]:
    batch_row(session, batch_id)
    rows = list(session.execute(select(SubmissionExclusion).where(SubmissionExclusion.batch_id == batch_id)
                                .order_by(SubmissionExclusion.desa_kode, SubmissionExclusion.id)).scalars())
    names = _regions(session, {r.desa_kode for r in rows})
    return [ExcludedRow(id_dtks=r.id_dtks or "", nama=r.nama, desa_nama=names[r.desa_kode][0], reason=r.reason,
                        reason_label=exclusion_label(r.reason) + (f" ({r.detail})" if r.detail else ""))
            for r in rows]


def _audit_refusal(session: Session, actor: Actor, action: str, entity_id: int, summary: str, reason: str) -> None:
    """Write a refused change to the audit log in a transaction of its own (the caller's rolls back)."""
    from dtks_desktop.db.models import AuditEvent
    bind = session.get_bind()
    with Session(getattr(bind, "engine", bind)) as s:
        s.add(AuditEvent(user_id=actor.id, username=actor.username, action=action, entity_type="submission_batch",
                         entity_id=entity_id, summary=summary[:300], reason=reason[:500]))
        s.commit()


@changes(DataKind.AUDIT)
def remove_row(session: Session, actor: Actor, row_id: int, reason: str) -> BatchView:
    """Take a row out of a draft batch (audited with the reason). A frozen row (approved
    batch) is refused and the refusal audited (``batch.row.refused``)."""
    require(session, actor, Capability.BATCH_BUILD, detail=f"baris #{row_id}")
    r = session.get(SubmissionBatchRow, row_id)
    if r is None:
        raise SubmissionError(f"Baris batch #{row_id} tidak ada.")
    b = batch_row(session, r.batch_id)
    if r.frozen:
        msg = (f"Baris #{r.id} ({r.nama}) milik batch #{b.id} yang sudah disetujui: isinya dibekukan dan tidak "
               "dapat diubah. Buat batch baru bila perlu perubahan.")
        _audit_refusal(session, actor, "batch.row.refused", b.id, f"Ubah baris beku #{r.id} batch #{b.id} ditolak",
                       msg)
        raise FrozenRowError(msg)
    if b.status != BatchStatus.DRAFT.value:
        raise SubmissionError(f"Batch #{b.id} berstatus {b.status}: baris hanya dapat dihapus selama draf.")
    why = " ".join((reason or "").split())
    if not why:
        raise SubmissionError("Alasan mengeluarkan baris wajib diisi.")
    session.delete(r)
    audit.record(session, actor, "batch.row.remove", entity_type="submission_batch", entity_id=b.id,
                 summary=f"Baris {r.nama} dikeluarkan dari batch #{b.id}", old={"row": r.id, "nama": r.nama},
                 reason=why)
    session.flush()
    return view_of(session, b)
