"""The page "Kantor & Dokumen": tabs Profil kantor, Penanda tangan and Format berkas (file layouts
and provincial programmes) for administrators (office.settings), and Perangkat desa (clerks:
village.officials)."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from dtks_desktop.domain.permissions import Capability, can
from dtks_desktop.views.common.context import AppContext


class OfficePage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from dtks_desktop.views.documents.layouts_tab import LayoutsTab
        from dtks_desktop.views.documents.officials_tab import OfficialsTab
        from dtks_desktop.views.documents.profile_tab import ProfileTab
        from dtks_desktop.views.documents.signers_tab import SignersTab

        self.ctx = ctx
        self.tabs = QTabWidget()
        self.profile = self.signers = self.officials = self.layouts = None
        if can(ctx.actor, Capability.OFFICE_SETTINGS):
            self.profile = ProfileTab(ctx)
            self.signers = SignersTab(ctx)
            self.tabs.addTab(self.profile, "Profil kantor")
            self.tabs.addTab(self.signers, "Penanda tangan")
            self.layouts = LayoutsTab(ctx)
            self.tabs.addTab(self.layouts, "Format berkas")
        if can(ctx.actor, Capability.VILLAGE_OFFICIALS):
            self.officials = OfficialsTab(ctx)
            self.tabs.addTab(self.officials, "Perangkat desa")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
