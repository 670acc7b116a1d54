"""PT Pos cleaning: the completeness and deliverability rules, in rounds.

A round checks KPM of a period and records, per KPM, ``lengkap`` or ``dikembalikan`` with its
reasons (:class:`~dtks_desktop.domain.distribution.CleanReason`):

* ``nik_tidak_valid``: not 16 digits, or an impossible date/serial in it;
* ``nik_tidak_padan``: the NIK is neither in the civil-registry snapshot nor the NIK the matching
  agreed on for the registry member (rule ``padan_wajib``, on by default);
* ``nama_kosong``, ``alamat_kosong``, ``rt_kosong``, ``rw_kosong``; ``dusun_kosong`` (rule
  ``dusun_wajib``, off by default: a kelurahan has no dusun);
* ``desa_tidak_dikenal``: no desa code of the office kabupaten (the list named a desa we do not know);
* ``kk_ganda``: another KPM of the period has the same No KK and comes earlier in the list (one KPM
  per family; the later ones are returned);
* ``meninggal`` / ``pindah``: the registry member's status; ``tidak_terdaftar``: the person is not
  in the registry (or was removed from it);
* ``aturan_tambahan``: an extra rule of the office (rule ``kk_wajib``: a 16-digit No KK).

The rules are the office setting :data:`RULES_KEY` (JSON, e.g. ``{"dusun_wajib": true}``).

The first round (:func:`clean`) checks every KPM; each later :func:`clean` checks the KPM not yet
lengkap, and each completed file (``ptpos.import_completed``) the KPM it names. Every round is a
``DistCleanRound`` with one ``DistCleanResult`` per KPM checked; ``DistKpm.clean_status`` /
``clean_reasons`` / ``clean_round`` hold the latest. The first round moves the period ``draf`` →
``siap``. One transaction per round. 100,000 KPM in about 3 s (benchmarks/bench_distribution_clean.py).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, insert, literal, or_, select, update
from sqlalchemy.orm import Session

from dtks_desktop.db.models import (DistCleanResult, DistCleanRound, DistKpm, DistPeriod, DukcapilPerson, MatchResult,
                                    Member, Region, utcnow)
from dtks_desktop.domain.distribution import CLEAN_REASON_LABELS, CleanReason, CleanStatus
from dtks_desktop.domain.nik import is_plausible_nik
from dtks_desktop.domain.permissions import Capability
from dtks_desktop.domain.workflow.distribution import PERIOD, PeriodStatus
from dtks_desktop.domain.workflow.matching import AGREEING_STATUSES, Decision
from dtks_desktop.domain.workflow.registry import MemberStatus
from dtks_desktop.services.core import audit, settings, workflow
from dtks_desktop.services.core.common import CancelFlag, Progress, check_cancel
from dtks_desktop.services.core.permissions import require
from dtks_desktop.services.core.users import Actor
from dtks_desktop.services.distribution.common import DistError, period_row, username

__all__ = ["RULES_KEY", "DEFAULT_RULES", "RULE_LABELS", "clean_rules", "set_clean_rules", "clean", "CleanResult",
           "RoundView", "rounds", "run_round", "CLEANABLE_STATES"]

RULES_KEY = "distribution.clean.rules"
DEFAULT_RULES: dict[str, bool] = {"padan_wajib": True, "dusun_wajib": False, "kk_wajib": False}
RULE_LABELS: dict[str, str] = {
    "padan_wajib": "NIK harus padan dengan Dukcapil",
    "dusun_wajib": "Dusun/lingkungan wajib diisi",
    "kk_wajib": "No KK wajib diisi 16 digit (aturan tambahan)",
}
#: Periods whose KPM may be checked (a returned KPM completed while the distribution runs, too).
CLEANABLE_STATES = frozenset({PeriodStatus.DRAF.value, PeriodStatus.SIAP.value, PeriodStatus.PENYALURAN.value})

_ORDER = {r.value: i for i, r in enumerate(CleanReason)}
_CHUNK = 2000


def clean_rules(session: Session) -> dict[str, bool]:
    raw = settings.get(session, RULES_KEY, "") or ""
    try:
        got = json.loads(raw) if raw.strip() else {}
    except ValueError:
        got = {}
    rules = dict(DEFAULT_RULES)
    if isinstance(got, dict):
        rules.update({k: bool(v) for k, v in got.items() if k in DEFAULT_RULES})
    return rules


def set_clean_rules(session: Session, actor: Actor, rules: dict) -> dict[str, bool]:
    """Change the office's cleaning rules (leads: ``DIST_CLOSE``; audited as a setting)."""
    require(session, actor, Capability.DIST_CLOSE, detail="aturan pembersihan")
    unknown = sorted(set(rules) - set(DEFAULT_RULES))
    if unknown:
        raise DistError(f"Aturan tidak dikenal: {', '.join(unknown)}. Aturan yang ada: {', '.join(DEFAULT_RULES)}.")
    new = {**clean_rules(session), **{k: bool(v) for k, v in rules.items()}}
    settings.put(session, actor, RULES_KEY, json.dumps(new, sort_keys=True), reason="Aturan pembersihan PT Pos",
                 capability=Capability.DIST_CLOSE)
    return new


@dataclass(frozen=True)
class CleanResult:
    """One round: what it checked and found; ``total`` is the period after the round."""

    round: int
    checked: int
    lengkap: int
    dikembalikan: int
    reasons: dict[str, int]
    total: dict[str, int] = field(default_factory=dict)  # {"kpm", "lengkap", "dikembalikan", "belum"}
    file_name: str | None = None
    updated: int = 0  # KPM whose data the completed file changed
    problems: tuple = ()  # rows of the completed file not taken (kpm_import.Problem)

    def reason_labels(self) -> dict[str, int]:
        return {CLEAN_REASON_LABELS[CleanReason(k)]: v for k, v in self.reasons.items()}

    def as_dict(self) -> dict:
        return {"round": self.round, "checked": self.checked, "lengkap": self.lengkap,
                "dikembalikan": self.dikembalikan, "reasons": dict(self.reasons), "total": dict(self.total),
                "file": self.file_name, "updated": self.updated, "problems": [p.as_dict() for p in self.problems]}


@dataclass(frozen=True)
class RoundView:
    round_no: int
    file_name: str | None
    checked: int
    lengkap: int
    dikembalikan: int
    reasons: dict[str, int]
    by: str | None
    at: datetime | None

    def as_dict(self) -> dict:
        return {"round": self.round_no, "file": self.file_name, "checked": self.checked, "lengkap": self.lengkap,
                "dikembalikan": self.dikembalikan, "reasons": dict(self.reasons), "by": self.by,
                "at": self.at.isoformat() if self.at else None}


def rounds(session: Session, period_id: int) -> list[RoundView]:
    period_row(session, period_id)
    out = []
    for r in session.execute(select(DistCleanRound).where(DistCleanRound.period_id == period_id)
                             .order_by(DistCleanRound.round_no)).scalars():
        out.append(RoundView(r.round_no, r.file_name, r.checked, r.lengkap, r.dikembalikan,
                             json.loads(r.reasons) if r.reasons else {}, username(session, r.created_by),
                             r.created_at))
    return out


# --- the rules -------------------------------------------------------------------------------------------

def _desa_codes(session: Session) -> set[str]:
    kab = settings.office_kab(session)
    q = select(Region.kode).where(Region.level == 4)
    if kab:
        q = q.where(Region.kode.startswith(kab + "."))
    return set(session.execute(q).scalars())


def _padan(session: Session, period_id: int) -> set[int]:
    """KPM of the period whose NIK is padan: in the civil-registry snapshot, or the NIK the matching
    agreed on (or a clerk accepted) for the registry member."""
    k = DistKpm
    in_dukcapil = select(k.id).where(k.period_id == period_id, k.nik.is_not(None),
                                     select(DukcapilPerson.id).where(DukcapilPerson.nik == k.nik).exists())
    agreed = (select(k.id).join(MatchResult, MatchResult.member_id == k.member_id)
              .where(k.period_id == period_id,
                     or_(and_(MatchResult.status.in_([s.value for s in AGREEING_STATUSES]),
                              or_(MatchResult.decision.is_(None), MatchResult.decision != Decision.DITOLAK.value)),
                         and_(MatchResult.decision.in_([Decision.DITERIMA.value, Decision.OTOMATIS.value]),
                              MatchResult.nik_matched == k.nik))))
    return set(session.execute(in_dukcapil).scalars()) | set(session.execute(agreed).scalars())


def _member_status(session: Session, period_id: int) -> dict[int, str]:
    q = (select(DistKpm.id, Member.status).join(Member, Member.id == DistKpm.member_id)
         .where(DistKpm.period_id == period_id, Member.status != MemberStatus.AKTIF.value))
    return dict(session.execute(q).all())


def _kk_first(session: Session, period_id: int) -> dict[str, int]:
    """No KK -> the KPM that keeps it (the first in the list)."""
    first: dict[str, int] = {}
    q = (select(DistKpm.no_kk, DistKpm.id).where(DistKpm.period_id == period_id, DistKpm.no_kk.is_not(None))
         .order_by(DistKpm.urut, DistKpm.id))
    for kk, kid in session.execute(q):
        if kk and kk not in first:
            first[kk] = kid
    return first


_COLS = (DistKpm.id, DistKpm.nik, DistKpm.no_kk, DistKpm.nama, DistKpm.alamat, DistKpm.dusun, DistKpm.rt, DistKpm.rw,
         DistKpm.desa_kode, DistKpm.in_registry)


def _evaluate(session: Session, period_id: int, rows, rules: dict[str, bool]) -> dict[int, tuple[str, str | None]]:
    """KPM id -> (status, reasons as stored) for ``rows`` (tuples of :data:`_COLS`)."""
    R = CleanReason
    padan = _padan(session, period_id) if rules["padan_wajib"] else None
    status = _member_status(session, period_id)
    kk_first = _kk_first(session, period_id)
    desa_ok = _desa_codes(session)
    out: dict[int, tuple[str, str | None]] = {}
    dead, moved, removed = MemberStatus.MENINGGAL.value, MemberStatus.PINDAH.value, MemberStatus.DIHAPUS.value
    for kid, nik, kk, nama, alamat, dusun, rt, rw, desa, in_reg in rows:
        why: list[str] = []
        if not is_plausible_nik(nik):
            why.append(R.NIK_TIDAK_VALID.value)
        elif padan is not None and kid not in padan:
            why.append(R.NIK_TIDAK_PADAN.value)
        if not (nama or "").strip():
            why.append(R.NAMA_KOSONG.value)
        if not (alamat or "").strip():
            why.append(R.ALAMAT_KOSONG.value)
        if not rt:
            why.append(R.RT_KOSONG.value)
        if not rw:
            why.append(R.RW_KOSONG.value)
        if rules["dusun_wajib"] and not (dusun or "").strip():
            why.append(R.DUSUN_KOSONG.value)
        if desa not in desa_ok:
            why.append(R.DESA_TIDAK_DIKENAL.value)
        if kk and kk_first.get(kk, kid) != kid:
            why.append(R.KK_GANDA.value)
        st = status.get(kid)
        if st == dead:
            why.append(R.MENINGGAL.value)
        elif st == moved:
            why.append(R.PINDAH.value)
        if not in_reg or st == removed:
            why.append(R.TIDAK_TERDAFTAR.value)
        if rules["kk_wajib"] and not (kk and len(kk) == 16 and kk.isdigit()):
            why.append(R.ATURAN_TAMBAHAN.value)
        if why:
            why.sort(key=_ORDER.__getitem__)
            out[kid] = (CleanStatus.DIKEMBALIKAN.value, ",".join(why))
        else:
            out[kid] = (CleanStatus.LENGKAP.value, None)
    return out


def _totals(session: Session, period_id: int) -> dict[str, int]:
    counts = dict(session.execute(select(DistKpm.clean_status, func.count()).where(DistKpm.period_id == period_id)
                                  .group_by(DistKpm.clean_status)).all())
    return {"kpm": sum(counts.values()), "lengkap": counts.get(CleanStatus.LENGKAP.value, 0),
            "dikembalikan": counts.get(CleanStatus.DIKEMBALIKAN.value, 0),
            "belum": counts.get(CleanStatus.BELUM.value, 0)}


def run_round(session: Session, actor: Actor, p: DistPeriod, *, only: list[int] | None = None,
              file_name: str | None = None, file_sha256: str | None = None, updated: int = 0,
              problems: tuple = (), progress: Progress | None = None, cancel: CancelFlag | None = None) -> CleanResult:
    """Check KPM of ``p`` as a new round in the caller's transaction: ``only`` those ids, else every
    KPM not yet lengkap. Writes the round, the results, the KPM statuses; ``draf`` → ``siap``."""
    report = progress or (lambda *a: None)
    if p.status not in CLEANABLE_STATES:
        raise DistError(f"Tahap {p.programme} {p.period} berstatus {PERIOD.label(p.status)}: tidak dapat dibersihkan.")
    report(0, 4, "Membaca daftar KPM")
    q = select(*_COLS).where(DistKpm.period_id == p.id)
    if only is None:
        q = q.where(DistKpm.clean_status != CleanStatus.LENGKAP.value)
        rows = session.execute(q).all()
    else:
        rows = []
        for i in range(0, len(only), _CHUNK):
            rows += session.execute(q.where(DistKpm.id.in_(only[i:i + _CHUNK]))).all()
    check_cancel(cancel)
    if not rows:
        raise DistError(f"Semua KPM tahap {p.programme} {p.period} sudah lengkap; tidak ada yang perlu diperiksa.")
    report(1, 4, "Memeriksa aturan PT Pos")
    found = _evaluate(session, p.id, rows, clean_rules(session))
    check_cancel(cancel)
    no = (session.execute(select(func.max(DistCleanRound.round_no)).where(DistCleanRound.period_id == p.id))
          .scalar_one() or 0) + 1
    groups: dict[tuple[str, str | None], list[int]] = defaultdict(list)
    reasons: Counter = Counter()
    for kid, (st, why) in found.items():
        groups[(st, why)].append(kid)
        if why:
            reasons.update(why.split(","))
    lengkap = sum(len(v) for (st, _), v in groups.items() if st == CleanStatus.LENGKAP.value)
    kembali = len(found) - lengkap
    rnd = DistCleanRound(period_id=p.id, round_no=no, file_name=file_name, file_sha256=file_sha256,
                         checked=len(found), lengkap=lengkap, dikembalikan=kembali,
                         reasons=json.dumps(dict(sorted(reasons.items(), key=lambda kv: _ORDER[kv[0]]))),
                         created_by=actor.id)
    session.add(rnd)
    session.flush()
    report(2, 4, "Menyimpan hasil")
    for (st, why), ids in groups.items():
        for i in range(0, len(ids), _CHUNK):
            session.execute(update(DistKpm).where(DistKpm.id.in_(ids[i:i + _CHUNK]))
                            .values(clean_status=st, clean_reasons=why, clean_round=no)
                            .execution_options(synchronize_session=False))
        check_cancel(cancel)
    session.execute(insert(DistCleanResult).from_select(
        ["round_id", "kpm_id", "status", "reasons"],
        select(literal(rnd.id), DistKpm.id, DistKpm.clean_status, DistKpm.clean_reasons)
        .where(DistKpm.period_id == p.id, DistKpm.clean_round == no)))
    if p.status == PeriodStatus.DRAF.value:
        workflow.apply(session, actor, PERIOD, p, PeriodStatus.SIAP.value, action="dist.period.status",
                       summary=f"Tahap {p.programme} {p.period}: dibersihkan (ronde {no}), siap salur")
    p.cleaned_at = utcnow()
    ordered = dict(sorted(reasons.items(), key=lambda kv: _ORDER[kv[0]]))
    audit.record(session, actor, "dist.clean", entity_type="dist_period", entity_id=p.id,
                 summary=f"Pembersihan ronde {no} tahap {p.programme} {p.period}: {len(found)} diperiksa, "
                         f"{lengkap} lengkap, {kembali} dikembalikan" + (f" (berkas {file_name})" if file_name else ""),
                 new={"round": no, "checked": len(found), "lengkap": lengkap, "dikembalikan": kembali,
                      "reasons": ordered, "file": file_name, "sha256": file_sha256})
    session.flush()
    report(4, 4, "Selesai")
    return CleanResult(round=no, checked=len(found), lengkap=lengkap, dikembalikan=kembali, reasons=ordered,
                       total=_totals(session, p.id), file_name=file_name, updated=updated, problems=tuple(problems))


def clean(db, actor: Actor, period_id: int, *, progress: Progress | None = None,
          cancel: CancelFlag | None = None) -> CleanResult:
    """A new round over every KPM of the period not yet lengkap (the first round: all of them)."""
    require(db, actor, Capability.DIST_MANAGE, detail=f"bersihkan tahap #{period_id}")
    with db.transaction() as s:
        p = period_row(s, period_id, lock=True)
        return run_round(s, actor, p, progress=progress, cancel=cancel)
