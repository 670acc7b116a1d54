"""The desktop app does not turn a mistyped or missing SQLite path into a new database (issue 8).

``dtks-desktop --db PATH``, DTKS_DATABASE_URL or a saved connection to a file that has gone
(a USB disk not plugged in) shows "the file does not exist" with the usual choices; a new file
is made only when the user picks one in a dialog.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox

from dtks_desktop import config


@pytest.fixture(autouse=True)
def no_message_boxes(monkeypatch):
    monkeypatch.setattr(QMessageBox, "exec", lambda box: QMessageBox.StandardButton.Ok)


def test_missing_file_is_reported_and_a_new_one_only_made_when_chosen(qtbot, tmp_path, monkeypatch):
    from dtks_desktop.app import AppController
    from dtks_desktop.views.shell.dialogs import DatabaseErrorDialog

    monkeypatch.setenv("DTKS_CONFIG_DIR", str(tmp_path / "config"))
    typo = tmp_path / "flashdisk" / "dtks.sqlite"
    chosen = tmp_path / "baru.sqlite"
    seen = []

    def answer(dialog):
        seen.append(dialog)
        assert isinstance(dialog, DatabaseErrorDialog) and len(seen) == 1
        dialog.ask_file = lambda: str(chosen)  # the user types a new file name
        dialog.pick_file()
        return QDialog.DialogCode.Accepted

    controller = AppController(str(typo))
    controller.exec_dialog = answer
    db = controller.open_loop()
    try:
        assert seen[0].message == f"Berkas basis data '{typo}' tidak ada."
        assert not typo.parent.exists()  # nothing made where the user did not ask for it
        assert db is not None and chosen.exists() and not db.has_users()
    finally:
        db.dispose()
