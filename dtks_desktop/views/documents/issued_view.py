"""Dokumen terbit: every document the office issued (type, number, who, when, SHA-256), with
filters, and *Cetak ulang…*: the stored bytes written to a chosen file after the service checked
them against their SHA-256 and seal (a refused reprint shows the service's message)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dtks_desktop.domain.formatting import angka, tanggal_jam
from dtks_desktop.domain.permissions import Capability, can
from dtks_desktop.jobs import Job
from dtks_desktop.services.documents import issued as issued_service
from dtks_desktop.views.common import events
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.widgets import ErrorLabel, refill_combo, start_job, user_message

COLUMNS = ["ID", "Jenis", "Nomor", "Dibuat oleh", "Tanggal", "Halaman", "SHA-256"]


def _when(text: str | None) -> str:
    return tanggal_jam(datetime.fromisoformat(text), lokal=True) if text else ""


def suggested_name(row: dict) -> str:
    """A file name for a reprint: type, number (without slashes) and id."""
    nomor = (row.get("nomor") or "").replace("/", "-").replace(" ", "")
    return f"{row['type']}_{nomor + '_' if nomor else ''}{row['id']}.pdf"


class IssuedDocsView(QWidget):
    """The tab ``Dokumen terbit`` of the page Agenda Surat."""

    loaded = Signal()
    finished = Signal()  # a reprint ended (written or refused)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[dict] = []
        self.handle = None
        self._loading = False
        self._again = False

        self.year = QComboBox()
        self.year.addItem("Semua tahun", None)
        self.type_combo = QComboBox()
        self.type_combo.addItem("Semua jenis", None)
        self.user_combo = QComboBox()
        self.user_combo.addItem("Semua pengguna", None)
        self.text = QLineEdit()
        self.text.setPlaceholderText("cari nomor atau awal SHA-256")
        self.text.setClearButtonEnabled(True)
        filters = QHBoxLayout()
        for label, widget in (("Tahun:", self.year), ("Jenis:", self.type_combo), ("Dibuat oleh:", self.user_combo)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(self.text, 1)
        for w in (self.year, self.type_combo, self.user_combo):
            w.currentIndexChanged.connect(self.refresh)
        self.text.returnPressed.connect(self.refresh)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("issuedDocuments")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _i: self._ask_reprint())

        self.reprint_button = QPushButton("Cetak ulang…")
        self.reprint_button.setToolTip("Tulis dokumen terpilih ke berkas PDF, sama persis dengan yang diterbitkan "
                                       "(setelah sidik SHA-256 dan segelnya diperiksa)")
        self.reprint_button.clicked.connect(self._ask_reprint)
        self.reprint_button.setVisible(can(ctx.actor, Capability.DOCS_PRINT))
        self.summary = QLabel("")
        self.message = ErrorLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.reprint_button)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        events.follow(self, ctx.events, {events.DOCUMENTS}, self.refresh)
        self._update_buttons()
        self.refresh()

    # --- reading ----------------------------------------------------------------------------------

    def filters(self) -> dict:
        return {"year": self.year.currentData(), "doc_type": self.type_combo.currentData(),
                "created_by": self.user_combo.currentData(), "text": self.text.text().strip() or None}

    def refresh(self) -> None:
        if self._loading:
            self._again = True  # a filter changed while loading: read once more when this one is in
            return
        self._loading = True
        db, filters = self.ctx.db, self.filters()
        self.handle = start_job(self, Job(lambda: db.read(issued_service.documents_page, **filters),
                                          with_progress=False), "Memuat dokumen terbit", self._loaded,
                                on_error=self._load_failed, show_after_ms=800)

    def _load_failed(self, exc: BaseException) -> None:
        self._loading = False
        message, hint = user_message(exc)
        self.message.show_error(f"{message} {hint}".strip())


    def _loaded(self, page: dict) -> None:
        self._loading = False
        if self._again:
            self._again = False
            self.refresh()
            return
        self.rows = page["rows"]
        refill_combo(self.year, [(str(y), y) for y in page["years"]])
        refill_combo(self.type_combo, [(label, code) for code, label in page["types"]])
        refill_combo(self.user_combo, [(u, u) for u in page["users"]])
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            values = [str(row["id"]), row["label"], row["nomor"] or "(tanpa nomor)", row["created_by"],
                      _when(row["created_at"]), angka(row["pages"] or 0), (row["sha256"] or "")[:12]]
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if c == 6:
                    item.setToolTip(f"SHA-256: {row['sha256'] or '-'}")
                if c in (0, 5):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        shown = len(self.rows)
        total = page["total"]
        self.summary.setText(f"{angka(shown)} dokumen ditampilkan" + (f" dari {angka(total)} (yang terbaru)"
                                                                     if total > shown else "") + ".")
        self._update_buttons()
        self.loaded.emit()

    def selected(self) -> dict | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.rows[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        self.reprint_button.setEnabled(self.selected() is not None)

    # --- reprint ----------------------------------------------------------------------------------

    def reprint_to(self, doc_id: int, path: str) -> None:
        db, actor = self.ctx.db, self.ctx.actor
        self.message.clear_error()
        self.handle = start_job(self, Job(lambda: db.write(issued_service.reprint_to, actor, doc_id, path),
                                          with_progress=False), "Mencetak ulang dokumen",
                                lambda p: self._reprinted(doc_id, str(p)), on_error=self._reprint_failed)

    def _reprinted(self, doc_id: int, path: str) -> None:
        self.message.show_ok(f"Dokumen {doc_id} dicetak ulang ke {path} (sama persis dengan yang diterbitkan).")
        self.ctx.events.changed({events.AUDIT}, source=self)
        self.finished.emit()

    def _reprint_failed(self, exc: BaseException) -> None:
        message, hint = user_message(exc)
        self.message.show_error(f"{message} {hint}".strip())
        self.finished.emit()

    def _ask_reprint(self) -> None:
        sel = self.selected()
        if sel is None or not self.reprint_button.isVisible():
            return
        path, _ = QFileDialog.getSaveFileName(self, f"Cetak ulang dokumen {sel['id']}", suggested_name(sel),
                                              "Dokumen PDF (*.pdf)")
        if path:
            if not path.lower().endswith(".pdf"):
                path += ".pdf"
            self.reprint_to(sel["id"], path)
