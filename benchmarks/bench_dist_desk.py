"""Benchmark of the receipt desk (issue 14): scan-to-screen on a period of N KPM.

Builds a period of N KPM (default 100,000) in the desa of Kabupaten Klaten (or reuses it), opens
the real ``views.distribution.receipt_desk.ReceiptDesk`` offscreen on the real receipt services,
and types invitation tokens into its input as a USB scanner does (the whole token, then Enter),
one after another: each scan's time from Enter to the result painted on screen is the desk's own
``scan_ms``. Also: the same KPM scanned again (SUDAH DITERIMA), a forged token, a NIK search, and
the same scans after ``--prefill`` receipts already recorded (hours into the day).

Usage::

    python benchmarks/bench_dist_desk.py                       # 100,000 KPM, SQLite in /tmp
    python benchmarks/bench_dist_desk.py --kpm 100000 --scans 300 --prefill 10000
    python benchmarks/bench_dist_desk.py --db postgresql+psycopg://postgres@127.0.0.1/dtks_bench

Prints a Markdown table (median, 95th percentile and maximum in ms per kind of scan).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select, text, update  # noqa: E402

from dtks_desktop.config import sqlite_url  # noqa: E402
from dtks_desktop.db.models import DistKpm, DistPeriod, User  # noqa: E402
from dtks_desktop.domain.workflow.distribution import ReceiptStatus  # noqa: E402
from dtks_desktop.services.core import settings  # noqa: E402
from dtks_desktop.services.core.database import open_database  # noqa: E402
from dtks_desktop.services.core.users import create_user  # noqa: E402
from dtks_desktop.services.distribution.tokens import token_for  # noqa: E402
from tests.views.dist_desk_data import build_period, desa_codes  # noqa: E402


def prepare(url: str, n: int):
    db = open_database(url)
    with db.sessions() as s:
        have = s.execute(select(DistPeriod.id, func.count(DistKpm.id)).join(DistKpm, DistKpm.period_id == DistPeriod.id)
                         .where(DistPeriod.programme == "BENCH").group_by(DistPeriod.id)).first()
        has_user = s.execute(select(User.id).where(User.username == "operator1")).first()
    if not has_user:
        with db.transaction() as s:
            admin = create_user(s, "admin", "rahasia-admin-1", "admin")
            settings.set_office_kab(s, admin, "33.10")
            create_user(s, "operator1", "rahasia-operator", "operator", by=admin)
    if have and have[1] == n:
        pid = have[0]
    else:
        if have:
            with db.transaction() as s:
                s.execute(text("DELETE FROM dist_kpm WHERE period_id = :p"), {"p": have[0]})
                s.execute(text("DELETE FROM dist_periods WHERE id = :p"), {"p": have[0]})
        t = time.perf_counter()
        pid, _desa = build_period(db, n, desa=desa_codes(db, kecamatan=26, per_kec=12), programme="BENCH",
                                  period=f"Tahap {n}")
        print(f"built {n:,} KPM in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    # every run starts from no receipt
    with db.transaction() as s:
        s.execute(update(DistKpm).where(DistKpm.period_id == pid).values(
            receipt_status=ReceiptStatus.BELUM.value, received_at=None, recorded_by=None, kuasa=None, via=None,
            fail_reason=None, fail_note=None))
        s.execute(update(DistPeriod).where(DistPeriod.id == pid).values(status="siap"))
    return db, pid


def stats(ms: list[float]) -> tuple[float, float, float]:
    ms = sorted(ms)
    return statistics.median(ms), ms[max(0, int(len(ms) * 0.95) - 1)], ms[-1]


def run(url: str, n: int, scans: int, prefill: int) -> list[tuple[str, tuple[float, float, float], int]]:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from dtks_desktop.services.core.users import authenticate
    from dtks_desktop.views.common.context import AppContext
    from dtks_desktop.views.distribution.receipt_desk import ReceiptDesk

    app = QApplication.instance() or QApplication([])
    QApplication.beep = staticmethod(lambda: None)
    db, pid = prepare(url, n)
    with db.transaction() as s:  # the office secret is made (and kept) by the first token
        actor = authenticate(s, "operator1", "rahasia-operator")
        ids = list(s.execute(select(DistKpm.id, DistKpm.nik).where(DistKpm.period_id == pid,
                                                                   DistKpm.clean_status == "lengkap")
                             .order_by(DistKpm.id)).all())
        step = max(1, len(ids) // (scans + prefill + 50))
        picked = ids[::step]
        tokens = [token_for(s, pid, i) for i, _nik in picked[:scans + 10]]
    desk = ReceiptDesk(AppContext(db, actor))
    desk.resize(1280, 820)
    desk.show()
    desk.set_period(pid)
    assert desk.wait_idle(60_000)
    rows = []

    def type_and_enter(t: str) -> float:
        desk.scan.setText(t)  # a wedge types the token within a few ms; the clock starts at Enter
        ms = desk.wait_scan(lambda: QTest.keyClick(desk.scan, Qt.Key.Key_Return), 60_000)
        assert ms is not None and desk.wait_idle(60_000)
        return ms

    for _ in range(3):  # warm-up: first job thread, first statements
        type_and_enter(tokens.pop())
    fresh = [type_and_enter(t) for t in tokens[:scans]]
    assert desk.last_kind == "diterima", desk.headline.text()
    rows.append(("QR baru → DITERIMA", stats(fresh), len(fresh)))
    again = [type_and_enter(t) for t in tokens[:20]]
    assert desk.last_kind == "sudah"
    rows.append(("QR yang sama lagi → SUDAH DITERIMA", stats(again), len(again)))
    forged = [type_and_enter(t[:-3] + "AAA") for t in tokens[:20]]
    assert desk.last_kind == "ditolak"
    rows.append(("QR palsu → DITOLAK", stats(forged), len(forged)))
    nik = [type_and_enter(nik) for _i, nik in picked[scans + 10:scans + 30]]
    assert desk.last_kind == "ditemukan"
    rows.append(("NIK diketik → ditemukan", stats(nik), len(nik)))
    if prefill:
        # hours into the day: `prefill` receipts recorded by the service, then scan again
        t = time.perf_counter()
        from dtks_desktop.services.distribution import receipts

        rest = picked[scans + 40:scans + 40 + prefill]
        with db.transaction() as s:
            for i, _nik in rest:
                receipts.receive(s, actor, pid, kpm_id=i)
        print(f"prefilled {len(rest):,} receipts in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        with db.transaction() as s:
            late = list(s.execute(select(DistKpm.id).where(DistKpm.period_id == pid,
                                                           DistKpm.receipt_status == "belum",
                                                           DistKpm.clean_status == "lengkap")
                                  .order_by(DistKpm.id.desc()).limit(100)).scalars())
            late_tokens = [token_for(s, pid, i) for i in late]
        later = [type_and_enter(t) for t in late_tokens]
        rows.append((f"QR baru setelah {len(rest) + scans:,} penerimaan", stats(later), len(later)))
    desk.close()
    db.dispose()
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kpm", type=int, default=100_000)
    ap.add_argument("--scans", type=int, default=200)
    ap.add_argument("--prefill", type=int, default=10_000)
    ap.add_argument("--db", action="append", help="'sqlite' (default file in /tmp) or a PostgreSQL URL")
    args = ap.parse_args(argv)
    results = {}
    for target in args.db or ["sqlite"]:
        url = sqlite_url(Path(tempfile.gettempdir()) / f"dtks_bench_desk_{args.kpm}.sqlite") if target == "sqlite" \
            else target
        name = "SQLite" if target == "sqlite" else "PostgreSQL"
        results[name] = run(url, args.kpm, args.scans, args.prefill)
    print(f"\nScan-to-screen on the receipt desk, {args.kpm:,} KPM (ms: median / p95 / max)\n")
    names = list(results)
    print("| scan | n | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    for i, (label, _s, count) in enumerate(results[names[0]]):
        cells = [" / ".join(f"{v:.1f}" for v in results[nm][i][1]) for nm in names]
        print(f"| {label} | {count} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
