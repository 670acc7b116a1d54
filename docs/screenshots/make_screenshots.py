"""Render the application shell's screens to PNG files in this folder.

    QT_QPA_PLATFORM=offscreen python docs/screenshots/make_screenshots.py

Builds a temporary database with a few users and audit events (nothing touches
the real user folders), opens every dialog and page of the shell with realistic
data and saves ``widget.grab()`` of each. Needs a font with Latin glyphs (on
Debian/Ubuntu: ``apt-get install -y fonts-dejavu-core``).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent
_TMP = Path(tempfile.mkdtemp(prefix="dtks-shots-"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["DTKS_DATA_DIR"] = str(_TMP / "data")
os.environ["DTKS_CONFIG_DIR"] = str(_TMP / "config")
os.environ.pop("DTKS_DATABASE_URL", None)

from PySide6.QtCore import QDate, QItemSelectionModel  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from dtks_desktop import config  # noqa: E402
from dtks_desktop.jobs import Job  # noqa: E402
from dtks_desktop.services.core import audit, settings  # noqa: E402
from dtks_desktop.services.core.database import DatabaseOpenError, login, open_database  # noqa: E402
from dtks_desktop.services.core.users import create_user, set_role  # noqa: E402
from dtks_desktop.views.common.context import AppContext  # noqa: E402
from dtks_desktop.views.common.widgets import job_runner, start_job  # noqa: E402


def settle(app: QApplication, seconds: float = 0.3, until=None) -> None:
    """Process events until ``until()`` holds (and at least ``seconds``)."""
    end = time.monotonic() + seconds
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        app.processEvents()
        if time.monotonic() >= end and (until is None or until()):
            break
        time.sleep(0.01)
    app.processEvents()


def save(widget: QWidget, name: str) -> None:
    path = OUT / f"{name}.png"
    widget.grab().save(str(path))
    print(f"  {path.relative_to(OUT.parent.parent)}  {widget.width()}x{widget.height()}")


def build_database():
    db = open_database(config.sqlite_url(_TMP / "dtks.sqlite"))
    with db.transaction() as s:
        admin = create_user(s, "admin", "rahasia-admin-1", "admin", full_name="Siti Rahmawati, S.Kom")
        sri = create_user(s, "sri.wahyuni", "rahasia-sri-1", "operator", full_name="Sri Wahyuni", by=admin)
        create_user(s, "bambang", "rahasia-bambang", "supervisor", full_name="Bambang Setiawan, S.Sos", by=admin)
        create_user(s, "dewi.cetak", "rahasia-dewi-1", "pencetak", full_name="Dewi Lestari", by=admin)
        create_user(s, "agus", "rahasia-agus-1", "operator", full_name="Agus Prasetyo", by=admin)
    with db.transaction() as s:
        set_role(s, admin, "agus", "supervisor")
        settings.put(s, admin, settings.KAB_KODE, "33.10")
        settings.put(s, admin, settings.OFFICE_NAME, "Dinas Sosial Kabupaten Klaten")
    for user, pw in (("sri.wahyuni", "salah"), ("sri.wahyuni", "rahasia-sri-1"), ("bambang", "rahasia-bambang")):
        try:
            login(db, user, pw)
        except Exception:  # noqa: BLE001 - a failed login is part of the story
            pass
    with db.transaction() as s:
        audit.record(s, sri, "member.update", entity_type="member", entity_id=10432,
                     summary="Nama anggota diperbaiki: SUPARMI → SUPARMINAH",
                     old={"nama": "SUPARMI", "tgl_lahir": "1961-04-12"},
                     new={"nama": "SUPARMINAH", "tgl_lahir": "1961-04-12"},
                     reason="Sesuai KK terbaru yang ditunjukkan saat verifikasi lapangan")
        audit.record(s, sri, "member.status", entity_type="member", entity_id=10488,
                     summary="Status anggota: Aktif → Meninggal", old={"status": "aktif"},
                     new={"status": "meninggal", "tanggal": "2025-08-03"},
                     reason="Surat keterangan kematian dari Desa Jogonalan")
        audit.record(s, sri, "household.status", entity_type="household", entity_id=2211,
                     summary="Status keluarga: Terdaftar → Dalam verifikasi", old={"status": "terdaftar"},
                     new={"status": "verifikasi"}, reason="Masuk daftar verifikasi Kecamatan Klaten Utara")
    admin = login(db, "admin", "rahasia-admin-1")
    return db, admin


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from dtks_desktop.views.shell.dialogs import (
        AboutDialog,
        ConnectionDialog,
        DatabaseErrorDialog,
        FirstAdminDialog,
        LoginDialog,
        postgres_url,
    )
    from dtks_desktop.views.shell.main_window import MainWindow

    print("Building a sample database…")
    db, admin = build_database()
    print("Saving screenshots:")

    # First run on an empty database.
    empty = open_database(config.sqlite_url(_TMP / "kosong.sqlite"))
    dlg = FirstAdminDialog(empty)
    dlg.kab.set_kab("33.10")
    dlg.full_name.setText("Siti Rahmawati, S.Kom")
    dlg.password.setText("rahasia-kantor")
    dlg.password2.setText("rahasia-kantor")
    dlg.show()
    settle(app)
    save(dlg, "first_run")
    dlg.password2.setText("rahasia")
    dlg.submit()
    settle(app)
    save(dlg, "first_run_error")
    dlg.close()
    empty.dispose()

    # Login, then a wrong password.
    dlg = LoginDialog(db, "sri.wahyuni")
    dlg.show()
    settle(app)
    save(dlg, "login")
    dlg.password.setText("kata-sandi-keliru")
    dlg.submit()
    settle(app, until=lambda: dlg.error.isVisible())
    save(dlg, "login_error")
    dlg.close()

    # A file that is not a database.
    bad = _TMP / "Data DTKS Klaten.sqlite"
    bad.write_bytes(b"PK\x03\x04 this is a zipped spreadsheet, not SQLite" * 50)
    try:
        open_database(config.sqlite_url(bad))
    except DatabaseOpenError as exc:
        dlg = DatabaseErrorDialog.from_error(exc, config.sqlite_url(bad))
    dlg.show()
    settle(app)
    save(dlg, "database_error")
    dlg.close()
    try:
        open_database("postgresql://dtks@127.0.0.1:1/dtks")
    except DatabaseOpenError as exc:
        dlg = DatabaseErrorDialog.from_error(exc, "postgresql+psycopg://dtks@127.0.0.1:1/dtks")
    dlg.show()
    settle(app)
    save(dlg, "database_error_server")
    dlg.close()

    # Connection settings (server), after a failed test.
    dlg = ConnectionDialog(postgres_url("192.168.1.10", 5432, "dtks", "petugas", "rahasia"))
    dlg.show()
    settle(app)
    save(dlg, "connection_server")
    dlg.local_radio.setChecked(True)
    dlg.path_edit.setText(str(Path("C:/Users/Operator/AppData/Local/DinasSosial/DTKS Desktop/dtks.sqlite")))
    settle(app)
    save(dlg, "connection_local")
    dlg.close()

    # Progress of a long job.
    def slow(progress=None, cancel=None):
        for i in range(0, 200):
            if cancel and cancel():
                return None
            progress(i * 1637, 327_400, "Mengimpor berkas DTKS_Klaten_2025.xlsx…")
            time.sleep(0.01)
        return None

    handle = start_job(None, Job(slow), "Mengimpor data", show_after_ms=0)
    settle(app, 0.8)
    save(handle.dialog, "progress")
    handle.cancel()
    settle(app, until=lambda: handle.finished)

    # Main window pages.
    window = MainWindow(AppContext(db, admin))
    window.resize(1280, 800)
    window.show()
    window.show_page("audit")
    audit_view = window.page("audit")
    settle(app, 0.5, until=lambda: not audit_view.busy)
    sel = audit_view.table.selectionModel()
    sel.setCurrentIndex(audit_view.model.index(4, 0),
                        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
    settle(app)
    save(window, "main_audit")

    audit_view.date_check.setChecked(True)
    audit_view.date_from.setDate(QDate.currentDate().addDays(-7))
    audit_view.set_user_filter("sri.wahyuni")
    settle(app, 0.5, until=lambda: not audit_view.busy)
    save(window, "main_audit_filtered")

    window.show_page("users")
    users = window.page("users")
    settle(app, 0.3, until=lambda: users.table.rowCount() > 0)
    users.select_user("sri.wahyuni")
    settle(app)
    save(window, "main_users")
    add = users.open_add_dialog()
    add.username.setText("rina.marlina")
    add.full_name.setText("Rina Marlina")
    add.role.setCurrentIndex(add.role.findData("operator"))
    settle(app)
    save(add, "users_add")
    add.reject()

    window.show_page("settings")
    page = window.page("settings")
    settle(app, 0.3, until=lambda: page.isEnabled())
    save(window, "main_settings")

    about = AboutDialog(window)
    about.show()
    settle(app)
    save(about, "about")
    about.close()

    window.close()
    job_runner().wait_all(30_000)
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
