"""The review queue: one paged list of the results that wait for a clerk (PagedModel, in jobs)."""

from __future__ import annotations


from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QIcon

from dtks_desktop.services.core.database import Database
from dtks_desktop.services.matching import review as match_review
from dtks_desktop.services.matching.review import QueueItem
from dtks_desktop.views.common.paged_model import Column, Page, PagedModel
from dtks_desktop.views.common.widgets import user_message
from dtks_desktop.views.matching.common import (
    dot_icon,
    fmt_score,
    Masker,
    MUTED,
    priority_style,
    STATUS_LABELS,
    STATUS_SHORT,
)


PAGE = 200  # queue rows per review_queue() call


# Queue columns: (header, width)
QUEUE_COLUMNS: tuple[tuple[str, int], ...] = (
    ("", 26),  # Prioritas: a coloured dot (the header's and the cell's tooltip say what it means)
    ("Nama", 150),
    ("NIK di berkas", 130),
    ("Status", 112),
    ("Skor", 44),
    ("Desa", 110),
)


QCOL_PRIO, QCOL_NAMA, QCOL_NIK, QCOL_STATUS, QCOL_SKOR, QCOL_DESA = range(len(QUEUE_COLUMNS))


ITEM_ROLE = Qt.ItemDataRole.UserRole + 1  # the QueueItem of a row


def _fetch_queue(db: Database, query: tuple[str | None, str | None], offset: int, limit: int,
                 first: bool) -> Page:
    """Worker (the queue's fetcher): one page of the queue, its count with the first page."""
    status, desa = query
    count = db.read(match_review.count_queue, status=status, desa=desa) if first else None
    items = db.read(match_review.review_queue, status=status, desa=desa, offset=offset, limit=limit)
    return Page(items, count)


class ReviewQueueModel(PagedModel):
    """The undecided results of a filter, in the service's order, paged (:class:`PagedModel`).

    :meth:`load` counts and fetches the first page in a job; the view's ``fetchMore`` (when the
    clerk scrolls or steps to the end of what is loaded) fetches the next page. A decided item is
    removed locally (:meth:`remove_member`), so the rows on screen stay the prefix of the queue in
    the database and the next page starts at ``len(rows)``; a row already shown is not added again.
    """

    def __init__(self, db: Database, masker: Masker, parent: QObject | None = None) -> None:
        columns = [Column(title, width) for title, width in QUEUE_COLUMNS]
        super().__init__(columns, lambda q, o, n, f: _fetch_queue(db, q, o, n, f),
                         page_size=lambda: PAGE, key=lambda it: it.member_id, parent=parent)
        self.masker = masker
        self._icons: dict[tuple[str, int], QIcon] = {}
        self.query = (None, None)

    def load(self, status: str | None = None, desa: str | None = None) -> None:  # type: ignore[override]
        """Start again with this filter (the rows go at once; the first page follows)."""
        super().load((status, desa))

    @property
    def status(self) -> str | None:
        return self.query[0]

    @property
    def desa(self) -> str | None:
        return self.query[1]

    def item_at(self, row: int) -> QueueItem | None:
        return self.row_at(row)

    def remove_member(self, member_id: int) -> int:
        """Take a decided item out of the queue; returns the row it had (or -1)."""
        return self.remove_row_of(member_id)

    def failure_message(self, exc: BaseException) -> str:
        return user_message(exc)[0]

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return QUEUE_COLUMNS[section][0]
        if role == Qt.ItemDataRole.AccessibleTextRole and section == QCOL_PRIO:
            return "Prioritas"
        if role == Qt.ItemDataRole.ToolTipRole:
            return {
                QCOL_PRIO: "Prioritas (warna): merah = periksa lebih dulu, jingga = tinggi, ungu = sedang, "
                           "abu-abu = biasa. Yang paling penting ada di atas.",
                QCOL_NIK: "NIK seperti tertulis di berkas DTKS",
                QCOL_SKOR: "Skor kecocokan dengan data Dukcapil: makin tinggi makin yakin orang yang sama",
            }.get(section)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def _icon(self, color: str, size: int = 12) -> QIcon:
        icon = self._icons.get((color, size))
        if icon is None:
            icon = self._icons[(color, size)] = dot_icon(color, size)
        return icon

    def cell(self, it: QueueItem, c: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if c == QCOL_PRIO:
                return None
            if c == QCOL_NAMA:
                return it.nama
            if c == QCOL_NIK:
                return self.masker.nik(it.nik_raw or it.nik) or "(kosong)"
            if c == QCOL_STATUS:
                return STATUS_SHORT.get(it.status) or it.status_label
            if c == QCOL_SKOR:
                return fmt_score(it.score)
            if c == QCOL_DESA:
                return it.desa_nama or it.desa_kode or ""
            return None
        if role == ITEM_ROLE:
            return it
        if role == Qt.ItemDataRole.AccessibleTextRole and c == QCOL_PRIO:
            return f"Prioritas {priority_style(it.priority)[0].lower()}"
        if role == Qt.ItemDataRole.DecorationRole:
            if c == QCOL_PRIO:
                return self._icon(priority_style(it.priority)[1], 14)
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if c == QCOL_NIK and not (it.nik_raw or it.nik):
                return QBrush(QColor(MUTED))
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if c == QCOL_PRIO:
                label, _color, why = priority_style(it.priority)
                return f"Prioritas {label.lower()}: {why}"
            if c == QCOL_STATUS:
                return it.status_label or STATUS_LABELS.get(it.status, it.status)
            text = self.masker.text(it.ringkasan)
            return f"{it.nama}\n{text}" if text else it.nama
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if c == QCOL_SKOR:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None
