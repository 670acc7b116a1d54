"""Small widgets the receipt desk and the realisation share: a big number with its caption, a label
in a bigger font. (Plain read-only tables: ``views.common.widgets.plain_table``.)"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout

from dtks_desktop.domain.formatting import angka

__all__ = ["big", "StatBox"]


def big(label: QLabel, pt: int, bold: bool = True) -> QLabel:
    f = QFont(label.font())
    f.setPointSize(pt)
    f.setBold(bold)
    label.setFont(f)
    return label


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
