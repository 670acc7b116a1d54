"""Office settings (administrators only): kabupaten/kota of the office, office name, NIK masking,
whether the matching restores spreadsheet-damaged NIKs by itself, and the login lock
(failed tries before a lock, and how long it lasts).

Saved through :func:`services.settings.put` (matching: ``services.matching.settings.save_param``),
which writes an audit event per change.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from dtks_desktop.domain.masking import MaskPolicy, mask_nik
from dtks_desktop.jobs import Job
from dtks_desktop.services.core import settings as settings_service
from dtks_desktop.services.core.app_info import KabupatenChoice, kabupaten_choices
from dtks_desktop.services.matching import settings as match_settings
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.kabupaten_picker import KabupatenPicker
from dtks_desktop.views.common.widgets import ErrorLabel, ask_yes_no, start_job, user_message

SAMPLE_NIK = "3310012505870003"
MAX_KEEP = 8


@dataclass
class OfficeSettings:
    kab_kode: str | None
    office_name: str
    keep_start: int
    keep_end: int
    pulih_otomatis: bool = True  # matching: restore spreadsheet-damaged NIKs without a clerk
    ambang_pulih: float = match_settings.DEFAULTS.ambang_pulih
    max_failures: int = int(settings_service.DEFAULTS[settings_service.LOGIN_MAX_FAILURES])
    lock_minutes: int = int(settings_service.DEFAULTS[settings_service.LOGIN_LOCK_MINUTES])


def _int(value: str | None, default: int) -> int:
    try:
        return max(0, min(MAX_KEEP, int(value))) if value is not None else default
    except ValueError:
        return default


def load_settings(db) -> tuple[OfficeSettings, list[KabupatenChoice]]:
    with db.sessions() as s:
        current = OfficeSettings(
            kab_kode=settings_service.get(s, settings_service.KAB_KODE),
            office_name=settings_service.get(s, settings_service.OFFICE_NAME) or "",
            keep_start=_int(settings_service.get(s, settings_service.MASK_KEEP_START), 4),
            keep_end=_int(settings_service.get(s, settings_service.MASK_KEEP_END), 4),
            max_failures=settings_service.login_max_failures(s),
            lock_minutes=settings_service.login_lock_minutes(s),
        )
        params = match_settings.load_params(s)
        current.pulih_otomatis = bool(params.pulih_otomatis)
        current.ambang_pulih = float(params.ambang_pulih)
        return current, kabupaten_choices(s)


def save_settings(db, actor, values: OfficeSettings, confirmed: bool = False) -> int:
    """Store the settings in one transaction; returns how many values changed.

    The office's kabupaten/kota goes through ``services.settings.set_office_kab``: a change needs
    an administrator, and ``confirmed`` when data of the current one is stored (it raises
    ``OfficeKabError`` with ``needs_confirmation`` and nothing is saved)."""
    pairs = [
        (settings_service.OFFICE_NAME, values.office_name.strip() or None),
        (settings_service.MASK_KEEP_START, str(values.keep_start)),
        (settings_service.MASK_KEEP_END, str(values.keep_end)),
        (settings_service.LOGIN_MAX_FAILURES, str(values.max_failures)),
        (settings_service.LOGIN_LOCK_MINUTES, str(values.lock_minutes)),
    ]
    changed = 0
    with db.transaction() as s:
        current_kab = settings_service.office_kab(s)
        if values.kab_kode != current_kab:
            if values.kab_kode is None:
                raise settings_service.OfficeKabError(
                    f"Kabupaten/kota kantor ({settings_service.office_kab_label(s)}) tidak dapat dikosongkan; "
                    "pilih kabupaten/kota lain bila memang salah.")
            settings_service.set_office_kab(s, actor, values.kab_kode, confirmed=confirmed,
                                            reason="Diubah admin di Pengaturan")
            changed += 1
        for key, value in pairs:
            # Compare with the effective value (defaults included) so that an untouched
            # default is not written, and audited, as a change.
            if settings_service.get(s, key) != value:
                settings_service.put(s, actor, key, value)
                changed += 1
        params = match_settings.load_params(s)
        for name, value in (("pulih_otomatis", int(values.pulih_otomatis)),
                            ("ambang_pulih", round(float(values.ambang_pulih), 1))):
            if getattr(params, name) != value:
                match_settings.save_param(s, actor, name, value)
                changed += 1
    return changed


def mask_preview(nik: str, keep_start: int, keep_end: int) -> str:
    """The sample NIK masked by the one rule the app uses everywhere (domain.masking)."""
    return mask_nik(nik, MaskPolicy(keep_start=keep_start, keep_end=keep_end))


class SettingsView(QWidget):
    """The "Pengaturan" page."""

    saved = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.handle = None
        self.choices: list[KabupatenChoice] = []

        # office
        self.kab_combo = KabupatenPicker()
        self.office_edit = QLineEdit()
        self.office_edit.setMaxLength(200)
        self.office_edit.setPlaceholderText("contoh: Dinas Sosial Kabupaten Klaten")

        office_box = QGroupBox("Kantor")
        office_form = QFormLayout(office_box)
        office_form.addRow("Kabupaten/kota:", self.kab_combo)
        office_form.addRow("Nama kantor:", self.office_edit)
        office_form.addRow(_hint("Nama kantor dipakai di judul jendela dan kop surat. "
                                 "Kabupaten/kota menentukan wilayah kecamatan dan desa yang dikenali saat impor; "
                                 "berkas kabupaten/kota lain ditolak. Setelah ada data, ganti hanya bila "
                                 "kabupaten/kota kantor memang salah dipilih."))

        # masking
        self.keep_start = QSpinBox()
        self.keep_end = QSpinBox()
        for spin in (self.keep_start, self.keep_end):
            spin.setRange(0, MAX_KEEP)
            spin.setSuffix(" digit")
            spin.setMinimumWidth(110)
            spin.setMaximumWidth(140)
            spin.valueChanged.connect(self._update_preview)
        self.preview = QLabel()
        mono = self.preview.font()
        mono.setFamilies(["Consolas", "DejaVu Sans Mono", "monospace"])
        self.preview.setFont(mono)
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        mask_box = QGroupBox("Penyamaran NIK")
        mask_form = QFormLayout(mask_box)
        mask_form.addRow("Tampilkan di awal:", self.keep_start)
        mask_form.addRow("Tampilkan di akhir:", self.keep_end)
        mask_form.addRow("Contoh:", self.preview)
        mask_form.addRow(_hint("NIK pada daftar cetak dan bagi pengguna yang tidak berhak melihat NIK lengkap "
                               "ditampilkan sebagian saja, sesuai pengaturan ini. Paling banyak separuh dari "
                               "16 digit NIK yang ditampilkan; lihat hasilnya pada contoh."))

        # matching
        self.restore_check = QCheckBox("Pulihkan otomatis NIK yang rusak oleh spreadsheet")
        self.restore_score = QDoubleSpinBox()
        self.restore_score.setRange(8.0, 60.0)
        self.restore_score.setDecimals(1)
        self.restore_score.setSingleStep(1.0)
        self.restore_score.setMinimumWidth(110)
        self.restore_score.setMaximumWidth(140)
        self.restore_check.toggled.connect(self.restore_score.setEnabled)
        match_box = QGroupBox("Pemadanan")
        match_form = QFormLayout(match_box)
        match_form.addRow(self.restore_check)
        match_form.addRow("Skor minimal:", self.restore_score)
        match_form.addRow(_hint("NIK yang kehilangan digit karena Excel (mis. 3310015003100000 atau 3,31002E+15) "
                                "diganti dengan NIK Dukcapil bila hanya satu orang yang cocok dan skornya "
                                "mencapai skor minimal. Semuanya tercatat di log audit, dapat dilihat di "
                                "Pemadanan (status \"Dipulihkan otomatis\") dan dapat ditolak. Bila dimatikan, "
                                "setiap NIK seperti itu menunggu keputusan petugas."))

        # login security
        self.max_failures = QSpinBox()
        self.max_failures.setRange(*settings_service.MAX_FAILURES_RANGE)
        self.max_failures.setSuffix(" kali")
        self.lock_minutes = QSpinBox()
        self.lock_minutes.setRange(*settings_service.LOCK_MINUTES_RANGE)
        self.lock_minutes.setSuffix(" menit")
        for spin in (self.max_failures, self.lock_minutes):
            spin.setMinimumWidth(110)
            spin.setMaximumWidth(140)
        login_box = QGroupBox("Keamanan masuk")
        login_form = QFormLayout(login_box)
        login_form.addRow("Kunci akun setelah gagal:", self.max_failures)
        login_form.addRow("Lama penguncian:", self.lock_minutes)
        login_form.addRow(_hint("Mulai kegagalan ketiga berturut-turut, setiap percobaan berikutnya harus menunggu "
                                "2, 4, 8 … detik. Setelah jumlah kegagalan di atas, akun dikunci selama waktu di "
                                "atas; administrator dapat membukanya di halaman Pengguna. Berlaku untuk semua "
                                "komputer dan baris perintah, dan tercatat di log audit. Kata sandi server "
                                "PostgreSQL disimpan di brankas kata sandi Windows (Credential Manager), tidak "
                                "di berkas."))

        # save
        self.save_button = QPushButton("Simpan pengaturan")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("Batalkan perubahan")
        self.revert_button.clicked.connect(self.reload)
        self.message = ErrorLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.revert_button)
        buttons.addSpacing(12)
        buttons.addWidget(self.message, 1)
        buttons.addStretch(0)

        column = QVBoxLayout()
        column.addWidget(office_box)
        column.addWidget(mask_box)
        column.addWidget(match_box)
        column.addWidget(login_box)
        column.addLayout(buttons)
        column.addStretch(1)
        holder = QWidget()
        holder.setLayout(column)
        holder.setMaximumWidth(820)
        layout = QHBoxLayout(self)
        layout.addWidget(holder, 1)
        layout.addStretch(0)

        self.setEnabled(False)
        self.reload()

    # --- loading
    def reload(self) -> None:
        self.message.clear_error()
        self.handle = start_job(self, Job(load_settings, self.ctx.db, with_progress=False),
                                "Memuat pengaturan", self._loaded, on_error=self._load_failed)

    def _loaded(self, result) -> None:
        current, choices = result
        self.choices = choices
        self.kab_combo.set_choices(choices, current.kab_kode)
        self.office_edit.setText(current.office_name)
        self.keep_start.setValue(current.keep_start)
        self.keep_end.setValue(current.keep_end)
        self.restore_check.setChecked(current.pulih_otomatis)
        self.restore_score.setValue(current.ambang_pulih)
        self.restore_score.setEnabled(current.pulih_otomatis)
        self.max_failures.setValue(current.max_failures)
        self.lock_minutes.setValue(current.lock_minutes)
        self._update_preview()
        self.setEnabled(True)

    def _load_failed(self, exc: BaseException) -> None:
        self.setEnabled(True)
        message, hint = user_message(exc)
        self.message.show_error(f"Pengaturan tidak dapat dimuat: {message} {hint}".strip())

    def _update_preview(self) -> None:
        masked = mask_preview(SAMPLE_NIK, self.keep_start.value(), self.keep_end.value())
        self.preview.setText(f"{SAMPLE_NIK}  →  {masked}" if masked else "—")

    # --- choosing
    def selected_kab(self) -> str | None:
        """The chosen code; the typed text must match an item (by label, name or code)."""
        return self.kab_combo.selected()

    def set_kab(self, kode: str) -> bool:
        return self.kab_combo.set_kab(kode)

    def values(self) -> OfficeSettings:
        return OfficeSettings(
            kab_kode=self.selected_kab(),
            office_name=self.office_edit.text(),
            keep_start=self.keep_start.value(),
            keep_end=self.keep_end.value(),
            pulih_otomatis=self.restore_check.isChecked(),
            ambang_pulih=self.restore_score.value(),
            max_failures=self.max_failures.value(),
            lock_minutes=self.lock_minutes.value(),
        )

    # --- saving
    def save(self, confirmed: bool = False) -> None:
        try:
            values = self.values()
        except ValueError as exc:
            self.message.show_error(str(exc))
            self.kab_combo.setFocus()
            return
        self.save_button.setEnabled(False)
        self._pending = values
        job = Job(save_settings, self.ctx.db, self.ctx.actor, values, confirmed, with_progress=False)
        self.handle = start_job(self, job, "Menyimpan pengaturan", self._saved, on_error=self._save_failed)

    def confirm_kab_change(self, message: str) -> bool:
        """Ask the administrator before changing the kabupaten of a database that holds its data."""
        return ask_yes_no(self, "Ganti kabupaten/kota kantor", message + "\n\nTetap ganti kabupaten/kota kantor?")

    def _saved(self, changed: int) -> None:
        self.save_button.setEnabled(True)
        self.message.show_ok("Pengaturan tersimpan." if changed else "Tidak ada perubahan untuk disimpan.")
        if changed:
            self.ctx.events.changed(settings_service.put.changes, source=self)
        self.saved.emit()

    def _save_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, settings_service.OfficeKabError):
            if exc.needs_confirmation and self.confirm_kab_change(exc.message):
                self.save(confirmed=True)
                return
            self.message.show_error(exc.message if not exc.needs_confirmation else
                                    "Kabupaten/kota kantor tidak diganti; pengaturan tidak disimpan.")
            return
        message, hint = user_message(exc)
        self.message.show_error(f"Pengaturan tidak tersimpan: {message} {hint}".strip())


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label
