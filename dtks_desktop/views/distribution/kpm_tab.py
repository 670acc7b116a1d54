""""Daftar KPM": the period's KPM, a page at a time, filtered by desa, RW, RT, cleaning status,
receipt status and a NIK or name. The desa/RW/RT choices come from the period's region tree (the
page reads it with the period); NIKs are masked as the service decides for the user's role."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QLabel, QLineEdit, QTableView, QVBoxLayout,
                               QWidget)

from dtks_desktop.domain.distribution import CLEAN_STATUS_LABELS, CleanStatus
from dtks_desktop.domain.formatting import angka
from dtks_desktop.domain.workflow.distribution import RECEIPT, ReceiptStatus
from dtks_desktop.services.distribution import periods
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.paged_model import Column, Page, PagedModel
from dtks_desktop.views.distribution.common import PeriodTab, desa_combo, select_data
from dtks_desktop.views.distribution.tree import desa_nodes, rt_values, rw_values

PAGE_SIZE = 300
CLEAN_COLOURS = {CleanStatus.LENGKAP.value: "#2e7d32", CleanStatus.DIKEMBALIKAN.value: "#c62828"}


@dataclass(frozen=True)
class KpmQuery:
    """What the KPM list shows: one period and its filters (None: any)."""

    period_id: int
    desa: str | None = None
    rw: str | None = None
    rt: str | None = None
    clean: str | None = None
    receipt: str | None = None
    text: str | None = None

    def filters(self) -> dict:
        return {"desa": self.desa, "rw": self.rw, "rt": self.rt, "clean": self.clean, "receipt": self.receipt,
                "text": self.text}


def fetch_kpm(db, actor, q: KpmQuery, offset: int, limit: int, first: bool) -> Page:
    """Worker: one page of the period's KPM (and the count with the first page)."""
    rows, count = db.read(periods.kpm_list, actor, q.period_id, offset=offset, limit=limit, with_count=first,
                          **q.filters())
    return Page(rows, count)


def slot_text(r) -> str:
    if r.slot_mulai is None:
        return ""
    end = f"–{r.slot_selesai:%H.%M}" if r.slot_selesai else ""
    return f"{r.slot_mulai:%H.%M}{end}"


def kpm_columns() -> list[Column]:
    return [
        Column("No", 44, text=lambda r: r.urut, align_right=True),
        Column("Nama", 160, text=lambda r: r.nama, tip=lambda r: f"No KK {r.no_kk}" if r.no_kk else None),
        Column("NIK", 140, text=lambda r: r.nik),
        Column("RT/RW", 64, text=lambda r: f"{r.rt or '-'}/{r.rw or '-'}"),
        Column("Desa/Kel.", 104, text=lambda r: r.desa_nama, tip=lambda r: f"Kec. {r.kecamatan_nama}"
               if r.kecamatan_nama else None),
        Column("Pembersihan", 96, text=lambda r: r.clean_label),
        Column("Alasan", 190, text=lambda r: "; ".join(r.clean_reasons),
               tip=lambda r: "\n".join(r.clean_reasons) or None),
        Column("Jadwal", 80, header_tip="Jam kedatangan di titik salur", text=slot_text),
        Column("Penerimaan", 104, text=lambda r: r.receipt_label,
               tip=lambda r: r.fail_label or (f"{r.received_at:%d-%m-%Y %H.%M} oleh {r.recorded_by}"
                                              if r.received_at else None)),
        Column("DTKS", 48, header_tip="Terdaftar di DTKS", text=lambda r: "Ya" if r.in_registry else "Tidak"),
        Column("Alamat", 150, text=lambda r: r.alamat, tip=lambda r: r.alamat or None),
        Column("Dusun", 90, text=lambda r: r.dusun),
        Column("No KK", 140, text=lambda r: r.no_kk),
    ]


class KpmModel(PagedModel):
    """The KPM list, with the cleaning and receipt status coloured."""

    def cell(self, row, column: int, role: int):
        if role == Qt.ItemDataRole.ForegroundRole:
            title = self.columns[column].title
            if title == "Pembersihan" and row.clean_status in CLEAN_COLOURS:
                return QColor(CLEAN_COLOURS[row.clean_status])
            if title == "Penerimaan":
                color = RECEIPT.colours.get(RECEIPT.state(row.receipt_status))
                return QColor(color) if color else None
            if title == "DTKS" and not row.in_registry:
                return QColor("#c62828")
        return super().cell(row, column, role)


class KpmTab(PeriodTab):
    """The period's KPM list with its filters."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.desa = desa_combo("kpmDesaFilter", 24)
        self.rw = QComboBox()
        self.rw.setObjectName("kpmRwFilter")
        self.rt = QComboBox()
        self.rt.setObjectName("kpmRtFilter")
        self.clean = QComboBox()
        self.clean.setObjectName("kpmCleanFilter")
        self.clean.addItem("Semua status", None)
        for st in CleanStatus:
            self.clean.addItem(CLEAN_STATUS_LABELS[st], st.value)
        self.receipt = QComboBox()
        self.receipt.setObjectName("kpmReceiptFilter")
        self.receipt.addItem("Semua penerimaan", None)
        for st in ReceiptStatus:
            self.receipt.addItem(RECEIPT.label(st), st.value)
        self.text = QLineEdit()
        self.text.setObjectName("kpmTextFilter")
        self.text.setPlaceholderText("Cari NIK atau nama…")
        self.text.setClearButtonEnabled(True)
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(350)
        self._typing.timeout.connect(self.load)
        self.text.textChanged.connect(lambda _t: self._typing.start())
        self.text.returnPressed.connect(self.load)
        self.desa.currentIndexChanged.connect(self._desa_changed)
        self.rw.currentIndexChanged.connect(self._rw_changed)
        for combo in (self.rt, self.clean, self.receipt):
            combo.currentIndexChanged.connect(lambda _i: self.load())
        filters = QHBoxLayout()
        for w in (self.desa, self.rw, self.rt):
            filters.addWidget(w)
        filters.addWidget(self.text, 1)
        statuses = QHBoxLayout()
        statuses.addWidget(self.clean)
        statuses.addWidget(self.receipt)
        statuses.addStretch(1)

        self.model = KpmModel(kpm_columns(), lambda q, o, n, f: fetch_kpm(self.ctx.db, self.ctx.actor, q, o, n, f),
                              page_size=PAGE_SIZE, key=lambda r: r.id, parent=self)
        self.model.failed_text = "Daftar KPM tidak dapat dimuat."
        self.model.loadFailed.connect(self.error.show_error)
        self.model.countChanged.connect(self._count)
        self.view = QTableView()
        self.view.setObjectName("kpmTable")
        self.view.setModel(self.model)
        self.model.apply_widths(self.view)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 8)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.count = QLabel()
        self.count.setObjectName("kpmCount")
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(statuses)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count)
        layout.addWidget(self.error)
        self._fill_desa()

    # --- filters from the period's tree
    def _fill_desa(self) -> None:
        keep = self.desa.currentData()
        self.desa.blockSignals(True)
        self.desa.clear()
        self.desa.addItem("Semua desa/kelurahan", None)
        for kec, desa in desa_nodes(self.tree):
            self.desa.addItem(f"{desa.nama} (Kec. {kec.nama})", desa.kode)
        select_data(self.desa, keep)
        self.desa.blockSignals(False)
        self._fill_rw()

    def _fill_rw(self) -> None:
        keep = self.rw.currentData()
        self.rw.blockSignals(True)
        self.rw.clear()
        self.rw.addItem("Semua RW", None)
        for rw in rw_values(self.tree, self.desa.currentData()):
            self.rw.addItem(f"RW {rw}", rw)
        select_data(self.rw, keep)
        self.rw.setEnabled(self.desa.currentData() is not None)
        self.rw.blockSignals(False)
        self._fill_rt()

    def _fill_rt(self) -> None:
        keep = self.rt.currentData()
        self.rt.blockSignals(True)
        self.rt.clear()
        self.rt.addItem("Semua RT", None)
        for rt in rt_values(self.tree, self.desa.currentData(), self.rw.currentData()):
            self.rt.addItem(f"RT {rt}", rt)
        select_data(self.rt, keep)
        self.rt.setEnabled(self.rw.currentData() is not None)
        self.rt.blockSignals(False)

    def _desa_changed(self, _i: int) -> None:
        self._fill_rw()
        self.load()

    def _rw_changed(self, _i: int) -> None:
        self._fill_rt()
        self.load()

    # --- loading
    def query(self) -> KpmQuery | None:
        if self.period is None:
            return None
        return KpmQuery(self.period.id, desa=self.desa.currentData(), rw=self.rw.currentData(),
                        rt=self.rt.currentData(), clean=self.clean.currentData(), receipt=self.receipt.currentData(),
                        text=self.text.text().strip() or None)

    def show_period(self) -> None:
        same = self.model.query is not None and self.period is not None and self.model.query.period_id == self.period.id
        if not same:
            self.text.blockSignals(True)
            self.text.clear()
            self.text.blockSignals(False)
            for combo in (self.clean, self.receipt):
                combo.blockSignals(True)
                combo.setCurrentIndex(0)
                combo.blockSignals(False)
            self.desa.blockSignals(True)
            self.desa.setCurrentIndex(0)
            self.desa.blockSignals(False)
        self._fill_desa()
        self.load()

    def load(self) -> None:
        self._typing.stop()
        self.model.load(self.query())

    def show_dikembalikan(self, desa: str | None = None) -> None:
        """Show the returned KPM (of one desa): the cleaning tab's "Lihat" link."""
        select_data(self.desa, desa)
        select_data(self.clean, CleanStatus.DIKEMBALIKAN.value)
        self.load()

    def _count(self) -> None:
        m = self.model
        if self.period is None:
            self.count.setText("")
            return
        n = m.total if m.total is not None else m.rowCount()
        loading = " (memuat…)" if m.is_loading() else ""
        self.count.setText(f"{angka(n)} KPM{loading}" + ("" if n <= m.rowCount() else
                                                        f" · {angka(m.rowCount())} dimuat; gulir untuk berikutnya"))

    def wait_idle(self, timeout_ms: int = 30_000) -> bool:
        return super().wait_idle(timeout_ms) and self.model.wait_idle(timeout_ms)
