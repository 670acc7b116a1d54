"""The review queue (listing, filters, counts) and one result in detail (:func:`review_item`):
what the Review view shows."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from dtks_desktop.db.models import DukcapilPerson, Household, MatchResult, Member, User
from dtks_desktop.domain.regions import default_region_codes
from dtks_desktop.domain.workflow.matching import Decision
from dtks_desktop.services.matching import engine as E
from dtks_desktop.services.matching import settings as S
from dtks_desktop.services.matching.common import AUTO, AUTO_FILTER, DECIDED_FILTER, REVIEW_STATUSES, MatchingError
from dtks_desktop.domain.formatting import tanggal

__all__ = ["QueueItem", "FieldComparison", "CandidateView", "ReviewItem", "review_queue", "count_queue",
           "review_item"]

@dataclass(frozen=True)
class QueueItem:
    """One row of the review queue."""

    member_id: int
    result_id: int
    id_dtks: str | None
    nama: str
    nik: str | None  # the member's NIK now (None when empty or not valid)
    nik_raw: str | None  # as written in the file
    nik_matched: str | None  # proposed / linked civil-registry NIK
    status: str
    status_label: str
    score: float | None
    priority: int
    desa_kode: str | None
    desa_nama: str | None
    ringkasan: str


def _queue_filter(stmt, status: str | None, desa: str | None):
    if status == AUTO_FILTER:
        stmt = stmt.where(MatchResult.decision == AUTO)
    elif status == DECIDED_FILTER:
        stmt = stmt.where(MatchResult.decision.in_((Decision.DITERIMA, Decision.DITOLAK)))
    else:
        stmt = stmt.where(MatchResult.decision.is_(None))
    if status in (AUTO_FILTER, DECIDED_FILTER):
        pass
    elif status:
        stmt = stmt.where(MatchResult.status == status)
    else:
        stmt = stmt.where(MatchResult.status.in_(REVIEW_STATUSES))
    if desa:
        stmt = stmt.where(or_(Household.desa_kode == desa, Household.desa_kode.like(desa + ".%")))
    return stmt


def _summary_of(reasons: str | None) -> str:
    if not reasons:
        return ""
    try:
        return json.loads(reasons).get("ringkasan", "")
    except ValueError:
        return ""


def review_queue(session: Session, *, status: str | None = None, desa: str | None = None, offset: int = 0,
                 limit: int = 200) -> list[QueueItem]:
    """Undecided results to review (default: every status except padan / padan_catatan), ordered by
    priority (Excel-damaged corrections first, then other corrections, NIK of somebody else, ganda,
    not found), then id. ``status`` may name any status (also ``padan_catatan``); ``desa`` is a desa
    or kecamatan code."""
    stmt = (select(MatchResult.member_id, MatchResult.id, Member.id_dtks, Member.nama, Member.nik, Member.nik_raw,
                   MatchResult.nik_matched, MatchResult.status, MatchResult.score, MatchResult.priority,
                   Household.desa_kode, MatchResult.reasons)
            .join(Member, Member.id == MatchResult.member_id).join(Household, Household.id == Member.household_id))
    stmt = _queue_filter(stmt, status, desa).order_by(MatchResult.priority, MatchResult.id).offset(offset).limit(limit)
    names = default_region_codes()
    return [QueueItem(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], E.STATUS_LABELS.get(r[7], r[7]), r[8], r[9],
                      r[10], names.name(r[10]) if r[10] else None, _summary_of(r[11]))
            for r in session.execute(stmt)]


def count_queue(session: Session, status: str | None = None, desa: str | None = None) -> int:
    stmt = select(func.count()).select_from(MatchResult)
    if desa:
        stmt = stmt.join(Member, Member.id == MatchResult.member_id).join(Household, Household.id == Member.household_id)
    return int(session.execute(_queue_filter(stmt, status, desa)).scalar_one())


@dataclass(frozen=True)
class FieldComparison:
    field: str
    label: str
    member_value: str  # DTKS, formatted for display
    civil_value: str  # Dukcapil
    level: str
    weight: float
    note: str  # Indonesian
    differs: bool  # highlight in the view


@dataclass(frozen=True)
class CandidateView:
    dukcapil_id: int | None
    nik: str
    nama: str | None
    tempat_lahir: str | None
    tanggal_lahir: date | None
    jenis_kelamin: str | None
    nama_ibu: str | None
    no_kk: str | None
    desa_kode: str | None
    desa_nama: str | None
    kecamatan_nama: str | None
    alamat: str | None
    score: float
    chosen: bool  # the machine's link / proposal
    nik_ganda: bool  # the NIK appears more than once in the civil-registry snapshot
    in_snapshot: bool  # False when the snapshot was replaced and the person is gone
    fields: list[FieldComparison]


@dataclass(frozen=True)
class ReviewItem:
    member_id: int
    result_id: int
    id_dtks: str | None
    nama: str
    nik: str | None
    nik_raw: str | None
    nik_flags: str | None
    tempat_lahir: str | None
    tanggal_lahir: date | None
    jenis_kelamin: str | None
    nama_ibu: str | None
    hubungan: int | None
    no_kk: str | None
    desa_kode: str | None
    desa_nama: str | None
    kecamatan_nama: str | None
    alamat: str | None
    status: str
    status_label: str
    score: float | None
    nik_matched: str | None
    decision: str | None
    decided_by: str | None
    decided_at: datetime | None
    ringkasan: str
    catatan: list[str]
    ganda_of_member_id: int | None
    ganda_of_label: str | None  # "ID DTKS … — NAMA" of the member this one duplicates
    candidates: list[CandidateView]
    version: int


def _display(f: str, v) -> str:
    if v is None or v == "":
        return "-"
    if f == "tanggal_lahir":
        return tanggal(v) if isinstance(v, date) else str(v)
    if f == "jenis_kelamin":
        return {"L": "Laki-laki", "P": "Perempuan"}.get(v, str(v))
    return str(v)


def review_item(session: Session, member_id: int) -> ReviewItem:
    """The member, the result and each candidate with per-field level, weight and note."""
    row = session.execute(select(MatchResult, Member, Household).join(Member, Member.id == MatchResult.member_id)
                          .join(Household, Household.id == Member.household_id)
                          .where(MatchResult.member_id == member_id)).first()
    if row is None:
        raise MatchingError(f"Belum ada hasil pemadanan untuk anggota #{member_id}.")
    res, m, h = row
    codes = default_region_codes()
    try:
        reasons = json.loads(res.reasons) if res.reasons else {}
    except ValueError:
        reasons = {}
    try:
        cands = json.loads(res.candidates) if res.candidates else []
    except ValueError:
        cands = []
    if not cands and res.dukcapil_id is not None and reasons.get("bidang"):
        lv = [S.FIELD_LEVELS[b["f"]].index(b["lvl"]) for b in reasons["bidang"]]
        cands = [{"id": res.dukcapil_id, "nik": res.nik_matched, "skor": res.score, "lv": lv,
                  "w": [b["w"] for b in reasons["bidang"]]}]
    ids = [c["id"] for c in cands]
    niks = [c["nik"] for c in cands]
    persons = {p.id: p for p in session.execute(select(DukcapilPerson).where(DukcapilPerson.id.in_(ids))).scalars()} \
        if ids else {}
    by_nik: dict[str, list[DukcapilPerson]] = {}
    if niks:
        for p in session.execute(select(DukcapilPerson).where(DukcapilPerson.nik.in_(niks))).scalars():
            by_nik.setdefault(p.nik, []).append(p)
    # A decision (or a restoration) may have changed the member's NIK after the comparison: show
    # the NIK that was compared, as the file had it.
    m_nik = (m.nik_raw or m.nik) if res.decision is not None else (m.nik or m.nik_raw)
    m_vals = {"nik": m_nik, "nama": m.nama, "tanggal_lahir": m.tanggal_lahir,
              "jenis_kelamin": m.jenis_kelamin, "nama_ibu": m.nama_ibu, "no_kk": h.no_kk, "desa": h.desa_kode}
    views = []
    for c in cands:
        p = persons.get(c["id"])
        if p is None:  # snapshot replaced since: the same NIK in the new one
            same = by_nik.get(c["nik"]) or []
            p = same[0] if same else None
        c_vals = ({"nik": p.nik, "nama": p.nama, "tanggal_lahir": p.tanggal_lahir, "jenis_kelamin": p.jenis_kelamin,
                   "nama_ibu": p.nama_ibu, "no_kk": p.no_kk, "desa": p.desa_kode} if p is not None
                  else {"nik": c["nik"]})
        fields_ = []
        for j, f in enumerate(S.FIELDS):
            lvl = S.FIELD_LEVELS[f][int(c["lv"][j])]
            note = E.field_note(f, lvl, m_vals.get(f), c_vals.get(f), region_name=codes.name)
            mv, cv = m_vals.get(f), c_vals.get(f)
            if f == "desa":
                mv = codes.name(mv) if mv else None
                cv = codes.name(cv) if cv else None
            fields_.append(FieldComparison(f, S.FIELD_LABELS[f], _display(f, mv), _display(f, cv), lvl,
                                           float(c["w"][j]), note, lvl not in ("sama", "kosong")))
        nik_count = len(by_nik.get(c["nik"], []))
        views.append(CandidateView(
            dukcapil_id=p.id if p is not None else c["id"], nik=c["nik"], nama=p.nama if p else None,
            tempat_lahir=p.tempat_lahir if p else None, tanggal_lahir=p.tanggal_lahir if p else None,
            jenis_kelamin=p.jenis_kelamin if p else None, nama_ibu=p.nama_ibu if p else None,
            no_kk=p.no_kk if p else None, desa_kode=p.desa_kode if p else None,
            desa_nama=codes.name(p.desa_kode) if p and p.desa_kode else None,
            kecamatan_nama=codes.name(p.desa_kode[:8]) if p and p.desa_kode else None,
            alamat=p.alamat if p else None, score=float(c["skor"]),
            chosen=res.nik_matched is not None and c["nik"] == res.nik_matched and
            (res.dukcapil_id is None or c["id"] == res.dukcapil_id or p is None or p.id == res.dukcapil_id),
            nik_ganda=nik_count > 1, in_snapshot=p is not None, fields=fields_))
    decided_by = session.get(User, res.decided_by).username if res.decided_by else None
    g_label = None
    if res.ganda_of_member_id:
        g = session.get(Member, res.ganda_of_member_id)
        if g is not None:
            g_label = f"ID DTKS {g.id_dtks or '-'} — {g.nama}"
    return ReviewItem(
        member_id=m.id, result_id=res.id, id_dtks=m.id_dtks, nama=m.nama, nik=m.nik, nik_raw=m.nik_raw,
        nik_flags=m.nik_flags, tempat_lahir=m.tempat_lahir, tanggal_lahir=m.tanggal_lahir,
        jenis_kelamin=m.jenis_kelamin, nama_ibu=m.nama_ibu, hubungan=m.hubungan, no_kk=h.no_kk,
        desa_kode=h.desa_kode, desa_nama=codes.name(h.desa_kode) if h.desa_kode else None,
        kecamatan_nama=codes.name(h.desa_kode[:8]) if h.desa_kode else None, alamat=h.alamat, status=res.status,
        status_label=E.STATUS_LABELS.get(res.status, res.status), score=res.score, nik_matched=res.nik_matched,
        decision=res.decision, decided_by=decided_by, decided_at=res.decided_at,
        ringkasan=reasons.get("ringkasan", ""), catatan=list(reasons.get("catatan", [])),
        ganda_of_member_id=res.ganda_of_member_id, ganda_of_label=g_label, candidates=views, version=res.version)
