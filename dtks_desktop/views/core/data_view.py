"""The Data view: browse up to a million members, filter and sort them in SQL.

:class:`MemberTableModel` never holds the registry. It knows the row count and
fetches rows in pages of 200 when Qt first asks for them (``data()``), through
:mod:`dtks_desktop.services.core.browse`, and keeps the pages it fetched in an LRU.
Near the top a page's ids are fetched with the page (``ORDER BY .. LIMIT 200``);
deeper down, where the ``OFFSET`` walk costs more than the rows, the ids of ten
pages are fetched at once, so scrolling on from a deep position costs one index
walk per 2,000 rows.

Every query of the table runs as a :class:`~dtks_desktop.jobs.Job` off the GUI
thread. Measured at 1,000,000 members (``docs/benchmarks.md``): a first page
takes 2-100 ms, but a count can take 1.9 s (a four-digit NIK prefix matches
everyone) and a page 500,000 rows deep in No KK order 0.96 s on PostgreSQL --
more than the 200 ms a GUI thread may block. While a new filter
or sort loads, the old rows stay on screen; the new rows replace them in one
reset, and the count follows (the label says "menghitung…" meanwhile). The
small look-ups (region options, the office's kabupaten, one family for the
side panel, "is there any data") take well under 100 ms and run directly.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import (
    QModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dtks_desktop.domain.permissions import Capability, can
from dtks_desktop.domain.workflow.registry import MEMBER_STATUS_LABELS
from dtks_desktop.jobs import Job
from dtks_desktop.services.core import browse
from dtks_desktop.services.core import settings as settings_service
from dtks_desktop.services.core.browse import BrowseFilter
from dtks_desktop.views.common import events
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.widgets import fmt_int, user_message, fill_desa_combo, fill_kecamatan_combo, start_job
from dtks_desktop.views.common.latest import LatestJob
from dtks_desktop.views.common.widgets import desa_reads
from dtks_desktop.views.core.members import COLUMNS, COL_NAMA, MemberTableModel
from dtks_desktop.views.core.family import FamilyPanel


log = logging.getLogger(__name__)


DEBOUNCE_MS = 300


def _print_keterangan(session, actor, household_id: int, keperluan: str, path: str) -> dict:
    """Worker (through ``Database.write``): issue the letter and write it where the clerk chose."""
    from dtks_desktop.services.documents import issued, keterangan

    printed = keterangan.issue_keterangan(session, actor, household_id, keperluan)
    issued.save_pdf(printed.doc.pdf, path)
    return {"id": printed.doc.id, "nomor": printed.doc.nomor, "warnings": list(printed.warnings)}


def _page_info(s) -> tuple:
    """Worker (through ``Database.read``): has members, office kabupaten, its kecamatan, mask policy."""
    has_data = browse.has_members(s)
    kab_kode = browse.office_kab_kode(s)
    kecamatan = browse.kecamatan_options(s, kab_kode) if kab_kode else []
    return has_data, kab_kode, kecamatan, settings_service.mask_policy(s)


class DataView(QWidget):
    """Browse the registry: filter bar, the member table and the selected family."""

    demoRequested = Signal()  # "Buat data contoh" in the empty state
    certificatePrinted = Signal()  # a surat keterangan was written (or refused)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kab_kode: str | None = None
        self._applying = False
        self._sized = False

        # --- filter bar
        self.kecamatan_combo = QComboBox()
        self.kecamatan_combo.setObjectName("kecamatanCombo")
        self.kecamatan_combo.setMinimumContentsLength(16)
        self.kecamatan_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.desa_combo = QComboBox()
        self.desa_combo.setObjectName("desaCombo")
        self.desa_combo.setMinimumContentsLength(18)
        self.desa_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("statusCombo")
        self.status_combo.addItem("Semua status", None)
        for status, label in MEMBER_STATUS_LABELS.items():
            self.status_combo.addItem(label, str(status))
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("searchEdit")
        self.search_edit.setPlaceholderText("Cari NIK, No KK, atau nama…")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(220)
        self.clear_button = QPushButton("Hapus filter")
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.count_label.setMinimumWidth(150)
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("Kecamatan"))
        bar.addWidget(self.kecamatan_combo)
        bar.addWidget(QLabel("Desa/Kel"))
        bar.addWidget(self.desa_combo)
        bar.addWidget(QLabel("Status"))
        bar.addWidget(self.status_combo)
        bar.addWidget(self.search_edit, 1)
        bar.addWidget(self.clear_button)
        bar.addWidget(self.count_label)

        self.message_label = QLabel()
        self.message_label.setObjectName("dataMessage")
        self.message_label.setWordWrap(True)
        self.message_label.hide()

        # --- table
        self.model = MemberTableModel(ctx.db, ctx.actor, parent=self, start=False)
        self.table = QTableView()
        self.table.setObjectName("memberTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.setCornerButtonEnabled(False)
        vh = self.table.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # never measure a million rows
        vh.setDefaultSectionSize(self.fontMetrics().height() + 8)
        vh.hide()
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setHighlightSections(False)
        hh.setStretchLastSection(True)
        for i, (_title, _key, width) in enumerate(COLUMNS):
            self.table.setColumnWidth(i, width)
        hh.setSortIndicator(COL_NAMA, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)  # header clicks call model.sort(): SQL ORDER BY
        hh.sortIndicatorChanged.connect(self._on_sort_indicator)

        self.family_panel = FamilyPanel(can_print=can(ctx.actor, Capability.DOCS_PRINT))
        self.family_panel.certificateRequested.connect(self._ask_certificate)
        self.family_panel.set_formatters(self.model.nik_text, self.model.no_kk_text)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.family_panel)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(0, False)

        content = QWidget()
        cl = QVBoxLayout(content)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addLayout(bar)
        cl.addWidget(self.message_label)
        cl.addWidget(self.splitter, 1)

        # --- empty state
        self.empty_state = QWidget()
        self.empty_state.setObjectName("emptyState")
        el = QVBoxLayout(self.empty_state)
        el.addStretch(1)
        title = QLabel("Belum ada data")
        tf = title.font()
        tf.setPointSizeF(tf.pointSizeF() * 1.6)
        tf.setBold(True)
        title.setFont(tf)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_text = QLabel(
            "Basis data ini belum berisi keluarga maupun anggota keluarga.\n"
            "Impor berkas DTKS dari SIKS-NG, atau buat data contoh untuk mencoba aplikasi."
        )
        self.empty_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_text.setWordWrap(True)
        self.demo_button = QPushButton("Buat data contoh")
        self.demo_button.setObjectName("demoButton")
        self.demo_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.demo_button.clicked.connect(self.demoRequested)
        el.addWidget(title)
        el.addWidget(self.empty_text)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.demo_button)
        row.addStretch(1)
        el.addSpacing(12)
        el.addLayout(row)
        el.addStretch(2)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty_state)
        self.stack.addWidget(content)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)

        # --- behaviour
        self._page_reads = LatestJob(self)  # refresh(): what the page shows besides the table
        self._family_reads = LatestJob(self)  # the selected row's family
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._apply_filter)
        self.search_edit.textChanged.connect(lambda _t: self._debounce.start())
        self.search_edit.returnPressed.connect(self._apply_filter)
        self.kecamatan_combo.currentIndexChanged.connect(self._on_kecamatan_changed)
        self.desa_combo.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.status_combo.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.clear_button.clicked.connect(self.clear_filters)
        self.model.countChanged.connect(self._update_count_label)
        self.model.loadingChanged.connect(lambda _b: self._update_count_label())
        self.model.queryApplied.connect(self._on_query_applied)
        self.model.loadFailed.connect(self._on_load_failed)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, self.search_edit.setFocus)
        # Decisions come one per key press: refresh once the clerk pauses.
        events.follow(self, ctx.events, {events.REGISTRY, events.MATCHING, events.PROGRAMMES, events.SETTINGS},
                      self.refresh, delay_ms=800)

        self.refresh()

    # --- public

    def refresh(self) -> None:
        """Reload everything from the database (after an import, demo data, a settings change).

        What the page shows besides the table (empty or not, the kecamatan list, the mask policy) is
        read in a job; a newer refresh supersedes an older one. The table reloads once it is in.
        """
        self._family_reads.supersede()
        self._page_reads.start(self.ctx.db.read, _page_info, on_done=self._apply_page_info,
                               on_error=self._page_info_failed)

    def is_busy(self) -> bool:
        """A read of the page (besides the table's own) has not answered yet."""
        return self._page_reads.is_busy() or desa_reads(self.desa_combo).is_busy() or self._family_reads.is_busy()

    def _apply_page_info(self, info: tuple) -> None:
        has_data, self.kab_kode, kecamatan, policy = info
        self.model.set_mask_policy(policy)
        self.stack.setCurrentWidget(self.stack.widget(1) if has_data else self.empty_state)
        self._applying = True
        try:
            fill_kecamatan_combo(self.kecamatan_combo, kecamatan)
            self._fill_desa()
        finally:
            self._applying = False
        self.family_panel.clear()
        f = self.current_filter()
        if f != self.model.filter:
            self.model.set_filter(f)
        else:
            self.model.refresh()
        self._update_count_label()

    def _page_info_failed(self, exc: BaseException) -> None:
        self._on_load_failed(user_message(exc)[0])

    def current_filter(self) -> BrowseFilter:
        text = self.search_edit.text().strip() or None
        return BrowseFilter(
            kecamatan=self.kecamatan_combo.currentData(),
            desa=self.desa_combo.currentData(),
            status=self.status_combo.currentData(),
            text=text,
        )

    def clear_filters(self) -> None:
        self._applying = True
        try:
            self.search_edit.clear()
            self.status_combo.setCurrentIndex(0)
            self.kecamatan_combo.setCurrentIndex(0)
            self._fill_desa()
        finally:
            self._applying = False
        self._debounce.stop()
        self._apply_filter()

    def is_empty_state(self) -> bool:
        return self.stack.currentWidget() is self.empty_state

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if not self._sized:  # the family panel gets about a quarter of the width, once
            self._sized = True
            w = max(self.splitter.width(), 900)
            panel = max(380, int(w * 0.28))
            self.splitter.setSizes([w - panel, panel])

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.model.shutdown()
        super().closeEvent(event)

    # --- internals

    def _fill_desa(self) -> None:
        fill_desa_combo(self.ctx.db, self.kecamatan_combo, self.desa_combo)

    def _on_kecamatan_changed(self, _index: int) -> None:
        if self._applying:
            return
        self._fill_desa()
        self._apply_filter()

    def _apply_filter(self) -> None:
        if self._applying:
            return
        self._debounce.stop()
        self.model.set_filter(self.current_filter())
        self._update_count_label()

    def _on_sort_indicator(self, column: int, _order: Qt.SortOrder) -> None:
        if self.model.column_sort_key(column) is None:
            order = Qt.SortOrder.DescendingOrder if self.model.descending else Qt.SortOrder.AscendingOrder
            self.table.horizontalHeader().setSortIndicator(self.model.sort_column, order)

    def _on_query_applied(self) -> None:
        self.message_label.hide()
        self._family_reads.supersede()
        self.family_panel.clear()
        self._update_count_label()

    def _on_load_failed(self, message: str) -> None:
        self.message_label.setStyleSheet("color: #b00020;")
        self.message_label.setText(f"Data tidak dapat dimuat: {message}")
        self.message_label.show()

    def _update_count_label(self) -> None:
        n = self.model.member_count
        if n is None:
            rows = self.model.rowCount()
            if self.model.query_pending() or rows == 0:
                self.count_label.setText("Memuat…")
            else:  # the first rows are shown, the exact count is still running
                self.count_label.setText(f"≥ {fmt_int(rows)} anggota, menghitung…")
            return
        self.count_label.setText(f"{fmt_int(n)} anggota")
        if n == 0 and not self.model.is_loading() and not self.is_empty_state():
            self.message_label.setStyleSheet("")
            self.message_label.setText("Tidak ada anggota yang cocok dengan filter ini. Ubah atau hapus filter.")
            self.message_label.show()

    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.row_at(current.row()) if current.isValid() else None
        if row is None:
            if not current.isValid():
                self.family_panel.clear()
            return
        if self.family_panel.detail is not None and self.family_panel.detail.household_id == row.household_id:
            self.family_panel.show_family(self.family_panel.detail, row.id)
            return
        self.family_panel.clear("Memuat data keluarga…")
        member_id = row.id

        def shown(detail) -> None:
            self.family_panel.show_family(detail, member_id)

        def failed(exc: BaseException) -> None:
            self.family_panel.clear(user_message(exc)[0])  # FamilyNotFound says so in Indonesian

        self._family_reads.start(self.ctx.db.read, browse.family_detail, row.household_id,
                                 on_done=shown, on_error=failed)

    # --- surat keterangan terdaftar DTKS

    def _ask_certificate(self, household_id: int) -> None:
        from PySide6.QtWidgets import QDialog, QFileDialog

        from dtks_desktop.views.documents.keterangan_dialog import KeteranganDialog

        detail = self.family_panel.detail
        name = detail.head.nama if detail is not None and detail.head else "terpilih"
        dialog = KeteranganDialog(name, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        safe = "".join(c if c.isalnum() else "_" for c in name).strip("_")[:40]
        path, _ = QFileDialog.getSaveFileName(self, "Simpan surat keterangan", f"surat_keterangan_{safe}.pdf",
                                              "Dokumen PDF (*.pdf)")
        if path:
            if not path.lower().endswith(".pdf"):
                path += ".pdf"
            self.print_certificate(household_id, dialog.keperluan(), path)

    def print_certificate(self, household_id: int, keperluan: str, path: str) -> None:
        """Issue the Surat Keterangan Terdaftar DTKS of ``household_id`` to ``path`` in a job."""
        db, actor = self.ctx.db, self.ctx.actor
        msg = self.family_panel.action_message
        msg.clear_error()

        def done(data: dict) -> None:
            text = f"Surat keterangan nomor {data['nomor']} ditulis ke {path}."
            if data["warnings"]:
                msg.show_error(text + " " + " ".join(data["warnings"]))
            else:
                msg.show_ok(text)
            self.ctx.events.changed({events.DOCUMENTS, events.AUDIT}, source=self)
            self.certificatePrinted.emit()

        def failed(exc: BaseException) -> None:
            message, hint = user_message(exc)
            msg.show_error(f"{message} {hint}".strip())
            self.certificatePrinted.emit()

        self._certificate_job = start_job(
            self, Job(lambda: db.write(_print_keterangan, actor, household_id, keperluan, path), with_progress=False),
            "Mencetak surat keterangan", done, on_error=failed)
