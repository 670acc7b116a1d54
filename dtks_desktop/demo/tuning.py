"""Measuring matching quality on the demo generator's ground truth, and estimating m/u.

    python -m dtks_desktop.demo.tuning --people 3000 --seeds 1 2 3 [--kab 11.06] [--mu] [--verbose]

The tuning set (docs/demo-data.md, "Tuning set"): 33.10 Klaten plus regions that name people
differently — 11.06 Aceh Besar, 12.02 Tapanuli Utara, 93.01 Merauke, 95.01 Jayawijaya, 12.71 Kota
Medan, 61.72 Kota Singkawang.

generates each demo dataset, imports it into a temporary SQLite database through the real
importer, runs the matching and prints the three quality figures of issue #4:

- precision of the links the machine accepts by itself (padan, padan_catatan, and the
  spreadsheet-damaged NIKs it restored itself: decision "otomatis");
- recall: share of registry members who are in the civil registry and end up with the right
  NIK (accepted or proposed);
- the review-queue share (undecided results in ``REVIEW_STATUSES``).

``--mu`` also prints m/u estimates per field level from the labelled candidate pairs (what
``settings.MU`` was rounded from). Used by docs/matching.md and the quality test.
"""

from __future__ import annotations

import argparse
import csv
import json
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from dtks_desktop.db.models import Member, MatchResult
from dtks_desktop.domain.workflow.matching import AGREEING_STATUSES, PROPOSING_STATUSES, MatchStatus
from dtks_desktop.services.matching import common as match_common
from dtks_desktop.services.matching import run as match_run


@dataclass
class Quality:
    members: int
    in_civil: int
    auto_accepted: int
    auto_right: int
    right_nik: int
    queue: int
    restored: int = 0  # spreadsheet-damaged NIKs the machine restored itself (decision "otomatis")
    counts: dict = field(default_factory=dict)
    wrong_auto: list = field(default_factory=list)  # (id_dtks, status, nik_matched, true_nik, corruptions)
    missed: Counter = field(default_factory=Counter)  # corruption code -> members without the right NIK
    missed_rows: list = field(default_factory=list)
    proposals: list = field(default_factory=list)  # (status, score, right, damaged) of usulan/nik_orang_lain
    dup_pairs: int = 0  # rows the ground truth marks as a duplicate of another imported row
    dup_flagged: int = 0  # ... of which the row or its original ended "ganda"
    false_ganda: int = 0  # rows "ganda" that are no duplicate (the truth has no such pair)

    @property
    def precision(self) -> float:
        return self.auto_right / self.auto_accepted if self.auto_accepted else 1.0

    @property
    def recall(self) -> float:
        return self.right_nik / self.in_civil if self.in_civil else 1.0

    @property
    def queue_share(self) -> float:
        return self.queue / self.members if self.members else 0.0

    def queue_after_bulk(self, min_score: float = 15) -> float:
        """Queue share once ``usulan_koreksi`` with score >= min_score were bulk-accepted."""
        taken = sum(1 for p in self.proposals if p[0] == MatchStatus.USULAN_KOREKSI and p[1] >= min_score)
        return (self.queue - taken) / self.members if self.members else 0.0

    @property
    def dup_share(self) -> float:
        return self.dup_flagged / self.dup_pairs if self.dup_pairs else 1.0

    def line(self) -> str:
        return (f"duplicates flagged {100 * self.dup_share:.1f}% ({self.dup_flagged} of {self.dup_pairs}, "
                f"{self.false_ganda} ganda not a duplicate), members {self.members}, restored automatically {self.restored}, precision {100 * self.precision:.3f}% ({self.auto_accepted - self.auto_right}"
                f" wrong of {self.auto_accepted}), recall {100 * self.recall:.2f}% ({self.in_civil - self.right_nik} "
                f"missed of {self.in_civil}), queue {100 * self.queue_share:.2f}% ({self.queue}), after bulk accept "
                f"of usulan_koreksi >= 15: {100 * self.queue_after_bulk():.2f}% {self.counts}")


def evaluate(session: Session, ground_truth: str | Path) -> Quality:
    """Compare the current results with ``ground_truth.csv`` (rows joined on ID DTKS)."""
    truth: dict[str, dict] = {}
    with open(ground_truth, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["expect"] == "import" and row["id_dtks"]:
                truth[row["id_dtks"]] = row
    q = Quality(0, 0, 0, 0, 0, 0)
    counts: Counter = Counter()
    stmt = (select(Member.id_dtks, MatchResult.status, MatchResult.nik_matched, MatchResult.decision,
                   MatchResult.score, MatchResult.priority)
            .join(MatchResult, MatchResult.member_id == Member.id))
    for id_dtks, status, nik_matched, decision, score, priority in session.execute(stmt):
        t = truth.get(id_dtks)
        if t is None:
            continue
        q.members += 1
        counts[status] += 1
        true_nik = t["true_nik"] or None
        in_civil = t["in_dukcapil"] == "1"
        if decision is None and status in match_common.REVIEW_STATUSES:
            q.queue += 1
        if status in PROPOSING_STATUSES and nik_matched and decision is None:
            q.proposals.append((status, score, nik_matched == true_nik, priority == 0))
        if decision == match_common.AUTO:
            q.restored += 1
        if status in AGREEING_STATUSES or decision == match_common.AUTO:
            q.auto_accepted += 1
            if nik_matched == true_nik and true_nik:
                q.auto_right += 1
            else:
                q.wrong_auto.append((id_dtks, status, nik_matched, true_nik, t["corruptions"]))
        if true_nik and in_civil:
            q.in_civil += 1
            if nik_matched == true_nik:
                q.right_nik += 1
            else:
                for code in (t["corruptions"] or "-").split(";"):
                    q.missed[code] += 1
                q.missed_rows.append((id_dtks, status, nik_matched, true_nik, t["corruptions"], t["person_status"]))
    q.counts = dict(sorted(counts.items()))
    # Duplicates: a row the truth marks as a copy of another imported row is flagged when the row or
    # its original is "ganda" (which of the two keeps the link does not matter).
    status_of = {id_dtks: status for id_dtks, status in session.execute(
        select(Member.id_dtks, MatchResult.status).join(MatchResult, MatchResult.member_id == Member.id))}
    copies: set[str] = set()
    for id_dtks, t in truth.items():
        orig = t.get("duplicate_of") or ""
        if orig and "duplicate_row" in (t["corruptions"] or "") and orig in truth and id_dtks in status_of \
                and orig in status_of:
            q.dup_pairs += 1
            copies.update((id_dtks, orig))
            if MatchStatus.GANDA in (status_of[id_dtks], status_of[orig]):
                q.dup_flagged += 1
    shared_nik = {t["true_nik"] for t in truth.values() if t.get("duplicate_of") and "duplicate_row" not in
                  (t["corruptions"] or "")}
    q.false_ganda = sum(1 for i, st in status_of.items() if st == MatchStatus.GANDA and i in truth and i not in copies
                        and truth[i]["true_nik"] not in shared_nik)
    return q


def proposal_line(q: Quality, thresholds=(10, 15, 20, 25)) -> str:
    """Precision of the proposals a bulk accept would take, per minimum score."""
    parts = []
    for t in thresholds:
        sel = [p for p in q.proposals if p[0] == MatchStatus.USULAN_KOREKSI and p[1] >= t]
        right = sum(1 for p in sel if p[2])
        parts.append(f">={t}: {right}/{len(sel)}")
    wrong = [round(p[1], 1) for p in q.proposals if not p[2]]
    return "usulan_koreksi bulk-accept precision " + ", ".join(parts) + f"; wrong proposals' scores {sorted(wrong)[-8:]}"


def load_demo(db, actor, outdir: Path, people: int, seed: int, ratio: float = 2.0, kab: str = "33.10") -> dict:
    """Generate a demo dataset of kabupaten/kota ``kab`` and import its civil registry and SIKS-NG export."""
    from dtks_desktop.demo import generator as demo
    from dtks_desktop.services.core import settings
    from dtks_desktop.services.importing.run import run_import

    files = demo.generate_files(outdir, demo.DemoConfig(people=people, seed=seed, dukcapil_ratio=ratio, kab=kab),
                                xlsx=False)
    with db.transaction() as s:
        settings.put(s, actor, settings.KAB_KODE, kab)
    run_import(db, actor, files["dukcapil"], kind="dukcapil", write_report_file=False)
    run_import(db, actor, files["dtks_csv"], kind="dtks", write_report_file=False)
    return files


def estimate_mu(db, ground_truth: Path) -> dict:
    """m/u per field level among the candidate pairs the engine produced (JSON ``candidates``)."""
    from dtks_desktop.services.matching import settings as S

    truth = {}
    with open(ground_truth, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["id_dtks"]:
                truth[row["id_dtks"]] = row["true_nik"]
    m_cnt = {f: Counter() for f in S.FIELDS}
    u_cnt = {f: Counter() for f in S.FIELDS}
    with db.sessions() as s:
        stmt = (select(Member.id_dtks, MatchResult.candidates, MatchResult.reasons, MatchResult.nik_matched)
                .join(MatchResult, MatchResult.member_id == Member.id))
        for id_dtks, cands, reasons, nik_matched in s.execute(stmt):
            tn = truth.get(id_dtks)
            pairs = []
            if cands:
                pairs = [(c["nik"], c["lv"]) for c in json.loads(cands)]
            elif reasons and nik_matched:
                lv = [S.FIELD_LEVELS[b["f"]].index(b["lvl"]) for b in json.loads(reasons).get("bidang", [])]
                if lv:
                    pairs = [(nik_matched, lv)]
            for nik, lv in pairs:
                target = m_cnt if tn and nik == tn else u_cnt
                for f, v in zip(S.FIELDS, lv):
                    target[f][S.FIELD_LEVELS[f][v]] += 1
    out = {}
    for f in S.FIELDS:
        mt, ut = sum(m_cnt[f].values()) or 1, sum(u_cnt[f].values()) or 1
        out[f] = {lvl: (round(m_cnt[f][lvl] / mt, 4), round(u_cnt[f][lvl] / ut, 4)) for lvl in S.FIELD_LEVELS[f]}
    return out


def main(argv=None) -> int:
    from dtks_desktop.config import sqlite_url
    from dtks_desktop.services.core.database import open_database
    from dtks_desktop.services.core.users import create_user

    ap = argparse.ArgumentParser(description="Kualitas pemadanan pada data contoh (ground truth)")
    ap.add_argument("--people", type=int, default=3000)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--ratio", type=float, default=2.0)
    ap.add_argument("--kab", default="33.10", help="kode kabupaten/kota data contoh (mis. 73.71)")
    ap.add_argument("--mu", action="store_true", help="cetak perkiraan m/u")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--no-restore", action="store_true", help="tanpa pemulihan otomatis (match.pulih_otomatis = 0)")
    ap.add_argument("--keep", metavar="FOLDER", help="simpan basis data dan berkas di FOLDER/seed_N")
    args = ap.parse_args(argv)
    for seed in args.seeds:
        with tempfile.TemporaryDirectory(prefix="dtks-tune-") as tmp:
            tmp = Path(args.keep) / f"seed_{seed}" if args.keep else Path(tmp)
            tmp.mkdir(parents=True, exist_ok=True)
            db = open_database(sqlite_url(tmp / "db.sqlite"))
            try:
                with db.transaction() as s:
                    actor = create_user(s, "admin", "rahasia-admin-1", "admin")
                    if args.no_restore:
                        from dtks_desktop.services.matching.settings import save_param
                        save_param(s, actor, "pulih_otomatis", 0)
                files = load_demo(db, actor, tmp / "demo", args.people, seed, args.ratio, args.kab)
                t0 = time.perf_counter()
                summary = match_run.run_matching(db, actor, full=True)
                secs = time.perf_counter() - t0
                with db.sessions() as s:
                    q = evaluate(s, files["ground_truth"])
                print(f"seed {seed}: {q.line()} [{secs:.1f}s]")
                print("  " + proposal_line(q))
                if args.verbose:
                    for row in q.wrong_auto:
                        print("  WRONG", row)
                    for row in q.missed_rows:
                        print("  MISSED", row)
                    print("  missed by code", dict(q.missed))
                if args.mu:
                    for f, lv in estimate_mu(db, files["ground_truth"]).items():
                        print(f"  {f}: {lv}")
                del summary
            finally:
                db.dispose()
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
