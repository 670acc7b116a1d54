"""Benchmark: family statuses following the stages on a kecamatan (the status moves of
``services.core.family_status``, each in its stage's transaction).

One kecamatan (33.10.01) of ``--families`` synthetic families (1–4 members), a third of them in
its first desa. Timed, with the real service calls:

* the worksheet of the first desa back with a kelayakan for every family
  (``sheet_import.import_findings``: families → ``layak``), and the same sheet again (nothing
  left to move: the difference is the cost of the moves);
* ``meetings.finalize`` of every desa (every member decided ``hapus``: whole families for 85 %,
  only the head for the rest: families → ``usul_hapus`` / ``tetap``);
* a ``hapus`` batch of the whole kecamatan (about 10,000 rows with the defaults): create, submit
  (families → ``diajukan``), reject (back to the Musdes outcome), submit again, approve, export,
  and the results file (every row, 10 % ditolak) imported (members and families → ``dihapus`` /
  ``disetujui`` / ``ditolak``).

SQLite in a temporary folder, or the PostgreSQL database given with ``--db`` (emptied first).
Prints a Markdown table.

Usage::

    python benchmarks/bench_family_status.py [--families 4400] [--db URL]
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
os.environ.setdefault("DTKS_DATA_DIR", tempfile.mkdtemp(prefix="dtks-bench-status-"))

import openpyxl  # noqa: E402
from sqlalchemy import func, select, text, update  # noqa: E402

from dtks_desktop.config import sqlite_url  # noqa: E402
from dtks_desktop.db.models import Household, MusdesDecision, MusdesMeeting, Region, StatusHistory, \
    SubmissionBatchRow  # noqa: E402
from dtks_desktop.services.core import settings  # noqa: E402
from dtks_desktop.services.core.database import open_database  # noqa: E402
from dtks_desktop.services.core.registry import FamilyRecord, MemberRecord, bulk_add_families  # noqa: E402
from dtks_desktop.services.core.users import create_user  # noqa: E402
from dtks_desktop.services.musdes import meetings  # noqa: E402
from dtks_desktop.services.submission import approval, batches, outputs, results  # noqa: E402
from dtks_desktop.services.verification import assign, sheet_import, worksheets  # noqa: E402

FIRST = ["SITI", "SRI", "BUDI", "AGUS", "DWI", "EKO", "NUR", "RINA", "JOKO", "TRI", "ANI", "SUPARMI", "SLAMET"]
LAST = ["WAHYUNI", "SANTOSO", "LESTARI", "PRASETYO", "RAHAYU", "HIDAYAT", "SETIAWAN", "PURNOMO", "HANDAYANI"]
KEC = "33.10.01"


def families(desa: str, n: int, rnd: random.Random, serial: int) -> list[FamilyRecord]:
    out = []
    digits = desa.replace(".", "")
    for f in range(n):
        members = []
        for k in range(rnd.randint(1, 4)):
            serial += 1
            block = serial // 10000  # unique NIKs: the block in the birth day and month, the rest as serial
            members.append(MemberRecord(f"{rnd.choice(FIRST)} {rnd.choice(LAST)}",
                                        nik=f"331001{1 + block % 28:02d}{1 + (block // 28) % 12:02d}80{serial % 10000:04d}",
                                        tanggal_lahir=date(1960 + k * 7, 1, 1), jenis_kelamin="LP"[k % 2],
                                        hubungan=min(k + 1, 3), id_dtks=f"S{serial}"))
        out.append(FamilyRecord(no_kk=f"{digits[:6]}{serial:010d}", desa_kode=desa, alamat=f"Dusun {f % 9 + 1}",
                                rt=f"{f % 12 + 1:03d}", rw=f"{f % 6 + 1:03d}", members=members))
    return out


def timed(fn, *args, **kw):
    """(result, (wall seconds, CPU seconds of this process)): on a shared machine the CPU time of
    the SQLite run is the steadier figure (SQLite works in this process)."""
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn(*args, **kw)
    return out, (time.perf_counter() - t0, time.process_time() - c0)


def in_tx(db, fn, *args, **kw):
    """``fn(session, *args)`` in a transaction of its own, commit included."""
    with db.transaction() as s:
        return fn(s, *args, **kw)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--families", type=int, default=4400)
    ap.add_argument("--db", default=None, help="PostgreSQL URL (emptied); default SQLite in a temporary folder")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="dtks-bench-status-"))
    db = open_database(a.db or sqlite_url(tmp / "bench.sqlite"))
    if a.db:
        with db.transaction() as s:
            names = [r[0] for r in s.execute(text("select tablename from pg_tables where schemaname = 'public' and "
                                                  "tablename not in ('regions', 'alembic_version')"))]
            s.execute(text("truncate " + ", ".join(names) + " restart identity cascade"))
    rnd = random.Random(13)
    with db.transaction() as s:
        admin = create_user(s, "admin", "rahasia-admin-1", "admin")
        op = create_user(s, "operator1", "rahasia-operator-1", "operator", by=admin)
        sup = create_user(s, "supervisor1", "rahasia-supervisor-1", "supervisor", by=admin)
        settings.set_office_kab(s, admin, "33.10", confirmed=True)
        settings.put(s, admin, "verify.putaran", date.today().strftime("%Y-%m"))
        desas = s.execute(select(Region.kode).where(Region.parent_kode == KEC).order_by(Region.kode)).scalars().all()
    big = desas[0]
    n_big = a.families // 3
    rest = a.families - n_big
    with db.transaction() as s:
        bulk_add_families(s, families(big, n_big, rnd, 0))
        for k, d in enumerate(desas[1:]):
            bulk_add_families(s, families(d, rest // (len(desas) - 1), rnd, 1_000_000 + k * 50_000))
    rows_out = []

    # 1. the worksheet of the big desa back, every family with a kelayakan
    sheet = tmp / "lembar.xlsx"
    with db.transaction() as s:
        assign.assign(s, op, big, "Siti Aminah", peran="PSM")
        worksheets.write_worksheet_xlsx(s, op, big, sheet)
    wb = openpyxl.load_workbook(sheet)
    ws = wb["Lembar kerja"]
    cols = {ws.cell(7, c).value: c for c in range(1, ws.max_column + 1)}
    for r in range(8, ws.max_row + 1):
        if ws.cell(r, cols["ID DTKS"]).value:
            ws.cell(r, cols["Keberadaan"]).value = "ada"
            fam = str(ws.cell(r, cols["ID Keluarga"]).value)
            ws.cell(r, cols["Kelayakan"]).value = "layak" if hash(fam) % 5 else "tidak layak"
    wb.save(sheet)
    res, t = timed(sheet_import.import_findings, db, op, sheet)
    assert res.ok, res.summary_text()
    rows_out.append(("verification sheet import (families → layak/tidak_layak)",
                     f"{res.imported:,} families, {res.members:,} members, {sum(res.status_moved.values()):,} moved", t))
    res, t = timed(sheet_import.import_findings, db, op, sheet)
    rows_out.append(("same sheet again (no status left to move)", f"{res.imported:,} families", t))

    # 2. Musdes of every desa: all members hapus (whole family 85 %, else the head only), final
    day = date.today()
    mids = []
    with db.transaction() as s:
        for d in desas:
            mids.append(meetings.create_meeting(s, admin, d, day, "09:00", "Balai Desa").id)
    with db.transaction() as s:
        for hid, in s.execute(select(Household.id).where(Household.desa_kode.startswith(KEC + "."))).all():
            q = update(MusdesDecision).where(MusdesDecision.household_id == hid, MusdesDecision.meeting_id.in_(mids))
            if rnd.random() >= 0.85:
                q = q.where(MusdesDecision.hubungan == 1)
            s.execute(q.values(decision="hapus", reason="pindah"))
        s.execute(update(MusdesMeeting).where(MusdesMeeting.id.in_(mids)).values(status="dicetak"))
    t0, c0 = time.perf_counter(), time.process_time()
    for d in desas:
        with db.transaction() as s:
            meetings.finalize(s, admin, d, date.today())
    t = (time.perf_counter() - t0, time.process_time() - c0)
    with db.sessions() as s:
        moved = s.execute(select(func.count()).select_from(Household).where(
            Household.status.in_(("usul_hapus", "tetap")))).scalar_one()
    rows_out.append(("Musdes finalize, every desa (families → usul_hapus / tetap)",
                     f"{len(desas)} desa, {moved:,} families moved", t))

    # 3. the kecamatan batch
    v, t = timed(in_tx, db, batches.create_batch, op, "kemensos", "PKH", "hapus", kecamatan=KEC)
    bid = v.id
    with db.sessions() as s:
        n_fam = s.execute(select(func.count(func.distinct(SubmissionBatchRow.household_id)))
                          .where(SubmissionBatchRow.batch_id == bid)).scalar_one()
    size = f"{v.rows:,} rows, {n_fam:,} families"
    rows_out.append(("create batch (no status move)", size, t))
    _, t = timed(in_tx, db, approval.submit, op, bid)
    rows_out.append(("submit (families → diajukan)", size, t))
    _, t = timed(in_tx, db, approval.reject, sup, bid, "Periksa ulang alasan pindah")
    rows_out.append(("reject (back to the Musdes outcome)", size, t))
    in_tx(db, approval.return_to_draft, op, bid)
    _, t = timed(in_tx, db, approval.submit, op, bid)
    rows_out.append(("submit again", size, t))
    _, t = timed(in_tx, db, approval.approve, sup, bid, "ok")
    rows_out.append(("approve (no status move)", size, t))
    _, t = timed(outputs.export_batch, db, op, bid, tmp / "kirim")
    rows_out.append(("export (no status move)", size, t))
    with db.sessions() as s:
        niks = s.execute(select(SubmissionBatchRow.nik).where(SubmissionBatchRow.batch_id == bid)).scalars().all()
    f = tmp / "hasil.csv"
    f.write_text("NIK;Hasil;Alasan\n" + "\n".join(f"{n};{'ditolak;masih di desa' if i % 10 == 0 else 'ditetapkan;'}"
                                                   for i, n in enumerate(niks)) + "\n", encoding="utf-8")
    res, t = timed(results.import_results, db, op, bid, f)
    fs = res.family_status
    rows_out.append(("results import (members → dihapus; families → dihapus/disetujui/ditolak)",
                     f"{res.imported:,} results, {fs['members_moved']:,} members, "
                     f"{sum(fs['moved'].values()):,} families moved, {res.warnings} warnings", t))
    with db.sessions() as s:
        hist = s.execute(select(func.count()).select_from(StatusHistory)).scalar_one()
    print(f"Backend: {'PostgreSQL' if a.db else 'SQLite'}; status_history rows at the end: {hist:,}\n")
    print("| step | size | wall | CPU |\n|---|---|---|---|")
    for what, n, (wall, cpu) in rows_out:
        print(f"| {what} | {n} | {wall:.2f} s | {cpu:.2f} s |")
    db.dispose()


if __name__ == "__main__":
    main()
