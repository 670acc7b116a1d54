"""The import page's drop zone, result page and import history."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dtks_desktop.domain.masking import MaskPolicy
from dtks_desktop.services.importing.run import (
    KINDS,
    BatchInfo,
    ImportResult,
    history,
)
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.latest import LatestJob
from dtks_desktop.views.common.widgets import fmt_int, show_exception
from dtks_desktop.views.importing.problems import ProblemPanel
from dtks_desktop.views.importing.common import escape, fmt_when, RED, row_height, setup_table, SEVERITY_STYLE


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
                return fmt_when(b.started_at)
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
        setup_table(self.table, row_height(self))
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
        text = (f"<b>Impor #{b.id}: {escape(b.file_name)}</b> — {escape(b.kind_label)}"
                f"{' (' + escape(b.program) + ')' if b.program else ''}, {fmt_when(b.started_at)} oleh "
                f"{escape(b.username or '-')}<br>{', '.join(parts)}.")
        if b.note:
            text += "<br><span style='color:#555'>Catatan: " + escape(b.note).replace("\n", "; ") + "</span>"
        self.summary.setText(text)
        self.problems.set_batch(b.id, b.file_name, None)
