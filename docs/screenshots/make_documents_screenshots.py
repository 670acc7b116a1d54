"""Render the document pages of the GUI offscreen to ``docs/screenshots/``.

    QT_QPA_PLATFORM=offscreen python docs/screenshots/make_documents_screenshots.py

A temporary SQLite database gets the demo kabupaten (Klaten), one matching run, an office
signatory, a few numbers taken for letters written outside the app (one voided), surat
keterangan for a few families, the agenda and the matching reports, all through the services
and the views' own actions. Shown inside the main window at 1280x800 as a supervisor sees it:

- ``documents_register.png``: page Agenda Surat, tab *Agenda surat keluar*, after *Cetak agenda…*;
- ``documents_issued.png``: tab *Dokumen terbit*, one document selected, after *Cetak ulang…*;
- ``data_family_certificate.png``: the Data page, a family chosen, the dialog *Cetak surat keterangan*;
- ``review_reports.png``: the Pemadanan page filtered to one desa, the menu *Laporan* open and the
  result of *Daftar per desa (PDF)*.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
OUT = Path(__file__).resolve().parent
_TMP = Path(tempfile.mkdtemp(prefix="dtks-docs-shots-"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["DTKS_DATA_DIR"] = str(_TMP / "data")
os.environ["DTKS_CONFIG_DIR"] = str(_TMP / "config")
os.environ.pop("DTKS_DATABASE_URL", None)

from PySide6.QtCore import QPoint  # noqa: E402
from PySide6.QtGui import QColor, QPainter, QPixmap  # noqa: E402
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget  # noqa: E402

from dtks_desktop.config import sqlite_url  # noqa: E402
from dtks_desktop.demo.loader import load_demo  # noqa: E402
from dtks_desktop.services.core.database import open_database  # noqa: E402
from dtks_desktop.services.core.users import create_user  # noqa: E402
from dtks_desktop.views.common.context import AppContext  # noqa: E402


def settle(app, seconds: float = 0.3, until=None, timeout: float = 120) -> None:
    end, deadline = time.monotonic() + seconds, time.monotonic() + timeout
    while time.monotonic() < deadline:
        app.processEvents()
        if time.monotonic() >= end and (until is None or until()):
            break
        time.sleep(0.01)
    else:
        raise TimeoutError("the page did not settle")
    app.processEvents()


def save(pix: QPixmap | QWidget, name: str) -> None:
    pix = pix if isinstance(pix, QPixmap) else pix.grab()
    path = OUT / name
    assert pix.save(str(path)), path
    print(f"  {path}  {pix.width()}x{pix.height()}")


def overlay(window: QWidget, top: QPixmap, at: QPoint | None = None, dim: bool = True) -> QPixmap:
    pix = window.grab()
    painter = QPainter(pix)
    if dim:
        painter.fillRect(pix.rect(), QColor(0, 0, 0, 40))
    at = at or QPoint((pix.width() - top.width()) // 2, (pix.height() - top.height()) // 2)
    painter.drawPixmap(at, top)
    painter.setPen(window.palette().dark().color())
    painter.drawRect(at.x() - 1, at.y() - 1, top.width() + 1, top.height() + 1)
    painter.end()
    return pix


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    QMessageBox.exec = lambda box: print(f"  (pesan) {box.text()}") or QMessageBox.StandardButton.Ok
    from dtks_desktop.services.core import settings
    from dtks_desktop.services.documents import issued, keterangan, register, signers
    from dtks_desktop.services.matching.run import run_matching
    from dtks_desktop.views.shell import main_window as mw

    db = open_database(sqlite_url(_TMP / "dtks.sqlite"), create=True)
    with db.transaction() as s:
        admin = create_user(s, "admin", "rahasia-admin-1", "admin", full_name="Siti Rahmawati, S.Kom")
        sri = create_user(s, "sri.wahyuni", "rahasia-sri-1", "supervisor", full_name="Sri Wahyuni", by=admin)
        budi = create_user(s, "budi.santoso", "rahasia-budi-1", "operator", full_name="Budi Santoso", by=admin)
    print("Demo kabupaten and matching…")
    load_demo(db, admin, people=1500)
    run_matching(db, admin)
    with db.transaction() as s:
        settings.put(s, admin, settings.KAB_KODE, "33.10")
        kadis = signers.add_signer(s, admin, nama="Drs. SUGENG RIYANTO, M.Si.", nip="196805121994031007",
                                   pangkat="Pembina Tingkat I (IV/b)", jabatan="Kepala Dinas Sosial")
        signers.use_signer(s, admin, "default", kadis.id)
    day = date.today()
    with db.transaction() as s:
        for who, purpose in ((sri, "Undangan rapat koordinasi PKH"), (budi, "Laporan bulanan penyaluran BPNT"),
                             (sri, "Permohonan data Disdukcapil"), (budi, "Surat tugas verifikasi lapangan"),
                             (sri, "Undangan musyawarah desa Sengon")):
            register.take_number(s, who, "surat_keluar", purpose, when=day)
    with db.transaction() as s:
        nomor = register.list_register(s, year=day.year, doc_type="surat_keluar")[1].nomor
        register.void(s, sri, nomor, "surat tidak jadi dikirim", year=day.year)
    from sqlalchemy import select

    from dtks_desktop.db.models import Household

    with db.sessions() as s:
        families = s.scalars(select(Household.id).order_by(Household.id).limit(4)).all()
    for hid, (who, why) in zip(families, [(budi, "pendaftaran sekolah anak"), (sri, "pengajuan beasiswa"),
                                          (budi, "berobat di rumah sakit/puskesmas"), (sri, "pengajuan beasiswa")]):
        with db.transaction() as s:
            keterangan.issue_keterangan(s, who, hid, why, when=day)

    ctx = AppContext(db, sri)
    window = mw.MainWindow(ctx)
    window.resize(1280, 800)
    window.show()
    settle(app, 0.5)

    # --- Agenda Surat: Cetak agenda…, then the issued documents and a reprint
    window.show_page(mw.KEY_REGISTER)
    reg = window.page(mw.KEY_REGISTER)
    settle(app, 0.5, until=lambda: not reg._loading and not reg.issued._loading)
    reg.year.setCurrentIndex(reg.year.findData(day.year))
    settle(app, 0.5, until=lambda: not reg._loading)
    QFileDialog.getSaveFileName = staticmethod(lambda *a, **k: (str(_TMP / "agenda_surat_keluar.pdf"), ""))
    reg.agenda_button.click()
    settle(app, 0.5, until=lambda: reg.handle is not None and reg.handle.finished)
    settle(app, 0.5, until=lambda: not reg._loading)
    save(window, "documents_register.png")

    reg.tabs.setCurrentWidget(reg.issued)
    settle(app, 0.8, until=lambda: not reg.issued._loading)
    reg.issued.table.selectRow(2)
    QFileDialog.getSaveFileName = staticmethod(lambda *a, **k: (str(_TMP / "cetak_ulang.pdf"), ""))
    reg.issued.reprint_button.click()
    settle(app, 0.5, until=lambda: reg.issued.handle is not None and reg.issued.handle.finished)
    save(window, "documents_issued.png")

    # --- Data: a family and the dialog asking the purpose
    from dtks_desktop.views.core.members import COL_NAMA, ROW_ROLE
    from dtks_desktop.views.documents.keterangan_dialog import KeteranganDialog

    window.show_page(mw.KEY_DATA)
    data = window.page(mw.KEY_DATA)
    settle(app, 0.5, until=lambda: not data.is_busy() and data.model.member_count)
    settle(app, 0.5, until=lambda: data.model.data(data.model.index(5, COL_NAMA), ROW_ROLE) is not None)
    data.table.selectRow(5)
    settle(app, 0.5, until=lambda: data.family_panel.detail is not None)
    dialog = KeteranganDialog(data.family_panel.detail.head.nama, window)
    dialog.purpose.setEditText("pendaftaran sekolah anak")
    dialog.show()
    settle(app, 0.3)
    save(overlay(window, dialog.grab()), "data_family_certificate.png")
    dialog.close()

    # --- Pemadanan: one desa, Daftar per desa (PDF), the menu open
    window.show_page(mw.KEY_REVIEW)
    review = window.page(mw.KEY_REVIEW)
    review.wait_idle()
    from collections import Counter

    from dtks_desktop.services.matching.reports import village_list_rows

    with db.sessions() as s:  # the desa with the longest list
        desa = Counter(r.desa_kode for r in village_list_rows(s)).most_common(1)[0][0]
    review.kecamatan_combo.setCurrentIndex(review.kecamatan_combo.findData(desa[:8]))
    settle(app, 0.5, until=lambda: review.desa_combo.findData(desa) > 0)
    review.desa_combo.setCurrentIndex(review.desa_combo.findData(desa))
    review.wait_idle()
    QFileDialog.getSaveFileName = staticmethod(lambda *a, **k: (str(_TMP / "daftar_desa.pdf"), ""))
    review.write_report("desa", "pdf", str(_TMP / "daftar_desa.pdf"))
    settle(app, 0.5, until=lambda: review.report_handle.finished)
    review.wait_idle()
    settle(app, 0.5)
    review.report_menu.popup(review.report_button.mapToGlobal(QPoint(0, review.report_button.height())))
    settle(app, 0.3)
    at = review.report_button.mapTo(window, QPoint(0, review.report_button.height()))
    save(overlay(window, review.report_menu.grab(), at, dim=False), "review_reports.png")
    review.report_menu.hide()
    print(review.message_label.text())
    window.close()
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
