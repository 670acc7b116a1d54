"""Pengajuan: submission batches to Pusdatin Kemensos and Dinas Sosial Provinsi, approved by a
supervisor who did not build or submit them (four eyes).

Layout: filters (status, tujuan) and "Buat batch…" on top; the batches on the left; the chosen
batch on the right: who did what and when, the actions its state and the user's capabilities
allow (Ajukan, Setujui, Tolak, Ekspor…, Impor hasil…), and three tabs: the approval summary
(totals per desa and kind, the difference against the previous batch of the same programme, a
sample of rows), all rows (paged) and the families left out with their reasons.

Every read and write runs in a job through ``services/submission``; nothing here touches the
database. The services check the capabilities and the four-eyes rule themselves: the page only
explains beforehand what the service would refuse.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QFileDialog, QHBoxLayout, QHeaderView,
                               QInputDialog, QLabel, QMessageBox, QPushButton, QSplitter, QTableView, QTabWidget,
                               QVBoxLayout, QWidget)

from dtks_desktop.domain.formatting import angka, tanggal_jam
from dtks_desktop.domain.musdes import REASON_LABELS, Reason
from dtks_desktop.domain.permissions import Capability, can
from dtks_desktop.domain import submission as sub
from dtks_desktop.domain.workflow.submission import BATCH, BatchStatus
from dtks_desktop.domain.workflow.submission import BatchStatus as B
from dtks_desktop.jobs import Job
from dtks_desktop.services.core import browse
from dtks_desktop.services.submission import approval, batches, outputs, results
from dtks_desktop.views.common import events
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.latest import LatestJob
from dtks_desktop.views.common.paged_model import Column, Page, PagedModel
from dtks_desktop.views.common.widgets import fill_table, plain_table
from dtks_desktop.views.common.widgets import ErrorLabel, ask_yes_no, job_runner, start_job, user_message
from dtks_desktop.views.submission.dialogs import CreateBatchDialog, DecisionDialog



def changes_of(fn, result=None) -> set:
    """What a submission service reports as changed (``result.changes`` or ``@changes``); the audit at least."""
    kinds = getattr(result, "changes", None) or getattr(fn, "changes", None) or ()
    return set(kinds) | {events.AUDIT}

ROW_PAGE = 300

BATCH_COLUMNS = (("No", 36), ("Status", 110), ("Program", 62), ("Jenis", 92), ("Tujuan", 70), ("Wilayah", 130),
                 ("Baris", 50))
COL_STATUS = 1
#: Short names of the targets for the list (the full name is in the tooltip and the detail).
TARGET_SHORT = {"kemensos": "Kemensos", "provinsi": "Provinsi"}


def batch_title(b) -> str:
    return f"Batch #{b.id} — {b.programme} {b.kind_label}, {b.target_label} ({b.scope_label})"


def short_scope(label: str) -> str:
    """"Kecamatan Kalikotes (33.10.23)" -> "Kec. Kalikotes" (the code is in the detail)."""
    text = label.split(" (", 1)[0]
    return text.replace("Kecamatan ", "Kec. ").replace("Desa/Kelurahan ", "")


def _overview(s):
    """Worker: the office's kecamatan and the programmes of each target (for a new batch)."""
    kab = browse.office_kab_kode(s)
    kec = browse.kecamatan_options(s, kab) if kab else []
    return kec, {t.value: batches.programmes_for(s, t.value) for t in sub.Target}


def programme_label(code: str) -> str:
    name = sub.KEMENSOS_PROGRAMMES.get(code)
    return f"{code} — {name}" if name else code


def _detail(s, batch_id: int):
    """Worker: a batch, its exclusions and its approval summary, in one read."""
    return batches.get_batch(s, batch_id), batches.excluded_rows(s, batch_id), approval.summary(s, batch_id)


def _fetch_rows(db, batch_id: int, offset: int, limit: int, first: bool) -> Page:
    count = db.read(batches.count_rows, batch_id) if first else None
    return Page(db.read(batches.batch_rows, batch_id, offset=offset, limit=limit), count)


def reason_label(code: str | None) -> str:
    """The Musdes reason of a removal ("meninggal" -> "Meninggal dunia")."""
    if not code:
        return ""
    try:
        return REASON_LABELS[Reason(code)]
    except ValueError:
        return code


def row_columns() -> list[Column]:
    return [
        Column("Kecamatan", 80, text=lambda r: r.kecamatan_nama),
        Column("Desa/Kel.", 100, text=lambda r: r.desa_nama),
        Column("Nama", 150, text=lambda r: r.nama),
        Column("NIK", 125, text=lambda r: r.nik_masked or ""),
        Column("Alasan", 120, text=lambda r: reason_label(r.reason), tip=lambda r: reason_label(r.reason) or None),
        Column("ID DTKS", 130, text=lambda r: r.id_dtks or "(baru)"),
        Column("No KK", 125, text=lambda r: r.no_kk_masked or ""),
        Column("Alamat", 160, text=lambda r: r.alamat or "", tip=lambda r: r.alamat or None),
    ]


def results_report(res) -> str:
    """What came back, per desa: "Kec. X, Desa Y: 3 ditetapkan, 1 ditolak" one line each."""
    lines = [f"Kec. {kec}, {desa}: {angka(a)} ditetapkan, {angka(r)} ditolak" for kec, desa, a, r in res.per_desa]
    return "Per desa/kelurahan:\n" + "\n".join(lines) if lines else ""


class SubmissionView(QWidget):
    """The "Pengajuan" page."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.may_build = can(ctx.actor, Capability.BATCH_BUILD)
        self.may_approve = can(ctx.actor, Capability.BATCH_APPROVE)
        self.kecamatan: list[tuple[str, str]] = []
        self.programmes: dict[str, list[tuple[str, str]]] = {}
        self.batches: list = []
        self.batch = None  # BatchView shown on the right
        self.excluded: list = []
        self.summary = None
        self.busy = 0
        self.last_export = None  # ExportResult (tests, the message)
        self.last_results = None  # ResultsImport
        self.results_report = ""
        self.list_reads = LatestJob(self)
        self.detail_reads = LatestJob(self)
        self.overview_reads = LatestJob(self)
        self._select_after: int | None = None

        self.error = ErrorLabel()
        # --- top: filters and the new batch
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("statusFilter")
        self.status_filter.addItem("Semua status", None)
        for st in BatchStatus:
            self.status_filter.addItem(BATCH.label(st), st.value)
        self.target_filter = QComboBox()
        self.target_filter.setObjectName("targetFilter")
        self.target_filter.addItem("Semua tujuan", None)
        for t in sub.Target:
            self.target_filter.addItem(sub.TARGET_LABELS[t], t.value)
        self.status_filter.currentIndexChanged.connect(lambda _i: self.load_list())
        self.target_filter.currentIndexChanged.connect(lambda _i: self.load_list())
        self.create_button = QPushButton("Buat batch…")
        self.create_button.setObjectName("createBatchButton")
        self.create_button.setEnabled(self.may_build)
        self.create_button.setToolTip("Susun batch baru dari keputusan final Musdes/Muskel" if self.may_build else
                                      "Hanya operator, supervisor atau admin yang menyusun batch.")
        self.create_button.clicked.connect(self.create_batch)
        top = QHBoxLayout()
        for w in (QLabel("Status"), self.status_filter, QLabel("Tujuan"), self.target_filter):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(self.create_button)

        # --- left: the batches
        self.list = plain_table(list(BATCH_COLUMNS), "batchList")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.itemSelectionChanged.connect(self._selection_changed)
        self.list_count = QLabel()
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(QLabel("<b>Batch pengajuan</b>"))
        ll.addWidget(self.list, 1)
        ll.addWidget(self.list_count)

        # --- right: the batch
        self.title = QLabel("Pilih batch di sebelah kiri, atau buat batch baru.")
        self.title.setObjectName("batchTitle")
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-size: 11pt; font-weight: 600;")
        self.status_chip = QLabel()
        self.status_chip.setObjectName("statusChip")
        self.status_chip.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.meta = QLabel()
        self.meta.setObjectName("batchMeta")
        self.meta.setWordWrap(True)
        self.meta.setTextFormat(Qt.TextFormat.RichText)
        self.four_eyes = QLabel()
        self.four_eyes.setObjectName("fourEyes")
        self.four_eyes.setWordWrap(True)
        self.four_eyes.setStyleSheet("QLabel#fourEyes { background: #fff8e1; color: #5d4037; border-radius: 4px; "
                                     "padding: 5px 8px; }")
        self.four_eyes.hide()
        self.submit_button = QPushButton("Ajukan")
        self.submit_button.setObjectName("submitButton")
        self.approve_button = QPushButton("Setujui…")
        self.approve_button.setObjectName("approveButton")
        self.reject_button = QPushButton("Tolak…")
        self.reject_button.setObjectName("rejectButton")
        self.export_button = QPushButton("Ekspor…")
        self.export_button.setObjectName("exportButton")
        self.results_button = QPushButton("Impor hasil…")
        self.results_button.setObjectName("resultsButton")
        self.redraft_button = QPushButton("Kembalikan ke draf")
        self.redraft_button.setObjectName("redraftButton")
        self.redraft_button.setToolTip("Batch yang ditolak kembali menjadi draf untuk diperbaiki dan diajukan lagi")
        self.redraft_button.clicked.connect(self.redraft)
        self.submit_button.clicked.connect(self.submit)
        self.approve_button.clicked.connect(lambda: self.decide(True))
        self.reject_button.clicked.connect(lambda: self.decide(False))
        self.export_button.clicked.connect(self.export)
        self.results_button.clicked.connect(self.import_results)
        actions = QHBoxLayout()
        for w in (self.redraft_button, self.submit_button, self.approve_button, self.reject_button, self.export_button,
                  self.results_button):
            actions.addWidget(w)
        actions.addStretch(1)

        # approval summary tab
        self.totals_table = plain_table([("Kecamatan", 120), ("Desa/Kel.", 140), ("Jenis", 100), ("Jumlah", 60)],
                                   "perDesaTable")
        self.totals_table.horizontalHeader().setStretchLastSection(False)
        self.totals_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.diff_label = QLabel()
        self.diff_label.setObjectName("diffLabel")
        self.diff_label.setWordWrap(True)
        self.sample_table = plain_table([(c.title, c.width) for c in row_columns()], "sampleTable")
        summary = QWidget()
        sl = QVBoxLayout(summary)
        sl.addWidget(QLabel("Jumlah per desa/kelurahan dan jenis usulan"))
        sl.addWidget(self.totals_table, 1)
        sl.addWidget(self.diff_label)
        self.sample_label = QLabel("Contoh baris")
        sl.addWidget(self.sample_label)
        sl.addWidget(self.sample_table, 2)
        # rows tab (paged)
        self.rows_model = PagedModel(row_columns(), lambda q, o, n, f: _fetch_rows(self.ctx.db, q, o, n, f),
                                     page_size=ROW_PAGE, key=lambda r: r.id, parent=self)
        self.rows_model.failed_text = "Baris batch tidak dapat dimuat."
        self.rows_model.loadFailed.connect(self.error.show_error)
        self.rows_model.countChanged.connect(self._rows_count)
        self.rows_table = QTableView()
        self.rows_table.setObjectName("rowsTable")
        self.rows_table.setModel(self.rows_model)
        self.rows_model.apply_widths(self.rows_table)
        self.rows_table.verticalHeader().setVisible(False)
        self.rows_table.setAlternatingRowColors(True)
        self.rows_table.horizontalHeader().setStretchLastSection(True)
        self.rows_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rows_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.remove_row_button = QPushButton("Keluarkan dari batch…")
        self.remove_row_button.setObjectName("removeRowButton")
        self.remove_row_button.clicked.connect(self.remove_row)
        self.rows_table.selectionModel().selectionChanged.connect(lambda *_a: self._update_actions())
        self.rows_hint = QLabel()
        self.rows_hint.setWordWrap(True)
        self.rows_hint.setStyleSheet("color: #616161;")
        rows_page = QWidget()
        rpl = QVBoxLayout(rows_page)
        rpl.addWidget(self.rows_table, 1)
        rrow = QHBoxLayout()
        rrow.addWidget(self.rows_hint, 1)
        rrow.addWidget(self.remove_row_button)
        rpl.addLayout(rrow)
        # exclusions tab
        self.excluded_table = plain_table([("ID DTKS", 92), ("Nama", 170), ("Desa/Kel.", 130), ("Alasan tidak dimasukkan",
                                                                                            260)], "excludedTable")
        self.excluded_note = QLabel()
        self.excluded_note.setWordWrap(True)
        excl = QWidget()
        el = QVBoxLayout(excl)
        el.addWidget(self.excluded_note)
        el.addWidget(self.excluded_table, 1)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("batchTabs")
        self.tabs.addTab(summary, "Ringkasan persetujuan")
        self.tabs.addTab(rows_page, "Baris")
        self.tabs.addTab(excl, "Dikecualikan")

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.status_chip, 0, Qt.AlignmentFlag.AlignTop)
        rl.addLayout(head)
        rl.addWidget(self.meta)
        rl.addLayout(actions)
        rl.addWidget(self.four_eyes)
        rl.addWidget(self.tabs, 1)

        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        split.setSizes([470, 810])
        split.setCollapsible(0, False)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(self.error)
        self.show_batch(None)
        events.follow(self, ctx.events, {events.REGISTRY, events.DOCUMENTS, events.SETTINGS}, self.refresh)
        self.refresh()

    # --- waiting (tests, screenshots)

    def wait_idle(self, timeout_ms: int = 30_000) -> bool:
        from PySide6.QtCore import QCoreApplication

        for _ in range(4):  # the list read starts the detail read
            if not job_runner().wait_all(timeout_ms):
                return False
            QCoreApplication.processEvents()
            for r in (self.overview_reads, self.list_reads, self.detail_reads):
                if not r.wait_idle(timeout_ms):
                    return False
            if not self.rows_model.wait_idle(timeout_ms):
                return False
        return self.busy == 0

    # --- loading

    def refresh(self) -> None:
        self.overview_reads.start(self.ctx.db.read, _overview, on_done=self._overview, on_error=self._read_failed)
        self.load_list()

    def _read_failed(self, exc: BaseException) -> None:
        message, hint = user_message(exc)
        self.error.show_error(f"{message} {hint}".strip())

    def _overview(self, res) -> None:
        kec, programmes = res
        self.kecamatan = list(kec)
        self.programmes = {t: [(c, programme_label(c)) for c in codes] for t, codes in programmes.items()}

    def load_list(self, select: int | None = None) -> None:
        if select is not None:
            self._select_after = select
        elif self.batch is not None:
            self._select_after = self.batch.id
        self.list_reads.start(self.ctx.db.read, batches.list_batches, status=self.status_filter.currentData(),
                              target=self.target_filter.currentData(), on_done=self._listed,
                              on_error=self._read_failed)

    def _listed(self, found) -> None:
        self.batches = list(found)
        want = self._select_after
        self._select_after = None
        self.list.blockSignals(True)
        fill_table(self.list, [(b.id, b.status_label.split(" (", 1)[0], b.programme, b.kind_label,
                           TARGET_SHORT.get(b.target, b.target), short_scope(b.scope_label), angka(b.rows))
                          for b in self.batches], right=(0, 6))
        for r, b in enumerate(self.batches):
            item = self.list.item(r, COL_STATUS)
            color = BATCH.colours.get(BATCH.state(b.status))
            if color:
                item.setForeground(QColor(color))
            tip = (f"{batch_title(b)}\nDibuat {b.created_by} {tanggal_jam(b.created_at, lokal=True)}")
            for c in range(self.list.columnCount()):
                self.list.item(r, c).setToolTip(tip)
        self.list.blockSignals(False)
        self.list_count.setText(f"{angka(len(self.batches))} batch" if self.batches else
                                "Belum ada batch" + (" dengan saringan ini." if self.status_filter.currentData()
                                                     or self.target_filter.currentData() else "."))
        row = next((r for r, b in enumerate(self.batches) if b.id == want), -1)
        if row >= 0:
            self.list.blockSignals(True)
            self.list.selectRow(row)
            self.list.blockSignals(False)
            self.load_batch(self.batches[row].id)  # fresh, even when the row was selected already
        elif want is not None and self.batch is not None and self.batch.id == want:
            self.show_batch(None)
        if row < 0 and self.batch is None:
            self.show_batch(None)

    def _selection_changed(self) -> None:
        rows = self.list.selectionModel().selectedRows()
        if not rows:
            return
        b = self.batches[rows[0].row()]
        self.load_batch(b.id)

    def load_batch(self, batch_id: int) -> None:
        self.detail_reads.start(self.ctx.db.read, _detail, batch_id, on_done=self._detail,
                                on_error=self._read_failed)

    def _detail(self, res) -> None:
        b, excluded, summary = res
        changed = self.batch is None or self.batch.id != b.id
        self.batch, self.excluded, self.summary = b, list(excluded), summary
        self.show_batch(b)
        if changed or self.rows_model.query != b.id or self.rows_model.total != b.rows:
            self.rows_model.load(b.id)

    def _rows_count(self) -> None:
        m = self.rows_model
        n = m.total if m.total is not None else m.rowCount()
        self.tabs.setTabText(1, f"Baris ({angka(n)})")

    # --- showing a batch

    def show_batch(self, b) -> None:
        if b is None:
            self.batch = None
            self.summary = None
            self.excluded = []
            self.title.setText("Pilih batch di sebelah kiri, atau buat batch baru." if self.may_build else
                               "Pilih batch di sebelah kiri.")
            self.status_chip.setText("")
            self.meta.setText("")
            self.four_eyes.hide()
            fill_table(self.totals_table, [])
            fill_table(self.sample_table, [])
            fill_table(self.excluded_table, [])
            self.diff_label.setText("")
            self.excluded_note.setText("")
            self.rows_model.load(None)
            self.tabs.setTabText(1, "Baris")
            self.tabs.setTabText(2, "Dikecualikan")
            self.tabs.setEnabled(False)
            self._update_actions()
            return
        self.tabs.setEnabled(True)
        self.title.setText(f"Batch #{b.id} — {b.programme}, {b.kind_label.lower()}")
        color = BATCH.colours.get(BATCH.state(b.status), "#455a64")
        self.status_chip.setText(b.status_label)
        self.status_chip.setStyleSheet(f"QLabel#statusChip {{ background: {color}; color: white; border-radius: 9px; "
                                       "padding: 2px 10px; font-weight: 600; font-size: 9pt; }")
        self.meta.setText(self._meta_html(b))
        s = self.summary
        fill_table(self.totals_table, [(kec, desa, sub.KIND_LABELS.get(kind, kind), angka(n))
                                  for kec, desa, kind, n in (s.per_desa if s else [])], right=(3,))
        self.diff_label.setText(self._diff_text(b, s))
        sample = list(s.sample) if s else []
        fill_table(self.sample_table, [tuple(c.text(r) for c in row_columns()) for r in sample])
        self.sample_label.setText(f"Contoh baris ({angka(len(sample))} dari {angka(b.rows)}; semua baris di tab "
                                  "\"Baris\")" if sample else "Batch ini tidak berisi baris.")
        fill_table(self.excluded_table, [(e.id_dtks or "(baru)", e.nama, e.desa_nama, e.reason_label)
                                    for e in self.excluded])
        n_excl = sum(b.excluded.values())
        self.tabs.setTabText(2, f"Dikecualikan ({angka(n_excl)})")
        self.excluded_note.setText(self._excluded_text(b) if n_excl else
                                   "Tidak ada keluarga yang dikecualikan dari batch ini.")
        self._update_actions()

    def _meta_html(self, b) -> str:
        head = f"Kepada <b>{b.target_label}</b> · {b.scope_label}"
        parts = [f"{angka(b.rows)} baris", f"dibuat {b.created_by} {tanggal_jam(b.created_at, lokal=True)}"]
        if b.submitted_by:
            parts.append(f"diajukan {b.submitted_by} {tanggal_jam(b.submitted_at, lokal=True)}")
        if b.decided_by:
            verb = "ditolak" if b.status == B.DITOLAK else "disetujui"
            parts.append(f"{verb} {b.decided_by} {tanggal_jam(b.decided_at, lokal=True)}")
        html = head + "<br>" + " · ".join(parts)
        if b.note:
            html += f"<br><b>Catatan supervisor:</b> {b.note}"
        if b.frozen and b.sha256:
            html += (f"<br><span style='color:#616161'>Isi dibekukan saat disetujui · SHA-256 "
                     f"{b.sha256[:16]}…</span>")
        return html

    @staticmethod
    def _excluded_text(b) -> str:
        reasons = ", ".join(f"{sub.EXCLUSION_LABELS.get(k, k).lower()} {angka(v)}" for k, v in b.excluded.items() if v)
        return (f"Tidak dimasukkan ke batch: {reasons}. Perbaiki penyebabnya (mis. pemadanan NIK, Berita Acara "
                "kembali) lalu buat batch baru.")

    @staticmethod
    def _diff_text(b, s) -> str:
        if s is None:
            return ""
        d = s.diff_previous or {}
        prev = d.get("previous_batch_id")
        if not prev:
            return f"Belum ada batch {b.programme} sebelumnya untuk dibandingkan."
        return (f"Dibanding batch #{prev} (batch {b.programme} sebelumnya): <b>{angka(d.get('added', 0))}</b> orang "
                f"baru di batch ini; <b>{angka(d.get('removed', 0))}</b> orang batch #{prev} tidak ada di batch ini.")

    def _is_own(self, b) -> bool:
        """The user built or submitted this batch: another supervisor must decide (four eyes)."""
        me = {self.ctx.actor.username, self.ctx.actor.full_name} - {None, ""}
        return bool(me & {b.created_by, b.submitted_by})

    def _update_actions(self) -> None:
        b = self.batch
        st = b.status if b is not None else None
        idle = self.busy == 0
        self.create_button.setEnabled(self.may_build and idle)
        self.submit_button.setVisible(self.may_build)
        self.redraft_button.setVisible(self.may_build and st == B.DITOLAK)
        self.redraft_button.setEnabled(idle)
        draft = st == B.DRAFT and self.may_build
        self.remove_row_button.setVisible(draft)
        self.remove_row_button.setEnabled(idle and draft and self.selected_row() is not None)
        self.rows_hint.setText(
            "" if b is None else
            "Baris yang tidak boleh ikut diajukan dapat dikeluarkan selama batch masih draf (alasannya dicatat)."
            if draft else "Isi batch dibekukan sejak disetujui." if b.frozen else
            "Baris hanya dapat dikeluarkan selama batch masih draf.")
        self.export_button.setVisible(self.may_build)
        self.results_button.setVisible(self.may_build)
        self.approve_button.setVisible(self.may_approve)
        self.reject_button.setVisible(self.may_approve)
        self.submit_button.setEnabled(idle and st == B.DRAFT and self.may_build)
        self.submit_button.setToolTip("Ajukan batch ini ke supervisor untuk disetujui")
        own = b is not None and self._is_own(b)
        can_decide = idle and st == B.DIAJUKAN and self.may_approve and not own
        self.approve_button.setEnabled(can_decide)
        self.reject_button.setEnabled(can_decide)
        if b is not None and st == B.DIAJUKAN and own and self.may_approve:
            text = ("Anda menyusun atau mengajukan batch ini. Prinsip empat mata: supervisor lain yang harus "
                    "menyetujui atau menolaknya.")
            self.four_eyes.setText(text)
            self.approve_button.setToolTip(text)
            self.reject_button.setToolTip(text)
            self.four_eyes.show()
        elif b is not None and st == B.DIAJUKAN and not self.may_approve:
            self.four_eyes.setText("Menunggu persetujuan supervisor (Kepala Bidang atau Kepala Dinas) yang tidak "
                                   "menyusun atau mengajukan batch ini.")
            self.four_eyes.show()
        else:
            self.four_eyes.hide()
            self.approve_button.setToolTip("Setujui batch: isinya dibekukan dan dapat diekspor")
            self.reject_button.setToolTip("Kembalikan batch ke operator dengan catatan")
        self.export_button.setEnabled(idle and st == B.DISETUJUI and self.may_build)
        self.export_button.setToolTip(
            "Berkas unggah .xlsx, Surat Pengantar, rekap dan draf Surat Pengesahan ke satu folder"
            if st == B.DISETUJUI else
            "Batch ini sudah diekspor; cetak ulang suratnya dari halaman Agenda Surat."
            if st in (B.DIKIRIM, B.HASIL_DITERIMA) else "Ekspor setelah batch disetujui supervisor.")
        self.results_button.setEnabled(idle and st == B.DIKIRIM and self.may_build)
        self.results_button.setToolTip("Impor daftar hasil penetapan (ditetapkan/ditolak) dari pusat atau provinsi"
                                       if st == B.DIKIRIM else "Impor hasil setelah batch diekspor dan dikirim.")

    # --- writing

    def _run(self, job: Job, title: str, on_done, *, cancellable: bool = False, show_after_ms: int = 300) -> None:
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
            message, hint = user_message(exc)
            self.error.show_error(f"{message} {hint}".strip())
            if self.batch is not None:
                self.load_list(self.batch.id)  # show the batch as it is stored now

        def cancelled() -> None:
            ended()
            self.error.show_error("Dibatalkan; tidak ada yang diubah.")

        start_job(self, job, title, done, on_error=failed, on_cancel=cancelled, cancellable=cancellable,
                  show_after_ms=show_after_ms)

    def _changed(self, fn, result=None) -> None:
        self.ctx.events.changed(changes_of(fn, result), source=self)

    def create_batch(self) -> None:
        if not self.may_build:
            return
        dlg = CreateBatchDialog(self.ctx.db, [(t.value, sub.TARGET_LABELS[t]) for t in sub.Target],
                                self.programmes,
                                [(k.value, sub.KIND_LABELS[k]) for k in sub.Kind], self.kecamatan, self)
        self.create_dialog = dlg
        accepted = dlg.exec() == QDialog.DialogCode.Accepted
        self.create_dialog = None
        if not accepted:
            return
        v = dlg.values()
        job = Job(self.ctx.db.write, batches.create_batch, self.ctx.actor, v["target"], v["programme"], v["kind"],
                  kecamatan=v["kecamatan"], desa=v["desa"], with_progress=False)
        self._run(job, "Menyusun batch dari keputusan Musdes/Muskel", self._created)

    def _created(self, b) -> None:
        self._changed(batches.create_batch)
        n_excl = sum(b.excluded.values())
        text = f"Batch #{b.id} dibuat: {angka(b.rows)} baris."
        if n_excl:
            text += f" {angka(n_excl)} tidak dimasukkan — lihat tab \"Dikecualikan\"."
        self.error.show_ok(text)
        self.status_filter.blockSignals(True)
        self.status_filter.setCurrentIndex(0)
        self.status_filter.blockSignals(False)
        self.tabs.setCurrentIndex(2 if n_excl else 1)
        self.batch = None
        self.load_list(select=b.id)

    def submit(self) -> None:
        b = self.batch
        if b is None:
            return
        if not ask_yes_no(self, "Ajukan batch",
                          f"{batch_title(b)}\n\n{angka(b.rows)} baris diajukan ke supervisor untuk disetujui. "
                          "Setelah diajukan, batch tidak dapat diubah kecuali ditolak.", yes="Ajukan"):
            return
        job = Job(self.ctx.db.write, approval.submit, self.ctx.actor, b.id, with_progress=False)
        self._run(job, "Mengajukan batch",
                  lambda nb: self._decided(approval.submit, nb, f"Batch #{nb.id} diajukan ke supervisor."))

    def selected_row(self):
        rows = self.rows_table.selectionModel().selectedRows() if self.rows_table.selectionModel() else []
        return self.rows_model.row_at(rows[0].row()) if rows else None

    def remove_row(self) -> None:
        b, row = self.batch, self.selected_row()
        if b is None or row is None:
            return
        reason, ok = QInputDialog.getText(self, "Keluarkan dari batch",
                                          f"{row.nama} ({row.desa_nama}) dikeluarkan dari batch #{b.id}. "
                                          "Alasan (dicatat di log audit):")
        if not ok or not reason.strip():
            return
        job = Job(self.ctx.db.write, batches.remove_row, self.ctx.actor, row.id, reason.strip(), with_progress=False)
        self._run(job, "Mengeluarkan baris", lambda nb: self._decided(
            batches.remove_row, nb, f"{row.nama} dikeluarkan dari batch #{nb.id}; sisa {angka(nb.rows)} baris."))

    def redraft(self) -> None:
        b = self.batch
        if b is None:
            return
        job = Job(self.ctx.db.write, approval.return_to_draft, self.ctx.actor, b.id, with_progress=False)
        self._run(job, "Mengembalikan batch ke draf",
                  lambda nb: self._decided(approval.return_to_draft, nb,
                                           f"Batch #{nb.id} kembali menjadi draf; perbaiki lalu ajukan lagi."))

    def decide(self, approve: bool) -> None:
        b = self.batch
        if b is None:
            return
        dlg = DecisionDialog(approve, batch_title(b), self)
        self.decision_dialog = dlg
        accepted = dlg.exec() == QDialog.DialogCode.Accepted
        self.decision_dialog = None
        if not accepted:
            return
        if approve:
            job = Job(self.ctx.db.write, approval.approve, self.ctx.actor, b.id, note=dlg.text(), with_progress=False)
            self._run(job, "Menyetujui batch", lambda nb: self._decided(
                approval.approve, nb, f"Batch #{nb.id} disetujui; isinya dibekukan dan siap diekspor."))
        else:
            job = Job(self.ctx.db.write, approval.reject, self.ctx.actor, b.id, dlg.text(), with_progress=False)
            self._run(job, "Menolak batch", lambda nb: self._decided(
                approval.reject, nb, f"Batch #{nb.id} ditolak dan dikembalikan ke operator dengan catatan."))

    def _decided(self, fn, b, text: str) -> None:
        self._changed(fn, b)
        lines = getattr(b, "family_status", ())
        self.error.show_ok(text + ("" if not lines else " " + " ".join(x.strip() for x in lines[:6])))
        self.load_list(select=b.id)

    def export(self) -> None:
        b = self.batch
        if b is None:
            return
        outdir = QFileDialog.getExistingDirectory(self, f"Folder untuk berkas batch #{b.id}")
        if not outdir:
            return
        job = Job(outputs.export_batch, self.ctx.db, self.ctx.actor, b.id, outdir)
        self._run(job, f"Mengekspor batch #{b.id}", lambda res: self._exported(outdir, res), cancellable=True,
                  show_after_ms=150)

    def _exported(self, outdir: str, res) -> None:
        self.last_export = res
        self._changed(outputs.export_batch, res)
        names = "\n".join(f"• {p.name}" for p in res.files)
        nomor = f" Nomor Surat Pengantar: {res.nomor}." if res.nomor else ""
        self.error.show_ok(f"{angka(len(res.files))} berkas diekspor ke {outdir}.{nomor}")
        self.load_list(self.batch.id if self.batch else None)
        if ask_yes_no(self, "Batch diekspor", f"Berkas tersimpan di\n{outdir}\n\n{names}\n\n{nomor.strip()}\n\n"
                      "Buka foldernya?", yes="Buka folder", no="Tutup"):
            QDesktopServices.openUrl(QUrl.fromLocalFile(outdir))

    def import_results(self) -> None:
        b = self.batch
        if b is None:
            return
        path, _f = QFileDialog.getOpenFileName(self, f"Hasil penetapan batch #{b.id}", "",
                                               "Daftar hasil (*.xlsx *.xls *.csv *.ods)")
        if not path:
            return
        job = Job(results.import_results, self.ctx.db, self.ctx.actor, b.id, path, with_progress=False)
        self._run(job, "Mengimpor hasil penetapan", self._results, show_after_ms=200)

    def _results(self, res) -> None:
        self.last_results = res
        self._changed(results.import_results, res)
        head = (f"Hasil diimpor: {angka(res.ditetapkan)} ditetapkan, {angka(res.ditolak)} ditolak"
                + (f"; {angka(res.rejected)} baris berkas tidak dapat dibaca." if res.rejected else "."))
        if res.warnings:
            head += f" {angka(res.warnings)} baris dengan peringatan."
        self.error.show_ok(head)
        self.results_report = results_report(res)
        box = QMessageBox(QMessageBox.Icon.Warning if res.rejected else QMessageBox.Icon.Information,
                          "Hasil penetapan", head, parent=self)
        box.setInformativeText(self.results_report)
        if res.problems:
            box.setDetailedText("\n".join(getattr(p, "message", str(p)) for p in res.problems))
        box.exec()
        self.load_list(self.batch.id if self.batch else None)


__all__ = ["SubmissionView", "batch_title"]
