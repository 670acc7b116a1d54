"""Realisasi: how far the distribution of a period has come, per kecamatan and desa.

Totals (target = KPM lengkap, diterima, gagal salur, sisa, nilai tersalur), a table per kecamatan
and per desa, the progress charts (cumulative receipts over time against the target; received /
failed / remaining per kecamatan, or per desa of the chosen kecamatan), the lists of failed and of
remaining KPM, and the exports (.xlsx workbook, PDF report on the documents engine).

The figures come from ``services.distribution.report`` in jobs; they are the receipts recorded,
exactly. The charts are drawn with QPainter (no chart library: Qt Charts is GPL-only for open-source
users, this application is not).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPointF, QRectF, Qt, QTimer, QUrl
from PySide6.QtGui import QColor, QDesktopServices, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFileDialog, QFrame, QHBoxLayout, QLabel,
                               QPushButton, QScrollArea, QSizePolicy, QSplitter, QTableView,
                               QTabWidget, QVBoxLayout, QWidget)

from dtks_desktop.domain.distribution import FAIL_REASON_LABELS, BenefitKind, FailReason, quantity, rupiah
from dtks_desktop.domain.formatting import angka, jam, tanggal, tanggal_jam
from dtks_desktop.domain.permissions import Capability, can
from dtks_desktop.jobs import Job
from dtks_desktop.services.distribution import report
from dtks_desktop.views.common import events
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.latest import LatestJob
from dtks_desktop.views.common.widgets import fill_table, plain_table
from dtks_desktop.views.distribution.widgets import StatBox
from dtks_desktop.views.common.widgets import ErrorLabel, ask_yes_no, job_runner, start_job, user_message

__all__ = ["RealisationView", "ProgressChart", "BarsChart", "KpmListModel", "nilai_text"]

GREEN, ORANGE, GREY, BLUE, INK = "#2e7d32", "#ef6c00", "#b0bec5", "#1565c0", "#263238"
REFRESH_MS = 30_000


def nilai_text(period: dict | None, value, label: str | None = None) -> str:
    """The value handed over: the service's label, else rupiah for cash, the quantity and unit for goods."""
    if label:
        return label
    if value is None:
        return ""
    if period and period.get("benefit_kind") == BenefitKind.BARANG.value:
        try:
            q = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        unit = (period.get("benefit_label") or "").rsplit(" ", 1)[-1]
        return f"{quantity(q)} {unit}".strip()
    return rupiah(int(value))


def _reason_label(code: str) -> str:
    try:
        return FAIL_REASON_LABELS[FailReason(code)]
    except ValueError:
        return code or "tanpa alasan"


def percent(part, whole) -> str:
    return f"{100 * int(part or 0) / int(whole):.1f} %".replace(".", ",") if whole else "–"


def _overview(s, period_id: int, kecamatan: str | None):
    """Worker: the realisation (kecamatan filter) and the cumulative series."""
    real = report.realisation(s, period_id, kecamatan=kecamatan)
    return real.as_dict(), report.progress_series(s, period_id)


def _lists(s, actor, period_id: int, desa: str | None):
    """Worker: the failed and the remaining KPM (of one desa, or of the period)."""
    return (report.failed_rows(s, actor, period_id, desa=desa), report.remaining_rows(s, actor, period_id, desa=desa))


# --------------------------------------------------------------------------- charts


class _Chart(QWidget):
    """Common frame of a chart: title, plot rectangle, fonts."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.setMinimumSize(360, 220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def _frame(self, p: QPainter) -> QRectF:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("#ffffff"))
        f = QFont(self.font())
        f.setBold(True)
        f.setPointSize(f.pointSize() + 1)
        p.setFont(f)
        p.setPen(QColor(INK))
        p.drawText(QRectF(8, 4, self.width() - 16, 22), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   self.title)
        p.setFont(self.font())
        return QRectF(62, 34, max(10, self.width() - 84), max(10, self.height() - 34 - 44))

    def _empty(self, p: QPainter, plot: QRectF, text: str) -> None:
        p.setPen(QColor("#90a4ae"))
        p.drawText(plot, Qt.AlignmentFlag.AlignCenter, text)


def _nice_step(top: float, ticks: int = 5) -> float:
    raw = max(top, 1) / ticks
    mag = 10 ** (len(str(int(raw))) - 1)
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


class ProgressChart(_Chart):
    """Cumulative KPM received over time (one point per hour), against the target (dashed)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Kumulatif KPM menerima", parent)
        self.setObjectName("progressChart")
        self.points: list[tuple[datetime, int]] = []
        self.target = 0

    def set_data(self, points, target: int) -> None:
        # the hours of the office's PC (the services keep UTC)
        self.points = [(t.astimezone() if t.tzinfo else t, int(n)) for t, n in points]
        self.target = int(target or 0)
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt API
        p = QPainter(self)
        plot = self._frame(p)
        if not self.points:
            self._empty(p, plot, "Belum ada penerimaan tercatat.")
            p.end()
            return
        pts = sorted(self.points)
        t0, t1 = pts[0][0], pts[-1][0]
        if t1 <= t0:
            t1 = t0 + timedelta(hours=1)
        t0 = t0 - timedelta(minutes=1)
        top = max(self.target, pts[-1][1], 1)
        step = _nice_step(top)
        ymax = step * (int(top / step) + (0 if top % step == 0 else 1))
        span = (t1 - t0).total_seconds()

        def x(t: datetime) -> float:
            return plot.left() + plot.width() * (t - t0).total_seconds() / span

        def y(n: float) -> float:
            return plot.bottom() - plot.height() * n / ymax

        # grid and y labels
        p.setPen(QPen(QColor("#eceff1"), 1))
        v = 0.0
        while v <= ymax + 0.5:
            p.setPen(QPen(QColor("#eceff1"), 1))
            p.drawLine(QPointF(plot.left(), y(v)), QPointF(plot.right(), y(v)))
            p.setPen(QColor("#607d8b"))
            p.drawText(QRectF(0, y(v) - 8, plot.left() - 6, 16),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, angka(int(v)))
            v += step
        # x labels: up to 6 times
        p.setPen(QColor("#607d8b"))
        n_lab = 6
        same_day = t0.date() == t1.date()
        for i in range(n_lab + 1):
            t = t0 + (t1 - t0) * i / n_lab
            text = jam(t) if same_day else f"{tanggal(t)[:5]} {jam(t)}"
            p.drawText(QRectF(x(t) - 40, plot.bottom() + 4, 80, 16), Qt.AlignmentFlag.AlignHCenter, text)
        p.setPen(QPen(QColor("#90a4ae"), 1))
        p.drawLine(plot.bottomLeft(), plot.bottomRight())
        p.drawLine(plot.bottomLeft(), plot.topLeft())
        # target
        if self.target:
            pen = QPen(QColor("#c62828"), 1.5, Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.drawLine(QPointF(plot.left(), y(self.target)), QPointF(plot.right(), y(self.target)))
            p.drawText(QRectF(plot.left() + 4, y(self.target) - 18, plot.width() - 8, 16),
                       Qt.AlignmentFlag.AlignRight, f"Target {angka(self.target)}")
        # area + line (a step: the count holds until the next hour)
        path = QPainterPath(QPointF(x(t0), y(0)))
        for t, n in pts:
            path.lineTo(QPointF(x(t), path.currentPosition().y()))
            path.lineTo(QPointF(x(t), y(n)))
        path.lineTo(QPointF(plot.right(), path.currentPosition().y()))
        area = QPainterPath(path)
        area.lineTo(QPointF(plot.right(), y(0)))
        area.closeSubpath()
        fill = QColor(GREEN)
        fill.setAlpha(45)
        p.fillPath(area, fill)
        p.setPen(QPen(QColor(GREEN), 2.2))
        p.drawPath(path)
        last_t, last_n = pts[-1]
        p.setBrush(QColor(GREEN))
        p.drawEllipse(QPointF(x(last_t), y(last_n)), 3.5, 3.5)
        p.setPen(QColor(INK))
        p.drawText(QRectF(plot.left(), plot.bottom() + 22, plot.width(), 16), Qt.AlignmentFlag.AlignLeft,
                   f"{angka(last_n)} KPM menerima ({percent(last_n, self.target)} dari target) · "
                   f"per jam, terakhir jam {tanggal_jam(last_t)}")
        p.end()


class BarsChart(_Chart):
    """Per kecamatan (or desa): diterima, gagal salur and sisa as shares of the target."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Per kecamatan", parent)
        self.setObjectName("barsChart")
        self.rows: list[tuple[str, int, int, int, int]] = []  # name, target, diterima, gagal, sisa

    def set_data(self, title: str, rows) -> None:
        self.title = title
        self.rows = [(str(r[0]), int(r[1] or 0), int(r[2] or 0), int(r[3] or 0), int(r[4] or 0)) for r in rows]
        self.setMinimumHeight(max(220, 90 + 14 * len(self.rows)))  # in a scroll area: every row readable
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt API
        p = QPainter(self)
        plot = self._frame(p)
        if not self.rows:
            self._empty(p, plot, "Belum ada KPM lengkap.")
            p.end()
            return
        fm = p.fontMetrics()
        name_w = min(170, max(fm.horizontalAdvance(r[0]) for r in self.rows) + 10)
        plot = QRectF(8 + name_w, plot.top(), max(10, self.width() - name_w - 80), plot.height())
        h = min(22.0, plot.height() / len(self.rows))
        bar_h = max(4.0, h * 0.7)
        for i, (name, target, ok, gagal, sisa) in enumerate(self.rows):
            top = plot.top() + i * h + (h - bar_h) / 2
            p.setPen(QColor(INK))
            p.drawText(QRectF(4, top - 2, name_w, bar_h + 4),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, fm.elidedText(
                           name, Qt.TextElideMode.ElideRight, int(name_w - 6)))
            total = max(target, 1)
            left = plot.left()
            for n, colour in ((ok, GREEN), (gagal, ORANGE), (sisa, GREY)):
                w = plot.width() * n / total
                if w > 0:
                    p.fillRect(QRectF(left, top, w, bar_h), QColor(colour))
                left += w
            p.setPen(QColor("#455a64"))
            p.drawText(QRectF(plot.right() + 6, top - 2, 70, bar_h + 4),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, percent(ok, target))
        # legend
        y = self.height() - 20
        x = plot.left()
        for text, colour in (("Diterima", GREEN), ("Gagal salur", ORANGE), ("Belum menerima", GREY)):
            p.fillRect(QRectF(x, y + 3, 12, 10), QColor(colour))
            p.setPen(QColor(INK))
            p.drawText(QPointF(x + 16, y + 12), text)
            x += 16 + fm.horizontalAdvance(text) + 18
        p.end()


# --------------------------------------------------------------------------- lists


class KpmListModel(QAbstractTableModel):
    """A plain list of KpmRow (failed or remaining KPM; up to the whole period)."""

    def __init__(self, columns: list[tuple[str, int, object]], parent=None) -> None:
        super().__init__(parent)
        self.columns = columns
        self.rows: list = []

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.columns[index.column()][2](self.rows[index.row()])
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt API
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section][0]
        return None


def _rt_rw(k) -> str:
    return f"{k.rt or '-'}/{k.rw or '-'}"


FAILED_COLUMNS = [("Nama", 170, lambda k: k.nama), ("NIK", 135, lambda k: k.nik), ("RT/RW", 60, _rt_rw),
                  ("Desa/Kel.", 120, lambda k: k.desa_nama), ("Alasan", 150, lambda k: k.fail_label or ""),
                  ("Keterangan", 150, lambda k: k.fail_note or ""),
                  ("Dicatat", 110, lambda k: tanggal_jam(k.received_at, lokal=True) if k.received_at else ""),
                  ("Petugas", 80, lambda k: k.recorded_by or "")]
REMAINING_COLUMNS = [("Nama", 170, lambda k: k.nama), ("NIK", 135, lambda k: k.nik), ("RT/RW", 60, _rt_rw),
                     ("Dusun", 100, lambda k: k.dusun), ("Desa/Kel.", 120, lambda k: k.desa_nama),
                     ("Kecamatan", 110, lambda k: k.kecamatan_nama), ("Alamat", 200, lambda k: k.alamat)]


def _view(model: KpmListModel, name: str) -> QTableView:
    t = QTableView()
    t.setObjectName(name)
    t.setModel(model)
    for i, (_h, w, _f) in enumerate(model.columns):
        t.setColumnWidth(i, w)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setStretchLastSection(True)
    t.setAlternatingRowColors(True)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.verticalHeader().setDefaultSectionSize(t.fontMetrics().height() + 8)
    return t


# --------------------------------------------------------------------------- the view


class RealisationView(QWidget):
    """The "Realisasi" tab of a distribution period: ``set_period(id)``."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.may_print = can(ctx.actor, Capability.DOCS_PRINT)
        self.period_id: int | None = None
        self.real: dict | None = None  # Realisation.as_dict()
        self.series: list = []
        self.kecamatan_names: list[tuple[str, str]] = []  # (kode, nama) of the period (unfiltered)
        self.failed: list = []
        self.remaining: list = []
        self.last_export = None
        self.reads = LatestJob(self)
        self.list_reads = LatestJob(self)
        self.error = ErrorLabel()

        self.title = QLabel("Pilih tahap penyaluran.")
        self.title.setObjectName("realisationTitle")
        self.title.setStyleSheet("font-size: 12pt; font-weight: 600;")
        self.kec_combo = QComboBox()
        self.kec_combo.setObjectName("realisationKecamatan")
        self.kec_combo.addItem("Semua kecamatan", None)
        self.kec_combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.reload_button = QPushButton("Muat ulang")
        self.reload_button.clicked.connect(self.reload)
        self.xlsx_button = QPushButton("Ekspor .xlsx…")
        self.xlsx_button.setObjectName("exportXlsx")
        self.xlsx_button.clicked.connect(self._ask_xlsx)
        self.pdf_button = QPushButton("Cetak laporan PDF…")
        self.pdf_button.setObjectName("exportPdf")
        self.pdf_button.clicked.connect(self._ask_pdf)
        self.title.setWordWrap(True)
        top = QHBoxLayout()  # the title has a line of its own: the tab fits a 1280-pixel screen beside the list
        top.addWidget(QLabel("Kecamatan"))
        top.addWidget(self.kec_combo)
        top.addWidget(self.reload_button)
        top.addWidget(self.xlsx_button)
        top.addWidget(self.pdf_button)

        self.t_target = StatBox("Target (KPM lengkap)", INK, "totalTarget", pt=17)
        self.t_diterima = StatBox("Diterima", GREEN, "totalDiterima", pt=17)
        self.t_gagal = StatBox("Gagal salur", ORANGE, "totalGagal", pt=17)
        self.t_sisa = StatBox("Belum menerima", BLUE, "totalSisa", pt=17)
        self.t_nilai = StatBox("Nilai tersalur", GREEN, "totalNilai", pt=17)
        totals = QHBoxLayout()
        for w in (self.t_target, self.t_diterima, self.t_gagal, self.t_sisa, self.t_nilai):
            totals.addWidget(w, 1)

        # summary tab: kecamatan table + charts
        self.kec_table = plain_table([("Kecamatan", 140), ("Target", 70), ("Diterima", 70), ("Gagal", 60), ("Sisa", 70),
                                 ("%", 60), ("Nilai", 120)], "kecamatanTable")
        self.chart = ProgressChart()
        self.bars = BarsChart()
        charts = QSplitter(Qt.Orientation.Vertical)
        charts.addWidget(self.chart)
        bars_scroll = QScrollArea()
        bars_scroll.setWidgetResizable(True)
        bars_scroll.setFrameShape(QFrame.Shape.NoFrame)
        bars_scroll.setWidget(self.bars)
        charts.addWidget(bars_scroll)
        summary = QSplitter()
        summary.addWidget(self.kec_table)
        summary.addWidget(charts)
        summary.setSizes([560, 520])
        # desa tab
        self.desa_table = plain_table([("Kecamatan", 120), ("Desa/Kel.", 150), ("Target", 70), ("Diterima", 70),
                                  ("Gagal", 60), ("Sisa", 70), ("%", 60), ("Nilai", 120)], "desaTable")
        self.desa_table.itemSelectionChanged.connect(self._desa_selected)
        # lists
        self.list_desa = QComboBox()
        self.list_desa.setObjectName("listDesa")
        self.list_desa.addItem("Semua desa/kelurahan", None)
        self.list_desa.currentIndexChanged.connect(lambda _i: self.load_lists())
        self.failed_model = KpmListModel(FAILED_COLUMNS, self)
        self.remaining_model = KpmListModel(REMAINING_COLUMNS, self)
        self.failed_view = _view(self.failed_model, "failedList")
        self.remaining_view = _view(self.remaining_model, "remainingList")
        self.lists = QTabWidget()
        self.lists.addTab(self.failed_view, "Gagal salur")
        self.lists.addTab(self.remaining_view, "Belum menerima")
        lists_page = QWidget()
        lp = QVBoxLayout(lists_page)
        row = QHBoxLayout()
        row.addWidget(QLabel("Desa/kel."))
        row.addWidget(self.list_desa)
        row.addStretch(1)
        lp.addLayout(row)
        self.reasons_label = QLabel()
        self.reasons_label.setObjectName("failReasons")
        self.reasons_label.setWordWrap(True)
        lp.addWidget(self.reasons_label)
        lp.addWidget(self.lists, 1)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("realisationTabs")
        self.tabs.addTab(summary, "Ringkasan dan grafik")
        self.tabs.addTab(self.desa_table, "Per desa/kelurahan")
        self.tabs.addTab(lists_page, "Gagal salur dan belum menerima")

        lay = QVBoxLayout(self)
        lay.addWidget(self.title)
        top.addStretch(1)
        lay.addLayout(top)
        lay.addLayout(totals)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(self.error)

        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(lambda: self.isVisible() and self.period_id is not None and self.reload())
        self.timer.start()
        events.follow(self, ctx.events, {events.DISTRIBUTION}, self.reload, delay_ms=1500)
        self._update_actions()

    # --- loading

    def set_period(self, period_id: int | None) -> None:
        if period_id != self.period_id:
            self.kec_combo.blockSignals(True)
            self.kec_combo.clear()
            self.kec_combo.addItem("Semua kecamatan", None)
            self.kec_combo.blockSignals(False)
            self.list_desa.blockSignals(True)
            self.list_desa.clear()
            self.list_desa.addItem("Semua desa/kelurahan", None)
            self.list_desa.blockSignals(False)
            self.kecamatan_names = []
            self.real, self.series = None, []
            self.failed_model.set_rows([])
            self.remaining_model.set_rows([])
        self.period_id = period_id
        if period_id is None:
            self.reads.supersede()
            self.list_reads.supersede()
            self.title.setText("Pilih tahap penyaluran.")
            self._show()
            return
        self.reload()

    def reload(self) -> None:
        if self.period_id is None:
            return
        self.reads.start(self.ctx.db.read, _overview, self.period_id, self.kec_combo.currentData(),
                         on_done=self._loaded, on_error=self._failed)
        self.load_lists()

    def load_lists(self) -> None:
        if self.period_id is None:
            return
        self.list_reads.start(self.ctx.db.read, _lists, self.ctx.actor, self.period_id, self.list_desa.currentData(),
                              on_done=self._listed, on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        message, hint = user_message(exc)
        self.error.show_error(f"{message} {hint}".strip())

    def _loaded(self, res) -> None:
        self.real, self.series = res[0], list(res[1])
        self.error.clear_error()
        if self.kec_combo.count() == 1 and self.kec_combo.currentData() is None:
            kec = sorted({(k.get("kode"), k.get("kecamatan")) for k in self.real.get("kecamatan", []) if k.get("kode")},
                         key=lambda kv: kv[1] or "")
            self.kecamatan_names = kec
            self.kec_combo.blockSignals(True)
            for kode, nama in kec:
                self.kec_combo.addItem(nama, kode)
            self.kec_combo.blockSignals(False)
        if self.list_desa.count() == 1:
            self.list_desa.blockSignals(True)
            for d in sorted(self.real.get("desa", []), key=lambda d: (d.get("kecamatan") or "", d.get("desa") or "")):
                if d.get("kode"):
                    self.list_desa.addItem(f"{d.get('desa')} — Kec. {d.get('kecamatan')}", d.get("kode"))
            self.list_desa.blockSignals(False)
        self._show()

    def _listed(self, res) -> None:
        self.failed, self.remaining = list(res[0]), list(res[1])
        self.failed_model.set_rows(self.failed)
        self.remaining_model.set_rows(self.remaining)
        self.lists.setTabText(0, f"Gagal salur ({angka(len(self.failed))})")
        self.lists.setTabText(1, f"Belum menerima ({angka(len(self.remaining))})")

    # --- showing

    def _show(self) -> None:
        r = self.real
        self._update_actions()
        if r is None:
            for t in (self.t_target, self.t_diterima, self.t_gagal, self.t_sisa, self.t_nilai):
                t.value.setText("–")
            self.kec_table.setRowCount(0)
            self.desa_table.setRowCount(0)
            self.chart.set_data([], 0)
            self.bars.set_data("Per kecamatan", [])
            return
        period = r.get("period") or {}
        self.title.setText(f"Realisasi {period.get('programme', '')} {period.get('period', '')} — "
                           f"{period.get('benefit_label', '')} per KPM · {period.get('status_label', '')}")
        t = r.get("total", {})
        target = int(t.get("target") or 0)
        self.t_target.value.setText(angka(target))
        self.t_diterima.value.setText(angka(int(t.get("diterima") or 0)))
        self.t_diterima.note.setText(f"Diterima · {percent(t.get('diterima'), target)}")
        self.t_gagal.value.setText(angka(int(t.get("gagal") or 0)))
        self.t_sisa.value.setText(angka(int(t.get("sisa") or 0)))
        self.t_nilai.value.setText(nilai_text(period, t.get("nilai"), t.get("nilai_label")))
        reasons = r.get("fail_reasons") or {}
        self.reasons_label.setText(
            "Alasan gagal salur: " + ", ".join(f"{_reason_label(k)} "
                                               f"{angka(v)}" for k, v in sorted(reasons.items(), key=lambda kv: -kv[1]))
            if reasons else "Belum ada gagal salur.")
        kec_rows = r.get("kecamatan", [])
        fill_table(self.kec_table, [(k.get("kecamatan"), angka(k.get("target") or 0), angka(k.get("diterima") or 0),
                                     angka(k.get("gagal") or 0), angka(k.get("sisa") or 0),
                                     percent(k.get("diterima"), k.get("target")),
                                     nilai_text(period, k.get("nilai"), k.get("nilai_label")))
                                    for k in kec_rows], right=(1, 2, 3, 4, 5, 6))
        desa_rows = r.get("desa", [])
        fill_table(self.desa_table, [(d.get("kecamatan"), d.get("desa"), angka(d.get("target") or 0),
                                      angka(d.get("diterima") or 0), angka(d.get("gagal") or 0),
                                      angka(d.get("sisa") or 0), percent(d.get("diterima"), d.get("target")),
                                      nilai_text(period, d.get("nilai"), d.get("nilai_label")))
                                     for d in desa_rows],
                   right=(2, 3, 4, 5, 6, 7))
        self.chart.set_data(self.series, target)
        if self.kec_combo.currentData():
            self.bars.set_data(f"Per desa/kelurahan — Kec. {self.kec_combo.currentText()}",
                               [(d.get("desa"), d.get("target"), d.get("diterima"), d.get("gagal"), d.get("sisa"))
                                for d in desa_rows])
        else:
            self.bars.set_data("Per kecamatan", [(k.get("kecamatan"), k.get("target"), k.get("diterima"),
                                                  k.get("gagal"), k.get("sisa")) for k in kec_rows])

    def _desa_selected(self) -> None:
        rows = self.desa_table.selectionModel().selectedRows()
        if not rows or self.real is None:
            return
        desa = self.real.get("desa", [])[rows[0].row()]
        idx = self.list_desa.findData(desa.get("kode"))
        if idx >= 0:
            self.list_desa.setCurrentIndex(idx)

    def _update_actions(self) -> None:
        has = self.real is not None and self.period_id is not None
        self.xlsx_button.setEnabled(has and self.may_print)
        self.pdf_button.setEnabled(has and self.may_print)
        self.reload_button.setEnabled(self.period_id is not None)

    # --- exports

    def _file_stem(self) -> str:
        p = (self.real or {}).get("period") or {}
        return "Realisasi_" + "_".join(str(p.get(k, "")).replace(" ", "_") for k in ("programme", "period"))

    def _ask_xlsx(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Ekspor realisasi penyaluran", self._file_stem() + ".xlsx",
                                              "Buku kerja Excel (*.xlsx)")
        if path:
            self.export_xlsx_to(path if path.lower().endswith(".xlsx") else path + ".xlsx")

    def _ask_pdf(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Cetak laporan realisasi", self._file_stem() + ".pdf",
                                              "Dokumen PDF (*.pdf)")
        if path:
            self.print_pdf_to(path if path.lower().endswith(".pdf") else path + ".pdf")

    def export_xlsx_to(self, path: str) -> None:
        job = Job(self.ctx.db.write, report.export_xlsx, self.ctx.actor, self.period_id, path, with_progress=False)
        start_job(self, job, "Mengekspor realisasi", lambda out: self._exported(out, "Realisasi diekspor"),
                  cancellable=False)

    def print_pdf_to(self, path: str) -> None:
        job = Job(self.ctx.db.write, report.print_report, self.ctx.actor, self.period_id, path, with_progress=False)
        start_job(self, job, "Mencetak laporan realisasi",
                  lambda out: self._exported(out, "Laporan realisasi dicetak", documents=True), cancellable=False)

    def _exported(self, out, text: str, documents: bool = False) -> None:
        self.last_export = out
        self.ctx.events.changed({events.DOCUMENTS} if documents else {events.AUDIT}, source=self)
        self.error.show_ok(f"{text}: {out}")
        if ask_yes_no(self, text, f"Tersimpan di\n{out}\n\nBuka berkasnya?", yes="Buka", no="Tutup"):
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(out)))

    # --- tests, screenshots

    def wait_idle(self, timeout_ms: int = 30_000) -> bool:
        for r in (self.reads, self.list_reads):
            if not r.wait_idle(timeout_ms):
                return False
        return job_runner().wait_all(timeout_ms)
