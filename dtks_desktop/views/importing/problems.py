"""The list of an import's problem rows (rejected and flagged rows, paged in jobs) and its panel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QStandardPaths,
    Qt,
    QUrl,
)
from PySide6.QtGui import QBrush, QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dtks_desktop.domain.masking import MaskPolicy, is_identifier, mask_identifier
from dtks_desktop.jobs import Job
from dtks_desktop.services.importing.report import default_report_path, write_report
from dtks_desktop.services.importing.run import (
    ProblemRow,
    count_problems,
    list_problems,
)
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.paged_model import Column, Page, PagedModel
from dtks_desktop.views.common.widgets import fmt_int, show_error, show_exception, start_job
from dtks_desktop.views.importing.common import GREEN, row_height, setup_table, SEVERITY_STYLE


PROBLEM_PAGE = 500  # problem rows per list_problems() call


def _problem_counts(s, batch_id: int) -> tuple[int, int]:
    return count_problems(s, batch_id), count_problems(s, batch_id, "error")


def _fetch_problems(db, query: tuple[int, str | None], offset: int, limit: int, first: bool) -> Page:
    """Worker (the problem list's fetcher): one page of a batch's problems, the counts with the first."""
    batch_id, severity = query
    total = counts = None
    if first:
        counts = db.read(_problem_counts, batch_id)
        total = counts[1] if severity == "error" else (counts[0] - counts[1] if severity == "warning" else counts[0])
    rows = db.read(list_problems, batch_id, severity=severity, offset=offset, limit=limit)
    return Page(rows, total, counts)


PROBLEM_COLUMNS: tuple[tuple[str, int], ...] = (
    ("Baris", 56),
    ("Kolom", 124),
    ("Jenis", 84),
    ("Keterangan", 360),
    ("Nilai", 150),
    ("ID DTKS", 112),
    ("Nama", 150),
)


(PCOL_ROW, PCOL_COLUMN, PCOL_KIND, PCOL_MESSAGE, PCOL_VALUE, PCOL_ID, PCOL_NAME) = range(len(PROBLEM_COLUMNS))


class ProblemTableModel(PagedModel):
    """The problems of one import batch, paged from ``list_problems`` in jobs (:class:`PagedModel`).

    :meth:`load` counts and fetches the first page; ``fetchMore`` (called by the view when it
    scrolls to the end) fetches the next page and appends it.
    """

    failed_text = "Daftar masalah tidak dapat dimuat."

    def __init__(self, db, mask: MaskPolicy | None, parent: QObject | None = None) -> None:
        columns = [Column(title, width) for title, width in PROBLEM_COLUMNS]
        super().__init__(columns, lambda q, o, n, f: _fetch_problems(db, q, o, n, f),
                         page_size=lambda: PROBLEM_PAGE, parent=parent)
        self._mask = mask

    def set_mask(self, mask: MaskPolicy | None) -> None:
        self._mask = mask
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))

    def load(self, batch_id: int | None, severity: str | None = None) -> None:  # type: ignore[override]
        super().load(None if batch_id is None else (batch_id, severity))

    @property
    def batch_id(self) -> int | None:
        return self.query[0] if self.query else None

    @property
    def severity(self) -> str | None:
        return self.query[1] if self.query else None

    @property
    def counts(self) -> tuple[int, int] | None:
        """(all problems, errors) of the batch, once the first page is here."""
        return self.extra

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return PROBLEM_COLUMNS[section][0]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return {
                PCOL_ROW: "Nomor baris di berkas asal (seperti di Excel)",
                PCOL_KIND: "Ditolak: baris tidak masuk ke basis data. Peringatan: baris masuk, tetapi perlu diperiksa.",
                PCOL_VALUE: "Nilai yang tertulis di berkas",
            }.get(section)
        return None

    def _value(self, p: ProblemRow) -> str:
        v = p.value or ""
        if v and self._mask is not None and is_identifier(None, p.code):
            return mask_identifier(v, self._mask)
        return v

    def cell(self, p: ProblemRow, c: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if c == PCOL_ROW:
                return str(p.source_row)
            if c == PCOL_COLUMN:
                return p.column or ""
            if c == PCOL_KIND:
                return SEVERITY_STYLE.get(p.severity, (p.severity,))[0]
            if c == PCOL_MESSAGE:
                return p.message
            if c == PCOL_VALUE:
                return self._value(p)
            if c == PCOL_ID:
                return p.id_dtks or ""
            if c == PCOL_NAME:
                return p.nama or ""
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if c == PCOL_MESSAGE:
                return p.message
            if c == PCOL_VALUE and p.value:
                return self._value(p)
            if c == PCOL_NAME:
                return p.nama or None
            return None
        if c == PCOL_KIND and p.severity in SEVERITY_STYLE:
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(SEVERITY_STYLE[p.severity][1])
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(SEVERITY_STYLE[p.severity][2])
        if role == Qt.ItemDataRole.TextAlignmentRole and c == PCOL_ROW:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return p
        return None


class ProblemPanel(QWidget):
    """Problem rows of one batch: filter, table, "Simpan laporan…" and "Buka laporan"."""

    def __init__(self, ctx: AppContext, mask: MaskPolicy | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.batch_id: int | None = None
        self.file_name = ""
        self.report_path: str | None = None
        self.save_handle = None

        self.only_rejected = QCheckBox("Hanya yang ditolak")
        self.only_rejected.setToolTip("Tampilkan hanya baris yang tidak masuk ke basis data")
        self.count_label = QLabel()
        self.count_label.setObjectName("problemCount")
        self.model = ProblemTableModel(ctx.db, mask, self)
        self.table = QTableView()
        self.table.setObjectName("problemTable")
        self.table.setModel(self.model)
        setup_table(self.table, row_height(self))
        for i, (_t, w) in enumerate(PROBLEM_COLUMNS):
            self.table.setColumnWidth(i, w)
        self.table.horizontalHeader().setSectionResizeMode(PCOL_MESSAGE, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(row_height(self) * 5)
        self.save_button = QPushButton("Simpan laporan…")
        self.save_button.setToolTip("Simpan semua masalah ke berkas Excel untuk dikirim ke desa/kelurahan "
                                    "(NIK dan No KK disamarkan)")
        self.open_button = QPushButton("Buka laporan")
        self.open_button.setToolTip("Buka laporan Excel yang sudah ditulis")
        self.detail_label = QLabel()
        self.detail_label.setObjectName("problemDetail")
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail_label.hide()
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.count_label, 1)
        top.addWidget(self.only_rejected)
        self.buttons = QHBoxLayout()  # the result page adds "Impor berkas lain…" here
        self.buttons.setContentsMargins(0, 0, 0, 0)
        self.buttons.addWidget(self.status_label, 1)
        self.buttons.addWidget(self.save_button)
        self.buttons.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail_label)
        layout.addLayout(self.buttons)

        self.only_rejected.toggled.connect(self._reload)
        self.save_button.clicked.connect(self.save_report)
        self.open_button.clicked.connect(self.open_report)
        self.model.loaded.connect(self._update_count)
        self.model.loadFailed.connect(self._load_failed)
        self.model.modelReset.connect(self.detail_label.hide)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        self.set_batch(None)

    def _show_detail(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """The whole message of the selected problem (the table cuts long ones)."""
        p = self.model.row_at(current.row()) if current.isValid() else None
        if p is None:
            self.detail_label.hide()
            return
        where = f"Baris {p.source_row}" + (f", kolom {p.column}" if p.column else "")
        who = ", ".join(filter(None, [p.nama, f"ID DTKS {p.id_dtks}" if p.id_dtks else None]))
        kind = SEVERITY_STYLE.get(p.severity, (p.severity,))[0]
        self.detail_label.setText(f"{where} ({kind}{'; ' + who if who else ''}): {p.message}")
        self.detail_label.show()

    def set_batch(self, batch_id: int | None, file_name: str = "", report: str | None = None) -> None:
        self.batch_id = batch_id
        self.file_name = file_name
        self.report_path = report
        self.status_label.setText("")
        self.only_rejected.blockSignals(True)
        self.only_rejected.setChecked(False)
        self.only_rejected.blockSignals(False)
        self.save_button.setEnabled(False)
        self.open_button.setVisible(bool(report))
        self.count_label.setText("Memuat daftar masalah…" if batch_id is not None else "")
        self.model.load(batch_id, None)

    def _reload(self) -> None:
        if self.batch_id is None:
            return
        self.count_label.setText("Memuat daftar masalah…")
        self.model.load(self.batch_id, "error" if self.only_rejected.isChecked() else None)

    def _update_count(self) -> None:
        counts = self.model.counts
        if counts is None:
            return
        total, errors = counts
        warnings = total - errors
        self.save_button.setEnabled(total > 0)
        self.only_rejected.setEnabled(total > 0)
        if total == 0:
            self.count_label.setText("Tidak ada masalah: semua baris terbaca tanpa catatan.")
        elif self.only_rejected.isChecked():
            self.count_label.setText(f"{fmt_int(errors)} catatan penolakan (dari {fmt_int(total)} catatan masalah)")
        else:
            self.count_label.setText(f"{fmt_int(total)} catatan masalah: {fmt_int(errors)} ditolak, "
                                     f"{fmt_int(warnings)} peringatan")

    def _load_failed(self, message: str) -> None:
        self.count_label.setText(f"Daftar masalah tidak dapat dimuat: {message}")

    def _say(self, text: str, color: str) -> None:
        self.status_label.setStyleSheet(f"color: {color};")
        self.status_label.setText(text)

    # --- report
    def save_report(self) -> None:
        if self.batch_id is None:
            return
        folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or "")
        if not str(folder) or not folder.is_dir():
            folder = Path.home()
        suggested = default_report_path(self.batch_id, self.file_name or "impor", folder)
        target, _filter = QFileDialog.getSaveFileName(self, "Simpan laporan masalah impor", str(suggested),
                                                      "Berkas Excel (*.xlsx)")
        if not target:
            return
        path = Path(target)
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        self.save_button.setEnabled(False)
        job = Job(write_report, self.ctx.db, self.batch_id, path, with_progress=False)
        self.save_handle = start_job(self, job, "Menyimpan laporan", lambda p: self._saved(Path(p)),
                                     on_error=self._save_failed, cancellable=False)

    def _saved(self, path: Path) -> None:
        self.save_button.setEnabled(True)
        self.report_path = str(path)
        self.open_button.show()
        self._say(f"Laporan disimpan: {path}", GREEN)

    def _save_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, OSError):
            show_error(self, f"Laporan tidak dapat disimpan: {exc.strerror or exc}",
                       "Pilih folder lain, atau tutup berkas itu di Excel bila sedang terbuka.",
                       title="Laporan tidak tersimpan")
        else:
            show_exception(self, exc, "Laporan tidak tersimpan")

    def open_report(self) -> None:
        if not self.report_path:
            return
        if not Path(self.report_path).exists():
            show_error(self, f"Berkas laporan tidak ditemukan lagi: {self.report_path}",
                       "Simpan laporannya lagi dengan \"Simpan laporan…\".", title="Laporan tidak ditemukan")
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(self.report_path)):
            show_error(self, "Laporan tidak dapat dibuka otomatis.",
                       f"Buka berkas ini dengan Excel: {self.report_path}", title="Laporan tidak terbuka")
