"""Dialogs of the Pengajuan page: a new batch (target, programme, kind, scope) and the supervisor's
decision (Setujui with an optional note, Tolak with a required one)."""

from __future__ import annotations

from typing import Sequence

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QPlainTextEdit,
                               QVBoxLayout, QWidget)

from dtks_desktop.views.common.widgets import fill_desa_combo, fill_kecamatan_combo

MIN_NOTE = 10  # characters: a rejection says what to fix


class CreateBatchDialog(QDialog):
    """Buat batch: target, programme (per target), kind and the scope (kabupaten, a kecamatan or a desa)."""

    def __init__(self, db, targets: Sequence[tuple[str, str]], programmes: dict[str, Sequence[tuple[str, str]]],
                 kinds: Sequence[tuple[str, str]], kecamatan: Sequence[tuple[str, str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("createBatchDialog")
        self.setWindowTitle("Buat batch pengajuan")
        self.setMinimumWidth(500)
        self.programmes = {k: list(v) for k, v in programmes.items()}
        intro = QLabel("Batch berisi keputusan final Musdes/Muskel (Berita Acara sudah kembali) untuk satu program "
                       "dan satu jenis usulan. Keluarga yang belum memenuhi syarat tidak dimasukkan; alasannya "
                       "tampil setelah batch dibuat.")
        intro.setWordWrap(True)
        self.target = QComboBox()
        self.target.setObjectName("targetCombo")
        for value, label in targets:
            self.target.addItem(label, value)
        self.programme = QComboBox()
        self.programme.setObjectName("programmeCombo")
        self.kind = QComboBox()
        self.kind.setObjectName("kindCombo")
        for value, label in kinds:
            self.kind.addItem(label, value)
        self.kec = QComboBox()
        self.kec.setObjectName("batchKecCombo")
        fill_kecamatan_combo(self.kec, kecamatan)
        self.kec.setItemText(0, "Semua kecamatan (satu kabupaten)")
        self.desa = QComboBox()
        self.desa.setObjectName("batchDesaCombo")
        self.desa.addItem("Semua desa/kelurahan", None)
        self.desa.setEnabled(False)
        self.kec.currentIndexChanged.connect(lambda _i: fill_desa_combo(db, self.kec, self.desa))
        self.no_programme = QLabel()
        self.no_programme.setWordWrap(True)
        self.no_programme.setStyleSheet("color: #b00020;")
        self.programme_hint = QLabel("Daftar program provinsi diatur admin di Kantor & Dokumen › Format berkas.")
        self.programme_hint.setObjectName("programmeHint")
        self.programme_hint.setWordWrap(True)
        self.programme_hint.setStyleSheet("color: #555555;")
        self.target.currentIndexChanged.connect(self._target_changed)
        form = QFormLayout()
        form.addRow("Tujuan", self.target)
        form.addRow("Program", self.programme)
        form.addRow("", self.no_programme)
        form.addRow("", self.programme_hint)
        form.addRow("Jenis usulan", self.kind)
        form.addRow("Kecamatan", self.kec)
        form.addRow("Desa/Kelurahan", self.desa)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Buat batch")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Batal")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._target_changed()

    def _target_changed(self, _i: int = 0) -> None:
        self.programme.clear()
        options = self.programmes.get(self.target.currentData(), [])
        for value, label in options:
            self.programme.addItem(label, value)
        self.no_programme.setText("" if options else
                                  "Belum ada program untuk tujuan ini. Admin menambahkannya di Kantor & Dokumen › "
                                  "Format berkas › Program provinsi.")
        self.no_programme.setVisible(not options)
        self.programme_hint.setVisible(self.target.currentData() == "provinsi")
        self.ok_button.setEnabled(bool(options))

    def values(self) -> dict:
        desa = self.desa.currentData()
        return {"target": self.target.currentData(), "programme": self.programme.currentData(),
                "kind": self.kind.currentData(), "kecamatan": None if desa else self.kec.currentData(),
                "desa": desa}

    def scope_text(self) -> str:
        if self.desa.currentData():
            return f"Desa/Kel. {self.desa.currentText()}"
        if self.kec.currentData():
            return f"Kecamatan {self.kec.currentText()}"
        return "seluruh kabupaten"


class DecisionDialog(QDialog):
    """Setujui (note optional) or Tolak (note required: what the clerk must fix)."""

    def __init__(self, approve: bool, batch_title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.approve = approve
        self.setObjectName("approveDialog" if approve else "rejectDialog")
        self.setWindowTitle("Setujui batch" if approve else "Tolak batch")
        self.setMinimumWidth(460)
        text = QLabel(
            f"<b>{batch_title}</b><br><br>" + (
                "Setelah disetujui, isi batch dibekukan (tidak dapat diubah lagi) dan dapat diekspor untuk "
                "dikirim. Anda tercatat sebagai penyetuju dan penanda tangan Surat Pengantar."
                if approve else
                "Batch kembali ke operator sebagai draf. Tuliskan apa yang harus diperbaiki; catatan ini "
                "terlihat oleh operator dan tercatat di log audit."))
        text.setWordWrap(True)
        self.note = QPlainTextEdit()
        self.note.setObjectName("decisionNote")
        self.note.setPlaceholderText("Catatan (boleh kosong)" if approve else
                                     f"Alasan penolakan (wajib, minimal {MIN_NOTE} huruf)")
        self.note.setFixedHeight(80)
        self.count = QLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Setujui" if approve else "Tolak batch")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Batal")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.note.textChanged.connect(self._check)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.note)
        layout.addWidget(self.count)
        layout.addWidget(self.buttons)
        self._check()

    def text(self) -> str:
        return " ".join(self.note.toPlainText().split())

    def _check(self) -> None:
        if self.approve:
            self.count.setText("")
            return
        n = len(self.text())
        self.ok_button.setEnabled(n >= MIN_NOTE)
        self.count.setText("" if n >= MIN_NOTE else f"Alasan: {n} dari minimal {MIN_NOTE} huruf.")
