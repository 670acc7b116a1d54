"""Benchmark: every receipt list and invitation of a 100,000-KPM kabupaten (issue 14) — target
≤ 90 s on the office's 2-core PC.

A period of ``--kpm`` synthetic KPM (100,000 by default) spread over every desa/kelurahan of
Klaten (401, about 250 KPM each, RT/RW/dusun varied), cleaned ``lengkap``, with one distribution
point per desa and one-hour slots; the village head of every desa stored. Then
``printing.print_documents`` for ``undangan`` and ``tanda-terima`` (all desa, one PDF per desa,
each an issued document stored in the database), with the workers the machine gets (2 on 2
cores; ``--workers`` to force). SQLite in a temporary folder, or ``--db URL`` (an empty
PostgreSQL database). Prints a Markdown table with the load average before and after.

Usage::

    python benchmarks/bench_distribution_print.py [--kpm 100000] [--workers N] [--db URL]
"""

from __future__ import annotations

import argparse
import os
import resource
import random
import sys
import tempfile
import time
from datetime import date, time as dtime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DTKS_DATA_DIR", tempfile.mkdtemp(prefix="dtks-bench-dist-"))

from sqlalchemy import insert, select  # noqa: E402

from dtks_desktop.config import sqlite_url  # noqa: E402
from dtks_desktop.db.models import DistKpm, DistPeriod, DistPoint, Region, VillageOfficialsRow  # noqa: E402
from dtks_desktop.domain.distribution import BenefitKind, CleanStatus, PointKind, SourceKind  # noqa: E402
from dtks_desktop.domain.workflow.distribution import PeriodStatus  # noqa: E402
from dtks_desktop.services.core import settings  # noqa: E402
from dtks_desktop.services.core.database import open_database  # noqa: E402
from dtks_desktop.services.core.users import create_user  # noqa: E402
from dtks_desktop.services.distribution import printing  # noqa: E402

FIRST = ("SITI", "SRI", "SUPARNO", "MUHAMMAD", "TUKIJO", "PONIYEM", "BUDI", "DWI", "AHMAD", "RINA", "SUGENG", "WAHYU",
         "EKO", "NUR", "AGUS", "TRI", "YULI", "HARTONO", "SUMARNI", "PAIJO")
LAST = ("", "AMINAH", "WAHYUNI", "SANTOSO", "RAHAYU", "SETIAWAN", "PRATAMA", "LESTARI", "HIDAYAT", "KURNIAWATI",
        "WIBOWO", "SUSANTO", "PURNOMO", "HANDAYANI", "SAPUTRA")
DUSUN = ("Krajan", "Ngemplak", "Karanganyar", "Sidorejo", "Gumuk Wetan", "Tegalsari", "Bendo Lor", "Pucangrejo")


def build(db, admin, kpm: int, kab: str = "33.10") -> int:
    rnd = random.Random(14)
    with db.transaction() as s:
        settings.set_office_kab(s, admin, kab, confirmed=True)
        desa = [r for r in s.execute(select(Region.kode).where(Region.level == 4, Region.kode.like(kab + ".%"))
                                     .order_by(Region.kode)).scalars()]
        p = DistPeriod(programme="BPNT", period="Tahap 1 2027", benefit_kind=BenefitKind.TUNAI.value, cash=600_000,
                       source=SourceKind.FILE.value, source_file="bench.xlsx", status=PeriodStatus.SIAP.value,
                       created_by=admin.id)
        s.add(p)
        s.flush()
        points = {}
        for k, code in enumerate(desa):
            pt = DistPoint(period_id=p.id, desa_kode=code, kind=PointKind.BALAI_DESA.value, nama=f"Balai Desa {k + 1}",
                           alamat="Jl. Raya No. 1", tanggal=date(2027, 1, 11 + k % 5), jam_mulai=dtime(8),
                           jam_selesai=dtime(14), created_by=admin.id)
            s.add(pt)
            s.add(VillageOfficialsRow(desa_kode=code, kepala=f"KEPALA DESA {k + 1}"))
            s.flush()
            points[code] = pt.id
        rows = []
        per = -(-kpm // len(desa))
        for i in range(kpm):
            code = desa[i // per]
            j = i % per
            rw, rt = 1 + j // 60, 1 + j // 15
            h = 8 + (j * 6) // per
            rows.append(dict(period_id=p.id, urut=i + 1, in_registry=True, nik=f"3310{i:012d}", no_kk=f"3310{i:012d}",
                             nama=f"{rnd.choice(FIRST)} {rnd.choice(LAST)}".strip(), alamat=f"RT {rt:03d} RW {rw:03d}",
                             dusun=rnd.choice(DUSUN), rt=f"{rt:03d}", rw=f"{rw:03d}", desa_kode=code,
                             clean_status=CleanStatus.LENGKAP.value, clean_round=1, point_id=points[code],
                             slot_mulai=dtime(h), slot_selesai=dtime(h + 1)))
            if len(rows) == 20_000:
                s.execute(insert(DistKpm), rows)
                rows = []
        if rows:
            s.execute(insert(DistKpm), rows)
        return p.id


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kpm", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--db", default=None, help="database URL (default: SQLite in a temporary folder)")
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="dtks-bench-dist-"))
    db = open_database(args.db or sqlite_url(tmp / "bench.sqlite"), create=True)
    with db.transaction() as s:
        admin = create_user(s, "admin", "rahasia-admin-1", "admin")
    t = time.perf_counter()
    pid = build(db, admin, args.kpm)
    print(f"period of {args.kpm:,} KPM built in {time.perf_counter() - t:.1f} s ({db.dialect})", file=sys.stderr)
    load0 = os.getloadavg()
    rows, total = [], 0.0
    def cpu() -> float:  # this process and its finished worker processes (user + system)
        a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime

    for what in ("tanda-terima", "undangan"):
        t, c = time.perf_counter(), cpu()
        res = printing.print_documents(db, admin, pid, what, tmp / "out" / what, workers=args.workers)
        dt = time.perf_counter() - t
        total += dt
        rows.append((what, len(res.files), res.pages, res.kpm, res.workers, dt, cpu() - c))
    load1 = os.getloadavg()
    print("| what | files | pages | KPM | workers | seconds | CPU seconds (all processes) |\n"
          "|---|---:|---:|---:|---:|---:|---:|")
    for what, files, pages, n, w, dt, c in rows:
        print(f"| {what} | {files} | {pages:,} | {n:,} | {w} | {dt:.1f} | {c:.1f} |")
    print(f"| **both** | | {sum(r[2] for r in rows):,} | | | **{total:.1f}** (target ≤ 90) | "
          f"{sum(r[6] for r in rows):.1f} |")
    print(f"\n{db.dialect}; load average before {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}, "
          f"after {load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f}; {os.cpu_count()} cores")
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
