"""Matching quality, time and memory: DTKS Desktop against peers (recordlinkage, Splink).

Benchmark-only dependencies, not needed by the app::

    pip install recordlinkage splink      # splink optional (DuckDB backend)

Two ways to run it:

    # self-contained: generate, import into a temporary SQLite database, compare (small sizes)
    python benchmarks/bench_matching_peer.py --people 3000 --seeds 1 2

    # an existing database prepared with the matching benchmark, e.g. 1M people on PostgreSQL
    python -m dtks_desktop.demo.benchmark prepare postgresql+psycopg://postgres@127.0.0.1/db \\
        --people 1000000 --ratio 3 --keep /data/demo_1m
    python benchmarks/bench_matching_peer.py --url postgresql+psycopg://postgres@127.0.0.1/db \\
        --truth /data/demo_1m/ground_truth.csv --label PostgreSQL

Every method runs in its own child process on the same imported rows (registry members with
their family's No KK and desa; the civil-registry snapshot ``dukcapil_persons``); each child
reports its peak RSS (``getrusage`` ``ru_maxrss`` of itself and of any worker it waited for) and
the parent scores the outcome against the demo generator's ``ground_truth.csv``. The peers run
first and ours last, because ours writes to the database (results, and the spreadsheet-damaged
NIKs it restores itself). A database on which ours ran before is reported (``state_before`` and a
warning: ours is then not a first run); the peers then still read the NIKs as imported (the old
values in ``identity_history``). For a clean comparison use a freshly prepared database per run.

- **ours**: ``run_matching(db, actor, full=True)`` (every result rewritten), scored with
  ``tuning.evaluate``. Seconds = ``run_matching`` (reading the database, linking, writing);
  ``seconds_to_links`` = the part a peer's seconds cover (reading to each member's chosen link).
- **recordlinkage** (0.16, the Python Record Linkage Toolkit): the peer gets the importer's
  normalised name (``nama_key``) and, like ours, the mother's name through the same
  ``normalize_name``. Candidate pairs: blocking on NIK OR No KK OR (birth date AND desa) OR
  (name key, i.e. the normalised words sorted, AND birth date); rows with an empty key are never
  paired. The member side is indexed and compared in chunks (``--chunk``, default 600,000) so
  that 1M × 3M stays within a few GB; the features of all chunks are then classified together.
  Comparisons: NIK exact, name Jaro-Winkler ≥ 0.85, birth date exact, sex exact, mother's name
  Jaro-Winkler ≥ 0.85, No KK exact, desa exact; classification by its unsupervised ECM
  (Fellegi-Sunter EM) classifier; per member the best-scoring linked candidate.
- **Splink** (written against Splink 5.0 with DuckDB 2.0; the Splink 4 branch of the code was not
  run) (DuckDB backend, in memory, memory_limit ``--duckdb-memory``, DuckDB's default threads = all
  cores, whereas ours and recordlinkage use one): the same input
  columns and the same four prediction blocking rules. Comparisons from its library: NIK
  Damerau-Levenshtein (exact, ≤ 1: catches typos and swaps), name Jaro-Winkler (exact with term
  frequency adjustment, ≥ 0.92, ≥ 0.88, ≥ 0.70), birth date ``DateOfBirthComparison`` (exact,
  Levenshtein 1, ≤ 1 month, ≤ 1 year, ≤ 10 years), sex exact, mother's name Jaro-Winkler
  (≥ 0.92, ≥ 0.80), No KK exact, desa exact. Training as in Splink's tutorials: λ from the
  deterministic rule NIK AND birth date (recall 0.9), u by random sampling (``--splink-u-pairs``),
  m by EM on two blocking rules (NIK; birth date AND desa) so that every comparison is estimated.
  A link is a pair with match probability ≥ ``--splink-threshold`` (default 0.5); per member the
  most probable one. Precision/recall at 0.9 and 0.99 are printed too.

Seconds for a peer: from reading the database to the chosen link per member (reading, name
normalisation, blocking, comparing, training, classifying); not counted: interpreter start and
imports, the scoring against the ground truth. Peak RSS: the child process (for Splink: DuckDB's
memory included, it lives in the same process).

Precision = share of the links a method makes by itself that point at the true person (ours:
``padan`` + ``padan_catatan`` + what the machine accepts itself; a peer: every link it makes).
Recall = share of registry members who are in the civil registry (``in_dukcapil = 1``) and end up
with the right NIK (ours: accepted or proposed for review; a peer: its link). Both peers and ours
are scored on the same members (ground-truth rows with ``expect = import``). Ours' precision thus
covers fewer links than a peer's (its proposals wait for a clerk); for a like-for-like figure the
raw line also has ``precision_all_outputs``: every NIK ours puts in ``nik_matched`` (accepted,
restored, proposed, ganda) scored like a peer's links.

The markdown row per run has: database, members × civil persons, then for ours and each peer
precision / recall / seconds / peak RSS, for the peers also the number of candidate pairs.
Raw per-run JSON lines (``RAW {...}``) follow each row.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ADMIN, PASSWORD = "admin", "rahasia-admin-1"  # what benchmark.py prepare creates
PEERS = ("recordlinkage", "splink")

MEMBER_SQL = ("SELECT m.id, m.nik, m.nama_key, CAST(m.tanggal_lahir AS VARCHAR(10)), m.jenis_kelamin, m.nama_ibu, "
              "h.no_kk, h.desa_kode FROM members m JOIN households h ON h.id = m.household_id "
              "WHERE m.status <> 'dihapus' ORDER BY m.id")
CIVIL_SQL = ("SELECT id, nik, nama_key, CAST(tanggal_lahir AS VARCHAR(10)), jenis_kelamin, nama_ibu, no_kk, desa_kode "
             "FROM dukcapil_persons ORDER BY id")
COLS = ["id", "nik", "nama", "tgl", "jk", "ibu", "kk", "desa"]


# --------------------------------------------------------------------------- child processes

def _rss_now_gb() -> float:
    """Peak RSS of this process (and of any worker process it waited for), GB."""
    import resource
    kb = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return kb / 1024 / 1024


def child_ours(url: str) -> dict:
    from dtks_desktop.services.core.database import login, open_database
    from dtks_desktop.services.matching.run import run_matching

    db = open_database(url)
    actor = login(db, ADMIN, PASSWORD)
    marks: dict[str, float] = {}

    def progress(_done: int, _total: int, text: str = "") -> None:
        marks.setdefault(text, time.perf_counter())

    t0 = time.perf_counter()
    summary = run_matching(db, actor, full=True, progress=progress)
    secs = time.perf_counter() - t0
    db.dispose()
    out = summary.as_dict()
    out["seconds"] = round(secs, 2)
    # The part a peer's seconds cover: from reading the database to each member's chosen link
    # (ganda included); the rest is building and writing the result rows and the restorations.
    if "Menyusun hasil" in marks:
        out["seconds_to_links"] = round(marks["Menyusun hasil"] - t0, 2)
    return out


def _shared_strings(values):
    """Object array whose equal strings are one object (less memory); empty and None become None."""
    import numpy as np
    import pandas as pd

    codes, uniq = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    uniq = np.asarray(uniq, dtype=object)
    uniq[[(u is None) or (u == "") for u in uniq]] = None
    out = np.empty(len(codes), dtype=object)
    ok = codes >= 0
    out[ok] = uniq[codes[ok]]
    return out


def load_tables(url: str, chunk: int = 200_000):
    """Members and civil persons as two DataFrames indexed by id (same columns), normalised for the peers."""
    import numpy as np
    import pandas as pd
    from sqlalchemy import text

    from dtks_desktop.db.engine import make_engine
    from dtks_desktop.domain.names import normalize_name

    engine = make_engine(url)
    frames = []
    with engine.connect() as conn:
        conn = conn.execution_options(stream_results=True, yield_per=chunk)
        for sql in (MEMBER_SQL, CIVIL_SQL):
            parts = []
            for part in conn.execute(text(sql)).partitions(chunk):
                cols = list(zip(*part)) if part else [[] for _ in COLS]
                df = pd.DataFrame({c: (np.asarray(v, dtype=np.int64) if c == "id" else _shared_strings(v))
                                   for c, v in zip(COLS, cols)})
                parts.append(df)
            frames.append(pd.concat(parts, ignore_index=True).set_index("id"))
        # Ours may already have run on this database and restored spreadsheet-damaged NIKs itself
        # (members.nik rewritten, old value in identity_history): the peers get the NIK as imported.
        restored = dict(conn.execute(text(
            "SELECT member_id, old_value FROM identity_history WHERE field = 'nik' ORDER BY id DESC")).all())
    engine.dispose()
    members, civil = frames
    if restored:
        ids = np.fromiter(restored, dtype=np.int64, count=len(restored))
        hit = members.index.isin(ids)
        members.loc[hit, "nik"] = [restored[i] or None for i in members.index[hit]]
        print(f"  {int(hit.sum())} members: NIK as imported (from identity_history)", file=sys.stderr, flush=True)
    # Same derived keys on both sides, computed once per distinct value.
    for col, fn in (("ibu", normalize_name), ("nkey", None)):
        src = "ibu" if col == "ibu" else "nama"
        both = pd.concat([members[src], civil[src]], ignore_index=True)
        codes, uniq = pd.factorize(both, use_na_sentinel=True)
        if fn is None:
            mapped = np.array([" ".join(sorted(u.split())) for u in uniq], dtype=object)
        else:
            mapped = np.array([fn(u) for u in uniq], dtype=object)
        mapped[[m == "" for m in mapped]] = None
        vals = np.empty(len(codes), dtype=object)
        ok = codes >= 0
        vals[ok] = mapped[codes[ok]]
        members[col] = vals[:len(members)]
        civil[col] = vals[len(members):]
    return members, civil


def child_recordlinkage(url: str, out_path: str, chunk: int) -> dict:
    import numpy as np
    import pandas as pd
    import recordlinkage as rl

    t0 = time.perf_counter()
    members, civil = load_tables(url)
    t_load = time.perf_counter() - t0

    indexer = rl.Index()
    indexer.block("nik")
    indexer.block("kk")
    indexer.block(["tgl", "desa"])
    indexer.block(["nkey", "tgl"])
    comp = rl.Compare()
    comp.exact("nik", "nik", label="nik")
    comp.string("nama", "nama", method="jarowinkler", threshold=0.85, label="nama")
    comp.exact("tgl", "tgl", label="tgl")
    comp.exact("jk", "jk", label="jk")
    comp.string("ibu", "ibu", method="jarowinkler", threshold=0.85, label="ibu")
    comp.exact("kk", "kk", label="kk")
    comp.exact("desa", "desa", label="desa")

    feats = []
    n_pairs = 0
    t_index = t_compare = 0.0
    for start in range(0, len(members), chunk):
        part = members.iloc[start:start + chunk]
        t1 = time.perf_counter()
        pairs = indexer.index(part, civil)
        t2 = time.perf_counter()
        f = comp.compute(pairs, part, civil).astype(np.uint8)
        t3 = time.perf_counter()
        t_index += t2 - t1
        t_compare += t3 - t2
        n_pairs += len(pairs)
        feats.append(f)
        del pairs
        print(f"  recordlinkage chunk {start:,}: {n_pairs:,} pairs so far, RSS {_rss_now_gb():.2f} GB",
              file=sys.stderr, flush=True)
    features = pd.concat(feats)
    del feats
    t4 = time.perf_counter()
    ecm = rl.ECMClassifier(binarize=0.5)
    links = ecm.fit_predict(features)
    probs = ecm.prob(features)
    best = probs.reindex(links).rename("p").reset_index()
    best.columns = ["mid", "cid", "p"]
    best = best.sort_values(["mid", "p"], ascending=[True, False]).drop_duplicates("mid")
    nik = civil["nik"].reindex(best["cid"].to_numpy()).to_numpy()
    secs = time.perf_counter() - t0
    np.savez(out_path, member_id=best["mid"].to_numpy(np.int64),
             nik=np.array(["" if x is None else str(x) for x in nik], dtype="U20"), p=best["p"].to_numpy(float))
    return {"members": len(members), "civil": len(civil), "pairs": int(n_pairs), "links": int(len(best)),
            "seconds": round(secs, 2), "load_s": round(t_load, 1), "index_s": round(t_index, 1),
            "compare_s": round(t_compare, 1), "ecm_s": round(secs - (t4 - t0), 1),
            "ecm_m": {k: round(float(v), 4) for k, v in _ecm_params(ecm, "m").items()},
            "ecm_u": {k: round(float(v), 4) for k, v in _ecm_params(ecm, "u").items()}}


def _ecm_params(ecm, which: str) -> dict:
    try:
        probs = ecm.m_probs if which == "m" else ecm.u_probs
        return {k: v[1] for k, v in probs.items() if 1 in v}
    except Exception:  # pragma: no cover - only informative
        return {}


def child_splink(url: str, out_path: str, threshold: float, u_pairs: float, duckdb_memory: str) -> dict:
    import duckdb
    import numpy as np
    import splink
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    t0 = time.perf_counter()
    members, civil = load_tables(url)
    t_load = time.perf_counter() - t0
    cols = ["nik", "nama", "tgl", "jk", "ibu", "kk", "desa", "nkey"]
    left = members[cols].reset_index().rename(columns={"id": "unique_id"})
    right = civil[cols].reset_index().rename(columns={"id": "unique_id"})
    n_members, n_civil = len(left), len(right)
    civil_nik = civil["nik"]
    exact_nik_pairs = len(set(left["nik"].dropna()) & set(right["nik"].dropna()))
    del members, civil

    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{duckdb_memory}'")
    con.execute("SET preserve_insertion_order = false")
    db_api = DuckDBAPI(connection=con)
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=1 / max(n_civil, 1),
        blocking_rules_to_generate_predictions=[
            block_on("nik"), block_on("kk"), block_on("tgl", "desa"), block_on("nkey", "tgl")],
        comparisons=[
            cl.DamerauLevenshteinAtThresholds("nik", [1]),
            cl.JaroWinklerAtThresholds("nama", [0.92, 0.88, 0.70]).configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("tgl", input_is_string=True, datetime_format="%Y-%m-%d"),
            cl.ExactMatch("jk"),
            cl.JaroWinklerAtThresholds("ibu", [0.92, 0.80]),
            cl.ExactMatch("kk"),
            cl.ExactMatch("desa"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    t1 = time.perf_counter()
    if hasattr(db_api, "register"):  # Splink 5
        linker = Linker([db_api.register(left, dataset_display_name="registry"),
                         db_api.register(right, dataset_display_name="civil")], settings)
    else:  # Splink 4
        linker = Linker([left, right], settings, db_api, input_table_aliases=["registry", "civil"])
    del left, right
    # A file whose every NIK went through a spreadsheet has (almost) no exact NIK pair: Splink's
    # training on the NIK then fails ("resulted in no record pairs"). As a user of Splink would,
    # train on the name key and birth date instead.
    nik_rule = exact_nik_pairs >= 1000
    if nik_rule:
        linker.training.estimate_probability_two_random_records_match([block_on("nik", "tgl")], recall=0.9)
    else:
        linker.training.estimate_probability_two_random_records_match([block_on("nkey", "tgl")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("nik") if nik_rule
                                                                        else block_on("nkey", "tgl"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("tgl", "desa"))
    t2 = time.perf_counter()
    # every blocked pair is scored (no threshold inside predict): their count is the peer's candidate pairs
    pred = linker.inference.predict()
    t3 = time.perf_counter()
    table = pred.physical_name
    cols_pred = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
    # which side is the registry: unique ids of the two inputs overlap, so check the source column
    src_l = next((c for c in cols_pred if c.startswith("source_dataset") and c.endswith("_l")), None)
    left_is_registry = True
    if src_l:
        v = con.execute(f"SELECT DISTINCT {src_l} FROM {table}").fetchall()
        print(f"  splink: left source values {v[:3]}", file=sys.stderr, flush=True)
        left_is_registry = len(v) == 0 or "registry" in str(v[0][0]) or str(v[0][0]).endswith("_0")
    mid, cid = ("unique_id_l", "unique_id_r") if left_is_registry else ("unique_id_r", "unique_id_l")
    rows = con.execute(f"""
        SELECT mid, cid, p FROM (
          SELECT {mid} AS mid, {cid} AS cid, match_probability AS p,
                 row_number() OVER (PARTITION BY {mid} ORDER BY match_probability DESC, {cid}) AS rn
          FROM {table} WHERE match_probability >= {threshold}) WHERE rn = 1""").fetchnumpy()
    secs = time.perf_counter() - t0
    n_scored = int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    extra = {}
    for t in (0.9, 0.99):
        r = con.execute(f"""
            SELECT mid, cid FROM (
              SELECT {mid} AS mid, {cid} AS cid,
                     row_number() OVER (PARTITION BY {mid} ORDER BY match_probability DESC, {cid}) AS rn
              FROM {table} WHERE match_probability >= {t}) WHERE rn = 1""").fetchnumpy()
        extra[str(t)] = (np.asarray(r["mid"], np.int64),
                         civil_nik.reindex(np.asarray(r["cid"], np.int64)).to_numpy())
    member_ids = np.asarray(rows["mid"], np.int64)
    nik = civil_nik.reindex(np.asarray(rows["cid"], np.int64)).to_numpy()
    arrays = {"member_id": member_ids, "nik": np.array(["" if x is None else str(x) for x in nik], dtype="U20"),
              "p": np.asarray(rows["p"], float)}
    for t, (m, n) in extra.items():
        arrays[f"member_id_{t}"] = m
        arrays[f"nik_{t}"] = np.array(["" if x is None else str(x) for x in n], dtype="U20")
    np.savez(out_path, **arrays)
    params = {}
    try:
        for c in linker._settings_obj.comparisons:
            params[c.output_column_name] = [
                (cl_.label_for_charts, round(cl_.m_probability or 0, 4), round(cl_.u_probability or 0, 6))
                for cl_ in c.comparison_levels if not cl_.is_null_level]
    except Exception:  # pragma: no cover - informative only
        pass
    return {"version": splink.__version__, "duckdb": duckdb.__version__, "members": n_members, "civil": n_civil,
            "pairs": n_scored, "links": int(len(member_ids)), "seconds": round(secs, 2), "load_s": round(t_load, 1),
            "train_s": round(t2 - t1, 1), "predict_s": round(t3 - t2, 1), "threshold": threshold, "params": params,
            "training": "nik" if nik_rule else "nama_kunci+tgl", "exact_nik_pairs": exact_nik_pairs}


# --------------------------------------------------------------------------- parent

def run_child(args: list[str], log) -> tuple[dict, float, float]:
    """Run this script as a child; returns (its JSON result, wall seconds, peak RSS GB)."""
    cmd = [sys.executable, os.path.abspath(__file__), *args]
    if log:
        log.write(f"$ {' '.join(cmd)}\n")
        log.flush()
    with tempfile.TemporaryFile("w+", encoding="utf-8") as errf:
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=log or errf, text=True)
        wall = time.perf_counter() - t0
        errf.seek(0)
        err = errf.read()
    out = proc.stdout
    if log:
        log.write(out + "\n")
        log.flush()
    if proc.returncode != 0:
        raise RuntimeError(f"child failed ({proc.returncode}): {' '.join(args)}\n{err[-4000:]}"
                           + (" (see the log)" if log else ""))
    data = json.loads(out.strip().splitlines()[-1])
    return data, wall, float(data.get("peak_rss_gb", float("nan")))


def truth_table(path: str | Path) -> dict:
    """id_dtks -> (true_nik, in_civil) for the rows ``tuning.evaluate`` scores (expect = import)."""
    truth = {}
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["expect"] == "import" and row["id_dtks"]:
                truth[row["id_dtks"]] = (row["true_nik"] or "", row["in_dukcapil"] == "1")
    return truth


def db_state(url: str) -> dict:
    """Has ours run on this database already? (results, restored NIKs)"""
    from sqlalchemy import text

    from dtks_desktop.db.engine import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        out = {"match_results": conn.execute(text("SELECT count(*) FROM match_results")).scalar_one(),
               "nik_history": conn.execute(text("SELECT count(*) FROM identity_history WHERE field = 'nik'"))
               .scalar_one()}
    engine.dispose()
    return out


def ours_all_outputs(url: str, keys: dict, truth: dict) -> dict:
    """Every NIK ours outputs (``nik_matched`` of any status), scored like a peer's links."""
    from sqlalchemy import text

    from dtks_desktop.db.engine import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT member_id, nik_matched FROM match_results "
                                 "WHERE nik_matched IS NOT NULL AND nik_matched <> ''")).all()
    engine.dispose()
    sc = score_links([r[0] for r in rows], [r[1] for r in rows], keys, truth)
    return {"precision_all_outputs": sc["precision"], "outputs": sc["links"], "outputs_right": sc["right_links"]}


def member_keys(url: str) -> dict:
    """member id -> id_dtks of every member ours matches (status <> dihapus)."""
    from sqlalchemy import text

    from dtks_desktop.db.engine import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, id_dtks FROM members WHERE status <> 'dihapus'")).all()
    engine.dispose()
    return dict(rows)


def score_links(member_ids, niks, keys: dict, truth: dict) -> dict:
    """Precision and recall of a peer's links, on the members ``tuning.evaluate`` counts."""
    link = {int(m): str(n) for m, n in zip(member_ids, niks)}
    members = in_civil = linked = right_links = recalled = 0
    for mid, id_dtks in keys.items():
        t = truth.get(id_dtks)
        if t is None:
            continue
        members += 1
        true_nik, in_c = t
        got = link.get(mid)
        ok = bool(got) and bool(true_nik) and got == true_nik
        if got is not None:
            linked += 1
            right_links += ok
        if true_nik and in_c:
            in_civil += 1
            recalled += ok
    return {"scored_members": members, "links": linked, "right_links": right_links, "in_civil": in_civil,
            "right_nik": recalled, "precision": right_links / linked if linked else 1.0,
            "recall": recalled / in_civil if in_civil else 1.0}


def compare(url: str, truth_csv: str | Path, label: str, peers: list[str], opts, log, workdir: Path) -> dict:
    from dtks_desktop.services.core.database import open_database
    from dtks_desktop.demo.tuning import evaluate

    row: dict = {"database": label, "state_before": db_state(url)}
    if row["state_before"]["match_results"] or row["state_before"]["nik_history"]:
        print(f"  WARNING: {label} was matched before ({row['state_before']}): ours is not a first run; "
              "the peers still get the NIKs as imported", file=sys.stderr, flush=True)
    truth = truth_table(truth_csv)
    keys = member_keys(url)
    for peer in peers:
        out_path = str(workdir / f"links_{peer}_{os.getpid()}.npz")
        if peer == "recordlinkage":
            args = ["_recordlinkage", url, out_path, "--chunk", str(opts.chunk)]
        else:
            args = ["_splink", url, out_path, "--splink-threshold", str(opts.splink_threshold),
                    "--splink-u-pairs", str(opts.splink_u_pairs), "--duckdb-memory", opts.duckdb_memory]
        try:
            data, wall, rss = run_child(args, log)
        except RuntimeError as exc:
            row[peer] = {"error": str(exc).splitlines()[-1]}
            print(f"  {peer} failed: {exc}", file=sys.stderr, flush=True)
            continue
        import numpy as np
        arr = np.load(out_path)
        sc = score_links(arr["member_id"], arr["nik"], keys, truth)
        data.update(sc, peak_rss_gb=rss, process_wall=round(wall, 1))
        for t in ("0.9", "0.99"):
            if f"member_id_{t}" in arr:
                s2 = score_links(arr[f"member_id_{t}"], arr[f"nik_{t}"], keys, truth)
                data[f"at_{t}"] = {"precision": s2["precision"], "recall": s2["recall"], "links": s2["links"]}
        os.unlink(out_path)
        row[peer] = data
        row.setdefault("members", data["members"])
        row.setdefault("civil", data["civil"])
    # Ours last: its automatic restorations rewrite members' NIKs, the peers must see the file's NIKs.
    if not opts.skip_ours:
        data, wall, rss = run_child(["_ours", url], log)
        db = open_database(url)
        with db.sessions() as s:
            q = evaluate(s, truth_csv)
        db.dispose()
        row["ours"] = {"precision": q.precision, "recall": q.recall, "seconds": data["seconds"],
                       "seconds_to_links": data.get("seconds_to_links"), "peak_rss_gb": rss,
                       "process_wall": round(wall, 1), "queue": q.queue_share, "auto_accepted": q.auto_accepted,
                       "auto_right": q.auto_right, "restored": getattr(q, "restored", None),
                       "in_civil": q.in_civil, "right_nik": q.right_nik, "members": q.members, "counts": q.counts,
                       "duplicates_flagged": q.dup_share, "false_ganda": q.false_ganda,
                       "summary": {k: v for k, v in data.items() if k != "peak_rss_gb"}}
        row["ours"].update(ours_all_outputs(url, keys, truth))
    if "members" not in row:
        from sqlalchemy import text

        from dtks_desktop.db.engine import make_engine
        engine = make_engine(url)
        with engine.connect() as conn:
            row["members"] = len(keys)
            row["civil"] = conn.execute(text("SELECT count(*) FROM dukcapil_persons")).scalar_one()
        engine.dispose()
    return row


def _fmt(d: dict | None, pairs: bool) -> str:
    if d is None:
        return "—"
    if "error" in d:
        return f"failed: {d['error'][:80]}"
    rss = d.get("peak_rss_gb")
    secs = f"{d['seconds']:.1f} s"
    if d.get("seconds_to_links") is not None:
        secs += f" ({d['seconds_to_links']:.1f} s to the links)"
    s = (f"{100 * d['precision']:.2f} % / {100 * d['recall']:.2f} % / {secs} / "
         f"{rss:.2f} GB" if rss == rss else "")
    if pairs:
        s = f"{d['pairs']:,} pairs: {s}" if d.get("pairs") is not None else s
    return s


def header(peers: list[str]) -> str:
    names = {"recordlinkage": "recordlinkage ECM", "splink": "Splink (DuckDB)"}
    cols = ["database", "members × civil", "ours precision / recall / s / peak RSS"]
    cols += [f"{names[p]} candidate pairs: precision / recall / s / peak RSS" for p in peers]
    return "| " + " | ".join(cols) + " |\n|" + "---|" * len(cols)


def table_row(r: dict, peers: list[str]) -> str:
    cells = [r["database"], f"{r['members']:,} × {r['civil']:,}", _fmt(r.get("ours"), False)]
    cells += [_fmt(r.get(p), True) for p in peers]
    return "| " + " | ".join(cells) + " |"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=3000, help="self-contained mode: people per seed")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2], help="self-contained mode: seeds")
    ap.add_argument("--ratio", type=float, default=2.0, help="self-contained mode: dukcapil ratio")
    ap.add_argument("--url", help="an existing prepared database (benchmark.py prepare)")
    ap.add_argument("--truth", help="its ground_truth.csv (benchmark.py prepare --keep DIR)")
    ap.add_argument("--label", help="database label in the table (default: SQLite / PostgreSQL)")
    ap.add_argument("--peers", nargs="*", default=None, help=f"subset of {PEERS} (default: those installed)")
    ap.add_argument("--skip-ours", action="store_true")
    ap.add_argument("--chunk", type=int, default=600_000, help="recordlinkage: members per chunk")
    ap.add_argument("--splink-threshold", type=float, default=0.5)
    ap.add_argument("--splink-u-pairs", type=float, default=1e7)
    ap.add_argument("--duckdb-memory", default="8GB")
    ap.add_argument("--log", help="append the children's stderr/stdout here")
    ap.add_argument("--workdir", help="scratch folder for the link files (default: a temporary folder)")
    args = ap.parse_args(argv)

    peers = args.peers
    if peers is None:
        import importlib.util
        peers = [p for p in PEERS if importlib.util.find_spec(p)]
    log = open(args.log, "a", encoding="utf-8") if args.log else None
    base = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="dtks-peer-"))
    base.mkdir(parents=True, exist_ok=True)
    print(header(peers), flush=True)
    if args.url:
        if not args.truth:
            ap.error("--url needs --truth")
        label = args.label or ("PostgreSQL" if args.url.startswith("postgresql") else "SQLite")
        runs = [(args.url, args.truth, label)]
    else:
        runs = None
    if runs is not None:
        for url, truth, label in runs:
            r = compare(url, truth, label, peers, args, log, base)
            print(table_row(r, peers), flush=True)
            print("RAW " + json.dumps(r, default=str), flush=True)
        return 0

    from dtks_desktop.config import sqlite_url
    from dtks_desktop.services.core.database import open_database
    from dtks_desktop.demo.tuning import load_demo
    from dtks_desktop.services.core.users import create_user

    for seed in args.seeds:
        tmp = Path(tempfile.mkdtemp(prefix=f"seed{seed}-", dir=base))
        url = sqlite_url(tmp / "peer.sqlite")
        db = open_database(url)
        with db.transaction() as s:
            actor = create_user(s, ADMIN, PASSWORD, "admin")
        files = load_demo(db, actor, tmp / "demo", args.people, seed, args.ratio)
        db.dispose()
        r = compare(url, files["ground_truth"], f"SQLite, seed {seed}", peers, args, log, tmp)
        print(table_row(r, peers), flush=True)
        print("RAW " + json.dumps(r, default=str), flush=True)
    return 0


def _child_main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["_ours", "_recordlinkage", "_splink"])
    ap.add_argument("url")
    ap.add_argument("out", nargs="?")
    ap.add_argument("--chunk", type=int, default=600_000)
    ap.add_argument("--splink-threshold", type=float, default=0.5)
    ap.add_argument("--splink-u-pairs", type=float, default=1e7)
    ap.add_argument("--duckdb-memory", default="8GB")
    a = ap.parse_args(argv)
    if a.what == "_ours":
        res = child_ours(a.url)
    elif a.what == "_recordlinkage":
        res = child_recordlinkage(a.url, a.out, a.chunk)
    else:
        res = child_splink(a.url, a.out, a.splink_threshold, a.splink_u_pairs, a.duckdb_memory)
    res["peak_rss_gb"] = round(_rss_now_gb(), 3)
    print(json.dumps(res, default=str), flush=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1].startswith("_"):
        raise SystemExit(_child_main(sys.argv[1:]))
    raise SystemExit(main())
