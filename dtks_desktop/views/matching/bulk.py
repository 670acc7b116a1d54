"""Terima massal (bulk accept): accept many results at once, with a live count of what would be accepted."""

from __future__ import annotations



from PySide6.QtCore import (
    QTimer,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from dtks_desktop.domain.formatting import angka
from dtks_desktop.jobs import Job
from dtks_desktop.services.core.database import Database
from dtks_desktop.services.matching import decisions as match_decisions
from dtks_desktop.views.common.widgets import ID, job_runner, user_message
from dtks_desktop.views.matching.common import MUTED, PREVIEW_DEBOUNCE_MS, STATUS_LABELS


#: Statuses that "Terima massal…" offers (the score means something for them).
BULK_STATUSES = ("usulan_koreksi", "padan_catatan", "nik_orang_lain")


BULK_DEFAULT_SCORE = 25.0


def _bulk_preview(db: Database, actor, gen: int, status: str, min_score: float) -> tuple[int, int]:
    return gen, db.read(match_decisions.bulk_accept_preview, status, min_score, actor=actor)


class BulkAcceptDialog(QDialog):
    """"Terima massal…": a status and a minimum score; shows how many would be accepted."""

    def __init__(self, db: Database, parent: QWidget | None = None, *, actor, status: str | None = None,
                 min_score: float = BULK_DEFAULT_SCORE) -> None:
        super().__init__(parent)
        self._db = db
        self._actor = actor
        self.setWindowTitle("Terima massal")
        self.setMinimumWidth(520)
        self.count: int | None = None
        self._gen = 0
        self._jobs: list[Job] = []

        intro = QLabel(
            "Terima sekaligus semua hasil dengan status tertentu yang skornya setinggi atau lebih tinggi dari "
            "batas di bawah. Gunakan hanya untuk skor yang tinggi: hasil dengan skor rendah sebaiknya diperiksa "
            "satu per satu."
        )
        intro.setWordWrap(True)
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("bulkStatus")
        for s in BULK_STATUSES:
            self.status_combo.addItem(STATUS_LABELS[s], s)
        if status in BULK_STATUSES:
            self.status_combo.setCurrentIndex(BULK_STATUSES.index(status))
        self.score_spin = QDoubleSpinBox()
        self.score_spin.setObjectName("bulkMinScore")
        self.score_spin.setLocale(ID)
        self.score_spin.setDecimals(1)
        self.score_spin.setRange(-100.0, 200.0)
        self.score_spin.setSingleStep(1.0)
        self.score_spin.setValue(min_score)
        self.score_spin.setToolTip("Skor kecocokan paling rendah yang ikut diterima")
        form = QFormLayout()
        form.addRow("Status", self.status_combo)
        form.addRow("Skor paling rendah", self.score_spin)
        scale = QLabel("Sebagai pegangan: bila nama, tanggal lahir, nama ibu dan desa semuanya sama, skornya "
                       "biasanya 25 atau lebih. Skor di bawah 15 berarti banyak yang berbeda.")
        scale.setWordWrap(True)
        scale.setStyleSheet(f"color: {MUTED};")
        form.addRow("", scale)

        self.preview_label = QLabel("Menghitung…")
        self.preview_label.setObjectName("bulkPreview")
        pf = self.preview_label.font()
        pf.setBold(True)
        pf.setPointSizeF(pf.pointSizeF() * 1.3)
        self.preview_label.setFont(pf)
        self.effect_label = QLabel()
        self.effect_label.setWordWrap(True)
        self.effect_label.setStyleSheet(f"color: {MUTED};")

        self.buttons = QDialogButtonBox()
        self.accept_button = self.buttons.addButton("Terima", QDialogButtonBox.ButtonRole.AcceptRole)
        self.accept_button.setObjectName("bulkAcceptButton")
        self.cancel_button = self.buttons.addButton("Batal", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.accept_button.setEnabled(False)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addSpacing(6)
        layout.addWidget(self.preview_label)
        layout.addWidget(self.effect_label)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(PREVIEW_DEBOUNCE_MS)
        self._debounce.timeout.connect(self._refresh_preview)
        self.status_combo.currentIndexChanged.connect(lambda _i: self._changed())
        self.score_spin.valueChanged.connect(lambda _v: self._changed())
        self._refresh_preview()

    @property
    def status(self) -> str:
        return self.status_combo.currentData()

    @property
    def min_score(self) -> float:
        return round(self.score_spin.value(), 1)

    def is_loading(self) -> bool:
        return self._debounce.isActive() or not all(j.done.is_set() for j in self._jobs) or self.count is None

    def wait_idle(self, timeout_ms: int = 30000) -> bool:
        import time

        deadline = time.monotonic() + timeout_ms / 1000
        while time.monotonic() < deadline:
            QApplication.processEvents()
            if not self.is_loading():
                return True
            time.sleep(0.002)
        return False

    def _changed(self) -> None:
        self.count = None
        self.accept_button.setEnabled(False)
        self.preview_label.setText("Menghitung…")
        self._debounce.start()

    def _refresh_preview(self) -> None:
        self._debounce.stop()
        self._gen += 1
        job = Job(_bulk_preview, self._db, self._actor, self._gen, self.status, self.min_score, with_progress=False)
        self._jobs = [j for j in self._jobs if not j.done.is_set()] + [job]
        job.signals.finished.connect(self._on_preview)
        job.signals.failed.connect(lambda exc, _tb: self._on_preview_failed(exc))
        job_runner().start(job)

    def _on_preview(self, result: tuple[int, int]) -> None:
        gen, count = result
        if gen != self._gen:
            return
        self.count = count
        noun = "usulan" if self.status in ("usulan_koreksi", "nik_orang_lain") else "hasil"
        self.preview_label.setText(f"{angka(count)} {noun} akan diterima")
        if self.status in ("usulan_koreksi", "nik_orang_lain"):
            effect = "NIK anggota-anggota itu diganti dengan NIK usulan dari Dukcapil."
        else:
            effect = "Tautan ke data Dukcapil dinyatakan benar; NIK tidak berubah."
        self.effect_label.setText(
            effect + " Setiap perubahan dicatat di log audit atas nama Anda dan dapat dibatalkan seluruhnya "
            "dengan \"Urungkan (Ctrl+Z)\"." if count else "Tidak ada hasil yang memenuhi syarat ini."
        )
        self.accept_button.setText(f"Terima {angka(count)} {noun}" if count else "Terima")
        self.accept_button.setEnabled(count > 0)

    def _on_preview_failed(self, exc: BaseException) -> None:
        self.count = 0
        self.preview_label.setText("Jumlah tidak dapat dihitung")
        self.effect_label.setText(user_message(exc)[0])
        self.accept_button.setEnabled(False)
