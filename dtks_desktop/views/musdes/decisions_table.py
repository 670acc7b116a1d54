"""The decisions of one meeting: a paged table (3,000 families load a page at a time) that a clerk
changes from the keyboard.

Keputusan is one drop-down holding the decisions and, for "Hapus", each reason ("Hapus:
meninggal", …), so one choice says it all; Alasan is a drop-down of the reasons on a "Hapus" row.
Typing a letter on a cell opens its drop-down at the first matching choice, Enter saves it and
moves one row down (Esc leaves the cell unchanged). The model never writes: a choice becomes a
``decisionRequested`` signal and the page saves it through the service in a job, then replaces
the row with what the service returned.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QStyledItemDelegate, QTableView, QWidget

from dtks_desktop.domain.musdes import DECISION_LABELS, REASON_LABELS, Decision, Reason
from dtks_desktop.domain.workflow.matching import MATCH_STATUS_SHORT
from dtks_desktop.services.core.database import Database
from dtks_desktop.services.musdes import decisions as decisions_service
from dtks_desktop.services.musdes.decisions import NOT_PROPOSED_LABEL
from dtks_desktop.services.musdes.common import DecisionRow
from dtks_desktop.views.common.paged_model import Column, Page, PagedModel

PAGE = 300

SOURCE_LABELS = {"verifikasi": "Verifikasi", "pemadanan": "Pemadanan", "petugas": "Diubah petugas"}

#: The decision colours (text of the Keputusan cell).
DECISION_COLORS = {
    Decision.TETAP: "#37474f",
    Decision.USULAN_BARU: "#1b5e20",
    Decision.HAPUS: "#b71c1c",
    Decision.PERBAIKAN_DATA: "#0d47a1",
}

COLUMNS = (
    ("ID DTKS", 92), ("Nama", 165), ("NIK", 118), ("Hubungan", 92), ("Keputusan", 165), ("Alasan", 125),
    ("Sumber", 96), ("Status pemadanan", 110),
)
COL_ID, COL_NAMA, COL_NIK, COL_HUB, COL_DECISION, COL_REASON, COL_SOURCE, COL_MATCH = range(len(COLUMNS))


def choice_of(decision: str, reason: str | None) -> str:
    """The Keputusan drop-down's value of a row: ``"hapus:meninggal"`` or the decision."""
    return f"{decision}:{reason}" if decision == Decision.HAPUS and reason else str(decision)


def split_choice(choice: str) -> tuple[str, str | None]:
    decision, _sep, reason = choice.partition(":")
    return decision, reason or None


#: (value, label) of the Keputusan drop-down, in order.
DECISION_CHOICES: tuple[tuple[str, str], ...] = (
    (Decision.TETAP.value, DECISION_LABELS[Decision.TETAP]),
    (Decision.USULAN_BARU.value, DECISION_LABELS[Decision.USULAN_BARU]),
    *((choice_of(Decision.HAPUS, r.value), f"{DECISION_LABELS[Decision.HAPUS]}: {REASON_LABELS[r]}") for r in Reason),
    (Decision.PERBAIKAN_DATA.value, DECISION_LABELS[Decision.PERBAIKAN_DATA]),
)
REASON_CHOICES: tuple[tuple[str, str], ...] = tuple((r.value, REASON_LABELS[r]) for r in Reason)


def is_padan(row: DecisionRow) -> bool:
    """The service's word: the NIK is padan (machine agreed or a clerk accepted)."""
    return bool(row.padan)


def is_proposal(row: DecisionRow) -> bool:
    """A person of a family proposed in the field (not in the registry): usulan baru or not proposed."""
    return row.member_id is None and row.household_id is None


#: The Keputusan choices of a proposed person (the service's label of ``tetap`` there).
PROPOSAL_CHOICES: tuple[tuple[str, str], ...] = ((Decision.USULAN_BARU.value, DECISION_LABELS[Decision.USULAN_BARU]),
                                                 (Decision.TETAP.value, NOT_PROPOSED_LABEL))


def match_label(status: str | None) -> str:
    if not status:
        return "Belum dipadankan"
    return MATCH_STATUS_SHORT.get(status, status)  # type: ignore[call-overload]


def _family(row: DecisionRow):
    """Rows of one family: a registry household, or a field proposal (its address)."""
    return ("h", row.household_id) if row.household_id is not None else ("p", row.alamat)


def _fetch(db: Database, query: tuple[int, str | None], offset: int, limit: int, first: bool) -> Page:
    """Worker (the table's fetcher): one page of decisions, and their count with the first page."""
    meeting_id, text = query
    count = db.read(decisions_service.count_decisions, meeting_id, text=text) if first else None
    rows = db.read(decisions_service.list_decisions, meeting_id, offset=offset, limit=limit, text=text)
    return Page(rows, count)


class DecisionModel(PagedModel):
    """Decision rows of a meeting (and a search text), paged; Keputusan and Alasan are editable."""

    #: (row, decision, reason): the clerk chose a new decision or reason for this row.
    decisionRequested = Signal(object, str, object)

    failed_text = "Daftar keputusan tidak dapat dimuat."

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        columns = [
            Column(COLUMNS[COL_ID][0], COLUMNS[COL_ID][1], text=lambda r: r.id_dtks or "(baru)",
                   tip=lambda r: "Usulan dari lapangan (belum ada di DTKS)" if is_proposal(r) else
                   (f"{r.alamat}" if r.alamat else None)),
            Column(COLUMNS[COL_NAMA][0], COLUMNS[COL_NAMA][1], text=lambda r: r.nama),
            Column(COLUMNS[COL_NIK][0], COLUMNS[COL_NIK][1], text=lambda r: r.nik_masked or "(tanpa NIK)"),
            Column(COLUMNS[COL_HUB][0], COLUMNS[COL_HUB][1], text=lambda r: r.hubungan or ""),
            Column(COLUMNS[COL_DECISION][0], COLUMNS[COL_DECISION][1], text=self._decision_text,
                   header_tip="Ketik huruf pertama untuk memilih, Enter menyimpan dan turun satu baris"),
            Column(COLUMNS[COL_REASON][0], COLUMNS[COL_REASON][1], text=lambda r: r.reason_label or ""),
            Column(COLUMNS[COL_SOURCE][0], COLUMNS[COL_SOURCE][1], text=lambda r: SOURCE_LABELS.get(r.source, r.source),
                   header_tip="Asal keputusan: hasil verifikasi lapangan, hasil pemadanan, atau diubah petugas"),
            Column(COLUMNS[COL_MATCH][0], COLUMNS[COL_MATCH][1], text=lambda r: match_label(r.match_status)),
        ]
        super().__init__(columns, lambda q, o, n, f: _fetch(db, q, o, n, f), page_size=PAGE,
                         key=lambda r: r.id, parent=parent)
        self.editable = True
        self._band: dict[int, int] = {}
        self.rowsInserted.connect(self._bands)
        self.modelReset.connect(self._band.clear)

    def _bands(self, _parent, first: int, last: int) -> None:
        prev = self.row_at(first - 1)
        band = self._band.get(prev.id, 0) if prev is not None else 1
        fam = _family(prev) if prev is not None else None
        for i in range(first, last + 1):
            r = self.row_at(i)
            if _family(r) != fam:
                band, fam = 1 - band, _family(r)
            self._band[r.id] = band

    @staticmethod
    def _decision_text(r: DecisionRow) -> str:
        if r.decision == Decision.HAPUS and r.reason_label:
            return f"{r.decision_label}: {r.reason_label}"
        return r.decision_label

    def cell(self, row: DecisionRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == COL_DECISION:
                return QBrush(QColor(DECISION_COLORS.get(row.decision, "#000000")))
            if column == COL_MATCH and not is_padan(row):
                return QBrush(QColor("#e65100"))
        if role == Qt.ItemDataRole.FontRole and column == COL_DECISION and row.decision != Decision.TETAP:
            from PySide6.QtGui import QFont

            f = QFont()
            f.setBold(True)
            return f
        if role == Qt.ItemDataRole.ToolTipRole:
            own = super().cell(row, column, role)
            tips = [own] if own else []
            if row.override_reason:
                tips.append(f"Diusulkan baru walau NIK tidak padan. Alasan: {row.override_reason}")
            if row.note and column in (COL_NAMA, COL_DECISION):
                tips.append(row.note)
            if column == COL_MATCH and not is_padan(row):
                tips.append("NIK belum padan dengan data Dukcapil: usulan baru hanya dengan alasan tertulis.")
            if column in (COL_DECISION, COL_REASON) and self.editable:
                tips.append("Ketik huruf pertama atau F2 untuk mengubah; Enter menyimpan dan turun.")
            return "\n".join(tips) or None
        if role == Qt.ItemDataRole.BackgroundRole:
            if row.override_reason:
                return QBrush(QColor("#fff8e1"))
            if self._band.get(row.id):  # the members of one family share a band; the next family flips it
                return QBrush(QColor("#eef3f8"))
        if role == Qt.ItemDataRole.EditRole:
            if column == COL_DECISION:
                return choice_of(row.decision, row.reason)
            if column == COL_REASON:
                return row.reason or ""
        return super().cell(row, column, role)

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:  # noqa: N802 - Qt API
        base = super().flags(index)
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None or not self.editable:
            return base
        if index.column() == COL_DECISION or (index.column() == COL_REASON and row.decision == Decision.HAPUS):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: QModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None or role != Qt.ItemDataRole.EditRole or not value:
            return False
        if index.column() == COL_DECISION:
            decision, reason = split_choice(str(value))
        elif index.column() == COL_REASON and row.decision == Decision.HAPUS:
            decision, reason = row.decision, str(value)
        else:
            return False
        if decision == row.decision and (reason or None) == (row.reason or None):
            return False  # unchanged (Enter on a cell only moves on)
        self.decisionRequested.emit(row, decision, reason)
        return True

    def replace(self, new: DecisionRow) -> int:
        """Show the row the service returned in place of the row with the same id; its row or -1."""
        i = self.row_of(new.id)
        if i < 0:
            return -1
        self._rows[i] = new
        self.dataChanged.emit(self.index(i, 0), self.index(i, self.columnCount() - 1))
        return i


class ChoiceDelegate(QStyledItemDelegate):
    """A drop-down of (value, label) choices; the model's EditRole is the value. ``proposal_choices``:
    the choices of a person proposed in the field (not in the registry)."""

    def __init__(self, choices: tuple[tuple[str, str], ...], parent: QObject | None = None,
                 proposal_choices: tuple[tuple[str, str], ...] | None = None) -> None:
        super().__init__(parent)
        self.choices = choices
        self.proposal_choices = proposal_choices

    def createEditor(self, parent: QWidget, option, index):  # noqa: N802 - Qt API
        box = QComboBox(parent)
        box.setObjectName("choiceEditor")
        row = index.data(Qt.ItemDataRole.UserRole)
        choices = self.proposal_choices if self.proposal_choices and row is not None and is_proposal(row) \
            else self.choices
        for value, label in choices:
            box.addItem(label, value)
        box.setMaxVisibleItems(len(choices))
        return box

    def setEditorData(self, editor: QComboBox, index) -> None:  # noqa: N802
        if getattr(editor, "_filled", False):
            return  # the key that opened the editor already chose (keyboard search)
        editor._filled = True  # type: ignore[attr-defined]
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor: QComboBox, model, index) -> None:  # noqa: N802
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class DecisionTable(QTableView):
    """The decisions table: typing opens the drop-down, Enter saves and moves one row down."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("decisionTable")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.setItemDelegateForColumn(COL_DECISION, ChoiceDelegate(DECISION_CHOICES, self, PROPOSAL_CHOICES))
        self.setItemDelegateForColumn(COL_REASON, ChoiceDelegate(REASON_CHOICES, self))
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(24)
        self.setWordWrap(False)
        self.horizontalHeader().setStretchLastSection(True)

    def move_down(self) -> None:
        idx = self.currentIndex()
        if not idx.isValid():
            return
        model = self.model()
        if idx.row() + 1 >= model.rowCount() and model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())
        if idx.row() + 1 < model.rowCount():
            self.setCurrentIndex(model.index(idx.row() + 1, idx.column()))

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        # Enter in an open drop-down is not taken by the combo box: it reaches the table here.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers() & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            if self.state() == QAbstractItemView.State.EditingState:
                editor = self.indexWidget(self.currentIndex()) or self.focusWidget()
                self.commitData(editor)
                self.closeEditor(editor, QStyledItemDelegate.EndEditHint.NoHint)
            self.move_down()
            return
        super().keyPressEvent(event)
