"""Benchmark: preparing a distribution period of N KPM (issue 14; target: cleaning 100,000 KPM ≤ 10 s).

Builds a registry of N one-person families spread over every desa of Kabupaten Klaten (33.10)
through the real bulk path, a civil-registry snapshot holding 97 % of their NIKs, and a KPM list
file (.csv) naming them with faults a real list has: 2 % without RT, 1 % meninggal in the registry,
1 % a second KPM of the same No KK, 2 % not in the registry, 3 % not padan. Then times the real
services:

* ``create_period`` from that file (read, registry look-up, insert);
* ``clean`` (the first round: every KPM) — the target;
* ``export_returned`` (the returned list, one sheet per desa) and ``import_completed`` of it
  with the RT filled in (the second round over the returned KPM);
* ``tree`` (the mapping) and ``assign_slots`` (a point in every desa).

Usage::

    python benchmarks/bench_distribution_clean.py [--kpm 100000] [--db sqlite] \\
        [--db postgresql+psycopg://postgres@127.0.0.1/dtks_bench_dist]

``sqlite`` is a new file in a temporary folder; a PostgreSQL database is emptied first (its data
tables; regions kept). Prints a Markdown table (seconds per database) and the load average.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DTKS_DATA_DIR", tempfile.mkdtemp(prefix="dtks-bench-dist-"))

from openpyxl import load_workbook  # noqa: E402
from sqlalchemy import insert, select, text  # noqa: E402

from dtks_desktop.config import sqlite_url  # noqa: E402
from dtks_desktop.db.models import Base, DukcapilPerson, ImportBatch, Region  # noqa: E402
from dtks_desktop.services.core import settings  # noqa: E402
from dtks_desktop.services.core.database import open_database  # noqa: E402
from dtks_desktop.services.core.registry import FamilyRecord, MemberRecord, bulk_add_families  # noqa: E402
from dtks_desktop.services.core.users import create_user  # noqa: E402
from dtks_desktop.services.distribution import cleaning, mapping, periods, ptpos  # noqa: E402

KAB = "33.10"
FIRST = ["SITI", "SRI", "BUDI", "AGUS", "DWI", "EKO", "NUR", "RINA", "JOKO", "TRI", "ANI", "SUPARMI", "SLAMET"]
LAST = ["WAHYUNI", "SANTOSO", "LESTARI", "PRASETYO", "RAHAYU", "HIDAYAT", "SETIAWAN", "PURNOMO", "HANDAYANI"]


def _empty_pg(db) -> None:
    keep = {"regions", "alembic_version"}
    names = [t.name for t in Base.metadata.sorted_tables if t.name not in keep]
    with db.engine.begin() as c:
        c.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))


def build(db, n: int, tmp: Path, rnd: random.Random):
    with db.transaction() as s:
        admin = create_user(s, "admin", "rahasia-admin-1", "admin")
        settings.set_office_kab(s, admin, KAB)
        desas = sorted(s.execute(select(Region.kode).where(Region.level == 4,
                                                           Region.kode.startswith(KAB + "."))).scalars())
    with db.transaction() as s:
        op = create_user(s, "operator1", "rahasia-operator", "operator", by=admin)
    fams, people = [], []
    for i in range(n):
        desa = desas[i % len(desas)]
        digits = desa.replace(".", "")
        d = 1 + i % 28
        nik = f"{digits[:6]}{d + (40 if i % 2 else 0):02d}{1 + (i // 28) % 12:02d}{60 + (i // 336) % 40:02d}" \
              f"{1 + (i // 13440) % 9999:04d}"
        kk = f"{digits[:6]}{i:010d}"
        nama = f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"
        rt = None if i % 50 == 7 else f"{1 + i % 9:03d}"
        status = "meninggal" if i % 100 == 11 else "aktif"
        in_registry = i % 50 != 3
        padan = i % 33 != 5
        same_kk = people[-1][2] if i % 100 == 42 and people else kk
        people.append((nik, nama, same_kk, desa, rt, padan))
        if in_registry:
            fams.append(FamilyRecord(no_kk=same_kk, desa_kode=desa, alamat=f"Dukuh {i % 17}", rt=rt, rw="001",
                                     members=[MemberRecord(nama=nama, nik=nik, tanggal_lahir=date(1980, 1, 1),
                                                           jenis_kelamin="L", hubungan=1, status=status)]))
    with db.transaction() as s:
        bulk_add_families(s, fams)
        ib = ImportBatch(kind="dukcapil", file_name="dukcapil.csv", file_sha256="0" * 64, file_size=1)
        s.add(ib)
        s.flush()
        rows = [dict(batch_id=ib.id, source_row=j, nik=nik, no_kk=kk, nama=nama, nama_key=nama, desa_kode=desa)
                for j, (nik, nama, kk, desa, rt, padan) in enumerate(people) if padan]
        for k in range(0, len(rows), 5000):
            s.execute(insert(DukcapilPerson), rows[k:k + 5000])
    f = tmp / "kpm.csv"
    with open(f, "w", encoding="utf-8") as out:
        out.write("NIK;NAMA PENERIMA;NO KK;ALAMAT;RT;RW;KODE WILAYAH\n")
        for i, (nik, nama, kk, desa, rt, padan) in enumerate(people):
            out.write(f"{nik};{nama};{kk};Dukuh {i % 17};{rt or ''};001;{desa}\n")
    return op, f, desas


def run(url: str, n: int) -> dict[str, float]:
    tmp = Path(tempfile.mkdtemp(prefix="dtks-bench-dist-"))
    if url == "sqlite":
        url = sqlite_url(tmp / "dist.sqlite")
    db = open_database(url)
    if url.startswith("postgresql"):
        _empty_pg(db)
    rnd = random.Random(14)
    op, f, desas = build(db, n, tmp, rnd)
    out: dict[str, float] = {}
    t = time.perf_counter()
    r = periods.create_period(db, op, "BANPANGAN", "Tahap 1", goods="beras:10:kg", from_file=f)
    out[f"create_period from a {n:,}-row .csv"] = time.perf_counter() - t
    t = time.perf_counter()
    c = cleaning.clean(db, op, r.id)
    out[f"clean: first round, {c.checked:,} KPM ({c.lengkap:,} lengkap, {c.dikembalikan:,} dikembalikan)"] = \
        time.perf_counter() - t
    ret = tmp / "kembali.xlsx"
    t = time.perf_counter()
    with db.sessions() as s:
        ptpos.export_returned(s, op, r.id, ret)
    out[f"export_returned: {c.dikembalikan:,} KPM, one sheet per desa"] = time.perf_counter() - t
    wb = load_workbook(ret)
    for ws in wb.worksheets[1:]:
        header = None
        for row in ws.iter_rows():
            vals = [x.value for x in row]
            if header is None:
                header = vals if "ID KPM" in vals else None
                continue
            cell = row[header.index("RT")]
            if not cell.value:
                cell.value = "005"
    done = tmp / "lengkap.xlsx"
    wb.save(done)
    t = time.perf_counter()
    c2 = ptpos.import_completed(db, op, r.id, done)
    out[f"import_completed: round 2 over {c2.checked:,} KPM ({c2.updated:,} updated)"] = time.perf_counter() - t
    t = time.perf_counter()
    with db.sessions() as s:
        mapping.tree(s, r.id)
    out["tree (kecamatan → desa → RW → RT)"] = time.perf_counter() - t
    with db.transaction() as s:
        for d in desas:
            mapping.add_point(s, op, r.id, d, "balai_desa", "Balai Desa", "2027-02-15", "08:00", "14:00")
    t = time.perf_counter()
    with db.transaction() as s:
        k = mapping.assign_slots(s, op, r.id)
    out[f"assign_slots: {k:,} KPM over {len(desas)} points"] = time.perf_counter() - t
    db.dispose()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kpm", type=int, default=100_000)
    ap.add_argument("--db", action="append", help="sqlite or a PostgreSQL URL (repeatable)")
    a = ap.parse_args()
    dbs = a.db or ["sqlite"]
    results = {}
    for url in dbs:
        print(f"... {url}", file=sys.stderr)
        results[url] = run(url, a.kpm)
    names = list(next(iter(results.values())))
    heads = ["SQLite" if u == "sqlite" else "PostgreSQL" for u in dbs]
    print("| operation | " + " | ".join(heads) + " |")
    print("|---|" + "---|" * len(dbs))
    for i, nm in enumerate(names):
        print(f"| {nm} | " + " | ".join(f"{list(results[u].values())[i]:.2f} s" for u in dbs) + " |")
    print(f"\nload average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
