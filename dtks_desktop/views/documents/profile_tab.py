"""Tab "Profil kantor": letterhead fields, paper, logo with preview, and a live preview of the kop
surat drawn by the real renderer (documents/letterhead.KopSurat → PDF → PNG)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dtks_desktop.domain.office import OFFICE_KEYS
from dtks_desktop.jobs import Job
from dtks_desktop.services.documents import office
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.latest import LatestJob
from dtks_desktop.views.common.widgets import ErrorLabel, start_job, user_message

TEXT_KEYS = ("pemerintah", "dinas", "telepon", "email", "website", "kode_pos", "tempat")
LABELS = {"pemerintah": "Pemerintah:", "dinas": "Nama dinas:", "alamat": "Alamat:", "telepon": "Telepon:",
          "email": "Email:", "website": "Laman web:", "kode_pos": "Kode pos:", "tempat": "Tempat tanggal surat:",
          "kertas": "Kertas:", "logo": "Logo:"}
PLACEHOLDERS = {"pemerintah": "PEMERINTAH KABUPATEN KLATEN", "dinas": "DINAS SOSIAL", "telepon": "(0272) 321046",
                "email": "dinsos@klatenkab.go.id", "website": "dinsos.klatenkab.go.id", "kode_pos": "57411",
                "tempat": "Klaten"}


def load(db) -> tuple[dict, list[str], bytes | None]:
    with db.sessions() as s:
        profile = office.load_profile(s)
        return office.show(s), office.keys_set(s), profile.logo


def save(db, actor, values: dict) -> list[str]:
    with db.transaction() as s:
        return office.set_values(s, actor, values)


def preview(db, values: dict) -> bytes:
    with db.sessions() as s:
        return office.kop_preview_png(office.profile_with(s, values))


class ProfileTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.logo_path: str | None = None  # a newly chosen file, not yet saved
        self.logo_cleared = False
        self.loaded: dict = {}
        self.edits: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for key in TEXT_KEYS:
            edit = QLineEdit()
            edit.setPlaceholderText(PLACEHOLDERS[key])
            edit.textEdited.connect(self._changed)
            self.edits[key] = edit
        self.edits["kode_pos"].setMaxLength(5)
        self.edits["kode_pos"].setMaximumWidth(90)
        self.alamat = QPlainTextEdit()
        self.alamat.setPlaceholderText("Jl. Pemuda No. 294, Klaten (boleh beberapa baris)")
        self.alamat.setFixedHeight(58)
        self.alamat.textChanged.connect(self._changed)
        self.kertas = QComboBox()
        self.kertas.addItem("A4 (210 × 297 mm)", "A4")
        self.kertas.addItem("F4 / Folio (215 × 330 mm)", "F4")
        self.kertas.currentIndexChanged.connect(self._changed)
        self.kertas.setMaximumWidth(220)
        self.logo_label = QLabel()
        self.logo_label.setFixedSize(72, 72)
        self.logo_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_label.setStyleSheet("border: 1px solid #bbb; background: white;")
        self.logo_info = QLabel()
        self.logo_button = QPushButton("Pilih logo…")
        self.logo_button.clicked.connect(self.choose_logo)
        self.logo_clear = QPushButton("Hapus logo")
        self.logo_clear.clicked.connect(self.clear_logo)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_label)
        side = QVBoxLayout()
        side.addWidget(self.logo_info)
        buttons = QHBoxLayout()
        buttons.addWidget(self.logo_button)
        buttons.addWidget(self.logo_clear)
        buttons.addStretch(1)
        side.addLayout(buttons)
        logo_row.addLayout(side, 1)

        form.addRow(LABELS["pemerintah"], self.edits["pemerintah"])
        form.addRow(LABELS["dinas"], self.edits["dinas"])
        form.addRow(LABELS["alamat"], self.alamat)
        for key in ("telepon", "email", "website", "kode_pos", "tempat"):
            form.addRow(LABELS[key], self.edits[key])
        form.addRow(LABELS["kertas"], self.kertas)
        form.addRow(LABELS["logo"], logo_row)
        box = QGroupBox("Kop surat")
        box.setLayout(form)

        self.preview_label = QLabel("Pratinjau kop surat dimuat…")
        self.preview_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview_label.setMinimumHeight(130)
        self.preview_label.setStyleSheet("background: white; border: 1px solid #bbb;")
        self.preview_note = QLabel()
        preview_box = QGroupBox("Pratinjau (seperti tercetak)")
        pv = QVBoxLayout(preview_box)
        pv.addWidget(self.preview_label)
        pv.addWidget(self.preview_note)

        self.save_button = QPushButton("Simpan profil kantor")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("Batalkan perubahan")
        self.revert_button.clicked.connect(self.reload)
        self.message = ErrorLabel()
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.revert_button)
        row.addSpacing(12)
        row.addWidget(self.message, 1)

        hint = QLabel("Kosongkan Pemerintah, Nama dinas atau Tempat untuk memakai nilai bawaan dari kabupaten/kota "
                      "kantor. Logo: berkas PNG atau JPG paling besar 2 MB. Setiap perubahan tercatat di log audit.")
        hint.setWordWrap(True)
        column = QVBoxLayout(self)
        column.addWidget(box)
        column.addWidget(hint)
        column.addWidget(preview_box)
        column.addLayout(row)
        column.addStretch(1)

        self.latest = LatestJob(self)
        self.preview_timer = QTimer(self)
        self.preview_timer.setSingleShot(True)
        self.preview_timer.setInterval(350)
        self.preview_timer.timeout.connect(self.refresh_preview)
        self.reload()

    # --- values
    def values(self) -> dict:
        v = {k: e.text() for k, e in self.edits.items()}
        v["alamat"] = self.alamat.toPlainText()
        v["kertas"] = self.kertas.currentData()
        if self.logo_path:
            v["logo"] = self.logo_path
        elif self.logo_cleared:
            v["logo"] = ""
        return v

    def changed_values(self) -> dict:
        """Only what differs from what was loaded (a derived value left as shown is not stored)."""
        out = {}
        for key, value in self.values().items():
            if key == "logo" or value.strip() != (self.loaded.get(key) or "").strip():
                out[key] = value
        return out

    # --- loading
    def reload(self, *, keep_message: bool = False) -> None:
        if not keep_message:
            self.message.clear_error()
        start_job(self, Job(load, self.ctx.db, with_progress=False), "Memuat profil kantor", self._loaded,
                  on_error=self._failed)

    def _loaded(self, result) -> None:
        data, own, logo = result
        self.loaded = {k: (v if isinstance(v, str) else "") for k, v in data.items()}
        for key, edit in self.edits.items():
            edit.setText(data.get(key) or "")
        self.alamat.blockSignals(True)
        self.alamat.setPlainText(data.get("alamat") or "")
        self.alamat.blockSignals(False)
        self.kertas.blockSignals(True)
        self.kertas.setCurrentIndex(max(0, self.kertas.findData(data.get("kertas") or "A4")))
        self.kertas.blockSignals(False)
        self.logo_path, self.logo_cleared = None, False
        self._show_logo(logo, data.get("logo"))
        self.refresh_preview()

    def _failed(self, exc: BaseException) -> None:
        message, hint = user_message(exc)
        self.message.show_error(f"{message} {hint}".strip())

    def _show_logo(self, data: bytes | None, info: dict | None) -> None:
        if data:
            pix = QPixmap()
            pix.loadFromData(data)
            self.logo_label.setPixmap(pix.scaled(68, 68, Qt.AspectRatioMode.KeepAspectRatio,
                                                 Qt.TransformationMode.SmoothTransformation))
            self.logo_info.setText(f"{info['type']}, {info['bytes'] / 1024:.0f} KB" if info else "")
        else:
            self.logo_label.setPixmap(QPixmap())
            self.logo_label.setText("tanpa\nlogo")
            self.logo_info.setText("Belum ada logo.")

    # --- logo
    def choose_logo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Pilih logo", "", "Gambar (*.png *.jpg *.jpeg)")
        if path:
            self.set_logo_file(path)

    def set_logo_file(self, path: str) -> None:
        try:
            data = office.read_logo(path)
        except office.OfficeError as exc:
            self.message.show_error(exc.message)
            return
        self.message.clear_error()
        self.logo_path, self.logo_cleared = path, False
        info = office.logo_info(data)
        self._show_logo(data, info.as_dict() if info else None)
        self.logo_info.setText(self.logo_info.text() + " (belum disimpan)")
        self._changed()

    def clear_logo(self) -> None:
        self.logo_path, self.logo_cleared = None, True
        self._show_logo(None, None)
        self._changed()

    # --- preview
    def _changed(self, *_args) -> None:
        self.preview_timer.start()

    def refresh_preview(self) -> None:
        self.latest.start(preview, self.ctx.db, self.changed_values(), on_done=self._preview_ready,
                          on_error=self._preview_failed)

    def _preview_ready(self, png: bytes) -> None:
        image = QImage.fromData(png)
        pix = QPixmap.fromImage(image)
        width = max(200, self.preview_label.width() - 8)
        if pix.width() > width:
            pix = pix.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
        self.preview_label.setPixmap(pix)
        self.preview_note.setText(f"Kertas {self.kertas.currentData()}; pratinjau memakai perubahan yang belum disimpan.")

    def _preview_failed(self, exc: BaseException) -> None:
        message, _ = user_message(exc)
        self.preview_note.setText(f"Pratinjau belum dapat dibuat: {message}")

    # --- saving
    def save(self) -> None:
        values = self.changed_values()
        if not values:
            self.message.show_ok("Tidak ada perubahan untuk disimpan.")
            return
        self.save_button.setEnabled(False)
        start_job(self, Job(save, self.ctx.db, self.ctx.actor, values, with_progress=False), "Menyimpan profil kantor",
                  self._saved, on_error=self._save_failed)

    def _saved(self, changed: list[str]) -> None:
        self.save_button.setEnabled(True)
        self.message.show_ok(f"Tersimpan: {', '.join(changed)}." if changed else "Tidak ada perubahan untuk disimpan.")
        if changed:
            self.ctx.events.changed(office.set_values.changes, source=self.window())
        self.reload(keep_message=True)

    def _save_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, office.OfficeError):
            self.message.show_error(f"Tidak disimpan: {exc.message}")
            if exc.key in self.edits:
                self.edits[exc.key].setFocus()
            return
        message, hint = user_message(exc)
        self.message.show_error(f"Tidak disimpan: {message} {hint}".strip())


assert set(TEXT_KEYS) | {"alamat", "kertas", "logo"} == set(OFFICE_KEYS)
