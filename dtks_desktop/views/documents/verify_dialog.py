"""Periksa keaslian dokumen: pick a PDF or type the code from a printout; the answer says whether
it is a genuine, unaltered document of this office, and which."""

from __future__ import annotations

import html

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dtks_desktop.jobs import Job
from dtks_desktop.services.documents import issued as issued_service
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.widgets import start_job, user_message

GOOD = "#1b5e20"
BAD = "#b71c1c"


def _verify_file(session, actor, path: str) -> dict:
    return issued_service.verify_file(session, actor, path).as_dict()


def _verify_code(session, actor, code: str) -> dict:
    return issued_service.verify_code(session, actor, code).as_dict()


class VerifyDialog(QDialog):
    """Two ways in: a PDF file (its SHA-256 among the issued documents, else the code in its text)
    or the short code (``DS-000123-7K3QX9``) typed from paper."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.handle = None
        self.result: dict | None = None
        self.setWindowTitle("Periksa keaslian dokumen")
        self.setMinimumWidth(620)
        intro = QLabel("Pilih berkas PDF yang akan diperiksa, atau ketik kode keaslian yang tercetak di kaki "
                       "halaman (contoh: DS-000123-7K3QX9).")
        intro.setWordWrap(True)
        self.file_edit = QLineEdit()
        self.file_edit.setPlaceholderText("berkas .pdf")
        self.browse_button = QPushButton("Pilih berkas…")
        self.browse_button.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.file_edit, 1)
        row.addWidget(self.browse_button)
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText("DS-000123-7K3QX9")
        form = QFormLayout()
        form.addRow("Berkas PDF:", row)
        form.addRow("atau kode keaslian:", self.code_edit)
        self.answer = QLabel("")
        self.answer.setWordWrap(True)
        self.answer.setMinimumHeight(70)
        buttons = QDialogButtonBox()
        self.check_button = buttons.addButton("Periksa", QDialogButtonBox.ButtonRole.AcceptRole)
        close = buttons.addButton("Tutup", QDialogButtonBox.ButtonRole.RejectRole)
        self.check_button.setDefault(True)
        self.check_button.clicked.connect(self.check)
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.answer)
        layout.addWidget(buttons)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Pilih dokumen PDF", "", "Dokumen PDF (*.pdf)")
        if path:
            self.file_edit.setText(path)
            self.code_edit.clear()

    def _show(self, text: str, good: bool | None) -> None:
        colour = GOOD if good else BAD
        self.answer.setText(f"<span style='color:{colour}; font-weight:600'>{html.escape(text)}</span>"
                            if good is not None else html.escape(text))

    def check(self) -> None:
        path, code = self.file_edit.text().strip(), self.code_edit.text().strip()
        if not path and not code:
            self._show("Pilih berkas PDF atau ketik kode keaslian terlebih dahulu.", False)
            return
        self.check_button.setEnabled(False)
        self._show("Memeriksa…", None)
        db, actor = self.ctx.db, self.ctx.actor
        if path:
            fn = lambda: db.read(_verify_file, actor, path)  # noqa: E731
        else:
            fn = lambda: db.read(_verify_code, actor, code)  # noqa: E731
        self.handle = start_job(self, Job(fn, with_progress=False), "Periksa keaslian", self._done,
                                on_error=self._failed)

    def _done(self, result: dict) -> None:
        self.result = result
        self.check_button.setEnabled(True)
        self._show(result["message"], bool(result["genuine"]))

    def _failed(self, exc: BaseException) -> None:
        self.check_button.setEnabled(True)
        message, hint = user_message(exc)
        self._show(f"{message} {hint}".strip(), False)
