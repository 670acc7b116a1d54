"""Penyaluran: the last mile of a programme — distribution periods (tahap), their KPM lists, the PT
Pos cleaning rounds, the mapping from RT up to kecamatan with the distribution points, and the
documents to print.

Layout: "Tahap baru…" (and "Batalkan tahap…" for leads) on top; the periods on the left; the chosen
period on the right: its programme, benefit, source and counts, and tabs — Daftar KPM, Pembersihan,
Pemetaan, Cetak. More tabs that follow the chosen period (the receipt desk, the realisation
report) are added with :meth:`DistributionView.add_period_tab`.

Every read and write runs in a job through ``services/distribution``; the services check the
capabilities (DIST_MANAGE to prepare a period, DOCS_PRINT to print, DIST_CLOSE to cancel one): the
page only hides or disables what the user may not do.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QInputDialog, QLabel, QMessageBox, QPushButton, QSplitter,
                               QTabWidget, QVBoxLayout, QWidget)

from dtks_desktop.domain.formatting import angka
from dtks_desktop.domain.permissions import Capability, can
from dtks_desktop.domain.submission import Kind
from dtks_desktop.domain.workflow.distribution import PERIOD, PeriodStatus
from dtks_desktop.domain.workflow.submission import BatchStatus
from dtks_desktop.jobs import Job
from dtks_desktop.services.distribution import mapping, periods
from dtks_desktop.services.submission import batches as sub_batches
from dtks_desktop.views.common import events
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.latest import LatestJob
from dtks_desktop.views.common.widgets import ErrorLabel, job_runner, start_job, user_message
from dtks_desktop.views.distribution.cleaning_tab import CleaningTab
from dtks_desktop.views.common.widgets import fill_table, plain_table
from dtks_desktop.views.distribution.common import CHANGED, when
from dtks_desktop.views.distribution.kpm_tab import KpmTab
from dtks_desktop.views.distribution.mapping_tab import MappingTab
from dtks_desktop.views.distribution.period_dialog import PeriodDialog
from dtks_desktop.views.distribution.print_tab import PrintTab
from dtks_desktop.views.distribution.realisation_view import RealisationView
from dtks_desktop.views.distribution.receipt_desk import ReceiptDesk

PERIOD_COLUMNS = (("Program", 84), ("Tahap", 92), ("Status", 72), ("KPM", 46))
COL_STATUS = 2
#: Short status words for the list (the full label is in the chip).
STATUS_SHORT = {PeriodStatus.DRAF: "Draf", PeriodStatus.SIAP: "Siap salur", PeriodStatus.PENYALURAN: "Penyaluran",
                PeriodStatus.SELESAI: "Selesai", PeriodStatus.BATAL: "Batal"}


def _setup(s):
    """Worker: the programmes and the batches a period can take its KPM from (results came back)."""
    found = sub_batches.list_batches(s, status=BatchStatus.HASIL_DITERIMA.value)
    usable = [b for b in found if b.kind in (Kind.USULAN_BARU.value, Kind.PERBAIKAN.value)]
    return periods.programmes(s), usable


def _detail(s, period_id: int):
    """Worker: a period and its region tree, in one read."""
    return periods.get_period(s, period_id), mapping.tree(s, period_id)


class DistributionView(QWidget):
    """The "Penyaluran" page."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.may_manage = can(ctx.actor, Capability.DIST_MANAGE)
        self.may_close = can(ctx.actor, Capability.DIST_CLOSE)
        self.periods: list = []
        self.period = None  # PeriodView shown on the right
        self.tree = None  # its MapNode
        self.busy = 0
        self.last_created = None  # CreateResult (tests, the message)
        self.list_reads = LatestJob(self)
        self.detail_reads = LatestJob(self)
        self.setup_reads = LatestJob(self)
        self._select_after: int | None = None
        self._extra: list[QWidget] = []

        self.error = ErrorLabel()
        self.create_button = QPushButton("Tahap baru…")
        self.create_button.setObjectName("createPeriodButton")
        self.create_button.setToolTip("Buat tahap penyaluran dari hasil batch pengajuan atau berkas daftar KPM"
                                      if self.may_manage else "Hanya operator, supervisor atau admin yang "
                                      "menyiapkan tahap penyaluran.")
        self.create_button.clicked.connect(self.create_period)
        self.create_button.setVisible(self.may_manage)
        self.cancel_button = QPushButton("Batalkan tahap…")
        self.cancel_button.setObjectName("cancelPeriodButton")
        self.cancel_button.setToolTip("Batalkan tahap yang belum mulai disalurkan (alasan dicatat)")
        self.cancel_button.clicked.connect(self.cancel_period)
        self.cancel_button.setVisible(self.may_close)
        self.refresh_button = QPushButton("Muat ulang")
        self.refresh_button.clicked.connect(self.refresh)
        top = QHBoxLayout()
        intro = QLabel("Penyaluran bantuan per tahap: daftar KPM, pembersihan PT Pos, pemetaan titik salur dan "
                       "cetak dokumen.")
        intro.setStyleSheet("color: #616161;")
        top.addWidget(intro, 1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.cancel_button)
        top.addWidget(self.create_button)

        # --- left: the periods
        self.list = plain_table(PERIOD_COLUMNS, "periodList")
        self.list.itemSelectionChanged.connect(self._selection_changed)
        self.list_count = QLabel()
        left = QWidget()
        left.setMinimumWidth(270)
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(QLabel("<b>Tahap penyaluran</b>"))
        ll.addWidget(self.list, 1)
        ll.addWidget(self.list_count)

        # --- right: the period
        self.title = QLabel()
        self.title.setObjectName("periodTitle")
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-size: 11pt; font-weight: 600;")
        self.status_chip = QLabel()
        self.status_chip.setObjectName("statusChip")
        self.status_chip.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.meta = QLabel()
        self.meta.setObjectName("periodMeta")
        self.meta.setWordWrap(True)
        self.meta.setTextFormat(Qt.TextFormat.RichText)
        self.kpm_tab = KpmTab(ctx)
        self.cleaning_tab = CleaningTab(ctx)
        self.mapping_tab = MappingTab(ctx)
        self.print_tab = PrintTab(ctx)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("periodTabs")
        self.period_tabs = [self.kpm_tab, self.cleaning_tab, self.mapping_tab, self.print_tab]
        for tab, title in zip(self.period_tabs, ("Daftar KPM", "Pembersihan", "Pemetaan", "Cetak")):
            self.tabs.addTab(tab, title)
            tab.changed.connect(self._tab_changed)
        self.cleaning_tab.showReturned.connect(self._show_returned)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.status_chip, 0, Qt.AlignmentFlag.AlignTop)
        rl.addLayout(head)
        rl.addWidget(self.meta)
        rl.addWidget(self.tabs, 1)

        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        split.setSizes([300, 980])
        split.setCollapsible(0, False)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(self.error)
        self.show_period(None)
        # the distribution day and its report follow the chosen period too; the desk only for those who record
        self.desk = ReceiptDesk(ctx) if can(ctx.actor, Capability.DIST_RECEIVE) else None
        if self.desk is not None:
            self.add_period_tab(self.desk, "Penerimaan")
        self.realisation = RealisationView(ctx)
        self.add_period_tab(self.realisation, "Realisasi")
        events.follow(self, ctx.events, {events.DISTRIBUTION, events.REGISTRY, events.SETTINGS}, self.refresh)
        self.refresh()

    # --- more tabs (the receipt desk, the realisation report)

    def add_period_tab(self, widget: QWidget, title: str, index: int | None = None) -> int:
        """Add a tab that follows the chosen period: ``widget.set_period(period_id | None)`` is called
        whenever the period changes (now too). Returns the tab's index."""
        i = self.tabs.insertTab(self.tabs.count() if index is None else index, widget, title)
        self._extra.append(widget)
        widget.set_period(self.period.id if self.period is not None else None)
        return i

    # --- waiting (tests, screenshots)

    def wait_idle(self, timeout_ms: int = 30_000) -> bool:
        for _ in range(4):  # the list read starts the detail read, which starts the tabs' reads
            if not job_runner().wait_all(timeout_ms):
                return False
            QCoreApplication.processEvents()
            for r in (self.setup_reads, self.list_reads, self.detail_reads):
                if not r.wait_idle(timeout_ms):
                    return False
            if not all(t.wait_idle(timeout_ms) for t in self.period_tabs):
                return False
        return self.busy == 0

    # --- loading

    def refresh(self) -> None:
        self.load_list()

    def _read_failed(self, exc: BaseException) -> None:
        message, hint = user_message(exc)
        self.error.show_error(f"{message} {hint}".strip())

    def load_list(self, select: int | None = None) -> None:
        if select is not None:
            self._select_after = select
        elif self.period is not None:
            self._select_after = self.period.id
        self.list_reads.start(self.ctx.db.read, periods.list_periods, on_done=self._listed,
                              on_error=self._read_failed)

    def _listed(self, found) -> None:
        self.periods = list(found)
        want = self._select_after
        self._select_after = None
        self.list.blockSignals(True)
        fill_table(self.list, [(p.programme, p.period, STATUS_SHORT.get(p.status, p.status_label), angka(p.kpm))
                          for p in self.periods], right=(3,))
        for r, p in enumerate(self.periods):
            color = PERIOD.colours.get(PERIOD.state(p.status))
            if color:
                self.list.item(r, COL_STATUS).setForeground(QColor(color))
            tip = (f"#{p.id} {p.programme_name} — {p.period}\n{p.status_label}\nBantuan per KPM {p.benefit_label}\n"
                   f"{angka(p.lengkap)} lengkap, {angka(p.dikembalikan)} dikembalikan\n"
                   f"Dibuat {p.created_by or '-'} {when(p.created_at)}")
            for c in range(self.list.columnCount()):
                self.list.item(r, c).setToolTip(tip)
        self.list.blockSignals(False)
        self.list_count.setText(f"{angka(len(self.periods))} tahap" if self.periods else
                                "Belum ada tahap penyaluran." + (" Buat dengan \"Tahap baru…\"." if self.may_manage
                                                                  else ""))
        if want is None and self.period is None and self.periods:
            want = self.periods[0].id
        row = next((r for r, p in enumerate(self.periods) if p.id == want), -1)
        if row >= 0:
            self.list.blockSignals(True)
            self.list.selectRow(row)
            self.list.blockSignals(False)
            self.load_period(self.periods[row].id)
        else:
            self.show_period(None)

    def _selection_changed(self) -> None:
        rows = self.list.selectionModel().selectedRows()
        if rows:
            self.load_period(self.periods[rows[0].row()].id)

    def load_period(self, period_id: int) -> None:
        self.detail_reads.start(self.ctx.db.read, _detail, period_id, on_done=self._detail,
                                on_error=self._read_failed)

    def _detail(self, res) -> None:
        period, tree = res
        self.show_period(period, tree)

    # --- showing a period

    def show_period(self, p, tree=None) -> None:
        self.period, self.tree = p, tree if p is not None else None
        for tab in self.period_tabs:
            tab.set_period(p, self.tree)
        for widget in self._extra:
            widget.set_period(p.id if p is not None else None)
        self.tabs.setEnabled(p is not None)
        if p is None:
            self.title.setText("Pilih tahap di sebelah kiri" + (", atau buat tahap baru." if self.may_manage else "."))
            self.status_chip.setText("")
            self.status_chip.setStyleSheet("")
            self.meta.setText("")
            self._update_actions()
            return
        self.title.setText(f"{p.programme} {p.period}")
        color = PERIOD.colours.get(PERIOD.state(p.status), "#455a64")
        self.status_chip.setText(p.status_label)
        self.status_chip.setStyleSheet(f"QLabel#statusChip {{ background: {color}; color: white; border-radius: 9px; "
                                       "padding: 2px 10px; font-weight: 600; font-size: 9pt; }")
        self.meta.setText(self._meta_html(p))
        self._update_actions()

    @staticmethod
    def _meta_html(p) -> str:
        source = p.source_label
        if p.source_batch_id:
            source += f" #{p.source_batch_id}"
        elif p.source_file:
            source += f" ({p.source_file})"
        head = (f"{p.programme_name} · bantuan per KPM <b>{p.benefit_label}</b> · {source} · dibuat "
                f"{p.created_by or '-'} {when(p.created_at)}")
        counts = [f"<b>{angka(p.kpm)}</b> KPM", f"{angka(p.lengkap)} lengkap",
                  f"{angka(p.dikembalikan)} dikembalikan"]
        if p.belum_diperiksa:
            counts.append(f"{angka(p.belum_diperiksa)} belum diperiksa")
        if p.diterima or p.gagal:
            counts.append(f"{angka(p.diterima)} diterima, {angka(p.gagal)} gagal salur")
        return head + "<br>" + " · ".join(counts)

    def _update_actions(self) -> None:
        idle = self.busy == 0
        self.create_button.setEnabled(self.may_manage and idle)
        st = self.period.status if self.period is not None else None
        self.cancel_button.setEnabled(idle and self.may_close and st in (PeriodStatus.DRAF, PeriodStatus.SIAP))

    def _tab_changed(self, kinds) -> None:
        self.ctx.events.changed(kinds, source=self)
        self.load_list(self.period.id if self.period is not None else None)

    def _show_returned(self, desa) -> None:
        self.tabs.setCurrentWidget(self.kpm_tab)
        self.kpm_tab.show_dikembalikan(desa)

    # --- writing

    def _run(self, job: Job, title: str, on_done, *, cancellable: bool = False) -> None:
        self.busy += 1
        self._update_actions()

        def ended() -> None:
            self.busy -= 1
            self._update_actions()

        def done(res) -> None:
            ended()
            on_done(res)

        def failed(exc) -> None:
            ended()
            self._read_failed(exc)

        def cancelled() -> None:
            ended()
            self.error.show_error("Dibatalkan; tidak ada yang diubah.")

        start_job(self, job, title, done, on_error=failed, on_cancel=cancelled, cancellable=cancellable)

    def create_period(self) -> None:
        if not self.may_manage:
            return
        self.setup_reads.start(self.ctx.db.read, _setup, on_done=self._open_dialog, on_error=self._read_failed)

    def _open_dialog(self, res) -> None:
        programmes, usable = res
        dlg = PeriodDialog(programmes, usable, self)
        self.period_dialog = dlg
        accepted = dlg.exec() == QDialog.DialogCode.Accepted
        self.period_dialog = None
        if not accepted:
            return
        v = dlg.values()
        job = Job(periods.create_period, self.ctx.db, self.ctx.actor, v["programme"], v["period"], cash=v["cash"],
                  goods=v["goods"], from_batch=v["from_batch"], from_file=v["from_file"])
        self._run(job, "Memuat daftar KPM tahap baru", self._created, cancellable=True)

    def _created(self, res) -> None:
        self.last_created = res
        self.ctx.events.changed(CHANGED, source=self)
        d = res.as_dict()
        text = f"Tahap dibuat: {angka(res.kpm)} KPM."
        if res.tidak_terdaftar:
            text += f" {angka(res.tidak_terdaftar)} tidak terdaftar di DTKS (tetap dicatat, ditandai)."
        if res.rejected:
            text += f" {angka(res.rejected)} baris berkas ditolak."
        if d.get("skipped"):
            text += f" {angka(d['skipped'])} baris batch dilewati (anggota keluarga yang sama atau NIK ganda)."
        self.error.show_ok(text)
        if res.problems:
            box = QMessageBox(QMessageBox.Icon.Warning, "Tahap dibuat dengan catatan", text, parent=self)
            box.setInformativeText("Baris yang ditolak tidak masuk daftar KPM; perbaiki berkasnya bila perlu dan "
                                   "masukkan lewat impor data perbaikan di tab Pembersihan.")
            box.setDetailedText("\n".join(msg for _row, _col, msg in res.problems))
            box.exec()
        self.tabs.setCurrentWidget(self.cleaning_tab)
        self.period = None
        self.load_list(select=res.id)

    def cancel_period(self) -> None:
        p = self.period
        if p is None or not self.may_close:
            return
        reason, ok = QInputDialog.getText(self, "Batalkan tahap",
                                          f"{p.programme} {p.period} ({angka(p.kpm)} KPM) dibatalkan. "
                                          "Alasan (dicatat di log audit):")
        if not ok or not reason.strip():
            return
        job = Job(self.ctx.db.write, periods.cancel_period, self.ctx.actor, p.id, reason.strip(), with_progress=False)
        self._run(job, "Membatalkan tahap", self._cancelled)

    def _cancelled(self, p) -> None:
        self.ctx.events.changed(CHANGED, source=self)
        self.error.show_ok(f"Tahap {p.programme} {p.period} dibatalkan.")
        self.load_list(select=p.id)


__all__ = ["DistributionView"]
