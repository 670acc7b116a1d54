""""Tambah titik salur": a distribution point of one desa (kantor pos, balai desa, …) with its date,
opening hours and time slots, so that invitations carry a place and a time."""

from __future__ import annotations

from datetime import date, time
from typing import Sequence

from PySide6.QtCore import QDate, QTime
from PySide6.QtWidgets import (QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QSpinBox, QTimeEdit, QVBoxLayout, QWidget)

from dtks_desktop.domain.distribution import POINT_KIND_LABELS, PointKind
from dtks_desktop.domain.formatting import angka
from dtks_desktop.views.distribution.common import desa_combo


class PointDialog(QDialog):
    """The new point's values; ``values()`` gives ``add_point``'s arguments after the period id."""

    def __init__(self, desa: Sequence[tuple[str, str]], chosen: str | None, lengkap: dict[str, int],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pointDialog")
        self.setWindowTitle("Tambah titik salur")
        self.setMinimumWidth(480)
        self.lengkap = dict(lengkap)
        self.desa = desa_combo("pointDesa", 30)
        for kode, label in desa:
            self.desa.addItem(label, kode)
        if chosen is not None and self.desa.findData(chosen) >= 0:
            self.desa.setCurrentIndex(self.desa.findData(chosen))
        self.kind = QComboBox()
        self.kind.setObjectName("pointKind")
        for k in PointKind:
            self.kind.addItem(POINT_KIND_LABELS[k], k.value)
        self.kind.setCurrentIndex(self.kind.findData(PointKind.BALAI_DESA.value))
        self.nama = QLineEdit()
        self.nama.setObjectName("pointName")
        self.nama.setPlaceholderText("mis. Balai Desa Sumberejo")
        self.alamat = QLineEdit()
        self.alamat.setObjectName("pointAddress")
        self.alamat.setPlaceholderText("jalan, dukuh (boleh kosong)")
        self.tanggal = QDateEdit(QDate.currentDate().addDays(7))
        self.tanggal.setObjectName("pointDate")
        self.tanggal.setCalendarPopup(True)
        self.tanggal.setDisplayFormat("dd-MM-yyyy")
        self.mulai = QTimeEdit(QTime(8, 0))
        self.mulai.setObjectName("pointStart")
        self.mulai.setDisplayFormat("HH.mm")
        self.selesai = QTimeEdit(QTime(12, 0))
        self.selesai.setObjectName("pointEnd")
        self.selesai.setDisplayFormat("HH.mm")
        hours = QHBoxLayout()
        hours.addWidget(self.mulai)
        hours.addWidget(QLabel("sampai"))
        hours.addWidget(self.selesai)
        hours.addStretch(1)
        self.slot = QSpinBox()
        self.slot.setObjectName("pointSlot")
        self.slot.setRange(10, 480)
        self.slot.setSingleStep(15)
        self.slot.setValue(60)
        self.slot.setSuffix(" menit")
        self.kuota = QSpinBox()
        self.kuota.setObjectName("pointQuota")
        self.kuota.setRange(0, 10_000)
        self.kuota.setSpecialValueText("dibagi rata")
        self.kuota.setSuffix(" KPM")
        self.note = QLabel()
        self.note.setObjectName("pointNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #616161;")
        form = QFormLayout()
        form.addRow("Desa/Kelurahan", self.desa)
        form.addRow("Jenis", self.kind)
        form.addRow("Nama titik", self.nama)
        form.addRow("Alamat", self.alamat)
        form.addRow("Tanggal", self.tanggal)
        form.addRow("Jam", hours)
        form.addRow("Lama satu sesi", self.slot)
        form.addRow("KPM per sesi", self.kuota)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Tambah")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Batal")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        for w in (self.nama,):
            w.textChanged.connect(self.check)
        for w in (self.mulai, self.selesai):
            w.timeChanged.connect(self.check)
        self.slot.valueChanged.connect(self.check)
        self.kuota.valueChanged.connect(self.check)
        self.desa.currentIndexChanged.connect(self.check)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _kind_changed(self, *_a) -> None:
        if not self.nama.isModified():
            kind = self.kind.currentData()
            desa = self.desa.currentText().split(" (")[0]
            self.nama.setText({PointKind.BALAI_DESA.value: f"Balai Desa {desa}",
                               PointKind.KANTOR_POS.value: "Kantor Pos "}.get(kind, ""))
        self.check()

    def sessions(self) -> int:
        minutes = self.mulai.time().secsTo(self.selesai.time()) // 60
        return max(0, minutes // max(1, self.slot.value()))

    def check(self, *_a) -> None:
        n = self.sessions()
        ok = bool(self.nama.text().strip()) and self.desa.currentData() is not None and n > 0
        kpm = self.lengkap.get(self.desa.currentData(), 0)
        if n <= 0:
            self.note.setText("Jam selesai harus setelah jam mulai, paling sedikit satu sesi.")
        elif self.kuota.value():
            cap = n * self.kuota.value()
            self.note.setText(f"{angka(n)} sesi × {angka(self.kuota.value())} KPM = {angka(cap)} KPM; desa ini punya "
                              f"{angka(kpm)} KPM lengkap." + (" Tambahkan titik atau sesi lagi bila kurang."
                                                             if cap < kpm else ""))
        else:
            self.note.setText(f"{angka(n)} sesi; {angka(kpm)} KPM lengkap desa ini dibagi rata ke semua sesi "
                              "titik-titiknya.")
        self.ok_button.setEnabled(ok)

    def values(self) -> dict:
        d = self.tanggal.date()
        m, s = self.mulai.time(), self.selesai.time()
        return {"desa": self.desa.currentData(), "kind": self.kind.currentData(), "nama": self.nama.text().strip(),
                "tanggal": date(d.year(), d.month(), d.day()), "jam_mulai": time(m.hour(), m.minute()),
                "jam_selesai": time(s.hour(), s.minute()), "alamat": self.alamat.text().strip() or None,
                "slot_menit": self.slot.value(), "kuota_slot": self.kuota.value() or None}
