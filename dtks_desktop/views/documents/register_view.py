"""Agenda surat keluar: the letter register with filters (year, type, text, status), taking a
number for a letter written outside the app, voiding a number with a reason, .xlsx export, the
agenda printed as a PDF (*Cetak agenda…*), and the authenticity check of a printout. A second tab,
*Dokumen terbit* (:mod:`issued_view`), lists the issued documents and reprints them."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from dtks_desktop.domain.formatting import angka, tanggal_jam
from dtks_desktop.domain.permissions import Capability, can
from dtks_desktop.jobs import Job
from dtks_desktop.services.documents import issued as issued_service
from dtks_desktop.services.documents import register as register_service
from dtks_desktop.views.common import events
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.widgets import ErrorLabel, refill_combo, start_job, user_message
from dtks_desktop.views.documents.issued_view import IssuedDocsView
from dtks_desktop.views.documents.verify_dialog import VerifyDialog

COLUMNS = ["Nomor surat", "Tanggal", "Jenis", "Perihal", "Dibuat oleh", "Status", "Alasan pembatalan"]
STATUS_CHOICES = [("Semua", None), ("Berlaku", False), ("Dibatalkan", True)]


def _take(session, actor, doc_type: str, purpose: str) -> dict:
    return register_service.entry_dict(register_service.take_number(session, actor, doc_type, purpose))


def _void(session, actor, nomor: str, reason: str, year: int) -> dict:
    return register_service.entry_dict(register_service.void(session, actor, nomor, reason, year=year))


def _agenda(session, actor, path: str, **filters) -> dict:
    printed = issued_service.print_agenda(session, actor, **filters)
    issued_service.save_pdf(printed.doc.pdf, path)
    return issued_service.doc_dict(printed.doc) | {"pages": printed.doc.pages, "warnings": list(printed.warnings)}


def _when(text: str | None) -> str:
    if not text:
        return ""
    return tanggal_jam(datetime.fromisoformat(text), lokal=True)


class _FormDialog(QDialog):
    def __init__(self, title: str, ok: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.form = QFormLayout()
        self.error = ErrorLabel()
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(ok, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("Batal", QDialogButtonBox.ButtonRole.RejectRole).clicked.connect(self.reject)
        self.ok_button.clicked.connect(self._ok)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def problem(self) -> str | None:
        return None

    def _ok(self) -> None:
        problem = self.problem()
        if problem:
            self.error.show_error(problem)
            return
        self.accept()


class TakeNumberDialog(_FormDialog):
    def __init__(self, types: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__("Ambil nomor surat", "Ambil nomor", parent)
        self.type_combo = QComboBox()
        for code, label in types:
            self.type_combo.addItem(label, code)
        i = self.type_combo.findData("surat_keluar")
        self.type_combo.setCurrentIndex(max(0, i))
        self.purpose = QLineEdit()
        self.purpose.setPlaceholderText("perihal surat, contoh: Undangan rapat koordinasi PKH")
        self.form.addRow("Jenis:", self.type_combo)
        self.form.addRow("Perihal:", self.purpose)

    def problem(self) -> str | None:
        return None if self.purpose.text().strip() else "Perihal surat wajib diisi."


class VoidDialog(_FormDialog):
    def __init__(self, nomor: str, parent: QWidget | None = None) -> None:
        super().__init__("Batalkan nomor surat", "Batalkan nomor", parent)
        note = QLabel(f"Nomor <b>{nomor}</b> akan ditandai batal. Nomor itu tetap tercatat di agenda dan tidak "
                      "akan dipakai lagi.")
        note.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("contoh: surat tidak jadi dikirim")
        self.form.addRow(note)
        self.form.addRow("Alasan:", self.reason)

    def problem(self) -> str | None:
        return None if self.reason.text().strip() else "Alasan pembatalan wajib diisi."


class RegisterView(QWidget):
    """The page ``Agenda Surat``."""

    loaded = Signal()
    printed = Signal()  # the agenda PDF was written (or refused)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[dict] = []
        self.types: list[tuple[str, str]] = []
        self.handle = None
        self._loading = False

        title = QLabel("<h2>Agenda Surat Keluar</h2>")
        self.year = QComboBox()
        self.year.addItem("Semua tahun", None)
        self.type_combo = QComboBox()
        self.type_combo.addItem("Semua jenis", None)
        self.text = QLineEdit()
        self.text.setPlaceholderText("cari nomor atau perihal")
        self.text.setClearButtonEnabled(True)
        self.status = QComboBox()
        for label, value in STATUS_CHOICES:
            self.status.addItem(label, value)
        filters = QHBoxLayout()
        for label, widget in (("Tahun:", self.year), ("Jenis:", self.type_combo), ("Status:", self.status)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(self.text, 1)
        for w in (self.year, self.type_combo, self.status):
            w.currentIndexChanged.connect(self.refresh)
        self.text.returnPressed.connect(self.refresh)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)

        self.take_button = QPushButton("Ambil nomor…")
        self.take_button.setToolTip("Nomor untuk surat yang dibuat di luar aplikasi (jenis surat_keluar)")
        self.void_button = QPushButton("Batalkan nomor…")
        self.export_button = QPushButton("Ekspor .xlsx…")
        self.agenda_button = QPushButton("Cetak agenda…")
        self.agenda_button.setToolTip("Agenda surat keluar satu tahun (tahun dan saringan yang dipilih) sebagai PDF "
                                      "bernomor dokumen, dengan kop dan penanda tangan kantor")
        self.agenda_button.clicked.connect(self._ask_agenda)
        self.agenda_button.setVisible(can(ctx.actor, Capability.DOCS_PRINT))
        self.verify_button = QPushButton("Periksa keaslian dokumen…")
        self.take_button.clicked.connect(self._ask_number)
        self.void_button.clicked.connect(self._ask_void)
        self.export_button.clicked.connect(self._ask_export)
        self.verify_button.clicked.connect(self._open_verify)
        self.take_button.setVisible(can(ctx.actor, Capability.DOCS_NUMBER))
        self.void_button.setVisible(can(ctx.actor, Capability.DOCS_VOID))
        self.verify_button.setVisible(can(ctx.actor, Capability.DOCS_VERIFY))
        buttons = QHBoxLayout()
        for b in (self.take_button, self.void_button, self.export_button, self.agenda_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.verify_button)
        self.summary = QLabel("")
        self.message = ErrorLabel()

        agenda = QWidget()
        agenda_layout = QVBoxLayout(agenda)
        agenda_layout.addLayout(filters)
        agenda_layout.addWidget(self.table, 1)
        agenda_layout.addWidget(self.summary)
        agenda_layout.addWidget(self.message)
        agenda_layout.addLayout(buttons)
        self.issued = IssuedDocsView(ctx)
        self.tabs = QTabWidget()
        self.tabs.addTab(agenda, "Agenda surat keluar")
        self.tabs.addTab(self.issued, "Dokumen terbit")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.tabs, 1)
        events.follow(self, ctx.events, {events.DOCUMENTS}, self.refresh)
        self._update_buttons()
        self.refresh()

    # --- reading ----------------------------------------------------------------------------------

    def filters(self) -> dict:
        return {"year": self.year.currentData(), "doc_type": self.type_combo.currentData(),
                "text": self.text.text().strip() or None, "voided": self.status.currentData()}

    def refresh(self) -> None:
        if self._loading:
            return
        self._loading = True
        db, filters = self.ctx.db, self.filters()
        self.handle = start_job(self, Job(lambda: db.read(register_service.register_page, **filters),
                                          with_progress=False), "Memuat agenda surat", self._loaded,
                                on_error=self._load_failed, show_after_ms=800)

    def _load_failed(self, exc: BaseException) -> None:
        self._loading = False
        message, hint = user_message(exc)
        self.message.show_error(f"{message} {hint}".strip())


    def _loaded(self, page: dict) -> None:
        self._loading = False
        self.rows, self.types = page["rows"], page["types"]
        refill_combo(self.year, [(str(y), y) for y in page["years"]])
        refill_combo(self.type_combo, [(label, code) for code, label in page["types"]])
        self.table.setRowCount(len(self.rows))
        grey = QColor("#9e9e9e")
        for r, row in enumerate(self.rows):
            values = [row["nomor"], _when(row["created_at"]), row["label"], row["purpose"], row["created_by"],
                      "Batal" if row["voided"] else "Berlaku", row["void_reason"] or ""]
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if row["voided"]:
                    item.setForeground(grey)
                self.table.setItem(r, c, item)
        voided = sum(1 for r in self.rows if r["voided"])
        self.summary.setText(f"{angka(len(self.rows))} nomor ditampilkan, {angka(voided)} di antaranya dibatalkan.")
        self._update_buttons()
        self.loaded.emit()

    def selected(self) -> dict | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.rows[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        sel = self.selected()
        self.void_button.setEnabled(sel is not None and not sel["voided"])

    # --- writing ----------------------------------------------------------------------------------

    def _changed(self, text: str) -> None:
        self.message.show_ok(text)
        self.ctx.events.changed({events.DOCUMENTS, events.AUDIT}, source=self)
        self.refresh()

    def take_number(self, doc_type: str, purpose: str) -> None:
        db, actor = self.ctx.db, self.ctx.actor
        self.handle = start_job(self, Job(lambda: db.write(_take, actor, doc_type, purpose), with_progress=False),
                                "Mengambil nomor surat",
                                lambda e: self._changed(f"Nomor surat: {e['nomor']} ({e['purpose']})."),
                                on_error=self._write_failed)

    def void_selected(self, reason: str) -> None:
        sel = self.selected()
        if sel is None:
            return
        db, actor = self.ctx.db, self.ctx.actor
        self.handle = start_job(self, Job(lambda: db.write(_void, actor, sel["nomor"], reason, sel["year"]),
                                          with_progress=False), "Membatalkan nomor surat",
                                lambda e: self._changed(f"Nomor {e['nomor']} dibatalkan."),
                                on_error=self._write_failed)

    def export_to(self, path: str) -> None:
        db, filters = self.ctx.db, self.filters()
        self.handle = start_job(self, Job(lambda: db.read(register_service.export_xlsx, path, **filters),
                                          with_progress=False), "Mengekspor agenda surat",
                                lambda n: self.message.show_ok(f"{angka(n)} nomor surat ditulis ke {path}."),
                                on_error=self._write_failed)

    def _write_failed(self, exc: BaseException) -> None:
        message, hint = user_message(exc)
        self.message.show_error(f"{message} {hint}".strip())

    def agenda_year(self) -> int:
        """The year the agenda prints: the one chosen, else this year."""
        return self.year.currentData() or date.today().year

    def print_agenda_to(self, path: str) -> None:
        f = self.filters()
        filters = {"year": self.agenda_year(), "doc_type": f["doc_type"], "text": f["text"], "voided": f["voided"]}
        db, actor = self.ctx.db, self.ctx.actor
        self.handle = start_job(self, Job(lambda: db.write(_agenda, actor, path, **filters), with_progress=False),
                                f"Mencetak agenda surat keluar {filters['year']}", lambda d: self._agenda_done(d, path),
                                on_error=self._agenda_failed)

    def _agenda_done(self, data: dict, path: str) -> None:
        text = (f"Agenda surat keluar {self.agenda_year()} ditulis ke {path} ({angka(data['pages'])} halaman; "
                f"dokumen {data['id']}).")
        if data["warnings"]:
            self.message.show_error(text + " " + " ".join(data["warnings"]))
        else:
            self.message.show_ok(text)
        self.ctx.events.changed({events.DOCUMENTS, events.AUDIT}, source=self)
        self.issued.refresh()
        self.printed.emit()

    def _agenda_failed(self, exc: BaseException) -> None:
        self._write_failed(exc)
        self.printed.emit()

    def _ask_agenda(self) -> None:
        year = self.agenda_year()
        path, _ = QFileDialog.getSaveFileName(self, f"Cetak agenda surat keluar {year}", f"agenda_surat_keluar_{year}.pdf",
                                              "Dokumen PDF (*.pdf)")
        if path:
            if not path.lower().endswith(".pdf"):
                path += ".pdf"
            self.print_agenda_to(path)

    def _ask_number(self) -> None:
        dialog = TakeNumberDialog(self.types or [("surat_keluar", "Surat keluar")], self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.take_number(dialog.type_combo.currentData(), dialog.purpose.text().strip())

    def _ask_void(self) -> None:
        sel = self.selected()
        if sel is None:
            return
        dialog = VoidDialog(sel["nomor"], self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.void_selected(dialog.reason.text().strip())

    def _ask_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Ekspor agenda surat", "agenda_surat_keluar.xlsx",
                                              "Buku kerja Excel (*.xlsx)")
        if path:
            if not path.lower().endswith(".xlsx"):
                path += ".xlsx"
            self.export_to(path)

    def _open_verify(self) -> None:
        dialog = VerifyDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
