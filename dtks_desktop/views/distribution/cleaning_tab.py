""""Pembersihan": the PT Pos completeness and deliverability rules over the period's KPM, round
by round. Run a round (progress, "Batal"), read every round (file, checked, lengkap,
dikembalikan, by whom, when) and the reasons of the chosen one; send the returned list per desa
(.xlsx, NIK masked) back for completion, import the completed file (checked again as a new round),
and export the lengkap KPM for PT Pos."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QFileDialog, QGroupBox, QHBoxLayout, QLabel, QMessageBox,
                               QPushButton, QSplitter, QVBoxLayout, QWidget)

from dtks_desktop.domain.distribution import CLEAN_REASON_LABELS, CleanReason
from dtks_desktop.domain.formatting import angka
from dtks_desktop.domain.permissions import Capability, can
from dtks_desktop.domain.workflow.distribution import PeriodStatus
from dtks_desktop.jobs import Job
from dtks_desktop.services.distribution import cleaning, ptpos
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.widgets import fill_table, plain_table
from dtks_desktop.views.distribution.common import PeriodTab, desa_combo, when
from dtks_desktop.views.distribution.tree import desa_nodes, safe_name

#: States in which the KPM list may still be cleaned.
CLEANABLE = (PeriodStatus.DRAF, PeriodStatus.SIAP, PeriodStatus.PENYALURAN)
FILE_FILTER = "Data perbaikan (*.xlsx *.xls *.csv *.ods)"


def reason_label(code: str) -> str:
    """"kk_ganda" -> "Lebih dari satu KPM dalam satu KK" (an unknown code as written)."""
    try:
        return CLEAN_REASON_LABELS[CleanReason(code)]
    except ValueError:
        return code


def result_text(res) -> str:
    """"Ronde 2: 120 diperiksa — 110 lengkap, 10 dikembalikan." """
    text = (f"Ronde {res.round}: {angka(res.checked)} KPM diperiksa — {angka(res.lengkap)} lengkap, "
            f"{angka(res.dikembalikan)} dikembalikan.")
    if res.file_name:
        text = f"{res.file_name}: data {angka(res.updated)} KPM diperbarui. " + text
    if res.problems:
        text += f" {angka(len(res.problems))} baris berkas tidak diambil."
    return text


class CleaningTab(PeriodTab):
    """Cleaning rounds of the period, the returned list out and the completed data in."""

    #: The user asked to see the returned KPM (of a desa, or None for all): the page shows the KPM tab.
    showReturned = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.may_manage = can(ctx.actor, Capability.DIST_MANAGE)
        self.rounds: list = []
        self.last_result = None  # CleanResult of the last round run here (tests, the message)
        self.last_export: Path | None = None
        self.summary = QLabel()
        self.summary.setObjectName("cleanSummary")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-size: 10pt;")
        self.clean_button = QPushButton("Jalankan pembersihan")
        self.clean_button.setObjectName("cleanButton")
        self.clean_button.setToolTip("Periksa KPM yang belum lengkap dengan aturan PT Pos (satu ronde baru)")
        self.clean_button.clicked.connect(self.run_clean)
        self.completed_button = QPushButton("Impor data perbaikan…")
        self.completed_button.setObjectName("completedButton")
        self.completed_button.setToolTip("Berkas kembalian dari desa/PT Pos yang sudah dilengkapi: diperiksa lagi "
                                         "sebagai ronde baru")
        self.completed_button.clicked.connect(self.import_completed)
        self.returned_desa = desa_combo("returnedDesa", 16)
        self.returned_button = QPushButton("Ekspor .xlsx…")
        self.returned_button.setObjectName("returnedButton")
        self.returned_button.setToolTip("Daftar KPM yang dikembalikan beserta alasannya (.xlsx, NIK disamarkan, "
                                        "satu lembar per desa)")
        self.returned_button.clicked.connect(self.export_returned)
        self.show_returned_button = QPushButton("Lihat di Daftar KPM")
        self.show_returned_button.setObjectName("showReturnedButton")
        self.show_returned_button.clicked.connect(lambda: self.showReturned.emit(self.returned_desa.currentData()))
        self.ptpos_button = QPushButton("Ekspor untuk PT Pos…")
        self.ptpos_button.setObjectName("ptposButton")
        self.ptpos_button.setToolTip("KPM yang lengkap dalam susunan kolom berkas kirim PT Pos (.xlsx)")
        self.ptpos_button.clicked.connect(self.export_ptpos)

        actions = QGroupBox("Tindakan")
        row1 = QHBoxLayout()
        for b in (self.clean_button, self.completed_button, self.ptpos_button):
            row1.addWidget(b)
        row1.addStretch(1)
        row2 = QHBoxLayout()
        row2.addWidget(QLabel("Dikembalikan:"))
        row2.addWidget(self.returned_desa, 1)
        row2.addWidget(self.returned_button)
        row2.addWidget(self.show_returned_button)
        al = QVBoxLayout(actions)
        al.addLayout(row1)
        al.addLayout(row2)

        self.rounds_table = plain_table([("Ronde", 50), ("Berkas", 166), ("Diperiksa", 70), ("Lengkap", 66),
                                   ("Dikembalikan", 100), ("Oleh", 94), ("Waktu", 120)], "roundsTable")
        self.rounds_table.itemSelectionChanged.connect(self._round_chosen)
        self.reasons_title = QLabel("Alasan pengembalian")
        self.reasons_title.setObjectName("reasonsTitle")
        self.reasons_table = plain_table([("Alasan", 320), ("KPM", 60)], "reasonsTable")
        self.reasons_table.horizontalHeader().setStretchLastSection(False)
        rounds_box = QWidget()
        rb = QVBoxLayout(rounds_box)
        rb.setContentsMargins(0, 0, 0, 0)
        rb.addWidget(QLabel("<b>Ronde pembersihan</b>"))
        rb.addWidget(self.rounds_table, 1)
        reasons_box = QWidget()
        eb = QVBoxLayout(reasons_box)
        eb.setContentsMargins(0, 0, 0, 0)
        eb.addWidget(self.reasons_title)
        eb.addWidget(self.reasons_table, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(rounds_box)
        split.addWidget(reasons_box)
        split.setSizes([220, 260])
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(actions)
        layout.addWidget(split, 1)
        layout.addWidget(self.error)
        if not self.may_manage:
            for b in (self.clean_button, self.completed_button, self.returned_button, self.ptpos_button):
                b.setToolTip("Hanya operator, supervisor atau admin yang membersihkan daftar KPM.")

    # --- showing
    def show_period(self) -> None:
        p = self.period
        keep = self.returned_desa.currentData()
        self.returned_desa.clear()
        self.returned_desa.addItem("Semua desa/kelurahan", None)
        for kec, desa in desa_nodes(self.tree):
            if desa.dikembalikan:
                self.returned_desa.addItem(f"{desa.nama} ({angka(desa.dikembalikan)})", desa.kode)
        i = self.returned_desa.findData(keep)
        self.returned_desa.setCurrentIndex(max(i, 0))
        if p is None:
            self.summary.setText("")
            self.rounds = []
            fill_table(self.rounds_table, [])
            fill_table(self.reasons_table, [])
            self.update_actions()
            return
        parts = [f"<b>{angka(p.kpm)}</b> KPM", f"<span style='color:#2e7d32'><b>{angka(p.lengkap)}</b> lengkap</span>",
                 f"<span style='color:#c62828'><b>{angka(p.dikembalikan)}</b> dikembalikan</span>"]
        if p.belum_diperiksa:
            parts.append(f"{angka(p.belum_diperiksa)} belum diperiksa")
        self.summary.setText(" · ".join(parts))
        self.update_actions()
        self.read(cleaning.rounds, p.id, on_done=self._rounds)

    def _rounds(self, found) -> None:
        self.rounds = list(found)
        fill_table(self.rounds_table, [(r.round_no, r.file_name or "(pembersihan)", angka(r.checked), angka(r.lengkap),
                                  angka(r.dikembalikan), r.by or "", when(r.at))
                                 for r in self.rounds], right=(0, 2, 3, 4), tips=True)
        if self.rounds:
            self.rounds_table.selectRow(len(self.rounds) - 1)
        else:
            self.reasons_title.setText("Belum ada ronde pembersihan." if self.period else "")
            fill_table(self.reasons_table, [])

    def _round_chosen(self) -> None:
        rows = self.rounds_table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.rounds):
            return
        r = self.rounds[rows[0].row()]
        reasons = sorted(((reason_label(k), n) for k, n in r.reasons.items()), key=lambda kv: (-kv[1], kv[0]))
        self.reasons_title.setText(f"Alasan pengembalian — ronde {r.round_no}" if reasons else
                                   f"Ronde {r.round_no}: tidak ada KPM yang dikembalikan.")
        fill_table(self.reasons_table, [(label, angka(n)) for label, n in reasons], right=(1,))

    def update_actions(self) -> None:
        p = self.period
        idle = self.busy == 0
        st = p.status if p is not None else None
        active = self.may_manage and idle and st in CLEANABLE
        self.clean_button.setEnabled(active and (p.belum_diperiksa > 0 or p.dikembalikan > 0 or not self.rounds))
        self.completed_button.setEnabled(active and bool(self.rounds))
        self.returned_button.setEnabled(self.may_manage and idle and p is not None and p.dikembalikan > 0)
        self.show_returned_button.setEnabled(p is not None and p.dikembalikan > 0)
        self.ptpos_button.setEnabled(self.may_manage and idle and p is not None and p.lengkap > 0)

    # --- writing
    def run_clean(self) -> None:
        p = self.period
        if p is None:
            return
        job = Job(cleaning.clean, self.ctx.db, self.ctx.actor, p.id)
        self.run(job, f"Membersihkan daftar KPM {p.programme} {p.period}", self._cleaned, cancellable=True,
                 show_after_ms=150)

    def _cleaned(self, res) -> None:
        self.last_result = res
        self.error.show_ok(result_text(res))
        if res.problems:
            box = QMessageBox(QMessageBox.Icon.Warning, "Data perbaikan", result_text(res), parent=self)
            box.setInformativeText("Baris yang tidak diambil tidak mengubah data KPM; perbaiki berkasnya lalu impor lagi "
                                   "(berkas yang sama persis tidak dapat diimpor dua kali).")
            box.setDetailedText("\n".join(p.message for p in res.problems))
            box.exec()

    def import_completed(self) -> None:
        p = self.period
        if p is None:
            return
        path, _f = QFileDialog.getOpenFileName(self, f"Data perbaikan {p.programme} {p.period}", "", FILE_FILTER)
        if not path:
            return
        job = Job(ptpos.import_completed, self.ctx.db, self.ctx.actor, p.id, path)
        self.run(job, "Mengimpor dan memeriksa data perbaikan", self._cleaned, cancellable=True, show_after_ms=150)

    def _save_path(self, title: str, name: str) -> str:
        path, _f = QFileDialog.getSaveFileName(self, title, name, "Excel (*.xlsx)")
        if path and not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        return path

    def export_returned(self) -> None:
        p = self.period
        if p is None:
            return
        desa = self.returned_desa.currentData()
        where = safe_name(self.returned_desa.currentText().split(" (")[0]) if desa else "Semua_Desa"
        path = self._save_path("Simpan daftar KPM dikembalikan",
                               f"Dikembalikan_{safe_name(p.programme)}_{safe_name(p.period)}_{where}.xlsx")
        if not path:
            return
        job = Job(self.ctx.db.write, ptpos.export_returned, self.ctx.actor, p.id, Path(path), desa=desa,
                  with_progress=False)
        self.run(job, "Mengekspor daftar KPM dikembalikan", self._exported, changes=False)

    def export_ptpos(self) -> None:
        p = self.period
        if p is None:
            return
        path = self._save_path("Simpan berkas untuk PT Pos",
                               f"PTPos_{safe_name(p.programme)}_{safe_name(p.period)}.xlsx")
        if not path:
            return
        job = Job(self.ctx.db.write, ptpos.export_for_ptpos, self.ctx.actor, p.id, Path(path), with_progress=False)
        self.run(job, "Mengekspor berkas untuk PT Pos", self._exported, changes=False)

    def _exported(self, path) -> None:
        self.last_export = Path(path)
        self.error.show_ok(f"Tersimpan: {path}")
