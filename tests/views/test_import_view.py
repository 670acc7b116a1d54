"""The import page, driven as a clerk drives it: choose a file, check the columns, import, read the result.

Runs on SQLite and, with DTKS_TEST_DATABASE_URL, on PostgreSQL. File dialogs, message boxes,
the preset-name prompt and "open with Excel" are replaced; everything else is real: the demo
SIKS-NG export, the importer, the jobs and the progress dialog.
"""

from __future__ import annotations

import csv
import threading
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QHeaderView, QInputDialog, QMessageBox
from sqlalchemy import func, select

from dtks_desktop.db.models import AuditEvent, Household, ImportBatch, ImportProblem, Member, ProgrammeRecipient
from dtks_desktop.demo import generator as demo
from dtks_desktop.services.core import settings
from dtks_desktop.services.importing import run as import_run
from dtks_desktop.services.importing.presets import list_presets
from dtks_desktop.services.core.users import create_user
from dtks_desktop.views.importing import import_view
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.importing import problems as problem_list
from dtks_desktop.views.importing.import_view import ImportView
from dtks_desktop.views.importing.problems import PCOL_KIND, PCOL_MESSAGE, PCOL_ROW, PCOL_VALUE
from dtks_desktop.views.common.widgets import job_runner

WAIT = 30_000


# --------------------------------------------------------------------------- fixtures and helpers


@pytest.fixture(autouse=True)
def messages(monkeypatch):
    """Message boxes never block; their texts are collected instead."""
    shown: list[str] = []

    def fake_exec(box):
        shown.append(f"{box.text()} {box.informativeText()}".strip())
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    yield shown
    job_runner().wait_all(30_000)  # no job may outlive the test's database


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("demo")
    return demo.generate_files(out, demo.DemoConfig(people=500, seed=3))


@pytest.fixture
def office(db, admin):
    with db.transaction() as s:
        settings.put(s, admin, settings.KAB_KODE, "33.10")
    return admin


@pytest.fixture
def make_view(qtbot):
    views: list[ImportView] = []

    def make(db, actor) -> ImportView:
        view = ImportView(AppContext(db, actor))
        qtbot.addWidget(view)
        view.resize(1280, 760)
        view.show()
        views.append(view)
        return view

    yield make
    for v in views:
        v.wait_idle(WAIT)


@pytest.fixture
def view(make_view, db, office) -> ImportView:
    return make_view(db, office)


def count(db, model) -> int:
    with db.sessions() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def snapshot(db) -> tuple:
    return tuple(count(db, m) for m in (Member, Household, ImportBatch, ImportProblem, ProgrammeRecipient, AuditEvent))


def click(qtbot, widget) -> None:
    assert widget.isEnabled(), widget.objectName() or widget.text()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def choose_file(qtbot, monkeypatch, view: ImportView, path: Path) -> None:
    """What a clerk does: press "Pilih berkas…" (whichever is on screen) and pick ``path``."""
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), "Berkas data"))
    page = view.stack.currentIndex()
    if view.tabs.currentIndex() != 0 or page == view.PAGE_EMPTY:
        view.tabs.setCurrentIndex(0)
        button = view.drop_zone.choose_button if view.stack.currentIndex() == view.PAGE_EMPTY else None
    else:
        button = None
    if button is None:
        button = {view.PAGE_PREVIEW: view.change_file_button,
                  view.PAGE_RESULT: view.result_page.another_button}.get(view.stack.currentIndex(),
                                                                          view.drop_zone.choose_button)
    click(qtbot, button)
    wait_preview(qtbot, view)


def wait_preview(qtbot, view: ImportView) -> None:
    qtbot.waitUntil(lambda: not view.busy, timeout=WAIT)
    QApplication.processEvents()


def run_import_click(qtbot, view: ImportView):
    """Press "Impor" and wait for the outcome; returns the result (None when refused/cancelled)."""
    before = view.last_result
    click(qtbot, view.import_button)
    qtbot.waitUntil(lambda: not view.busy, timeout=WAIT)
    view.wait_idle(WAIT)
    return view.last_result if view.last_result is not before else None


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(header)
        w.writerows(rows)
    return path


def problem_rows(panel) -> list:
    model = panel.model
    return [model.row_at(r) for r in range(model.rowCount())]


def service_problems(db, batch_id: int, severity: str | None = None) -> list:
    with db.sessions() as s:
        return import_run.list_problems(s, batch_id, severity=severity, limit=100_000)


TWO_NIK_HEADER = ["ID DTKS", "NOMOR KK", "NIK", "NAMA", "NO KTP", "TANGGAL LAHIR", "KECAMATAN", "DESA/KELURAHAN"]
TWO_NIK_ROWS = [
    ["D001", "3310011606160001", "3310011109860001", "SLAMET RIYADI", "3310011109860009", "11-09-1986", "PRAMBANAN",
     "SENGON"],
    ["D002", "3310011606160001", "3310015810870001", "SITI AMINAH", "3310015810870009", "18-10-1987", "PRAMBANAN",
     "SENGON"],
]


# --------------------------------------------------------------------------- preview


def test_preview_guesses_kind_and_shows_mapped_rows(qtbot, monkeypatch, view, demo_files):
    assert view.stack.currentIndex() == view.PAGE_EMPTY
    assert not view.import_button.isEnabled()
    path = demo_files["dtks_xlsx"]
    choose_file(qtbot, monkeypatch, view, path)

    assert view.stack.currentIndex() == view.PAGE_PREVIEW
    assert view.kind_combo.currentData() == "dtks"
    assert view.preset_combo.currentData() == "siksng_dtks"
    assert "keyakinan 100%" in view.guess_label.text()
    info = view.info_label.text()
    assert "Excel (.xlsx)" in info and "lembar “Export”" in info and "judul kolom di baris 5" in info
    assert "baris data" in info
    assert view.file_label.text() == path.name

    # 20 rows as the service maps them, with Indonesian column titles
    expected = import_run.preview(path, rows=20)
    model = view.preview_model
    assert model.rowCount() == 20
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    # who first (NIK and name visible without scrolling), then person, address, region
    assert headers[:5] == ["Baris", "ID DTKS", "NIK", "Nomor KK", "Nama"]
    assert "Provinsi" in headers and "Desa/Kelurahan" in headers
    assert model.headerData(2, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) == (
        "Dibaca dari kolom " + expected.match.column_label(expected.match.columns["nik"]))
    nik_col = headers.index("NIK")
    for r, (row_no, values) in enumerate(expected.rows):
        assert model.data(model.index(r, 0)) == str(row_no)
        assert model.data(model.index(r, nik_col)) == (values["nik"] or "")
    rt_col = headers.index("RT")
    assert model.data(model.index(0, rt_col)) == "62"  # 62.0 in the workbook, shown as written

    # the mapping editor: one combo per field of the preset, "C (NIK)"-style items
    nik_combo = view.mapping.combo("nik")
    assert nik_combo.currentText() == expected.match.column_label(expected.match.columns["nik"])
    assert nik_combo.itemText(0) == "(tidak ada)"
    assert view.mapping.combo("tempat_tanggal_lahir").currentText() == "(tidak ada)"
    assert view.mapping.label("nik").text() == "NIK *"
    assert "Semua kolom wajib ditemukan" in view.problem_label.text()
    assert view.import_button.isEnabled() and view.block_label.text() == ""
    # fixed row heights everywhere
    for table in (view.preview_table, view.result_page.problems.table, view.history_page.table):
        assert table.verticalHeader().sectionResizeMode(0) == QHeaderView.ResizeMode.Fixed
    # the programme fields belong to programme lists only
    assert not view.program_edit.isVisible() and not view.periode_edit.isVisible()


def test_clerk_can_change_the_kind(qtbot, monkeypatch, view, demo_files):
    choose_file(qtbot, monkeypatch, view, demo_files["dukcapil"])
    assert view.kind_combo.currentData() == "dukcapil"
    assert "pengodean UTF-8" in view.info_label.text() and "pemisah koma" in view.info_label.text()
    view.kind_combo.setCurrentIndex(view.kind_combo.findData("program"))
    wait_preview(qtbot, view)
    assert view.state.kind == "program" and view.preset_combo.currentData() == "program"
    assert view.guess_label.text() == "Jenis data dan susunan kolom dipilih sendiri."
    assert view.program_edit.isVisible()


def test_drop_a_file_on_the_view(qtbot, view, demo_files):
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(demo_files["dtks_csv"]))])
    enter = QDragEnterEvent(QPoint(200, 200), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(200, 200), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view, drop)
    wait_preview(qtbot, view)
    assert view.state is not None and view.state.path == demo_files["dtks_csv"]
    assert view.kind_combo.currentData() == "dtks" and view.preview_model.rowCount() == 20


def test_pdf_renamed_xlsx_shows_the_indonesian_error(qtbot, monkeypatch, view, messages, tmp_path, db):
    fake = tmp_path / "Data DTKS Desa.xlsx"
    fake.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n" * 20)
    before = snapshot(db)
    choose_file(qtbot, monkeypatch, view, fake)
    assert len(messages) == 1
    assert 'Berkas "Data DTKS Desa.xlsx" bukan lembar kerja Excel/CSV' in messages[0] and "PDF" in messages[0]
    assert view.state is None and view.stack.currentIndex() == view.PAGE_EMPTY
    assert view.drop_zone.error.isVisible() and "PDF" in view.drop_zone.error.text()
    assert not view.import_button.isEnabled()
    assert snapshot(db) == before


def test_cancel_while_a_big_file_opens(qtbot, monkeypatch, view, demo_files, messages):
    """Opening a 200,000-row workbook takes seconds: "Batal" gives the page back at once."""
    real = import_view.preview
    release = threading.Event()

    def slow_preview(*a, **k):
        release.wait(20)
        return real(*a, **k)

    monkeypatch.setattr(import_view, "preview", slow_preview)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(demo_files["dtks_xlsx"]), ""))
    click(qtbot, view.drop_zone.choose_button)
    qtbot.waitUntil(lambda: view.preview_handle.dialog.isVisible(), timeout=WAIT)
    assert view.preview_handle.dialog.windowTitle() == "Membaca berkas dtks_siksng_3310.xlsx"
    assert not view.import_button.isEnabled()
    click(qtbot, view.preview_handle.dialog.cancel_button)
    release.set()
    wait_preview(qtbot, view)
    assert view.state is None and view.stack.currentIndex() == view.PAGE_EMPTY and messages == []

    # with a file on screen, a cancelled second file leaves the first one as it was
    choose_file(qtbot, monkeypatch, view, demo_files["dtks_csv"])
    assert view.state.path == demo_files["dtks_csv"]
    release.clear()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(demo_files["dukcapil"]), ""))
    click(qtbot, view.change_file_button)
    qtbot.waitUntil(lambda: view.preview_handle.dialog.isVisible(), timeout=WAIT)
    click(qtbot, view.preview_handle.dialog.cancel_button)
    release.set()
    wait_preview(qtbot, view)
    assert view.state.path == view.path == demo_files["dtks_csv"]
    assert view.kind_combo.currentData() == "dtks" and view.import_button.isEnabled()


# --------------------------------------------------------------------------- import and result


def test_import_shows_counts_notes_and_problem_rows(qtbot, monkeypatch, view, db, demo_files, tmp_path):
    choose_file(qtbot, monkeypatch, view, demo_files["dtks_xlsx"])
    with qtbot.waitSignal(view.imported, timeout=WAIT) as signal:
        click(qtbot, view.import_button)
    view.wait_idle(WAIT)
    r = view.last_result
    assert r is not None and signal.args == [r.batch_id]
    assert view.stack.currentIndex() == view.PAGE_RESULT
    with db.sessions() as s:
        batch = import_run.get_batch(s, r.batch_id)
    assert (batch.rows_read, batch.imported, batch.rejected, batch.warnings) == (
        r.rows_read, r.imported, r.rejected, r.warnings)
    assert count(db, Member) == r.imported > 0

    page = view.result_page
    shown = {k: page.count_labels[k].text() for k in page.count_labels}
    assert shown == {"rows_read": f"{r.rows_read}", "imported": f"{r.imported}", "updated": "0", "unchanged": "0",
                     "gone": "0", "rejected": f"{r.rejected}", "warnings": f"{r.warnings}"}
    captions = [page.cards[k].findChildren(type(page.title))[1].text() for k in page.count_labels]
    assert captions == ["Dibaca", "Baru", "Diperbarui", "Tetap", "Tidak ada lagi", "Ditolak", "Dengan peringatan"]
    assert r.rejected > 0 and r.warnings > 0  # the demo export has damaged rows
    assert f"batch #{r.batch_id}" in page.subtitle.text()

    # problem rows: the service's rows, rejected first, colour-coded
    panel = page.problems
    qtbot.waitUntil(lambda: not panel.model.is_loading() and panel.model.rowCount() == r.problems, timeout=WAIT)
    assert problem_rows(panel) == service_problems(db, r.batch_id)
    model = panel.model
    first = model.index(0, PCOL_KIND)
    assert model.data(first) == "Ditolak"
    assert model.data(first, Qt.ItemDataRole.BackgroundRole).color().name().lower() == "#ffc7ce"
    last = model.index(model.rowCount() - 1, PCOL_KIND)
    assert model.data(last) == "Peringatan"
    assert model.data(model.index(0, PCOL_ROW)) == str(problem_rows(panel)[0].source_row)
    assert model.data(model.index(0, PCOL_MESSAGE))
    # a click on a row shows its whole message (the table cuts long ones)
    third = problem_rows(panel)[2]
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.table.visualRect(model.index(2, PCOL_MESSAGE)).center())
    assert panel.detail_label.isVisible()
    assert panel.detail_label.text().startswith(f"Baris {third.source_row}, kolom {third.column} (Ditolak")
    assert panel.detail_label.text().endswith(third.message)
    errors = len(service_problems(db, r.batch_id, "error"))
    assert panel.count_label.text() == (
        f"{r.problems} catatan masalah: {errors} ditolak, {r.problems - errors} peringatan")

    # "Hanya yang ditolak"
    click(qtbot, panel.only_rejected)
    qtbot.waitUntil(lambda: not panel.model.is_loading() and panel.model.rowCount() == errors, timeout=WAIT)
    assert {p.severity for p in problem_rows(panel)} == {"error"}
    panel.only_rejected.click()
    qtbot.waitUntil(lambda: not panel.model.is_loading() and panel.model.rowCount() == r.problems, timeout=WAIT)

    # the report is written on demand ("Simpan laporan…"), then it can be opened
    assert r.report is None and not panel.open_button.isVisible()
    target = tmp_path / "laporan_impor.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "Berkas Excel (*.xlsx)"))
    click(qtbot, panel.save_button)
    qtbot.waitUntil(lambda: panel.save_handle is not None and panel.save_handle.finished, timeout=WAIT)
    assert target.exists() and panel.open_button.isVisible()
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    click(qtbot, panel.open_button)
    assert [Path(u.toLocalFile()) for u in opened] == [target]

    # the history knows the batch already
    assert view.history_page.model.rowCount() == 1


def test_problem_table_pages_with_fetch_more(qtbot, monkeypatch, view, db, demo_files):
    monkeypatch.setattr(problem_list, "PROBLEM_PAGE", 40)
    choose_file(qtbot, monkeypatch, view, demo_files["dtks_xlsx"])
    r = run_import_click(qtbot, view)
    panel = view.result_page.problems
    qtbot.waitUntil(lambda: panel.model.counts is not None, timeout=WAIT)
    assert r.problems > 80 and panel.model.rowCount() <= 80  # not everything at once
    table = panel.table
    while panel.model.rowCount() < r.problems:
        n = panel.model.rowCount()
        table.scrollToBottom()
        qtbot.waitUntil(lambda n=n: panel.model.rowCount() > n or panel.model.rowCount() == r.problems, timeout=WAIT)
    assert problem_rows(panel) == service_problems(db, r.batch_id)
    assert not panel.model.canFetchMore()


def test_same_file_twice_is_refused_and_creates_no_batch(qtbot, monkeypatch, view, db, demo_files, messages):
    choose_file(qtbot, monkeypatch, view, demo_files["dtks_csv"])
    first = run_import_click(qtbot, view)
    assert first is not None and count(db, ImportBatch) == 1
    before = snapshot(db)
    emitted: list[int] = []
    view.imported.connect(emitted.append)

    choose_file(qtbot, monkeypatch, view, demo_files["dtks_csv"])  # "Impor berkas lain…" on the result page
    assert view.stack.currentIndex() == view.PAGE_PREVIEW
    messages.clear()
    assert run_import_click(qtbot, view) is None
    assert len(messages) == 1 and "sudah pernah diimpor" in messages[0]
    assert f"batch #{first.batch_id}" in messages[0] and "Tidak ada data yang diubah" in messages[0]
    assert snapshot(db) == before and emitted == []
    assert view.stack.currentIndex() == view.PAGE_PREVIEW and view.import_button.isEnabled()


def test_two_nik_columns_block_import_until_one_is_chosen(qtbot, monkeypatch, view, db, tmp_path):
    path = write_csv(tmp_path / "dtks_dua_nik.csv", TWO_NIK_HEADER, TWO_NIK_ROWS)
    choose_file(qtbot, monkeypatch, view, path)
    assert view.kind_combo.currentData() == "dtks"
    assert not view.import_button.isEnabled()
    text = view.problem_label.text()
    assert "Kolom C (NIK) dan E (NO KTP) sama-sama cocok dengan NIK" in text
    assert "Perbaiki pengaturan kolom" in view.block_label.text()
    combo, label = view.mapping.combo("nik"), view.mapping.label("nik")
    assert combo.property("problem") is True and "#b00020" in label.styleSheet()
    assert combo.currentText() == "Pilih salah satu: C atau E"
    assert "NIK" not in [view.preview_model.headerData(c, Qt.Orientation.Horizontal)
                         for c in range(view.preview_model.columnCount())]

    # the clerk opens the NIK combo and picks column E
    combo.showPopup()
    popup = combo.view()
    qtbot.waitUntil(popup.isVisible, timeout=5000)
    index = popup.model().index(combo.findData(4), 0)
    popup.scrollTo(index)
    qtbot.mouseClick(popup.viewport(), Qt.MouseButton.LeftButton, pos=popup.visualRect(index).center())
    wait_preview(qtbot, view)

    assert view.state.choices == {"nik": 4}
    assert view.state.problems == [] and view.import_button.isEnabled()
    combo = view.mapping.combo("nik")
    assert combo.currentText() == "E (NO KTP)" and combo.property("problem") is False
    assert "Semua kolom wajib ditemukan" in view.problem_label.text()
    headers = [view.preview_model.headerData(c, Qt.Orientation.Horizontal)
               for c in range(view.preview_model.columnCount())]
    assert "NIK" in headers
    assert view.preview_model.data(view.preview_model.index(0, headers.index("NIK"))) == "3310011109860009"

    r = run_import_click(qtbot, view)
    assert r is not None and r.imported == 2
    with db.sessions() as s:
        niks = sorted(s.execute(select(Member.nik)).scalars())
    assert niks == ["3310011109860009", "3310015810870009"]


def test_saved_preset_settles_the_duplicate_next_time(qtbot, monkeypatch, view, db, tmp_path):
    path = write_csv(tmp_path / "dtks_dua_nik.csv", TWO_NIK_HEADER, TWO_NIK_ROWS)
    choose_file(qtbot, monkeypatch, view, path)
    view.choose_column("nik", 2)
    wait_preview(qtbot, view)
    assert view.import_button.isEnabled()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Ekspor Desa Sengon", True))
    click(qtbot, view.save_preset_button)
    wait_preview(qtbot, view)  # the preset is saved in a job
    with db.sessions() as s:
        saved = list_presets(s)["Ekspor Desa Sengon"]
    assert saved.kind == "dtks" and saved.columns["nik"] == "NIK"
    assert view.preset_combo.currentData() == "Ekspor Desa Sengon"

    # the same layout again: the built-in guess has the duplicate, the saved preset settles it
    choose_file(qtbot, monkeypatch, view, path)
    assert not view.import_button.isEnabled()
    view.preset_combo.setCurrentIndex(view.preset_combo.findData("Ekspor Desa Sengon"))
    wait_preview(qtbot, view)
    assert view.state.preset.name == "Ekspor Desa Sengon" and view.state.problems == []
    assert view.import_button.isEnabled()
    r = run_import_click(qtbot, view)
    with db.sessions() as s:
        assert sorted(s.execute(select(Member.nik)).scalars()) == ["3310011109860001", "3310015810870001"]
    assert r.imported == 2


def test_programme_list_without_programme_column_needs_programme_and_period(qtbot, monkeypatch, view, db, tmp_path):
    path = write_csv(tmp_path / "penerima.csv", ["NIK PENERIMA", "NAMA PENERIMA", "ALAMAT", "KECAMATAN", "DESA"], [
        ["3310011109860001", "SLAMET RIYADI", "Jl. Mawar 3", "PRAMBANAN", "SENGON"],
        ["3310015810870001", "SITI AMINAH", "Jl. Mawar 3", "PRAMBANAN", "SENGON"],
    ])
    choose_file(qtbot, monkeypatch, view, path)
    assert view.kind_combo.currentData() == "program"
    assert view.program_edit.isVisible() and view.periode_edit.isVisible()
    assert view.program_label.text() == "Program *:"
    assert view.state.problems == []
    assert not view.import_button.isEnabled()
    assert "tidak punya kolom Program dan Periode" in view.block_label.text()

    qtbot.keyClicks(view.program_edit, "PKH")
    assert not view.import_button.isEnabled() and "Periode" in view.block_label.text()
    qtbot.keyClicks(view.periode_edit, "2026-10")
    assert view.import_button.isEnabled() and view.block_label.text() == ""

    r = run_import_click(qtbot, view)
    assert r is not None and r.kind == "program" and r.imported == 2
    with db.sessions() as s:
        rows = s.execute(select(ProgrammeRecipient.program, ProgrammeRecipient.periode)).all()
    assert sorted(rows) == [("PKH", "2026-10"), ("PKH", "2026-10")]


def test_programme_list_with_its_columns_needs_nothing_more(qtbot, monkeypatch, view, demo_files):
    choose_file(qtbot, monkeypatch, view, demo_files["program_PKH"])
    assert view.kind_combo.currentData() == "program"
    assert view.program_label.text() == "Program:" and view.program_edit.placeholderText() == "dari berkas"
    assert view.import_button.isEnabled()


def test_cancel_during_import_leaves_the_database_unchanged(qtbot, monkeypatch, view, db, demo_files, messages):
    """The real importer, held inside its transaction (after the new families were written)
    until the clerk presses "Batal"."""
    real = import_run.run_import
    reached = threading.Event()

    def held_run_import(*args, progress=None, cancel=None, **kwargs):
        def hold(done, total, text=""):
            progress(done, total, text)
            if text.startswith("Memperbarui data"):
                reached.set()
                deadline = time.monotonic() + 20
                while not cancel() and time.monotonic() < deadline:
                    time.sleep(0.01)

        return real(*args, progress=hold, cancel=cancel, **kwargs)

    monkeypatch.setattr(import_view, "run_import", held_run_import)
    choose_file(qtbot, monkeypatch, view, demo_files["dtks_xlsx"])
    before = snapshot(db)
    emitted: list[int] = []
    view.imported.connect(emitted.append)
    click(qtbot, view.import_button)
    assert not view.import_button.isEnabled()  # no second import while this one runs
    qtbot.waitUntil(reached.is_set, timeout=WAIT)
    dialog = view.import_handle.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
    assert dialog.windowTitle().startswith("Mengimpor") and dialog.cancel_button.text() == "Batal"
    assert "dari" in dialog.bar.format() and "baris/detik" in dialog.rate.text()
    click(qtbot, dialog.cancel_button)
    qtbot.waitUntil(lambda: not view.busy, timeout=WAIT)

    assert messages == ["Impor dibatalkan; tidak ada data yang diubah."]
    assert snapshot(db) == before and emitted == []
    assert view.stack.currentIndex() == view.PAGE_PREVIEW and view.import_button.isEnabled()

    # and the same file can still be imported afterwards
    monkeypatch.setattr(import_view, "run_import", real)
    assert run_import_click(qtbot, view) is not None and count(db, ImportBatch) == 1


# --------------------------------------------------------------------------- history


def test_history_lists_batches_shows_problems_and_saves_the_report(qtbot, monkeypatch, view, db, demo_files,
                                                                  tmp_path):
    choose_file(qtbot, monkeypatch, view, demo_files["dtks_xlsx"])
    dtks = run_import_click(qtbot, view)
    choose_file(qtbot, monkeypatch, view, demo_files["program_PKH"])
    prog = run_import_click(qtbot, view)
    assert dtks and prog

    bar = view.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    assert view.tabs.currentIndex() == 1
    page = view.history_page
    model = page.model
    assert model.rowCount() == 2
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["No", "Waktu", "Jenis", "Berkas", "Oleh", "Dibaca", "Baru", "Diperbarui", "Ditolak"]
    row0 = [model.data(model.index(0, c)) for c in range(model.columnCount())]
    assert row0[0] == str(prog.batch_id) and row0[2] == "Daftar penerima program (PKH)"
    assert row0[3] == "program_PKH.csv" and row0[4] == "admin"
    row1 = [model.data(model.index(1, c)) for c in range(model.columnCount())]
    assert row1[3] == dtks.file_name and row1[5] == str(dtks.rows_read) and row1[8] == str(dtks.rejected)

    # click the DTKS batch: its problems appear below
    table = page.table
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     pos=table.visualRect(model.index(1, 3)).center())
    panel = page.problems
    assert panel.batch_id == dtks.batch_id
    assert f"Impor #{dtks.batch_id}" in page.summary.text()
    qtbot.waitUntil(lambda: not panel.model.is_loading() and panel.model.rowCount() == dtks.problems, timeout=WAIT)
    assert problem_rows(panel) == service_problems(db, dtks.batch_id)
    assert not panel.open_button.isVisible()  # no report written for this view yet

    # "Simpan laporan…": the clerk types a name without .xlsx
    target = tmp_path / "laporan untuk desa"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "Berkas Excel (*.xlsx)"))
    click(qtbot, panel.save_button)
    saved = target.with_name(target.name + ".xlsx")
    qtbot.waitUntil(lambda: panel.save_handle is not None and panel.save_handle.finished, timeout=WAIT)
    assert saved.exists()
    assert "Laporan disimpan" in panel.status_label.text() and panel.open_button.isVisible()
    ws = load_workbook(saved, read_only=True)["Masalah"]
    rows = list(ws.iter_rows(min_row=6, values_only=True))
    assert len([r for r in rows if r and r[0] is not None]) == dtks.problems
    assert rows[0][3] == "Ditolak"

    # a batch without problems: nothing to save
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     pos=table.visualRect(model.index(0, 3)).center())
    qtbot.waitUntil(lambda: panel.model.counts is not None and panel.batch_id == prog.batch_id, timeout=WAIT)
    assert panel.model.rowCount() == prog.problems
    assert panel.save_button.isEnabled() == (prog.problems > 0)

    # the kind filter
    page.kind_combo.setCurrentIndex(page.kind_combo.findData("dtks"))
    qtbot.waitUntil(lambda: not page.reads.is_busy(), timeout=WAIT)  # the history is read in a job
    assert model.rowCount() == 1 and model.batch_at(0).id == dtks.batch_id


# --------------------------------------------------------------------------- NIK masking


def test_roles_without_full_nik_access_see_masked_niks(qtbot, monkeypatch, make_view, db, office, demo_files,
                                                      messages):
    with db.transaction() as s:
        printer = create_user(s, "dewi", "rahasia-dewi-1", "pencetak", by=office)
    view = make_view(db, printer)
    choose_file(qtbot, monkeypatch, view, demo_files["dtks_xlsx"])
    model = view.preview_model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    nik = model.data(model.index(0, headers.index("NIK")))
    assert nik.startswith("3310") and "*" in nik and len(nik) == 16
    # A pencetak may not import (the service refuses: domain/permissions.py) ...
    assert run_import_click(qtbot, view) is None
    assert any("tidak boleh mengimpor berkas" in m for m in messages)
    with db.sessions() as s:
        assert s.execute(select(func.count()).select_from(ImportBatch)).scalar_one() == 0
    # ... and sees the problems of a clerk's import masked.
    r = import_run.run_import(db, office, demo_files["dtks_xlsx"])
    view.result_page.show_result(r)
    panel = view.result_page.problems
    qtbot.waitUntil(lambda: not panel.model.is_loading() and panel.model.rowCount() == r.problems, timeout=WAIT)
    values = [panel.model.data(panel.model.index(i, PCOL_VALUE)) for i in range(panel.model.rowCount())
              if panel.model.row_at(i).code.startswith("nik") and panel.model.row_at(i).value]
    assert values and all("*" in v for v in values)


def test_double_click_and_a_second_enter_on_impor_import_once(qtbot, monkeypatch, view, db, demo_files, messages):
    """A clerk's double click (or Enter pressed twice) on "Impor" starts one import, not two."""
    choose_file(qtbot, monkeypatch, view, demo_files["dtks_csv"])
    qtbot.mouseDClick(view.import_button, Qt.MouseButton.LeftButton)
    view.start_import()  # the same again from the keyboard while the first runs
    qtbot.waitUntil(lambda: not view.busy, timeout=WAIT)
    view.wait_idle(WAIT)
    assert count(db, ImportBatch) == 1
    with db.sessions() as s:
        ids = s.execute(select(Member.id_dtks).where(Member.id_dtks.is_not(None))).scalars().all()
    assert len(ids) == len(set(ids)) > 0
    assert not any("sudah pernah diimpor" in m for m in messages)  # the second press never ran


def test_a_problem_page_that_fails_after_a_newer_load_started_leaves_the_newer_rows(qtbot, monkeypatch):
    """Bad input (issue 9): the late failure of an old load must not stop paging on a fresh one."""
    from dtks_desktop.services.importing.run import ProblemRow
    from dtks_desktop.services.core.users import UserError

    gate = threading.Event()

    class FakeDb:
        def read(self, fn, *args, **kwargs):
            return fn(None, *args, **kwargs)

    def count(_s, batch_id, severity=None):
        return 90 if severity is None else 10

    def problems(_s, batch_id, severity=None, offset=0, limit=500):
        if batch_id == 1:  # the old batch: slow, then the database fails
            gate.wait(10)
            raise UserError("Basis data tidak dapat dibaca.")
        return [ProblemRow(i + 2, "NIK", "warning", "nik_pendek", f"masalah {i}", "3310", None, None)
                for i in range(offset, min(offset + limit, 90))]

    monkeypatch.setattr(problem_list, "count_problems", count)
    monkeypatch.setattr(problem_list, "list_problems", problems)
    monkeypatch.setattr(problem_list, "PROBLEM_PAGE", 40)
    model = problem_list.ProblemTableModel(FakeDb(), None)
    failures = []
    model.loadFailed.connect(failures.append)
    model.load(1)
    model.load(2)
    qtbot.waitUntil(lambda: model.rowCount() == 40 and not model.is_loading(), timeout=WAIT)
    gate.set()
    qtbot.waitUntil(lambda: all(j.done.is_set() for j in model._jobs), timeout=WAIT)
    qtbot.wait(50)
    assert failures == [] and model.batch_id == 2 and model.counts == (90, 10)
    assert model.rowCount() == 40 and model.canFetchMore()  # the newer load keeps paging
    model.fetchMore()
    qtbot.waitUntil(lambda: model.rowCount() == 80 and not model.is_loading(), timeout=WAIT)
