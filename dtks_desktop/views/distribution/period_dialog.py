""""Tahap baru": a distribution period — programme, period name, what each KPM receives (cash or
goods) and where its KPM list comes from (a submission batch whose results came back, or a KPM
list file from Kemensos/Bulog). The values are checked as they are typed with the domain's own
parsers; the service checks them again."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog,
                               QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QRadioButton, QVBoxLayout,
                               QWidget)

from dtks_desktop.domain.distribution import parse_cash, parse_goods, rupiah
from dtks_desktop.views.distribution.common import desa_combo

FILE_FILTER = "Daftar KPM (*.xlsx *.xls *.csv *.ods)"


def programme_label(code: str, name: str) -> str:
    return f"{code} — {name}" if name and name != code else code


class PeriodDialog(QDialog):
    """The new period's values; ``values()`` gives the keyword arguments of ``create_period``."""

    def __init__(self, programmes: dict[str, str], batches: Sequence, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("periodDialog")
        self.setWindowTitle("Tahap penyaluran baru")
        self.setMinimumWidth(560)
        intro = QLabel("Satu tahap penyaluran: program, nama tahap, bantuan per KPM dan daftar KPM-nya. Orang yang "
                       "tidak ada di DTKS tetap dicatat (ditandai \"tidak terdaftar\"), tidak ditambahkan ke DTKS.")
        intro.setWordWrap(True)
        self.programme = QComboBox()
        self.programme.setObjectName("programmeCombo")
        for code, name in programmes.items():
            self.programme.addItem(programme_label(code, name), code)
        self.period = QLineEdit()
        self.period.setObjectName("periodEdit")
        self.period.setPlaceholderText("mis. 2026 Tahap 1 atau Januari–Maret 2026")

        # what each KPM receives
        self.cash_radio = QRadioButton("Tunai")
        self.cash_radio.setObjectName("cashRadio")
        self.goods_radio = QRadioButton("Barang")
        self.goods_radio.setObjectName("goodsRadio")
        self.kind_group = QButtonGroup(self)
        self.kind_group.addButton(self.cash_radio)
        self.kind_group.addButton(self.goods_radio)
        self.cash = QLineEdit()
        self.cash.setObjectName("cashEdit")
        self.cash.setPlaceholderText("rupiah per KPM, mis. 600.000")
        self.goods_name = QLineEdit("beras")
        self.goods_name.setObjectName("goodsName")
        self.goods_qty = QDoubleSpinBox()
        self.goods_qty.setObjectName("goodsQty")
        self.goods_qty.setDecimals(1)
        self.goods_qty.setLocale(QLocale(QLocale.Language.Indonesian, QLocale.Country.Indonesia))  # 2,5 kg
        self.goods_qty.setRange(0, 10_000)
        self.goods_qty.setValue(10)
        self.goods_unit = QLineEdit("kg")
        self.goods_unit.setObjectName("goodsUnit")
        self.goods_unit.setMaximumWidth(70)
        cash_row = QHBoxLayout()
        cash_row.addWidget(self.cash_radio)
        cash_row.addWidget(self.cash, 1)
        goods_row = QHBoxLayout()
        goods_row.addWidget(self.goods_radio)
        goods_row.addWidget(self.goods_name, 1)
        goods_row.addWidget(self.goods_qty)
        goods_row.addWidget(self.goods_unit)
        self.benefit_note = QLabel()
        self.benefit_note.setObjectName("benefitNote")

        # the KPM list
        self.batch_radio = QRadioButton("Hasil batch pengajuan")
        self.batch_radio.setObjectName("batchRadio")
        self.file_radio = QRadioButton("Berkas daftar KPM (.xlsx/.csv)")
        self.file_radio.setObjectName("fileRadio")
        self.source_group = QButtonGroup(self)
        self.source_group.addButton(self.batch_radio)
        self.source_group.addButton(self.file_radio)
        self.batch = desa_combo("batchCombo", 40)
        for b in batches:
            self.batch.addItem(f"Batch #{b.id} — {b.programme} {b.kind_label.lower()}, {b.scope_label} "
                               f"({b.rows} baris)", b.id)
        self.file = QLineEdit()
        self.file.setObjectName("fileEdit")
        self.file.setPlaceholderText("pilih berkas daftar KPM dari Kemensos/Bulog")
        self.browse = QPushButton("Pilih…")
        self.browse.clicked.connect(self.choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file, 1)
        file_row.addWidget(self.browse)
        self.source_note = QLabel("Kolom dikenali dari judulnya: NIK, nama, No KK, alamat, RT, RW, dusun, "
                                  "desa/kelurahan atau kode wilayah, kecamatan.")
        self.source_note.setWordWrap(True)
        self.source_note.setStyleSheet("color: #616161;")
        self.problem = QLabel()
        self.problem.setObjectName("dialogProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020;")

        form = QFormLayout()
        form.addRow("Program", self.programme)
        form.addRow("Nama tahap", self.period)
        form.addRow("Bantuan per KPM", cash_row)
        form.addRow("", goods_row)
        form.addRow("", self.benefit_note)
        form.addRow("Daftar KPM dari", self.batch_radio)
        form.addRow("", self.batch)
        form.addRow("", self.file_radio)
        form.addRow("", file_row)
        form.addRow("", self.source_note)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Buat tahap")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Batal")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

        if not batches:
            self.batch.addItem("Belum ada batch yang hasil penetapannya sudah kembali", None)
            self.batch_radio.setEnabled(False)
        self.cash_radio.setChecked(True)
        (self.batch_radio if batches else self.file_radio).setChecked(True)
        for w in (self.period, self.cash, self.goods_name, self.goods_unit, self.file):
            w.textChanged.connect(self.check)
        self.goods_qty.valueChanged.connect(self.check)
        for b in (self.cash_radio, self.goods_radio, self.batch_radio, self.file_radio):
            b.toggled.connect(self.check)
        self.check()

    def choose_file(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, "Berkas daftar KPM", "", FILE_FILTER)
        if path:
            self.file.setText(path)

    def goods_text(self) -> str:
        qty = f"{self.goods_qty.value():g}"
        return f"{self.goods_name.text().strip()}:{qty}:{self.goods_unit.text().strip()}"

    def problems(self) -> list[str]:
        """What keeps the dialog from being accepted, in Indonesian (empty when it may be)."""
        out = []
        if self.programme.count() == 0:
            out.append("Belum ada program.")
        if not self.period.text().strip():
            out.append("Isi nama tahap.")
        if self.cash_radio.isChecked():
            try:
                parse_cash(self.cash.text())
            except ValueError as exc:
                out.append(str(exc) if self.cash.text().strip() else "Isi nilai tunai per KPM.")
        else:
            try:
                parse_goods(self.goods_text())
            except ValueError as exc:
                out.append(str(exc))
        if self.batch_radio.isChecked() and self.batch.currentData() is None:
            out.append("Pilih batch pengajuan.")
        if self.file_radio.isChecked():
            path = self.file.text().strip()
            if not path:
                out.append("Pilih berkas daftar KPM.")
            elif not Path(path).is_file():
                out.append(f"Berkas {path} tidak ditemukan.")
        return out

    def check(self, *_a) -> None:
        cash = self.cash_radio.isChecked()
        self.cash.setEnabled(cash)
        for w in (self.goods_name, self.goods_qty, self.goods_unit):
            w.setEnabled(not cash)
        by_batch = self.batch_radio.isChecked()
        self.batch.setEnabled(by_batch)
        for w in (self.file, self.browse):
            w.setEnabled(not by_batch)
        try:
            self.benefit_note.setText(f"Setiap KPM menerima {rupiah(parse_cash(self.cash.text()))}." if cash else
                                      f"Setiap KPM menerima {parse_goods(self.goods_text()).label()}.")
        except ValueError:
            self.benefit_note.setText("")
        problems = self.problems()
        self.problem.setText(problems[0] if problems and (self.period.text() or self.cash.text()) else "")
        self.ok_button.setEnabled(not problems)

    def values(self) -> dict:
        """``create_period``'s arguments after ``db`` and ``actor``."""
        by_batch = self.batch_radio.isChecked()
        cash = self.cash_radio.isChecked()
        return {"programme": self.programme.currentData(), "period": " ".join(self.period.text().split()),
                "cash": self.cash.text().strip() if cash else None, "goods": None if cash else self.goods_text(),
                "from_batch": self.batch.currentData() if by_batch else None,
                "from_file": None if by_batch else self.file.text().strip()}
