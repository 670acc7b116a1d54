"""The main window: a sidebar of stages on the left, the selected page on the right.

The pages come from the registry :data:`PAGES` (key, label, icon, capability, factory): a user
sees the pages whose capability they hold (``domain.permissions.can``). Pages refresh
themselves on the application signal ``ctx.events.dataChanged`` (views/common/events.py);
nothing is wired between pages here. Later stages add a :class:`PageSpec`, or plug in with
:meth:`MainWindow.add_page`::

    window.add_page("import", "Impor Data", QStyle.StandardPixmap.SP_DialogOpenButton,
                    ImportView(ctx), before="audit")
"""

from __future__ import annotations

import logging

from dataclasses import dataclass
from typing import Callable

import shiboken6
from PySide6.QtCore import QSize, Qt, Signal
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
from dtks_desktop.views.common import events
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.widgets import job_runner
from dtks_desktop.views.shell.dialogs import APP_TITLE, AboutDialog, ConnectionDialog

log = logging.getLogger(__name__)

KEY_DATA = "data"
KEY_IMPORT = "impor"
KEY_REVIEW = "pemadanan"
KEY_REGISTER = "agenda"
KEY_AUDIT = "audit"
KEY_USERS = "users"
KEY_OFFICE = "kantor"  # Kantor & Dokumen: office profile (admin), signatories (admin), village officials (clerks)
KEY_SETTINGS = "settings"
KEY_VERIFY = "verifikasi"
KEY_MUSDES = "musdes"
KEY_SUBMISSION = "pengajuan"
KEY_DISTRIBUTION = "penyaluran"

DEMO_PEOPLE = 5000


@dataclass(frozen=True)
class PageSpec:
    """One page of the main window: shown to users who hold ``capability`` (or one of ``also``)."""

    key: str
    label: str
    icon: QStyle.StandardPixmap
    capability: Capability
    factory: Callable[[AppContext], QWidget]
    also: tuple[Capability, ...] = ()

    def allowed(self, actor) -> bool:
        return any(can(actor, c) for c in (self.capability, *self.also))


def _data_page(ctx: AppContext) -> QWidget:
    from dtks_desktop.views.core.data_view import DataView

    return DataView(ctx)


def _import_page(ctx: AppContext) -> QWidget:
    from dtks_desktop.views.importing.import_view import ImportView

    return ImportView(ctx)


def _review_page(ctx: AppContext) -> QWidget:
    from dtks_desktop.views.matching.review_view import ReviewView

    return ReviewView(ctx)


def _verify_page(ctx: AppContext) -> QWidget:
    from dtks_desktop.views.verification.verification_view import VerificationView

    return VerificationView(ctx)


def _musdes_page(ctx: AppContext) -> QWidget:
    from dtks_desktop.views.musdes.musdes_view import MusdesView

    return MusdesView(ctx)


def _submission_page(ctx: AppContext) -> QWidget:
    from dtks_desktop.views.submission.submission_view import SubmissionView

    return SubmissionView(ctx)


def _distribution_page(ctx: AppContext) -> QWidget:
    from dtks_desktop.views.distribution.distribution_view import DistributionView

    return DistributionView(ctx)


def _audit_page(ctx: AppContext) -> QWidget:
    from dtks_desktop.views.core.audit_view import AuditView

    return AuditView(ctx)


def _users_page(ctx: AppContext) -> QWidget:
    from dtks_desktop.views.core.users_view import UsersView

    return UsersView(ctx)


def _office_page(ctx: AppContext) -> QWidget:
    from dtks_desktop.views.documents.office_page import OfficePage

    return OfficePage(ctx)


def _register_page(ctx: AppContext) -> QWidget:
    from dtks_desktop.views.documents.register_view import RegisterView

    return RegisterView(ctx)


def _settings_page(ctx: AppContext) -> QWidget:
    from dtks_desktop.views.core.settings_view import SettingsView

    return SettingsView(ctx)


_SP = QStyle.StandardPixmap

#: The pages, in sidebar order. A later stage adds its PageSpec here (or calls add_page).
#: Everyone sees the matching results (deciding is checked in the page and the service).
PAGES: list[PageSpec] = [
    PageSpec(KEY_DATA, "Data Keluarga & Anggota", _SP.SP_FileDialogDetailedView, Capability.DATA_VIEW, _data_page),
    PageSpec(KEY_IMPORT, "Impor Data", _SP.SP_DialogOpenButton, Capability.IMPORT_RUN, _import_page),
    PageSpec(KEY_REVIEW, "Pemadanan", _SP.SP_FileDialogListView, Capability.DATA_VIEW, _review_page),
    PageSpec(KEY_VERIFY, "Verifikasi Lapangan", _SP.SP_DialogApplyButton, Capability.VERIFY_ENTER, _verify_page),
    PageSpec(KEY_MUSDES, "Musdes/Muskel", _SP.SP_FileDialogNewFolder, Capability.MUSDES_RECORD, _musdes_page,
             also=(Capability.DOCS_PRINT,)),
    PageSpec(KEY_SUBMISSION, "Pengajuan", _SP.SP_ArrowUp, Capability.BATCH_BUILD, _submission_page,
             also=(Capability.BATCH_APPROVE,)),
    PageSpec(KEY_DISTRIBUTION, "Penyaluran", _SP.SP_DialogYesButton, Capability.DOCS_PRINT, _distribution_page,
             also=(Capability.DIST_MANAGE,)),
    PageSpec(KEY_REGISTER, "Agenda Surat", _SP.SP_FileDialogInfoView, Capability.DOCS_NUMBER, _register_page),
    PageSpec(KEY_AUDIT, "Log Audit", _SP.SP_FileDialogContentsView, Capability.AUDIT_VIEW, _audit_page),
    PageSpec(KEY_USERS, "Pengguna", _SP.SP_DirHomeIcon, Capability.USERS_MANAGE, _users_page),
    PageSpec(KEY_OFFICE, "Kantor & Dokumen", _SP.SP_FileDialogInfoView, Capability.VILLAGE_OFFICIALS, _office_page),
    PageSpec(KEY_SETTINGS, "Pengaturan", _SP.SP_ComputerIcon, Capability.SETTINGS_CHANGE, _settings_page),
]


def _title_info(s) -> tuple[str | None, str]:
    """Worker (through ``Database.read``): the office's name and its kabupaten/kota."""
    return office_title(s), office_kab_label(s) or "belum ditetapkan (impor pertama menetapkannya)"


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
        self._title_jobs: list[Job] = []
        self._title_gen = 0
        self._office_kab: str | None = None
        self.setWindowTitle(APP_TITLE)

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
        """The pages of :data:`PAGES` this user may use; each refreshes itself on ``ctx.events``."""
        for spec in PAGES:
            if spec.allowed(self.ctx.actor):
                self.add_page(spec.key, spec.label, spec.icon, spec.factory(self.ctx))
        self.data_view = self.page(KEY_DATA)
        if self.has_page(KEY_IMPORT):
            self.import_view = self.page(KEY_IMPORT)
        if self.has_page(KEY_REVIEW):
            self.review_view = self.page(KEY_REVIEW)
        if self.data_view is not None:
            self.data_view.demoRequested.connect(self.load_demo_data)
        # The first import fixes the office's kabupaten/kota; the settings page changes the name.
        self.ctx.events.dataChanged.connect(
            lambda kinds, _source: self.refresh_title() if kinds & {events.SETTINGS, events.REGISTRY} else None)

    # ------------------------------------------------------------------ demo data
    def load_demo_data(self) -> None:
        """"Buat data contoh": fill an empty database with a synthetic kabupaten, off the GUI thread."""
        from dtks_desktop.demo.loader import load_demo
        from dtks_desktop.views.common.widgets import ask_yes_no, show_message, start_job

        where = self._office_kab or kabupaten_display("33.10")
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
            self.ctx.events.changed(load_demo.changes)
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
        """Window title (office name) and the office's kabupaten/kota in the status bar (read in a job)."""
        self._title_gen += 1
        job = Job(self.ctx.db.read, _title_info, with_progress=False)
        job.signals.finished.connect(lambda info, g=self._title_gen: self._show_title(g, info))
        job.signals.failed.connect(lambda exc, _tb: log.warning("Could not read the office name: %s", exc))
        self._title_jobs = [j for j in self._title_jobs if not j.done.is_set()] + [job]
        job_runner().start(job)

    def _show_title(self, gen: int, info: tuple[str | None, str]) -> None:
        if gen != self._title_gen or not shiboken6.isValid(self):
            return  # an older read (a newer one is on its way), or the window is gone
        office, kab = info
        self._office_kab = None if kab.startswith("belum") else kab
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
