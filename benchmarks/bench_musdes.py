"""Benchmark: the Berita Acara Musdes with all attachments (issue 12).

* one desa of ``--families`` synthetic families (3,000 by default, 1–6 members): create the
  meeting (prefill), then ``printing.print_desa`` (BA + Lampiran I–III + daftar hadir, issued
  and stored) — target ≤ 5 s;
* a whole kecamatan of 20 desa (``--kec-families`` each, 300 by default): ``print_kecamatan`` —
  target ≤ 60 s.

About 8 % of the members are decided ``hapus`` (reasons rotating), 4 % ``perbaikan_data`` and
3 % ``usulan_baru``, so the lampiran are long. SQLite in a temporary folder. Prints a Markdown table.

Usage::

    python benchmarks/bench_musdes.py [--families 3000] [--kec-families 300]
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
os.environ.setdefault("DTKS_DATA_DIR", tempfile.mkdtemp(prefix="dtks-bench-musdes-"))

from sqlalchemy import select, update  # noqa: E402

from dtks_desktop.config import sqlite_url  # noqa: E402
from dtks_desktop.db.models import MusdesDecision, Region  # noqa: E402
from dtks_desktop.services.core import settings  # noqa: E402
from dtks_desktop.services.core.database import open_database  # noqa: E402
from dtks_desktop.services.core.registry import FamilyRecord, MemberRecord, bulk_add_families  # noqa: E402
from dtks_desktop.services.core.users import create_user  # noqa: E402
from dtks_desktop.services.documents import officials, signers  # noqa: E402
from dtks_desktop.services.musdes import meetings, printing  # noqa: E402
from dtks_desktop.services.musdes.common import Participant  # noqa: E402

FIRST = ["SITI", "SRI", "BUDI", "AGUS", "DWI", "EKO", "NUR", "RINA", "JOKO", "TRI", "ANI", "SUPARMI", "SLAMET"]
LAST = ["WAHYUNI", "SANTOSO", "LESTARI", "PRASETYO", "RAHAYU", "HIDAYAT", "SETIAWAN", "PURNOMO", "HANDAYANI"]
REASONS = ["meninggal", "pindah", "mampu", "ganda", "tidak_ditemukan"]


def families(desa: str, n: int, rnd: random.Random, serial: int) -> list[FamilyRecord]:
    out = []
    digits = desa.replace(".", "")[:6]
    for f in range(n):
        members = []
        for k in range(rnd.randint(1, 6)):
            serial += 1
            members.append(MemberRecord(f"{rnd.choice(FIRST)} {rnd.choice(LAST)}", nik=f"{digits}0101{80 + k % 20:02d}"
                                        f"{serial % 10000:04d}", tanggal_lahir=date(1960 + k * 7, 1, 1),
                                        jenis_kelamin="LP"[k % 2], hubungan=min(k + 1, 3), id_dtks=f"B{serial}"))
        out.append(FamilyRecord(no_kk=f"{digits}{f:010d}", desa_kode=desa, alamat=f"Dusun {f % 9 + 1}",
                                rt=f"{f % 12 + 1:03d}", rw=f"{f % 6 + 1:03d}", members=members))
    return out


def decide_some(db, meeting_id: int, rnd: random.Random) -> None:
    with db.transaction() as s:
        ids = s.execute(select(MusdesDecision.id).where(MusdesDecision.meeting_id == meeting_id)).scalars().all()
        for i in ids:
            x = rnd.random()
            if x < 0.08:
                s.execute(update(MusdesDecision).where(MusdesDecision.id == i)
                          .values(decision="hapus", reason=rnd.choice(REASONS)))
            elif x < 0.12:
                s.execute(update(MusdesDecision).where(MusdesDecision.id == i)
                          .values(decision="perbaikan_data", note="Koreksi nama, alamat"))
            elif x < 0.15:
                s.execute(update(MusdesDecision).where(MusdesDecision.id == i).values(decision="usulan_baru"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--families", type=int, default=3000)
    ap.add_argument("--kec-families", type=int, default=300)
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="dtks-bench-musdes-"))
    db = open_database(sqlite_url(tmp / "bench.sqlite"))
    rnd = random.Random(12)
    with db.transaction() as s:
        admin = create_user(s, "admin", "rahasia-admin-1", "admin")
        settings.set_office_kab(s, admin, "33.10", confirmed=True)
        kec = "33.10.01"
        desas = s.execute(select(Region.kode).where(Region.parent_kode == kec).order_by(Region.kode)).scalars().all()
        other = "33.10.02"
        desas2 = s.execute(select(Region.kode).where(Region.parent_kode == other).order_by(Region.kode)).scalars().all()
        sig = signers.add_signer(s, admin, nama="SUGENG RIYANTO", nip="197003121990031004", pangkat="Pembina (IV/a)",
                                 jabatan="Camat")
        signers.use_signer(s, admin, "berita_acara_musdes", sig.id)
    big = desas[0]
    kec_desas = list(dict.fromkeys(desas2))[:20]
    serial = 0
    with db.transaction() as s:
        bulk_add_families(s, families(big, a.families, rnd, serial))
        for k, d in enumerate(kec_desas):
            bulk_add_families(s, families(d, a.kec_families, rnd, 10_000_000 + k * 100_000))
        for d in [big, *kec_desas]:
            officials.set_officials(s, admin, d, kepala="KEPALA " + d[-4:], ketua_bpd="KETUA BPD", sekretaris="SEKDES")
    people = [Participant(f"PESERTA {i}", ["perangkat_desa", "tokoh_masyarakat", "tokoh_agama", "rt_rw"][i % 4], "")
              for i in range(25)]
    t0 = time.perf_counter()
    with db.transaction() as s:
        m = meetings.create_meeting(s, admin, big, date.today(), "09:00", "Balai Desa")
        meetings.set_participants(s, admin, m.id, people)
    t_create = time.perf_counter() - t0
    decide_some(db, m.id, rnd)
    t0 = time.perf_counter()
    res = printing.print_desa(db, admin, big, tmp / "ba.pdf")
    t_print = time.perf_counter() - t0
    for d in kec_desas:
        with db.transaction() as s:
            mm = meetings.create_meeting(s, admin, d, date.today(), "09:00", "Balai Desa")
            meetings.set_participants(s, admin, mm.id, people)
        decide_some(db, mm.id, rnd)
    t0 = time.perf_counter()
    results = printing.print_kecamatan(db, admin, other, tmp / "kec")
    t_kec = time.perf_counter() - t0
    with db.sessions() as s:
        n = s.execute(select(MusdesDecision.id).where(MusdesDecision.meeting_id == m.id)).scalars().all()
    print("| what | size | time | target |\n|---|---|---|---|")
    print(f"| create meeting (prefill) | {a.families} families, {len(n)} members | {t_create:.2f} s | |")
    print(f"| print_desa (BA + lampiran I–III + daftar hadir) | {res.pages} pages | {t_print:.2f} s | ≤ 5 s |")
    print(f"| print_kecamatan | {len(results)} desa × {a.kec_families} families, "
          f"{sum(r.pages for r in results)} pages | {t_kec:.2f} s | ≤ 60 s |")
    db.dispose()


if __name__ == "__main__":
    main()
