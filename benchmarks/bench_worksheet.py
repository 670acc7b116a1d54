"""Benchmark: the field verification worksheet PDF of one desa with 3,000 families (issue 11: ≤ 10 s).

Builds a fresh SQLite database (or empties the PostgreSQL one given with ``--db``) holding one
desa of ``--families`` synthetic families (1 to 7 members each, about 3.4 on average, spread
over 10 RW), assigns them to two petugas (two sections), and times the real service call
``services.verification.worksheets.write_worksheet_pdf`` (reading the families, laying out the
pages, writing the PDF) and the .xlsx. Prints a Markdown table.

Usage::

    python benchmarks/bench_worksheet.py                  # 3,000 families, SQLite in a temp folder
    python benchmarks/bench_worksheet.py --families 5000
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
os.environ.setdefault("DTKS_DATA_DIR", tempfile.mkdtemp(prefix="dtks-bench-ws-"))

from sqlalchemy import text  # noqa: E402

from dtks_desktop.config import sqlite_url  # noqa: E402
from dtks_desktop.services.core.database import open_database  # noqa: E402
from dtks_desktop.services.core.registry import FamilyRecord, MemberRecord, bulk_add_families  # noqa: E402
from dtks_desktop.services.core.users import create_user  # noqa: E402
from dtks_desktop.services.verification.assign import assign  # noqa: E402
from dtks_desktop.services.verification.worksheets import write_worksheet_pdf, write_worksheet_xlsx  # noqa: E402

DESA = "33.10.01.2001"
FIRST = ["SITI", "SRI", "BUDI", "AGUS", "DWI", "EKO", "NUR", "RINA", "JOKO", "TRI", "ANI", "SUPARMI", "SLAMET",
         "MUHAMMAD", "AHMAD", "DEWI", "WAHYU", "ENDANG", "SUKARDI", "PURWANTO"]
LAST = ["WAHYUNI", "RAHAYU", "SANTOSO", "PRASETYO", "LESTARI", "HIDAYAT", "SAPUTRA", "SETIAWAN", "KURNIAWAN",
        "NINGSIH", "SUSANTI", "PURNOMO", "HANDAYANI", "WIBOWO", "ALFARIZI AL GHIFARI"]


def families(n: int, rng: random.Random) -> list[FamilyRecord]:
    out = []
    serial = 1
    for i in range(n):
        size = rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 6, 7])
        members = []
        for k in range(size):
            dob = date(rng.randint(1940, 2024), rng.randint(1, 12), rng.randint(1, 28))
            sex = rng.choice("LP")
            day = dob.day + (40 if sex == "P" else 0)
            nik = f"331001{day:02d}{dob.month:02d}{dob.year % 100:02d}{serial % 10000 or 1:04d}"
            serial += 1
            members.append(MemberRecord(nama=f"{rng.choice(FIRST)} {rng.choice(LAST)}", nik=nik,
                                        id_dtks=f"3310{i:06d}{k:02d}", tanggal_lahir=dob, jenis_kelamin=sex,
                                        hubungan=1 if k == 0 else rng.choice([2, 3, 3, 3, 4, 5, 6])))
        out.append(FamilyRecord(no_kk=f"33100127101{i:05d}", desa_kode=DESA,
                                alamat=f"Dukuh {rng.choice(['Tegal', 'Bulu', 'Krajan', 'Ngasem', 'Sidorejo'])}",
                                rt=f"{rng.randint(1, 8):03d}", rw=f"{i % 10 + 1:03d}", members=members))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--families", type=int, default=3000)
    ap.add_argument("--db", help="database URL (default: a new SQLite file)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dtks-bench-ws-"))
    url = args.db or sqlite_url(work / "bench.sqlite")
    db = open_database(url, create=True)
    with db.transaction() as s:
        for t in ("verification_members", "verification_families", "verification_assignments",
                  "verification_proposal_members", "verification_proposals", "verification_petugas",
                  "match_results", "members", "households", "audit_events", "settings", "users"):
            s.execute(text(f"DELETE FROM {t}"))
        admin = create_user(s, "admin", "rahasia-admin-1", "admin")
        fams = families(args.families, random.Random(11))
        bulk_add_families(s, fams)
        assign(s, admin, DESA, "Siti Aminah", peran="PSM")
        assign(s, admin, DESA, "Budi Santoso", rw="001")
    members = sum(len(f.members) for f in fams)
    rows = []
    with db.transaction() as s:
        t = time.perf_counter()
        res = write_worksheet_pdf(s, admin, DESA, work / "lembar_kerja.pdf")
        rows.append(("PDF", time.perf_counter() - t, f"{res.pages} halaman, {(work / 'lembar_kerja.pdf').stat().st_size // 1024} KB"))
        t = time.perf_counter()
        write_worksheet_xlsx(s, admin, DESA, work / "lembar_kerja.xlsx")
        rows.append((".xlsx", time.perf_counter() - t, f"{(work / 'lembar_kerja.xlsx').stat().st_size // 1024} KB"))
    db.dispose()
    print(f"Lembar kerja verifikasi: 1 desa, {args.families:,} keluarga, {members:,} anggota "
          f"({'PostgreSQL' if url.startswith('postgresql') else 'SQLite'})\n")
    print("| berkas | detik | ukuran |\n|---|---:|---|")
    for name, sec, info in rows:
        print(f"| {name} | {sec:.2f} | {info} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
