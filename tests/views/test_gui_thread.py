"""No database statement of a page runs on the GUI thread: every read and write of a view is a job.

A listener on the engine's ``before_cursor_execute`` records the thread of every statement while
a page is driven through its usual actions (with qtbot, as a clerk would); none may be the
QApplication's thread. Set-up and checks made by the test itself run with the recorder paused.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import QThread, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox
from sqlalchemy import event

from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.widgets import job_runner

WAIT = 30_000


class StatementRecorder:
    """Statements run on the GUI thread while recording."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.on = False
        self.on_gui: list[str] = []
        self.off_gui = 0
        self._lock = threading.Lock()

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if not self.on:
            return
        app = QApplication.instance()
        on_gui = app is not None and QThread.currentThread() is app.thread()
        with self._lock:
            if on_gui:
                self.on_gui.append(statement.split("\n", 1)[0][:200])
            else:
                self.off_gui += 1

    @contextmanager
    def paused(self):
        was, self.on = self.on, False
        try:
            yield
        finally:
            self.on = was


@pytest.fixture
def recorder(db):
    rec = StatementRecorder(db.engine)
    event.listen(db.engine, "before_cursor_execute", rec)
    yield rec
    job_runner().wait_all(WAIT)  # no job may outlive the test's database
    event.remove(db.engine, "before_cursor_execute", rec)


@pytest.fixture(autouse=True)
def _quiet_messages(monkeypatch):
    monkeypatch.setattr(QMessageBox, "exec", lambda box: QMessageBox.StandardButton.Ok)


def _check(recorder: StatementRecorder) -> None:
    assert recorder.off_gui > 0, "the page read nothing at all: the recorder saw no statement"
    assert recorder.on_gui == [], f"statements on the GUI thread: {recorder.on_gui[:5]}"


def _show(qtbot, widget, w: int = 1300, h: int = 760):
    qtbot.addWidget(widget)
    widget.resize(w, h)
    widget.show()
    return widget


# --------------------------------------------------------------------------- Data Keluarga & Anggota


def test_data_page_reads_in_jobs(qtbot, db, admin, recorder):
    from dtks_desktop.views.core.data_view import DataView

    from ..core.test_browse import KEC_A, fill_registry

    fill_registry(db)
    recorder.on = True
    view = _show(qtbot, DataView(AppContext(db, admin)))

    def settled() -> bool:
        return not view.is_busy() and not view.model.is_loading() and view.model.member_count is not None

    qtbot.waitUntil(settled, timeout=WAIT)
    view.kecamatan_combo.setCurrentIndex(view.kecamatan_combo.findData(KEC_A))  # desa list, new query
    qtbot.waitUntil(settled, timeout=WAIT)
    assert view.desa_combo.count() > 1
    view.table.selectRow(0)  # the family panel
    qtbot.waitUntil(lambda: view.family_panel.detail is not None, timeout=WAIT)
    view.desa_combo.setCurrentIndex(1)
    qtbot.waitUntil(settled, timeout=WAIT)
    view.search_edit.setText("a")
    view.search_edit.returnPressed.emit()
    qtbot.waitUntil(settled, timeout=WAIT)
    view.clear_button.click()
    qtbot.waitUntil(settled, timeout=WAIT)
    view.refresh()  # after an import elsewhere
    qtbot.waitUntil(settled, timeout=WAIT)
    view.model.sort(2, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(settled, timeout=WAIT)
    view.model.wait_idle(WAIT)
    view.close()
    _check(recorder)


# --------------------------------------------------------------------------- Impor Data


def test_import_page_reads_and_writes_in_jobs(qtbot, monkeypatch, db, admin, recorder, tmp_path):
    from dtks_desktop.services.core import settings
    from dtks_desktop.views.importing.import_view import ImportView

    from .test_import_view import TWO_NIK_HEADER, TWO_NIK_ROWS, write_csv

    with db.transaction() as s:
        settings.put(s, admin, settings.KAB_KODE, "33.10")
    path = write_csv(tmp_path / "dtks_dua_nik.csv", TWO_NIK_HEADER, TWO_NIK_ROWS)
    recorder.on = True
    view = _show(qtbot, ImportView(AppContext(db, admin)))
    assert view.wait_idle(WAIT)
    # a file: the saved presets are read again, the preview is made
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), "Berkas data"))
    view.open_file(Path(path))
    qtbot.waitUntil(lambda: not view.busy and view.state is not None, timeout=WAIT)
    view.choose_column("nik", 2)
    qtbot.waitUntil(lambda: not view.busy, timeout=WAIT)
    # "Simpan susunan kolom": a write
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Ekspor Desa Sengon", True))
    view.save_preset_button.click()
    qtbot.waitUntil(lambda: not view.busy, timeout=WAIT)
    assert view.preset_combo.currentData() == "Ekspor Desa Sengon"
    # the import, then the history and its problem list
    view.import_button.click()
    qtbot.waitUntil(lambda: not view.busy, timeout=WAIT)
    assert view.wait_idle(WAIT) and view.last_result is not None
    view.tabs.setCurrentIndex(1)
    page = view.history_page
    page.reload()
    qtbot.waitUntil(lambda: not page.reads.is_busy() and page.model.rowCount() == 1, timeout=WAIT)
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: page.problems.model.counts is not None, timeout=WAIT)
    page.kind_combo.setCurrentIndex(page.kind_combo.findData("dtks"))
    assert view.wait_idle(WAIT)
    _check(recorder)


# --------------------------------------------------------------------------- Pemadanan


@pytest.fixture
def matched(db, admin):
    from dtks_desktop.demo.loader import load_demo
    from dtks_desktop.services.matching.run import run_matching

    load_demo(db, admin, people=200, seed=4)
    run_matching(db, admin)
    return db


def test_review_page_reads_and_decides_in_jobs(qtbot, matched, operator, recorder):
    from dtks_desktop.views.matching.review_view import ReviewView

    recorder.on = True
    view = _show(qtbot, ReviewView(AppContext(matched, operator)))
    assert view.wait_idle(WAIT) and view.model.rowCount() > 2
    view.table.setFocus()

    def press(key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        qtbot.keyClick(QApplication.focusWidget() or view.table, key, modifier)
        assert view.wait_idle(WAIT)

    first = view.comparison.item.member_id
    press(Qt.Key.Key_Return)  # Terima
    assert view.comparison.item is not None and view.comparison.item.member_id != first
    press(Qt.Key.Key_T)  # Tolak
    press(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # Urungkan
    press(Qt.Key.Key_N)
    # a region: the desa list is read, the queue again
    kec = view.model.item_at(0).desa_kode[:8]
    view.kecamatan_combo.setCurrentIndex(view.kecamatan_combo.findData(kec))
    assert view.wait_idle(WAIT) and view.desa_combo.count() > 1
    view.kecamatan_combo.setCurrentIndex(0)
    assert view.wait_idle(WAIT)
    # the decided list: B reopens
    from dtks_desktop.services.matching import common as match_common

    view.status_combo.setCurrentIndex(view.status_combo.findData(match_common.DECIDED_FILTER))
    assert view.wait_idle(WAIT) and view.model.rowCount() > 0
    view.table.setFocus()
    press(Qt.Key.Key_B)
    view.refresh()
    assert view.wait_idle(WAIT)
    _check(recorder)


# --------------------------------------------------------------------------- audit, users, settings


def test_audit_users_and_settings_pages_read_in_jobs(qtbot, db, admin, recorder):
    from dtks_desktop.views.core.audit_view import AuditView
    from dtks_desktop.views.core.settings_view import SettingsView
    from dtks_desktop.views.core.users_view import UsersView

    recorder.on = True
    audit = _show(qtbot, AuditView(AppContext(db, admin)))
    qtbot.waitUntil(lambda: not audit.busy and audit.model.rowCount() > 0, timeout=WAIT)
    audit.refresh()
    qtbot.waitUntil(lambda: not audit.busy, timeout=WAIT)

    users = _show(qtbot, UsersView(AppContext(db, admin)))
    qtbot.waitUntil(lambda: users.table.rowCount() > 0 and users.handle.finished, timeout=WAIT)
    users.reload()
    qtbot.waitUntil(lambda: users.handle.finished, timeout=WAIT)

    settings_page = _show(qtbot, SettingsView(AppContext(db, admin)))
    qtbot.waitUntil(lambda: settings_page.isEnabled() and settings_page.kab_combo.count() > 500, timeout=WAIT)
    settings_page.reload()
    qtbot.waitUntil(lambda: settings_page.handle.finished, timeout=WAIT)
    job_runner().wait_all(WAIT)
    QApplication.processEvents()
    _check(recorder)


def test_main_window_switches_pages_without_reading_on_the_gui_thread(qtbot, db, admin, recorder):
    from dtks_desktop.views.shell.main_window import PAGES, MainWindow

    recorder.on = True
    win = _show(qtbot, MainWindow(AppContext(db, admin)))
    for spec in PAGES:
        win.show_page(spec.key)
        qtbot.wait(50)
    job_runner().wait_all(WAIT)
    qtbot.wait(100)
    job_runner().wait_all(WAIT)
    _check(recorder)
