"""Tab "Perangkat desa": the officials of every desa/kelurahan of the kabupaten in one table;
a cell edited is saved through the service (audited); an .xlsx is imported in a job with a
progress bar, its rejected rows listed with row and column."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dtks_desktop.jobs import Job
from dtks_desktop.services.documents import officials
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.widgets import ErrorLabel, start_job, user_message

COLUMNS = ("Kode", "Desa/Kelurahan", "Kecamatan", "Kepala Desa / Lurah", "Ketua BPD", "Sekretaris")
EDITABLE = {3: "kepala", 4: "ketua_bpd", 5: "sekretaris"}


def load(db):
    with db.sessions() as s:
        return officials.list_officials(s, all_desa=True), officials.kecamatan_of(s)


def save_cell(db, actor, kode: str, field: str, value: str):
    with db.transaction() as s:
        return officials.set_officials(s, actor, kode, **{field: value})


class OfficialsTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list = []
        self.kecamatan: dict[str, str] = {}
        self._filling = False
        self.kec_combo = QComboBox()
        self.kec_combo.setMinimumWidth(220)
        self.kec_combo.currentIndexChanged.connect(self._filter)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Cari desa atau nama pejabat…")
        self.search.textChanged.connect(self._filter)
        self.import_button = QPushButton("Impor dari Excel…")
        self.import_button.clicked.connect(self.choose_import)
        self.counts = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Kecamatan:"))
        bar.addWidget(self.kec_combo)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.counts)
        bar.addWidget(self.import_button)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        header = self.table.horizontalHeader()
        for c in range(3):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        for c in EDITABLE:
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._edited)

        self.problems = QListWidget()
        self.problems.setMaximumHeight(110)
        self.problems.hide()
        self.message = ErrorLabel()
        hint = QLabel("Klik dua kali sel nama pejabat untuk mengubahnya; tersimpan saat Enter ditekan dan tercatat "
                      "di log audit. Impor: satu baris per desa dengan kolom Kode Desa atau Desa/Kelurahan, "
                      "Kepala Desa/Lurah, Ketua BPD, Sekretaris; sel kosong tidak mengubah data yang ada.")
        hint.setWordWrap(True)
        column = QVBoxLayout(self)
        column.addLayout(bar)
        column.addWidget(self.table, 1)
        column.addWidget(self.problems)
        column.addWidget(self.message)
        column.addWidget(hint)
        self.reload()

    # --- loading
    def reload(self) -> None:
        start_job(self, Job(load, self.ctx.db, with_progress=False), "Memuat perangkat desa", self._loaded,
                  on_error=self._failed)

    def _loaded(self, result) -> None:
        self.rows, self.kecamatan = result
        current = self.kec_combo.currentData()
        self.kec_combo.blockSignals(True)
        self.kec_combo.clear()
        self.kec_combo.addItem("Semua kecamatan", None)
        for kode, nama in sorted(self.kecamatan.items(), key=lambda kv: kv[1]):
            self.kec_combo.addItem(f"{nama} ({kode})", kode)
        self.kec_combo.setCurrentIndex(max(0, self.kec_combo.findData(current)))
        self.kec_combo.blockSignals(False)
        self._fill()
        if not self.rows:
            self.message.show_error("Kabupaten/kota kantor belum ditetapkan (Pengaturan); belum ada desa untuk diisi.")

    def _failed(self, exc: BaseException) -> None:
        message, hint = user_message(exc)
        self.message.show_error(f"{message} {hint}".strip())

    def _fill(self) -> None:
        self._filling = True
        self.table.setRowCount(len(self.rows))
        for r, v in enumerate(self.rows):
            kec = self.kecamatan.get(v.desa_kode.rsplit(".", 1)[0], "")
            cells = (v.desa_kode, f"{v.sebutan} {v.desa_nama}", kec, v.kepala, v.ketua_bpd, v.sekretaris)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c not in EDITABLE:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                    item.setForeground(QColor("#444"))
                item.setData(Qt.ItemDataRole.UserRole, v.desa_kode)
                self.table.setItem(r, c, item)
        self._filling = False
        self._filter()

    def _filter(self, *_args) -> None:
        kec = self.kec_combo.currentData()
        text = self.search.text().strip().casefold()
        shown = filled = 0
        for r, v in enumerate(self.rows):
            visible = (kec is None or v.desa_kode.startswith(kec + ".")) and (
                not text or any(text in (self.table.item(r, c).text() or "").casefold() for c in range(6)))
            self.table.setRowHidden(r, not visible)
            shown += visible
            filled += visible and bool(v.kepala)
        self.counts.setText(f"{shown} desa/kelurahan, {filled} dengan kepala desa/lurah")

    # --- editing
    def _edited(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() not in EDITABLE:
            return
        kode = item.data(Qt.ItemDataRole.UserRole)
        field = EDITABLE[item.column()]
        start_job(self, Job(save_cell, self.ctx.db, self.ctx.actor, kode, field, item.text(), with_progress=False),
                  "Menyimpan", lambda v, r=item.row(): self._saved(r, v), on_error=self._save_failed)

    def _saved(self, row: int, v) -> None:
        self.rows[row] = v
        self.message.show_ok(f"Tersimpan: {v.sebutan} {v.desa_nama}.")
        self.ctx.events.changed(officials.set_officials.changes, source=self.window())
        self._filling = True
        for c, field in EDITABLE.items():
            self.table.item(row, c).setText(getattr(v, field))
        self._filling = False

    def _save_failed(self, exc: BaseException) -> None:
        self.message.show_error(getattr(exc, "message", None) or " ".join(user_message(exc)).strip())
        self.reload()

    # --- import
    def choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Impor perangkat desa", "", "Excel atau CSV (*.xlsx *.xls *.csv)")
        if path:
            self.import_file(path)

    def import_file(self, path: str):
        self.import_button.setEnabled(False)
        return start_job(self, Job(officials.import_officials, self.ctx.db, self.ctx.actor, path),
                         "Mengimpor perangkat desa", self._imported, on_error=self._import_failed, show_after_ms=0)

    def _imported(self, result) -> None:
        self.import_button.setEnabled(True)
        self.problems.clear()
        for p in result.problems:
            self.problems.addItem(f"[{p.level}] {p.message}")
        self.problems.setVisible(bool(result.problems))
        text = result.summary_text()
        if result.rejected:
            self.message.show_error(text)
        else:
            self.message.show_ok(text)
        if result.imported:
            self.ctx.events.changed(result.changes, source=self.window())
        self.reload()

    def _import_failed(self, exc: BaseException) -> None:
        self.import_button.setEnabled(True)
        self.problems.hide()
        message = getattr(exc, "message", None) or " ".join(user_message(exc)).strip()
        self.message.show_error(f"Tidak ada yang diimpor: {message}")
