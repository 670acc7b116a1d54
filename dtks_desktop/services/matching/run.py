"""Running the matching (pemadanan): read the registry and the civil-registry snapshot, link in
memory (:mod:`.engine`), write every result.

No Qt. ``run_matching`` writes every result in ONE transaction with a ``match_runs`` row; a cancel
or an error before the commit leaves the previous results untouched. Re-runs are incremental:
only members without a result, whose matching fields changed (fingerprint) or whose result was
made against another snapshot are matched again; rows with a clerk's decision are never
touched. The machine accepts its own restorations of spreadsheet-damaged NIKs here.
"""

from __future__ import annotations

import hashlib
import json

import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from typing import Callable, Iterator

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dtks_desktop.db.bulk import WriteBehind, bulk_insert, bulk_update, read_ahead
from dtks_desktop.db.models import AuditEvent, DukcapilPerson, ImportBatch, MatchResult, MatchRun, Member
from dtks_desktop.domain.formatting import angka
from dtks_desktop.domain.regions import default_region_codes
from dtks_desktop.domain.workflow.matching import Decision, MatchStatus
from dtks_desktop.services.core import audit, locks
from dtks_desktop.services.core.common import CancelFlag, DataKind, Progress, check_cancel, gc_paused
from dtks_desktop.services.core.database import Database
from dtks_desktop.services.core.permissions import Capability, require
from dtks_desktop.services.core.registry import db_timestamp
from dtks_desktop.services.core.users import Actor
from dtks_desktop.services.matching import engine as E
from dtks_desktop.services.matching import programmes
from dtks_desktop.services.matching import settings as S
from dtks_desktop.services.matching.common import (ACCEPTED, AUTO_COUNT_KEY, AUTO_LABEL, RESTORATION_KEY,
                                                 RESTORED_STATUS, MatchingError)
from dtks_desktop.services.matching.records import cleaned_flags, write_nik_changes
from dtks_desktop.services.matching.result_rows import COL as _COL, RESULT_COLUMNS, ResultBuilder

__all__ = ["MatchSummary", "run_matching", "latest_run", "run_model", "describe_model", "MATCH_LOCKS"]

FETCH = 100_000


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
    #: What the run changed: the results; the registry when NIKs were restored; the programme links
    #: when they were rebuilt.
    changes: frozenset[DataKind] = frozenset({DataKind.MATCHING})

    def as_dict(self) -> dict:
        return {**asdict(self), "changes": sorted(self.changes)}

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
           f"ganda_of_member_id, CASE WHEN status = '{MatchStatus.GANDA}' THEN reasons END FROM match_results")
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
    with gc_paused():  # millions of rows and documents: see gc_paused
        return _run(db, actor, full, progress, cancel)


def _run(db: Database, actor: Actor, full: bool, progress: Progress | None, cancel: CancelFlag | None) -> MatchSummary:
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
            for rows in read_ahead(rs, lambda: cur.fetchmany(FETCH)):
                cb.add(rows)
                done += len(rows)
                check_cancel(cancel)
                say(0.01 + 0.25 * done / max(n_civil, 1), "Membaca data Dukcapil")
        civil = E.CivilIndex(cb.finish(), vocab)

        # 2. Results so far; members to match again.
        say(0.27, "Membaca hasil pemadanan sebelumnya")
        existing = _load_existing(rs)
        # A full run (asked for, or the first one) learns the weights from the data; an incremental
        # run keeps the model of the latest run that has one, so its scores stay comparable.
        full_run = full or not existing
        stored_model = None if full_run else _latest_model(rs)
        check_cancel(cancel)
        mb = E.TableBuilder(vocab, "member")
        fingerprints: list[str] = []
        keep_rows: list[tuple] = []  # (member_id, status, civil key source, score, decided, ganda_of, reasons)
        n_seen = n_unchanged = n_decided = 0
        say(0.3, "Membaca data DTKS")
        with _cursor(rs, MEMBER_SQL, "dtks_match_members") as cur:
            for rows in read_ahead(rs, lambda: cur.fetchmany(FETCH)):
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

    # 3. The weights (learned at a full run) and the linkage (no database).
    if full_run:
        say(0.45, "Menaksir bobot dari data")
        model = E.estimate_model(members, civil, params, cancel=cancel)
    else:
        model = stored_model or E.Model.prior()

    def link_progress(d: int, t: int, text: str = "") -> None:
        say(0.46 + 0.34 * d / max(t, 1), text)

    res = E.link(members, civil, params, model=model, progress=link_progress, cancel=cancel)
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
        if st == MatchStatus.GANDA and reasons:
            try:
                b = json.loads(reasons).get("status_mesin", MatchStatus.GANDA)
            except ValueError:
                b = MatchStatus.GANDA
        kept_base.append(b)
        if decision == Decision.DITOLAK or b not in E.LINKING_STATUSES or not nik_m:
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

    # 5. What to write. The rows themselves are built during the write, a chunk at a time, while
    # the database writes the chunk before (WriteBehind).
    say(0.83, "Menyusun hasil")
    region_name = default_region_codes().name
    builder = ResultBuilder(members, civil, res, region_name)
    # Restorations the machine accepts itself: not ganda of another row. (The row that keeps the
    # link of a ganda group may be restored: the NIK is the person's either way; the other row
    # waits in the queue as ganda.)
    restore = res.restore if res.restore is not None else np.zeros(members.n, dtype=bool)
    if restore.any():
        restore = restore & (keeper[:members.n] < 0)
    keeper_m = keeper[:members.n]
    ganda_mid = np.where(keeper_m >= 0, all_ids[np.maximum(keeper_m, 0)], -1).tolist()
    ganda_updates = []
    for j, ex in enumerate(keep_rows):
        pos = members.n + j
        (mid, _fp, _b, decision, st, _dk, _nm, _sc, g_old, reasons) = ex
        if decision is not None:
            continue
        g = int(keeper[pos])
        g_mid = int(all_ids[g]) if g >= 0 else None
        if g_mid == g_old and (g_mid is None) == (st != MatchStatus.GANDA):
            continue
        new_status = MatchStatus.GANDA if g_mid is not None else kept_base[j]
        ganda_updates.append((int(mid), new_status, g_mid, E.priority_of(new_status, False), reasons))

    n_matched = members.n
    n_dup_civil = int(civil.dup_nik.sum())
    model_json = model.to_json()
    # What the write does not need (the builder keeps the tables, the vocabulary and the result).
    del cb, mb, keeper, keeper_m, keys, base, scores, fixed, all_ids, civ_ids, model
    civil.drop_blocks()

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
                       members_matched=n_matched, params_json=params.as_json(), model_json=model_json)
        s.add(run)
        s.flush()
        decided_now = set(s.execute(select(MatchResult.member_id).where(MatchResult.decision.is_not(None))).scalars())
        member_ids = members.ids.tolist()
        write_ids = [m for m in member_ids if m not in decided_now] if decided_now else member_ids
        _replace_results(s, write_ids, cancel, every_member=n_unchanged == 0)
        # The members the machine restores, as they are now (the lock is held: they stay so).
        current = _current_members(s, members.ids[restore].tolist()) if restore.any() else {}
        ts = db_timestamp(s)
        n_auto = n_changed = 0
        with _match_indexes_dropped(s, len(write_ids) >= 50_000, lambda: say(0.95, "Membangun indeks hasil pemadanan")):
            with WriteBehind(s) as wb:
                for lo in range(0, n_matched, BUILD_CHUNK):
                    check_cancel(cancel)
                    hi = min(lo + BUILD_CHUNK, n_matched)
                    say(0.88 + 0.07 * lo / n_matched, "Menyimpan hasil pemadanan")
                    rows = builder.rows(lo, hi, fingerprints, batch_id,
                                        [g if g >= 0 else None for g in ganda_mid[lo:hi]], restore)
                    if decided_now:  # a clerk decided meanwhile: the decision stays
                        rows = [r for r in rows if r[0] not in decided_now]
                    accepted, mem_upd, hist, audits = _restorations(rows, current, actor, run.id, ts)
                    n_auto += accepted
                    n_changed += len(mem_upd)
                    if mem_upd:
                        wb.submit(write_nik_changes, s, mem_upd, hist, audits)
                    wb.submit(bulk_insert, s, "match_results", RESULT_COLUMNS, [_encoded(r, run.id) for r in rows])
                wb.wait()
        del builder, res, civil, members, vocab, fingerprints, current
        if n_auto:
            audit.record(s, actor, "match.auto_accept", entity_type="match_run", entity_id=run.id,
                         summary=f"{n_auto} NIK yang rusak oleh spreadsheet dipulihkan otomatis pada pemadanan #{run.id}",
                         new={"count": n_auto, "nik_changed": n_changed}, reason=_restore_reason(run.id))
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
        say(0.98, "Menghitung ringkasan")
        counts = {st: n for st, n in s.execute(select(MatchResult.status, func.count()).group_by(MatchResult.status))}
        counts = {st: int(counts.get(st, 0)) for st in E.STATUSES}
        counts_extra = {"dipulihkan_otomatis": n_auto}
        run.finished_at = datetime.now(timezone.utc)
        # with the restorations in force (this run's and earlier ones not yet looked at by a clerk)
        auto_now = s.execute(select(func.count()).select_from(MatchResult)
                             .where(MatchResult.decision == Decision.OTOMATIS)).scalar_one()
        run.counts_json = json.dumps({**counts, AUTO_COUNT_KEY: int(auto_now)}, sort_keys=True)
        audit.record(s, actor, "match.run", entity_type="match_run", entity_id=run.id,
                     summary=f"Pemadanan #{run.id}: {n_matched} anggota dipadankan",
                     new={"counts": counts, "full": full, "dukcapil_batch_id": batch_id, **counts_extra})
        check_cancel(cancel)
        run_id = run.id
        say(0.99, "Menyelesaikan penyimpanan")
    say(1.0, "Selesai")
    notes = []
    if links is not None:
        notes.append(f"Daftar program dicocokkan ulang dengan NIK yang dikoreksi: {angka(links.linked)} dari "
                     f"{angka(links.recipients)} baris penerima ditemukan.")
    if n_dup_civil:
        notes.append(f"Data Dukcapil memuat {angka(n_dup_civil)} baris dengan NIK ganda; "
                     "keduanya disimpan dan ditandai.")
    return MatchSummary(run_id=run_id, dukcapil_batch_id=batch_id, counts=counts, members_total=n_seen,
                        members_matched=n_matched, skipped_unchanged=n_unchanged, skipped_decided=n_decided,
                        ganda_updated=len(ganda_updates), civil_persons=n_civil,
                        seconds=round(time.perf_counter() - t0, 2), notes=notes, restored_auto=n_auto,
                        changes=frozenset({DataKind.MATCHING}
                                          | ({DataKind.REGISTRY} if n_auto else set())
                                          | ({DataKind.PROGRAMMES} if links is not None else set())))


BUILD_CHUNK = 50_000  # result rows built per step


def _links_stale(s: Session) -> bool:
    """Has a member's NIK or data changed (a clerk's correction, an edit) since the programme
    links were last rebuilt?"""
    def last(actions) -> int:
        return s.execute(select(func.max(AuditEvent.id)).where(AuditEvent.action.in_(actions))).scalar() or 0

    changed = last(("match.decide", "match.bulk_accept", "match.undo", "member.update"))
    return changed > last(("programmes.link",))


def _current_members(s: Session, ids: list[int]) -> dict[int, tuple]:
    """(nik, nik_flags, nama, version) of these members (ascending ids) as they are now."""
    cols = (Member.id, Member.nik, Member.nik_flags, Member.nama, Member.version)
    out: dict[int, tuple] = {}
    if not ids:
        return out
    if ids[-1] - ids[0] < 4 * len(ids):  # dense (a file whose every NIK is restored): one range
        want = set(ids)
        for mid, nik, flags, nama, ver in s.execute(select(*cols).where(Member.id.between(ids[0], ids[-1]))):
            if mid in want:
                out[mid] = (nik, flags, nama, ver)
        return out
    for k in range(0, len(ids), 500):
        for mid, nik, flags, nama, ver in s.execute(select(*cols).where(Member.id.in_(ids[k:k + 500]))):
            out[mid] = (nik, flags, nama, ver)
    return out


def _restore_reason(run_id: int) -> str:
    return f"Pemulihan otomatis NIK yang rusak oleh spreadsheet (pemadanan #{run_id})"


def _restorations(rows: list[tuple], current: dict[int, tuple], actor: Actor, run_id: int,
                  ts) -> tuple[int, list, list, list]:
    """The machine accepts its restorations of spreadsheet-damaged NIKs in these result rows (those
    whose reasons the builder left as a dict), inside the run's transaction.

    Each accepted row gets ``decision = "otomatis"``; the member's NIK becomes the civil registry's
    (returned for the bulk write: ``members`` rows, ``identity_history`` rows with source
    ``pulih_otomatis``, one ``member.update`` audit row per member). The NIK as it was and its
    flags are kept in the result's reasons (``otomatis``) so a clerk's "tolak" can put them back.
    A member not in ``current`` (removed or changed meanwhile) is not restored: its row is written
    as the proposal it was. Edits ``rows`` in place; returns how many were accepted and the rows
    to write."""
    n = 0
    mem_upd, hist, audits = [], [], []
    why = _restore_reason(run_id)
    for k, r in enumerate(rows):
        d = r[5]
        if not isinstance(d, dict):
            continue
        mid, nik_new = r[0], r[4]
        if mid not in current or not nik_new:
            continue
        nik, flags, nama, ver = current[mid]
        d[RESTORATION_KEY] = {"nik_lama": nik, "nik_flags_lama": flags}
        d["ringkasan"] = f"NIK dipulihkan otomatis menjadi {nik_new} (rusak oleh spreadsheet)"
        row = list(r)
        # With the NIK restored the member's NIK is found and the person agrees: "padan dengan
        # catatan", the note being the restoration. A clerk's "tolak" puts usulan_koreksi back.
        row[_COL["status"]] = RESTORED_STATUS
        row[_COL["priority"]] = E.priority_of(RESTORED_STATUS, False)
        row[_COL["reasons"]] = E.json_dumps(d)
        row[_COL["decision"]] = Decision.OTOMATIS
        row[_COL["decided_by"]] = actor.id
        row[_COL["decided_at"]] = ts
        rows[k] = tuple(row)
        n += 1
        if nik_new != nik:
            mem_upd.append((mid, nik_new, cleaned_flags(flags), ts, ver + 1))
            hist.append((mid, "nik", nik, nik_new, "pulih_otomatis", actor.id, ts))
            audits.append((ts, actor.id, actor.username, "member.update", "member", mid,
                           f"{nama}: nik dipulihkan otomatis (pemadanan)"[:300],
                           E.json_dumps({"nik": nik}), E.json_dumps({"nik": nik_new}), why))
    return n, mem_upd, hist, audits


def _encoded(r: tuple, run_id: int) -> tuple:
    """A result row as written: reasons kept as a dict for a restoration that did not happen (the
    member changed meanwhile) are encoded here."""
    if isinstance(r[5], dict):
        return (*r[:5], E.json_dumps(r[5]), *r[6:-1], run_id)
    return (*r[:-1], run_id)


def _reasons_with_ganda(reasons: str | None, status: str, g_mid: int | None) -> str | None:
    try:
        d = json.loads(reasons) if reasons else {}
    except ValueError:
        d = {}
    base = d.get("status_mesin")
    if status == MatchStatus.GANDA:
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
def _match_indexes_dropped(s: Session, big: bool, rebuilding: Callable[[], None] | None = None):
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
    if rebuilding:
        rebuilding()
    for idx in idxs:
        idx.create(conn)
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ANALYZE match_results")


def _latest_model(session: Session) -> E.Model | None:
    """The model stored with the latest run that has one (an incremental run reuses it)."""
    row = session.execute(select(MatchRun.id, MatchRun.model_json).where(MatchRun.model_json.is_not(None))
                          .order_by(MatchRun.id.desc()).limit(1)).first()
    if row is None:
        return None
    model = E.Model.from_json(row[1])
    if model.source_run is None:
        model.source_run = int(row[0])
    return model


def run_model(session: Session, run_id: int | None = None) -> tuple[MatchRun, E.Model] | None:
    """A run (default: the latest) and the model its weights came from (priors for a run stored
    before models were kept). None when there is no such run."""
    stmt = select(MatchRun)
    stmt = stmt.where(MatchRun.id == run_id) if run_id is not None else stmt.order_by(MatchRun.id.desc()).limit(1)
    run = session.execute(stmt).scalar_one_or_none()
    if run is None:
        return None
    return run, E.Model.from_json(run.model_json)


def describe_model(session: Session, actor: Actor, run_id: int | None = None) -> dict:
    """The weights a run (default: the latest) used, for ``dtks match model``: ``{"run_id",
    "created_at", "estimated", "certain_pairs", "non_match_pairs", "source_run", "notes",
    "fields": {field: {level: {"m", "u", "weight", "n_m", "n_u", "source"}}}}``. No personal data.
    Raises MatchingError when there is no such run."""
    require(session, actor, Capability.DATA_VIEW)
    found = run_model(session, run_id)
    if found is None:
        raise MatchingError("Belum ada pemadanan yang dijalankan." if run_id is None
                            else f"Pemadanan #{run_id} tidak ditemukan.")
    run, model = found
    d = model.as_dict()
    return {"run_id": run.id, "created_at": run.started_at, "estimated": d["estimated"],
            "certain_pairs": d["certain_pairs"], "non_match_pairs": d["non_match_pairs"],
            "estimated_at": d["estimated_at"], "source_run": d["source_run"], "notes": d["notes"],
            "fields": d["fields"]}


def latest_run(session: Session) -> MatchRun | None:
    return session.execute(select(MatchRun).order_by(MatchRun.id.desc()).limit(1)).scalar_one_or_none()
