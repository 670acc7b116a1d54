"""Dialogs of the Musdes/Muskel page: the override of a non-padan new proposal, and "Berita Acara
kembali" (the signed minutes came back: date and an optional scan)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (QDateEdit, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget)

MIN_REASON = 10  # characters: "NIK baru" is not a reason


def qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class OverrideDialog(QDialog):
    """A member whose NIK is not padan is proposed new: the clerk writes why (audited)."""

    def __init__(self, nama: str, nik: str, match_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("overrideDialog")
        self.setWindowTitle("Usulan baru dengan NIK tidak padan")
        self.setMinimumWidth(460)
        text = QLabel(
            f"<b>{nama}</b> (NIK {nik or 'kosong'}) belum padan dengan data Dukcapil "
            f"(<i>{match_label}</i>).<br><br>Usulan baru dengan NIK yang tidak padan biasanya ditolak saat "
            "pengajuan. Bila musyawarah tetap mengusulkannya, tuliskan alasannya (misalnya: \"KTP-el baru "
            "terbit, belum ada di data Dukcapil\"). Alasan ini dicatat di log audit beserta nama Anda.")
        text.setWordWrap(True)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("overrideReason")
        self.reason.setPlaceholderText("Alasan usulan baru (wajib, minimal 10 huruf)")
        self.reason.setFixedHeight(80)
        self.count = QLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Usulkan baru")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Batal")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.reason.textChanged.connect(self._check)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.reason)
        layout.addWidget(self.count)
        layout.addWidget(self.buttons)
        self._check()

    def text(self) -> str:
        return " ".join(self.reason.toPlainText().split())

    def _check(self) -> None:
        n = len(self.text())
        self.ok_button.setEnabled(n >= MIN_REASON)
        self.count.setText("" if n >= MIN_REASON else f"Alasan: {n} dari minimal {MIN_REASON} huruf.")


class FinalizeDialog(QDialog):
    """Berita Acara kembali: the date the signed minutes came back, and optionally their scan (PDF)."""

    def __init__(self, desa_nama: str, meeting_date: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("finalizeDialog")
        self.setWindowTitle(f"Berita Acara kembali — {desa_nama}")
        self.setMinimumWidth(480)
        intro = QLabel("Catat bahwa Berita Acara yang sudah ditandatangani telah kembali ke Dinas Sosial. "
                       "Setelah ini keputusan menjadi final dan masuk ke tahap pengajuan; mengubahnya perlu "
                       "rapat pengganti.")
        intro.setWordWrap(True)
        self.returned = QDateEdit(qdate(date.today()))
        self.returned.setObjectName("returnedDate")
        self.returned.setCalendarPopup(True)
        self.returned.setDisplayFormat("dd-MM-yyyy")
        self.returned.setMinimumDate(qdate(meeting_date))
        self.returned.setMaximumDate(qdate(date.today()))
        self.scan = QLineEdit()
        self.scan.setObjectName("scanPath")
        self.scan.setPlaceholderText("boleh kosong: pindaian PDF Berita Acara bertanda tangan")
        browse = QPushButton("Pilih…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.scan, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Tanggal kembali", self.returned)
        form.addRow("Pindaian (PDF)", row)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Simpan")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Batal")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _browse(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, "Pilih pindaian Berita Acara", "", "PDF (*.pdf)")
        if path:
            self.scan.setText(path)

    def scan_path(self) -> Path | None:
        text = self.scan.text().strip()
        return Path(text) if text else None

    def returned_date(self) -> date:
        return pydate(self.returned.date())

    def _accept(self) -> None:
        p = self.scan_path()
        if p is not None and not p.is_file():
            self.error.setText(f"Berkas pindaian tidak ditemukan: {p}")
            return
        self.accept()
