"""Benchmark: a kabupaten-wide submission batch (issue 13) of 30,000+ rows.

Data (direct model inserts, then the services): every desa of Kabupaten Klaten (33.10, 401 desa)
gets families of 1–5 members (``--families`` in all) and one Musdes meeting (final; 3 % of the
desa only printed, Berita Acara not back); every member has a final decision ``usulan_baru``
(2 % not padan, 1 % without RT). 5 % of the families already receive BPNT and the office rule
"PKH and BPNT not together, per family" holds, so the double-receipt check runs on every row.
A signatory is chosen for the Surat Pengantar, and the Kemensos layout is an office layout
(``layout.batch.kemensos``), as an office that configured it would have.

Timed through the services, as the GUI and the CLI call them:

* ``create`` — ``batches.create_batch`` (kabupaten scope), in its transaction;
* ``summary`` — what the approval screen reads (``approval.summary``, ``count_rows``, first page);
* ``submit``, ``approve`` (freezes every row and stores the SHA-256);
* ``export`` — ``outputs.export_batch``: hash check, upload .xlsx, Surat Pengantar, recap per
  kecamatan/desa, draft pengesahan; the .xlsx part is timed from the export's progress.

Usage::

    python benchmarks/bench_submission.py [--families 12000] [--db postgresql+psycopg://…/dtks_bench]

Without ``--db`` a SQLite file in a temporary folder. A PostgreSQL database given with ``--db``
is emptied first (all tables dropped): never point it at real data.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, time as dtime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DTKS_DATA_DIR", tempfile.mkdtemp(prefix="dtks-bench-submission-"))

from sqlalchemy import insert, select  # noqa: E402

from dtks_desktop.config import sqlite_url  # noqa: E402
from dtks_desktop.db.models import (  # noqa: E402
    ImportBatch, Member, MusdesDecision, MusdesMeeting, ProgrammeLink, ProgrammeRecipient, Region,
)
from dtks_desktop.services.core import layouts as L  # noqa: E402
from dtks_desktop.services.core import settings  # noqa: E402
from dtks_desktop.services.core.database import open_database  # noqa: E402
from dtks_desktop.services.core.registry import FamilyRecord, MemberRecord, bulk_add_families  # noqa: E402
from dtks_desktop.services.core.users import create_user  # noqa: E402
from dtks_desktop.services.documents import signers  # noqa: E402
from dtks_desktop.services.matching import programmes as P  # noqa: E402
from dtks_desktop.services.submission import approval, batches, outputs  # noqa: E402

FIRST = ["SITI", "SRI", "BUDI", "AGUS", "DWI", "EKO", "NUR", "RINA", "JOKO", "TRI", "ANI", "SUPARMI", "SLAMET"]
LAST = ["WAHYUNI", "SANTOSO", "LESTARI", "PRASETYO", "RAHAYU", "HIDAYAT", "SETIAWAN", "PURNOMO", "HANDAYANI"]
KAB = "33.10"


def _fresh_pg(url: str) -> None:
    from sqlalchemy import create_engine, text

    eng = create_engine(url)
    with eng.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    eng.dispose()


def build(db, n_families: int, rnd: random.Random):
    with db.transaction() as s:
        admin = create_user(s, "admin", "rahasia-admin-1", "admin")
    with db.transaction() as s:
        op = create_user(s, "operator1", "rahasia-operator-1", "operator", by=admin)
        sup = create_user(s, "supervisor1", "rahasia-supervisor-1", "supervisor", by=admin)
        settings.set_office_kab(s, admin, KAB)
        sig = signers.add_signer(s, admin, nama="Drs. SUGENG WIBOWO, M.Si.", nip="196805121990031004",
                                 pangkat="Pembina Utama Muda (IV/c)", jabatan="Kepala Dinas Sosial")
        signers.use_signer(s, admin, "surat_pengantar_batch", sig.id)
        P.set_rules(s, admin, [{"a": "PKH", "b": "BPNT", "level": "keluarga"}])
        L.set_layout(s, admin, "batch.kemensos", [(h, f) for h, f in outputs.DEFAULT_LAYOUTS["kemensos"]
                                                  if f != "hubungan"] + [("HUB_KELUARGA", "hubungan")])
        desa = list(s.execute(select(Region.kode).where(Region.level == 4, Region.kode.startswith(KAB + ".")))
                    .scalars())
    per = max(1, n_families // len(desa))
    serial = 0
    t = time.perf_counter()
    for i in range(0, len(desa), 40):
        recs = []
        for d in desa[i:i + 40]:
            digits = d.replace(".", "")[:6]
            for f in range(per):
                members = []
                for k in range(rnd.randint(1, 5)):
                    serial += 1
                    members.append(MemberRecord(f"{rnd.choice(FIRST)} {rnd.choice(LAST)}",
                                                nik=f"{digits}{(serial * 7919) % 10**10:010d}",
                                                tanggal_lahir=date(1960 + k * 7, 1, 1), jenis_kelamin="LP"[k % 2],
                                                hubungan=min(k + 1, 3), id_dtks=f"B{serial}"))
                recs.append(FamilyRecord(no_kk=f"{digits}{serial:010d}", desa_kode=d, alamat=f"Dusun {f % 9 + 1}",
                                         rt=f"{f % 12 + 1:03d}", rw=f"{f % 6 + 1:03d}", members=members))
        with db.transaction() as s:
            bulk_add_families(s, recs)
    print(f"registry: {serial} members in {len(desa)} desa, {time.perf_counter() - t:.1f} s", file=sys.stderr)

    t = time.perf_counter()
    with db.transaction() as s:
        meetings = {}
        for d in desa:
            status = "dicetak" if rnd.random() < 0.03 else "final"
            m = MusdesMeeting(desa_kode=d, kind="musdes", putaran="2026-12", tanggal=date(2026, 12, 4), jam=dtime(9),
                              tempat="Balai Desa", status=status)
            s.add(m)
            s.flush()
            meetings[d] = m.id
        ib = ImportBatch(kind="program", program="BPNT", file_name="bpnt.xlsx", file_sha256="0" * 64, file_size=1)
        s.add(ib)
        s.flush()
        rows = s.execute(select(Member.id, Member.household_id, Member.nama, Member.nik, Member.id_dtks,
                                Member.hubungan).order_by(Member.id)).all()
        from dtks_desktop.db.models import Household
        hh = {h.id: h for h in s.execute(select(Household)).scalars()}
        decisions, bpnt = [], set()
        for urut, (mid, hid, nama, nik, iid, hub) in enumerate(rows):
            h = hh[hid]
            decisions.append(dict(meeting_id=meetings[h.desa_kode], household_id=hid, member_id=mid, id_dtks=iid,
                                  nama=nama, nik=nik, no_kk=h.no_kk, hubungan=hub, alamat=h.alamat,
                                  rt=None if rnd.random() < 0.01 else h.rt, rw=h.rw, decision="usulan_baru",
                                  source="verifikasi", padan=rnd.random() >= 0.02, urut=urut))
            if hid not in bpnt and rnd.random() < 0.05 / 3:
                bpnt.add(hid)
        for k in range(0, len(decisions), 5000):
            s.execute(insert(MusdesDecision), decisions[k:k + 5000])
        for j, hid in enumerate(sorted(bpnt)):
            rec = ProgrammeRecipient(batch_id=ib.id, source_row=j + 2, program="BPNT", periode="2026-11",
                                     no_kk=hh[hid].no_kk, nama="KPM BPNT")
            s.add(rec)
            s.flush()
            s.add(ProgrammeLink(household_id=hid, recipient_id=rec.id, program="BPNT", periode="2026-11", via="no_kk"))
    print(f"musdes: {len(decisions)} decisions, {len(bpnt)} BPNT families, {time.perf_counter() - t:.1f} s",
          file=sys.stderr)
    return op, sup


def timed(label, fn, out):
    t, c = time.perf_counter(), time.process_time()
    res = fn()
    out[label] = time.perf_counter() - t
    out[label + "_cpu"] = time.process_time() - c
    print(f"{label}: {out[label]:.2f} s (CPU of this process {out[label + '_cpu']:.2f} s)", file=sys.stderr)
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--families", type=int, default=12000)
    ap.add_argument("--db", default=None)
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    tmp = Path(tempfile.mkdtemp(prefix="dtks-bench-sub-"))
    if args.db:
        _fresh_pg(args.db)
        url = args.db
    else:
        url = sqlite_url(tmp / "bench.sqlite")
    db = open_database(url, create=True)
    op, sup = build(db, args.families, rnd)
    times: dict[str, float] = {}
    load = os.getloadavg()

    def create():
        with db.transaction() as s:
            return batches.create_batch(s, op, "kemensos", "PKH", "usulan_baru")
    v = timed("create", create, times)

    def summary():
        with db.sessions() as s:
            summ = approval.summary(s, v.id)
            n = batches.count_rows(s, v.id)
            batches.batch_rows(s, v.id, limit=300)
            batches.excluded_rows(s, v.id)
        return summ, n
    _, n = timed("summary", summary, times)

    def submit():
        with db.transaction() as s:
            approval.submit(s, op, v.id)
    timed("submit", submit, times)

    def approve():
        with db.transaction() as s:
            approval.approve(s, sup, v.id, note="ok")
    timed("approve", approve, times)

    marks: dict[int, float] = {}

    def progress(done, total, text=""):
        marks.setdefault(done, time.perf_counter())
    res = timed("export", lambda: outputs.export_batch(db, op, v.id, tmp / "keluar", progress=progress), times)
    times["export_xlsx"] = marks[2] - marks[1]
    xlsx = next(p for p in res.files if p.suffix == ".xlsx")
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"\n{backend}: batch #{v.id}, {n:,} rows, excluded {v.excluded}; upload file {xlsx.stat().st_size / 1e6:.1f} MB")
    print(f"load average before: {load[0]:.1f}, after: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")
    print("| step | seconds | CPU s (this process) |\n|---|---:|---:|")
    for k in ("create", "summary", "submit", "approve", "export"):
        print(f"| {k} | {times[k]:.1f} | {times[k + '_cpu']:.1f} |")
    print(f"| of which the .xlsx | {times['export_xlsx']:.1f} | |")
    db.dispose()


if __name__ == "__main__":
    main()
