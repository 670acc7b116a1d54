"""Render the Verifikasi Lapangan page and the usulan baru form offscreen, and make the sample
worksheet (PDF + PNG of its first page) from demo data.

    QT_QPA_PLATFORM=offscreen python docs/screenshots/make_verification_screenshots.py

A temporary SQLite database gets the demo kabupaten (``demo.loader``, 6,000 people), a matching
run, two petugas for the desa with the most families, and the findings of one family; then:

- ``docs/screenshots/verifikasi_lapangan.png``: the page, second family open for entry;
- ``docs/screenshots/verifikasi_usulan_baru.png``: the new-family form after a live NIK check;
- (the sample worksheet PDFs: ``docs/samples/make_samples.py``)
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
_TMP = Path(tempfile.mkdtemp(prefix="dtks-verify-shots-"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["DTKS_DATA_DIR"] = str(_TMP / "data")
os.environ["DTKS_CONFIG_DIR"] = str(_TMP / "config")

from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from dtks_desktop.config import sqlite_url  # noqa: E402
from dtks_desktop.db.models import DukcapilPerson, Household, Member  # noqa: E402
from dtks_desktop.demo import loader  # noqa: E402
from dtks_desktop.services.core import settings  # noqa: E402
from dtks_desktop.services.core.database import open_database  # noqa: E402
from dtks_desktop.services.core.users import create_user  # noqa: E402
from dtks_desktop.services.matching.run import run_matching  # noqa: E402
from dtks_desktop.services.verification.assign import assign  # noqa: E402
from dtks_desktop.views.common.context import AppContext  # noqa: E402
from dtks_desktop.views.verification.proposal_dialog import ProposalDialog  # noqa: E402
from dtks_desktop.views.verification.verification_view import COL_KEB, VerificationView  # noqa: E402

SHOTS = ROOT / "docs" / "screenshots"
SAMPLES = ROOT / "docs" / "samples"


def settle(app, until=lambda: True, timeout=60.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        app.processEvents()
        if until():
            break
        time.sleep(0.01)
    app.processEvents()


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    QMessageBox.information = staticmethod(lambda *a, **k: None)
    db = open_database(sqlite_url(_TMP / "dtks.sqlite"), create=True)
    with db.transaction() as s:
        boss = create_user(s, "admin", "rahasia-admin-1", "admin")
        admin = create_user(s, "operator", "rahasia-operator-1", "operator", full_name="Sri Wahyuni", by=boss)
        settings.set_office_kab(s, boss, "33.10")
        settings.put(s, boss, "verify.putaran", "2026-12")
    loader.load_demo(db, admin, people=6000)
    run_matching(db, admin)
    with db.sessions() as s:
        desa, _n = s.execute(select(Household.desa_kode, func.count()).group_by(Household.desa_kode)
                             .order_by(func.count().desc())).first()
        outside = s.execute(select(DukcapilPerson.nik).where(DukcapilPerson.nik.not_in(
            select(Member.nik).where(Member.nik.is_not(None)))).limit(1)).scalar()
    with db.transaction() as s:
        assign(s, admin, desa, "Siti Aminah", peran="PSM")
        assign(s, admin, desa, "Budi Santoso", rw="002")
    # The sample worksheets (A4 and F4, with a logo and the Kepala Desa) are made by
    # docs/samples/make_samples.py with every other document type.

    view = VerificationView(AppContext(db, admin))
    view.resize(1400, 820)
    view.show()
    settle(app, lambda: view.wait_idle())
    view.kec.setCurrentIndex(view.kec.findData(desa[:8]))
    settle(app, lambda: view.wait_idle())
    view.desa.setCurrentIndex(view.desa.findData(desa))
    settle(app, lambda: view.wait_idle())
    for r in range(view.grid.rowCount()):
        view.grid.item(r, COL_KEB).setText("ada")
    view.kelayakan.setCurrentIndex(view.kelayakan.findData("layak"))
    view.save(True)
    settle(app, lambda: view.wait_idle() and view.detail is not None and view.detail.done is False)
    if view.grid.rowCount() > 1:
        view.grid.item(0, COL_KEB).setText("ada")
        view.grid.item(1, COL_KEB).setText("pindah dalam negeri")
        view.grid.setCurrentCell(1, COL_KEB + 5 - 1)
    view.grab().save(str(SHOTS / "verifikasi_lapangan.png"))

    dlg = ProposalDialog(AppContext(db, admin), desa, view.desa.currentText(), ["Siti Aminah", "Budi Santoso"])
    dlg.show()
    dlg.alamat.setText("Dukuh Krajan")
    dlg.rt.setText("002")
    dlg.rw.setText("001")
    dlg.alasan.setText("Janda lansia, belum terdata")
    dlg.nik.setText(outside)
    settle(app, lambda: "Dukcapil" in dlg.nik_status.text())
    dlg.grab().save(str(SHOTS / "verifikasi_usulan_baru.png"))
    view.close()
    dlg.close()
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
