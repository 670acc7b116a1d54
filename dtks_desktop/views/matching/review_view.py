"""The "Pemadanan" page: run the matching and let a clerk review what the machine could not decide.

Layout:

* **Top**: "Jalankan pemadanan" (``run_matching`` as a :class:`~dtks_desktop.jobs.Job` with the
  shared progress dialog), the filters (status, kecamatan, desa/kelurahan), "N menunggu" and
  "Terima massal…"; under it a strip with the number of members per status of the last run.
* **Left**: the review queue (module ``queue``), a ``ReviewQueueModel`` paged from
  ``services.matching.review.review_queue`` (200 rows per ``fetchMore``, in jobs).
* **Right**: ``ComparisonPanel`` (module ``comparison``), the selected member next to a civil-registry candidate,
  one row per field, differences highlighted, each field's note and weight; the proposed NIK in
  large type; a candidate selector when there are several.
* **Bottom right**: the decision buttons with their keys. "Terima massal…" is module ``bulk``;
  labels, colours and NIK masking shared by the parts are module ``common``.

The whole review works from the keyboard (the shortcuts belong to the work area, never to the
filter bar, so typing in a combo box cannot decide anything):

=================  ===========================================================
Enter, A           Terima: accept the proposal/link of the candidate shown
T, Delete          Tolak: reject it
1, 2, 3            show candidate 1/2/3 (then Enter accepts that candidate)
N, Down            next item (without deciding)
P, Up              previous item
Ctrl+Z             Urungkan: undo the user's last decision (``undo_last``)
B, Backspace       Buka kembali, in "Sudah diputuskan petugas": revert that decision (``reopen``)
=================  ===========================================================

The status filter also offers "Dipulihkan otomatis" (the machine's restorations of
spreadsheet-damaged NIKs: Enter confirms, T puts the file's NIK back) and "Sudah diputuskan
petugas" (decided results, any of which can be reopened).

After a decision the item leaves the queue and the next one is selected. Decisions go through
``decide`` (which audits); the view never writes SQL. Short calls (one item, one decision,
undo) run directly; the queue pages, its count, the bulk preview, the matching run and the bulk
accept run as jobs.
"""

from __future__ import annotations

import json
import logging

import shiboken6
from typing import Any, Callable

from PySide6.QtCore import (
    QModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dtks_desktop.domain.formatting import angka, tanggal_jam
from dtks_desktop.domain.masking import MaskPolicy
from dtks_desktop.domain.permissions import Capability, can, sees_full_nik
from dtks_desktop.domain.workflow.matching import Decision
from dtks_desktop.jobs import Job
from dtks_desktop.services.core import browse
from dtks_desktop.services.core import settings as settings_service
from dtks_desktop.services.matching import common as match_common
from dtks_desktop.services.matching import decisions as match_decisions
from dtks_desktop.services.matching import review as match_review
from dtks_desktop.services.matching import run as match_run
from dtks_desktop.services.matching.review import QueueItem, ReviewItem
from dtks_desktop.services.matching.run import MatchSummary
from dtks_desktop.views.core.audit_view import local_time
from dtks_desktop.views.common import events
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.latest import LatestJob
from dtks_desktop.views.common.widgets import desa_reads
from dtks_desktop.views.common.widgets import job_runner, show_exception, start_job, user_message, fill_desa_combo, fill_kecamatan_combo
from dtks_desktop.views.matching.common import (
    AUTO_COLOR,
    AUTO_HELP,
    AUTO_TOOLTIP,
    DECIDED_COLOR,
    DECIDED_HELP,
    DECIDED_TOOLTIP,
    dot_icon,
    escape,
    FILTER_STATUSES,
    Masker,
    MUTED,
    STATUS_COLORS,
    STATUS_HELP,
    STATUS_LABELS,
    STATUS_ORDER,
)
from dtks_desktop.views.matching.bulk import BULK_STATUSES, BulkAcceptDialog
from dtks_desktop.views.matching.reports_menu import ReportsMixin
from dtks_desktop.views.matching.comparison import ComparisonPanel
from dtks_desktop.views.matching.queue import QCOL_NAMA, QUEUE_COLUMNS, ReviewQueueModel


log = logging.getLogger(__name__)


def _overview(s) -> tuple:
    """Worker (through ``Database.read``): what refresh() shows besides the queue."""
    kab_kode = browse.office_kab_kode(s)
    kecamatan = browse.kecamatan_options(s, kab_kode) if kab_kode else []
    run = match_run.latest_run(s)
    run_info = None
    if run is not None:
        try:
            counts = json.loads(run.counts_json) if run.counts_json else {}
        except ValueError:
            counts = {}
        run_info = (run.id, run.finished_at or run.started_at, run.username, counts)
    return kab_kode, kecamatan, run_info, settings_service.mask_policy(s)


class SummaryStrip(QLabel):
    """Members per status after the last run: a coloured dot, the label and the number (wraps)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("summaryStrip")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setStyleSheet("QLabel#summaryStrip { background: palette(alternate-base); border-radius: 4px; "
                           "padding: 4px 8px; }")
        self.counts: dict[str, int] = {}

    def set_counts(self, counts: dict[str, int], head: str) -> None:
        self.counts = {s: int(counts.get(s, 0)) for s in STATUS_ORDER}
        parts = []
        restored = int(counts.get(match_common.AUTO_COUNT_KEY, 0) or 0)
        for s in STATUS_ORDER:
            extra = ""
            if s == match_common.RESTORED_STATUS and restored:
                extra = f" ({angka(restored)} dipulihkan otomatis)"
            parts.append(f"<span style='white-space:nowrap'><span style='color:{STATUS_COLORS[s]}'>●</span>"
                         f"&nbsp;{STATUS_LABELS[s]}:&nbsp;<b>{angka(self.counts[s])}</b>{extra}</span>")
        self.setText(f"<span style='color:{MUTED}'>{escape(head)}</span>&nbsp; " + " &nbsp;&nbsp; ".join(parts))

    def set_empty(self, text: str) -> None:
        self.counts = {}
        self.setText(f"<span style='color:{MUTED}'>{escape(text)}</span>")


class ReviewView(ReportsMixin, QWidget):
    """The "Pemadanan" page: run the matching, review the queue, decide from the keyboard."""

    #: A decision on this member was made or undone (its NIK may have changed): the Data view may
    #: refresh. 0 means several members at once ("Terima massal" or the undo of one).
    decided = Signal(int)
    #: A matching run finished (results written).
    matchingFinished = Signal()
    #: "Terima massal" accepted this many results (``decided(0)`` follows).
    bulkAccepted = Signal(int)
    #: A report of the menu "Laporan" ended (written or refused).
    reportFinished = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.may_decide = can(ctx.actor, Capability.MATCH_DECIDE)
        self.may_bulk = can(ctx.actor, Capability.MATCH_BULK)
        self.kab_kode: str | None = None
        self.run_handle = None
        self.bulk_handle = None
        self.bulk_dialog: BulkAcceptDialog | None = None
        self.last_summary: MatchSummary | None = None
        self._applying = False
        self._sized = False
        self._has_results = False  # a matching run exists
        self._select_after_load: int | None = None  # member id, or -row-1 for a row
        self._await_page = False  # every loaded row was decided; select the first of the next page
        self._history: list[int] = []  # member ids decided here, for the selection after "Urungkan"
        self._detail_for: int | None = None  # member whose comparison is being read
        self._overview_reads = LatestJob(self)  # refresh(): filters' options, last run, mask policy
        #: Decisions, undos and reopenings, written one after another in jobs (FIFO): the clerk may
        #: go on to the next item while a write runs, and "Urungkan" always follows the decisions
        #: before it. Each entry: (fn, args, on_done, on_error).
        self._writes: list[tuple] = []
        self._write_job: Job | None = None
        self._pending_members: set[int] = set()  # decided here, write not answered yet
        self._reload_after_writes: int | None = None  # a failed write's member, shown again afterwards
        self._detail_jobs: list[Job] = []
        # Masked by the default policy until refresh() reads the office's (no row is shown before).
        self.masker = Masker(None if sees_full_nik(ctx.actor) else MaskPolicy())

        # --- top bar
        self.run_button = QPushButton("Jalankan pemadanan")
        self.run_button.setObjectName("runButton")
        self.run_button.setToolTip("Cocokkan data DTKS dengan data Dukcapil terbaru. Keputusan petugas "
                                   "yang sudah ada tidak diubah.")
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("statusFilter")
        self.status_combo.addItem("Semua yang perlu diperiksa", None)
        for s in FILTER_STATUSES:
            self.status_combo.addItem(dot_icon(STATUS_COLORS[s]), STATUS_LABELS[s], s)
        self.status_combo.addItem(dot_icon(AUTO_COLOR), match_common.AUTO_LABEL, match_common.AUTO_FILTER)
        self.status_combo.setItemData(self.status_combo.count() - 1, AUTO_TOOLTIP, Qt.ItemDataRole.ToolTipRole)
        self.status_combo.addItem(dot_icon(DECIDED_COLOR), match_common.DECIDED_LABEL, match_common.DECIDED_FILTER)
        self.status_combo.setItemData(self.status_combo.count() - 1, DECIDED_TOOLTIP, Qt.ItemDataRole.ToolTipRole)
        self.kecamatan_combo = QComboBox()
        self.kecamatan_combo.setObjectName("kecamatanFilter")
        self.kecamatan_combo.setMinimumContentsLength(12)
        self.kecamatan_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.desa_combo = QComboBox()
        self.desa_combo.setObjectName("desaFilter")
        self.desa_combo.setMinimumContentsLength(14)
        self.desa_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.count_label = QLabel()
        self.count_label.setObjectName("queueCount")
        cf = self.count_label.font()
        cf.setBold(True)
        self.count_label.setFont(cf)
        self.count_label.setMinimumWidth(120)
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.bulk_button = QPushButton("Terima massal…")
        self.bulk_button.setObjectName("bulkButton")
        self.bulk_button.setToolTip("Terima sekaligus usulan dengan skor tinggi")

        self._build_report_button(ctx)

        top = QHBoxLayout()
        top.addWidget(self.run_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.bulk_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.report_button, 0, Qt.AlignmentFlag.AlignTop)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Status"))
        bar.addWidget(self.status_combo)
        bar.addSpacing(8)
        bar.addWidget(QLabel("Kecamatan"))
        bar.addWidget(self.kecamatan_combo)
        bar.addSpacing(8)
        bar.addWidget(QLabel("Desa/Kel"))
        bar.addWidget(self.desa_combo)
        bar.addStretch(1)
        bar.addWidget(self.count_label)

        self.summary_strip = SummaryStrip()
        self.message_label = QLabel()
        self.message_label.setObjectName("reviewMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.hide()

        # --- the queue
        self.model = ReviewQueueModel(ctx.db, self.masker, self)
        self.table = QTableView()
        self.table.setObjectName("reviewQueue")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.setCornerButtonEnabled(False)
        self.table.setTabKeyNavigation(False)
        self.table.setIconSize(QSize(14, 14))
        vh = self.table.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.fontMetrics().height() + 8)
        vh.hide()
        hh = self.table.horizontalHeader()
        hh.setHighlightSections(False)
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setStretchLastSection(True)
        for i, (_title, width) in enumerate(QUEUE_COLUMNS):
            self.table.setColumnWidth(i, width)

        # --- comparison + decisions
        self.comparison = ComparisonPanel(self.masker)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.comparison)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)

        self.accept_button = QPushButton("Terima (Enter)")
        self.accept_button.setObjectName("acceptButton")
        self.reject_button = QPushButton("Tolak (T)")
        self.reject_button.setObjectName("rejectButton")
        self.prev_button = QPushButton("Sebelumnya (P)")
        self.next_button = QPushButton("Berikutnya (N)")
        self.next_button.setObjectName("nextButton")
        self.undo_button = QPushButton("Urungkan (Ctrl+Z)")
        self.undo_button.setObjectName("undoButton")
        self.reopen_button = QPushButton("Buka kembali (B)")
        self.reopen_button.setObjectName("reopenButton")
        self.reopen_button.setToolTip("Batalkan keputusan ini (tidak harus yang terakhir); hasilnya kembali ke antrean")
        self.reopen_button.hide()
        self.accept_button.setStyleSheet(
            "QPushButton#acceptButton { background: #2e7d32; color: white; font-weight: bold; padding: 6px 14px; }"
            "QPushButton#acceptButton:disabled { background: #a5c8a7; }")
        self.reject_button.setStyleSheet(
            "QPushButton#rejectButton { background: #c62828; color: white; font-weight: bold; padding: 6px 14px; }"
            "QPushButton#rejectButton:disabled { background: #e0a9a9; }")
        for b in (self.accept_button, self.reject_button, self.prev_button, self.next_button, self.undo_button,
                  self.reopen_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # every action has its key; focus stays in the queue
        self.accept_button.setToolTip("Terima usulan/tautan kandidat yang ditampilkan (tombol Enter atau A)")
        self.reject_button.setToolTip("Tolak usulan/tautan ini (tombol T atau Delete)")
        self.next_button.setToolTip("Lewati, ke baris berikutnya (tombol N atau panah bawah)")
        self.prev_button.setToolTip("Ke baris sebelumnya (tombol P atau panah atas)")
        self.undo_button.setToolTip("Batalkan keputusan terakhir Anda (Ctrl+Z)")
        actions = QHBoxLayout()
        actions.addWidget(self.accept_button)
        actions.addWidget(self.reject_button)
        actions.addSpacing(16)
        actions.addWidget(self.prev_button)
        actions.addWidget(self.next_button)
        actions.addStretch(1)
        actions.addWidget(self.reopen_button)
        actions.addWidget(self.undo_button)
        self.action_help = QLabel()
        self.action_help.setObjectName("actionHelp")
        self.action_help.setWordWrap(True)
        self.key_help = QLabel("Juga: A = Terima · Delete = Tolak · 1, 2, 3 = pilih kandidat · "
                               "↑ ↓ = pindah baris · B = buka kembali (di \"Sudah diputuskan petugas\")")
        self.key_help.setStyleSheet(f"color: {MUTED};")
        self.key_help.setWordWrap(True)
        self.feedback = QLabel()
        self.feedback.setObjectName("feedback")
        self.feedback.setWordWrap(True)
        self.feedback.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(scroll, 1)
        rl.addWidget(self.action_help)
        rl.addLayout(actions)
        rl.addWidget(self.key_help)
        rl.addWidget(self.feedback)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setCollapsible(0, False)
        self.splitter.setCollapsible(1, False)
        # The shortcuts live on the work area (queue + comparison + buttons), not on the filter bar.
        self.work_area = self.splitter

        top.addWidget(self.summary_strip, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(bar)
        layout.addWidget(self.message_label)
        layout.addWidget(self.splitter, 1)

        # --- keyboard
        self.shortcuts: dict[str, list[QShortcut]] = {}
        self._add_keys("terima", (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_A), self.accept_current)
        self._add_keys("tolak", (Qt.Key.Key_T, Qt.Key.Key_Delete), self.reject_current)
        self._add_keys("berikutnya", (Qt.Key.Key_N, Qt.Key.Key_Down), self.select_next)
        self._add_keys("sebelumnya", (Qt.Key.Key_P, Qt.Key.Key_Up), self.select_previous)
        self._add_keys("buka", (Qt.Key.Key_B, Qt.Key.Key_Backspace), self.reopen_current)
        self._add_keys("urungkan", (QKeySequence.StandardKey.Undo,), self.undo)
        for n, key in enumerate((Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3)):
            self._add_keys(f"kandidat{n + 1}", (key,), lambda i=n: self.choose_candidate(i))

        # --- behaviour
        self.run_button.clicked.connect(lambda: self.run_matching())
        self.bulk_button.clicked.connect(self.open_bulk_dialog)
        self.accept_button.clicked.connect(self.accept_current)
        self.reject_button.clicked.connect(self.reject_current)
        self.next_button.clicked.connect(self.select_next)
        self.prev_button.clicked.connect(self.select_previous)
        self.undo_button.clicked.connect(self.undo)
        self.reopen_button.clicked.connect(self.reopen_current)
        self.status_combo.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.kecamatan_combo.currentIndexChanged.connect(self._on_kecamatan_changed)
        self.desa_combo.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.model.countChanged.connect(self._update_count)
        self.model.loaded.connect(self._on_loaded)
        self.model.rowsInserted.connect(lambda *_a: self._on_rows_inserted())
        self.model.loadFailed.connect(lambda text: self._say(f"Antrean tidak dapat dimuat: {text}", "error"))
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.comparison.candidateChanged.connect(lambda _i: self._update_buttons())

        if not self.may_decide:
            for w in (self.run_button, self.bulk_button, self.accept_button, self.reject_button, self.undo_button):
                w.setEnabled(False)
                w.setToolTip("Peran Anda hanya dapat melihat hasil pemadanan.")
            self.key_help.setText("Peran Anda hanya dapat melihat hasil pemadanan; keputusan dibuat oleh operator.")
        events.follow(self, ctx.events, {events.REGISTRY, events.DUKCAPIL, events.MATCHING, events.SETTINGS},
                      self.refresh)
        self.refresh()

    # ------------------------------------------------------------------ public
    def refresh(self) -> None:
        """Reload the filters' options, the last run's counts and the queue (data changed elsewhere).

        Read in a job; the queue loads when it is here.
        """
        self._overview_reads.start(self.ctx.db.read, _overview, on_done=self._refreshed,
                                   on_error=self._refresh_failed)

    @property
    def _refreshing(self) -> int:
        """1 while a refresh() read is under way (the newest one), else 0."""
        return int(self._overview_reads.is_busy())

    def _refresh_failed(self, exc: BaseException) -> None:
        self.comparison.clear(user_message(exc)[0])

    def _refreshed(self, result: tuple) -> None:
        self.kab_kode, kecamatan, run_info, policy = result
        if self.masker.policy is not None:
            self.masker.policy = policy
        self._applying = True
        try:
            fill_kecamatan_combo(self.kecamatan_combo, kecamatan)
            self._fill_desa()
        finally:
            self._applying = False
        if run_info is None:
            self.summary_strip.set_empty("Pemadanan belum pernah dijalankan. Klik \"Jalankan pemadanan\" untuk "
                                         "mencocokkan data DTKS dengan data Dukcapil.")
        else:
            run_id, at, who, counts = run_info
            t = local_time(at)
            when = tanggal_jam(t) if t else ""
            self.summary_strip.set_counts(counts, f"Pemadanan terakhir {when}" + (f" oleh {who}:" if who else ":"))
        self._has_results = run_info is not None
        self.reload_queue()

    def reload_queue(self, select_member: int | None = None, select_row: int | None = None) -> None:
        if select_member is not None:
            self._select_after_load = select_member
        elif select_row is not None:
            self._select_after_load = -select_row - 1
        else:
            self._select_after_load = None
        self.comparison.clear("Memuat antrean…")
        self.model.load(self.status_combo.currentData(), self.current_region())
        self._update_buttons()

    def current_region(self) -> str | None:
        return self.desa_combo.currentData() or self.kecamatan_combo.currentData()

    def current_item(self) -> QueueItem | None:
        idx = self.table.currentIndex()
        return self.model.item_at(idx.row()) if idx.isValid() else None

    def wait_idle(self, timeout_ms: int = 30000) -> bool:
        """Process events until the overview, the queue's page and the comparison are here (tests,
        screenshots). Pages the table asks for afterwards are not waited for."""
        import time

        deadline = time.monotonic() + timeout_ms / 1000

        def settle(done: Callable[[], bool]) -> bool:
            while not done():
                if time.monotonic() >= deadline:
                    return False
                QApplication.processEvents()
                time.sleep(0.002)
            return True

        ok = settle(lambda: not self._overview_reads.is_busy() and not desa_reads(self.desa_combo).is_busy())
        ok = ok and self.model.wait_idle(max(1, int((deadline - time.monotonic()) * 1000)))
        ok = ok and settle(lambda: self._write_job is None and not self._writes)
        ok = ok and settle(lambda: not self._overview_reads.is_busy() and not desa_reads(self.desa_combo).is_busy())
        ok = ok and self.model.wait_idle(max(1, int((deadline - time.monotonic()) * 1000)))
        ok = ok and settle(lambda: self._detail_for is None and all(j.done.is_set() for j in self._detail_jobs))
        QApplication.processEvents()
        return ok

    # ------------------------------------------------------------------ run, bulk
    def run_matching(self, full: bool = False) -> None:
        if not self.may_decide or (self.run_handle is not None and not self.run_handle.finished):
            return
        job = Job(match_run.run_matching, self.ctx.db, self.ctx.actor, full=bool(full))
        self.run_button.setEnabled(False)
        self.run_handle = start_job(self, job, "Menjalankan pemadanan", self._run_done,
                                    on_error=self._run_failed, on_cancel=self._run_cancelled)

    def _run_done(self, summary: MatchSummary) -> None:
        self.run_button.setEnabled(self.may_decide)
        self.last_summary = summary
        self.refresh()
        self._say(f"Pemadanan selesai dalam {angka(summary.seconds, 1)} detik: {angka(summary.members_matched)} "
                  f"anggota dipadankan, {angka(summary.skipped_unchanged)} tidak berubah, "
                  f"{angka(summary.skipped_decided)} sudah diputuskan petugas."
                  + (f"\n{angka(summary.restored_auto)} NIK yang rusak oleh spreadsheet dipulihkan otomatis "
                     f"(filter Status: \"{match_common.AUTO_LABEL}\")." if summary.restored_auto else "")
                  + ("\n" + "\n".join(summary.notes) if summary.notes else ""), "ok")
        self.ctx.events.changed(summary.changes, source=self)
        self.matchingFinished.emit()

    def _run_failed(self, exc: BaseException) -> None:
        self.run_button.setEnabled(self.may_decide)
        show_exception(self, exc, "Pemadanan gagal")

    def _run_cancelled(self) -> None:
        self.run_button.setEnabled(self.may_decide)
        self._say("Pemadanan dibatalkan; hasil sebelumnya tetap dipakai.", "info")

    def open_bulk_dialog(self) -> BulkAcceptDialog | None:
        if not self.may_bulk:
            return None
        status = self.status_combo.currentData()
        dialog = BulkAcceptDialog(self.ctx.db, self, actor=self.ctx.actor, status=status if status in BULK_STATUSES else None)
        dialog.accepted.connect(lambda d=dialog: self._bulk_confirmed(d.status, d.min_score))
        dialog.finished.connect(lambda _r, d=dialog: self._bulk_closed(d))
        self.bulk_dialog = dialog
        dialog.open()
        return dialog

    def _bulk_closed(self, dialog: BulkAcceptDialog) -> None:
        if self.bulk_dialog is dialog:
            self.bulk_dialog = None
        dialog.deleteLater()
        self.table.setFocus()

    def _bulk_confirmed(self, status: str, min_score: float) -> None:
        job = Job(match_decisions.bulk_accept, self.ctx.db, self.ctx.actor, status, min_score, with_progress=False)
        self.bulk_handle = start_job(self, job, "Menerima massal", self._bulk_done, cancellable=False)

    def _bulk_done(self, count: int) -> None:
        self._history.clear()  # "Urungkan" now reverts the whole bulk accept
        self._say(f"{angka(count)} hasil diterima sekaligus. \"Urungkan (Ctrl+Z)\" membatalkan seluruhnya.", "ok")
        self.reload_queue(select_row=0)
        self.bulkAccepted.emit(count)
        self._decided(0, match_decisions.bulk_accept.changes)

    # ------------------------------------------------------------------ decisions
    def _decided(self, member_id: int, changes: frozenset[str]) -> None:
        """A decision (or its undo) was saved: tell the other pages what it changed, then the listeners."""
        self.ctx.events.changed(changes, source=self)
        self.decided.emit(member_id)

    def in_decided_list(self) -> bool:
        return self.status_combo.currentData() == match_common.DECIDED_FILTER

    def reopen_current(self) -> None:
        """B / Backspace in "Sudah diputuskan petugas": revert that decision (not only the last)."""
        item = self.comparison.item
        if item is None or not self.may_decide:
            return
        if not self.in_decided_list():
            self._say(f"Pilih status \"{match_common.DECIDED_LABEL}\" untuk membuka kembali keputusan lama; "
                      "keputusan terakhir dapat diurungkan dengan Ctrl+Z.", "info")
            return
        member_id = item.member_id
        if member_id in self._pending_members:
            return  # a second press before the first was saved
        # The next item is shown at once; the write runs in a job (see _write).
        self._take_out(member_id)

        def done(text: str) -> None:
            self._say(text, "ok")
            self._decided(member_id, match_decisions.reopen.changes)

        def failed(exc: BaseException) -> None:
            show_exception(self, exc, "Keputusan tidak dapat dibuka kembali")

        self._write(member_id, match_decisions.reopen, (self.ctx.db, self.ctx.actor, member_id), done, failed)

    def accept_current(self) -> None:
        item = self.comparison.item
        if item is None or not self.may_decide:
            return
        if self.in_decided_list():
            self._say("Hasil ini sudah diputuskan. Tekan B untuk membuka kembali keputusannya.", "info")
            return
        if self.comparison.picks_other_candidate():
            self._decide(item.member_id, "pilih", candidate_nik=self.comparison.candidate().nik)
        else:
            self._decide(item.member_id, "terima")

    def reject_current(self) -> None:
        item = self.comparison.item
        if item is None or not self.may_decide:
            return
        if self.in_decided_list():
            self._say("Hasil ini sudah diputuskan. Tekan B untuk membuka kembali keputusannya.", "info")
            return
        self._decide(item.member_id, "tolak")

    def choose_candidate(self, index: int) -> None:
        """Keys 1/2/3: show that candidate; Enter then accepts it."""
        if self.comparison.item is None:
            return
        if not self.comparison.select_candidate(index, explicit=True):
            n = len(self.comparison.item.candidates)
            self._say(f"Tidak ada kandidat {index + 1}; anggota ini punya {n} kandidat." if n else
                      "Anggota ini tidak punya kandidat dari Dukcapil.", "info")

    def _decide(self, member_id: int, action: str, **kwargs: Any) -> None:
        """Decide on ``member_id`` (bound now, whatever is shown when the write ends)."""
        if member_id in self._pending_members:
            return  # a second press before the first was saved
        item = self.comparison.item
        nama = item.nama if item is not None and item.member_id == member_id else f"#{member_id}"
        self._take_out(member_id)

        def failed(exc: BaseException) -> None:
            log.info("Decision on member %s failed: %s", member_id, exc)
            show_exception(self, exc, "Keputusan tidak dapat disimpan")

        self._write(member_id, match_decisions.decide, (self.ctx.db, self.ctx.actor, member_id, action),
                    lambda result: self._decision_saved(member_id, nama, result), failed, **kwargs)

    def _take_out(self, member_id: int) -> None:
        """Take a decided item out of the list and show the next one while its write runs."""
        self._pending_members.add(member_id)
        row = self.model.row_of(member_id)
        removed = self.model.remove_member(member_id)
        self.comparison.item = None  # no key can act on the decided item any more
        self._select_row(removed if removed >= 0 else max(row, 0))

    def _write(self, member_id: int | None, fn: Callable[..., Any], args: tuple,
               on_done: Callable[[Any], None], on_error: Callable[[BaseException], None], **kwargs: Any) -> None:
        """Queue a write; writes run one at a time, in the order the clerk made them."""
        self._writes.append((member_id, fn, args, kwargs, on_done, on_error))
        self._next_write()

    def _next_write(self) -> None:
        if self._write_job is not None or not self._writes:
            return
        member_id, fn, args, kwargs, on_done, on_error = self._writes.pop(0)
        job = Job(fn, *args, with_progress=False, **kwargs)
        alive = lambda: shiboken6.isValid(self)  # noqa: E731 - the page may be closed meanwhile

        def ended() -> None:
            self._write_job = None
            self._pending_members.discard(member_id)  # type: ignore[arg-type]
            self._next_write()
            if self._write_job is None and self._reload_after_writes is not None:
                # A write failed: its item goes back, once no other write can change the list.
                target, self._reload_after_writes = self._reload_after_writes, None
                self.reload_queue(select_member=target)

        def finished(result: Any) -> None:
            if alive():
                ended()
                on_done(result)

        def failed(exc: BaseException, _tb: str = "") -> None:
            if alive():
                if member_id is not None:  # its item was taken out: it comes back
                    self._reload_after_writes = member_id
                ended()
                on_error(exc)

        job.signals.finished.connect(finished)
        job.signals.failed.connect(failed)
        job.signals.cancelled.connect(lambda: failed(Exception("Dibatalkan.")))
        self._write_job = job
        job_runner().start(job)

    def _decision_saved(self, member_id: int, nama: str, result: Any) -> None:
        self._history.append(member_id)
        if result.decision == Decision.DITOLAK and result.nik_before != result.nik_after:
            text = (f"Ditolak: {nama} — NIK dikembalikan {self.masker.nik(result.nik_before) or '(kosong)'} → "
                    f"{self.masker.nik(result.nik_after) or '(kosong, seperti di berkas)'}.")
        elif result.decision == Decision.DITOLAK:
            text = f"Ditolak: {nama}."
        elif result.nik_before != result.nik_after:
            text = (f"Diterima: {nama} — NIK diganti {self.masker.nik(result.nik_before) or '(kosong)'} → "
                    f"{self.masker.nik(result.nik_after)}.")
        else:
            text = f"Diterima: {nama}."
        self._say(text + " Ctrl+Z untuk mengurungkan.", "ok")
        self._decided(member_id, result.changes)

    def undo(self) -> None:
        if not self.may_decide:
            return
        # After the decisions still being written (the writes run in order).
        self._write(None, match_decisions.undo_last, (self.ctx.db, self.ctx.actor), self._undone,
                    lambda exc: show_exception(self, exc, "Tidak dapat diurungkan"))

    def _undone(self, text: str | None) -> None:
        if text is None:
            self._say("Tidak ada keputusan yang dapat diurungkan.", "info")
            return
        member_id = self._history.pop() if self._history else None
        self._say(f"{text} Data kembali ke antrean.", "ok")
        row = self.table.currentIndex().row()
        self.reload_queue(select_member=member_id) if member_id is not None else \
            self.reload_queue(select_row=max(row, 0))
        self._decided(member_id or 0, match_decisions.undo_last.changes)

    # ------------------------------------------------------------------ navigation
    def select_next(self) -> None:
        self._step(+1)

    def select_previous(self) -> None:
        self._step(-1)

    def _step(self, delta: int) -> None:
        n = self.model.rowCount()
        if n == 0:
            return
        row = self.table.currentIndex().row()
        target = 0 if row < 0 else row + delta
        if target >= n:
            if self.model.canFetchMore():
                self._select_after_load = None
                self.model.fetchMore()
            target = n - 1
        self._select_row(max(target, 0))

    def _select_row(self, row: int) -> None:
        n = self.model.rowCount()
        if n == 0:
            self.table.setCurrentIndex(QModelIndex())
            if self.model.canFetchMore():  # every loaded row was decided: the next page
                self._await_page = True
                self.model.fetchMore()
            self._show_empty()
            return
        row = min(max(row, 0), n - 1)
        index = self.model.index(row, QCOL_NAMA)
        self.table.setCurrentIndex(index)
        self.table.selectRow(row)
        self.table.scrollTo(index)
        if row >= n - 5 and self.model.canFetchMore():  # stepping near the end: fetch the next page now
            self.model.fetchMore()
        if self.current_item() is not None and (
                self.comparison.item is None or self.comparison.item.member_id != self.current_item().member_id):
            self._show_current()

    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._show_current()

    def _show_current(self) -> None:
        it = self.current_item()
        if it is None:
            return
        if self.comparison.item is not None and self.comparison.item.member_id == it.member_id:
            return
        if self._detail_for == it.member_id:
            return  # already on its way
        # The comparison is read in a job; until it is here no decision can act on the old item.
        self.comparison.item = None
        self._detail_for = it.member_id
        job = Job(self.ctx.db.read, match_review.review_item, it.member_id, with_progress=False)
        alive = lambda: shiboken6.isValid(self)  # noqa: E731 - the page may be closed meanwhile
        job.signals.finished.connect(lambda item, m=it.member_id: alive() and self._detail_loaded(m, item))
        job.signals.failed.connect(lambda exc, _tb, m=it.member_id: alive() and self._detail_failed(m, exc))
        job.signals.cancelled.connect(lambda m=it.member_id: alive() and self._detail_failed(m, None))
        self._detail_jobs = [j for j in self._detail_jobs if not j.done.is_set()] + [job]
        job_runner().start(job)
        self._update_buttons()

    def _detail_current(self, member_id: int) -> bool:
        if self._detail_for != member_id:
            return False
        self._detail_for = None
        it = self.current_item()
        return it is not None and it.member_id == member_id

    def _detail_failed(self, member_id: int, exc: BaseException | None) -> None:
        if not self._detail_current(member_id):
            return
        if exc is not None:
            self.comparison.clear(user_message(exc)[0])
        self._update_buttons()

    def _detail_loaded(self, member_id: int, item: ReviewItem) -> None:
        if not self._detail_current(member_id):
            if self._detail_for is None:
                self._show_current()  # the selection moved on meanwhile
            return
        self.comparison.show_item(item)
        auto = item.decision == match_common.AUTO
        if item.decision in (Decision.DITERIMA, Decision.DITOLAK):
            self.action_help.setText(DECIDED_HELP.format(keputusan=item.decision))
        else:
            self.action_help.setText(AUTO_HELP if auto else STATUS_HELP.get(item.status, ""))
        self._update_buttons()

    def _show_empty(self) -> None:
        if self.model.is_loading():
            self.comparison.clear("Memuat antrean…")
        elif not self._has_results:
            self.comparison.clear("Belum ada hasil pemadanan.\n\nKlik \"Jalankan pemadanan\" di atas untuk "
                                  "mencocokkan data DTKS dengan data Dukcapil. Yang perlu diperiksa akan muncul "
                                  "di daftar sebelah kiri.")
        elif self.in_decided_list():
            self.comparison.clear("Belum ada keputusan petugas untuk pilihan wilayah ini.")
        elif self.status_combo.currentData() == match_common.AUTO_FILTER:
            self.comparison.clear("Tidak ada NIK yang dipulihkan otomatis (dan belum diperiksa) untuk pilihan "
                                  "wilayah ini.")
        elif self.status_combo.currentData() is None and self.current_region() is None:
            self.comparison.clear("Tidak ada yang perlu diperiksa. Semua hasil pemadanan sudah diputuskan.")
        else:
            self.comparison.clear("Tidak ada yang perlu diperiksa untuk pilihan status dan wilayah ini.")
        self.action_help.setText("")
        self._update_buttons()

    def _on_rows_inserted(self) -> None:
        if self._await_page and not self.table.currentIndex().isValid():
            self._await_page = False
            self._select_row(0)

    def _on_loaded(self) -> None:
        self._await_page = False
        target = self._select_after_load
        self._select_after_load = None
        if self.model.rowCount() == 0:
            self._show_empty()
            return
        row = 0
        if target is not None:
            if target >= 0:
                r = self.model.row_of(target)
                row = r if r >= 0 else 0
            else:
                row = -target - 1
        self.comparison.item = None
        self._select_row(row)
        if self.isVisible() and not self._focus_elsewhere():
            self.table.setFocus()

    def _focus_elsewhere(self) -> bool:
        w = QApplication.focusWidget()
        return w is not None and w is not self.table and self.isAncestorOf(w) and not self.splitter.isAncestorOf(w)

    # ------------------------------------------------------------------ filters
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
        self.reload_queue()

    # ------------------------------------------------------------------ state
    def _update_count(self) -> None:
        total = self.model.total
        if total is None:
            self.count_label.setText("Memuat…")
        else:
            noun = {match_common.AUTO_FILTER: "dipulihkan", match_common.DECIDED_FILTER: "diputuskan"}.get(
                self.status_combo.currentData(), "menunggu")
            self.count_label.setText(f"{angka(total)} {noun}")

    def _update_buttons(self) -> None:
        has = self.comparison.item is not None
        decided_list = self.in_decided_list()
        for b in (self.accept_button, self.reject_button):
            b.setEnabled(has and self.may_decide and not decided_list)
            b.setVisible(not decided_list)
        self.reopen_button.setVisible(decided_list)
        self.reopen_button.setEnabled(has and self.may_decide)
        n = self.model.rowCount()
        row = self.table.currentIndex().row()
        self.next_button.setEnabled(n > 0 and (row < n - 1 or self.model.canFetchMore()))
        self.prev_button.setEnabled(n > 0 and row > 0)
        if has and self.comparison.picks_other_candidate():
            self.accept_button.setText(f"Terima kandidat {self.comparison.candidate_index + 1} (Enter)")
        else:
            self.accept_button.setText("Terima (Enter)")
        self.bulk_button.setEnabled(self.may_bulk and self._has_results)

    def _say(self, text: str, kind: str = "info") -> None:
        color = {"ok": "#1b5e20", "error": "#b00020"}.get(kind, "")
        if kind in ("ok", "info") and text:
            self.feedback.setStyleSheet(f"color: {color};" if color else "")
            self.feedback.setText(text)
            self.message_label.hide()
            return
        self.message_label.setStyleSheet(f"color: {color};" if color else "")
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def _add_keys(self, name: str, keys, slot: Callable[[], None]) -> None:
        made = []
        for key in keys:
            sc = QShortcut(QKeySequence(key), self.work_area)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.setAutoRepeat(name in ("berikutnya", "sebelumnya"))
            sc.activated.connect(slot)
            made.append(sc)
        self.shortcuts[name] = made

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if not self._sized:
            self._sized = True
            w = max(self.splitter.width(), 900)
            left = max(400, int(w * 0.44))
            self.splitter.setSizes([left, w - left])
        QTimer.singleShot(0, self.table.setFocus)
