"""Matching quality and time: DTKS Desktop against a peer (the Python `recordlinkage` toolkit).

    pip install recordlinkage          # benchmark-only dependency, not needed by the app
    python benchmarks/bench_matching_peer.py --people 3000 --seeds 1 2

For each seed the demo generator writes a kabupaten, the real importer loads its civil-registry
extract and its damaged SIKS-NG export into a temporary SQLite database, and then:

- ours: ``run_matching`` (blocking + Fellegi-Sunter weights + statuses);
- peer: recordlinkage on the same imported rows (same normalised names, generous to the peer):
  candidate pairs from blocking on NIK OR birth date OR No KK, comparisons on NIK, name
  (Jaro-Winkler), birth date, sex, mother's name, No KK and desa, classified with its
  unsupervised ECM (Fellegi-Sunter EM) classifier; per member the best-scoring linked candidate.

Precision = share of the links a method makes by itself that point at the true person (ours:
padan + padan_catatan; peer: every link its classifier makes). Recall = share of registry members
who are in the civil registry and end up with the right NIK (ours: accepted or proposed for review;
peer: its link).
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from pathlib import Path


def run_seed(people: int, seed: int) -> dict:
    import pandas as pd
    import recordlinkage as rl
    from sqlalchemy import select

    from dtks_desktop.config import sqlite_url
    from dtks_desktop.db.models import DukcapilPerson, Household, Member
    from dtks_desktop.services.database import open_database
    from dtks_desktop.services.matching.service import run_matching
    from dtks_desktop.services.matching.tuning import evaluate, load_demo
    from dtks_desktop.services.users import create_user

    tmp = Path(tempfile.mkdtemp(prefix="dtks-peer-"))
    db = open_database(sqlite_url(tmp / "peer.sqlite"))
    with db.transaction() as s:
        actor = create_user(s, "admin", "rahasia-admin", "admin")
    files = load_demo(db, actor, tmp / "demo", people, seed)

    t0 = time.perf_counter()
    run_matching(db, actor)
    ours_s = time.perf_counter() - t0
    with db.sessions() as s:
        q = evaluate(s, files["ground_truth"])
        members = pd.DataFrame(s.execute(select(
            Member.id, Member.id_dtks, Member.nik, Member.nama_key, Member.tanggal_lahir, Member.jenis_kelamin,
            Member.nama_ibu, Household.no_kk, Household.desa_kode).join(Household)).all(),
            columns=["id", "id_dtks", "nik", "nama", "tgl", "jk", "ibu", "kk", "desa"]).set_index("id")
        civil = pd.DataFrame(s.execute(select(
            DukcapilPerson.id, DukcapilPerson.nik, DukcapilPerson.nama_key, DukcapilPerson.tanggal_lahir,
            DukcapilPerson.jenis_kelamin, DukcapilPerson.nama_ibu, DukcapilPerson.no_kk,
            DukcapilPerson.desa_kode)).all(),
            columns=["id", "nik", "nama", "tgl", "jk", "ibu", "kk", "desa"]).set_index("id")
    db.dispose()
    for df in (members, civil):
        df["tgl"] = df["tgl"].astype(str)
        df["ibu"] = df["ibu"].fillna("").str.upper()

    t0 = time.perf_counter()
    indexer = rl.Index()
    indexer.block("nik")
    indexer.block("tgl")
    indexer.block("kk")
    pairs = indexer.index(members, civil)
    comp = rl.Compare()
    comp.exact("nik", "nik", label="nik")
    comp.string("nama", "nama", method="jarowinkler", threshold=0.85, label="nama")
    comp.exact("tgl", "tgl", label="tgl")
    comp.exact("jk", "jk", label="jk")
    comp.string("ibu", "ibu", method="jarowinkler", threshold=0.85, label="ibu")
    comp.exact("kk", "kk", label="kk")
    comp.exact("desa", "desa", label="desa")
    features = comp.compute(pairs, members, civil)
    ecm = rl.ECMClassifier(binarize=0.5)
    links = ecm.fit_predict(features)
    probs = ecm.prob(features)
    peer_s = time.perf_counter() - t0

    chosen: dict[int, int] = {}
    best: dict[int, float] = {}
    for (mid, cid) in links:
        p = float(probs.loc[(mid, cid)])
        if p > best.get(mid, -1.0):
            best[mid], chosen[mid] = p, cid
    truth = {r["id_dtks"]: r["true_nik"] for r in csv.DictReader(open(files["ground_truth"], encoding="utf-8"))
             if r["id_dtks"]}
    right = linked = in_civil = 0
    civil_nik = civil["nik"].to_dict()
    for mid, row in members.iterrows():
        true_nik = truth.get(row["id_dtks"]) or ""
        if true_nik:
            in_civil += 1
        if mid in chosen:
            linked += 1
            if civil_nik.get(chosen[mid]) == true_nik and true_nik:
                right += 1
    return {
        "seed": seed, "members": len(members), "civil": len(civil), "pairs": len(pairs),
        "ours_precision": q.precision, "ours_recall": q.recall, "ours_s": ours_s, "ours_queue": q.queue_share,
        "peer_precision": right / linked if linked else 1.0, "peer_recall": right / in_civil if in_civil else 1.0,
        "peer_s": peer_s,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=3000)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()
    print("| seed | members × civil | candidate pairs (peer) | ours precision / recall / s | "
          "recordlinkage ECM precision / recall / s |")
    print("|---|---|---:|---|---|")
    for seed in args.seeds:
        r = run_seed(args.people, seed)
        print(f"| {r['seed']} | {r['members']:,} × {r['civil']:,} | {r['pairs']:,} | "
              f"{100 * r['ours_precision']:.2f} % / {100 * r['ours_recall']:.2f} % / {r['ours_s']:.1f} | "
              f"{100 * r['peer_precision']:.2f} % / {100 * r['peer_recall']:.2f} % / {r['peer_s']:.1f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
