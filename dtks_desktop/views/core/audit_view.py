"""The audit log: who changed what, when, from which value to which, and why.

Rows are paged from :func:`services.core.audit.list_events` 200 at a time as the user
scrolls (a :class:`~dtks_desktop.views.common.paged_model.PagedModel`: every page in a job);
filtering and ordering happen in SQL.
"""

from __future__ import annotations

import html
import json
from datetime import datetime, time as dtime, timezone

from PySide6.QtCore import QDate, QModelIndex, Qt, QTimer, Signal
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

from dtks_desktop.services.core import audit as audit_service
from dtks_desktop.services.core.audit import ACTION_LABELS, AuditFilter, AuditRow
from dtks_desktop.views.common import events
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.domain.formatting import tanggal_jam
from dtks_desktop.views.common.paged_model import Column, Page, PagedModel
from dtks_desktop.views.common.widgets import fmt_int, refill_combo, show_error

PAGE_SIZE = 200

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
    return tanggal_jam(t, detik=True) if t else ""


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


def _choices(s, actor) -> tuple[list[str], list[str]]:
    return audit_service.distinct_usernames(s, actor=actor), audit_service.distinct_actions(s, actor=actor)


def _fetch_events(db, actor, f: AuditFilter, offset: int, limit: int, first: bool) -> Page:
    """Worker (the audit list's fetcher): a page of events; with the first, the count and the
    choices of the filter combos."""
    total = extra = None
    if first:
        total = db.read(audit_service.count_events, f, actor=actor)
        extra = db.read(_choices, actor)
    return Page(db.read(audit_service.list_events, f, actor=actor, offset=offset, limit=limit), total, extra)


def _summary_tip(r: AuditRow) -> str | None:
    return r.summary or None


def _reason_tip(r: AuditRow) -> str | None:
    return r.reason or None


AUDIT_COLUMNS = (
    Column("Waktu", 145, text=lambda r: fmt_time(r.at)),
    Column("Pengguna", 110, text=lambda r: r.username or "(tidak dikenal)"),
    Column("Tindakan", 165, text=lambda r: action_label(r.action)),
    Column("Objek", 115, text=lambda r: entity_label(r.entity_type, r.entity_id)),
    Column("Ringkasan", 300, text=lambda r: r.summary or "", tip=_summary_tip),
    Column("Alasan", 180, text=lambda r: (r.reason or "").replace("\n", " "), tip=_reason_tip),
)
COLUMNS = [c.title for c in AUDIT_COLUMNS]


class AuditTableModel(PagedModel):
    """Audit events of a filter, a page of 200 at a time in jobs (:class:`PagedModel`)."""

    failed_text = "Log audit tidak dapat dimuat."

    def __init__(self, db, actor, parent=None) -> None:
        super().__init__(AUDIT_COLUMNS, lambda q, o, n, first: _fetch_events(db, actor, q, o, n, first),
                         page_size=lambda: PAGE_SIZE, parent=parent)


class AuditView(QWidget):
    """Audit log page: filters on top, the table, and the details of the selected event."""

    loaded = Signal(int)  # total number of matching events, after each reload

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

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
        self.model = AuditTableModel(ctx.db, ctx.actor, self)
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
        self.model.apply_widths(self.table)
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
        self.model.loaded.connect(self._loaded)
        self.model.loadFailed.connect(self._load_failed)
        events.follow(self, ctx.events, None, self.reload)  # every change is audited

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
        return self.model.is_loading()

    def reload(self) -> None:
        """Load the events of the current filter (a newer reload supersedes a running one)."""
        self._search_timer.stop()
        self.reload_button.setEnabled(False)
        self.count_label.setText("Memuat…")
        self.detail.clear()
        self.model.load(self.current_filter())

    def refresh(self) -> None:
        self.reload()

    def _loaded(self) -> None:
        total = self.model.total or 0
        users, actions = self.model.extra or ([], [])
        self.reload_button.setEnabled(True)
        refill_combo(self.user_combo, [(u, u) for u in users], keep_chosen=True)
        refill_combo(self.action_combo, sorted(((action_label(a), a) for a in actions), key=lambda t: t[0].lower()),
                     keep_chosen=True)
        self.count_label.setText(
            f"{fmt_int(total)} catatan" if total else "Tidak ada catatan yang cocok dengan saringan ini."
        )
        self.loaded.emit(total)

    def _load_failed(self, message: str) -> None:
        self.reload_button.setEnabled(True)
        first = self.model.rowCount() == 0
        if first:
            self.count_label.setText("Log audit tidak dapat dimuat.")
        show_error(self, message, title="Log audit tidak dapat dimuat")


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
