"""Render the import page offscreen to ``docs/screenshots/import_*.png``.

    QT_QPA_PLATFORM=offscreen python docs/screenshots/make_import_screenshots.py

A temporary SQLite database (office: Kabupaten Klaten) and the demo files of
``services.demo`` (a damaged SIKS-NG export, a Dukcapil extract, a PKH list) are
made under a temporary folder; nothing touches the real user folders. The page is
shown inside the main window at 1280x800, as a clerk sees it:

- ``import_preview.png``: the SIKS-NG export chosen, kind guessed, mapping editor and rows;
- ``import_mapping_problem.png``: a village file with two NIK columns (red in the editor);
- ``import_progress.png``: the progress dialog while the export is imported;
- ``import_result.png``: the result page with its problem rows;
- ``import_history.png``: the history tab with the DTKS batch selected.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent
if __name__ == "__main__":  # not again in the importer's spawned worker processes
    _TMP = Path(tempfile.mkdtemp(prefix="dtks-import-shots-"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["DTKS_DATA_DIR"] = str(_TMP / "data")
    os.environ["DTKS_CONFIG_DIR"] = str(_TMP / "config")
    os.environ.pop("DTKS_DATABASE_URL", None)

from PySide6.QtCore import QPoint  # noqa: E402
from PySide6.QtGui import QColor, QPainter, QPixmap  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox, QStyle, QWidget  # noqa: E402

from dtks_desktop import config  # noqa: E402
from dtks_desktop.demo import generator as demo  # noqa: E402
from dtks_desktop.services.core import settings
from dtks_desktop.services.core.database import open_database  # noqa: E402
from dtks_desktop.services.importing import run as import_run  # noqa: E402
from dtks_desktop.services.core.users import create_user  # noqa: E402
from dtks_desktop.views.common.context import AppContext  # noqa: E402


def settle(app: QApplication, seconds: float = 0.3, until=None, timeout: float = 120) -> None:
    end = time.monotonic() + seconds
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        app.processEvents()
        if time.monotonic() >= end and (until is None or until()):
            break
        time.sleep(0.01)
    else:
        raise TimeoutError("the import page did not settle")
    app.processEvents()


def save(pixmap_or_widget, name: str, out: Path) -> None:
    pix = pixmap_or_widget if isinstance(pixmap_or_widget, QPixmap) else pixmap_or_widget.grab()
    path = out / f"{name}.png"
    if not pix.save(str(path)):
        raise SystemExit(f"cannot write {path}")
    print(f"  {path}  {pix.width()}x{pix.height()}")


def with_dialog(window: QWidget, dialog: QWidget) -> QPixmap:
    """The window with a dialog drawn over its centre (offscreen, a dialog is its own surface)."""
    pix = window.grab()
    top = dialog.grab()
    painter = QPainter(pix)
    painter.fillRect(pix.rect(), QColor(0, 0, 0, 40))
    at = QPoint((pix.width() - top.width()) // 2, (pix.height() - top.height()) // 2)
    painter.drawPixmap(at, top)
    painter.setPen(window.palette().dark().color())
    painter.drawRect(at.x() - 1, at.y() - 1, top.width() + 1, top.height() + 1)
    painter.end()
    return pix


def two_nik_file(source: Path, target: Path, rows: int = 60) -> Path:
    """A village's re-typed copy of the export: the NIK appears twice ("NIK" and "NO KTP")."""
    with open(source, newline="", encoding="utf-8-sig") as fh:
        lines = list(csv.reader(fh))
    header_at = next(i for i, r in enumerate(lines) if "Nomor Nik" in r or "NIK" in r)
    header = lines[header_at]
    nik = header.index("Nomor Nik") if "Nomor Nik" in header else header.index("NIK")
    out = [[c.upper() for c in header] + ["NO KTP"]]
    out[0][nik] = "NIK"
    for r in lines[header_at + 1: header_at + 1 + rows]:
        out.append(r + [r[nik]])
    with open(target, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, delimiter=";").writerows(out)
    return target


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=OUT)
    p.add_argument("--people", type=int, default=3000)
    p.add_argument("--seed", type=int, default=3)
    p.add_argument("--width", type=int, default=1280)
    p.add_argument("--height", type=int, default=800)
    args = p.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    QMessageBox.exec = lambda box: print(f"  (pesan) {box.text()}") or QMessageBox.StandardButton.Ok
    from dtks_desktop.views.importing import import_view
    from dtks_desktop.views.importing.import_view import ImportView
    from dtks_desktop.views.shell.main_window import MainWindow

    print("Demo files and a sample database…")
    files = demo.generate_files(_TMP / "berkas", demo.DemoConfig(people=args.people, seed=args.seed))
    db = open_database(config.sqlite_url(_TMP / "dtks.sqlite"))
    with db.transaction() as s:
        admin = create_user(s, "admin", "rahasia-admin-1", "admin", full_name="Siti Rahmawati, S.Kom")
        sri = create_user(s, "sri.wahyuni", "rahasia-sri-1", "operator", full_name="Sri Wahyuni", by=admin)
        settings.put(s, admin, settings.KAB_KODE, "33.10")
        settings.put(s, admin, settings.OFFICE_NAME, "Dinas Sosial Kabupaten Klaten")
    # Earlier imports, so that the history has more than one line.
    import_run.run_import(db, sri, files["dukcapil"])
    import_run.run_import(db, sri, files["program_PKH"])

    ctx = AppContext(db, sri)
    window = MainWindow(ctx)
    view = window.page("impor")
    if view is None:  # a main window that does not plug the page in itself
        view = ImportView(ctx)
        window.add_page("impor", "Impor Data", QStyle.StandardPixmap.SP_DialogOpenButton, view)
    window.show_page("impor")
    window.resize(args.width, args.height)
    window.show()
    settle(app, 0.5)
    print("Saving screenshots:")

    # 1. The SIKS-NG export: kind guessed, mapping editor and the first rows.
    view.open_file(files["dtks_xlsx"])
    settle(app, 0.5, until=lambda: view.state is not None and not view.busy)
    view.preview_table.horizontalScrollBar().setValue(0)
    settle(app)
    save(window, "import_preview", args.out)

    # 2. A file with two NIK columns: the editor shows the problem in red.
    dup = two_nik_file(files["dtks_csv"], _TMP / "berkas" / "DTKS Desa Sengon (ketik ulang).csv")
    view.open_file(dup)
    settle(app, 0.5, until=lambda: view.state is not None and view.state.path == dup and not view.busy)
    save(window, "import_mapping_problem", args.out)

    # 3. The export imported, held half-way so that the progress dialog can be photographed.
    view.open_file(files["dtks_xlsx"])
    settle(app, 0.3, until=lambda: view.state is not None and view.state.path == files["dtks_xlsx"] and not view.busy)
    real = import_view.run_import
    halfway, release = threading.Event(), threading.Event()

    def held(*a, progress=None, cancel=None, **kw):
        def hold(done, total, text=""):
            progress(done, total, text)
            if text.startswith("Menyimpan keluarga") and not halfway.is_set():
                time.sleep(1.5)  # let the rate settle
                progress(done, total, text)
                halfway.set()
                release.wait(60)

        return real(*a, progress=hold, cancel=cancel, **kw)

    import_view.run_import = held
    view.import_button.click()
    settle(app, 0.3, until=lambda: halfway.is_set() and view.import_handle.dialog.isVisible())
    settle(app, 0.3)
    save(with_dialog(window, view.import_handle.dialog), "import_progress", args.out)
    release.set()
    settle(app, 0.3, until=lambda: not view.busy)
    import_view.run_import = real

    # 4. The result page, a warning selected (its whole message shows under the table).
    view.wait_idle()
    problems = view.result_page.problems
    for r in range(problems.model.rowCount()):
        p_row = problems.model.row_at(r)
        if p_row.severity == "warning" and len(p_row.message) > 70:
            problems.table.selectRow(r)
            break
    settle(app, 0.3)
    save(window, "import_result", args.out)

    # 5. The history, with the DTKS batch selected.
    view.show_history(view.last_result.batch_id)
    view.wait_idle()
    settle(app, 0.3)
    save(window, "import_history", args.out)

    window.close()
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
