"""Verifikasi Lapangan: assign families, print worksheets, enter findings family by family.

Keyboard entry per desa: pick the kecamatan, desa and (optionally) petugas; the family list
shows who is done. In the member grid Enter (or Tab) moves to the next cell to fill; the
Keberadaan cell is a drop-down (type the first letter). Ctrl+Enter saves the family and opens
the next one, Ctrl+S saves and stays. Every read and save runs in a job through the services
(``services/verification``); nothing here touches the database.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMessageBox, QPushButton, QSplitter,
                               QStyledItemDelegate, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from dtks_desktop.domain.formatting import tanggal
from dtks_desktop.domain.permissions import Capability, can
from dtks_desktop.domain.verification import KELAYAKAN_LABELS, PERAN_LABELS, Keberadaan, Kelayakan
from dtks_desktop.domain.workflow.registry import HOUSEHOLD
from dtks_desktop.jobs import Job
from dtks_desktop.services.importing.dates import parse_date
from dtks_desktop.services.verification import assign as assign_service
from dtks_desktop.services.verification import findings, progress as progress_service, sheet_import, worksheets
from dtks_desktop.views.common import events
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.latest import LatestJob
from dtks_desktop.views.common.widgets import (ErrorLabel, fill_desa_combo, fill_kecamatan_combo,
                                               start_job, user_message)
from dtks_desktop.views.verification.proposal_dialog import ProposalDialog

MEMBER_COLUMNS = ["Nama", "NIK", "Hubungan", "Tgl lahir", "Dukcapil", "Keberadaan", "Koreksi nama", "Koreksi NIK",
                  "Koreksi tgl lahir", "Catatan"]
FIRST_EDIT = 5
COL_KEB, COL_NAMA, COL_NIK, COL_TGL, COL_CAT = 5, 6, 7, 8, 9
DONE_BG = QColor("#e8f5e9")


class KeberadaanDelegate(QStyledItemDelegate):
    """A drop-down of the Keberadaan words (empty first: not yet known)."""

    def createEditor(self, parent, option, index):  # noqa: N802 (Qt API)
        box = QComboBox(parent)
        box.addItem("")
        box.addItems([k.value for k in Keberadaan])
        return box

    def setEditorData(self, editor, index):  # noqa: N802
        editor.setCurrentIndex(max(0, editor.findText(index.data() or "")))

    def setModelData(self, editor, model, index):  # noqa: N802
        model.setData(index, editor.currentText())


class MemberGrid(QTableWidget):
    """The members of one family; Enter moves to the next cell to fill, like Tab."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(MEMBER_COLUMNS), parent)
        self.setObjectName("memberGrid")
        self.setHorizontalHeaderLabels(MEMBER_COLUMNS)
        self.setItemDelegateForColumn(COL_KEB, KeberadaanDelegate(self))
        self.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        h = self.horizontalHeader()
        for c, w in enumerate([160, 122, 95, 76, 150, 130, 130, 122, 92, 140]):
            self.setColumnWidth(c, w)
        h.setSectionResizeMode(COL_CAT, QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setVisible(False)

    def next_cell(self) -> None:
        r, c = self.currentRow(), self.currentColumn()
        if c < self.columnCount() - 1 and c >= FIRST_EDIT:
            self.setCurrentCell(r, c + 1)
        elif r < self.rowCount() - 1:
            self.setCurrentCell(r + 1, FIRST_EDIT)
        else:
            self.focusNextChild()

    def keyPressEvent(self, event):  # noqa: N802 (Qt API)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            if self.state() == QAbstractItemView.State.EditingState:
                self.commitData(self.focusWidget())  # keep what was typed
                self.closeEditor(self.focusWidget(), QStyledItemDelegate.EndEditHint.NoHint)
            self.next_cell()
            return
        super().keyPressEvent(event)


class AssignDialog(QDialog):
    def __init__(self, desa_nama: str, petugas: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Tugaskan keluarga {desa_nama}")
        f = QFormLayout(self)
        self.petugas = QComboBox()
        self.petugas.setEditable(True)
        self.petugas.addItems(petugas)
        self.petugas.setCurrentText("")
        self.peran = QComboBox()
        for p, label in PERAN_LABELS.items():
            self.peran.addItem(label, p.value)
        self.rw = QLineEdit()
        self.rw.setPlaceholderText("kosong: semua RW")
        f.addRow("Nama petugas", self.petugas)
        f.addRow("Peran", self.peran)
        f.addRow("Hanya RW", self.rw)
        b = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        b.accepted.connect(self.accept)
        b.rejected.connect(self.reject)
        f.addRow(b)


class VerificationView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.info = None
        self.families: list[findings.FamilyItem] = []
        self.detail: findings.FamilyDetail | None = None
        self.reads = LatestJob(self)
        self.family_reads = LatestJob(self)
        self.progress_reads = LatestJob(self)
        self.saving = False
        may_assign = can(ctx.actor, Capability.VERIFY_ASSIGN)
        may_enter = can(ctx.actor, Capability.VERIFY_ENTER)

        self.round_label = QLabel("Putaran: …")
        self.round_label.setObjectName("roundLabel")
        self.kec = QComboBox()
        self.kec.addItem("Pilih kecamatan", None)
        self.desa = QComboBox()
        self.desa.setObjectName("desaCombo")
        self.desa.setMinimumContentsLength(18)
        self.kec.setMinimumContentsLength(14)
        self.petugas = QComboBox()
        self.petugas.addItem("Semua petugas", None)
        self.kec.currentIndexChanged.connect(lambda _i: fill_desa_combo(ctx.db, self.kec, self.desa))
        self.desa.currentIndexChanged.connect(lambda _i: self.load_families())
        self.petugas.currentIndexChanged.connect(lambda _i: self.load_families())
        self.assign_button = QPushButton("Tugaskan…")
        self.sheet_button = QPushButton("Lembar kerja…")
        self.import_button = QPushButton("Impor hasil…")
        self.propose_button = QPushButton("Usulan baru…")
        self.assign_button.setEnabled(may_assign)
        self.sheet_button.setEnabled(may_assign)
        self.import_button.setEnabled(may_enter)
        self.propose_button.setEnabled(may_enter)
        self.assign_button.clicked.connect(self.assign)
        self.sheet_button.clicked.connect(self.print_sheet)
        self.import_button.clicked.connect(self.import_sheet)
        self.propose_button.clicked.connect(self.propose)
        top = QHBoxLayout()
        for w in (self.round_label, QLabel("Kecamatan"), self.kec, QLabel("Desa/Kel."), self.desa, QLabel("Petugas"),
                  self.petugas):
            top.addWidget(w)
        top.addStretch(1)
        for w in (self.assign_button, self.sheet_button, self.import_button, self.propose_button):
            top.addWidget(w)

        self.family_table = QTableWidget(0, 4)
        self.family_table.setObjectName("familyTable")
        self.family_table.setHorizontalHeaderLabels(["Kepala keluarga", "RT/RW", "Petugas", "Status"])
        self.family_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.family_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.family_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.family_table.verticalHeader().setVisible(False)
        self.family_table.setWordWrap(False)
        fh = self.family_table.horizontalHeader()
        fh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c, w in ((1, 64), (2, 104), (3, 58)):
            fh.setSectionResizeMode(c, QHeaderView.ResizeMode.Fixed)
            self.family_table.setColumnWidth(c, w)
        self.family_table.verticalHeader().setDefaultSectionSize(24)
        self.family_table.currentCellChanged.connect(lambda r, _c, _pr, _pc: self.open_family(r))

        self.family_title = QLabel("Pilih desa/kelurahan, lalu keluarga.")
        self.family_title.setObjectName("familyTitle")
        self.family_title.setWordWrap(True)
        self.kelayakan = QComboBox()
        self.kelayakan.setObjectName("kelayakanCombo")
        self.kelayakan.addItem("", None)
        for k in Kelayakan:
            self.kelayakan.addItem(KELAYAKAN_LABELS[k], k.value)
        self.visit = QLineEdit()
        self.visit.setObjectName("visitEdit")
        self.visit.setPlaceholderText("dd-mm-yyyy")
        self.visit_petugas = QComboBox()
        self.visit_petugas.setEditable(True)
        self.fix_alamat = QLineEdit()
        self.fix_rt = QLineEdit()
        self.fix_rt.setMaxLength(3)
        self.fix_rw = QLineEdit()
        self.fix_rw.setMaxLength(3)
        self.note = QLineEdit()
        form = QFormLayout()
        row1 = QHBoxLayout()
        row1.addWidget(self.kelayakan)
        row1.addWidget(QLabel("Tanggal kunjungan"))
        row1.addWidget(self.visit)
        row1.addWidget(QLabel("Petugas"))
        row1.addWidget(self.visit_petugas, 1)
        form.addRow("Kelayakan", row1)
        row2 = QHBoxLayout()
        row2.addWidget(self.fix_alamat, 1)
        row2.addWidget(QLabel("RT"))
        row2.addWidget(self.fix_rt)
        row2.addWidget(QLabel("RW"))
        row2.addWidget(self.fix_rw)
        form.addRow("Koreksi alamat", row2)
        form.addRow("Catatan keluarga", self.note)
        self.grid = MemberGrid()
        self.error = ErrorLabel()
        self.save_button = QPushButton("Simpan (Ctrl+S)")
        self.next_button = QPushButton("Simpan && berikutnya (Ctrl+Enter)")
        self.next_button.setObjectName("saveNextButton")
        self.save_button.setEnabled(False)
        self.next_button.setEnabled(False)
        self.save_button.clicked.connect(lambda: self.save(False))
        self.next_button.clicked.connect(lambda: self.save(True))
        QShortcut(QKeySequence("Ctrl+S"), self, activated=lambda: self.save(False))
        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(seq), self, activated=lambda: self.save(True))
        buttons = QHBoxLayout()
        buttons.addWidget(self.error, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.next_button)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.addWidget(self.family_title)
        rl.addLayout(form)
        rl.addWidget(self.grid, 1)
        rl.addLayout(buttons)
        split = QSplitter()
        split.addWidget(self.family_table)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        split.setSizes([420, 960])

        self.progress_table = QTableWidget(0, 4)
        self.progress_table.setObjectName("progressTable")
        self.progress_table.setHorizontalHeaderLabels(["Desa/Kelurahan", "Petugas", "Selesai", "Belum"])
        self.progress_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.progress_table.verticalHeader().setVisible(False)
        ph = self.progress_table.horizontalHeader()
        ph.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        ph.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.progress_table.verticalHeader().setDefaultSectionSize(24)
        self.progress_table.setMaximumHeight(140)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(QLabel("Kemajuan per petugas (putaran ini)"))
        layout.addWidget(self.progress_table)
        events.follow(self, ctx.events, {events.REGISTRY}, self.refresh)
        self.refresh()

    def wait_idle(self, timeout_ms: int = 30_000) -> bool:
        """Wait (processing events) until every read and save of the page has been delivered."""
        from PySide6.QtCore import QCoreApplication

        from dtks_desktop.views.common.widgets import desa_reads, job_runner

        for _ in range(3):  # a delivered read may start the next one (desa list -> families -> family)
            if not job_runner().wait_all(timeout_ms):
                return False
            QCoreApplication.processEvents()
            for r in (self.reads, self.family_reads, self.progress_reads, desa_reads(self.desa)):
                if not r.wait_idle(timeout_ms):
                    return False
        return not self.saving

    # --- loading --------------------------------------------------------------------------------

    def refresh(self) -> None:
        self.reads.start(self.ctx.db.read, progress_service.page_info, on_done=self._info,
                         on_error=lambda exc: self.error.show_error(user_message(exc)[0]))
        self.load_progress()
        if self.desa.currentData():
            self.load_families()

    def _info(self, info) -> None:
        first = self.info is None
        self.info = info
        self.round_label.setText(f"Putaran: {info.putaran}")
        if first:
            fill_kecamatan_combo(self.kec, info.kecamatan)
        current = self.petugas.currentData()
        self.petugas.blockSignals(True)
        self.petugas.clear()
        self.petugas.addItem("Semua petugas", None)
        for nama, peran in info.petugas:
            self.petugas.addItem(f"{nama} ({peran})", nama)
        self.petugas.setCurrentIndex(max(0, self.petugas.findData(current)))
        self.petugas.blockSignals(False)
        keep = self.visit_petugas.currentText()
        self.visit_petugas.clear()
        self.visit_petugas.addItems([""] + [n for n, _p in info.petugas])
        self.visit_petugas.setCurrentText(keep)

    def load_progress(self) -> None:
        self.progress_reads.start(self.ctx.db.read, progress_service.progress, on_done=self._progress)

    def _progress(self, rows) -> None:
        self.progress_table.setRowCount(len(rows))
        for r, p in enumerate(rows):
            for c, v in enumerate([p.desa, p.petugas, str(p.done), str(p.left)]):
                it = QTableWidgetItem(v)
                if c >= 2:
                    it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.progress_table.setItem(r, c, it)

    def load_families(self, select_id: int | None = None) -> None:
        kode = self.desa.currentData()
        if not kode:
            self.families = []
            self.family_table.setRowCount(0)
            return
        self.family_reads.start(self.ctx.db.read, findings.desa_families, self.ctx.actor, kode,
                                self.petugas.currentData(), on_done=lambda rows: self._families(rows, select_id),
                                on_error=lambda exc: self.error.show_error(user_message(exc)[0]))

    def _families(self, rows, select_id: int | None) -> None:
        self.families = rows
        t = self.family_table
        t.blockSignals(True)
        t.setRowCount(len(rows))
        for r, f in enumerate(rows):
            vals = [f.kepala, f"{f.rt or '-'}/{f.rw or '-'}", f.petugas or "-", "Selesai" if f.done else "Belum"]
            for c, v in enumerate(vals):
                it = QTableWidgetItem(v)
                it.setToolTip(f"{f.key} · No KK {f.no_kk} · {f.members} anggota")
                if f.done:
                    it.setBackground(QBrush(DONE_BG))
                t.setItem(r, c, it)
        t.blockSignals(False)
        row = next((i for i, f in enumerate(rows) if f.household_id == select_id), None)
        if row is None:
            row = next((i for i, f in enumerate(rows) if not f.done), 0 if rows else None)
        if row is not None:
            t.setCurrentCell(row, 0)
            self.open_family(row)

    def open_family(self, row: int) -> None:
        if row < 0 or row >= len(self.families):
            return
        f = self.families[row]
        self.reads.start(self.ctx.db.read, findings.family_detail, self.ctx.actor, f.household_id,
                         on_done=self._detail, on_error=lambda exc: self.error.show_error(user_message(exc)[0]))

    def _detail(self, d: findings.FamilyDetail) -> None:
        self.detail = d
        self.error.clear_error()
        place = ", ".join(x for x in (d.alamat, f"RT {d.rt or '-'}/RW {d.rw or '-'}",
                                      f"Dusun {d.dusun}" if d.dusun else "") if x)
        state = "sudah dicatat" if d.done else "belum dicatat"
        self.family_title.setText(f"<b>{d.key}</b> · No KK {d.no_kk or '(kosong)'} · {place} · putaran {d.putaran}"
                                  f" · <i>{state}</i>")
        self.kelayakan.setCurrentIndex(max(0, self.kelayakan.findData(d.kelayakan)))
        self.visit.setText(tanggal(d.tanggal_kunjungan) if d.tanggal_kunjungan else tanggal(date.today()))
        self.visit_petugas.setCurrentText(d.petugas or "")
        self.fix_alamat.setText(d.koreksi_alamat or "")
        self.fix_rt.setText(d.koreksi_rt or "")
        self.fix_rw.setText(d.koreksi_rw or "")
        self.note.setText(d.catatan or "")
        g = self.grid
        g.setRowCount(len(d.members))
        for r, m in enumerate(d.members):
            vals = [m.nama, m.nik, m.hubungan, m.tanggal_lahir, m.dukcapil, m.keberadaan or "", m.koreksi_nama or "",
                    m.koreksi_nik or "", tanggal(m.koreksi_tanggal_lahir), m.catatan or ""]
            for c, v in enumerate(vals):
                it = QTableWidgetItem(v)
                if c < FIRST_EDIT:
                    it.setFlags(it.flags() & ~Qt.ItemFlag.ItemIsEditable)
                    it.setForeground(QBrush(QColor("#37474f")))
                g.setItem(r, c, it)
        may = can(self.ctx.actor, Capability.VERIFY_ENTER)
        self.save_button.setEnabled(may)
        self.next_button.setEnabled(may)
        if d.members:
            g.setCurrentCell(0, COL_KEB)
            g.setFocus()

    # --- saving ---------------------------------------------------------------------------------

    def entry(self) -> findings.FamilyEntry | None:
        d = self.detail
        if d is None:
            return None

        def day(text: str, label: str):
            s = text.strip()
            if not s:
                return None
            v, issue = parse_date(s)
            if v is None or (issue is not None and issue.is_error):
                raise ValueError(f"{label} tidak dapat dipakai: {issue.message if issue else s}")
            return v

        members = []
        for r, m in enumerate(d.members):
            cell = lambda c: (self.grid.item(r, c).text() if self.grid.item(r, c) else "").strip()  # noqa: E731
            members.append(findings.MemberEntry(m.member_id, cell(COL_KEB) or None, cell(COL_NAMA) or None,
                                                cell(COL_NIK) or None,
                                                day(cell(COL_TGL), f"Koreksi tanggal lahir {m.nama}"),
                                                cell(COL_CAT) or None))
        members += d.new_members
        return findings.FamilyEntry(d.household_id, self.kelayakan.currentData(), self.fix_alamat.text() or None,
                                    self.fix_rt.text() or None, self.fix_rw.text() or None, self.note.text() or None,
                                    day(self.visit.text(), "Tanggal kunjungan"),
                                    self.visit_petugas.currentText().strip() or None, members)

    def save(self, go_next: bool) -> None:
        if self.detail is None or self.saving or not self.save_button.isEnabled():
            return
        if self.grid.state() == QAbstractItemView.State.EditingState:
            self.grid.commitData(self.grid.focusWidget())
        try:
            e = self.entry()
        except ValueError as exc:
            self.error.show_error(str(exc))
            return
        self.saving = True
        hid = self.detail.household_id
        start_job(self, Job(self.ctx.db.write, findings.save_family, self.ctx.actor, e, with_progress=False),
                  "Menyimpan hasil verifikasi", lambda res: self._saved(res, hid, go_next),
                  on_error=self._save_failed, show_after_ms=600)

    def _saved(self, res: findings.SaveResult, hid: int, go_next: bool) -> None:
        self.saving = False
        self.ctx.events.changed(res.changes, source=self)
        text = f"Tersimpan ({res.members} anggota" + (f", {res.nik_corrected} NIK dikoreksi"
                                                      if res.nik_corrected else "") + ")."
        if res.status_note:
            self.error.show_warning(f"{text} {res.status_note}")
        else:
            moved = f" Status keluarga: {HOUSEHOLD.label(res.status)}." if res.status_moved else ""
            self.error.show_ok(text + moved)
        nxt = hid
        if go_next:
            idx = next((i for i, f in enumerate(self.families) if f.household_id == hid), -1)
            later = [f for f in self.families[idx + 1:] if not f.done] or self.families[idx + 1:idx + 2]
            nxt = later[0].household_id if later else hid
        self.load_families(select_id=nxt)
        self.load_progress()

    def _save_failed(self, exc: BaseException) -> None:
        self.saving = False
        message, hint = user_message(exc)
        self.error.show_error(f"{message} {hint}".strip())

    # --- actions --------------------------------------------------------------------------------

    def _need_desa(self) -> str | None:
        kode = self.desa.currentData()
        if not kode:
            QMessageBox.information(self, "Pilih desa", "Pilih kecamatan dan desa/kelurahan dulu.")
        return kode

    def assign(self) -> None:
        kode = self._need_desa()
        if not kode:
            return
        dlg = AssignDialog(self.desa.currentText(), [n for n, _p in (self.info.petugas if self.info else [])], self)
        if dlg.exec() != QDialog.DialogCode.Accepted or not dlg.petugas.currentText().strip():
            return
        start_job(self, Job(self.ctx.db.write, assign_service.assign, self.ctx.actor, kode,
                            dlg.petugas.currentText().strip(), peran=dlg.peran.currentData(),
                            rw=dlg.rw.text().strip() or None, with_progress=False),
                  "Menugaskan petugas", self._assigned)

    def _assigned(self, res) -> None:
        self.ctx.events.changed(res.changes, source=self)
        QMessageBox.information(self, "Petugas ditugaskan", res.summary_text())
        self.refresh()

    def print_sheet(self) -> None:
        kode = self._need_desa()
        if not kode:
            return
        path, _f = QFileDialog.getSaveFileName(self, "Simpan lembar kerja", f"lembar_kerja_{self.desa.currentText()}.pdf",
                                               "PDF (*.pdf);;Excel (*.xlsx)")
        if not path:
            return
        start_job(self, Job(self.ctx.db.write, worksheets.write_worksheet, self.ctx.actor, kode, path,
                            self.petugas.currentData()), "Menyusun lembar kerja", self._sheet_written)

    def _sheet_written(self, res) -> None:
        text = f"Ditulis ke {res.path}: {res.families} keluarga, {res.members} anggota."
        if res.warnings:  # e.g. the Kepala Desa's name is not stored: dotted lines were printed
            QMessageBox.warning(self, "Lembar kerja", text + "\n\n" + "\n".join(res.warnings))
        else:
            QMessageBox.information(self, "Lembar kerja", text)

    def import_sheet(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, "Impor lembar kerja yang sudah diisi", "",
                                               "Lembar kerja (*.xlsx *.xls *.ods *.csv)")
        if path:
            start_job(self, Job(sheet_import.import_findings, self.ctx.db, self.ctx.actor, path),
                      "Mengimpor hasil verifikasi", self._imported)

    def _imported(self, res) -> None:
        if res.ok:
            self.ctx.events.changed(res.changes, source=self)
        box = QMessageBox(QMessageBox.Icon.Information if res.ok else QMessageBox.Icon.Warning,
                          "Impor hasil verifikasi", res.summary_text().splitlines()[0], parent=self)
        if res.problems:
            box.setDetailedText(res.summary_text())
        box.exec()
        self.refresh()

    def propose(self) -> None:
        kode = self._need_desa()
        if not kode:
            return
        names = [n for n, _p in (self.info.petugas if self.info else [])]
        dlg = ProposalDialog(self.ctx, kode, self.desa.currentText(), names, self)
        if dlg.exec() == QDialog.DialogCode.Accepted:
            QMessageBox.information(self, "Usulan baru", f"Usulan #{dlg.saved_id} disimpan. Usulan dibahas di "
                                    "musyawarah desa/kelurahan.")


__all__ = ["VerificationView", "MemberGrid"]
