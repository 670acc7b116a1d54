"""The main window: a sidebar of stages on the left, the selected page on the right.

Later stages plug in with :meth:`MainWindow.add_page`::

    window.add_page("import", "Impor Data", QStyle.StandardPixmap.SP_DialogOpenButton,
                    ImportView(ctx), before="audit")
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QStyle,
    QWidget,
)

from dtks_desktop.domain.formatting import angka
from dtks_desktop.domain.regions import kabupaten_display
from dtks_desktop.domain.permissions import Capability, can
from dtks_desktop.jobs import Job
from dtks_desktop.services.core.app_info import office_title
from dtks_desktop.services.core.settings import office_kab_label
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.shell.dialogs import APP_TITLE, AboutDialog, ConnectionDialog

log = logging.getLogger(__name__)

KEY_DATA = "data"
KEY_IMPORT = "impor"
KEY_REVIEW = "pemadanan"
KEY_AUDIT = "audit"
KEY_USERS = "users"
KEY_SETTINGS = "settings"

DEMO_PEOPLE = 5000


class MainWindow(QMainWindow):
    #: The user saved another database in the connection dialog; carries its URL.
    switch_database_requested = Signal(str)
    #: The window was closed (the application decides whether to quit).
    closed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._pages: dict[str, tuple[QListWidgetItem, QWidget]] = {}
        self._holders: dict[str, QScrollArea] = {}
        self._dialogs: list[QWidget] = []

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setIconSize(QSize(22, 22))
        self.sidebar.setSpacing(2)
        self.sidebar.setMinimumWidth(200)
        self.sidebar.setMaximumWidth(320)
        self.sidebar.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sidebar.setStyleSheet("QListWidget#sidebar::item { padding: 7px 6px; }")
        self.stack = QStackedWidget()
        self.sidebar.currentRowChanged.connect(self._row_changed)

        splitter = QSplitter()
        splitter.addWidget(self.sidebar)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setCollapsible(0, False)
        splitter.setSizes([230, 1050])
        self.setCentralWidget(splitter)

        self._build_menus()
        self._build_status_bar()
        self._build_pages()
        self.refresh_title()
        self._initial_size()
        if self.sidebar.count():
            self.sidebar.setCurrentRow(0)

    # ------------------------------------------------------------------ pages
    def add_page(
        self,
        key: str,
        title: str,
        icon: QIcon | QStyle.StandardPixmap | None,
        widget: QWidget,
        *,
        before: str | None = None,
        select: bool = False,
    ) -> QListWidgetItem:
        """Add a page to the sidebar and the stack.

        ``key`` is a stable id (``show_page(key)``); ``icon`` is a QIcon or a
        ``QStyle.StandardPixmap``; ``before`` inserts the page above an existing one
        (default: at the end); ``select`` shows it at once. Keys are unique.
        """
        if key in self._pages:
            raise ValueError(f"page {key!r} already exists")
        if isinstance(icon, QStyle.StandardPixmap):
            icon = self.style().standardIcon(icon)
        item = QListWidgetItem(icon or QIcon(), title)
        item.setData(Qt.ItemDataRole.UserRole, key)
        item.setToolTip(title)
        row = self.sidebar.count()
        if before is not None and before in self._pages:
            row = self.sidebar.row(self._pages[before][0])
        # A page's minimum size must not push the window off a 1366x768 screen: below its
        # minimum the page scrolls instead.
        holder = QScrollArea()
        holder.setFrameShape(QFrame.Shape.NoFrame)
        holder.setWidgetResizable(True)
        holder.setWidget(widget)
        self._holders[key] = holder
        self.stack.insertWidget(row, holder)
        self.sidebar.insertItem(row, item)
        self._pages[key] = (item, widget)
        if select or self.sidebar.currentRow() < 0:
            self.sidebar.setCurrentItem(item)
        return item

    def show_page(self, key: str) -> bool:
        if key not in self._pages:
            return False
        self.sidebar.setCurrentItem(self._pages[key][0])
        return True

    def page(self, key: str) -> QWidget | None:
        entry = self._pages.get(key)
        return entry[1] if entry else None

    def has_page(self, key: str) -> bool:
        return key in self._pages

    def page_keys(self) -> list[str]:
        return [self.sidebar.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.sidebar.count())]

    def current_page(self) -> QWidget | None:
        key = self.current_page_key()
        return self.page(key) if key else None

    def current_page_key(self) -> str | None:
        item = self.sidebar.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _row_changed(self, row: int) -> None:
        if 0 <= row < self.stack.count():
            item = self.sidebar.item(row)
            self.stack.setCurrentWidget(self._holders[item.data(Qt.ItemDataRole.UserRole)])

    def _build_pages(self) -> None:
        sp = QStyle.StandardPixmap
        actor = self.ctx.actor
        # Decisions come one per key press: refresh the Data view once the clerk pauses.
        self._data_refresh = QTimer(self)
        self._data_refresh.setSingleShot(True)
        self._data_refresh.setInterval(800)
        self._data_refresh.timeout.connect(lambda: self.data_view.refresh())
        from dtks_desktop.views.core.data_view import DataView

        self.data_view = DataView(self.ctx)
        self.data_view.demoRequested.connect(self.load_demo_data)
        self.add_page(KEY_DATA, "Data Keluarga & Anggota", sp.SP_FileDialogDetailedView, self.data_view)
        if can(actor, Capability.IMPORT_RUN):
            try:
                from dtks_desktop.views.importing.import_view import ImportView
            except ImportError as exc:  # pragma: no cover - only while the view is being written
                log.warning("Import view not available: %s", exc)
            else:
                self.import_view = ImportView(self.ctx)
                self.import_view.imported.connect(lambda _batch: self._registry_changed())
                self.add_page(KEY_IMPORT, "Impor Data", sp.SP_DialogOpenButton, self.import_view)
        from dtks_desktop.views.matching.review_view import ReviewView

        self.review_view = ReviewView(self.ctx)
        self.review_view.decided.connect(lambda _member: self._data_refresh.start())
        self.review_view.matchingFinished.connect(self._data_refresh.start)
        self.add_page(KEY_REVIEW, "Pemadanan", sp.SP_FileDialogListView, self.review_view)
        if can(actor, Capability.AUDIT_VIEW):
            from dtks_desktop.views.core.audit_view import AuditView

            self.add_page(KEY_AUDIT, "Log Audit", sp.SP_FileDialogContentsView, AuditView(self.ctx))
        if can(actor, Capability.USERS_MANAGE):
            from dtks_desktop.views.core.settings_view import SettingsView
            from dtks_desktop.views.core.users_view import UsersView

            self.add_page(KEY_USERS, "Pengguna", sp.SP_DirHomeIcon, UsersView(self.ctx))
            settings = SettingsView(self.ctx)
            settings.saved.connect(self.refresh_title)
            self.add_page(KEY_SETTINGS, "Pengaturan", sp.SP_ComputerIcon, settings)

    def _registry_changed(self) -> None:
        self.refresh_title()  # the first import fixes the office's kabupaten/kota
        self.data_view.refresh()
        if hasattr(self, "review_view"):
            self.review_view.refresh()

    # ------------------------------------------------------------------ demo data
    def load_demo_data(self) -> None:
        """"Buat data contoh": fill an empty database with a synthetic kabupaten, off the GUI thread."""
        from dtks_desktop.demo.loader import load_demo
        from dtks_desktop.views.common.widgets import ask_yes_no, show_message, start_job

        try:
            with self.ctx.db.sessions() as s:
                where = office_kab_label(s) or kabupaten_display("33.10")
        except Exception:  # noqa: BLE001 - only the question's text
            where = "kabupaten/kota kantor"
        if not ask_yes_no(
            self, "Buat data contoh",
            f"Isi basis data kosong ini dengan data contoh (fiktif) sebanyak {angka(DEMO_PEOPLE)} orang "
            f"di {where}?\n\nData contoh hanya untuk mencoba aplikasi; jangan dipakai untuk "
            "basis data kantor yang sebenarnya.",
        ):
            return
        # The office's kabupaten/kota (Klaten while none is set): imports refuse any other one.
        job = Job(load_demo, self.ctx.db, self.ctx.actor, people=DEMO_PEOPLE, seed=1)

        def done(result) -> None:
            self._registry_changed()
            self.refresh_title()
            show_message(self, "Data contoh", result.summary_text())

        start_job(self, job, "Membuat data contoh", done)

    # ------------------------------------------------------------------ chrome
    def _build_menus(self) -> None:
        berkas = self.menuBar().addMenu("&Berkas")
        self.switch_action = QAction("Ganti basis data…", self)
        self.switch_action.triggered.connect(self.change_database)
        berkas.addAction(self.switch_action)
        berkas.addSeparator()
        self.quit_action = QAction("Keluar", self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        berkas.addAction(self.quit_action)

        bantuan = self.menuBar().addMenu("Bantuan")
        self.about_action = QAction("Tentang DTKS Desktop", self)
        self.about_action.triggered.connect(self.show_about)
        bantuan.addAction(self.about_action)

    def _build_status_bar(self) -> None:
        actor = self.ctx.actor
        self.kab_label = QLabel("Kabupaten/kota: …")
        self.kab_label.setToolTip("Kabupaten/kota kantor: berkas kabupaten/kota lain ditolak saat impor. "
                                  "Hanya admin yang dapat mengubahnya (Pengaturan).")
        self.db_label = QLabel(f"Basis data: {self.ctx.db.description}")
        self.user_label = QLabel(f"Pengguna: {actor.username} ({actor.role_label})")
        for label in (self.kab_label, self.db_label, self.user_label):
            label.setContentsMargins(8, 0, 8, 0)
            self.statusBar().addPermanentWidget(label)

    def refresh_title(self) -> None:
        """Window title (office name) and the office's kabupaten/kota in the status bar."""
        kab = "?"
        try:
            with self.ctx.db.sessions() as s:
                office = office_title(s)
                kab = office_kab_label(s) or "belum ditetapkan (impor pertama menetapkannya)"
        except Exception:  # noqa: BLE001 - only the title
            log.exception("Could not read the office name")
            office = None
        self.setWindowTitle(f"{APP_TITLE} — {office}" if office else APP_TITLE)
        self.kab_label.setText(f"Kabupaten/kota: {kab}")

    def _initial_size(self) -> None:
        width, height = 1280, 800
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            avail = screen.availableGeometry()
            width, height = min(width, avail.width()), min(height, avail.height())
        self.resize(width, height)

    # ------------------------------------------------------------------ actions
    def _keep(self, dialog: QWidget) -> QWidget:
        self._dialogs.append(dialog)
        dialog.finished.connect(lambda *_a, d=dialog: self._dialogs.remove(d) if d in self._dialogs else None)
        return dialog

    def show_about(self) -> AboutDialog:
        dialog = self._keep(AboutDialog(self))
        dialog.open()
        return dialog

    def change_database(self) -> ConnectionDialog:
        dialog = self._keep(ConnectionDialog(self.ctx.db.url, self))
        dialog.accepted.connect(lambda: self._switch_to(dialog.saved_url))
        dialog.open()
        return dialog

    def _switch_to(self, url: str | None) -> None:
        if url:
            self.switch_database_requested.emit(url)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        super().closeEvent(event)
        if event.isAccepted():
            self.closed.emit()
