"""Benchmark: recording one receipt on the distribution day (issue 14), target ≤ 50 ms from the
scanned text to the result, on a 100,000-KPM period, and still after 10,000 receipts.

* a period of ``--kpm`` KPM (100,000 by default) spread over the desa of Kabupaten Klaten
  (33.10), 95 % lengkap, status ``siap``; inserted directly (the cleaning has its own benchmark);
* phase 1: ``--sample`` receipts (300), each one transaction as the desk runs it: the scanned
  text (invitation QR, or a typed NIK for every fourth) → ``receipts.receive`` → commit → result;
  plus as many double scans (``AlreadyRecorded``, nothing written) and the desk's refresh
  (``desk_counts`` of the desa + ``recent``);
* phase 2: ``--bulk`` more receipts (10,000: hours of a real day) through the same service;
* phase 3: phase 1 again on the fuller period.

SQLite in a temporary folder, or ``--pg URL`` (an empty database; it is migrated). Prints a
Markdown table with the median, 95th percentile and maximum per phase, and the load average.

Usage::

    python benchmarks/bench_distribution_receive.py [--kpm 100000] [--bulk 10000] [--pg URL]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DTKS_DATA_DIR", tempfile.mkdtemp(prefix="dtks-bench-dist-"))

from sqlalchemy import insert, select, text  # noqa: E402

from dtks_desktop.config import sqlite_url  # noqa: E402
from dtks_desktop.db.models import DistKpm, DistPeriod, Region  # noqa: E402
from dtks_desktop.domain.distribution import BenefitKind, CleanReason, CleanStatus, SourceKind  # noqa: E402
from dtks_desktop.domain.workflow.distribution import PeriodStatus, ReceiptStatus  # noqa: E402
from dtks_desktop.services.core import settings  # noqa: E402
from dtks_desktop.services.core.database import open_database  # noqa: E402
from dtks_desktop.services.core.users import create_user  # noqa: E402
from dtks_desktop.services.distribution import receipts  # noqa: E402
from dtks_desktop.services.distribution.tokens import make_token  # noqa: E402
from dtks_desktop.services.documents.issued import _secret  # noqa: E402

FIRST = ["SITI", "SRI", "BUDI", "AGUS", "DWI", "EKO", "NUR", "RINA", "JOKO", "TRI", "ANI", "SUPARMI", "SLAMET"]
LAST = ["WAHYUNI", "SANTOSO", "LESTARI", "PRASETYO", "RAHAYU", "HIDAYAT", "SETIAWAN", "PURNOMO", "HANDAYANI"]


def build(db, n: int, rnd: random.Random):
    with db.transaction() as s:
        admin = create_user(s, "admin", "rahasia-admin-1", "admin")
        op = create_user(s, "operator1", "rahasia-operator", "operator", by=admin)
        settings.set_office_kab(s, admin, "33.10")
        desa = list(s.execute(select(Region.kode).where(Region.kode.like("33.10.%.____"))).scalars())
        p = DistPeriod(programme="BPNT", period="Tahap bench", benefit_kind=BenefitKind.TUNAI.value, cash=200_000,
                       source=SourceKind.FILE.value, status=PeriodStatus.SIAP.value, created_by=admin.id)
        s.add(p)
        s.flush()
        pid = p.id
        secret = _secret(s)
    rows = []
    for i in range(n):
        d = desa[i % len(desa)]
        returned = i % 20 == 19
        rows.append({"period_id": pid, "urut": i + 1, "in_registry": True, "nik": f"{d.replace('.', '')[:6]}{i:010d}",
                     "no_kk": f"{d.replace('.', '')[:6]}{i + 5_000_000:010d}",
                     "nama": f"{rnd.choice(FIRST)} {rnd.choice(LAST)}", "alamat": f"Dusun {i % 9 + 1}",
                     "dusun": f"Dusun {i % 9 + 1}", "rt": f"{i % 12 + 1:03d}", "rw": f"{i % 6 + 1:03d}", "desa_kode": d,
                     "clean_status": (CleanStatus.DIKEMBALIKAN if returned else CleanStatus.LENGKAP).value,
                     "clean_reasons": CleanReason.RT_KOSONG.value if returned else None, "clean_round": 1,
                     "receipt_status": ReceiptStatus.BELUM.value})
    with db.transaction() as s:
        for k in range(0, n, 10_000):
            s.execute(insert(DistKpm), rows[k:k + 10_000])
    with db.engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    with db.sessions() as s:
        kpm = list(s.execute(select(DistKpm.id, DistKpm.nik, DistKpm.desa_kode)
                             .where(DistKpm.period_id == pid, DistKpm.clean_status == CleanStatus.LENGKAP.value)))
    return pid, op, secret, kpm


def scan(db, op, pid, text_in: str, *, nik: bool):
    t0 = time.perf_counter()
    with db.transaction() as s:
        res = receipts.receive(s, op, pid, **({"nik": text_in} if nik else {"qr": text_in}))
    return time.perf_counter() - t0, res


def phase(db, op, pid, secret, batch):
    ok, dup, refresh = [], [], []
    for i, (kid, nik, desa) in enumerate(batch):
        by_nik = i % 4 == 3
        t, res = scan(db, op, pid, nik if by_nik else make_token(secret, pid, kid) + "\n", nik=by_nik)
        assert res.kpm.id == kid
        ok.append(t)
        t0 = time.perf_counter()
        try:
            with db.transaction() as s:
                receipts.receive(s, op, pid, qr=make_token(secret, pid, kid))
        except receipts.AlreadyRecorded:
            dup.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        with db.sessions() as s:
            receipts.desk_counts(s, pid, desa=desa)
            receipts.recent(s, op, pid, desa=desa, limit=20)
        refresh.append(time.perf_counter() - t0)
    return ok, dup, refresh


def ms(xs):
    xs = sorted(xs)
    return (f"{1000 * statistics.median(xs):.1f}", f"{1000 * xs[int(0.95 * (len(xs) - 1))]:.1f}",
            f"{1000 * xs[-1]:.1f}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kpm", type=int, default=100_000)
    ap.add_argument("--bulk", type=int, default=10_000)
    ap.add_argument("--sample", type=int, default=300)
    ap.add_argument("--pg", metavar="URL")
    a = ap.parse_args(argv)
    rnd = random.Random(14)
    url = a.pg or sqlite_url(Path(tempfile.mkdtemp(prefix="dtks-bench-dist-")) / "dist.sqlite")
    db = open_database(url)
    t0 = time.perf_counter()
    pid, op, secret, kpm = build(db, a.kpm, rnd)
    print(f"{db.dialect}: {a.kpm:,} KPM inserted in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    rnd.shuffle(kpm)
    first, bulk, last = kpm[:a.sample], kpm[a.sample:a.sample + a.bulk], kpm[a.sample + a.bulk:2 * a.sample + a.bulk]
    results = [("1: first receipts", *phase(db, op, pid, secret, first))]
    t0 = time.perf_counter()
    bulk_times = []
    for i, (kid, nik, _) in enumerate(bulk):
        bulk_times.append(scan(db, op, pid, make_token(secret, pid, kid), nik=False)[0])
    bulk_s = time.perf_counter() - t0
    results.append(("3: after +{:,} receipts".format(a.bulk), *phase(db, op, pid, secret, last)))
    load = os.getloadavg()
    print(f"\n{db.dialect}, {a.kpm:,} KPM, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}\n")
    print("| phase | receipts | receive median / p95 / max (ms) | double scan median / p95 / max (ms) "
          "| desk refresh median / p95 / max (ms) |")
    print("|---|---:|---|---|---|")
    for name, ok, dup, refresh in results:
        print(f"| {name} | {len(ok)} | {' / '.join(ms(ok))} | {' / '.join(ms(dup))} | {' / '.join(ms(refresh))} |")
    print(f"| 2: bulk | {len(bulk_times):,} | {' / '.join(ms(bulk_times))} | | total {bulk_s:.1f} s |")
    worst = max(statistics.median(r[1]) for r in results)
    print(f"\nmedian receive {'within' if worst <= 0.05 else 'OVER'} 50 ms")
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
