"""The preview of the first rows and the column-mapping editor of the import page."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from dtks_desktop.domain.masking import MaskPolicy, is_identifier, mask_identifier
from dtks_desktop.services.importing import mapping as M
from dtks_desktop.services.importing.mapping import FIELD_LABELS, MappingProblem, Preset
from dtks_desktop.views.importing.common import cell_text, CHOOSE, NONE_TEXT, RED


class PreviewTableModel(QAbstractTableModel):
    """The first rows of the file as they will be read: one column per mapped field."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fields: list[str] = []
        self._sources: list[str] = []
        self._rows: list[tuple[int, dict[str, object]]] = []
        self._mask: MaskPolicy | None = None

    def set_preview(self, match: M.HeaderMatch, rows: list[tuple[int, dict[str, object]]],
                    mask: MaskPolicy | None) -> None:
        self.beginResetModel()
        # Who first (ID, NIK, No KK, name), then the person, the address and the region: the order
        # of FIELD_LABELS, so that NIK and name are on screen without scrolling.
        rank = {f: i for i, f in enumerate(FIELD_LABELS)}
        ordered = sorted(match.columns.items(), key=lambda fc: (rank.get(fc[0], len(rank)), fc[1]))
        self._fields = [f for f, _c in ordered]
        self._sources = [match.column_label(c) for _f, c in ordered]
        self._rows = list(rows)
        self._mask = mask
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self._fields, self._sources, self._rows = [], [], []
        self.endResetModel()

    def set_mask(self, mask: MaskPolicy | None) -> None:
        self.beginResetModel()
        self._mask = mask
        self.endResetModel()

    @property
    def fields(self) -> list[str]:
        return list(self._fields)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._fields) + 1

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return "Baris" if section == 0 else FIELD_LABELS.get(self._fields[section - 1], self._fields[section - 1])
        if role == Qt.ItemDataRole.ToolTipRole:
            if section == 0:
                return "Nomor baris di berkas (seperti di Excel)"
            return f"Dibaca dari kolom {self._sources[section - 1]}"
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row_no, values = self._rows[index.row()]
        c = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if c == 0:
                return str(row_no)
            f = self._fields[c - 1]
            text = cell_text(values.get(f))
            if self._mask is not None and text and is_identifier(f):
                return mask_identifier(text, self._mask)
            return text
        if role == Qt.ItemDataRole.TextAlignmentRole and c == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and c == 0:
            return QBrush(QColor("#6b6b6b"))
        return None


class MappingEditor(QWidget):
    """One combo per field of the preset: which column of the file holds it."""

    choiceChanged = Signal(str, object)  # field, column index or None ("tidak ada")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: dict[str, tuple[QLabel, QComboBox]] = {}
        self._key: tuple | None = None
        self._inner = QWidget()
        self._grid = QGridLayout(self._inner)
        self._grid.setContentsMargins(4, 4, 8, 4)
        self._grid.setHorizontalSpacing(8)
        self._grid.setVerticalSpacing(4)
        self._grid.setColumnStretch(1, 1)
        self._grid.setColumnMinimumWidth(0, 150)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self._inner)
        self.scroll.viewport().setAutoFillBackground(False)
        self._inner.setAutoFillBackground(False)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.legend.setStyleSheet("color: #555;")
        self.unused = QLabel()
        self.unused.setWordWrap(True)
        self.unused.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.unused)

    def combo(self, fld: str) -> QComboBox | None:
        row = self._rows.get(fld)
        return row[1] if row else None

    def label(self, fld: str) -> QLabel | None:
        row = self._rows.get(fld)
        return row[0] if row else None

    def fields(self) -> list[str]:
        return list(self._rows)

    def set_mapping(self, preset: Preset, match: M.HeaderMatch, problems: list[MappingProblem]) -> None:
        fields = list(preset.fields)
        for f in list(match.duplicates) + list(match.missing_choices):
            if f not in fields:
                fields.append(f)  # a problem the clerk must be able to settle here
        key = (tuple(fields), tuple(match.headers.items()))
        if key != self._key:
            self._rebuild(fields)
            self._key = key
        required = set(preset.required)
        any_groups = [g for g in preset.required_any]
        in_group = {f: g for g in any_groups for f in g}
        by_field: dict[str, list[str]] = {}
        for p in problems:
            if p.field:
                by_field.setdefault(p.field, []).append(p.message)
        for f in fields:
            label, combo = self._rows[f]
            text = FIELD_LABELS.get(f, f)
            tip = ""
            if f in required:
                text += " *"
                tip = "Wajib ada."
            elif f in in_group:
                text += " *"
                tip = "Minimal satu dari " + " / ".join(FIELD_LABELS[x] for x in in_group[f]) + " harus ada."
            label.setText(text)
            combo.blockSignals(True)
            combo.clear()
            if f in match.duplicates:
                cols = match.duplicates[f]
                combo.addItem("Pilih salah satu: " + " atau ".join(match.column_label(c).split(" ")[0] for c in cols),
                              CHOOSE)
            combo.addItem(NONE_TEXT, None)
            for col in match.headers:
                combo.addItem(match.column_label(col), col)
            if f in match.duplicates:
                combo.setCurrentIndex(0)
            elif f in match.columns:
                combo.setCurrentIndex(max(combo.findData(match.columns[f]), 0))
            else:
                combo.setCurrentIndex(combo.findData(None))
            combo.blockSignals(False)
            messages = by_field.get(f)
            bad = bool(messages)
            label.setStyleSheet(f"color: {RED}; font-weight: bold;" if bad else "")
            combo.setStyleSheet(f"QComboBox {{ color: {RED}; border: 2px solid {RED}; border-radius: 3px; "
                                "padding: 1px 18px 1px 4px; }" if bad else "")
            combo.setProperty("problem", bad)
            full_tip = "\n".join(filter(None, [tip, *(messages or [])]))
            label.setToolTip(full_tip)
            combo.setToolTip(full_tip or "Pilih kolom di berkas yang berisi " + FIELD_LABELS.get(f, f))
        notes = ["* wajib ada."]
        for g in any_groups:
            notes.append("Untuk " + " dan ".join(FIELD_LABELS[x] for x in g) + " cukup salah satu.")
        self.legend.setText(" ".join(notes))
        if match.unmapped:
            shown = ", ".join(match.column_label(c) for c, _t in match.unmapped[:12])
            more = len(match.unmapped) - 12
            self.unused.setText("Kolom yang tidak dipakai: " + shown + (f" dan {more} lainnya" if more > 0 else ""))
            self.unused.show()
        else:
            self.unused.hide()

    def _rebuild(self, fields: list[str]) -> None:
        scroll_value = self.scroll.verticalScrollBar().value()
        while self._grid.count():
            item = self._grid.takeAt(0)
            w = item.widget()
            if w is not None:
                w.deleteLater()
        self._rows.clear()
        for r, f in enumerate(fields):
            label = QLabel(FIELD_LABELS.get(f, f))
            label.setWordWrap(True)  # "Hubungan dengan kepala rumah tangga" must not push the combos out
            label.setMaximumWidth(170)
            combo = QComboBox()
            combo.setObjectName(f"map_{f}")
            combo.setMinimumContentsLength(10)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            combo.setMaxVisibleItems(20)
            label.setBuddy(combo)
            combo.currentIndexChanged.connect(lambda _i, f=f, c=combo: self._changed(f, c))
            self._grid.addWidget(label, r, 0)
            self._grid.addWidget(combo, r, 1)
            self._rows[f] = (label, combo)
        self._grid.setRowStretch(len(fields), 1)
        self.scroll.verticalScrollBar().setValue(scroll_value)

    def _changed(self, fld: str, combo: QComboBox) -> None:
        data = combo.currentData()
        if data == CHOOSE:
            return
        self.choiceChanged.emit(fld, data)
