"""Matching (pemadanan) against the civil-registry snapshot: run, review, decide, export.

No Qt. ``run_matching`` reads the registry and the snapshot, links members in memory
(:mod:`.engine`) and writes every result in ONE transaction with a ``match_runs`` row; a cancel
or an error before the commit leaves the previous results untouched. Re-runs are incremental:
only members without a result, whose matching fields changed (fingerprint) or whose result was
made against another snapshot are matched again; rows with a clerk's decision are never
touched.

The review functions (``review_queue``, ``count_queue``, ``review_item``, ``decide``,
``undo_last``, ``bulk_accept_preview``, ``bulk_accept``) are what the Review view uses.
"""

from __future__ import annotations

import csv
import hashlib
import json
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterator

import numpy as np
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from dtks_desktop.db.bulk import bulk_insert, bulk_update
from dtks_desktop.db.models import (AuditEvent, DukcapilPerson, Household, IdentityHistory, ImportBatch, MatchResult, MatchRun,
                          Member,
                          User)
from dtks_desktop.domain.formatting import angka
from dtks_desktop.domain.regions import default_region_codes
from dtks_desktop.domain.spreadsheet import csv_safe
from dtks_desktop.services.core import audit, locks
from dtks_desktop.services.matching import programmes
from dtks_desktop.services.core.common import CancelFlag, Progress, check_cancel
from dtks_desktop.services.core.database import Database
from dtks_desktop.services.core.permissions import Capability, require
from dtks_desktop.services.core.registry import db_timestamp, update_member
from dtks_desktop.services.core.users import Actor
from dtks_desktop.services.matching import engine as E
from dtks_desktop.services.matching import settings as S

__all__ = [
    "MatchingError", "MatchSummary", "run_matching", "QueueItem", "FieldComparison", "CandidateView",
    "ReviewItem", "DecisionResult", "review_queue", "count_queue", "review_item", "decide", "undo_last",
    "bulk_accept_preview", "bulk_accept", "export_csv", "REVIEW_STATUSES", "ACTIONS", "EXPORT_COLUMNS",
    "latest_run",
]

#: Statuses in the review queue by default (padan and padan_catatan are accepted by the machine).
REVIEW_STATUSES = ("usulan_koreksi", "nik_orang_lain", "ganda", "tidak_padan")
ACTIONS = ("terima", "tolak", "pilih")
#: ``decision`` of a spreadsheet-damaged NIK the machine restored itself (``MatchParams.pulih_otomatis``).
AUTO = "otomatis"
#: Decisions that accept the link (a clerk's or the machine's restoration).
ACCEPTED = ("diterima", AUTO)
#: Review filter listing the machine's restorations (``review_queue(status=AUTO_FILTER)``).
AUTO_FILTER = "otomatis"
AUTO_LABEL = "Dipulihkan otomatis"
#: Review filter listing the results a clerk decided (``review_queue(status=DECIDED_FILTER)``): "Buka kembali".
DECIDED_FILTER = "diputuskan"
DECIDED_LABEL = "Sudah diputuskan petugas"
#: Status of a restored result (the machine's own status before it was "usulan_koreksi").
RESTORED_STATUS = "padan_catatan"
#: Key in ``match_runs.counts_json``: results restored by the machine and not yet decided by a clerk.
AUTO_COUNT_KEY = "dipulihkan_otomatis"
EXPORT_COLUMNS = ("id_dtks", "nik_file", "nik_matched", "status", "score", "reasons")
# NIK issue codes that a corrected NIK makes obsolete.
_NIK_ISSUES_FIXED = ("nik_rusak_excel", "nik_tidak_sah", "nik_tanggal_tidak_valid", "nik_bulan_tidak_valid",
                     "nik_urut_nol", "nik_provinsi_tidak_dikenal", "nik_tgl_lahir_beda", "nik_jenis_kelamin_beda",
                     "nik_wilayah_tidak_dikenal", "nik_luar_kabupaten", "nik_ganda_di_berkas")
FETCH = 100_000


class MatchingError(Exception):
    """A problem the user must fix (Indonesian ``message``)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- run ---------------------------------------------------------------------------------------

@dataclass
class MatchSummary:
    run_id: int
    dukcapil_batch_id: int | None
    counts: dict[str, int]  # status -> members (all results after the run, decided included)
    members_total: int
    members_matched: int  # matched again in this run
    skipped_unchanged: int
    skipped_decided: int
    ganda_updated: int  # unchanged rows whose ganda status changed because of another member
    civil_persons: int
    seconds: float
    notes: list[str] = field(default_factory=list)
    restored_auto: int = 0  # spreadsheet-damaged NIKs the machine restored itself in this run

    def as_dict(self) -> dict:
        return asdict(self)

    def summary_text(self) -> str:
        parts = [f"{E.STATUS_LABELS[s]}: {angka(self.counts.get(s, 0))}" for s in E.STATUSES]
        head = (f"Pemadanan #{self.run_id} selesai dalam {self.seconds:.1f} detik: {angka(self.members_matched)} "
                f"anggota dipadankan, {angka(self.skipped_unchanged)} tidak berubah (dilewati), "
                f"{angka(self.skipped_decided)} sudah diputuskan petugas.")
        if self.restored_auto:
            head += (f"\n{angka(self.restored_auto)} NIK yang rusak oleh spreadsheet dipulihkan otomatis "
                     f"(lihat filter '{AUTO_LABEL}').")
        return head + "\n" + "\n".join(parts) + ("\n" + "\n".join(self.notes) if self.notes else "")


def _fingerprint(row: tuple) -> str:
    # member row in MEMBER_COLUMNS order: id, nik, nik_raw, nik_flags, nama, nama_norm, dob, sex, ibu, kk, desa
    parts = (row[1], row[2], row[4], row[6], row[7], row[8], row[9], row[10])
    s = "\x1f".join("" if v is None else (v.isoformat() if isinstance(v, date) else str(v)) for v in parts)
    return hashlib.blake2b(s.encode("utf-8"), digest_size=20).hexdigest()


@contextmanager
def _cursor(session: Session, sql: str, name: str) -> Iterator:
    conn = session.connection()
    dbapi = conn.connection.dbapi_connection
    if conn.dialect.name == "postgresql":
        cur = dbapi.cursor(name=name)  # server-side: rows arrive in chunks, not all at once
        cur.itersize = FETCH
    else:
        cur = dbapi.cursor()
    try:
        cur.execute(sql)
        yield cur
    finally:
        cur.close()


CIVIL_SQL = ("SELECT id, nik, no_kk, nama, nama_key, tanggal_lahir, jenis_kelamin, nama_ibu, desa_kode, nik_flags "
             "FROM dukcapil_persons ORDER BY id")
MEMBER_SQL = ("SELECT m.id, m.nik, m.nik_raw, m.nik_flags, m.nama, m.nama_key, m.tanggal_lahir, m.jenis_kelamin, "
              "m.nama_ibu, h.no_kk, h.desa_kode, h.no_kk_flags FROM members m JOIN households h ON h.id = m.household_id "
              "WHERE m.status <> 'dihapus' ORDER BY m.id")


def _snapshot_batch(session: Session) -> tuple[int | None, int]:
    row = session.execute(select(func.max(DukcapilPerson.batch_id), func.count())).one()
    return row[0], int(row[1])


# A matching run writes results, restores members' NIKs and rebuilds the programme links, all
# computed from the registry and the civil-registry snapshot: its write transaction takes the
# locks of all three (services/core/locks.py), so it never interleaves with an import.
MATCH_LOCKS = (locks.REGISTRY, locks.DUKCAPIL, locks.PROGRAMMES)


def _last_imports(session: Session) -> tuple:
    """The newest SIKS-NG and civil-registry batch ids (each kind's imports are serialised by its
    lock, so a newer import of a kind always has a larger id)."""
    return tuple(session.execute(select(func.max(ImportBatch.id)).where(ImportBatch.kind == k)).scalar()
                 for k in ("dtks", "dukcapil"))


def _load_existing(session: Session) -> dict[int, tuple]:
    out: dict[int, tuple] = {}
    sql = ("SELECT member_id, fingerprint, dukcapil_batch_id, decision, status, dukcapil_id, nik_matched, score, "
           "ganda_of_member_id, CASE WHEN status = 'ganda' THEN reasons END FROM match_results")
    with _cursor(session, sql, "dtks_match_existing") as cur:
        while True:
            rows = cur.fetchmany(FETCH)
            if not rows:
                break
            for r in rows:
                out[int(r[0])] = tuple(r)
    return out


def run_matching(db: Database, actor: Actor, *, full: bool = False, progress: Progress | None = None,
                 cancel: CancelFlag | None = None) -> MatchSummary:
    """Match the registry against the civil-registry snapshot; one transaction, all or nothing."""
    require(db, actor, Capability.MATCH_RUN)
    t0 = time.perf_counter()

    def say(frac: float, text: str) -> None:
        if progress:
            progress(int(frac * 1000), 1000, text)

    check_cancel(cancel)
    say(0.0, "Menyiapkan pemadanan")
    with db.sessions() as rs:
        imports_seen = _last_imports(rs)  # before anything is read: what the run is computed from
        params = S.load_params(rs)
        batch_id, n_civil = _snapshot_batch(rs)
        if n_civil == 0:
            raise MatchingError("Belum ada data Dukcapil. Impor data Dukcapil (menu Impor, jenis 'Data Dukcapil') "
                                "sebelum menjalankan pemadanan.")
        n_members = rs.execute(select(func.count()).select_from(Member).where(Member.status != "dihapus")).scalar_one()
        if n_members == 0:
            raise MatchingError("Belum ada data DTKS untuk dipadankan. Impor ekspor SIKS-NG terlebih dahulu.")
        rs.rollback()

        # 1. The civil registry.
        vocab = E.Vocab()
        cb = E.TableBuilder(vocab, "civil")
        say(0.01, "Membaca data Dukcapil")
        done = 0
        with _cursor(rs, CIVIL_SQL, "dtks_match_civil") as cur:
            while True:
                rows = cur.fetchmany(FETCH)
                if not rows:
                    break
                cb.add(rows)
                done += len(rows)
                check_cancel(cancel)
                say(0.01 + 0.25 * done / max(n_civil, 1), "Membaca data Dukcapil")
        civil = E.CivilIndex(cb.finish(), vocab)

        # 2. Results so far; members to match again.
        say(0.27, "Membaca hasil pemadanan sebelumnya")
        existing = _load_existing(rs)
        check_cancel(cancel)
        mb = E.TableBuilder(vocab, "member")
        fingerprints: list[str] = []
        keep_rows: list[tuple] = []  # (member_id, status, civil key source, score, decided, ganda_of, reasons)
        n_seen = n_unchanged = n_decided = 0
        damaged_rows: list = []
        say(0.3, "Membaca data DTKS")
        with _cursor(rs, MEMBER_SQL, "dtks_match_members") as cur:
            while True:
                rows = cur.fetchmany(FETCH)
                if not rows:
                    break
                todo = []
                for r in rows:
                    fp = _fingerprint(r)
                    ex = existing.get(r[0])
                    if ex is not None:
                        if ex[3] is not None:
                            n_decided += 1
                            keep_rows.append(ex)
                            continue
                        if not full and ex[1] == fp and ex[2] == batch_id:
                            n_unchanged += 1
                            keep_rows.append(ex)
                            continue
                    todo.append(r)
                    fingerprints.append(fp)
                mb.add(todo)
                n_seen += len(rows)
                check_cancel(cancel)
                say(0.3 + 0.15 * n_seen / max(n_members, 1), "Membaca data DTKS")
        members = mb.finish()
        del existing
        rs.rollback()

    # 3. Link (no database).
    def link_progress(d: int, t: int, text: str = "") -> None:
        say(0.45 + 0.35 * d / max(t, 1), text)

    res = E.link(members, civil, params, progress=link_progress, cancel=cancel)
    check_cancel(cancel)

    # 4. Ganda across all members: the ones matched now and the ones kept.
    say(0.8, "Mencari data ganda")
    civ_ids = civil.t.ids  # ascending (ORDER BY id)
    k_n = len(keep_rows)
    all_ids = np.concatenate([members.ids, np.asarray([r[0] for r in keep_rows], dtype=np.int64)])
    keys = np.concatenate([res.civil, np.full(k_n, -1, dtype=np.int64)])
    base = np.concatenate([res.base_status.astype(np.int64), np.full(k_n, E.TIDAK_PADAN, dtype=np.int64)])
    scores = np.concatenate([res.score, np.zeros(k_n)])
    fixed = np.zeros(len(all_ids), dtype=bool)
    status_code = {s: i for i, s in enumerate(E.STATUSES)}
    kept_base: list[str] = []
    for j, ex in enumerate(keep_rows):
        (_mid, _fp, ex_batch, decision, st, dk_id, nik_m, sc, _g, reasons) = ex
        pos = members.n + j
        b = st
        if st == "ganda" and reasons:
            try:
                b = json.loads(reasons).get("status_mesin", "ganda")
            except ValueError:
                b = "ganda"
        kept_base.append(b)
        if decision == "ditolak" or b not in E.LINKING_STATUSES or not nik_m:
            continue
        ci = -1
        if dk_id is not None and ex_batch == batch_id:
            k = np.searchsorted(civ_ids, dk_id)
            if k < len(civ_ids) and civ_ids[k] == dk_id:
                ci = int(k)
        if ci < 0:
            v = int(nik_m) if nik_m.isdigit() else -1
            k = np.searchsorted(civil.nik_sorted, v)
            if v >= 0 and k < len(civil.nik_sorted) and civil.nik_sorted[k] == v:
                ci = int(civil.nik_order[k])
        keys[pos] = ci
        base[pos] = status_code.get(b, E.TIDAK_PADAN)
        scores[pos] = sc or 0.0
        fixed[pos] = decision in ACCEPTED
    keeper = E.assign_ganda(keys, base, scores, all_ids, fixed)
    check_cancel(cancel)

    # 5. Rows to write.
    say(0.83, "Menyusun hasil")
    region_name = default_region_codes().name
    builder = _ResultBuilder(members, civil, res, region_name)
    result_rows = []
    counts: dict[str, int] = {s: 0 for s in E.STATUSES}
    # Restorations the machine accepts itself: not ganda of another row. (The row that keeps the
    # link of a ganda group may be restored: the NIK is the person's either way; the other row
    # waits in the queue as ganda.)
    restore = res.restore if res.restore is not None else np.zeros(members.n, dtype=bool)
    if restore.any():
        restore = restore & (keeper[:members.n] < 0)
    auto_rows: list[int] = []  # positions in result_rows
    for i in range(members.n):
        if i % 50000 == 0:
            check_cancel(cancel)
        g = int(keeper[i])
        if restore[i]:
            auto_rows.append(len(result_rows))
        result_rows.append(builder.row(i, fingerprints[i], batch_id, int(all_ids[g]) if g >= 0 else None, g))
    ganda_updates = []
    for j, ex in enumerate(keep_rows):
        pos = members.n + j
        (mid, _fp, _b, decision, st, _dk, _nm, _sc, g_old, reasons) = ex
        if decision is not None:
            continue
        g = int(keeper[pos])
        g_mid = int(all_ids[g]) if g >= 0 else None
        if g_mid == g_old and (g_mid is None) == (st != "ganda"):
            continue
        new_status = "ganda" if g_mid is not None else kept_base[j]
        ganda_updates.append((int(mid), new_status, g_mid, E.priority_of(new_status, False), reasons))

    # 6. Write: one transaction.
    check_cancel(cancel)
    say(0.88, "Menyimpan hasil")
    waiting = (lambda text: progress(880, 1000, text)) if progress else None
    with db.transaction() as s, locks.hold(s, MATCH_LOCKS, actor.username, "pemadanan", waiting=waiting,
                                           cancel=cancel):
        if _last_imports(s) != imports_seen:
            # An import committed while this run read and linked: its results would be computed
            # from data that is no longer there (or miss what is new). Nothing is written.
            raise MatchingError("Data DTKS atau Dukcapil diimpor ulang selama pemadanan berjalan; hasil pemadanan "
                                "ini tidak disimpan. Jalankan pemadanan sekali lagi.")
        run = MatchRun(user_id=actor.id, username=actor.username, dukcapil_batch_id=batch_id,
                       members_matched=members.n, params_json=params.as_json())
        s.add(run)
        s.flush()
        decided_now = set(s.execute(select(MatchResult.member_id).where(MatchResult.decision.is_not(None))).scalars())
        keep = [k for k, r in enumerate(result_rows) if r[0] not in decided_now]  # a clerk decided meanwhile
        _replace_results(s, [result_rows[k][0] for k in keep], cancel, every_member=n_unchanged == 0)
        big = len(keep) >= 50_000
        n_auto = 0
        if auto_rows:
            n_auto = _accept_restorations(s, actor, run.id, result_rows, auto_rows, decided_now)
        rows = [result_rows[k] for k in keep]
        with _match_indexes_dropped(s, big):
            bulk_insert(s, "match_results", RESULT_COLUMNS, ((*r[:-1], run.id) for r in rows))
        check_cancel(cancel)
        if ganda_updates:
            upd = []
            for mid, st, g_mid, prio, reasons in ganda_updates:
                if mid in decided_now:
                    continue
                upd.append((mid, st, g_mid, prio, _reasons_with_ganda(reasons, st, g_mid)))
            if upd:
                bulk_update(s, "match_results", ("status", "ganda_of_member_id", "priority", "reasons"), upd,
                            key="member_id")
        links = None
        if (n_auto or _links_stale(s)) and programmes.has_recipients(s):
            # Restored NIKs may now be found on programme lists: rebuild the links with them.
            say(0.97, "Mencocokkan daftar program dengan DTKS")
            links = programmes.rebuild_links(s, cancel=cancel)
            programmes.audit_link(s, actor, links, "Setelah koreksi NIK (pemadanan)")
        counts = {st: n for st, n in s.execute(select(MatchResult.status, func.count()).group_by(MatchResult.status))}
        counts = {st: int(counts.get(st, 0)) for st in E.STATUSES}
        counts_extra = {"dipulihkan_otomatis": n_auto}
        run.finished_at = datetime.now(timezone.utc)
        # with the restorations in force (this run's and earlier ones not yet looked at by a clerk)
        auto_now = s.execute(select(func.count()).select_from(MatchResult)
                             .where(MatchResult.decision == AUTO)).scalar_one()
        run.counts_json = json.dumps({**counts, AUTO_COUNT_KEY: int(auto_now)}, sort_keys=True)
        audit.record(s, actor, "match.run", entity_type="match_run", entity_id=run.id,
                     summary=f"Pemadanan #{run.id}: {members.n} anggota dipadankan",
                     new={"counts": counts, "full": full, "dukcapil_batch_id": batch_id, **counts_extra})
        check_cancel(cancel)
        run_id = run.id
    say(1.0, "Selesai")
    notes = []
    if links is not None:
        notes.append(f"Daftar program dicocokkan ulang dengan NIK yang dikoreksi: {angka(links.linked)} dari "
                     f"{angka(links.recipients)} baris penerima ditemukan.")
    if civil.dup_nik.any():
        notes.append(f"Data Dukcapil memuat {angka(int(civil.dup_nik.sum()))} baris dengan NIK ganda; "
                     "keduanya disimpan dan ditandai.")
    return MatchSummary(run_id=run_id, dukcapil_batch_id=batch_id, counts=counts, members_total=n_seen,
                        members_matched=members.n, skipped_unchanged=n_unchanged, skipped_decided=n_decided,
                        ganda_updated=len(ganda_updates), civil_persons=n_civil,
                        seconds=round(time.perf_counter() - t0, 2), notes=notes, restored_auto=n_auto)


RESULT_COLUMNS = ("member_id", "status", "score", "dukcapil_id", "nik_matched", "reasons", "candidates",
                  "fingerprint", "dukcapil_batch_id", "ganda_of_member_id", "priority", "version", "decision",
                  "decided_by", "decided_at", "run_id")
_COL = {c: j for j, c in enumerate(RESULT_COLUMNS)}


def _write_nik_changes(s: Session, members: list[tuple], history: list[tuple], audits: list[tuple]) -> None:
    """Bulk NIK corrections: members (id, nik, nik_flags, updated_at, version), their
    ``identity_history`` rows and one ``member.update`` audit row each."""
    if not members:
        return
    bulk_update(s, "members", ("nik", "nik_flags", "updated_at", "version"), members)
    bulk_insert(s, "identity_history", ("member_id", "field", "old_value", "new_value", "source", "user_id", "at"),
                history)
    bulk_insert(s, "audit_events", ("at", "user_id", "username", "action", "entity_type", "entity_id", "summary",
                                    "old_value", "new_value", "reason"), audits)


def _links_stale(s: Session) -> bool:
    """Has a member's NIK or data changed (a clerk's correction, an edit) since the programme
    links were last rebuilt?"""
    def last(actions) -> int:
        return s.execute(select(func.max(AuditEvent.id)).where(AuditEvent.action.in_(actions))).scalar() or 0

    changed = last(("match.decide", "match.bulk_accept", "match.undo", "member.update"))
    return changed > last(("programmes.link",))


def _accept_restorations(s: Session, actor: Actor, run_id: int, result_rows: list[tuple], positions: list[int],
                         decided_now: set[int]) -> int:
    """The machine accepts its restorations of spreadsheet-damaged NIKs (inside the run's transaction).

    Each accepted row gets ``decision = "otomatis"``; the member's NIK becomes the civil registry's
    (bulk: ``members`` update, ``identity_history`` source ``pulih_otomatis``, one ``member.update``
    audit per member) and one ``match.auto_accept`` event counts them. The NIK as it was and its
    flags are kept in the result's reasons (``otomatis``) so a clerk's "tolak" can put them back.
    Edits ``result_rows`` in place; returns how many were accepted.
    """
    pos_of = {result_rows[k][0]: k for k in positions if result_rows[k][0] not in decided_now}
    if not pos_of:
        return 0
    ids = list(pos_of)
    current: dict[int, tuple] = {}
    for k in range(0, len(ids), 500):
        chunk = ids[k:k + 500]
        for mid, nik, flags, nama, ver in s.execute(
                select(Member.id, Member.nik, Member.nik_flags, Member.nama, Member.version)
                .where(Member.id.in_(chunk))):
            current[mid] = (nik, flags, nama, ver)
    ts = db_timestamp(s)
    mem_upd, hist, audits = [], [], []
    why = f"Pemulihan otomatis NIK yang rusak oleh spreadsheet (pemadanan #{run_id})"
    for mid, k in pos_of.items():
        r = result_rows[k]
        nik_new = r[4]
        if mid not in current or not nik_new:
            continue
        nik, flags, nama, ver = current[mid]
        d = json.loads(r[5]) if r[5] else {}
        d["otomatis"] = {"nik_lama": nik, "nik_flags_lama": flags}
        d["ringkasan"] = f"NIK dipulihkan otomatis menjadi {nik_new} (rusak oleh spreadsheet)"
        row = list(r)
        # With the NIK restored the member's NIK is found and the person agrees: "padan dengan
        # catatan", the note being the restoration. A clerk's "tolak" puts usulan_koreksi back.
        row[_COL["status"]] = RESTORED_STATUS
        row[_COL["priority"]] = E.priority_of(RESTORED_STATUS, False)
        row[_COL["reasons"]] = E.json_dumps(d)
        row[_COL["decision"]] = AUTO
        row[_COL["decided_by"]] = actor.id
        row[_COL["decided_at"]] = ts
        result_rows[k] = tuple(row)
        if nik_new != nik:
            mem_upd.append((mid, nik_new, _cleaned_flags(flags), ts, ver + 1))
            hist.append((mid, "nik", nik, nik_new, "pulih_otomatis", actor.id, ts))
            audits.append((ts, actor.id, actor.username, "member.update", "member", mid,
                           f"{nama}: nik dipulihkan otomatis (pemadanan)"[:300],
                           json.dumps({"nik": nik}), json.dumps({"nik": nik_new}), why))
    _write_nik_changes(s, mem_upd, hist, audits)
    n = sum(1 for k in pos_of.values() if result_rows[k][_COL["decision"]] == AUTO)
    audit.record(s, actor, "match.auto_accept", entity_type="match_run", entity_id=run_id,
                 summary=f"{n} NIK yang rusak oleh spreadsheet dipulihkan otomatis pada pemadanan #{run_id}",
                 new={"count": n, "nik_changed": len(mem_upd)}, reason=why)
    return n


def _reasons_with_ganda(reasons: str | None, status: str, g_mid: int | None) -> str | None:
    try:
        d = json.loads(reasons) if reasons else {}
    except ValueError:
        d = {}
    base = d.get("status_mesin")
    if status == "ganda":
        d["ringkasan"] = f"Orang yang sama dengan anggota #{g_mid} (dua baris DTKS untuk satu orang di Dukcapil)"
    elif base:
        d.pop("ganda_dari", None)
    if g_mid is not None:
        d["ganda_dari"] = g_mid
    return E.json_dumps(d)


def _replace_results(s: Session, member_ids: list[int], cancel: CancelFlag | None, *, every_member: bool) -> None:
    """Delete the undecided results of these members (they are written again).

    ``every_member``: no undecided result of a matched member is kept, so one statement does.
    """
    if not member_ids:
        return
    conn = s.connection()
    if every_member:
        conn.exec_driver_sql("DELETE FROM match_results WHERE decision IS NULL AND member_id IN "
                             "(SELECT id FROM members WHERE status <> 'dihapus')")
        return
    conn.exec_driver_sql("CREATE TEMPORARY TABLE IF NOT EXISTS _match_ids (member_id BIGINT PRIMARY KEY)")
    conn.exec_driver_sql("DELETE FROM _match_ids")
    bulk_insert(s, "_match_ids", ("member_id",), ((m,) for m in member_ids))
    check_cancel(cancel)
    conn.exec_driver_sql("DELETE FROM match_results WHERE decision IS NULL AND member_id IN "
                         "(SELECT member_id FROM _match_ids)")
    conn.exec_driver_sql("DELETE FROM _match_ids")


@contextmanager
def _match_indexes_dropped(s: Session, big: bool):
    """Build match_results' secondary indexes once after a large load (same transaction)."""
    if not big:
        yield
        return
    conn = s.connection()
    n = s.execute(select(func.count()).select_from(MatchResult)).scalar_one()
    if n > 50_000:
        yield
        return
    idxs = list(MatchResult.__table__.indexes)
    for idx in idxs:
        idx.drop(conn)
    yield
    for idx in idxs:
        idx.create(conn)
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ANALYZE match_results")


_SUMMARY_NIK = {
    "kosong": "NIK kosong/tidak sah di DTKS",
    "satu_digit": "NIK di DTKS beda satu digit",
    "tukar": "dua digit NIK di DTKS bertukar",
    "excel": "NIK di DTKS rusak oleh Excel",
    "beda": "NIK di DTKS tidak cocok",
    "sama": "NIK sama",
}


class _ResultBuilder:
    """Turns the engine's arrays into match_results rows (reasons/candidates JSON in Indonesian)."""

    def __init__(self, members: E.Table, civil: E.CivilIndex, res: E.LinkResult, region_name) -> None:
        self.m, self.c, self.res, self.rn = members, civil, res, region_name
        self.vocab = civil.vocab
        self._cache: dict[bytes, str] = {}
        self.wr = np.round(res.weights.astype(np.float64), 2)
        self.score = np.round(res.score, 2)

    def _vals(self, t: E.Table, i: int, nik: int) -> dict:
        v = self.vocab
        return {
            "nik": f"{nik:016d}" if nik >= 0 else None,
            "nama": v.raw.values[t.raw[i]] if t.raw[i] >= 0 else None,
            "tanggal_lahir": int(t.dob[i]),
            "jenis_kelamin": {1: "L", 2: "P"}.get(int(t.sex[i])),
            "nama_ibu": v.mothers.values[t.mother[i]] if t.mother[i] >= 0 else None,
            "no_kk": f"{int(t.kk[i]):016d}" if t.kk[i] >= 0 else None,
            "desa": v.desa.values[t.desa[i]] if t.desa[i] >= 0 else None,
        }

    def member_vals(self, i: int) -> dict:
        return self._vals(self.m, i, int(self.m.nik_any[i]))

    def civil_vals(self, c: int) -> dict:
        return self._vals(self.c.t, c, int(self.c.t.nik[c]))

    def row(self, i: int, fp: str, batch_id, ganda_of_mid: int | None, keeper_pos: int) -> tuple:
        res, m, c = self.res, self.m, self.c
        st = int(res.base_status[i])
        base_name = E.STATUSES[st]
        status = "ganda" if ganda_of_mid is not None else base_name
        ci = int(res.civil[i])
        lv = res.levels[i]
        w = res.weights[i]
        notes = res.notes[i] or []
        cands = res.candidates[i]
        best_c = ci if ci >= 0 else (cands[0][0] if cands else -1)
        if best_c >= 0:
            key = None
            if status == "padan" and not notes:
                key = lv.tobytes() + self.wr[i].tobytes()
                hit = self._cache.get(key)
                if hit is not None:
                    reasons = hit
                    return self._tuple(i, status, ci, reasons, None, fp, batch_id, ganda_of_mid)
            fields = E.explain_fields(lv, self.wr[i].tolist(), self.member_vals(i), self.civil_vals(best_c),
                                      sim=float(res.name_sim[i]), region_name=self.rn)
        else:
            fields, key = [], None
        ringkasan = self._summary(i, status, base_name, ci, lv, ganda_of_mid)
        d = {"status_mesin": base_name, "ringkasan": ringkasan, "skor_identitas": E.round_score(res.identity[i]),
             "bidang": fields}
        if notes:
            d["catatan"] = notes
        if ganda_of_mid is not None:
            d["ganda_dari"] = ganda_of_mid
        if ci < 0 and best_c >= 0:
            d["calon_terbaik"] = int(c.t.ids[best_c])
        reasons = E.json_dumps(d)
        if key is not None:
            self._cache[key] = reasons
        cand_json = None
        if status in ("padan", "padan_catatan"):
            pass  # the link itself is in the reasons ("bidang"); review_item rebuilds it from there
        elif cands:
            cand_json = E.json_dumps([{"id": int(c.t.ids[cc]), "nik": f"{int(c.t.nik[cc]):016d}",
                                       "skor": sc, "lv": lvs, "w": ws} for cc, sc, lvs, ws in cands])
        elif ci >= 0:
            cand_json = E.json_dumps([{"id": int(c.t.ids[ci]), "nik": f"{int(c.t.nik[ci]):016d}",
                                       "skor": E.round_score(res.score[i]), "lv": lv.tolist(),
                                       "w": [round(float(x), 2) for x in w.tolist()]}])
        return self._tuple(i, status, ci, reasons, cand_json, fp, batch_id, ganda_of_mid)

    def _tuple(self, i, status, ci, reasons, cand_json, fp, batch_id, ganda_of_mid) -> tuple:
        res, m, c = self.res, self.m, self.c
        nik = f"{int(c.t.nik[ci]):016d}" if ci >= 0 else None
        return (int(m.ids[i]), status, float(self.score[i]), int(c.t.ids[ci]) if ci >= 0 else None,
                nik, reasons, cand_json, fp, batch_id, ganda_of_mid,
                E.priority_of(status, bool(m.damaged[i]) or int(res.levels[i, 0]) == 4), 1, None, None, None, None)

    def _summary(self, i: int, status: str, base: str, ci: int, lv, ganda_of_mid) -> str:
        names = E.level_names(lv)
        if status == "ganda":
            return f"Orang yang sama dengan anggota #{ganda_of_mid} (dua baris DTKS untuk satu orang di Dukcapil)"
        if base == "padan":
            return "NIK ditemukan di Dukcapil dan identitas cocok"
        if base == "padan_catatan":
            diffs = [S.FIELD_LABELS[f] for f in S.FIELDS if f != "nik" and names[f] not in ("sama", "kosong")]
            if names["tanggal_lahir"] == "kosong":
                diffs.append("tanggal lahir kosong")
            if names["jenis_kelamin"] == "kosong":
                diffs.append("jenis kelamin kosong")
            return "NIK ditemukan; ada perbedaan: " + (", ".join(diffs) or "NIK ganda di Dukcapil")
        nik_txt = f"{int(self.c.t.nik[ci]):016d}" if ci >= 0 else None
        if base == "usulan_koreksi":
            why = _SUMMARY_NIK.get(names["nik"], "")
            if names["nik"] == "sama":
                return f"NIK ditemukan, tetapi identitas kurang cocok; periksa sebelum diterima ({nik_txt})"
            return f"Diusulkan NIK {nik_txt} ({why})"
        if base == "nik_orang_lain":
            if nik_txt:
                return f"NIK di DTKS milik orang lain; diusulkan NIK {nik_txt}"
            return "NIK di DTKS milik orang lain; tidak ada calon yang cocok"
        return "Tidak ditemukan di data Dukcapil"


def latest_run(session: Session) -> MatchRun | None:
    return session.execute(select(MatchRun).order_by(MatchRun.id.desc()).limit(1)).scalar_one_or_none()


# --- review --------------------------------------------------------------------------------------

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
        stmt = stmt.where(MatchResult.decision.in_(("diterima", "ditolak")))
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
        return v.strftime("%d-%m-%Y") if isinstance(v, date) else str(v)
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


# --- decisions -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class DecisionResult:
    member_id: int
    action: str
    decision: str  # "diterima" | "ditolak"
    nik_before: str | None
    nik_after: str | None
    audit_id: int


@contextmanager
def _session_of(db_or_session):
    if isinstance(db_or_session, Session):
        yield db_or_session
    else:
        with db_or_session.transaction() as s:
            yield s


def _check_role(db_or_session, actor: Actor, capability: Capability = Capability.MATCH_DECIDE) -> None:
    require(db_or_session, actor, capability)


def _cleaned_flags(flags: str | None) -> str | None:
    if not flags:
        return None
    kept = [f for f in flags.split(",") if f and f not in _NIK_ISSUES_FIXED]
    return ",".join(kept) or None


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
        auto = res.decision == AUTO
        if res.decision is not None and not auto:
            raise MatchingError("Hasil ini sudah diputuskan; batalkan keputusan itu dulu bila ingin mengubahnya.")
        m = s.get(Member, member_id)
        old = {"status": res.status, "nik_matched": res.nik_matched, "dukcapil_id": res.dukcapil_id,
               "nik": m.nik, "nik_flags": m.nik_flags, "decision": res.decision, "decided_by": res.decided_by,
               "priority": res.priority}
        new_nik = None
        if auto and action == "tolak":
            # The machine's restoration is wrong: the NIK as it was before goes back.
            _reject_restoration(s, actor, res, m, reason)
            decision = "ditolak"
        elif action == "pilih":
            if not candidate_nik:
                raise MatchingError("Pilih NIK calon dari data Dukcapil.")
            person = s.execute(select(DukcapilPerson).where(DukcapilPerson.nik == candidate_nik)
                               .order_by(DukcapilPerson.id).limit(1)).scalar_one_or_none()
            if person is None:
                raise MatchingError(f"NIK {candidate_nik} tidak ada di data Dukcapil yang sekarang.")
            res.nik_matched, res.dukcapil_id = person.nik, person.id
            new_nik = person.nik
            decision = "diterima"
        elif action == "terima":
            if res.status in ("usulan_koreksi", "nik_orang_lain") and not res.nik_matched:
                raise MatchingError("Tidak ada NIK usulan untuk diterima; pilih salah satu calon atau tolak.")
            if res.status != "ganda" and res.nik_matched:
                new_nik = res.nik_matched
            decision = "diterima"
        elif action == "tolak":
            decision = "ditolak"
        nik_before = old["nik"]
        if new_nik and new_nik != m.nik:
            why = reason or f"Koreksi NIK dari pemadanan Dukcapil ({E.STATUS_LABELS.get(res.status, res.status)})"
            update_member(s, actor, member_id, {"nik": new_nik}, reason=why)
            m.nik_flags = _cleaned_flags(m.nik_flags)
            s.add(IdentityHistory(member_id=member_id, field="nik", old_value=nik_before, new_value=new_nik,
                                  source="koreksi_pemadanan", user_id=actor.id))
        res.decision = decision
        res.decided_by = actor.id
        res.decided_at = datetime.now(timezone.utc)
        new = {"decision": decision, "nik_matched": res.nik_matched, "dukcapil_id": res.dukcapil_id, "nik": m.nik,
               "nik_flags": m.nik_flags, "action": action}
        label = {"terima": "diterima", "tolak": "ditolak", "pilih": f"dipilih NIK {res.nik_matched}"}[action]
        if auto:
            label = {"terima": "pemulihan otomatis dikonfirmasi", "tolak": "pemulihan otomatis ditolak, NIK dikembalikan",
                     "pilih": label}[action]
        ev = audit.record(s, actor, "match.decide", entity_type="member", entity_id=member_id,
                          summary=f"Pemadanan {m.nama}: {E.STATUS_LABELS.get(res.status, res.status)} {label}",
                          old=old, new=new, reason=reason)
        s.flush()
        return DecisionResult(member_id, action, decision, nik_before, m.nik, ev.id)


def _reject_restoration(s: Session, actor: Actor, res: MatchResult, m: Member, reason: str | None) -> None:
    """Put back the NIK (and its flags) a machine restoration replaced."""
    try:
        info = json.loads(res.reasons or "{}").get("otomatis") or {}
    except ValueError:
        info = {}
    if "nik_lama" not in info:
        raise MatchingError("NIK sebelum pemulihan otomatis tidak tercatat; ubah NIK lewat data anggota.")
    if m.nik != res.nik_matched:
        raise MatchingError(f"NIK anggota {m.nama} sudah diubah lagi sejak pemulihan otomatis; "
                            "ubah NIK lewat data anggota.")
    back = info.get("nik_lama")
    # Back to the machine's proposal, now rejected: the village must fix the NIK.
    res.status = "usulan_koreksi"
    res.priority = E.priority_of("usulan_koreksi", True)
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
        if res.decision not in ("diterima", "ditolak"):
            raise MatchingError("Hanya keputusan petugas (diterima/ditolak) yang dapat dibuka kembali; NIK yang "
                                "dipulihkan otomatis ditolak dengan tombol Tolak.")
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
    res.decision = old.get("decision")  # None, or "otomatis" when a clerk's verdict on a restoration is undone
    res.decided_by = old.get("decided_by") if res.decision else None
    if res.decision is None:
        res.decided_at = None


def _bulk_stmt(status: str, min_score: float):
    stmt = (select(MatchResult.id, MatchResult.member_id, MatchResult.nik_matched, MatchResult.version, Member.nik,
                   Member.nik_flags, Member.nama, Member.version)
            .join(Member, Member.id == MatchResult.member_id)
            .where(MatchResult.decision.is_(None), MatchResult.status == status, MatchResult.score >= min_score))
    if status in ("usulan_koreksi", "nik_orang_lain"):
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


def bulk_accept(db: Database, actor: Actor, status: str, min_score: float) -> int:
    """Accept every undecided result of ``status`` with ``score >= min_score`` in ONE transaction.

    Proposed NIKs become the members' NIKs (audit event per member + identity_history), and one
    ``match.bulk_accept`` event lists them so :func:`undo_last` can revert the whole batch.
    """
    _check_status(status)
    _check_role(db, actor, Capability.MATCH_BULK)
    with db.transaction() as s:
        rows = s.execute(_bulk_stmt(status, min_score)).all()
        if not rows:
            return 0
        ts = db_timestamp(s)
        res_upd, mem_upd, hist, audits, items = [], [], [], [], []
        for rid, mid, nik_m, rver, nik, flags, nama, mver in rows:
            change = status not in ("ganda",) and nik_m and nik_m != nik
            res_upd.append((rid, "diterima", actor.id, ts, rver + 1))
            item = {"member_id": mid, "nik": nik, "nik_flags": flags}
            if change:
                new_flags = _cleaned_flags(flags)
                mem_upd.append((mid, nik_m, new_flags, ts, mver + 1))
                hist.append((mid, "nik", nik, nik_m, "koreksi_pemadanan", actor.id, ts))
                audits.append((ts, actor.id, actor.username, "member.update", "member", mid,
                               f"{nama}: nik diubah (penerimaan massal pemadanan)"[:300],
                               json.dumps({"nik": nik}, ensure_ascii=False), json.dumps({"nik": nik_m}),
                               f"Koreksi NIK dari pemadanan Dukcapil ({E.STATUS_LABELS[status]}, skor ≥ {min_score})"))
                item["nik_new"] = nik_m
            items.append(item)
        bulk_update(s, "match_results", ("decision", "decided_by", "decided_at", "version"), res_upd)
        _write_nik_changes(s, mem_upd, hist, audits)
        audit.record(s, actor, "match.bulk_accept", entity_type="match_result", entity_id=None,
                     summary=f"{len(rows)} hasil '{E.STATUS_LABELS[status]}' dengan skor ≥ {min_score} diterima "
                             f"({len(mem_upd)} NIK dikoreksi)",
                     old={"items": items}, new={"status": status, "min_score": min_score, "count": len(rows)})
        return len(rows)


# --- export ------------------------------------------------------------------------------------------

def reason_lines(status: str | None, reasons: str | None) -> list[str]:
    """Why a result is what it is, in Indonesian, from ``match_results.reasons``: the summary
    (``ringkasan``) first, then the notes of the fields that differ, then other notes. Used by the
    export and by the Data view's Pemadanan tooltip."""
    if not reasons:
        return [] if status else ["Belum dipadankan"]
    try:
        d = json.loads(reasons)
    except ValueError:
        return []
    parts = [d.get("ringkasan", "")]
    parts += [b["cat"] for b in d.get("bidang", []) if b.get("lvl") not in ("sama", "kosong")]
    parts += d.get("catatan", [])
    return [p for p in parts if p]


def _reasons_text(status: str | None, reasons: str | None) -> str:
    return "; ".join(reason_lines(status, reasons))


def export_csv(session: Session, path: str | Path, *, actor: Actor, progress: Progress | None = None,
               cancel: CancelFlag | None = None) -> int:
    """One row per registry member: id_dtks, nik_file, nik_matched, status, score, reasons.

    ``nik_matched`` is the accepted or proposed civil-registry NIK (empty when none or when a
    clerk rejected it). The file is written under a temporary name and renamed when complete.
    The file holds full NIKs: only roles with ``match.export``; the export is audited
    (``match.export``, file name and row count, committed in ``session``).
    """
    require(session, actor, Capability.MATCH_EXPORT, detail=Path(path).name)
    path = Path(path)
    tmp = path.with_name(f".{path.name}.part")
    stmt = (select(Member.id_dtks, Member.nik_raw, Member.nik, MatchResult.nik_matched, MatchResult.status,
                   MatchResult.score, MatchResult.reasons, MatchResult.decision)
            .outerjoin(MatchResult, MatchResult.member_id == Member.id)
            .where(Member.status != "dihapus").order_by(Member.id))
    total = session.execute(select(func.count()).select_from(Member).where(Member.status != "dihapus")).scalar_one()
    n = 0
    try:
        with open(tmp, "w", newline="", encoding="utf-8-sig") as fh:
            w = csv.writer(fh)
            w.writerow(EXPORT_COLUMNS)
            for id_dtks, nik_raw, nik, nik_m, status, score, reasons, decision in \
                    session.execute(stmt.execution_options(yield_per=20000)):
                if decision == "ditolak":
                    nik_m = None
                # Text from the files (the NIK as written, names in the reasons) must not run as a
                # formula in the spreadsheet this file is opened in.
                w.writerow((csv_safe(id_dtks or ""), csv_safe(nik_raw if nik_raw is not None else (nik or "")),
                            csv_safe(nik_m or ""), status or "", "" if score is None else f"{score:.2f}",
                            csv_safe(_reasons_text(status, reasons))))
                n += 1
                if n % 20000 == 0:
                    check_cancel(cancel)
                    if progress:
                        progress(n, total, "Menulis berkas")
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    audit.record(session, actor, "match.export", entity_type="match_result",
                 summary=f"Hasil pemadanan diekspor ke {path.name} ({angka(n)} baris, NIK lengkap)",
                 new={"file": path.name, "rows": n})
    session.commit()
    return n
