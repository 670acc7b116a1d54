"""The audit log: who changed what, when, from which value to which, and why.

Rows are paged from :func:`services.audit.list_events` 200 at a time as the user
scrolls (``canFetchMore``/``fetchMore``); filtering and ordering happen in SQL.
"""

from __future__ import annotations

import html
import json
from datetime import datetime, time as dtime, timezone
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStyle,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from dtks_desktop.jobs import Job
from dtks_desktop.services.core import audit as audit_service
from dtks_desktop.services.core.audit import ACTION_LABELS, AuditFilter, AuditRow
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.widgets import fmt_int, show_exception, start_job

PAGE_SIZE = 200

COLUMNS = ["Waktu", "Pengguna", "Tindakan", "Objek", "Ringkasan", "Alasan"]

ENTITY_LABELS = {
    "user": "Pengguna",
    "member": "Anggota",
    "household": "Keluarga",
    "setting": "Pengaturan",
    "import": "Impor",
    "import_batch": "Impor",
}


def local_time(at: datetime | None) -> datetime | None:
    """Stored times are UTC (SQLite gives them back naive); show them in local time."""
    if at is None:
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return at.astimezone()


def fmt_time(at: datetime | None) -> str:
    t = local_time(at)
    return t.strftime("%d-%m-%Y %H:%M:%S") if t else ""


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def entity_label(entity_type: str | None, entity_id: int | None) -> str:
    if not entity_type:
        return ""
    name = ENTITY_LABELS.get(entity_type, entity_type)
    return f"{name} #{entity_id}" if entity_id is not None else name


def pretty_json(value: str | None) -> str:
    if not value:
        return "—"
    try:
        return json.dumps(json.loads(value), ensure_ascii=False, indent=2, sort_keys=True)
    except ValueError:
        return value


def local_day_start_utc(d: QDate) -> datetime:
    """Local midnight of ``d`` as an aware UTC datetime (the audit times are UTC)."""
    local = datetime.combine(d.toPython(), dtime.min).astimezone()
    return local.astimezone(timezone.utc)


class AuditTableModel(QAbstractTableModel):
    """Audit rows, fetched a page at a time from ``fetch(offset, limit)``."""

    def __init__(self, fetch: Callable[[int, int], list[AuditRow]] | None = None, parent=None) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._rows: list[AuditRow] = []
        self._total = 0
        self.fetch_error: BaseException | None = None

    # --- loading
    def reset(self, fetch: Callable[[int, int], list[AuditRow]], total: int, first: list[AuditRow]) -> None:
        self.beginResetModel()
        self._fetch = fetch
        self._total = total
        self._rows = list(first)
        self.fetch_error = None
        self.endResetModel()

    @property
    def total(self) -> int:
        return self._total

    def row_at(self, row: int) -> AuditRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or self._fetch is None or self.fetch_error is not None:
            return False
        return len(self._rows) < self._total

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._fetch is None:
            return
        try:
            more = self._fetch(len(self._rows), PAGE_SIZE)
        except Exception as exc:  # noqa: BLE001 - shown by the view, never a traceback
            self.fetch_error = exc
            return
        if not more:
            self._total = len(self._rows)  # rows were deleted meanwhile: stop asking
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    # --- Qt model API
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return fmt_time(r.at)
            if col == 1:
                return r.username or "(tidak dikenal)"
            if col == 2:
                return action_label(r.action)
            if col == 3:
                return entity_label(r.entity_type, r.entity_id)
            if col == 4:
                return r.summary or ""
            if col == 5:
                return (r.reason or "").replace("\n", " ")
        elif role == Qt.ItemDataRole.ToolTipRole and col in (4, 5):
            text = r.summary if col == 4 else r.reason
            return text or None
        elif role == Qt.ItemDataRole.UserRole:
            return r
        return None


def _load_first_page(db, actor, f: AuditFilter):
    """Worker: count, first page and the choices for the filter combos."""
    with db.sessions() as s:
        total = audit_service.count_events(s, f, actor=actor)
        rows = audit_service.list_events(s, f, actor=actor, offset=0, limit=PAGE_SIZE)
        users = audit_service.distinct_usernames(s, actor=actor)
        actions = audit_service.distinct_actions(s, actor=actor)
    return total, rows, users, actions


class AuditView(QWidget):
    """Audit log page: filters on top, the table, and the details of the selected event."""

    loaded = Signal(int)  # total number of matching events, after each reload

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.handle = None
        self._pending = False

        # filters
        self.user_combo = QComboBox()
        self.user_combo.setMinimumContentsLength(14)
        self.user_combo.addItem("Semua pengguna", None)
        self.action_combo = QComboBox()
        self.action_combo.setMinimumContentsLength(22)
        self.action_combo.addItem("Semua tindakan", None)
        self.date_check = QCheckBox("Tanggal:")
        self.date_from = QDateEdit(QDate.currentDate().addDays(-30))
        self.date_to = QDateEdit(QDate.currentDate())
        for d in (self.date_from, self.date_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat("dd-MM-yyyy")
            d.setEnabled(False)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Cari di ringkasan, alasan, atau nilai…")
        self.search_edit.setClearButtonEnabled(True)
        self.reload_button = QPushButton(self.style().standardIcon(QStyle.StandardPixmap.SP_BrowserReload), "Muat ulang")

        filters = QHBoxLayout()
        filters.addWidget(QLabel("Pengguna:"))
        filters.addWidget(self.user_combo)
        filters.addSpacing(8)
        filters.addWidget(QLabel("Tindakan:"))
        filters.addWidget(self.action_combo)
        filters.addSpacing(8)
        filters.addWidget(self.date_check)
        filters.addWidget(self.date_from)
        filters.addWidget(QLabel("s.d."))
        filters.addWidget(self.date_to)
        filters.addStretch(1)
        search_row = QHBoxLayout()
        search_row.addWidget(QLabel("Cari:"))
        search_row.addWidget(self.search_edit, 1)
        search_row.addWidget(self.reload_button)

        # table
        self.model = AuditTableModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        vh = self.table.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.fontMetrics().height() + 10)
        vh.hide()
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setStretchLastSection(False)
        for col, width in enumerate((145, 110, 165, 115, 300, 180)):
            self.table.setColumnWidth(col, width)
        hh.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)  # Ringkasan takes the free width
        hh.setMinimumSectionSize(60)

        # details
        self.detail = QTextBrowser()
        self.detail.setPlaceholderText("Pilih satu baris untuk melihat rinciannya.")
        self.count_label = QLabel("")

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([460, 260])

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(search_row)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.count_label)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(400)
        self._search_timer.timeout.connect(self.reload)

        self.user_combo.activated.connect(lambda _i: self.reload())
        self.action_combo.activated.connect(lambda _i: self.reload())
        self.date_check.toggled.connect(self._date_toggled)
        self.date_from.dateChanged.connect(lambda _d: self._date_changed())
        self.date_to.dateChanged.connect(lambda _d: self._date_changed())
        self.search_edit.textEdited.connect(lambda _t: self._search_timer.start())
        self.search_edit.returnPressed.connect(self.reload)
        self.reload_button.clicked.connect(self.reload)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        self.table.verticalScrollBar().valueChanged.connect(self._check_fetch_error)

        self.reload()

    # --- filters
    def current_filter(self) -> AuditFilter:
        since = until = None
        if self.date_check.isChecked():
            start, end = self.date_from.date(), self.date_to.date()
            if end < start:
                start, end = end, start
            since = local_day_start_utc(start)
            until = local_day_start_utc(end.addDays(1))
        text = self.search_edit.text().strip() or None
        return AuditFilter(
            username=self.user_combo.currentData(),
            action=self.action_combo.currentData(),
            since=since,
            until=until,
            text=text,
        )

    def _date_toggled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        self.reload()

    def _date_changed(self) -> None:
        if self.date_check.isChecked():
            self.reload()

    def set_action_filter(self, action: str | None) -> None:
        i = self.action_combo.findData(action)
        if i >= 0:
            self.action_combo.setCurrentIndex(i)
            self.reload()

    def set_user_filter(self, username: str | None) -> None:
        i = self.user_combo.findData(username)
        if i >= 0:
            self.user_combo.setCurrentIndex(i)
            self.reload()

    # --- loading
    @property
    def busy(self) -> bool:
        return self.handle is not None and not self.handle.finished

    def reload(self) -> None:
        self._search_timer.stop()
        if self.busy:
            self._pending = True  # reload again with the latest filter when this one ends
            return
        f = self.current_filter()
        self.reload_button.setEnabled(False)
        self.count_label.setText("Memuat…")
        job = Job(_load_first_page, self.ctx.db, self.ctx.actor, f, with_progress=False)
        self.handle = start_job(
            self, job, "Memuat log audit",
            lambda result, f=f: self._loaded(f, result),
            on_error=self._load_failed, on_cancel=self._load_cancelled, show_after_ms=400,
        )

    def _fetch_page(self, f: AuditFilter) -> Callable[[int, int], list[AuditRow]]:
        db, actor = self.ctx.db, self.ctx.actor

        def fetch(offset: int, limit: int) -> list[AuditRow]:
            with db.sessions() as s:
                return audit_service.list_events(s, f, actor=actor, offset=offset, limit=limit)

        return fetch

    def _loaded(self, f: AuditFilter, result) -> None:
        total, rows, users, actions = result
        self.reload_button.setEnabled(True)
        self._refill(self.user_combo, "Semua pengguna", [(u, u) for u in users])
        self._refill(self.action_combo, "Semua tindakan",
                     sorted(((action_label(a), a) for a in actions), key=lambda t: t[0].lower()))
        self.model.reset(self._fetch_page(f), total, rows)
        self.detail.clear()
        self.count_label.setText(
            f"{fmt_int(total)} catatan" if total else "Tidak ada catatan yang cocok dengan saringan ini."
        )
        self.loaded.emit(total)
        self._run_pending()

    def _load_failed(self, exc: BaseException) -> None:
        self.reload_button.setEnabled(True)
        self.count_label.setText("Log audit tidak dapat dimuat.")
        show_exception(self, exc, "Log audit tidak dapat dimuat")
        self._run_pending()

    def _load_cancelled(self) -> None:
        self.reload_button.setEnabled(True)
        self.count_label.setText("Pemuatan dibatalkan.")
        self._pending = False

    def _run_pending(self) -> None:
        if self._pending:
            self._pending = False
            self.reload()

    @staticmethod
    def _refill(combo: QComboBox, all_text: str, items: list[tuple[str, str]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(all_text, None)
        for text, data in items:
            combo.addItem(text, data)
        i = combo.findData(current)
        if i < 0 and current is not None:  # keep a chosen filter even if it has no events now
            combo.addItem(current, current)
            i = combo.count() - 1
        combo.setCurrentIndex(max(i, 0))
        combo.blockSignals(False)

    def _check_fetch_error(self, _value: int) -> None:
        if self.model.fetch_error is not None:
            exc, self.model.fetch_error = self.model.fetch_error, None
            self.model._fetch = None  # stop paging until the next reload
            show_exception(self, exc, "Log audit tidak dapat dimuat")

    # --- details
    def _show_detail(self, current: QModelIndex, _previous: QModelIndex) -> None:
        r = self.model.row_at(current.row()) if current.isValid() else None
        if r is None:
            self.detail.clear()
            return
        e = html.escape

        def row(label: str, value: str) -> str:
            return f"<tr><td style='color:#555;padding-right:12px'>{e(label)}</td><td>{e(value)}</td></tr>"

        parts = [
            "<table cellspacing='0' cellpadding='2'>",
            row("Waktu", fmt_time(r.at)),
            row("Pengguna", r.username or "(tidak dikenal)"),
            row("Tindakan", f"{action_label(r.action)} ({r.action})"),
            row("Objek", entity_label(r.entity_type, r.entity_id) or "—"),
            row("Ringkasan", r.summary or "—"),
            row("Alasan", r.reason or "—"),
            "</table>",
            "<table width='100%' cellspacing='0' cellpadding='4'><tr>",
            f"<td width='50%' valign='top'><b>Nilai lama</b><pre>{e(pretty_json(r.old_value))}</pre></td>",
            f"<td width='50%' valign='top'><b>Nilai baru</b><pre>{e(pretty_json(r.new_value))}</pre></td>",
            "</tr></table>",
        ]
        self.detail.setHtml("".join(parts))
