"""The import page: choose a registry file, check its columns, import it, see what went wrong.

Two tabs:

* **Impor berkas** -- a drop zone with "Pilih berkas…"; then the preview (what the file is,
  which kind of data the app thinks it holds, the column mapping and the first 20 rows as
  they will be read); then, after "Impor", the result (counts, notes and the problem rows).
* **Riwayat impor** -- every import batch; selecting one shows its problem rows and lets the
  clerk save its report again.

Everything that touches a file or many rows runs as a :class:`~dtks_desktop.jobs.Job`:
opening a file for the preview (a 200,000-row workbook takes seconds to open), the import
itself (with the shared progress dialog and "Batal"), writing a report and every page of
the problem table (``list_problems`` sorts a batch's problems, which can be hundreds of
thousands of rows). The small look-ups (saved presets, the list of batches) run directly.

The view never builds SQL and never reads a file itself: it calls
``services.importing`` (``preview``, ``run_import``, ``history``, ``list_problems``,
``write_report``, ``list_presets``/``save_preset``) and shows what they return.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QStandardPaths,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QDesktopServices, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from dtks_desktop.domain.masking import MaskPolicy, is_identifier, mask_identifier
from dtks_desktop.domain.permissions import sees_full_nik
from dtks_desktop.jobs import Job
from dtks_desktop.services.core import settings as settings_service
from dtks_desktop.services.importing import mapping as M
from dtks_desktop.services.importing.mapping import FIELD_LABELS, MappingProblem, Preset
from dtks_desktop.services.importing.presets import list_presets, save_preset
from dtks_desktop.services.importing.readers import ImportFileError
from dtks_desktop.services.importing.report import default_report_path, write_report
from dtks_desktop.services.importing.run import (
    DEFAULT_PRESET,
    KINDS,
    BatchInfo,
    ImportResult,
    Preview,
    ProblemRow,
    count_problems,
    history,
    list_problems,
    preview,
    run_import,
)
from dtks_desktop.views.core.audit_view import local_time
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.domain.formatting import tanggal, tanggal_jam
from dtks_desktop.views.common.paged_model import Column, Page, PagedModel
from dtks_desktop.views.common.latest import LatestJob
from dtks_desktop.views.common.widgets import ask_yes_no, fmt_int, show_error, show_exception, show_message, start_job

log = logging.getLogger(__name__)

FILE_FILTER = (
    "Berkas data (*.xlsx *.xlsm *.xls *.xlsb *.ods *.csv *.txt *.tsv);;"
    "Excel (*.xlsx *.xlsm *.xls *.xlsb);;CSV (*.csv *.txt *.tsv);;Semua berkas (*)"
)
PROBLEM_PAGE = 500  # problem rows per list_problems() call
PREVIEW_ROWS = 20

NONE_TEXT = "(tidak ada)"
_CHOOSE = "__pilih__"  # combo data of the "choose one" placeholder of a duplicated field

RED = "#b00020"
GREEN = "#1b5e20"
AMBER = "#7f6000"
# Same colours as the .xlsx report, so that the screen and the paper look alike.
SEVERITY_STYLE = {
    "error": ("Ditolak", QColor("#FFC7CE"), QColor("#9C0006")),
    "warning": ("Peringatan", QColor("#FFEB9C"), QColor("#7F6000")),
}

TABLE_KIND_LABELS = {
    "xlsx": "Excel (.xlsx)",
    "xls": "Excel 97-2003 (.xls)",
    "xlsb": "Excel biner (.xlsb)",
    "ods": "OpenDocument (.ods)",
    "csv": "CSV (teks)",
}
ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (dengan BOM)",
    "cp1252": "Windows-1252",
    "utf-16": "UTF-16",
}
DELIMITER_LABELS = {";": "titik koma ( ; )", ",": "koma ( , )", "\t": "tab", "|": "garis tegak ( | )"}



def _row_height(widget: QWidget) -> int:
    return widget.fontMetrics().height() + 8


def _setup_table(view: QTableView, row_height: int) -> None:
    """Fixed row heights, whole-row selection, no editing: what every table here shares."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setCornerButtonEnabled(False)
    vh = view.verticalHeader()
    vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vh.setDefaultSectionSize(row_height)
    vh.hide()
    hh = view.horizontalHeader()
    hh.setHighlightSections(False)
    hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    hh.setMinimumSectionSize(40)


def _cell_text(value: object) -> str:
    """A preview cell as the clerk wrote it: 62.0 -> "62", dates as dd-mm-yyyy."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        if value.hour or value.minute or value.second:
            return tanggal_jam(value)
        return tanggal(value)
    if isinstance(value, date):
        return tanggal(value)
    return " ".join(str(value).split())


def _fmt_when(at: datetime | None) -> str:
    t = local_time(at)
    return tanggal_jam(t) if t else ""


def _elide_middle(text: str, n: int = 70) -> str:
    return text if len(text) <= n else text[: n // 2 - 1] + "…" + text[-(n // 2 - 1):]


# --------------------------------------------------------------------------- background work


@dataclass
class PreviewState:
    """One successful preview, as the page shows it (the file is closed again)."""

    path: Path
    preview: Preview
    preset: Preset
    problems: list[MappingProblem]
    choices: dict[str, int | None]
    chosen_by_user: bool

    @property
    def match(self) -> M.HeaderMatch:
        return self.preview.match

    @property
    def kind(self) -> str:
        return self.preview.kind

    @property
    def data_rows_estimate(self) -> int:
        """Rows below the header: the progress bar's total (exact for Excel, estimated for CSV)."""
        return max(self.preview.table.estimated_rows - self.match.data_start_row + 1, 0)


def _load_preview(path: Path, kind: str | None, preset: Preset | None,
                  choices: dict[str, int | None]) -> tuple[Preview, Preset, list[MappingProblem]]:
    """Worker: open the file, map the first rows, list the mapping's problems; close the file."""
    pv = preview(path, kind=kind, preset=preset, choices=choices or None, rows=PREVIEW_ROWS)
    pv.table.close()  # the metadata stays; the loaded sheet is freed
    p = preset if preset is not None and preset.name == pv.preset else M.get_preset(pv.preset)
    return pv, p, M.mapping_problems(pv.match, p)


def _import_worker(db, actor, path: Path, rows_total: int, outcome: list, *, progress, cancel,
                   **kwargs) -> ImportResult:
    """Worker: run_import with its progress (percent) turned into rows for the shared dialog.

    ``outcome`` receives the result as soon as run_import returns: a "Batal" pressed after the
    import committed (the Job then reports "cancelled") must not be told as "nothing changed".
    """
    total = max(rows_total, 1)
    name = Path(path).name

    def rows_progress(done: int, of: int, text: str = "") -> None:
        progress(int(done * total / max(of, 1)), total, f"Mengimpor {name}\n{text}" if text else "")

    result = run_import(db, actor, path, progress=rows_progress, cancel=cancel, **kwargs)
    outcome.append(result)
    return result


def _page_info(s) -> tuple:
    """Worker (through ``Database.read``): the office's mask policy and the saved presets."""
    return settings_service.mask_policy(s), list_presets(s)


def _save_preset(s, actor, preset: Preset) -> dict[str, Preset]:
    """Worker (through ``Database.write``): save ``preset``; the presets as they are now."""
    save_preset(s, actor, preset)
    return list_presets(s)


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


# --------------------------------------------------------------------------- models


class PreviewTableModel(QAbstractTableModel):
    """The first rows of the file as they will be read: one column per mapped field."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fields: list[str] = []
        self._sources: list[str] = []
        self._rows: list[tuple[int, dict[str, object]]] = []
        self._mask: MaskPolicy | None = None

    def set_preview(self, match: M.HeaderMatch, rows: list[tuple[int, dict[str, object]]],
                    mask: MaskPolicy | None) -> None:
        self.beginResetModel()
        # Who first (ID, NIK, No KK, name), then the person, the address and the region: the order
        # of FIELD_LABELS, so that NIK and name are on screen without scrolling.
        rank = {f: i for i, f in enumerate(FIELD_LABELS)}
        ordered = sorted(match.columns.items(), key=lambda fc: (rank.get(fc[0], len(rank)), fc[1]))
        self._fields = [f for f, _c in ordered]
        self._sources = [match.column_label(c) for _f, c in ordered]
        self._rows = list(rows)
        self._mask = mask
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self._fields, self._sources, self._rows = [], [], []
        self.endResetModel()

    def set_mask(self, mask: MaskPolicy | None) -> None:
        self.beginResetModel()
        self._mask = mask
        self.endResetModel()

    @property
    def fields(self) -> list[str]:
        return list(self._fields)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._fields) + 1

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return "Baris" if section == 0 else FIELD_LABELS.get(self._fields[section - 1], self._fields[section - 1])
        if role == Qt.ItemDataRole.ToolTipRole:
            if section == 0:
                return "Nomor baris di berkas (seperti di Excel)"
            return f"Dibaca dari kolom {self._sources[section - 1]}"
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row_no, values = self._rows[index.row()]
        c = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if c == 0:
                return str(row_no)
            f = self._fields[c - 1]
            text = _cell_text(values.get(f))
            if self._mask is not None and text and is_identifier(f):
                return mask_identifier(text, self._mask)
            return text
        if role == Qt.ItemDataRole.TextAlignmentRole and c == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and c == 0:
            return QBrush(QColor("#6b6b6b"))
        return None


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


BATCH_COLUMNS: tuple[tuple[str, int], ...] = (
    ("No", 52),
    ("Waktu", 128),
    ("Jenis", 200),
    ("Berkas", 240),
    ("Oleh", 100),
    ("Dibaca", 76),
    ("Baru", 70),
    ("Diperbarui", 84),
    ("Ditolak", 70),
)


class BatchTableModel(QAbstractTableModel):
    """The import batches of ``history()`` (at most a few hundred rows)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[BatchInfo] = []

    def set_batches(self, rows: list[BatchInfo]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def batch_at(self, row: int) -> BatchInfo | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, batch_id: int) -> int:
        return next((i for i, b in enumerate(self._rows) if b.id == batch_id), -1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(BATCH_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return BATCH_COLUMNS[section][0]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        b = self._rows[index.row()]
        c = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if c == 0:
                return str(b.id)
            if c == 1:
                return _fmt_when(b.started_at)
            if c == 2:
                return f"{b.kind_label} ({b.program})" if b.program else b.kind_label
            if c == 3:
                return b.file_name
            if c == 4:
                return b.username or "-"
            return fmt_int((b.rows_read, b.imported, b.updated, b.rejected)[c - 5])
        if role == Qt.ItemDataRole.TextAlignmentRole and (c == 0 or c >= 5):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and c == 8 and b.rejected:
            return QBrush(QColor("#9C0006"))
        if role == Qt.ItemDataRole.ToolTipRole:
            if c == 3:
                return b.file_name
            if c == 2 or (b.note and c == 1):
                return b.note or None
        if role == Qt.ItemDataRole.UserRole:
            return b
        return None


# --------------------------------------------------------------------------- the problem panel


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
        _setup_table(self.table, _row_height(self))
        for i, (_t, w) in enumerate(PROBLEM_COLUMNS):
            self.table.setColumnWidth(i, w)
        self.table.horizontalHeader().setSectionResizeMode(PCOL_MESSAGE, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(_row_height(self) * 5)
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


# --------------------------------------------------------------------------- the mapping editor


class MappingEditor(QWidget):
    """One combo per field of the preset: which column of the file holds it."""

    choiceChanged = Signal(str, object)  # field, column index or None ("tidak ada")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: dict[str, tuple[QLabel, QComboBox]] = {}
        self._key: tuple | None = None
        self._inner = QWidget()
        self._grid = QGridLayout(self._inner)
        self._grid.setContentsMargins(4, 4, 8, 4)
        self._grid.setHorizontalSpacing(8)
        self._grid.setVerticalSpacing(4)
        self._grid.setColumnStretch(1, 1)
        self._grid.setColumnMinimumWidth(0, 150)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self._inner)
        self.scroll.viewport().setAutoFillBackground(False)
        self._inner.setAutoFillBackground(False)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.legend.setStyleSheet("color: #555;")
        self.unused = QLabel()
        self.unused.setWordWrap(True)
        self.unused.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.unused)

    def combo(self, fld: str) -> QComboBox | None:
        row = self._rows.get(fld)
        return row[1] if row else None

    def label(self, fld: str) -> QLabel | None:
        row = self._rows.get(fld)
        return row[0] if row else None

    def fields(self) -> list[str]:
        return list(self._rows)

    def set_mapping(self, preset: Preset, match: M.HeaderMatch, problems: list[MappingProblem]) -> None:
        fields = list(preset.fields)
        for f in list(match.duplicates) + list(match.missing_choices):
            if f not in fields:
                fields.append(f)  # a problem the clerk must be able to settle here
        key = (tuple(fields), tuple(match.headers.items()))
        if key != self._key:
            self._rebuild(fields)
            self._key = key
        required = set(preset.required)
        any_groups = [g for g in preset.required_any]
        in_group = {f: g for g in any_groups for f in g}
        by_field: dict[str, list[str]] = {}
        for p in problems:
            if p.field:
                by_field.setdefault(p.field, []).append(p.message)
        for f in fields:
            label, combo = self._rows[f]
            text = FIELD_LABELS.get(f, f)
            tip = ""
            if f in required:
                text += " *"
                tip = "Wajib ada."
            elif f in in_group:
                text += " *"
                tip = "Minimal satu dari " + " / ".join(FIELD_LABELS[x] for x in in_group[f]) + " harus ada."
            label.setText(text)
            combo.blockSignals(True)
            combo.clear()
            if f in match.duplicates:
                cols = match.duplicates[f]
                combo.addItem("Pilih salah satu: " + " atau ".join(match.column_label(c).split(" ")[0] for c in cols),
                              _CHOOSE)
            combo.addItem(NONE_TEXT, None)
            for col in match.headers:
                combo.addItem(match.column_label(col), col)
            if f in match.duplicates:
                combo.setCurrentIndex(0)
            elif f in match.columns:
                combo.setCurrentIndex(max(combo.findData(match.columns[f]), 0))
            else:
                combo.setCurrentIndex(combo.findData(None))
            combo.blockSignals(False)
            messages = by_field.get(f)
            bad = bool(messages)
            label.setStyleSheet(f"color: {RED}; font-weight: bold;" if bad else "")
            combo.setStyleSheet(f"QComboBox {{ color: {RED}; border: 2px solid {RED}; border-radius: 3px; "
                                "padding: 1px 18px 1px 4px; }" if bad else "")
            combo.setProperty("problem", bad)
            full_tip = "\n".join(filter(None, [tip, *(messages or [])]))
            label.setToolTip(full_tip)
            combo.setToolTip(full_tip or "Pilih kolom di berkas yang berisi " + FIELD_LABELS.get(f, f))
        notes = ["* wajib ada."]
        for g in any_groups:
            notes.append("Untuk " + " dan ".join(FIELD_LABELS[x] for x in g) + " cukup salah satu.")
        self.legend.setText(" ".join(notes))
        if match.unmapped:
            shown = ", ".join(match.column_label(c) for c, _t in match.unmapped[:12])
            more = len(match.unmapped) - 12
            self.unused.setText("Kolom yang tidak dipakai: " + shown + (f" dan {more} lainnya" if more > 0 else ""))
            self.unused.show()
        else:
            self.unused.hide()

    def _rebuild(self, fields: list[str]) -> None:
        scroll_value = self.scroll.verticalScrollBar().value()
        while self._grid.count():
            item = self._grid.takeAt(0)
            w = item.widget()
            if w is not None:
                w.deleteLater()
        self._rows.clear()
        for r, f in enumerate(fields):
            label = QLabel(FIELD_LABELS.get(f, f))
            label.setWordWrap(True)  # "Hubungan dengan kepala rumah tangga" must not push the combos out
            label.setMaximumWidth(170)
            combo = QComboBox()
            combo.setObjectName(f"map_{f}")
            combo.setMinimumContentsLength(10)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            combo.setMaxVisibleItems(20)
            label.setBuddy(combo)
            combo.currentIndexChanged.connect(lambda _i, f=f, c=combo: self._changed(f, c))
            self._grid.addWidget(label, r, 0)
            self._grid.addWidget(combo, r, 1)
            self._rows[f] = (label, combo)
        self._grid.setRowStretch(len(fields), 1)
        self.scroll.verticalScrollBar().setValue(scroll_value)

    def _changed(self, fld: str, combo: QComboBox) -> None:
        data = combo.currentData()
        if data == _CHOOSE:
            return
        self.choiceChanged.emit(fld, data)


# --------------------------------------------------------------------------- pages


class DropZone(QFrame):
    """The empty state: where to drop a file, and the button to choose one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dropZone")
        self.set_active(False)
        title = QLabel("Seret berkas Excel atau CSV ke sini")
        f = title.font()
        f.setPointSizeF(f.pointSizeF() * 1.5)
        f.setBold(True)
        title.setFont(f)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel(
            "atau tekan tombol di bawah untuk memilih berkas.\n\n"
            "Yang dapat diimpor: ekspor DTKS dari SIKS-NG, data kependudukan dari Dukcapil,\n"
            "dan daftar penerima program bantuan (PKH, BPNT, …). Berkas .xlsx, .xls, atau .csv."
        )
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setWordWrap(True)
        self.choose_button = QPushButton("Pilih berkas…")
        self.choose_button.setObjectName("dropChooseButton")
        self.choose_button.setMinimumWidth(180)
        self.choose_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_DialogOpenButton))
        self.error = QLabel()
        self.error.setObjectName("dropError")
        self.error.setWordWrap(True)
        self.error.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.error.setStyleSheet(f"color: {RED};")
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.choose_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 24, 40, 24)
        layout.addStretch(1)
        layout.addWidget(title)
        layout.addSpacing(6)
        layout.addWidget(text)
        layout.addSpacing(16)
        layout.addLayout(row)
        layout.addSpacing(12)
        layout.addWidget(self.error)
        layout.addStretch(2)

    def set_active(self, active: bool) -> None:
        color, bg = ("#1565c0", "#e3f2fd") if active else ("#9e9e9e", "transparent")
        self.setStyleSheet(f"QFrame#dropZone {{ border: 2px dashed {color}; border-radius: 8px; background: {bg}; }}")


class ResultPage(QWidget):
    """What an import did: the counts, the notes and the problem rows."""

    COUNTS = (
        ("rows_read", "Dibaca", "Baris data yang dibaca dari berkas"),
        ("imported", "Baru", "Data yang belum ada dan kini ditambahkan"),
        ("updated", "Diperbarui", "Data yang sudah ada dan isinya berubah"),
        ("unchanged", "Tetap", "Data yang sudah ada dengan isi yang sama"),
        ("gone", "Tidak ada lagi", ""),
        ("rejected", "Ditolak", "Baris yang TIDAK masuk ke basis data karena ada kesalahan; lihat tabel di bawah"),
        ("warnings", "Dengan peringatan", "Baris yang masuk, tetapi ada yang perlu diperiksa"),
    )
    GONE_TIPS = {
        "dtks": "Anggota yang sudah ada di basis data tetapi tidak ada di berkas ini (datanya tidak dihapus)",
        "dukcapil": "NIK yang ada di data Dukcapil sebelumnya tetapi tidak ada di berkas ini",
        "program": "Penerima di daftar sebelumnya (program dan periode yang sama) yang tidak ada di daftar ini",
    }

    another_requested = Signal()

    def __init__(self, ctx: AppContext, mask: MaskPolicy | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: ImportResult | None = None
        self.title = QLabel()
        self.title.setObjectName("resultTitle")
        tf = self.title.font()
        tf.setPointSizeF(tf.pointSizeF() * 1.25)
        tf.setBold(True)
        self.title.setFont(tf)
        self.title.setWordWrap(True)
        self.subtitle = QLabel()
        self.subtitle.setWordWrap(True)
        self.subtitle.setStyleSheet("color: #555;")

        cards = QHBoxLayout()
        cards.setSpacing(8)
        self.count_labels: dict[str, QLabel] = {}
        self.cards: dict[str, QFrame] = {}
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 1.5)
        big.setBold(True)
        for key, caption, tip in self.COUNTS:
            card = QFrame()
            card.setObjectName(f"card_{key}")
            card.setFrameShape(QFrame.Shape.StyledPanel)
            card.setToolTip(tip)
            v = QVBoxLayout(card)
            v.setContentsMargins(10, 6, 10, 6)
            v.setSpacing(0)
            number = QLabel("0")
            number.setObjectName(f"count_{key}")
            number.setFont(big)
            number.setAlignment(Qt.AlignmentFlag.AlignCenter)
            cap = QLabel(caption)
            cap.setAlignment(Qt.AlignmentFlag.AlignCenter)
            v.addWidget(number)
            v.addWidget(cap)
            cards.addWidget(card, 1)
            self.count_labels[key] = number
            self.cards[key] = card

        self.notes = QLabel()
        self.notes.setObjectName("resultNotes")
        self.notes.setWordWrap(True)
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes.hide()
        self.explain = QLabel(
            "Baris yang DITOLAK tidak masuk ke basis data: perbaiki di berkas asal (nomor baris dan kolom ada di "
            "tabel), lalu impor lagi. Baris dengan PERINGATAN sudah masuk, tetapi sebaiknya diperiksa."
        )
        self.explain.setWordWrap(True)
        self.problems = ProblemPanel(ctx, mask)
        self.another_button = QPushButton("Impor berkas lain…")
        self.another_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_DialogOpenButton))
        self.another_button.clicked.connect(self.another_requested)
        self.problems.buttons.insertWidget(0, self.another_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addLayout(cards)
        layout.addWidget(self.notes)
        layout.addWidget(self.explain)
        layout.addWidget(self.problems, 1)

    def show_result(self, r: ImportResult, extra_note: str | None = None) -> None:
        self.result = r
        self.title.setText(f"Impor selesai: {r.file_name}")
        seconds = f"{r.seconds:.1f}".replace(".", ",")
        self.subtitle.setText(f"{KINDS.get(r.kind, r.kind)} · batch #{r.batch_id} · selesai dalam {seconds} detik")
        for key, _caption, _tip in self.COUNTS:
            value = getattr(r, key)
            label = self.count_labels[key]
            label.setText(fmt_int(value))
            color = ""
            if key == "rejected" and value:
                color = f"color: {SEVERITY_STYLE['error'][2].name()};"
            elif key == "warnings" and value:
                color = f"color: {SEVERITY_STYLE['warning'][2].name()};"
            label.setStyleSheet(color)
        self.cards["gone"].setToolTip(self.GONE_TIPS.get(r.kind, ""))
        notes = list(r.notes)
        if extra_note:
            notes.insert(0, extra_note)
        if notes:
            self.notes.setText("Catatan:\n" + "\n".join(f"• {n}" for n in notes))
            self.notes.show()
        else:
            self.notes.hide()
        self.explain.setVisible(bool(r.rejected or r.warnings))
        self.problems.set_batch(r.batch_id, r.file_name, r.report)


class HistoryPage(QWidget):
    """Every import batch; the selected one's problems and its report."""

    def __init__(self, ctx: AppContext, mask: MaskPolicy | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.reads = LatestJob(self)  # the batch list; a newer reload supersedes an older one
        self.kind_combo = QComboBox()
        self.kind_combo.addItem("Semua jenis", None)
        for k, label in KINDS.items():
            self.kind_combo.addItem(label, k)
        self.reload_button = QPushButton(self.style().standardIcon(QStyle.StandardPixmap.SP_BrowserReload),
                                         "Muat ulang")
        self.count_label = QLabel()
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(QLabel("Jenis:"))
        bar.addWidget(self.kind_combo)
        bar.addWidget(self.reload_button)
        bar.addStretch(1)
        bar.addWidget(self.count_label)

        self.model = BatchTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("batchTable")
        self.table.setModel(self.model)
        _setup_table(self.table, _row_height(self))
        for i, (_t, w) in enumerate(BATCH_COLUMNS):
            self.table.setColumnWidth(i, w)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

        self.summary = QLabel("Pilih satu impor di tabel atas untuk melihat masalahnya.")
        self.summary.setObjectName("batchSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems = ProblemPanel(ctx, mask)
        bottom = QWidget()
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 4, 0, 0)
        bl.addWidget(self.summary)
        bl.addWidget(self.problems, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setCollapsible(0, False)
        self.splitter.setCollapsible(1, False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)

        self.kind_combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.reload_button.clicked.connect(lambda: self.reload())
        self.table.selectionModel().currentRowChanged.connect(self._on_current)

    def reload(self, select: int | None = None) -> None:
        """Read the batches again (a few hundred rows at most); keep or set the selection."""
        self.reads.start(self.ctx.db.read, history, kind=self.kind_combo.currentData(),
                         on_done=lambda rows: self._loaded(rows, select),
                         on_error=lambda exc: show_exception(self, exc, "Riwayat impor tidak dapat dimuat"))

    def _loaded(self, rows: list[BatchInfo], select: int | None) -> None:
        current = self.current_batch()
        keep = select if select is not None else (current.id if current else None)
        self.model.set_batches(rows)
        self.count_label.setText(f"{fmt_int(len(rows))} impor" if rows else "Belum ada impor.")
        row = self.model.row_of(keep) if keep is not None else -1
        if row >= 0:
            self.table.selectRow(row)
        else:
            self.summary.setText("Pilih satu impor di tabel atas untuk melihat masalahnya."
                                 if rows else "Belum ada berkas yang diimpor.")
            self.problems.set_batch(None)

    def current_batch(self) -> BatchInfo | None:
        idx = self.table.currentIndex()
        return self.model.batch_at(idx.row()) if idx.isValid() else None

    def select_batch(self, batch_id: int) -> bool:
        row = self.model.row_of(batch_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        return True

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        b = self.model.batch_at(current.row()) if current.isValid() else None
        if b is None:
            self.problems.set_batch(None)
            return
        parts = [f"{fmt_int(b.rows_read)} dibaca", f"{fmt_int(b.imported)} baru", f"{fmt_int(b.updated)} diperbarui",
                 f"{fmt_int(b.unchanged)} tetap", f"{fmt_int(b.gone)} tidak ada lagi", f"{fmt_int(b.rejected)} ditolak",
                 f"{fmt_int(b.warnings)} dengan peringatan"]
        text = (f"<b>Impor #{b.id}: {_escape(b.file_name)}</b> — {_escape(b.kind_label)}"
                f"{' (' + _escape(b.program) + ')' if b.program else ''}, {_fmt_when(b.started_at)} oleh "
                f"{_escape(b.username or '-')}<br>{', '.join(parts)}.")
        if b.note:
            text += "<br><span style='color:#555'>Catatan: " + _escape(b.note).replace("\n", "; ") + "</span>"
        self.summary.setText(text)
        self.problems.set_batch(b.id, b.file_name, None)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --------------------------------------------------------------------------- the view


class ImportView(QWidget):
    """The "Impor Data" page. Emits :attr:`imported` with the batch id after a successful import."""

    imported = Signal(int)

    PAGE_EMPTY, PAGE_PREVIEW, PAGE_RESULT = range(3)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setAcceptDrops(True)
        self.state: PreviewState | None = None  # the preview on screen
        self.path: Path | None = None  # the file being previewed (or loading)
        self.preview_handle = None
        self.import_handle = None
        self.last_result: ImportResult | None = None
        self._preview_gen = 0
        self._busy_preview = False
        self._busy_import = False
        self._wanted: tuple | None = None  # (kind, preset, choices) of the preview loading now
        self._busy_preset = False
        self._presets: dict[str, Preset] = dict(M.PRESETS)  # the saved ones come in a job
        # Masked with the default policy until the office's is read (in a job, below).
        self._mask: MaskPolicy | None = None if sees_full_nik(ctx.actor) else MaskPolicy()
        self._page_reads = LatestJob(self)  # the office's mask policy and the saved presets
        self._preset_reads = LatestJob(self)  # the saved presets again (a file is opened)
        self.preset_handle = None

        # --- the import tab
        self.drop_zone = DropZone()
        self.drop_zone.choose_button.clicked.connect(self.choose_file)
        self._build_preview_page()
        self.result_page = ResultPage(ctx, self._mask)
        self.result_page.another_requested.connect(self.choose_file)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.drop_zone)
        self.stack.addWidget(self.preview_page)
        self.stack.addWidget(self.result_page)

        import_tab = QWidget()
        il = QVBoxLayout(import_tab)
        il.setContentsMargins(8, 8, 8, 8)
        il.addWidget(self.stack, 1)

        # --- the history tab
        self.history_page = HistoryPage(ctx, self._mask)
        history_tab = QWidget()
        hl = QVBoxLayout(history_tab)
        hl.setContentsMargins(8, 8, 8, 8)
        hl.addWidget(self.history_page)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("importTabs")
        self.tabs.addTab(import_tab, "Impor berkas")
        self.tabs.addTab(history_tab, "Riwayat impor")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

        self._update_import_button()
        self._page_reads.start(ctx.db.read, _page_info, on_done=self._page_info_loaded,
                               on_error=lambda exc: log.warning("Reading the import page's settings failed: %s", exc))
        self.history_page.reload()

    def _page_info_loaded(self, info: tuple) -> None:
        policy, presets = info
        self._presets = presets
        if self._mask is not None and policy != self._mask:
            self._mask = policy
            for model in (self.result_page.problems.model, self.history_page.problems.model, self.preview_model):
                model.set_mask(policy)
        if self.state is not None and not self._busy_preview:
            self._show_state()

    def reads_busy(self) -> bool:
        """A read of the page (settings, presets, history) has not answered yet."""
        return self._page_reads.is_busy() or self._preset_reads.is_busy() or self.history_page.reads.is_busy()

    # ------------------------------------------------------------------ building
    def _build_preview_page(self) -> None:
        self.preview_page = QWidget()
        self.file_label = QLabel()
        self.file_label.setObjectName("fileLabel")
        ff = self.file_label.font()
        ff.setBold(True)
        ff.setPointSizeF(ff.pointSizeF() * 1.15)
        self.file_label.setFont(ff)
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.info_label = QLabel()
        self.info_label.setObjectName("fileInfo")
        self.info_label.setWordWrap(True)
        self.info_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.change_file_button = QPushButton("Pilih berkas lain…")
        self.change_file_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_DialogOpenButton))
        self.change_file_button.clicked.connect(self.choose_file)
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head_text = QVBoxLayout()
        head_text.setSpacing(2)
        head_text.addWidget(self.file_label)
        head_text.addWidget(self.info_label)
        head.addLayout(head_text, 1)
        head.addWidget(self.change_file_button, 0, Qt.AlignmentFlag.AlignTop)

        # kind, preset, programme
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("kindCombo")
        for k, label in KINDS.items():
            self.kind_combo.addItem(label, k)
        self.preset_combo = QComboBox()
        self.preset_combo.setObjectName("presetCombo")
        self.preset_combo.setMinimumContentsLength(30)
        self.preset_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.program_label = QLabel("Program:")
        self.program_edit = QLineEdit()
        self.program_edit.setObjectName("programEdit")
        self.program_edit.setMaximumWidth(150)
        self.periode_label = QLabel("Periode:")
        self.periode_edit = QLineEdit()
        self.periode_edit.setObjectName("periodeEdit")
        self.periode_edit.setMaximumWidth(130)
        settings_row = QHBoxLayout()
        settings_row.setContentsMargins(0, 0, 0, 0)
        settings_row.addWidget(QLabel("Jenis data:"))
        settings_row.addWidget(self.kind_combo)
        settings_row.addSpacing(10)
        settings_row.addWidget(QLabel("Susunan kolom:"))
        settings_row.addWidget(self.preset_combo)
        settings_row.addSpacing(10)
        settings_row.addWidget(self.program_label)
        settings_row.addWidget(self.program_edit)
        settings_row.addWidget(self.periode_label)
        settings_row.addWidget(self.periode_edit)
        settings_row.addStretch(1)
        self.guess_label = QLabel()
        self.guess_label.setObjectName("guessLabel")
        self.guess_label.setWordWrap(True)

        self.problem_label = QLabel()
        self.problem_label.setObjectName("mappingProblems")
        self.problem_label.setWordWrap(True)
        self.problem_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        # mapping editor | preview rows
        self.mapping = MappingEditor()
        self.mapping.choiceChanged.connect(self._on_choice)
        self.save_preset_button = QPushButton("Simpan sebagai preset…")
        self.save_preset_button.setObjectName("savePresetButton")
        self.save_preset_button.setToolTip("Simpan pilihan kolom ini agar berkas serupa langsung terbaca lain kali")
        self.save_preset_button.clicked.connect(self.save_as_preset)
        map_box = QGroupBox("Pengaturan kolom")
        mb = QVBoxLayout(map_box)
        mb.setContentsMargins(6, 6, 6, 6)
        mb.addWidget(self.mapping, 1)
        mb.addWidget(self.save_preset_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.preview_model = PreviewTableModel(self)
        self.preview_table = QTableView()
        self.preview_table.setObjectName("previewTable")
        self.preview_table.setModel(self.preview_model)
        _setup_table(self.preview_table, _row_height(self))
        self.preview_table.horizontalHeader().setDefaultSectionSize(120)
        rows_box = QGroupBox(f"Contoh {PREVIEW_ROWS} baris pertama, seperti yang akan dibaca")
        rb = QVBoxLayout(rows_box)
        rb.setContentsMargins(6, 6, 6, 6)
        rb.addWidget(self.preview_table)

        self.preview_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.preview_splitter.addWidget(map_box)
        self.preview_splitter.addWidget(rows_box)
        self.preview_splitter.setStretchFactor(0, 0)
        self.preview_splitter.setStretchFactor(1, 1)
        self.preview_splitter.setCollapsible(0, False)
        self.preview_splitter.setCollapsible(1, False)
        self.preview_splitter.setSizes([400, 700])

        self.block_label = QLabel()
        self.block_label.setObjectName("blockLabel")
        self.block_label.setWordWrap(True)
        self.block_label.setStyleSheet(f"color: {RED};")
        self.import_button = QPushButton("Impor")
        self.import_button.setObjectName("importButton")
        self.import_button.setMinimumWidth(140)
        bf = self.import_button.font()
        bf.setBold(True)
        self.import_button.setFont(bf)
        self.import_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton))
        self.import_button.clicked.connect(self.start_import)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.addWidget(self.block_label, 1)
        bottom.addWidget(self.import_button)

        layout = QVBoxLayout(self.preview_page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addLayout(settings_row)
        layout.addWidget(self.guess_label)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.preview_splitter, 1)
        layout.addLayout(bottom)

        self.kind_combo.currentIndexChanged.connect(self._on_kind)
        self.preset_combo.currentIndexChanged.connect(self._on_preset)
        self.program_edit.textChanged.connect(lambda _t: self._update_import_button())
        self.periode_edit.textChanged.connect(lambda _t: self._update_import_button())

    def _load_presets(self) -> None:
        """Read the saved presets again in a job (another PC of the office may have saved one)."""

        def loaded(presets: dict[str, Preset]) -> None:
            self._presets = presets
            if self.state is not None and not self._busy_preview:
                self._show_state()  # the preset combo offers them

        self._preset_reads.start(self.ctx.db.read, list_presets, on_done=loaded,
                                 on_error=lambda exc: log.warning("Loading the saved presets failed: %s", exc))

    # ------------------------------------------------------------------ choosing a file
    def choose_file(self) -> None:
        """"Pilih berkas…": ask for a file, then preview it."""
        start = str(self.path.parent) if self.path else QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)
        path, _filter = QFileDialog.getOpenFileName(self, "Pilih berkas untuk diimpor", start, FILE_FILTER)
        if path:
            self.open_file(path)

    def open_file(self, path: str | Path) -> None:
        """Preview ``path``: the app guesses its kind and column preset (the clerk can change them)."""
        self.tabs.setCurrentIndex(0)
        self.path = Path(path)
        self._load_presets()  # another PC of the office may have saved one meanwhile
        self._request_preview(None, None, {}, chosen_by_user=False)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self._busy_import or self._busy_preview:
            event.ignore()
            return
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if any(u.isLocalFile() for u in urls):
            event.acceptProposedAction()
            self.drop_zone.set_active(True)
        else:
            event.ignore()

    def dragLeaveEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.drop_zone.set_active(False)
        super().dragLeaveEvent(event)

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.drop_zone.set_active(False)
        files = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if not files:
            event.ignore()
            return
        event.acceptProposedAction()
        if len(files) > 1:
            show_error(self, "Seret satu berkas saja.", "Berkas diimpor satu per satu; mulai dengan berkas pertama.",
                       title="Terlalu banyak berkas")
            return
        self.open_file(files[0])

    # ------------------------------------------------------------------ preview
    @property
    def busy(self) -> bool:
        return self._busy_preview or self._busy_import or self._busy_preset

    def _request_preview(self, kind: str | None, preset: Preset | None, choices: dict[str, int | None], *,
                         chosen_by_user: bool) -> None:
        if self.path is None:
            return
        self._preview_gen += 1
        gen = self._preview_gen
        self._busy_preview = True
        self._wanted = (kind, preset, dict(choices))
        self._update_import_button()
        path = self.path
        job = Job(_load_preview, path, kind, preset, dict(choices), with_progress=False)
        self.preview_handle = start_job(
            self, job, f"Membaca berkas {path.name}",
            lambda res: self._preview_done(gen, path, res, dict(choices), chosen_by_user),
            on_error=lambda exc: self._preview_failed(gen, path, exc),
            on_cancel=lambda: self._preview_cancelled(gen),
            show_after_ms=250,
        )

    def _preview_done(self, gen: int, path: Path, res: tuple, choices: dict, chosen_by_user: bool) -> None:
        if gen != self._preview_gen:
            return
        self._busy_preview = False
        pv, preset, problems = res
        self.state = PreviewState(path, pv, preset, problems, choices, chosen_by_user)
        self._show_state()
        self.stack.setCurrentIndex(self.PAGE_PREVIEW)

    def _preview_failed(self, gen: int, path: Path, exc: BaseException) -> None:
        if gen != self._preview_gen:
            return
        self._busy_preview = False
        message = getattr(exc, "message", None)
        if self.state is not None and self.state.path == path:
            # A changed kind/preset/column could not be read: keep the last good preview.
            self._show_state()
        else:
            self.state = None
            self.stack.setCurrentIndex(self.PAGE_EMPTY)
            self.drop_zone.error.setText(message or "Berkas tidak dapat dibaca.")
            self.drop_zone.error.show()
        if isinstance(exc, ImportFileError):
            show_error(self, exc.message, "Pilih berkas lain, atau perbaiki berkas ini lalu pilih lagi.",
                       title="Berkas tidak dapat dibaca")
        else:
            show_exception(self, exc, "Berkas tidak dapat dibaca")

    def _preview_cancelled(self, gen: int) -> None:
        if gen != self._preview_gen:
            return
        self._busy_preview = False
        # The page on screen never changed while the file was loading: keep it as it is.
        if self.state is not None:
            self.path = self.state.path  # a cancelled new file must not replace the one on screen
            self._show_state()
        self._update_import_button()

    def _show_state(self) -> None:
        st = self.state
        if st is None:
            return
        self.drop_zone.error.hide()
        pv, match, table = st.preview, st.match, st.preview.table
        self.file_label.setText(_elide_middle(st.path.name, 90))
        self.file_label.setToolTip(str(st.path))
        parts = [TABLE_KIND_LABELS.get(table.kind, table.kind)]
        if table.sheet_name:
            sheet = f"lembar “{table.sheet_name}”"
            if len(table.sheet_names) > 1:
                sheet += f" (dari {len(table.sheet_names)} lembar)"
            parts.append(sheet)
        if table.kind == "csv":
            parts.append(f"pengodean {ENCODING_LABELS.get(table.encoding or '', table.encoding or '-')}")
            parts.append("pemisah " + DELIMITER_LABELS.get(table.delimiter, "tidak ada (satu kolom)")
                         if table.delimiter is not None else "satu kolom (tanpa pemisah)")
        if len(match.header_rows) > 1:
            parts.append(f"judul kolom di baris {match.header_rows[0]}–{match.header_rows[-1]}")
        else:
            parts.append(f"judul kolom di baris {match.header_row}")
        parts.append(f"± {fmt_int(st.data_rows_estimate)} baris data")
        self.info_label.setText(" · ".join(parts))

        # kind and preset combos (no signals: these show the state, they do not change it)
        for combo in (self.kind_combo, self.preset_combo):
            combo.blockSignals(True)
        self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(st.kind), 0))
        self.preset_combo.clear()
        for name, p in self._presets.items():
            if p.kind == st.kind:
                self.preset_combo.addItem(p.label, name)
                self.preset_combo.setItemData(self.preset_combo.count() - 1,
                                              p.label if name in M.PRESETS else f"Disimpan: {name}",
                                              Qt.ItemDataRole.ToolTipRole)
        if self.preset_combo.findData(st.preset.name) < 0:
            self.preset_combo.addItem(st.preset.label, st.preset.name)
        self.preset_combo.setCurrentIndex(self.preset_combo.findData(st.preset.name))
        for combo in (self.kind_combo, self.preset_combo):
            combo.blockSignals(False)

        if st.chosen_by_user:
            self.guess_label.setText("Jenis data dan susunan kolom dipilih sendiri.")
            self.guess_label.setStyleSheet("color: #555;")
        elif pv.score >= 0.8:
            self.guess_label.setText(f"Jenis data dikenali dari judul kolomnya (keyakinan {round(pv.score * 100)}%). "
                                     "Bila keliru, ganti pilihan di atas.")
            self.guess_label.setStyleSheet("color: #555;")
        else:
            self.guess_label.setText(f"Jenis data ini hanya tebakan (keyakinan {round(pv.score * 100)}%): periksa "
                                     "Jenis data dan Susunan kolom di atas sebelum mengimpor.")
            self.guess_label.setStyleSheet(f"color: {AMBER}; font-weight: bold;")

        # programme fields
        is_program = st.kind == "program"
        for w in (self.program_label, self.program_edit, self.periode_label, self.periode_edit):
            w.setVisible(is_program)
        if is_program:
            self._setup_programme_edit(self.program_edit, self.program_label, M.PROGRAM, "Program", "mis. PKH")
            self._setup_programme_edit(self.periode_edit, self.periode_label, M.PERIODE, "Periode", "mis. 2026-10")

        # problems, mapping editor, rows
        if st.problems:
            self.problem_label.setText("Kolom belum sesuai; perbaiki di Pengaturan kolom (yang bertanda merah):\n"
                                       + "\n".join(f"• {p.message}" for p in st.problems))
            self.problem_label.setStyleSheet(f"color: {RED};")
        else:
            self.problem_label.setText("Semua kolom wajib ditemukan. Periksa contoh baris di kanan, lalu tekan Impor.")
            self.problem_label.setStyleSheet(f"color: {GREEN};")
        self.mapping.set_mapping(st.preset, match, st.problems)
        self.preview_model.set_preview(match, pv.rows, self._mask)
        fm = self.preview_table.fontMetrics()
        wide = {M.NIK: "3310011712840001", M.NO_KK: "3310011712840001", M.ID_DTKS: "3310550807822X",
                M.NAMA: "MUHAMMAD ATHALLAH PUTRA", M.NAMA_IBU: "SITI AMINAH RAHAYU", M.ALAMAT: "DK. KRAJAN RT 01"}
        self.preview_table.setColumnWidth(0, 52)
        for i, f in enumerate(self.preview_model.fields, start=1):
            sample = wide.get(f)
            self.preview_table.setColumnWidth(i, fm.horizontalAdvance(sample) + 18 if sample else 110)
        self._update_import_button()

    def _setup_programme_edit(self, edit: QLineEdit, label: QLabel, fld: str, name: str, example: str) -> None:
        st = self.state
        in_file = st is not None and fld in st.match.columns
        if in_file:
            label.setText(f"{name}:")
            edit.setPlaceholderText("dari berkas")
            edit.setToolTip(f"Diambil dari kolom {st.match.column_label(st.match.columns[fld])}; isi di sini hanya "
                            "untuk baris yang kolomnya kosong.")
        else:
            label.setText(f"{name} *:")
            edit.setPlaceholderText(example)
            edit.setToolTip(f"Berkas ini tidak punya kolom {name}: isi {name.lower()} untuk semua baris ({example}).")

    def _missing_programme_fields(self) -> list[str]:
        st = self.state
        if st is None or st.kind != "program":
            return []
        out = []
        if M.PROGRAM not in st.match.columns and not self.program_edit.text().strip():
            out.append("Program")
        if M.PERIODE not in st.match.columns and not self.periode_edit.text().strip():
            out.append("Periode")
        return out

    def import_blockers(self) -> list[str]:
        """Why "Impor" is disabled now (empty when it can run)."""
        if self._busy_import:
            return ["Impor sedang berjalan."]
        if self._busy_preview:
            return ["Berkas sedang dibaca…"]
        st = self.state
        if st is None:
            return ["Pilih berkas terlebih dahulu."]
        out = []
        if st.problems:
            out.append("Perbaiki pengaturan kolom yang bertanda merah.")
        missing = self._missing_programme_fields()
        if missing:
            what = " dan ".join(missing)
            out.append(f"Berkas ini tidak punya kolom {what}: isi {what} di atas.")
        return out

    def _update_import_button(self) -> None:
        blockers = self.import_blockers()
        self.import_button.setEnabled(not blockers)
        self.save_preset_button.setEnabled(self.state is not None and not self.busy)
        self.block_label.setText(" ".join(blockers) if self.state is not None and not self.busy else "")
        self.import_button.setToolTip("\n".join(blockers) or "Impor berkas ini ke basis data")

    def _on_kind(self, _index: int) -> None:
        kind = self.kind_combo.currentData()
        st = self.state
        if st is None or kind is None or kind == st.kind:
            return
        preset = self._presets.get(DEFAULT_PRESET[kind]) or M.get_preset(DEFAULT_PRESET[kind])
        self._request_preview(kind, preset, {}, chosen_by_user=True)

    def _on_preset(self, _index: int) -> None:
        name = self.preset_combo.currentData()
        st = self.state
        if st is None or name is None or name == st.preset.name or name not in self._presets:
            return
        self._request_preview(st.kind, self._presets[name], {}, chosen_by_user=True)

    def _on_choice(self, fld: str, column: int | None) -> None:
        st = self.state
        if st is None:
            return
        # While a preview is loading, build on what was asked for last, not on the screen.
        kind, preset, choices = self._wanted if self._busy_preview and self._wanted else (
            st.kind, st.preset, st.choices)
        choices = dict(choices)
        choices[fld] = column
        self._request_preview(kind, preset, choices, chosen_by_user=st.chosen_by_user)

    def choose_column(self, fld: str, column: int | None) -> None:
        """Pick the column of ``fld`` in the mapping editor (what choosing in its combo does)."""
        combo = self.mapping.combo(fld)
        if combo is None:
            raise KeyError(fld)
        combo.setCurrentIndex(combo.findData(column))

    def save_as_preset(self) -> None:
        """Save the current mapping as a named preset (for files of the same layout)."""
        st = self.state
        if st is None:
            return
        name, ok = QInputDialog.getText(
            self, "Simpan sebagai preset",
            "Nama untuk susunan kolom ini (mis. “Ekspor Desa Karanganom”).\n"
            "Berkas dengan judul kolom yang sama akan langsung terbaca dengan susunan ini.",
            QLineEdit.EchoMode.Normal, "")
        name = (name or "").strip()
        if not ok or not name:
            return
        if name in M.PRESETS:
            show_error(self, f"“{name}” adalah nama susunan bawaan.", "Beri nama lain.",
                       title="Nama tidak dapat dipakai")
            return
        if name in self._presets and not ask_yes_no(
                self, "Timpa preset?", f"Susunan kolom “{name}” sudah ada. Ganti dengan susunan ini?", yes="Ganti"):
            return
        columns = {f: st.match.headers[c] for f, c in st.match.columns.items() if c in st.match.headers}
        preset = st.preset.with_columns(columns, name=name, label=name)
        self._preset_reads.supersede()  # the save brings the list back itself
        self._busy_preset = True
        self._update_import_button()

        def saved(presets: dict[str, Preset]) -> None:
            self._busy_preset = False
            self._presets = presets
            if self.state is st:
                st.preset = self._presets.get(name, preset)
                self._show_state()
                self.guess_label.setText(f"Susunan kolom disimpan sebagai “{name}”.")
                self.guess_label.setStyleSheet(f"color: {GREEN};")
            self._update_import_button()

        def failed(exc: BaseException) -> None:
            self._busy_preset = False
            self._update_import_button()
            if isinstance(exc, ValueError):
                show_error(self, str(exc), title="Preset tidak tersimpan")
            else:
                log.error("Saving a preset failed: %r", exc)
                show_exception(self, exc, "Preset tidak tersimpan")

        self.preset_handle = start_job(self, Job(self.ctx.db.write, _save_preset, self.ctx.actor, preset,
                                                 with_progress=False),
                                       "Menyimpan susunan kolom", saved, on_error=failed, cancellable=False)

    # ------------------------------------------------------------------ import
    def start_import(self) -> None:
        """"Impor": run the import in a job with the progress dialog."""
        if self.import_blockers():
            return
        st = self.state
        assert st is not None
        self._busy_import = True
        self._update_import_button()
        outcome: list[ImportResult] = []
        program = self.program_edit.text().strip() or None if st.kind == "program" else None
        periode = self.periode_edit.text().strip() or None if st.kind == "program" else None
        job = Job(_import_worker, self.ctx.db, self.ctx.actor, st.path, st.data_rows_estimate, outcome,
                  kind=st.kind, preset=st.preset, choices=dict(st.choices) or None, program=program, periode=periode)
        self.import_handle = start_job(
            self, job, f"Mengimpor {st.path.name}", self._import_done,
            on_error=self._import_failed, on_cancel=lambda: self._import_cancelled(outcome), show_after_ms=100,
        )

    def _import_done(self, result: ImportResult, extra_note: str | None = None) -> None:
        self._busy_import = False
        self.last_result = result
        self.state = None
        self.program_edit.clear()
        self.periode_edit.clear()
        self.result_page.show_result(result, extra_note)
        self.stack.setCurrentIndex(self.PAGE_RESULT)
        self._update_import_button()
        self.history_page.reload(select=result.batch_id)
        self.ctx.events.changed(result.changes, source=self)
        self.imported.emit(result.batch_id)

    def _import_failed(self, exc: BaseException) -> None:
        self._busy_import = False
        self._update_import_button()
        if isinstance(exc, ImportFileError):  # also AlreadyImported and MappingError
            show_error(self, exc.message, "Tidak ada data yang diubah.", title="Impor tidak dilakukan")
        else:
            show_exception(self, exc, "Impor gagal")

    def _import_cancelled(self, outcome: list) -> None:
        if outcome:  # "Batal" came after the import was stored (while the report was written)
            self._import_done(outcome[0], "Tombol Batal ditekan setelah data selesai disimpan; impor ini tetap masuk.")
            return
        self._busy_import = False
        self._update_import_button()
        show_message(self, "Impor dibatalkan", "Impor dibatalkan; tidak ada data yang diubah.")

    # ------------------------------------------------------------------ misc
    def show_history(self, batch_id: int | None = None) -> None:
        self.tabs.setCurrentIndex(1)
        self.history_page.reload(select=batch_id)

    def wait_idle(self, timeout_ms: int = 30000) -> bool:
        """Process events until no job of this page runs (tests, screenshots)."""
        import time

        from PySide6.QtWidgets import QApplication

        deadline = time.monotonic() + timeout_ms / 1000
        models = (self.result_page.problems.model, self.history_page.problems.model)
        while time.monotonic() < deadline:
            QApplication.processEvents()
            if not self.busy and not self.reads_busy() and not any(m.is_loading() for m in models):
                QApplication.processEvents()
                return True
            time.sleep(0.005)
        return False


__all__ = ["ImportView", "ProblemTableModel", "PreviewTableModel", "BatchTableModel", "MappingEditor", "ProblemPanel"]
