"""Render the Pemadanan (review) page offscreen to ``docs/screenshots/review_*.png``.

    QT_QPA_PLATFORM=offscreen python docs/screenshots/make_review_screenshots.py

A temporary SQLite database (office: Kabupaten Klaten) is filled through the real importer
with the demo files of ``services.demo`` (a Dukcapil extract and a damaged SIKS-NG export);
nothing touches the real user folders. The page is shown inside the main window at 1280x800,
as a supervisor sees it (an operator sees the same page without "Terima massal…"), and "Jalankan pemadanan" is clicked:

- ``review_queue.png``: the queue, with a "Usulan koreksi NIK" selected whose data differ from
  the civil registry in more than the NIK (differences highlighted, the proposed NIK large);
- ``review_bulk.png``: the "Terima massal…" dialog with its live count;
- ``review_restored.png``: the filter "Dipulihkan otomatis" (NIKs the machine restored after
  spreadsheet damage), one of them selected;
- ``review_decided.png``: "Sudah diputuskan petugas" after a few decisions, with "Buka kembali (B)".
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent
if __name__ == "__main__":  # not again in the importer's spawned worker processes
    _TMP = Path(tempfile.mkdtemp(prefix="dtks-review-shots-"))
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
        raise TimeoutError("the review page did not settle")
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


def interesting(item) -> int:
    """How well a usulan_koreksi shows the comparison: several highlighted fields, a real NIK."""
    if item.status != "usulan_koreksi" or not item.candidates:
        return -1
    cand = next((c for c in item.candidates if c.chosen), item.candidates[0])
    diffs = sum(1 for f in cand.fields if f.differs)
    written = item.nik_raw or ""
    return diffs * 10 + (5 if written.isdigit() and len(written) == 16 else 0) + (3 if len(item.candidates) > 1 else 0)


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
    from dtks_desktop.services.matching import common as match_common
    from dtks_desktop.services.matching import review as match_review
    from dtks_desktop.views.shell.main_window import MainWindow
    from dtks_desktop.views.matching.review_view import ReviewView

    print("Demo files and a sample database…")
    files = demo.generate_files(_TMP / "berkas", demo.DemoConfig(people=args.people, seed=args.seed), xlsx=False)
    db = open_database(config.sqlite_url(_TMP / "dtks.sqlite"))
    with db.transaction() as s:
        admin = create_user(s, "admin", "rahasia-admin-1", "admin", full_name="Siti Rahmawati, S.Kom")
        # A supervisor: the only clerk role that may also open "Terima massal…" (match.bulk_accept).
        sri = create_user(s, "sri.wahyuni", "rahasia-sri-1", "supervisor", full_name="Sri Wahyuni", by=admin)
        settings.put(s, admin, settings.KAB_KODE, "33.10")
        settings.put(s, admin, settings.OFFICE_NAME, "Dinas Sosial Kabupaten Klaten")
    import_run.run_import(db, sri, files["dukcapil"], kind="dukcapil")
    import_run.run_import(db, sri, files["dtks_csv"], kind="dtks")

    ctx = AppContext(db, sri)
    window = MainWindow(ctx)
    view = window.page("pemadanan")
    if view is None:  # a main window that does not plug the page in itself
        view = ReviewView(ctx)
        window.add_page("pemadanan", "Pemadanan", QStyle.StandardPixmap.SP_FileDialogListView, view, before="audit")
    window.show_page("pemadanan")
    window.resize(args.width, args.height)
    window.show()
    settle(app, 0.5)

    print("Running the matching…")
    view.run_button.click()
    settle(app, 0.3, until=lambda: view.run_handle is not None and view.run_handle.finished)
    view.wait_idle()
    settle(app, 0.3)

    # A usulan_koreksi with more than the NIK highlighted.
    best, best_row = -1, 0
    with db.sessions() as s:
        for r in range(view.model.rowCount()):
            it = view.model.item_at(r)
            if it.status != "usulan_koreksi":
                continue
            score = interesting(match_review.review_item(s, it.member_id))
            if score > best:
                best, best_row = score, r
    view.table.setFocus()
    view._select_row(best_row)
    view.wait_idle()
    view.table.scrollTo(view.model.index(best_row, 0), view.table.ScrollHint.PositionAtCenter)
    settle(app, 0.4)
    print("Saving screenshots:")
    save(window, "review_queue", args.out)

    dialog = view.open_bulk_dialog()
    dialog.wait_idle()
    settle(app, 0.3)
    save(with_dialog(window, dialog), "review_bulk", args.out)
    dialog.reject()
    settle(app, 0.2)

    view.status_combo.setCurrentIndex(view.status_combo.findData(match_common.AUTO_FILTER))
    view.wait_idle()
    settle(app, 0.3)
    view.table.setFocus()
    view._select_row(min(2, max(view.model.rowCount() - 1, 0)))
    view.wait_idle()
    settle(app, 0.4)
    save(window, "review_restored", args.out)

    # A few decisions, then the list of decided results with "Buka kembali (B)".
    view.status_combo.setCurrentIndex(0)
    view.wait_idle()
    settle(app, 0.3)
    view.table.setFocus()
    for _ in range(3):
        view.accept_current()
        settle(app, 0.2)
    view.reject_current()
    settle(app, 0.2)
    view.status_combo.setCurrentIndex(view.status_combo.findData(match_common.DECIDED_FILTER))
    view.wait_idle()
    settle(app, 0.3)
    view.table.setFocus()
    view._select_row(1)
    view.wait_idle()
    settle(app, 0.4)
    save(window, "review_decided", args.out)

    window.close()
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
