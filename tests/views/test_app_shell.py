"""The application shell: start-up dialogs, main window, audit, users and settings pages."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox

from dtks_desktop import config
from dtks_desktop.db.engine import DatabaseOpenError
from dtks_desktop.jobs import Job
from dtks_desktop.services.core import audit as audit_service
from dtks_desktop.services.core import settings as settings_service
from dtks_desktop.services.core.database import login, open_database
from dtks_desktop.services.core.users import list_users
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.widgets import job_runner, run_with_progress, start_job

from ..conftest import ADMIN_PASSWORD

UNREACHABLE_PG = "postgresql://nobody@127.0.0.1:1/x"
WAIT = 20_000  # ms; argon2 and a first migration are slow on a small CI machine


@pytest.fixture(autouse=True)
def messages(monkeypatch):
    """Message boxes never block a test; their texts are collected instead."""
    shown: list[str] = []

    def fake_exec(box):
        shown.append(f"{box.text()} {box.informativeText()}".strip())
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    yield shown
    # Let every job end before the database fixture goes away.
    job_runner().wait_all(30_000)


@pytest.fixture(autouse=True)
def _no_saved_connection():
    yield
    config.save_database_url(None)


def _garbage_sqlite(tmp_path):
    path = tmp_path / "bukan-basis-data.sqlite"
    path.write_bytes(b"ini bukan berkas SQLite \x00\x01\x02" * 100)
    return config.sqlite_url(path)


# --------------------------------------------------------------------------- helpers / jobs


def _counting(n: int, progress=None, cancel=None):
    for i in range(n):
        if cancel and cancel():
            from dtks_desktop.services.core.common import Cancelled

            raise Cancelled()
        time.sleep(0.01)
        if progress:
            progress(i + 1, n, "Menghitung…")
    return n


def test_run_with_progress_returns_the_result(qtbot):
    assert run_with_progress(None, Job(_counting, 20), "Menghitung") == 20


def test_progress_dialog_cancel_button_cancels_the_job(qtbot):
    handle = start_job(None, Job(_counting, 2000), "Menghitung", show_after_ms=0)
    qtbot.waitUntil(lambda: handle.dialog.isVisible(), timeout=WAIT)
    qtbot.waitUntil(lambda: "dari" in handle.dialog.bar.format(), timeout=WAIT)
    qtbot.mouseClick(handle.dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: handle.state == "cancelled", timeout=WAIT)
    assert handle.result is None


def test_failed_job_becomes_an_indonesian_message(qtbot, messages):
    def boom():
        raise RuntimeError("internal detail that the user must not see")

    assert run_with_progress(None, Job(boom, with_progress=False), "Mencoba") is None
    assert messages and "Terjadi kesalahan yang tidak terduga" in messages[0]
    assert "internal detail" not in messages[0]


# --------------------------------------------------------------------------- first run and login


def test_first_admin_dialog_validates_then_creates_the_admin(qtbot, db):
    from dtks_desktop.views.shell.dialogs import FirstAdminDialog

    assert not db.has_users()
    dlg = FirstAdminDialog(db)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitUntil(lambda: not dlg.reads.is_busy(), timeout=WAIT)  # the list is read in a job
    assert dlg.kab.count() == 515  # 514 kabupaten/kota and "(belum dipilih)"
    assert "KAB. KLATEN (33.10) — Jawa Tengah" in [dlg.kab.itemText(i) for i in range(dlg.kab.count())]
    qtbot.keyClicks(dlg.full_name, "Siti Rahmawati")
    dlg.password.setText("rahasia-kantor-1")
    dlg.password2.setText("rahasia-kantor-1")
    qtbot.mouseClick(dlg.create_button, Qt.MouseButton.LeftButton)
    assert "Pilih kabupaten/kota kantor" in dlg.error.text() and not db.has_users()
    qtbot.keyClicks(dlg.kab.lineEdit(), "Bandung")
    qtbot.mouseClick(dlg.create_button, Qt.MouseButton.LeftButton)
    assert "beberapa kabupaten/kota" in dlg.error.text() and not db.has_users()
    dlg.kab.lineEdit().clear()
    qtbot.keyClicks(dlg.kab.lineEdit(), "klaten")
    dlg.password.clear()
    dlg.password2.clear()

    qtbot.keyClicks(dlg.password, "pendek")
    qtbot.keyClicks(dlg.password2, "pendek")
    qtbot.mouseClick(dlg.create_button, Qt.MouseButton.LeftButton)
    assert dlg.error.isVisible()
    assert "minimal 8 karakter" in dlg.error.text()
    assert not db.has_users()

    dlg.password.clear()
    dlg.password2.clear()
    qtbot.keyClicks(dlg.password, "rahasia-kantor-1")
    qtbot.keyClicks(dlg.password2, "rahasia-kantor-2")
    qtbot.mouseClick(dlg.create_button, Qt.MouseButton.LeftButton)
    assert dlg.error.isVisible()
    assert "tidak sama" in dlg.error.text()
    assert not db.has_users()

    dlg.password2.clear()
    qtbot.keyClicks(dlg.password2, "rahasia-kantor-1")
    qtbot.mouseClick(dlg.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.actor is not None, timeout=WAIT)
    assert dlg.result() == QDialog.DialogCode.Accepted
    assert not dlg.error.isVisible()
    assert dlg.actor.username == "admin" and dlg.actor.role == "admin"
    assert db.has_users()
    assert login(db, "admin", "rahasia-kantor-1").full_name == "Siti Rahmawati"
    # The office's kabupaten/kota is set with the first admin, audited as theirs.
    with db.sessions() as s:
        assert settings_service.office_kab(s) == "33.10"
        events = audit_service.list_events(s, audit_service.AuditFilter(action="settings.update"), actor=dlg.actor)
    assert [(e.username, e.reason) for e in events] == [("admin", "Penyiapan pertama")]


def test_login_dialog_refuses_wrong_and_accepts_right_password(qtbot, db, admin):
    from dtks_desktop.views.shell.dialogs import LoginDialog

    dlg = LoginDialog(db)
    qtbot.addWidget(dlg)
    dlg.show()
    assert db.description in " ".join(w.text() for w in dlg.findChildren(QLabel))
    qtbot.keyClicks(dlg.username, "admin")
    qtbot.keyClicks(dlg.password, "salah-sekali")
    qtbot.keyClick(dlg.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dlg.error.isVisible(), timeout=WAIT)
    assert dlg.error.text() == "Nama pengguna atau kata sandi salah."
    assert dlg.actor is None
    assert dlg.result() != QDialog.DialogCode.Accepted
    assert dlg.isVisible()
    assert dlg.password.text() == ""  # ready for the next try
    qtbot.waitUntil(lambda: dlg.login_button.isEnabled(), timeout=WAIT)

    qtbot.keyClicks(dlg.password, ADMIN_PASSWORD)
    qtbot.mouseClick(dlg.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.actor is not None, timeout=WAIT)
    assert dlg.result() == QDialog.DialogCode.Accepted
    assert dlg.actor.username == "admin"


def test_login_dialog_keeps_asking_after_many_failures(qtbot, db, admin):
    from dtks_desktop.views.shell.dialogs import LoginDialog

    dlg = LoginDialog(db, "admin")
    qtbot.addWidget(dlg)
    dlg.show()
    for attempt in range(1, 6):
        qtbot.keyClicks(dlg.password, f"salah-{attempt}")
        qtbot.mouseClick(dlg.login_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda a=attempt: dlg.failures == a and dlg.login_button.isEnabled(), timeout=WAIT)
    assert dlg.isVisible()
    # From the third failure on, the service makes each try wait; the dialog says how long.
    assert "Coba lagi dalam" in dlg.error.text()
    assert "administrator" in dlg.error.text()


def test_login_dialog_says_until_when_the_account_is_locked(qtbot, db, admin, tmp_path):
    """The right password is refused during a lock, with the time to come back (rendered to a PNG)."""
    import re

    from dtks_desktop.views.shell.dialogs import LoginDialog

    from ..core.test_login_throttle import _fail_until_locked

    _fail_until_locked(db, "admin")
    dlg = LoginDialog(db, "admin")
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.keyClicks(dlg.password, ADMIN_PASSWORD)
    qtbot.mouseClick(dlg.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.error.isVisible() and dlg.login_button.isEnabled(), timeout=WAIT)
    assert dlg.actor is None and dlg.isVisible()
    assert re.match(r"Akun dikunci sampai \d\d:\d\d \(sekitar 15 menit lagi\)", dlg.error.text())
    assert "administrator" in dlg.error.text()
    qtbot.wait(50)
    # The whole message is shown (the dialog grows for the wrapped lines).
    assert dlg.error.height() >= dlg.error.heightForWidth(dlg.error.width())
    shot = tmp_path / "login-terkunci.png"
    assert dlg.grab().save(str(shot))
    if os.environ.get("DTKS_SCREENSHOT_DIR"):
        dlg.grab().save(os.path.join(os.environ["DTKS_SCREENSHOT_DIR"], "login-terkunci.png"))


# --------------------------------------------------------------------------- database problems


def test_database_error_dialog_for_a_file_that_is_not_sqlite(qtbot, tmp_path):
    from dtks_desktop.views.shell.dialogs import DatabaseErrorDialog

    url = _garbage_sqlite(tmp_path)
    with pytest.raises(DatabaseOpenError) as info:
        open_database(url)
    assert info.value.kind == "not_sqlite"
    dlg = DatabaseErrorDialog.from_error(info.value, url)
    qtbot.addWidget(dlg)
    dlg.show()
    assert "bukan" in dlg.message_label.text()
    assert dlg.hint_label.isVisible() and dlg.hint_label.text()
    for button, text in ((dlg.file_button, "Pilih berkas lain…"), (dlg.server_button, "Ubah koneksi server…"),
                         (dlg.default_button, "Pakai basis data lokal bawaan"), (dlg.quit_button, "Keluar")):
        assert button.text() == text and button.isVisible()

    qtbot.mouseClick(dlg.default_button, Qt.MouseButton.LeftButton)
    assert dlg.choice == "default"
    assert dlg.chosen_url == config.sqlite_url(config.default_sqlite_path())


def test_startup_loop_on_a_broken_file_offers_choices_and_never_raises(qtbot, tmp_path):
    from dtks_desktop.app import AppController
    from dtks_desktop.views.shell.dialogs import DatabaseErrorDialog

    url = _garbage_sqlite(tmp_path)
    new_file = tmp_path / "baru.sqlite"
    seen = []

    def answer(dialog):
        seen.append(dialog)
        assert isinstance(dialog, DatabaseErrorDialog)
        if len(seen) == 1:  # first: pick another file (a new one)
            dialog.ask_file = lambda: str(new_file)
            dialog.pick_file()
            return QDialog.DialogCode.Accepted
        raise AssertionError("asked twice")

    controller = AppController(url)
    controller.exec_dialog = answer
    db = controller.open_loop()
    try:
        assert db is not None
        assert "bukan basis data" in seen[0].message_label.text()
        assert new_file.exists()
        assert config.saved_database_url() == config.sqlite_url(new_file)  # remembered for next time
        assert not db.has_users()
    finally:
        db.dispose()


def test_startup_loop_quit_returns_none(qtbot, tmp_path):
    from dtks_desktop.app import AppController

    controller = AppController(_garbage_sqlite(tmp_path))
    controller.exec_dialog = lambda dialog: dialog.reject() or QDialog.DialogCode.Rejected
    assert controller.open_loop() is None


def test_unreachable_postgresql_shows_the_dialog_and_the_app_does_not_raise(qtbot, monkeypatch):
    from dtks_desktop import app as app_module
    from dtks_desktop.views.shell.dialogs import DatabaseErrorDialog

    with pytest.raises(DatabaseOpenError) as info:
        open_database(UNREACHABLE_PG)
    assert info.value.kind == "unreachable"

    shown = []

    def fake_exec(dialog):
        shown.append(dialog)
        dialog.reject()  # "Keluar"
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(DatabaseErrorDialog, "exec", fake_exec)
    assert app_module.main(["--db", UNREACHABLE_PG]) == 0
    assert len(shown) == 1
    assert "tidak dapat dihubungi" in shown[0].message_label.text()
    assert "127.0.0.1" in shown[0].where_label.text()


def test_main_with_a_broken_file_does_not_raise(qtbot, monkeypatch, tmp_path):
    from dtks_desktop import app as app_module
    from dtks_desktop.views.shell.dialogs import DatabaseErrorDialog

    monkeypatch.setattr(DatabaseErrorDialog, "exec", lambda d: d.reject() or 0)
    assert app_module.main(["--db", _garbage_sqlite(tmp_path)]) == 0


def test_connection_dialog_tests_and_saves_the_connection(qtbot, tmp_path):
    from dtks_desktop.views.shell.dialogs import ConnectionDialog

    dlg = ConnectionDialog(None)
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.local_radio.isChecked()

    # An unreachable server: the test says so, in Indonesian.
    qtbot.mouseClick(dlg.server_radio, Qt.MouseButton.LeftButton)
    assert dlg.server_box.isEnabled() and not dlg.local_box.isEnabled()
    qtbot.keyClicks(dlg.host_edit, "127.0.0.1")
    dlg.port_spin.setValue(1)
    qtbot.keyClicks(dlg.user_edit, "nobody")
    qtbot.mouseClick(dlg.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.test_button.isEnabled() and dlg.test_result.isVisible(), timeout=WAIT)
    assert dlg.test_result.text().startswith("Koneksi gagal")

    # A local file works and is saved.
    qtbot.mouseClick(dlg.local_radio, Qt.MouseButton.LeftButton)
    path = tmp_path / "kantor.sqlite"
    dlg.path_edit.clear()
    qtbot.keyClicks(dlg.path_edit, str(path))
    qtbot.mouseClick(dlg.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.test_button.isEnabled() and dlg.test_result.isVisible(), timeout=WAIT)
    assert dlg.test_result.text().startswith("Koneksi berhasil")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.result() == QDialog.DialogCode.Accepted
    assert dlg.saved_url == config.sqlite_url(path)
    assert config.saved_database_url() == config.sqlite_url(path)


def test_connection_dialog_round_trips_a_server_url(qtbot):
    from dtks_desktop.views.shell.dialogs import ConnectionDialog, postgres_url

    url = postgres_url("db.dinsos.local", 5433, "dtks", "petugas", "p@ss:w/rd")
    dlg = ConnectionDialog(url)
    qtbot.addWidget(dlg)
    assert dlg.server_radio.isChecked()
    assert (dlg.host_edit.text(), dlg.port_spin.value(), dlg.dbname_edit.text()) == ("db.dinsos.local", 5433, "dtks")
    assert (dlg.user_edit.text(), dlg.password_edit.text()) == ("petugas", "p@ss:w/rd")
    assert dlg.url() == url
    assert config.describe_url(url) == "PostgreSQL: dtks@db.dinsos.local:5433"


def test_about_dialog_names_the_data_source_and_licences(qtbot):
    from dtks_desktop import __version__
    from dtks_desktop.services.core.regions import ATTRIBUTION
    from dtks_desktop.views.shell.dialogs import AboutDialog

    dlg = AboutDialog()
    qtbot.addWidget(dlg)
    text = dlg.text.toPlainText()
    assert ATTRIBUTION in text
    for name in ("PySide6", "SQLAlchemy", "Alembic", "pandas", "openpyxl", "reportlab", "RapidFuzz", "argon2-cffi",
                 "LGPL", "MIT"):
        assert name in text
    assert __version__ in " ".join(lbl.text() for lbl in dlg.findChildren(QLabel))


# --------------------------------------------------------------------------- main window


def _window(qtbot, db, actor):
    from dtks_desktop.views.shell.main_window import MainWindow

    window = MainWindow(AppContext(db, actor))
    qtbot.addWidget(window)
    window.show()
    return window


def test_main_window_shows_database_and_user_in_the_status_bar(qtbot, db, admin):
    window = _window(qtbot, db, admin)
    assert window.db_label.text() == f"Basis data: {db.description}"
    assert window.user_label.text() == "Pengguna: admin (Administrator)"
    assert window.db_label in window.statusBar().findChildren(type(window.db_label))
    assert window.windowTitle() == "DTKS Desktop"
    assert {"audit", "users", "settings"} <= set(window.page_keys())
    assert window.size().width() <= 1280 and window.size().height() <= 800
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&Berkas", "Bantuan"]


def test_main_window_add_page_plugs_in_a_stage(qtbot, db, admin):
    from PySide6.QtWidgets import QStyle

    window = _window(qtbot, db, admin)
    page = QLabel("Impor")
    window.add_page("import", "Impor Data", QStyle.StandardPixmap.SP_DialogOpenButton, page, before="audit")
    assert window.page_keys().index("import") == window.page_keys().index("audit") - 1
    with pytest.raises(ValueError):
        window.add_page("import", "Lagi", None, QLabel())
    item = window.sidebar.item(window.page_keys().index("import"))
    rect = window.sidebar.visualItemRect(item)
    qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_page() is page and page.isVisible()
    assert window.current_page_key() == "import"
    assert window.show_page("users") and window.current_page() is window.page("users")


def test_non_admin_gets_no_users_or_settings_page(qtbot, db, operator, supervisor):
    op_window = _window(qtbot, db, operator)
    assert not op_window.has_page("users") and not op_window.has_page("settings")
    assert op_window.user_label.text() == "Pengguna: operator1 (Operator (petugas data))"
    sup_window = _window(qtbot, db, supervisor)
    assert not sup_window.has_page("users") and not sup_window.has_page("settings")
    assert sup_window.has_page("audit")


# --------------------------------------------------------------------------- audit


def _audit(qtbot, db, actor):
    from dtks_desktop.views.core.audit_view import AuditView

    view = AuditView(AppContext(db, actor))
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    qtbot.waitUntil(lambda: not view.busy, timeout=WAIT)
    return view


def _actions(view) -> list[str]:
    return [view.model.row_at(i).action for i in range(view.model.rowCount())]


def test_audit_view_lists_login_and_user_create_and_filters_by_action(qtbot, db, admin):
    login(db, "admin", ADMIN_PASSWORD)
    view = _audit(qtbot, db, admin)
    assert set(_actions(view)) >= {"login", "user.create"}
    assert view.count_label.text() == f"{view.model.total} catatan"
    labels = [view.action_combo.itemText(i) for i in range(view.action_combo.count())]
    assert "Masuk" in labels and "Pengguna dibuat" in labels
    assert view.table.model().index(0, 0).data()[2] == "-"  # dd-mm-yyyy
    assert view.table.verticalHeader().sectionResizeMode(0).name == "Fixed"

    # Filter by action through the combo box, as a user would.
    view.action_combo.setFocus()
    index = view.action_combo.findData("user.create")
    view.action_combo.setCurrentIndex(index)
    view.action_combo.activated.emit(index)
    qtbot.waitUntil(lambda: not view.busy and _actions(view) == ["user.create"], timeout=WAIT)

    # The detail pane shows the new values of the selected event.
    rect = view.table.visualRect(view.model.index(0, 1))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    detail = view.detail.toPlainText()
    assert "Nilai baru" in detail and '"role": "admin"' in detail
    assert "Pengguna dibuat" in detail

    # Free text.
    view.set_action_filter(None)
    qtbot.waitUntil(lambda: not view.busy, timeout=WAIT)
    qtbot.keyClicks(view.search_edit, "masuk")
    qtbot.keyClick(view.search_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not view.busy and _actions(view) == ["login"], timeout=WAIT)


def test_audit_view_filters_by_user_and_date(qtbot, db, admin, operator):
    login(db, "operator1", "rahasia-operator")
    view = _audit(qtbot, db, admin)
    view.set_user_filter("operator1")
    qtbot.waitUntil(lambda: not view.busy and _actions(view) == ["login"], timeout=WAIT)
    view.set_user_filter(None)
    qtbot.waitUntil(lambda: not view.busy, timeout=WAIT)
    # Tomorrow onwards: nothing; today: everything.
    from PySide6.QtCore import QDate

    view.date_from.setDate(QDate.currentDate().addDays(1))
    view.date_to.setDate(QDate.currentDate().addDays(2))
    qtbot.mouseClick(view.date_check, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.busy and view.model.total == 0, timeout=WAIT)
    assert "Tidak ada catatan" in view.count_label.text()
    view.date_from.setDate(QDate.currentDate())
    view.date_to.setDate(QDate.currentDate())
    qtbot.waitUntil(lambda: not view.busy and view.model.total >= 3, timeout=WAIT)


def test_audit_model_pages_rows_200_at_a_time(qtbot, db, admin):
    with db.transaction() as s:
        for i in range(450):
            audit_service.record(s, admin, "demo.load", entity_type="household", entity_id=i,
                                 summary=f"baris {i}", new={"i": i})
    view = _audit(qtbot, db, admin)
    model = view.model
    assert model.total == 451  # plus user.create
    assert model.rowCount() == 200
    assert model.canFetchMore()
    model.fetchMore()  # in a job, like the first page
    qtbot.waitUntil(lambda: not model.is_loading(), timeout=WAIT)
    assert model.rowCount() == 400
    model.fetchMore()
    qtbot.waitUntil(lambda: not model.is_loading(), timeout=WAIT)
    assert model.rowCount() == 451 and not model.canFetchMore()
    ids = [model.row_at(i).id for i in range(451)]
    assert len(set(ids)) == 451


# --------------------------------------------------------------------------- users


def _users(qtbot, db, actor):
    from dtks_desktop.views.core.users_view import UsersView

    view = UsersView(AppContext(db, actor))
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.table.rowCount() > 0, timeout=WAIT)
    return view


def _cell_texts(view, col: int) -> list[str]:
    return [view.table.item(r, col).text() for r in range(view.table.rowCount())]


def test_users_page_adds_an_operator(qtbot, db, admin):
    view = _users(qtbot, db, admin)
    assert _cell_texts(view, 0) == ["admin"]
    qtbot.mouseClick(view.add_button, Qt.MouseButton.LeftButton)
    dlg = view.active_dialog
    assert dlg is not None and dlg.isVisible()
    qtbot.keyClicks(dlg.username, "sri.wahyuni")
    qtbot.keyClicks(dlg.full_name, "Sri Wahyuni")
    dlg.role.setCurrentIndex(dlg.role.findData("operator"))
    qtbot.keyClicks(dlg.password, "pendek")
    qtbot.keyClicks(dlg.password2, "pendek")
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    assert dlg.error.isVisible() and "minimal 8" in dlg.error.text()
    dlg.password.clear()
    dlg.password2.clear()
    qtbot.keyClicks(dlg.password, "rahasia-sri-1")
    qtbot.keyClicks(dlg.password2, "rahasia-sri-1")
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "sri.wahyuni" in _cell_texts(view, 0), timeout=WAIT)
    assert dlg.result() == QDialog.DialogCode.Accepted
    row = _cell_texts(view, 0).index("sri.wahyuni")
    assert view.table.item(row, 2).text() == "Operator (petugas data)"
    assert view.table.item(row, 3).text() == "Aktif"
    with db.sessions() as s:
        assert {u.username: u.role for u in list_users(s, actor=admin)}["sri.wahyuni"] == "operator"
    assert login(db, "sri.wahyuni", "rahasia-sri-1").role == "operator"


def test_users_page_refuses_a_duplicate_name_inline(qtbot, db, admin, operator):
    view = _users(qtbot, db, admin)
    dlg = view.open_add_dialog()
    qtbot.keyClicks(dlg.username, "operator1")
    qtbot.keyClicks(dlg.password, "rahasia-baru-1")
    qtbot.keyClicks(dlg.password2, "rahasia-baru-1")
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.error.isVisible(), timeout=WAIT)
    assert "sudah dipakai" in dlg.error.text()
    assert dlg.isVisible()


def test_users_page_changes_role_deactivates_and_resets_password(qtbot, db, admin, operator, monkeypatch):
    from dtks_desktop.views.core import users_view

    view = _users(qtbot, db, admin)
    assert view.select_user("operator1")

    dlg = view.open_role_dialog()
    dlg.role.setCurrentIndex(dlg.role.findData("supervisor"))
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Supervisor" in _cell_texts(view, 2), timeout=WAIT)

    view.select_user("operator1")
    dlg = view.open_password_dialog()
    qtbot.keyClicks(dlg.password, "sandi-baru-123")
    qtbot.keyClicks(dlg.password2, "sandi-baru-123")
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.result() == QDialog.DialogCode.Accepted, timeout=WAIT)
    assert login(db, "operator1", "sandi-baru-123").role == "supervisor"

    monkeypatch.setattr(users_view, "ask_yes_no", lambda *a, **k: True)
    qtbot.waitUntil(lambda: view.handle.finished, timeout=WAIT)
    view.select_user("operator1")
    assert view.active_button.text() == "Nonaktifkan"
    qtbot.mouseClick(view.active_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Nonaktif" in _cell_texts(view, 3), timeout=WAIT)
    with db.sessions() as s:
        assert {u.username: u.active for u in list_users(s, actor=admin)}["operator1"] is False


def test_users_page_shows_a_locked_user_and_unlocks_it(qtbot, db, admin, operator):
    from ..core.test_login_throttle import _fail_until_locked

    _fail_until_locked(db, "operator1")
    view = _users(qtbot, db, admin)
    qtbot.waitUntil(lambda: len(_cell_texts(view, 0)) == 2, timeout=WAIT)
    status = dict(zip(_cell_texts(view, 0), _cell_texts(view, 3)))
    assert status["admin"] == "Aktif"
    assert status["operator1"].startswith("Aktif, dikunci sampai ")
    view.select_user("admin")
    assert not view.unlock_button.isEnabled()
    view.select_user("operator1")
    assert view.unlock_button.isEnabled()
    qtbot.mouseClick(view.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Aktif" == dict(zip(_cell_texts(view, 0), _cell_texts(view, 3)))["operator1"],
                    timeout=WAIT)
    assert login(db, "operator1", "rahasia-operator").username == "operator1"
    with db.sessions() as s:
        events = audit_service.list_events(s, audit_service.AuditFilter(action="user.unlock"), actor=admin)
    assert len(events) == 1 and events[0].username == "admin"


def test_admin_cannot_deactivate_own_account(qtbot, db, admin, messages):
    view = _users(qtbot, db, admin)
    view.select_user("admin")
    qtbot.mouseClick(view.active_button, Qt.MouseButton.LeftButton)
    assert messages and "akun Anda sendiri" in messages[-1]


# --------------------------------------------------------------------------- settings


def test_settings_page_saves_kabupaten_and_it_is_audited(qtbot, db, admin):
    window = _window(qtbot, db, admin)
    view = window.page("settings")
    window.show_page("settings")
    qtbot.waitUntil(lambda: view.isEnabled() and view.kab_combo.count() > 500, timeout=WAIT)
    assert "KAB. KLATEN (33.10)" in " ".join(view.kab_combo.itemText(i) for i in range(view.kab_combo.count()))

    line = view.kab_combo.lineEdit()
    line.selectAll()
    qtbot.keyClicks(line, "Kabupaten Klaten")
    view.keep_start.setValue(6)
    assert "→" in view.preview.text() and "****" in view.preview.text()
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.message.text() == "Pengaturan tersimpan.", timeout=WAIT)

    with db.sessions() as s:
        assert settings_service.get(s, settings_service.KAB_KODE) == "33.10"
        assert settings_service.get(s, settings_service.MASK_KEEP_START) == "6"
        events = audit_service.list_events(s, audit_service.AuditFilter(action="settings.update"), actor=admin)
    assert any("office.kab_kode" in (e.summary or "") and e.username == "admin" for e in events)
    # Untouched defaults are not written as changes.
    assert not any("mask.keep_end" in (e.summary or "") for e in events)
    qtbot.waitUntil(lambda: window.windowTitle() == "DTKS Desktop — Kabupaten Klaten", timeout=WAIT)  # read in a job

    # The office name wins over the kabupaten in the title.
    qtbot.keyClicks(view.office_edit, "Dinas Sosial Kabupaten Klaten")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.windowTitle() == "DTKS Desktop — Dinas Sosial Kabupaten Klaten", timeout=WAIT)


def test_settings_page_switches_off_the_automatic_restoration(qtbot, db, admin):
    """The office decides whether the matching may restore spreadsheet-damaged NIKs by itself."""
    from dtks_desktop.services.matching import settings as match_settings
    from dtks_desktop.views.core.settings_view import SettingsView

    view = SettingsView(AppContext(db, admin))
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.isEnabled() and view.kab_combo.count() > 500, timeout=WAIT)
    assert view.restore_check.isChecked() and view.restore_score.isEnabled()
    assert view.restore_score.value() == match_settings.DEFAULTS.ambang_pulih
    qtbot.mouseClick(view.restore_check, Qt.MouseButton.LeftButton)
    assert not view.restore_check.isChecked() and not view.restore_score.isEnabled()
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.message.text() == "Pengaturan tersimpan.", timeout=WAIT)
    with db.sessions() as s:
        assert match_settings.load_params(s).pulih_otomatis == 0
        events = audit_service.list_events(s, audit_service.AuditFilter(action="settings.update"), actor=admin)
    assert any("match.pulih_otomatis" in (e.summary or "") for e in events)
    # saving again without a change writes nothing
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.message.text() == "Tidak ada perubahan untuk disimpan.", timeout=WAIT)


def test_settings_page_asks_before_changing_the_kabupaten_of_a_database_with_data(qtbot, db, admin, tmp_path):
    """A change of the office's kabupaten on a database holding its data: the admin must confirm;
    declining saves nothing; the status bar follows the saved value."""
    from tests.importing.test_run_import import ROWS, write_csv

    from dtks_desktop.services.importing.run import run_import

    run_import(db, admin, write_csv(tmp_path / "dtks.csv", ROWS), kind="dtks")  # fixes 33.10
    window = _window(qtbot, db, admin)
    qtbot.waitUntil(lambda: window.kab_label.text() == "Kabupaten/kota: KAB. KLATEN (33.10)", timeout=WAIT)
    view = window.page("settings")
    qtbot.waitUntil(lambda: view.isEnabled() and view.kab_combo.count() > 500, timeout=WAIT)
    asked: list[str] = []
    answers = [False, True]
    view.confirm_kab_change = lambda message: asked.append(message) or answers.pop(0)
    assert view.set_kab("73.71")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "tidak diganti" in view.message.text(), timeout=WAIT)
    assert "2 keluarga" in asked[0] and "KAB. KLATEN (33.10)" in asked[0]
    with db.sessions() as s:
        assert settings_service.office_kab(s) == "33.10"
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.message.text() == "Pengaturan tersimpan.", timeout=WAIT)
    assert len(asked) == 2
    with db.sessions() as s:
        assert settings_service.office_kab(s) == "73.71"
        last = audit_service.list_events(s, audit_service.AuditFilter(action="settings.update"), actor=admin)[0]
    assert last.username == "admin" and "73.71" in last.summary and last.reason == "Diubah admin di Pengaturan"
    qtbot.waitUntil(lambda: window.kab_label.text() == "Kabupaten/kota: KOTA MAKASSAR (73.71)",
                    timeout=WAIT)  # the status bar is read in a job


def test_settings_page_sets_the_login_lock(qtbot, db, admin):
    from dtks_desktop.views.core.settings_view import SettingsView

    view = SettingsView(AppContext(db, admin))
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.isEnabled() and view.kab_combo.count() > 500, timeout=WAIT)
    assert (view.max_failures.value(), view.lock_minutes.value()) == (5, 15)
    view.max_failures.setValue(3)
    view.lock_minutes.setValue(60)
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.message.text() == "Pengaturan tersimpan.", timeout=WAIT)
    with db.sessions() as s:
        assert settings_service.login_max_failures(s) == 3
        assert settings_service.login_lock_minutes(s) == 60
        events = audit_service.list_events(s, audit_service.AuditFilter(action="settings.update"), actor=admin)
    assert {e.summary.split(":")[0] for e in events} == {"login.max_failures", "login.lock_minutes"}
    from dtks_desktop.services.core.users import LoginError

    for attempt in range(3):
        with pytest.raises(LoginError) as info:
            login(db, "admin", f"salah-{attempt}")
    assert "sekitar 60 menit lagi" in str(info.value)  # locked at the 3rd failure, for an hour


def test_settings_page_rejects_an_unknown_kabupaten(qtbot, db, admin):
    from dtks_desktop.views.core.settings_view import SettingsView

    view = SettingsView(AppContext(db, admin))
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.isEnabled() and view.kab_combo.count() > 500, timeout=WAIT)
    view.kab_combo.lineEdit().selectAll()
    qtbot.keyClicks(view.kab_combo.lineEdit(), "Kabupaten Atlantis")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert view.message.isVisible() and "tidak dikenal" in view.message.text()
    with db.sessions() as s:
        assert settings_service.get(s, settings_service.KAB_KODE) is None


# --------------------------------------------------------------------------- command line


def test_python_m_dtks_desktop_help():
    env = dict(os.environ)
    out = subprocess.run([sys.executable, "-m", "dtks_desktop", "--help"], capture_output=True, text=True,
                         env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "--db URL" in out.stdout
    assert "DTKS_DATABASE_URL" in out.stdout


# --------------------------------------------------------------------------- the whole start-up


def test_full_start_first_run_login_main_window_and_switch_database(qtbot, tmp_path):
    """main flow: first run -> login -> main window -> "Ganti basis data" -> next database -> quit."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from dtks_desktop.app import AppController
    from dtks_desktop.views.shell.dialogs import FirstAdminDialog, LoginDialog

    first_url = config.sqlite_url(tmp_path / "pertama.sqlite")
    second_url = config.sqlite_url(tmp_path / "kedua.sqlite")
    seen: list[str] = []

    def drive(dialog):
        seen.append(type(dialog).__name__)
        dialog.show()
        if isinstance(dialog, FirstAdminDialog):
            if len([s for s in seen if s == "FirstAdminDialog"]) == 2:
                return QDialog.DialogCode.Rejected  # second database: the user quits here
            dialog.full_name.setText("Admin Kantor")
            dialog.kab.lineEdit().setText("33.10")
            dialog.password.setText("rahasia-kantor-1")
            dialog.password2.setText("rahasia-kantor-1")
            qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: dialog.actor is not None, timeout=WAIT)
            return dialog.result()
        if isinstance(dialog, LoginDialog):
            assert dialog.username.text() == "admin"  # prefilled after the first run
            qtbot.keyClicks(dialog.password, "rahasia-kantor-1")
            qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: dialog.actor is not None, timeout=WAIT)
            return dialog.result()
        raise AssertionError(f"unexpected dialog {dialog!r}")

    controller = AppController(first_url, create=True)  # a new database, chosen as such
    controller.exec_dialog = drive
    windows = []

    facts = []

    def in_main_window():
        window = controller.window
        if window is None or not window.isVisible() or window.kab_label.text().endswith("…"):
            return  # still starting up (the status bar is read in a job); look again on the next tick
        poll.stop()
        windows.append(window)
        facts.append((window.user_label.text(), window.db_label.text(), window.kab_label.text()))
        window.switch_database_requested.emit(second_url)  # as after saving the connection dialog

    poll = QTimer()
    poll.setInterval(100)
    poll.timeout.connect(in_main_window)
    poll.start()
    # Never hang the suite: whatever happens, the main window closes after a while.
    QTimer.singleShot(60_000, lambda: controller.window.close() if controller.window else None)
    app = QApplication.instance()
    quit_on_last = app.quitOnLastWindowClosed()
    app.setQuitOnLastWindowClosed(False)
    try:
        assert controller.run() == 0
    finally:
        app.setQuitOnLastWindowClosed(quit_on_last)
        poll.stop()
    assert seen == ["FirstAdminDialog", "LoginDialog", "FirstAdminDialog"]
    assert facts[0][0] == "Pengguna: admin (Administrator)"
    assert "pertama.sqlite" in facts[0][1]
    assert facts[0][2] == "Kabupaten/kota: KAB. KLATEN (33.10)"
    assert len(windows) == 1
    assert controller.url == second_url
