"""Dialogs of the application shell: first run, login, database problems, connection, about.

Every dialog works without ``exec()`` too (tests drive them directly): the work is
done by the dialog's own buttons, and the outcome is kept in attributes
(``actor``, ``choice``, ``chosen_url`` ...).
"""

from __future__ import annotations

import html
import logging
import importlib.metadata
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QStyle,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from dtks_desktop import __version__
from dtks_desktop import config
from dtks_desktop.jobs import Job
from dtks_desktop.services.core import database as database_service
from dtks_desktop.services.core.users import MIN_PASSWORD, UserError
from dtks_desktop.views.common.kabupaten_picker import KabupatenPicker
from dtks_desktop.views.common.widgets import ErrorLabel, start_job, user_message
from dtks_desktop.views.common.latest import LatestJob

APP_TITLE = "DTKS Desktop"
SQLITE_FILTER = "Basis data DTKS (*.sqlite *.sqlite3 *.db);;Semua berkas (*)"

log = logging.getLogger(__name__)


def _title_label(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.35)
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    return label


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


def _footnote(text: str) -> QLabel:
    """Secondary information (which database...): same colour, slightly smaller."""
    label = QLabel(text)
    label.setWordWrap(True)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 0.9)
    label.setFont(font)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _password_edit(placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    return edit


def safe_describe(url: str | None) -> str:
    """describe_url that never raises (a malformed URL is still shown, without a password)."""
    if not url:
        return "(belum dipilih)"
    try:
        return config.describe_url(config.normalize_url(url))
    except Exception:  # noqa: BLE001 - only a label
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.hostname or ''}{parts.path}" if parts.scheme else url


def ask_sqlite_file(parent: QWidget | None, start: str | None = None) -> str | None:
    """Let the user pick an existing .sqlite file or type a new name (created on open)."""
    dlg = QFileDialog(parent, "Pilih berkas basis data atau ketik nama berkas baru")
    dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dlg.setOption(QFileDialog.Option.DontConfirmOverwrite, True)
    dlg.setFileMode(QFileDialog.FileMode.AnyFile)
    dlg.setNameFilter(SQLITE_FILTER)
    dlg.setDefaultSuffix("sqlite")
    dlg.setLabelText(QFileDialog.DialogLabel.Accept, "Pilih")
    dlg.setLabelText(QFileDialog.DialogLabel.Reject, "Batal")
    dlg.setLabelText(QFileDialog.DialogLabel.FileName, "Nama berkas:")
    directory = Path(start).expanduser().parent if start else config.data_dir()
    dlg.setDirectory(str(directory))
    if dlg.exec() != QDialog.DialogCode.Accepted or not dlg.selectedFiles():
        return None
    return dlg.selectedFiles()[0]


# --------------------------------------------------------------------------- first run


class FirstAdminDialog(QDialog):
    """First start on an empty database: create the administrator account."""

    def __init__(self, db: database_service.Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.actor = None
        self.job_handle = None
        self.setWindowTitle(f"{APP_TITLE} — Penyiapan pertama")
        self.setMinimumWidth(520)

        intro = _note(
            "Basis data ini belum memiliki pengguna. Pilih kabupaten/kota kantor dan buat akun administrator. "
            "Administrator dapat menambah pengguna lain, mengatur peran, dan mengubah pengaturan kantor "
            "(termasuk kabupaten/kota)."
        )
        self.kab = KabupatenPicker()
        # The kabupaten/kota list is read in a job; "Buat administrator" pressed before it is
        # here is carried out once it is.
        self._submit_when_ready = False
        self.reads = LatestJob(self)
        self.reads.start(db.read, _kabupaten_info, on_done=self._choices_loaded,
                         on_error=self._choices_failed)
        self.username = QLineEdit("admin")
        self.username.setMaxLength(60)
        self.full_name = QLineEdit()
        self.full_name.setPlaceholderText("contoh: Siti Rahmawati, S.Kom")
        self.password = _password_edit(f"minimal {MIN_PASSWORD} karakter")
        self.password2 = _password_edit("ketik ulang kata sandi")
        self.error = ErrorLabel()

        form = QFormLayout()
        form.addRow("Kabupaten/kota:", self.kab)
        kab_note = _footnote("Berkas dari kabupaten/kota lain ditolak saat impor.")
        kab_note.setWordWrap(False)
        kab_note.setToolTip("Setelah ini hanya admin yang dapat mengubahnya (Pengaturan).")
        form.addRow("", kab_note)
        form.addRow("Nama pengguna:", self.username)
        form.addRow("Nama lengkap:", self.full_name)
        form.addRow("Kata sandi:", self.password)
        form.addRow("Ulangi kata sandi:", self.password2)

        self.buttons = QDialogButtonBox()
        self.create_button = self.buttons.addButton("Buat administrator", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton("Keluar", QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setAutoDefault(False)
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(_title_label("Selamat datang di DTKS Desktop"))
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(_footnote(f"Basis data: {db.description}"))
        layout.addWidget(self.buttons)
        self.kab.setFocus()

    def _choices_loaded(self, info: tuple) -> None:
        choices, current = info
        typed = self.kab.lineEdit().text() if self.kab.lineEdit() is not None else ""
        had_focus = self.kab.hasFocus() or (self.kab.lineEdit() is not None and self.kab.lineEdit().hasFocus())
        self.kab.set_choices(choices, current)
        if typed and not current and self.kab.lineEdit() is not None:
            self.kab.lineEdit().setText(typed)  # typed while the list was loading
        if had_focus and self.kab.selected_or_none():
            self.full_name.setFocus()
        if self._submit_when_ready:
            self._submit_when_ready = False
            self.submit()

    def _choices_failed(self, exc: BaseException) -> None:
        # The dialog stays usable (a code can still be typed); saving reports a real problem.
        log.warning("Reading the kabupaten/kota list failed: %s", exc)
        if self._submit_when_ready:
            self._submit_when_ready = False
            self.submit()

    def validate(self) -> str | None:
        """The first problem with the form, in Indonesian, or None."""
        try:
            if self.kab.selected() is None:
                return "Pilih kabupaten/kota kantor: ketik namanya atau kodenya, lalu pilih dari daftar."
        except ValueError as exc:
            return str(exc)
        name = self.username.text().strip()
        if not name:
            return "Nama pengguna wajib diisi."
        if any(c.isspace() for c in name):
            return "Nama pengguna tidak boleh mengandung spasi."
        pw = self.password.text()
        if len(pw) < MIN_PASSWORD:
            return f"Kata sandi terlalu pendek: minimal {MIN_PASSWORD} karakter."
        if pw.strip() != pw:
            return "Kata sandi tidak boleh diawali atau diakhiri spasi."
        if pw != self.password2.text():
            return "Kedua kata sandi tidak sama. Ketik ulang kata sandi yang sama di kedua kolom."
        return None

    def submit(self) -> None:
        if self.reads.is_busy():
            self._submit_when_ready = True
            return
        problem = self.validate()
        if problem:
            self.error.show_error(problem)
            focus = self.kab if "abupaten" in problem else self.password if "sandi" in problem else self.username
            focus.setFocus()
            return
        self.error.clear_error()
        self.create_button.setEnabled(False)
        job = Job(
            _create_first_admin, self.db, self.username.text().strip(), self.password.text(),
            self.full_name.text().strip() or None, self.kab.selected(), with_progress=False,
        )
        self.job_handle = start_job(self, job, "Membuat akun administrator", self._done, on_error=self._failed)

    def _done(self, actor) -> None:
        self.actor = actor
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.create_button.setEnabled(True)
        message, hint = user_message(exc)
        self.error.show_error(f"{message} {hint}".strip())


def _kabupaten_info(s) -> tuple:
    """Worker (through ``Database.read``): the kabupaten/kota choices and the office's, if set."""
    from dtks_desktop.services.core.app_info import kabupaten_choices
    from dtks_desktop.services.core.settings import office_kab

    return kabupaten_choices(s), office_kab(s)


def _create_first_admin(db, username: str, password: str, full_name: str | None, kab: str | None = None):
    """The first administrator and the office's kabupaten/kota, in one transaction (audited)."""
    from dtks_desktop.services.core.settings import set_office_kab
    from dtks_desktop.services.core.users import create_user

    with db.transaction() as s:
        actor = create_user(s, username, password, "admin", full_name=full_name)
        if kab:
            set_office_kab(s, actor, kab, reason="Penyiapan pertama")
        return actor


# --------------------------------------------------------------------------- login


class LoginDialog(QDialog):
    """Username and password. A wrong password keeps the dialog open with a clear message."""

    SwitchDatabase = 2  # done() code: the user wants another database

    WRONG = "Nama pengguna atau kata sandi salah."

    def __init__(self, db: database_service.Database, username: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.actor = None
        self.failures = 0
        self.job_handle = None
        self.setWindowTitle(f"{APP_TITLE} — Masuk")
        self.setMinimumWidth(460)

        self.username = QLineEdit(username)
        self.username.setMaxLength(60)
        self.password = _password_edit()
        self.error = ErrorLabel()

        form = QFormLayout()
        form.addRow("Nama pengguna:", self.username)
        form.addRow("Kata sandi:", self.password)

        self.buttons = QDialogButtonBox()
        self.login_button = self.buttons.addButton("Masuk", QDialogButtonBox.ButtonRole.AcceptRole)
        self.quit_button = self.buttons.addButton("Keluar", QDialogButtonBox.ButtonRole.RejectRole)
        self.quit_button.setAutoDefault(False)
        self.login_button.setDefault(True)
        self.login_button.clicked.connect(self.submit)
        self.quit_button.clicked.connect(self.reject)

        self.switch_button = QPushButton("Ganti basis data…")
        self.switch_button.setFlat(True)
        self.switch_button.setAutoDefault(False)
        self.switch_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.switch_button.clicked.connect(lambda: self.done(self.SwitchDatabase))
        db_row = QHBoxLayout()
        db_label = _footnote(f"Basis data: {db.description}")
        db_row.addWidget(db_label, 1)
        db_row.addWidget(self.switch_button)

        layout = QVBoxLayout(self)
        layout.addWidget(_title_label("Masuk ke DTKS Desktop"))
        layout.addWidget(_note("Masukkan nama pengguna dan kata sandi Anda."))
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(db_row)
        layout.addWidget(self.buttons)
        (self.password if username else self.username).setFocus()

    def submit(self) -> None:
        if not self.username.text().strip():
            self.error.show_error("Nama pengguna wajib diisi.")
            self.username.setFocus()
            return
        if not self.password.text():
            self.error.show_error("Kata sandi wajib diisi.")
            self.password.setFocus()
            return
        self.login_button.setEnabled(False)
        job = Job(database_service.login, self.db, self.username.text().strip(), self.password.text(),
                  with_progress=False)
        self.job_handle = start_job(self, job, "Memeriksa kata sandi", self._done, on_error=self._failed,
                                    cancellable=False)

    def _done(self, actor) -> None:
        self.actor = actor
        self.error.clear_error()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.login_button.setEnabled(True)
        if isinstance(exc, UserError):
            # The service's message: wrong password, wait N seconds, or locked until HH:MM.
            self.failures += 1
            text = str(exc) or self.WRONG
            if self.failures >= 3 and "administrator" not in text:
                text += " Jika lupa kata sandi, minta administrator untuk mengatur ulang kata sandi Anda."
        else:
            message, hint = user_message(exc)
            text = f"{message} {hint}".strip()
        self.error.show_error(text)
        self._fit_height()
        self.password.clear()
        self.password.setFocus()

    def _fit_height(self) -> None:
        """Grow to show a message that wraps over several lines (a dialog does not do it by itself)."""
        layout = self.layout()
        layout.activate()
        need = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else layout.sizeHint().height()
        if need > self.height():
            self.resize(self.width(), need)


# --------------------------------------------------------------------------- database problems


class DatabaseErrorDialog(QDialog):
    """The database could not be opened: say why and offer the ways on.

    After the dialog closes, ``choice`` is one of ``"file"`` (``chosen_url`` set),
    ``"connection"``, ``"default"`` (``chosen_url`` set) or ``"quit"``.
    """

    def __init__(self, message: str, hint: str = "", url: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message = message
        self.hint = hint
        self.url = url
        self.choice = "quit"
        self.chosen_url: str | None = None
        self.setWindowTitle(f"{APP_TITLE} — Basis data tidak dapat dibuka")
        self.setMinimumWidth(560)

        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(48, 48))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.message_label = QLabel(f"<b>{html.escape(message)}</b>")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint_label = QLabel(html.escape(hint))
        self.hint_label.setWordWrap(True)
        self.hint_label.setVisible(bool(hint))
        self.where_label = _footnote(f"Basis data yang dicoba: {safe_describe(url)}")

        texts = QVBoxLayout()
        texts.addWidget(self.message_label)
        texts.addWidget(self.hint_label)
        texts.addWidget(self.where_label)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addLayout(texts, 1)

        self.file_button = QPushButton("Pilih berkas lain…")
        self.file_button.setToolTip("Buka berkas basis data (.sqlite) yang lain, atau buat berkas baru.")
        self.server_button = QPushButton("Ubah koneksi server…")
        self.server_button.setToolTip("Atur alamat server PostgreSQL kantor.")
        self.default_button = QPushButton("Pakai basis data lokal bawaan")
        self.default_button.setToolTip(str(config.default_sqlite_path()))
        self.quit_button = QPushButton("Keluar")
        for b, slot in ((self.file_button, self.pick_file), (self.server_button, self.pick_connection),
                        (self.default_button, self.pick_default), (self.quit_button, self.reject)):
            b.setAutoDefault(False)
            b.clicked.connect(slot)

        choices = QVBoxLayout()
        choices.addWidget(_note("Apa yang ingin Anda lakukan?"))
        row1 = QHBoxLayout()
        row1.addWidget(self.file_button)
        row1.addWidget(self.server_button)
        row1.addWidget(self.default_button)
        choices.addLayout(row1)
        row2 = QHBoxLayout()
        row2.addStretch(1)
        row2.addWidget(self.quit_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addSpacing(10)
        layout.addLayout(choices)
        layout.addSpacing(6)
        layout.addLayout(row2)

    @classmethod
    def from_error(cls, exc: BaseException, url: str | None = None, parent: QWidget | None = None) -> "DatabaseErrorDialog":
        message, hint = user_message(exc)
        return cls(message, hint, url, parent)

    # Separate method so that tests can replace the native file dialog.
    def ask_file(self) -> str | None:
        start = None
        if self.url and self.url.startswith("sqlite:///"):
            start = self.url[len("sqlite:///"):]
        return ask_sqlite_file(self, start)

    def pick_file(self) -> None:
        path = self.ask_file()
        if not path:
            return
        self.choice = "file"
        self.chosen_url = config.sqlite_url(path)
        self.accept()

    def pick_connection(self) -> None:
        self.choice = "connection"
        self.accept()

    def pick_default(self) -> None:
        self.choice = "default"
        self.chosen_url = config.sqlite_url(config.default_sqlite_path())
        self.accept()

    def reject(self) -> None:
        self.choice = "quit"
        super().reject()


# --------------------------------------------------------------------------- connection


def postgres_url(host: str, port: int, database: str, user: str, password: str) -> str:
    cred = quote(user, safe="")
    if password:
        cred += ":" + quote(password, safe="")
    host = host.strip() or "localhost"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # IPv6 literal
    return f"postgresql+psycopg://{cred}@{host}:{int(port)}/{quote(database.strip(), safe='')}"


def _test_connection(url: str) -> str:
    """Connect (no migration, nothing written) and close again; return the description."""
    db = database_service.open_database(url, migrate=False)
    try:
        return db.description
    finally:
        db.dispose()


class ConnectionDialog(QDialog):
    """Choose the database: a local SQLite file or the office's PostgreSQL server.

    "Simpan dan sambungkan" stores the URL with :func:`config.save_database_url` (the
    server password in the OS keyring, never in the file); the caller then reconnects
    with :attr:`saved_url`, which still holds the password for this session.

    ``ask_password=True`` is the start-up prompt: the saved connection has no password
    (no keyring on this computer), so the dialog says so and waits for it.
    """

    def __init__(self, current_url: str | None = None, parent: QWidget | None = None, *,
                 prefer_server: bool = False, ask_password: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{APP_TITLE} — Pengaturan koneksi basis data")
        self.setMinimumWidth(560)
        self.saved_url: str | None = None
        self.password_kept = True  # False: typed, but there was no keyring to keep it in
        self.test_handle = None
        self.keyring = config.keyring_available()

        self.local_radio = QRadioButton("Basis data lokal (SQLite) — satu komputer")
        self.server_radio = QRadioButton("Server PostgreSQL — dipakai bersama di kantor")
        group = QButtonGroup(self)
        group.addButton(self.local_radio)
        group.addButton(self.server_radio)

        # local
        self.path_edit = QLineEdit(str(config.default_sqlite_path()))
        self.browse_button = QPushButton("Telusuri…")
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(self.browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)
        self.local_box = QGroupBox()
        local_form = QFormLayout(self.local_box)
        local_form.addRow("Berkas:", path_row)
        local_form.addRow(_note("Jika berkas belum ada, basis data baru akan dibuat."))

        # server
        self.host_edit = QLineEdit()
        self.host_edit.setPlaceholderText("contoh: 192.168.1.10 atau server-dinsos")
        self.port_spin = QSpinBox()
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(5432)
        self.port_spin.setGroupSeparatorShown(False)
        self.dbname_edit = QLineEdit("dtks")
        self.user_edit = QLineEdit()
        self.password_edit = _password_edit()
        self.server_box = QGroupBox()
        server_form = QFormLayout(self.server_box)
        server_form.addRow("Alamat server:", self.host_edit)
        server_form.addRow("Port:", self.port_spin)
        server_form.addRow("Nama basis data:", self.dbname_edit)
        server_form.addRow("Nama pengguna:", self.user_edit)
        server_form.addRow("Kata sandi:", self.password_edit)
        if self.keyring:
            where = "Kata sandi disimpan di brankas kata sandi sistem (Windows: Credential Manager), bukan di berkas."
        else:
            where = ("Komputer ini tidak punya brankas kata sandi sistem: kata sandi tidak disimpan dan "
                     "akan ditanyakan setiap kali aplikasi dibuka.")
        self.password_note = _footnote(where)
        server_form.addRow(self.password_note)

        self.test_button = QPushButton("Uji koneksi")
        self.test_button.setAutoDefault(False)
        self.test_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.test_button.clicked.connect(self.test_connection)
        self.test_result = ErrorLabel()
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.test_result, 1)

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("Simpan dan sambungkan", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton("Batal", QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setAutoDefault(False)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        self.prompt_label = _note(
            "Masukkan kata sandi server PostgreSQL untuk membuka basis data kantor. "
            "Kata sandi tidak tersimpan di komputer ini."
        )
        self.prompt_label.setVisible(ask_password)
        layout.addWidget(self.prompt_label)
        layout.addWidget(self.local_radio)
        layout.addWidget(self.local_box)
        layout.addWidget(self.server_radio)
        layout.addWidget(self.server_box)
        layout.addLayout(test_row)
        layout.addWidget(self.buttons)

        self.local_radio.toggled.connect(self._sync_enabled)
        self._load(current_url, prefer_server or ask_password)
        self._sync_enabled()
        if ask_password:
            self.setWindowTitle(f"{APP_TITLE} — Kata sandi server")
            self.password_edit.setFocus()

    def _load(self, url: str | None, prefer_server: bool) -> None:
        server = prefer_server
        if url:
            try:
                url = config.normalize_url(url)
            except Exception:  # noqa: BLE001
                url = None
        if url and url.startswith("sqlite"):
            path = url.split(":///", 1)[1] if ":///" in url else ""
            if path:
                self.path_edit.setText(str(Path(path)))
        elif url and url.startswith("postgresql"):
            server = True
            parts = urlsplit(url)
            self.host_edit.setText(parts.hostname or "")
            try:
                if parts.port:
                    self.port_spin.setValue(parts.port)
            except ValueError:
                pass
            self.dbname_edit.setText(unquote(parts.path.lstrip("/")))
            self.user_edit.setText(unquote(parts.username or ""))
            self.password_edit.setText(unquote(parts.password or ""))
        (self.server_radio if server else self.local_radio).setChecked(True)

    def _sync_enabled(self) -> None:
        local = self.local_radio.isChecked()
        self.local_box.setEnabled(local)
        self.server_box.setEnabled(not local)
        self.test_result.clear_error()

    def browse(self) -> None:
        path = ask_sqlite_file(self, self.path_edit.text())
        if path:
            self.path_edit.setText(str(Path(path)))

    def problem(self) -> str | None:
        if self.local_radio.isChecked():
            return None if self.path_edit.text().strip() else "Isi lokasi berkas basis data."
        if not self.host_edit.text().strip():
            return "Isi alamat server."
        if not self.dbname_edit.text().strip():
            return "Isi nama basis data."
        if not self.user_edit.text().strip():
            return "Isi nama pengguna server."
        return None

    def url(self) -> str:
        if self.local_radio.isChecked():
            return config.sqlite_url(self.path_edit.text().strip())
        return postgres_url(self.host_edit.text(), self.port_spin.value(), self.dbname_edit.text(),
                            self.user_edit.text().strip(), self.password_edit.text())

    def test_connection(self) -> None:
        problem = self.problem()
        if problem:
            self.test_result.show_error(problem)
            return
        self.test_result.clear_error()
        self.test_button.setEnabled(False)
        job = Job(_test_connection, self.url(), with_progress=False)
        self.test_handle = start_job(self, job, "Menguji koneksi", self._tested, on_error=self._test_failed,
                                     on_cancel=self._test_cancelled)

    def _tested(self, description: str) -> None:
        self.test_button.setEnabled(True)
        self.test_result.show_ok(f"Koneksi berhasil ({description}).")

    def _test_failed(self, exc: BaseException) -> None:
        self.test_button.setEnabled(True)
        message, hint = user_message(exc)
        self.test_result.show_error(f"Koneksi gagal: {message} {hint}".strip())

    def _test_cancelled(self) -> None:
        self.test_button.setEnabled(True)
        self.test_result.show_error("Uji koneksi dibatalkan.")

    def save(self) -> None:
        problem = self.problem()
        if problem:
            self.test_result.show_error(problem)
            return
        url = self.url()
        try:
            self.password_kept = config.save_database_url(url)
        except OSError as exc:
            self.test_result.show_error(f"Pengaturan tidak dapat disimpan ({exc.strerror or exc}).")
            return
        self.saved_url = url
        self.accept()


# --------------------------------------------------------------------------- about

LIBRARIES: list[tuple[str, str, str]] = [
    # (shown name, distribution name, licence)
    ("PySide6 / Qt", "PySide6-Essentials", "LGPL-3.0"),
    ("SQLAlchemy", "SQLAlchemy", "MIT"),
    ("Alembic", "alembic", "MIT"),
    ("psycopg", "psycopg", "LGPL-3.0"),
    ("pandas", "pandas", "BSD-3-Clause"),
    ("openpyxl", "openpyxl", "MIT"),
    ("python-calamine", "python-calamine", "MIT"),
    ("XlsxWriter", "XlsxWriter", "BSD-2-Clause"),
    ("reportlab", "reportlab", "BSD"),
    ("RapidFuzz", "rapidfuzz", "MIT"),
    ("argon2-cffi", "argon2-cffi", "MIT"),
    ("platformdirs", "platformdirs", "MIT"),
    ("keyring", "keyring", "MIT"),
]


def _dist_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return ""


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from dtks_desktop.services.core.regions import ATTRIBUTION

        self.setWindowTitle("Tentang DTKS Desktop")
        self.setMinimumSize(600, 640)

        title = _title_label(f"{APP_TITLE} {__version__}")
        subtitle = _note("Pengelolaan Data Terpadu Kesejahteraan Sosial untuk Dinas Sosial Kabupaten/Kota.")

        rows = []
        for shown, dist, licence in LIBRARIES:
            version = _dist_version(dist)
            if shown.startswith("PySide6"):
                version = f"{version} / Qt {qVersion()}".strip(" /")
            rows.append(
                f"<tr><td>{html.escape(shown)}</td><td>{html.escape(version)}</td>"
                f"<td>{html.escape(licence)}</td></tr>"
            )
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(True)
        self.text.setHtml(
            "<h4>Data wilayah</h4>"
            f"<p>{html.escape(ATTRIBUTION)}</p>"
            "<p>Lisensi MIT mengizinkan pemakaian, penyalinan, dan perubahan data ini dengan tetap "
            "mencantumkan pemberitahuan hak cipta dan lisensi tersebut.</p>"
            "<h4>Pustaka yang digunakan</h4>"
            "<table cellspacing='0' cellpadding='3'>"
            "<tr><th align='left'>Pustaka</th><th align='left'>Versi</th><th align='left'>Lisensi</th></tr>"
            + "".join(rows)
            + "</table>"
            "<p>Qt dan PySide6 dipakai di bawah lisensi GNU LGPL versi 3; pustaka tersebut dapat "
            "diganti dengan versi lain yang kompatibel.</p>"
        )
        self.python_label = _footnote(f"Python {_python_version()}")
        buttons = QDialogButtonBox()
        close = buttons.addButton("Tutup", QDialogButtonBox.ButtonRole.AcceptRole)
        close.clicked.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.python_label)
        layout.addWidget(buttons)


def _python_version() -> str:
    import platform

    return platform.python_version()


__all__ = [
    "AboutDialog",
    "ConnectionDialog",
    "DatabaseErrorDialog",
    "FirstAdminDialog",
    "LoginDialog",
    "ask_sqlite_file",
    "postgres_url",
    "safe_describe",
]

