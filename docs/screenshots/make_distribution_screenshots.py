"""Render the Penyaluran page offscreen: one PNG per tab, and the two dialogs.

    QT_QPA_PLATFORM=offscreen python docs/screenshots/make_distribution_screenshots.py

A temporary SQLite database is filled with the demo kabupaten (``demo.loader``, fictitious) and
the matching is run. The heads of the families of the two kecamatan with the most families make
a BPNT KPM list file (.xlsx) as Kemensos sends it, with what such lists carry: a few people not in
the registry, a few rows without RT or dusun, a repeated NIK. Then, through the services: the
period is created from that file (Rp 200.000 per KPM), cleaned, every desa of the first kecamatan
gets a distribution point (balai desa) and its KPM their sessions, and the receipt lists of one
desa are printed. The page is shown in the main window at 1280x800 to the operator, one tab
after the other: distribution_kpm.png, distribution_cleaning.png, distribution_mapping.png,
distribution_desk.png, distribution_realisation.png,
distribution_print.png, and the dialogs distribution_create.png, distribution_point.png.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, time as clock, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parent
if __name__ == "__main__":  # not again in the importer's spawned worker processes
    _TMP = Path(tempfile.mkdtemp(prefix="dtks-distribution-shots-"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["DTKS_DATA_DIR"] = str(_TMP / "data")
    os.environ["DTKS_CONFIG_DIR"] = str(_TMP / "config")
    os.environ.pop("DTKS_DATABASE_URL", None)

from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

HEADER = ["NO", "NIK", "NAMA PENERIMA", "NO KK", "ALAMAT", "DUSUN", "RT", "RW", "KODE WILAYAH"]
STRANGERS = [("3310015203780004", "SRI MULYANI"), ("3310010708650002", "KASIMIN"),
             ("3310016112900007", "WAGINEM")]


def settle(app: QApplication, seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def kpm_file(db, path: Path) -> tuple[Path, list[str]]:
    """The heads of the families of the two kecamatan with the most families, as a KPM list."""
    from openpyxl import Workbook
    from sqlalchemy import func, select

    from dtks_desktop.db.models import Household, Member

    with db.sessions() as s:
        per_kec = s.execute(select(func.substr(Household.desa_kode, 1, 8), func.count()).group_by(
            func.substr(Household.desa_kode, 1, 8)).order_by(func.count().desc()).limit(2)).all()
        kecs = [k for k, _n in per_kec]
        rows = s.execute(select(Member.nik, Member.nama, Household.no_kk, Household.alamat, Household.dusun,
                                Household.rt, Household.rw, Household.desa_kode)
                         .join(Household, Member.household_id == Household.id)
                         .where(Member.hubungan == 1, func.substr(Household.desa_kode, 1, 8).in_(kecs))
                         .order_by(Household.desa_kode, Household.rw, Household.rt, Member.nama)).all()
    rnd = random.Random(11)
    wb = Workbook()
    ws = wb.active
    ws.title = "KPM BPNT"
    ws.append(HEADER)
    out = []
    for nik, nama, kk, alamat, dusun, rt, rw, desa in rows:
        if not nik:
            continue
        x = rnd.random()
        out.append([nik, nama, kk or "", alamat or "", "" if x < 0.03 else (dusun or ""), "" if 0.03 <= x < 0.06
                    else (rt or ""), rw or "", desa])
    for i, (nik, nama) in enumerate(STRANGERS):
        src = out[(i + 1) * 7]
        out.append([nik, nama, "", src[3], src[4], src[5], src[6], src[7]])
    out.append(list(out[5]))  # the same NIK twice: refused with its row
    for i, r in enumerate(out, start=1):
        ws.append([i, *r])
    for row in ws.iter_rows(min_row=2):
        for c in row[1:4]:
            c.number_format = "@"
    wb.save(path)
    return path, kecs


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=OUT)
    p.add_argument("--people", type=int, default=6000)
    args = p.parse_args(argv)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    QMessageBox.exec = lambda box: print(f"  (pesan) {box.text()}") or QMessageBox.StandardButton.Ok
    from dtks_desktop import config
    from dtks_desktop.demo.loader import load_demo
    from dtks_desktop.services.core import settings
    from dtks_desktop.services.core.database import open_database
    from dtks_desktop.services.core.users import create_user
    from dtks_desktop.services.distribution import cleaning, mapping, periods
    from dtks_desktop.services.matching.run import run_matching
    from dtks_desktop.views.common.context import AppContext
    from dtks_desktop.views.distribution.period_dialog import PeriodDialog
    from dtks_desktop.views.distribution.point_dialog import PointDialog
    from dtks_desktop.views.distribution.tree import desa_nodes
    from dtks_desktop.views.shell.main_window import KEY_DISTRIBUTION, MainWindow

    print("Demo kabupaten and matching…")
    db = open_database(config.sqlite_url(_TMP / "dtks.sqlite"))
    with db.transaction() as s:
        admin = create_user(s, "admin", "rahasia-admin-1", "admin", full_name="Siti Rahmawati, S.Kom")
        sri = create_user(s, "sri.wahyuni", "rahasia-sri-1", "operator", full_name="Sri Wahyuni", by=admin)
        settings.put(s, admin, settings.OFFICE_NAME, "Dinas Sosial Kabupaten Klaten")
    load_demo(db, admin, people=args.people, seed=4)
    run_matching(db, admin)

    print("Period, cleaning, points, slots, printing…")
    path, kecs = kpm_file(db, _TMP / "KPM_BPNT_2026_Tahap_1.xlsx")
    made = periods.create_period(db, sri, "BPNT", "2026 Tahap 1", cash=200000, from_file=path)
    print(f"  period #{made.id}: {made.kpm} KPM, {made.tidak_terdaftar} tidak terdaftar, {made.rejected} ditolak")
    res = cleaning.clean(db, sri, made.id)
    print(f"  cleaning: {res.as_dict()}")
    with db.sessions() as s:
        tree = mapping.tree(s, made.id)
    first = sorted((d for k, d in desa_nodes(tree) if k.kode == kecs[0]), key=lambda d: -d.kpm)  # busiest first
    day = date.today() + timedelta(days=10)
    with db.transaction() as s:
        for i, d in enumerate(first):
            mapping.add_point(s, sri, made.id, d.kode, "balai_desa", f"Balai Desa {d.nama}", day + timedelta(days=i // 4),
                              clock(8), clock(12), alamat=f"Jl. Raya {d.nama}", slot_menit=60)
        if first:
            mapping.add_point(s, sri, made.id, first[0].kode, "kantor_pos", "Kantor Pos Kalikotes", day, clock(13),
                              clock(15), slot_menit=30, kuota_slot=10)
        n = mapping.assign_slots(s, sri, made.id)
    print(f"  {len(first) + 1} points, {n} KPM with a session")

    ctx = AppContext(db, sri)
    window = MainWindow(ctx)
    window.resize(1280, 800)
    window.show()
    window.show_page(KEY_DISTRIBUTION)
    view = window.page(KEY_DISTRIBUTION)
    view.wait_idle()
    pt = view.print_tab
    pt.outdir.setText(str(_TMP / "cetak"))
    if first:
        pt.desa.setCurrentIndex(pt.desa.findData(first[0].kode))
    pt.print_button.click()
    view.wait_idle()
    args.out.mkdir(parents=True, exist_ok=True)

    def shot(name: str, widget=None) -> None:
        settle(app, 0.5)
        target = args.out / name
        pix = (widget or window).grab()
        if not pix.save(str(target)):
            raise SystemExit(f"cannot write {target}")
        print(f"  {target}  {pix.width()}x{pix.height()}")

    view.tabs.setCurrentWidget(view.kpm_tab)
    view.wait_idle()
    shot("distribution_kpm.png")
    view.tabs.setCurrentWidget(view.cleaning_tab)
    view.wait_idle()
    shot("distribution_cleaning.png")
    mt = view.mapping_tab
    view.tabs.setCurrentWidget(mt)
    if first:
        kec_idx = mt._find(kecs[0])
        mt.view.expand(kec_idx)
        mt.choose_desa(first[0].kode)
        mt.view.expand(mt._find(first[0].kode))
    view.wait_idle()
    shot("distribution_mapping.png")
    view.tabs.setCurrentWidget(pt)
    view.wait_idle()
    shot("distribution_print.png")

    # The distribution day: two thirds of the first desa received, one failed, then a scan at the desk
    # (the same invitation scanned again: the loud warning) and the realisation.
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from dtks_desktop.services.distribution import receipts
    from dtks_desktop.services.distribution.tokens import token_for

    with db.sessions() as s:
        ks = periods.kpm_page(s, sri, made.id, clean="lengkap", limit=100_000)
    with db.transaction() as s:
        for i, k in enumerate(ks[: len(ks) * 2 // 3]):
            receipts.receive(s, sri, made.id, kpm_id=k.id, kuasa="Suami" if i % 9 == 0 else None)
        receipts.fail(s, sri, made.id, kpm_id=ks[-1].id, reason="pindah", note="Pindah ke Sukoharjo")
        tok = token_for(s, made.id, ks[0].id)
    if view.desk is not None:
        view.tabs.setCurrentWidget(view.desk)
        view.wait_idle()
        view.desk.scan.setFocus()
        view.desk.scan.setText(tok)
        QTest.keyClick(view.desk.scan, Qt.Key.Key_Return)
        view.desk.wait_idle()
        shot("distribution_desk.png")
    view.tabs.setCurrentWidget(view.realisation)
    view.realisation.reload()
    view.realisation.wait_idle()
    shot("distribution_realisation.png")

    from dtks_desktop.services.submission import batches as sub_batches

    with db.sessions() as s:
        programmes = periods.programmes(s)
        usable = [b for b in sub_batches.list_batches(s, status="hasil_diterima") if b.kind != "hapus"]
    dlg = PeriodDialog(programmes, usable)
    dlg.programme.setCurrentIndex(dlg.programme.findData("BANPANGAN"))
    dlg.period.setText("Januari 2026")
    dlg.goods_radio.setChecked(True)
    dlg.file.setText(str(path))
    dlg.show()
    shot("distribution_create.png", dlg)
    dlg.close()
    if first:
        dlg = PointDialog([(d.kode, d.nama) for d in first], first[0].kode,
                          {d.kode: d.lengkap for d in first})
        dlg.show()
        shot("distribution_point.png", dlg)
        dlg.close()
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
