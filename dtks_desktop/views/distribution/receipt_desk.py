"""Penerimaan: the receipt desk of a distribution day, built for speed and for a tired officer.

One big input takes everything: the invitation's QR as a USB scanner types it (a keyboard wedge:
the whole token in a few milliseconds, then Enter; Tab or no suffix at all work too), a NIK (full
or its last digits) or a name. A QR is recorded at once; a NIK or a name searches, the first hit
is selected, and Enter (on the empty input) records it. Focus always comes back to the input.

The answer is unmistakable: a big green panel (DITERIMA, with name, RT/RW, desa and what to hand
over), a flashing red one with a beep for SUDAH DITERIMA (when and by whom: hand nothing over) and
for every refusal (forged QR, another period, another desa, returned KPM, closed period), orange
for a gagal salur recorded. The kuasa (representative) field empties after each receipt. Below:
the desk's counters (for its desa, or the whole period) and the last receipts recorded.

Every service call runs in a job (``services.distribution.receipts``), one scan after another in
the order they were made; nothing here touches the database. ``scan_ms`` keeps the time from
Enter to the result on screen of each scan.
"""

from __future__ import annotations

import re
import time
from collections import deque
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (QApplication, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QFrame,
                               QGridLayout, QHBoxLayout, QInputDialog, QLabel, QLineEdit, QPushButton, QSplitter,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from dtks_desktop.domain.distribution import FAIL_REASON_LABELS, FailReason
from dtks_desktop.domain.formatting import angka, jam, tanggal_jam
from dtks_desktop.domain.permissions import Capability, can
from dtks_desktop.domain.workflow.distribution import PERIOD, RECEIPT, RECEIVING_STATES, ReceiptStatus
from dtks_desktop.jobs import Job
from dtks_desktop.services.distribution import common, receipts, report
from dtks_desktop.services.distribution.tokens import TOKEN_RE
from dtks_desktop.views.common import events
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.latest import LatestJob
from dtks_desktop.views.common.widgets import plain_table
from dtks_desktop.views.distribution.widgets import StatBox, big
from dtks_desktop.views.common.widgets import job_runner, user_message

__all__ = ["ReceiptDesk", "FailDialog", "looks_like_token"]

#: Feedback colours (background, text): one meaning each, never reused for another.
OK = ("#1b5e20", "#ffffff")  # diterima
ALARM = ("#b71c1c", "#ffffff")  # sudah diterima, refused
ALARM_FLASH = ("#ffeb3b", "#b71c1c")
FAILED = ("#e65100", "#ffffff")  # gagal salur recorded
FOUND = ("#0d47a1", "#ffffff")  # search results: choose, then Enter
IDLE = ("#37474f", "#ffffff")
NOTHING = ("#fff8e1", "#4e342e")  # searched, nothing found / nothing to do

#: An empty Enter this soon after a scan is the scanner's second line ending (CR LF), not a request.
DOUBLE_ENTER_S = 0.35
#: A token typed without any Enter/Tab suffix is taken once the keys stop for this long.
SCANNER_IDLE_MS = 150
#: Counters and the last list refresh from the database this long after the last scan (and every
#: REFRESH_MS while the desk is shown: the other PCs record too).
COUNT_DEBOUNCE_MS = 1200
REFRESH_MS = 20_000
RECENT = 25
_SPACES = re.compile(r"\s+")


def looks_like_token(text: str) -> bool:
    """An invitation QR as a scanner types it (the service still checks it is genuine)."""
    cleaned = _SPACES.sub("", text or "").upper()
    return bool(TOKEN_RE.search(cleaned)) or cleaned.startswith("KPM-")


@dataclass
class Scan:
    """One request of the desk, in the order it was made."""

    kind: str  # "qr" | "kpm" | "search" | "fail"
    text: str = ""
    kpm_id: int | None = None
    kuasa: str | None = None
    reason: str | None = None
    note: str | None = None
    t0: float = 0.0


def _desk_state(s, actor, period_id: int, desa: str | None):
    """Worker: the period, its desa (for the desk's picker), the desk's counters and last receipts."""
    period = common.view_of(s, common.period_row(s, period_id))
    places = [(d["kode"], d["desa"], d["kecamatan"]) for d in report.realisation(s, period_id).as_dict()["desa"]
              if d.get("kode")]
    return period, places, _counters(s, actor, period_id, desa)


def _counters(s, actor, period_id: int, desa: str | None):
    """Worker: the counters of the desk (its desa, or the period) and the last receipts."""
    counts = receipts.desk_counts(s, period_id, desa=desa).as_dict()
    return counts, receipts.recent(s, actor, period_id, desa=desa, limit=RECENT)


def _place(k) -> str:
    """"RT 003/RW 001, Dsn. Tanjung, Randulanang"."""
    parts = [k.rt_rw]
    if k.dusun:
        dusun = k.dusun.title() if k.dusun.isupper() else k.dusun
        parts.append(dusun if dusun.lower().startswith(("dusun", "dsn", "dk", "lingk")) else f"Dsn. {dusun}")
    if k.desa_nama:
        parts.append(k.desa_nama)
    return ", ".join(parts)


class FailDialog(QDialog):
    """Gagal salur: the reason (a picker, no default) and a note (required for "Lainnya")."""

    def __init__(self, kpm, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Catat gagal salur")
        self.setMinimumWidth(460)
        who = QLabel(f"<b>{kpm.nama}</b><br>NIK {kpm.nik} · {_place(kpm)}")
        who.setWordWrap(True)
        self.reason = QComboBox()
        self.reason.setObjectName("failReason")
        self.reason.addItem("— pilih alasan —", None)
        for r in FailReason:
            self.reason.addItem(FAIL_REASON_LABELS[r], r.value)
        self.note = QLineEdit()
        self.note.setObjectName("failNote")
        self.note.setPlaceholderText("Keterangan (wajib untuk \"Lainnya\")")
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b00020;")
        self.buttons = QDialogButtonBox()
        self.ok = self.buttons.addButton("Catat gagal salur", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("Batal", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Alasan", self.reason)
        form.addRow("Keterangan", self.note)
        lay = QVBoxLayout(self)
        lay.addWidget(who)
        lay.addLayout(form)
        lay.addWidget(self.problem)
        lay.addWidget(self.buttons)
        self.reason.setFocus()

    def values(self) -> tuple[str, str | None]:
        return self.reason.currentData(), (self.note.text().strip() or None)

    def _accept(self) -> None:
        reason, note = self.values()
        if reason is None:
            self.problem.setText("Pilih alasan gagal salur.")
            return
        if reason == FailReason.LAINNYA.value and not note:
            self.problem.setText("Tulis keterangan untuk alasan \"Lainnya\".")
            return
        self.accept()


class _ScanKeys(QObject):
    """Keys of the scan input: Tab is a scanner's line end (never leaves the input); Up/Down move
    through the search results; Esc clears."""

    def __init__(self, desk: "ReceiptDesk") -> None:
        super().__init__(desk)
        self.desk = desk

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
                self.desk.submit()
                return True
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                self.desk.move_selection(-1 if key == Qt.Key.Key_Up else 1)
                return True
            if key == Qt.Key.Key_Escape:
                self.desk.clear_input()
                return True
        return False


class ReceiptDesk(QWidget):
    """The "Penerimaan" tab of a distribution period: ``set_period(id)`` then scan."""

    resultShown = Signal(str)  # the kind of result shown ("diterima", "sudah", "ditolak", …): tests, logs
    scanDone = Signal(float)  # one scan answered and painted: ms from Enter (tests, the benchmark)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.may_receive = can(ctx.actor, Capability.DIST_RECEIVE)
        self.period_id: int | None = None
        self.period = None  # PeriodView
        self.desa: str | None = None  # the desk's desa (None: every desa)
        self.found: list = []  # search results (KpmRow)
        self.current = None  # the KPM last shown (for "Gagal salur")
        self.recent: list = []
        self.counts: dict = {}
        self.queue: deque[Scan] = deque()
        self.running: Scan | None = None
        self.scan_ms: list[float] = []  # Enter -> result on screen, per scan
        self.last_kind = ""
        self.alerts = 0  # loud warnings given (beeps)
        self._last_submit = 0.0
        self._flash_left = 0
        self._flash_on = False
        self.state_reads = LatestJob(self)
        self.count_reads = LatestJob(self)

        # --- top: period, desk desa
        self.title = big(QLabel("Pilih tahap penyaluran."), 13)
        self.title.setObjectName("deskTitle")
        self.title.setWordWrap(True)
        self.desa_combo = QComboBox()
        self.desa_combo.setObjectName("deskDesa")
        self.desa_combo.setMinimumWidth(260)
        self.desa_combo.setToolTip("Meja ini melayani satu desa/kelurahan: KPM desa lain ditolak. "
                                   "\"Semua desa\" menerima KPM mana pun dari tahap ini.")
        self.desa_combo.currentIndexChanged.connect(self._desa_changed)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(QLabel("Meja desa/kel."))
        top.addWidget(self.desa_combo)

        # --- the input and the kuasa
        self.scan = QLineEdit()
        self.scan.setObjectName("scanInput")
        self.scan.setPlaceholderText("Pindai QR undangan, atau ketik NIK / nama lalu Enter")
        f = QFont(self.scan.font())
        f.setPointSize(20)
        self.scan.setFont(f)
        self.scan.setMinimumHeight(52)
        self.scan.setClearButtonEnabled(True)
        self.scan.returnPressed.connect(self.submit)
        self.scan.textEdited.connect(self._typed)
        self.scan.installEventFilter(_ScanKeys(self))
        self.kuasa = QLineEdit()
        self.kuasa.setObjectName("kuasaInput")
        self.kuasa.setPlaceholderText("Diambil kuasa? Tulis nama wakil (kosongkan bila KPM sendiri)")
        self.kuasa.setMinimumHeight(34)
        self.kuasa.returnPressed.connect(self.focus_scan)
        self.kuasa.textChanged.connect(self._kuasa_style)
        inputs = QGridLayout()
        inputs.addWidget(self.scan, 0, 0, 1, 2)
        inputs.addWidget(QLabel("Kuasa"), 1, 0)
        inputs.addWidget(self.kuasa, 1, 1)
        inputs.setColumnStretch(1, 1)

        # --- the feedback panel
        self.panel = QFrame()
        self.panel.setObjectName("feedback")
        self.panel.setMinimumHeight(200)
        self.headline = big(QLabel(), 28)
        self.headline.setObjectName("feedbackHeadline")
        self.headline.setWordWrap(True)  # the loudest words fit a narrow window too
        self.who = big(QLabel(), 16)
        self.who.setObjectName("feedbackWho")
        self.who.setWordWrap(True)
        self.detail = big(QLabel(), 11, bold=False)
        self.detail.setObjectName("feedbackDetail")
        self.detail.setWordWrap(True)
        self.timing = QLabel()
        self.timing.setObjectName("feedbackTiming")
        self.timing.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        head = QHBoxLayout()
        head.addWidget(self.headline, 1)
        head.addWidget(self.timing)
        pl = QVBoxLayout(self.panel)
        pl.setContentsMargins(18, 10, 18, 12)
        pl.addLayout(head)
        pl.addWidget(self.who)
        pl.addWidget(self.detail, 1)
        # room for three lines of the service's sentence (when, by whom, what to do)
        self.detail.setMinimumHeight(self.detail.fontMetrics().lineSpacing() * 3 + 4)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.flash_timer = QTimer(self)
        self.flash_timer.setInterval(140)
        self.flash_timer.timeout.connect(self._flash)

        # --- counters
        self.c_target = StatBox("Target (KPM lengkap)", "#263238", "countTarget")
        self.c_diterima = StatBox("Diterima", "#1b5e20", "countDiterima")
        self.c_gagal = StatBox("Gagal salur", "#e65100", "countGagal")
        self.c_sisa = StatBox("Belum menerima", "#0d47a1", "countSisa")
        self.counter_scope = QLabel()
        self.counter_scope.setObjectName("counterScope")
        self.counter_scope.setStyleSheet("color: #546e7a;")
        counters = QHBoxLayout()
        for c in (self.c_target, self.c_diterima, self.c_gagal, self.c_sisa):
            counters.addWidget(c, 1)

        # --- search results and the last receipts
        self.results = plain_table([("Nama", 150), ("NIK", 140), ("RT/RW", 62), ("Desa/Kel.", 105), ("Status", 100)],
                                   "searchResults", take_focus=False)
        self.results.itemSelectionChanged.connect(self._result_selected)
        self.results.cellDoubleClicked.connect(lambda _r, _c: self.receive_selected())
        self.receive_button = QPushButton("Terima (Enter)")
        self.receive_button.setObjectName("receiveButton")
        self.receive_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.receive_button.clicked.connect(self.receive_selected)
        self.fail_button = QPushButton("Gagal salur… (F8)")
        self.fail_button.setObjectName("failButton")
        self.fail_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.fail_button.clicked.connect(self.fail_current)
        rbuttons = QHBoxLayout()
        rbuttons.addStretch(1)
        rbuttons.addWidget(self.fail_button)
        rbuttons.addWidget(self.receive_button)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        self.results_label = QLabel("<b>Hasil pencarian</b>")
        ll.addWidget(self.results_label)
        ll.addWidget(self.results, 1)
        ll.addLayout(rbuttons)
        self.recent_table = plain_table([("Jam", 46), ("Nama", 150), ("NIK", 140), ("RT/RW", 62), ("Status", 74),
                                         ("Kuasa", 100), ("Petugas", 80)], "recentList", take_focus=False)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(QLabel("<b>Terakhir dicatat</b>"))
        rl.addWidget(self.recent_table, 1)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([560, 700])
        split.setChildrenCollapsible(False)

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addLayout(inputs)
        lay.addWidget(self.panel)
        lay.addLayout(counters)
        lay.addWidget(self.counter_scope)
        lay.addWidget(split, 1)

        self.scanner_timer = QTimer(self)
        self.scanner_timer.setSingleShot(True)
        self.scanner_timer.setInterval(SCANNER_IDLE_MS)
        self.scanner_timer.timeout.connect(self._scanner_idle)
        self.count_timer = QTimer(self)
        self.count_timer.setSingleShot(True)
        self.count_timer.setInterval(COUNT_DEBOUNCE_MS)
        self.count_timer.timeout.connect(self.refresh_counts)
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(REFRESH_MS)
        self.refresh_timer.timeout.connect(self._periodic)
        self.refresh_timer.start()
        QShortcut(QKeySequence(Qt.Key.Key_F8), self, activated=self.fail_current,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._show(IDLE, "Pilih tahap", "", "")
        self._update_actions()

    # ------------------------------------------------------------------ period and desk

    def set_period(self, period_id: int | None) -> None:
        """Show the desk of period ``period_id`` (None: no period)."""
        same = period_id == self.period_id
        self.period_id = period_id
        if not same:
            self.queue.clear()
            self.found, self.current, self.recent = [], None, []
            self._fill_results()
            self._fill_recent()
            self.desa = None
            self.desa_combo.blockSignals(True)
            self.desa_combo.clear()
            self.desa_combo.blockSignals(False)
        if period_id is None:
            self.period = None
            self.state_reads.supersede()
            self.title.setText("Pilih tahap penyaluran.")
            self._show(IDLE, "Pilih tahap", "", "")
            self._update_actions()
            return
        self.state_reads.start(self.ctx.db.read, _desk_state, self.ctx.actor, period_id, self.desa,
                               on_done=self._state, on_error=self._read_failed)

    def refresh(self) -> None:
        self.set_period(self.period_id)

    def _state(self, res) -> None:
        period, places, counted = res
        self.period = period
        self.title.setText(f"{period.programme} {period.period} — tiap KPM menerima {period.benefit_label}")
        if self.desa_combo.count() == 0:
            self.desa_combo.blockSignals(True)
            self.desa_combo.addItem("Semua desa/kelurahan", None)
            for kode, desa, kec in sorted(places, key=lambda d: (d[2] or "", d[1] or "")):
                self.desa_combo.addItem(f"{desa} — Kec. {kec}", kode)
            idx = self.desa_combo.findData(self.desa)
            self.desa_combo.setCurrentIndex(max(idx, 0))
            self.desa_combo.blockSignals(False)
        self._counted(counted)
        if period.status not in RECEIVING_STATES:
            hint = PERIOD.hints.get(PERIOD.state(period.status), "")
            self._show(IDLE, "Penerimaan tidak dibuka", f"Status tahap: {period.status_label}.",
                       hint or "Penerimaan dicatat saat tahap berstatus siap salur atau penyaluran berjalan.")
        elif not self.may_receive:
            self._show(IDLE, "Hanya melihat", "Peran Anda tidak mencatat penerimaan.",
                       "Penerimaan dicatat oleh operator, supervisor atau admin.")
        elif self.last_kind in ("", "idle"):
            self._show(IDLE, "Siap memindai", "Pindai QR undangan KPM, atau ketik NIK / nama lalu Enter.",
                       f"Serahkan {period.benefit_label} per KPM setelah layar hijau.")
        self._update_actions()
        self.focus_scan()

    def _desa_changed(self, _i: int) -> None:
        self.desa = self.desa_combo.currentData()
        self.found, self.current = [], None
        self._fill_results()
        self.refresh_counts()
        self.focus_scan()

    def receiving(self) -> bool:
        return (self.period is not None and self.may_receive and self.period.status in RECEIVING_STATES)

    def _update_actions(self) -> None:
        on = self.receiving()
        self.scan.setEnabled(self.period is not None)
        self.kuasa.setEnabled(on)
        self.receive_button.setEnabled(on and self.selected() is not None)
        pending = self.current is not None and self.current.receipt_status == ReceiptStatus.BELUM.value
        self.fail_button.setEnabled(on and pending)
        self.fail_button.setToolTip("" if pending else "Cari KPM (NIK atau nama) yang belum menerima, lalu catat "
                                    "gagal salur.")

    # ------------------------------------------------------------------ input

    def focus_scan(self) -> None:
        if self.scan.isEnabled():
            self.scan.setFocus(Qt.FocusReason.OtherFocusReason)

    def clear_input(self) -> None:
        self.scan.clear()
        self.found = []
        self._fill_results()
        self._update_actions()

    def _typed(self, text: str) -> None:
        # A scanner configured without a line end: take the token once the keys stop.
        if looks_like_token(text) and TOKEN_RE.search(_SPACES.sub("", text).upper()):
            self.scanner_timer.start()
        else:
            self.scanner_timer.stop()

    def _scanner_idle(self) -> None:
        if looks_like_token(self.scan.text()):
            self.submit()

    def submit(self) -> None:
        """Enter (or Tab) in the input: a QR records, a NIK/name searches, empty records the selection."""
        self.scanner_timer.stop()
        text = self.scan.text().strip()
        now = time.perf_counter()
        if not text:
            if now - self._last_submit < DOUBLE_ENTER_S:
                return  # the scanner's CR LF
            self.receive_selected(t0=now)
            return
        self._last_submit = now
        self.scan.clear()
        if self.period_id is None:
            return
        if looks_like_token(text):
            self.found = []
            self._fill_results()
            self._enqueue(Scan("qr", text=text, kuasa=self._take_kuasa(), t0=now))
        else:
            self._enqueue(Scan("search", text=text, t0=now))

    def _take_kuasa(self) -> str | None:
        name = self.kuasa.text().strip() or None
        self.kuasa.clear()  # one receipt only: the next KPM comes himself unless told
        return name

    def _kuasa_style(self, text: str) -> None:
        self.kuasa.setStyleSheet("QLineEdit { background: #fff3e0; font-weight: 600; }" if text.strip() else "")

    def selected(self):
        rows = self.results.selectionModel().selectedRows() if self.results.selectionModel() else []
        return self.found[rows[0].row()] if rows and rows[0].row() < len(self.found) else None

    def move_selection(self, step: int) -> None:
        if not self.found:
            return
        rows = self.results.selectionModel().selectedRows()
        row = rows[0].row() if rows else -1
        self.results.selectRow(max(0, min(len(self.found) - 1, row + step)))

    def _result_selected(self) -> None:
        k = self.selected()
        if k is not None:
            self.current = k
        self._update_actions()

    def receive_selected(self, t0: float | None = None) -> None:
        k = self.selected()
        if k is None or not self.receiving():
            self.focus_scan()
            return
        self._last_submit = time.perf_counter()
        reason = None
        if k.receipt_status == ReceiptStatus.GAGAL_SALUR.value:
            # Recorded gagal salur earlier, came after all: the change needs a reason (audited).
            reason, ok = QInputDialog.getText(
                self, "Catat diterima", f"{k.nama} tercatat gagal salur ({k.fail_label or '-'}). Alasan mencatatnya "
                "diterima sekarang:", text="KPM datang sendiri setelah dinyatakan gagal salur")
            if not ok or not reason.strip():
                self.focus_scan()
                return
        self._enqueue(Scan("kpm", kpm_id=k.id, kuasa=self._take_kuasa(), reason=reason,
                           t0=t0 or time.perf_counter()))

    def fail_current(self) -> None:
        k = self.selected() or self.current
        if k is None or not self.receiving() or not self.fail_button.isEnabled():
            self.focus_scan()
            return
        dlg = FailDialog(k, self)
        self.fail_dialog = dlg  # tests drive it
        accepted = dlg.exec() == QDialog.DialogCode.Accepted
        self.fail_dialog = None
        if accepted:
            reason, note = dlg.values()
            self._enqueue(Scan("fail", kpm_id=k.id, reason=reason, note=note, t0=time.perf_counter()))
        self.focus_scan()

    # ------------------------------------------------------------------ the queue of scans

    def _enqueue(self, scan: Scan) -> None:
        self.queue.append(scan)
        self._next()

    def _next(self) -> None:
        if self.running is not None or not self.queue or self.period_id is None:
            return
        scan = self.queue.popleft()
        self.running = scan
        db, actor, pid, desa = self.ctx.db, self.ctx.actor, self.period_id, self.desa
        if scan.kind == "qr":
            job = Job(db.write, receipts.receive, actor, pid, qr=scan.text, kuasa=scan.kuasa, desa=desa,
                      with_progress=False)
        elif scan.kind == "kpm":
            job = Job(db.write, receipts.receive, actor, pid, kpm_id=scan.kpm_id, kuasa=scan.kuasa, desa=desa,
                      reason=scan.reason, with_progress=False)
        elif scan.kind == "fail":
            job = Job(db.write, receipts.fail, actor, pid, kpm_id=scan.kpm_id, reason=scan.reason, note=scan.note,
                      desa=desa, with_progress=False)
        else:
            job = Job(db.read, receipts.search, actor, pid, scan.text, desa=desa, with_progress=False)
        job.signals.finished.connect(lambda res, s=scan: self._done(s, res))
        job.signals.failed.connect(lambda exc, _tb, s=scan: self._failed(s, exc))
        job.signals.cancelled.connect(lambda s=scan: self._done(s, None))
        job_runner().start(job)

    def _done(self, scan: Scan, res) -> None:
        self.running = None
        if scan.kind == "search":
            self._searched(scan, list(res or []))
        elif res is not None:
            self._recorded(scan, res)
        self._measure(scan)
        self._next()

    def _failed(self, scan: Scan, exc: BaseException) -> None:
        self.running = None
        self._refused(scan, exc)
        self._measure(scan)
        self._next()

    def _measure(self, scan: Scan) -> None:
        self.panel.repaint()  # on screen now, not at the next idle paint
        ms = (time.perf_counter() - scan.t0) * 1000
        self.scan_ms.append(ms)
        self.timing.setText(f"{ms:.0f} ms")
        self.focus_scan()
        self.scanDone.emit(ms)

    # ------------------------------------------------------------------ showing results

    def _recorded(self, scan: Scan, res) -> None:
        k = res.kpm
        self.current = k
        benefit = getattr(res, "benefit", "") or (self.period.benefit_label if self.period else "")
        when = jam(res.at, lokal=True, detik=True) if getattr(res, "at", None) else ""
        if scan.kind == "fail":
            self._show(FAILED, "GAGAL SALUR DICATAT", f"{k.nama} — {_place(k)}",
                       f"NIK {k.nik} · Alasan: {k.fail_label or scan.reason}"
                       + (f" ({k.fail_note})" if k.fail_note else "") + f" · {when}", kind="gagal")
            self._bump("gagal")
        else:
            kuasa = f" · Diambil kuasa: <b>{k.kuasa}</b>" if k.kuasa else ""
            self._show(OK, "✔ DITERIMA", f"{k.nama} — {_place(k)}",
                       f"Serahkan <b>{benefit}</b> · NIK {k.nik}{kuasa} · dicatat {when}", kind="diterima")
            self._bump("diterima")
        # The KPM leaves the search results; the last list shows it first.
        self.found = [f for f in self.found if f.id != k.id]
        self._fill_results()
        if any(r.id == k.id for r in self.recent):
            self.recent = [k] + [r for r in self.recent if r.id != k.id][:RECENT - 1]
            self._fill_recent()
        else:  # the usual case: one new row on top (cheaper than refilling the list on every scan)
            self.recent = [k] + self.recent[:RECENT - 1]
            self.recent_table.insertRow(0)
            self._fill_recent_row(0, k)
            if self.recent_table.rowCount() > RECENT:
                self.recent_table.removeRow(RECENT)
        self._update_actions()
        self.ctx.events.changed({events.DISTRIBUTION}, source=self)
        self.count_timer.start()

    def _refused(self, scan: Scan, exc: BaseException) -> None:
        message, hint = user_message(exc)
        kpm = getattr(exc, "row", None)
        if isinstance(exc, receipts.AlreadyRecorded):
            failed = kpm is not None and kpm.receipt_status == ReceiptStatus.GAGAL_SALUR.value
            head = "✖ SUDAH TERCATAT GAGAL SALUR" if failed else "✖ SUDAH DITERIMA — JANGAN SERAHKAN LAGI"
            who = "KPM ini sudah dilayani"
            if kpm is not None:
                # when and by whom, big: the officer reads it aloud to the person at the desk
                when = tanggal_jam(kpm.received_at, lokal=True) if kpm.received_at else "?"
                verb = "gagal salur" if failed else "diterima"
                who = (f"{kpm.nama} — {verb} {when} oleh {kpm.recorded_by or '?'}"
                       + (f", diambil kuasa {kpm.kuasa}" if kpm.kuasa else ""))
            self._show(ALARM, head, who, f"{message} {hint}".strip(), kind="sudah", alarm=2)
            self.count_timer.start()  # served at another desk, perhaps: the counters catch up now
        else:
            who = f"{kpm.nama} — {_place(kpm)}" if kpm is not None else ""
            head = "✖ GAGAL SALUR TIDAK DICATAT" if scan.kind == "fail" else "✖ DITOLAK — JANGAN SERAHKAN"
            if scan.kind == "search":
                head = "✖ PENCARIAN GAGAL"
            self._show(ALARM, head, who or message, f"{message} {hint}".strip() if who else hint,
                       kind="ditolak", alarm=1)
        if kpm is not None:
            self.current = kpm
        self._update_actions()

    def _searched(self, scan: Scan, found: list) -> None:
        self.found = found
        self._fill_results()
        if not found:
            self._show(NOTHING, "Tidak ditemukan", f"\"{scan.text}\" tidak ada di tahap ini"
                       + (" untuk desa meja ini." if self.desa else "."),
                       "Periksa ketikan NIK atau nama; KPM desa lain dilayani di mejanya.", kind="kosong")
            self._update_actions()
            return
        self.results.selectRow(0)
        k = found[0]
        self.current = k
        if len(found) == 1:
            state = self._state_note(k)
            self._show(FOUND, "1 KPM ditemukan" + (f" — {state}" if state else ""), f"{k.nama} — {_place(k)}",
                       f"NIK {k.nik} · Periksa KTP/KK, lalu tekan <b>Enter</b> untuk mencatat diterima, "
                       "atau F8 untuk gagal salur.", kind="ditemukan")
        else:
            self._show(FOUND, f"{angka(len(found))} KPM ditemukan", "Pilih dengan ↑/↓, lalu tekan Enter.",
                       "Periksa KTP/KK sebelum mencatat.", kind="ditemukan")
        self._update_actions()

    @staticmethod
    def _state_note(k) -> str:
        if k.receipt_status == ReceiptStatus.DITERIMA.value:
            return "SUDAH DITERIMA"
        if k.receipt_status == ReceiptStatus.GAGAL_SALUR.value:
            return "tercatat gagal salur"
        if k.clean_status != "lengkap":
            return k.clean_label.upper()
        return ""

    def _show(self, colours: tuple[str, str], headline: str, who: str, detail: str, *, kind: str = "idle",
              alarm: int = 0) -> None:
        self.flash_timer.stop()
        self._colours = colours
        self._paint(colours)
        self.headline.setText(headline)
        self.who.setText(who)
        self.who.setVisible(bool(who))
        self.detail.setText(detail)
        self.last_kind = kind
        if kind in ("idle",):
            self.timing.setText("")
        if alarm:
            # Loud: a beep (two for "sudah diterima") and the panel flashing yellow/red for a while.
            self.alerts += 1
            QApplication.beep()
            if alarm > 1:
                QTimer.singleShot(220, QApplication.beep)
            self._flash_left = 8 * alarm
            self.flash_timer.start()
        self.resultShown.emit(kind)

    def _paint(self, colours: tuple[str, str]) -> None:
        bg, fg = colours
        self.panel.setStyleSheet(f"QFrame#feedback {{ background: {bg}; border-radius: 8px; }} "
                                 f"QFrame#feedback QLabel {{ color: {fg}; background: transparent; }}")

    def _flash(self) -> None:
        self._flash_left -= 1
        self._flash_on = not self._flash_on and self._flash_left > 0
        self._paint(ALARM_FLASH if self._flash_on else self._colours)
        if self._flash_left <= 0:
            self.flash_timer.stop()

    def _fill_results(self) -> None:
        self.results.setRowCount(len(self.found))
        for r, k in enumerate(self.found):
            status = self._state_note(k) or k.receipt_label
            for c, v in enumerate((k.nama, k.nik, k.rt_rw.replace("RT ", "").replace("RW ", ""), k.desa_nama,
                                   status)):
                item = QTableWidgetItem(v)
                if c == 4 and k.receipt_status != ReceiptStatus.BELUM.value:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.results.setItem(r, c, item)
        self.results_label.setText(f"<b>Hasil pencarian</b> ({angka(len(self.found))})" if self.found else
                                   "<b>Hasil pencarian</b>")

    def _fill_recent(self) -> None:
        self.recent_table.setRowCount(len(self.recent))
        for r, k in enumerate(self.recent):
            self._fill_recent_row(r, k)

    def _fill_recent_row(self, r: int, k) -> None:
        colour = RECEIPT.colours.get(RECEIPT.state(k.receipt_status))
        values = (jam(k.received_at, lokal=True) if k.received_at else "", k.nama, k.nik,
                  k.rt_rw.replace("RT ", "").replace("RW ", ""), k.receipt_label, k.kuasa or "",
                  k.recorded_by or "")
        for c, v in enumerate(values):
            item = QTableWidgetItem(v)
            if c == 4 and colour:
                item.setForeground(QColor(colour))
            if k.fail_label and c == 4:
                item.setToolTip(k.fail_label + (f": {k.fail_note}" if k.fail_note else ""))
            if k.received_at:
                item.setToolTip(item.toolTip() or tanggal_jam(k.received_at, lokal=True, detik=True))
            self.recent_table.setItem(r, c, item)

    # ------------------------------------------------------------------ counters

    def _bump(self, what: str) -> None:
        """Count the receipt at once (the database read that follows reconciles, other PCs included)."""
        if not self.counts:
            return
        self.counts = dict(self.counts)
        self.counts[what] = int(self.counts.get(what) or 0) + 1
        self.counts["sisa"] = max(0, int(self.counts.get("sisa") or 0) - 1)
        self._show_counts()

    def refresh_counts(self) -> None:
        if self.period_id is None:
            return
        self.count_reads.start(self.ctx.db.read, _counters, self.ctx.actor, self.period_id, self.desa,
                               on_done=self._counted, on_error=self._read_failed)

    def _periodic(self) -> None:
        if self.isVisible() and self.period_id is not None and self.running is None and not self.queue:
            self.refresh_counts()

    def _counted(self, res) -> None:
        counts, recent = res
        self.counts = dict(counts)
        self.recent = list(recent)
        self._fill_recent()
        self._show_counts()

    def _show_counts(self) -> None:
        c = self.counts
        self.c_target.set(c.get("target"))
        self.c_diterima.set(c.get("diterima"))
        self.c_gagal.set(c.get("gagal"))
        self.c_sisa.set(c.get("sisa"))
        scope = self.desa_combo.currentText() if self.desa else "semua desa/kelurahan tahap ini"
        self.counter_scope.setText(f"Hitungan untuk {scope}.")

    def _read_failed(self, exc: BaseException) -> None:
        message, hint = user_message(exc)
        self._show(NOTHING, "Data tidak dapat dimuat", message, hint, kind="galat")

    # ------------------------------------------------------------------ tests, screenshots

    def wait_scan(self, act, timeout_ms: int = 30_000) -> float | None:
        """Run ``act()`` (a key press) and wait in a real event loop (the GUI thread idle, as in the
        application) until its scan is answered on screen; its ms from Enter, or None on timeout."""
        from PySide6.QtCore import QEventLoop

        loop = QEventLoop()
        got: list[float] = []

        def done(ms: float) -> None:
            got.append(ms)
            loop.quit()

        self.scanDone.connect(done)
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(loop.quit)
        timer.start(timeout_ms)
        try:
            act()
            if not got:
                loop.exec()
        finally:
            self.scanDone.disconnect(done)
            timer.stop()
        return got[0] if got else None

    def wait_idle(self, timeout_ms: int = 30_000) -> bool:
        from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QThread

        deadline = QDeadlineTimer(timeout_ms)
        while self.running is not None or self.queue:
            if deadline.hasExpired():
                return False
            QCoreApplication.processEvents()
            QThread.msleep(2)
        for r in (self.state_reads, self.count_reads):
            if not r.wait_idle(timeout_ms):
                return False
        return job_runner().wait_all(timeout_ms)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        QTimer.singleShot(0, self.focus_scan)
