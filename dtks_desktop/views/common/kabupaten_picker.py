"""A searchable combo box over the 514 kabupaten/kota: "KAB. KLATEN (33.10) — Jawa Tengah".

Typing any part of the name, the province or the code narrows the list; used by the
first-run dialog and the settings page to choose the office's kabupaten/kota.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from dtks_desktop.domain.regions import parse_kabupaten_code
from dtks_desktop.services.core.app_info import KabupatenChoice

EMPTY_TEXT = "(belum dipilih)"


class KabupatenPicker(QComboBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choices: list[KabupatenChoice] = []
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMinimumContentsLength(34)
        self.setMaxVisibleItems(20)
        self.lineEdit().setPlaceholderText("Ketik nama kabupaten/kota atau kodenya, mis. Klaten atau 33.10")
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setMaxVisibleItems(15)
        self.setCompleter(completer)

    def set_choices(self, choices: list[KabupatenChoice], current: str | None = None) -> None:
        self.choices = list(choices)
        self.blockSignals(True)
        self.clear()
        self.addItem(EMPTY_TEXT, None)
        for c in self.choices:
            self.addItem(c.label, c.kode)
        i = self.findData(current) if current else 0
        if i < 0:  # a code no longer in the reference list: keep it visible
            self.addItem(f"{current} (tidak ada di data wilayah)", current)
            i = self.count() - 1
        self.setCurrentIndex(i)
        if not current:
            self.setEditText("")
        self.blockSignals(False)

    def set_kab(self, kode: str) -> bool:
        i = self.findData(kode)
        if i >= 0:
            self.setCurrentIndex(i)
        return i >= 0

    def selected(self) -> str | None:
        """The chosen code, None when nothing is chosen; ValueError for text that is no kabupaten."""
        text = self.currentText().strip()
        if not text or text == EMPTY_TEXT:
            return None
        i = self.findText(text, Qt.MatchFlag.MatchFixedString)
        if i >= 0:
            return self.itemData(i)
        low = text.lower()
        code = parse_kabupaten_code(text)
        hits = [c for c in self.choices
                if c.kode == code or low in (c.nama.lower(), c.display.lower(), c.label.lower())]
        if not hits:  # a unique part of a name: "klaten", "makassar"
            hits = [c for c in self.choices if low in c.label.lower()]
        if len(hits) == 1:
            return hits[0].kode
        if len(hits) > 1:
            names = ", ".join(c.display for c in hits[:4]) + (", …" if len(hits) > 4 else "")
            raise ValueError(f"'{text}' cocok dengan beberapa kabupaten/kota ({names}); pilih salah satu dari daftar.")
        raise ValueError(f"Kabupaten/kota '{text}' tidak dikenal. Pilih dari daftar yang muncul saat mengetik.")


    def selected_or_none(self) -> str | None:
        """Like :meth:`selected`, None for text that is no kabupaten."""
        try:
            return self.selected()
        except ValueError:
            return None
