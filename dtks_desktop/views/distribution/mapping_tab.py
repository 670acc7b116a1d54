""""Pemetaan": the period's KPM from RT up to kecamatan (a tree with counts and the total of cash or
goods of the lengkap KPM) and the distribution points of each desa (add, remove, spread the
lengkap KPM over the points' time slots)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QSplitter, QTreeView, QVBoxLayout, QWidget)

from dtks_desktop.domain.formatting import angka
from dtks_desktop.domain.permissions import Capability, can
from dtks_desktop.domain.workflow.distribution import PeriodStatus
from dtks_desktop.jobs import Job
from dtks_desktop.services.distribution import mapping
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.widgets import ask_yes_no
from dtks_desktop.views.common.widgets import fill_table, plain_table
from dtks_desktop.views.distribution.common import PeriodTab, value_text
from dtks_desktop.views.distribution.point_dialog import PointDialog
from dtks_desktop.views.distribution.tree import DESA, desa_nodes, level_label

#: States in which points and slots may still change.
PLANNABLE = (PeriodStatus.DRAF, PeriodStatus.SIAP, PeriodStatus.PENYALURAN)
TREE_HEADERS = ("Wilayah", "KPM", "Lengkap", "Dikembalikan", "Nilai (lengkap)")
KODE_ROLE = Qt.ItemDataRole.UserRole + 1
LEVEL_ROLE = Qt.ItemDataRole.UserRole + 2
#: The levels below a desa (a chosen RW or RT stands for its desa).
BELOW_DESA = ("rw", "rt")


def point_row(p) -> tuple:
    return (p.desa_nama, p.nama, p.kind_label, f"{p.tanggal:%d-%m-%Y}", f"{p.jam_mulai:%H.%M}–{p.jam_selesai:%H.%M}",
            f"{p.slots} × {p.slot_menit} mnt", angka(p.kuota_slot) if p.kuota_slot else "rata", angka(p.kpm))


class MappingTab(PeriodTab):
    """The region tree and the distribution points."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.may_manage = can(ctx.actor, Capability.DIST_MANAGE)
        self.points: list = []
        self.last_assigned: int | None = None
        self.model = QStandardItemModel(0, len(TREE_HEADERS), self)
        self.model.setHorizontalHeaderLabels(list(TREE_HEADERS))
        self.view = QTreeView()
        self.view.setObjectName("mapTree")
        self.view.setModel(self.model)
        self.view.setAlternatingRowColors(True)
        self.view.setUniformRowHeights(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for i, w in enumerate((0, 62, 66, 92, 120)):
            if i:
                header.resizeSection(i, w)
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._chosen())
        self.totals = QLabel()
        self.totals.setObjectName("mapTotals")
        self.totals.setWordWrap(True)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(QLabel("<b>Kecamatan → Desa/Kel. → RW → RT</b>"))
        ll.addWidget(self.view, 1)
        ll.addWidget(self.totals)

        self.points_box = QGroupBox("Titik salur")
        self.points_table = plain_table([("Desa/Kel.", 100), ("Titik", 150), ("Jenis", 140), ("Tanggal", 80),
                                   ("Jam", 90), ("Sesi", 86), ("KPM/sesi", 64), ("KPM", 50)], "pointsTable")
        self.points_table.itemSelectionChanged.connect(self.update_actions)
        self.add_button = QPushButton("Tambah titik…")
        self.add_button.setObjectName("addPointButton")
        self.add_button.clicked.connect(self.add_point)
        self.remove_button = QPushButton("Hapus titik")
        self.remove_button.setObjectName("removePointButton")
        self.remove_button.clicked.connect(self.remove_point)
        self.slots_button = QPushButton("Bagi jadwal")
        self.slots_button.setObjectName("assignSlotsButton")
        self.slots_button.clicked.connect(self.assign_slots)
        self.points_note = QLabel()
        self.points_note.setObjectName("pointsNote")
        self.points_note.setWordWrap(True)
        self.points_note.setStyleSheet("color: #616161;")
        buttons = QHBoxLayout()
        for b in (self.add_button, self.remove_button, self.slots_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        pl = QVBoxLayout(self.points_box)
        pl.addWidget(self.points_table, 1)
        pl.addWidget(self.points_note)
        pl.addLayout(buttons)
        for b in (self.add_button, self.remove_button, self.slots_button):
            b.setVisible(self.may_manage)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(left)
        split.addWidget(self.points_box)
        split.setSizes([380, 240])
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(self.error)

    # --- the tree
    def show_period(self) -> None:
        chosen = self.chosen_desa()
        expanded = self._expanded()
        self.model.removeRows(0, self.model.rowCount())
        tree = self.tree
        if self.period is None or tree is None:
            self.totals.setText("")
            self.points = []
            fill_table(self.points_table, [])
            self.update_actions()
            return
        for child in tree.children:
            self.model.appendRow(self._items(child))
        first = self.model.index(0, 0)
        if not expanded and first.isValid():
            self.view.expand(first)  # the first kecamatan open: its desa show at once
        for kode in expanded:
            idx = self._find(kode)
            if idx is not None:
                self.view.expand(idx)
        self.totals.setText(f"Kabupaten: <b>{angka(tree.kpm)}</b> KPM · {angka(tree.lengkap)} lengkap · "
                            f"{angka(tree.dikembalikan)} dikembalikan · nilai lengkap "
                            f"<b>{value_text(self.period, tree.nilai)}</b>")
        if chosen is not None and (idx := self._find(chosen)) is not None:
            self.view.setCurrentIndex(idx)
        self.load_points()

    def _items(self, node) -> list[QStandardItem]:
        cells = [level_label(node), angka(node.kpm), angka(node.lengkap), angka(node.dikembalikan),
                 value_text(self.period, node.nilai)]
        items = [QStandardItem(str(c)) for c in cells]
        for it in items[1:]:
            it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        items[0].setData(node.kode, KODE_ROLE)
        items[0].setData(node.level, LEVEL_ROLE)
        if node.level in (DESA, "kecamatan") and node.kode:
            items[0].setToolTip(f"{level_label(node)} ({node.kode})")
        for child in node.children:
            items[0].appendRow(self._items(child))
        return items

    def _walk(self, parent=None):
        parent = parent or self.model.invisibleRootItem()
        for r in range(parent.rowCount()):
            item = parent.child(r, 0)
            yield item
            yield from self._walk(item)

    def _find(self, kode: str):
        """The row of a kecamatan or desa (RW/RT numbers repeat across desa)."""
        for item in self._walk():
            if item.data(KODE_ROLE) == kode and item.data(LEVEL_ROLE) not in BELOW_DESA:
                return item.index()
        return None

    def _expanded(self) -> list[str]:
        return [item.data(KODE_ROLE) for item in self._walk()
                if item.data(LEVEL_ROLE) not in BELOW_DESA and self.view.isExpanded(item.index())]

    def chosen_desa(self) -> str | None:
        """The desa of the chosen tree row (a desa, or the desa of a chosen RW/RT)."""
        idx = self.view.currentIndex()
        if not idx.isValid():
            return None
        idx = idx.siblingAtColumn(0)
        while idx.isValid() and idx.data(LEVEL_ROLE) in BELOW_DESA:
            idx = idx.parent()
        return (idx.data(KODE_ROLE) or None) if idx.isValid() and idx.data(LEVEL_ROLE) == DESA else None

    def choose_desa(self, kode: str) -> bool:
        idx = self._find(kode)
        if idx is None:
            return False
        self.view.setCurrentIndex(idx)
        self.view.scrollTo(idx, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    def _chosen(self) -> None:
        self.load_points()

    # --- the points
    def load_points(self) -> None:
        if self.period is None:
            return
        desa = self.chosen_desa()
        name = self.desa_name(desa)
        self.points_box.setTitle(f"Titik salur — {name}" if desa else "Titik salur — semua desa/kelurahan")
        self.points_table.setColumnHidden(0, desa is not None)  # one desa: its name is in the title
        self.read(mapping.list_points, self.period.id, desa=desa, on_done=self._points)
        self.update_actions()

    def desa_name(self, kode: str | None) -> str:
        for _kec, desa in desa_nodes(self.tree):
            if desa.kode == kode:
                return desa.nama
        return kode or ""

    def _points(self, found) -> None:
        self.points = list(found)
        fill_table(self.points_table, [point_row(p) for p in self.points], right=(5, 6, 7), tips=True)
        desa = self.chosen_desa()
        if not self.points:
            self.points_note.setText("Belum ada titik salur" + (" di desa ini." if desa else ".") +
                                     (" Tambahkan agar undangan memuat tempat dan jam." if self.may_manage else ""))
        else:
            self.points_note.setText("Jadwal KPM lengkap dibagi ke sesi titik-titik desanya menurut RW, RT dan "
                                     "nama (\"Bagi jadwal\").")
        self.update_actions()

    def chosen_point(self):
        rows = self.points_table.selectionModel().selectedRows()
        return self.points[rows[0].row()] if rows and rows[0].row() < len(self.points) else None

    def update_actions(self) -> None:
        p = self.period
        active = self.may_manage and self.busy == 0 and p is not None and p.status in PLANNABLE
        self.add_button.setEnabled(active and bool(desa_nodes(self.tree)))
        self.remove_button.setEnabled(active and self.chosen_point() is not None)
        self.slots_button.setEnabled(active and bool(self.points))
        desa = self.chosen_desa()
        self.slots_button.setText(f"Bagi jadwal {self.desa_name(desa)}" if desa else "Bagi jadwal semua desa")

    def add_point(self) -> None:
        p = self.period
        if p is None:
            return
        options = [(d.kode, f"{d.nama} (Kec. {k.nama})") for k, d in desa_nodes(self.tree)]
        lengkap = {d.kode: d.lengkap for _k, d in desa_nodes(self.tree)}
        dlg = PointDialog(options, self.chosen_desa(), lengkap, self)
        self.point_dialog = dlg
        accepted = dlg.exec() == QDialog.DialogCode.Accepted
        self.point_dialog = None
        if not accepted:
            return
        v = dlg.values()
        job = Job(self.ctx.db.write, mapping.add_point, self.ctx.actor, p.id, v["desa"], v["kind"], v["nama"],
                  v["tanggal"], v["jam_mulai"], v["jam_selesai"], alamat=v["alamat"], slot_menit=v["slot_menit"],
                  kuota_slot=v["kuota_slot"], with_progress=False)
        self.run(job, "Menambah titik salur", lambda pt: self._point_added(pt, v["desa"]))

    def _point_added(self, pt, desa: str) -> None:
        self.error.show_ok(f"Titik salur {pt.nama} ditambahkan. Tekan \"Bagi jadwal\" untuk membagi KPM ke sesinya.")
        self.choose_desa(desa)
        self.load_points()

    def remove_point(self) -> None:
        pt = self.chosen_point()
        if pt is None:
            return
        if not ask_yes_no(self, "Hapus titik salur", f"Hapus {pt.nama} ({pt.desa_nama}, {pt.tanggal:%d-%m-%Y})? "
                          "Jadwal KPM di titik ini dikosongkan; bagi jadwal lagi sesudahnya.", yes="Hapus"):
            return
        job = Job(self.ctx.db.write, mapping.remove_point, self.ctx.actor, pt.id, with_progress=False)
        self.run(job, "Menghapus titik salur", lambda _r: self._removed(pt))

    def _removed(self, pt) -> None:
        self.error.show_ok(f"Titik salur {pt.nama} dihapus.")
        self.load_points()

    def assign_slots(self) -> None:
        p = self.period
        if p is None:
            return
        desa = self.chosen_desa()
        job = Job(self.ctx.db.write, mapping.assign_slots, self.ctx.actor, p.id, desa=desa, with_progress=False)
        self.run(job, "Membagi jadwal KPM ke titik salur", self._assigned)

    def _assigned(self, n: int) -> None:
        self.last_assigned = int(n)
        self.error.show_ok(f"{angka(n)} KPM mendapat tempat dan jam kedatangan.")
        self.load_points()
