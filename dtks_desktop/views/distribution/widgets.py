"""Small widgets the distribution tabs share: a big number with its caption, a plain read-only
table, a label in a bigger font."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QFrame, QLabel, QTableWidget, QVBoxLayout

from dtks_desktop.domain.formatting import angka

__all__ = ["big", "plain_table", "StatBox"]


def big(label: QLabel, pt: int, bold: bool = True) -> QLabel:
    f = QFont(label.font())
    f.setPointSize(pt)
    f.setBold(bold)
    label.setFont(f)
    return label


def plain_table(headers: list[tuple[str, int]], name: str, *, take_focus: bool = True) -> QTableWidget:
    """A read-only, row-selecting table with ``(header, width)`` columns. ``take_focus=False``: the
    table never takes the keyboard (the receipt desk's scan input keeps it)."""
    t = QTableWidget(0, len(headers))
    t.setObjectName(name)
    t.setHorizontalHeaderLabels([h for h, _w in headers])
    for i, (_h, w) in enumerate(headers):
        t.setColumnWidth(i, w)
    t.horizontalHeader().setStretchLastSection(True)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setAlternatingRowColors(True)
    t.setWordWrap(False)
    if not take_focus:
        t.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    t.verticalHeader().setDefaultSectionSize(t.fontMetrics().height() + (8 if take_focus else 10))
    return t


class StatBox(QFrame):
    """One big number (``value``) with its caption (``note``), in a light box. The caption wraps, so
    a row of boxes fits a narrow window."""

    def __init__(self, caption: str, colour: str, name: str, pt: int = 20) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setStyleSheet(f"QFrame#{name} {{ border: 1px solid #cfd8dc; border-radius: 6px; background: #fafafa; }}")
        self.value = big(QLabel("–"), pt)
        self.value.setStyleSheet(f"color: {colour}; border: none;")
        self.value.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note = QLabel(caption)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #546e7a; border: none;")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 4, 6, 4)
        lay.setSpacing(0)
        lay.addWidget(self.value)
        lay.addWidget(self.note)

    def set(self, n) -> None:
        self.value.setText(angka(int(n or 0)))
