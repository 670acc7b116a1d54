"""Asks the purpose (keperluan) of a Surat Keterangan Terdaftar DTKS before it is issued."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from dtks_desktop.views.common.widgets import ErrorLabel

#: Purposes offered in the list; the clerk may type any other.
PURPOSES = ["pendaftaran sekolah anak", "pengajuan beasiswa", "berobat di rumah sakit/puskesmas",
            "pengajuan keringanan biaya", "persyaratan bantuan sosial"]


class KeteranganDialog(QDialog):
    def __init__(self, family_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Cetak surat keterangan terdaftar DTKS")
        self.setMinimumWidth(480)
        note = QLabel(f"Surat keterangan untuk keluarga <b>{family_name}</b>. Surat diberi nomor dari agenda surat "
                      "keluar dan kode keaslian; NIK dan No KK disamarkan.")
        note.setWordWrap(True)
        self.purpose = QComboBox()
        self.purpose.setEditable(True)
        self.purpose.addItems(PURPOSES)
        self.purpose.setCurrentIndex(-1)
        self.purpose.lineEdit().setPlaceholderText("untuk apa surat ini, contoh: pendaftaran sekolah anak")
        self.error = ErrorLabel()
        form = QFormLayout()
        form.addRow(note)
        form.addRow("Keperluan:", self.purpose)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton("Lanjut, pilih berkas…", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("Batal", QDialogButtonBox.ButtonRole.RejectRole).clicked.connect(self.reject)
        self.ok_button.clicked.connect(self._ok)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def keperluan(self) -> str:
        return " ".join(self.purpose.currentText().split())

    def _ok(self) -> None:
        if not self.keperluan():
            self.error.show_error("Keperluan surat wajib diisi.")
            return
        self.accept()
