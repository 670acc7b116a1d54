"""User management (administrators only): list, add, change role, (de)activate, reset password,
unlock a login locked after repeated failures."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dtks_desktop.domain.status import ROLE_LABELS, Role
from dtks_desktop.jobs import Job
from dtks_desktop.services.core import users as users_service
from dtks_desktop.services.core.app_info import role_choices
from dtks_desktop.services.core.users import MIN_PASSWORD, UserInfo
from dtks_desktop.views.common import events
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.widgets import ErrorLabel, ask_yes_no, show_exception, start_job, user_message
from dtks_desktop.domain.formatting import jam

COLUMNS = ["Nama pengguna", "Nama lengkap", "Peran", "Status"]


def _role_label(role: str) -> str:
    try:
        return ROLE_LABELS[Role(role)]
    except ValueError:
        return role


def _password_edit() -> QLineEdit:
    e = QLineEdit()
    e.setEchoMode(QLineEdit.EchoMode.Password)
    return e


def _check_passwords(pw: str, pw2: str) -> str | None:
    if len(pw) < MIN_PASSWORD:
        return f"Kata sandi terlalu pendek: minimal {MIN_PASSWORD} karakter."
    if pw.strip() != pw:
        return "Kata sandi tidak boleh diawali atau diakhiri spasi."
    if pw != pw2:
        return "Kedua kata sandi tidak sama."
    return None


class _JobDialog(QDialog):
    """A small form whose OK button runs one service call in a job; errors stay inline."""

    def __init__(self, ctx: AppContext, title: str, ok_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.handle = None
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self.form = QFormLayout()
        self.error = ErrorLabel()
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton("Batal", QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setAutoDefault(False)
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def problem(self) -> str | None:
        return None

    def work(self) -> Callable[[], object]:
        raise NotImplementedError

    def submit(self) -> None:
        problem = self.problem()
        if problem:
            self.error.show_error(problem)
            return
        self.error.clear_error()
        self.ok_button.setEnabled(False)
        fn = self.work()
        self.handle = start_job(self, Job(fn, with_progress=False), self.windowTitle(), self._done,
                                on_error=self._failed)

    def _done(self, _result) -> None:
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        message, hint = user_message(exc)
        self.error.show_error(f"{message} {hint}".strip())


class AddUserDialog(_JobDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "Tambah pengguna", "Tambah", parent)
        self.username = QLineEdit()
        self.username.setMaxLength(60)
        self.username.setPlaceholderText("tanpa spasi, contoh: sri.wahyuni")
        self.full_name = QLineEdit()
        self.role = QComboBox()
        for value, label in role_choices():
            self.role.addItem(label, value)
        self.password = _password_edit()
        self.password.setPlaceholderText(f"minimal {MIN_PASSWORD} karakter")
        self.password2 = _password_edit()
        self.form.addRow("Nama pengguna:", self.username)
        self.form.addRow("Nama lengkap:", self.full_name)
        self.form.addRow("Peran:", self.role)
        self.form.addRow("Kata sandi awal:", self.password)
        self.form.addRow("Ulangi kata sandi:", self.password2)

    def problem(self) -> str | None:
        name = self.username.text().strip()
        if not name:
            return "Nama pengguna wajib diisi."
        if any(c.isspace() for c in name):
            return "Nama pengguna tidak boleh mengandung spasi."
        return _check_passwords(self.password.text(), self.password2.text())

    def work(self):
        db, actor = self.ctx.db, self.ctx.actor
        args = (self.username.text().strip(), self.password.text(), self.role.currentData())
        full_name = self.full_name.text().strip() or None

        def fn():
            with db.transaction() as s:
                return users_service.create_user(s, *args, full_name=full_name, by=actor)

        return fn


class RoleDialog(_JobDialog):
    def __init__(self, ctx: AppContext, user: UserInfo, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "Ubah peran pengguna", "Simpan", parent)
        self.user = user
        self.role = QComboBox()
        for value, label in role_choices():
            self.role.addItem(label, value)
        self.role.setCurrentIndex(max(0, self.role.findData(user.role)))
        self.form.addRow("Pengguna:", QLabel(f"{user.username} ({user.full_name or '-'})"))
        self.form.addRow("Peran baru:", self.role)

    def problem(self) -> str | None:
        if self.role.currentData() == self.user.role:
            return "Peran tidak berubah. Pilih peran lain atau tekan Batal."
        return None

    def work(self):
        db, actor, username, role = self.ctx.db, self.ctx.actor, self.user.username, self.role.currentData()

        def fn():
            with db.transaction() as s:
                users_service.set_role(s, actor, username, role)

        return fn


class ResetPasswordDialog(_JobDialog):
    def __init__(self, ctx: AppContext, user: UserInfo, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "Atur ulang kata sandi", "Simpan kata sandi", parent)
        self.user = user
        self.password = _password_edit()
        self.password.setPlaceholderText(f"minimal {MIN_PASSWORD} karakter")
        self.password2 = _password_edit()
        self.form.addRow("Pengguna:", QLabel(f"{user.username} ({user.full_name or '-'})"))
        self.form.addRow("Kata sandi baru:", self.password)
        self.form.addRow("Ulangi kata sandi:", self.password2)
        note = QLabel("Beri tahu pengguna kata sandi barunya secara langsung, bukan lewat pesan berantai.")
        note.setWordWrap(True)
        self.form.addRow(note)

    def problem(self) -> str | None:
        return _check_passwords(self.password.text(), self.password2.text())

    def work(self):
        db, actor, username, pw = self.ctx.db, self.ctx.actor, self.user.username, self.password.text()

        def fn():
            with db.transaction() as s:
                users_service.change_password(s, actor, username, pw)

        return fn


def _status_text(u: UserInfo) -> str:
    text = "Aktif" if u.active else "Nonaktif"
    if u.locked_until is not None:
        text += f", dikunci sampai {jam(u.locked_until, lokal=True)}"
    return text


def _list_users(db, actor) -> list[UserInfo]:
    with db.sessions() as s:
        return users_service.list_users(s, actor=actor)


class UsersView(QWidget):
    """The "Pengguna" page."""

    changed = Signal()  # a user was added or changed

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.users: list[UserInfo] = []
        self.active_dialog: QDialog | None = None
        self.handle = None

        style = self.style()
        self.add_button = QPushButton(style.standardIcon(QStyle.StandardPixmap.SP_FileDialogNewFolder), "Tambah pengguna…")
        self.role_button = QPushButton("Ubah peran…")
        self.active_button = QPushButton("Nonaktifkan")
        self.password_button = QPushButton("Atur ulang kata sandi…")
        self.unlock_button = QPushButton("Buka kunci")
        self.unlock_button.setToolTip("Izinkan pengguna yang terkunci karena gagal masuk berulang untuk mencoba lagi.")
        self.reload_button = QPushButton(style.standardIcon(QStyle.StandardPixmap.SP_BrowserReload), "Muat ulang")
        self.add_button.clicked.connect(self.open_add_dialog)
        self.role_button.clicked.connect(self.open_role_dialog)
        self.active_button.clicked.connect(self.toggle_active)
        self.password_button.clicked.connect(self.open_password_dialog)
        self.unlock_button.clicked.connect(self.unlock)
        self.reload_button.clicked.connect(self.reload)

        bar = QHBoxLayout()
        for b in (self.add_button, self.role_button, self.active_button, self.password_button, self.unlock_button):
            bar.addWidget(b)
        bar.addStretch(1)
        bar.addWidget(self.reload_button)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        hh = self.table.horizontalHeader()
        hh.setStretchLastSection(True)
        for col, width in enumerate((180, 260, 220)):
            self.table.setColumnWidth(col, width)
        self.table.itemSelectionChanged.connect(self._sync_buttons)
        self.table.doubleClicked.connect(lambda _i: self.open_role_dialog())

        intro = QLabel(
            "Setiap petugas memakai akunnya sendiri. Peran menentukan apa yang boleh dilakukan: "
            "Operator mengolah data, Operator cetak mencetak dokumen, Supervisor menyetujui usulan, "
            "Administrator mengatur pengguna dan pengaturan kantor. Pengguna yang dinonaktifkan tidak "
            "dapat masuk, tetapi riwayatnya tetap tersimpan. Setelah beberapa kali salah kata sandi "
            "berturut-turut, akun dikunci sementara (lihat Pengaturan); Buka kunci mengizinkannya mencoba lagi."
        )
        intro.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

        events.follow(self, ctx.events, {events.USERS}, self.reload)
        self.reload()

    # --- list
    def reload(self) -> None:
        if self.handle is not None and not self.handle.finished:
            return
        self.handle = start_job(self, Job(_list_users, self.ctx.db, self.ctx.actor, with_progress=False),
                                "Memuat daftar pengguna", self._fill)

    def _fill(self, users: list[UserInfo]) -> None:
        keep = self.selected_user()
        self.users = list(users)
        self.table.setRowCount(len(users))
        grey = QColor("#777777")
        for row, u in enumerate(users):
            items = [
                QTableWidgetItem(u.username),
                QTableWidgetItem(u.full_name or ""),
                QTableWidgetItem(_role_label(u.role)),
                QTableWidgetItem(_status_text(u)),
            ]
            for col, item in enumerate(items):
                if not u.active:
                    item.setForeground(grey)
                if u.username == self.ctx.actor.username and col == 0:
                    item.setToolTip("Akun Anda")
                self.table.setItem(row, col, item)
        if keep is not None:
            for row, u in enumerate(users):
                if u.username == keep.username:
                    self.table.selectRow(row)
        self._sync_buttons()

    def selected_user(self) -> UserInfo | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        row = rows[0].row()
        return self.users[row] if 0 <= row < len(self.users) else None

    def select_user(self, username: str) -> bool:
        for row, u in enumerate(self.users):
            if u.username == username:
                self.table.selectRow(row)
                return True
        return False

    def _sync_buttons(self) -> None:
        u = self.selected_user()
        for b in (self.role_button, self.active_button, self.password_button):
            b.setEnabled(u is not None)
        self.unlock_button.setEnabled(u is not None and u.locked_until is not None)
        self.active_button.setText("Aktifkan" if u is not None and not u.active else "Nonaktifkan")

    # --- actions
    def _open(self, dialog: QDialog) -> QDialog:
        self.active_dialog = dialog
        dialog.accepted.connect(self._after_change)
        dialog.open()
        return dialog

    def _after_change(self) -> None:
        self.ctx.events.changed(users_service.set_role.changes, source=self)  # every users_service change
        self.changed.emit()
        self.reload()

    def open_add_dialog(self) -> QDialog:
        return self._open(AddUserDialog(self.ctx, self))

    def open_role_dialog(self) -> QDialog | None:
        u = self.selected_user()
        return self._open(RoleDialog(self.ctx, u, self)) if u else None

    def open_password_dialog(self) -> QDialog | None:
        u = self.selected_user()
        return self._open(ResetPasswordDialog(self.ctx, u, self)) if u else None

    def toggle_active(self) -> None:
        u = self.selected_user()
        if u is None:
            return
        if u.active and u.username.lower() == self.ctx.actor.username.lower():
            show_exception(self, users_service.UserError(
                "Anda tidak dapat menonaktifkan akun Anda sendiri. Minta administrator lain melakukannya."))
            return
        if u.active and not ask_yes_no(
            self, "Nonaktifkan pengguna",
            f"Nonaktifkan {u.username}? Pengguna ini tidak akan dapat masuk sampai diaktifkan kembali.",
            yes="Nonaktifkan",
        ):
            return
        db, actor, username, active = self.ctx.db, self.ctx.actor, u.username, not u.active

        def fn():
            with db.transaction() as s:
                users_service.set_active(s, actor, username, active)

        self.handle = start_job(self, Job(fn, with_progress=False), "Menyimpan", lambda _r: self._after_change())

    def unlock(self) -> None:
        u = self.selected_user()
        if u is None:
            return
        db, actor, username = self.ctx.db, self.ctx.actor, u.username

        def fn():
            with db.transaction() as s:
                return users_service.unlock_user(s, actor, username)

        self.handle = start_job(self, Job(fn, with_progress=False), "Membuka kunci", lambda _r: self._after_change())
