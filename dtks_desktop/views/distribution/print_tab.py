""""Cetak": the period's documents — Daftar Nominatif, rekap, Surat Undangan, Daftar Tanda Terima,
BAST and the returned list — for one desa or all of them, into a folder, in a job with progress
and "Batal". Every role that prints (DOCS_PRINT, the pencetak too) may use it; NIKs are masked."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QButtonGroup, QDateEdit, QFileDialog, QFormLayout, QGridLayout, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QListWidget, QPushButton, QRadioButton, QVBoxLayout,
                               QWidget)

from dtks_desktop.domain.formatting import angka
from dtks_desktop.domain.permissions import Capability, can
from dtks_desktop.domain.workflow.distribution import PeriodStatus
from dtks_desktop.jobs import Job
from dtks_desktop.services.distribution import printing
from dtks_desktop.views.common import events
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.distribution.common import PeriodTab, desa_combo
from dtks_desktop.views.distribution.tree import desa_nodes, safe_name

#: (what, label, one file per desa, what it is for)
DOCUMENTS = (
    ("nominatif", "Daftar Nominatif", True, "Daftar KPM per desa/kelurahan, urut RW dan RT."),
    ("undangan", "Surat Undangan", True, "Undangan per KPM (beberapa per halaman, garis potong) dengan tempat, "
                                         "jam dan kode QR untuk pemindaian saat penyaluran."),
    ("tanda-terima", "Daftar Tanda Terima", True, "Per desa/RT: nama, NIK disamarkan, bantuan, kolom tanda tangan "
                                                  "atau cap jempol."),
    ("bast", "Berita Acara Serah Terima (BAST)", True, "Satu berita acara per desa/kelurahan."),
    ("rekap", "Rekapitulasi", False, "Satu rekap kabupaten: KPM dan jumlah bantuan per kecamatan dan desa "
                                     "(untuk Disperindag/Bulog atau Dinas Sosial)."),
    ("dikembalikan", "Daftar Dikembalikan", True, "KPM yang dikembalikan PT Pos beserta alasannya, per desa."),
)
#: Periods whose documents print (the KPM list has been cleaned at least once).
PRINTABLE = (PeriodStatus.SIAP, PeriodStatus.PENYALURAN, PeriodStatus.SELESAI)


def default_outdir(period) -> Path:
    """Documents/DTKS Penyaluran/<programme>_<period>: where a clerk looks for what was printed."""
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
    return Path(docs) / "DTKS Penyaluran" / f"{safe_name(period.programme)}_{safe_name(period.period)}"


class PrintTab(PeriodTab):
    """Choose a document, a desa and a folder; print in a job."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.may_print = can(ctx.actor, Capability.DOCS_PRINT)
        self.last_result = None  # PrintResult (tests, the message)
        self.last_outdir: Path | None = None
        self._default_out = ""
        self.what_group = QButtonGroup(self)
        what_box = QGroupBox("Dokumen")
        grid = QGridLayout(what_box)
        self.what_buttons: dict[str, QRadioButton] = {}
        for i, (what, label, _per_desa, tip) in enumerate(DOCUMENTS):
            b = QRadioButton(label)
            b.setObjectName(f"what_{what}")
            b.setToolTip(tip)
            self.what_group.addButton(b, i)
            self.what_buttons[what] = b
            grid.addWidget(b, i // 2, i % 2)
        self.what_note = QLabel()
        self.what_note.setObjectName("whatNote")
        self.what_note.setWordWrap(True)
        self.what_note.setStyleSheet("color: #616161;")
        grid.addWidget(self.what_note, (len(DOCUMENTS) + 1) // 2, 0, 1, 2)
        self.what_buttons["tanda-terima"].setChecked(True)
        self.what_group.idToggled.connect(lambda *_a: self.update_actions())

        self.when = QDateEdit(QDate.currentDate())
        self.when.setObjectName("printDate")
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("dd-MM-yyyy")
        self.when.setToolTip("Tanggal yang tertulis pada dokumen (dan di Agenda Surat)")
        self.when.setMaximumWidth(150)
        self.desa = desa_combo("printDesa", 30)
        self.outdir = QLineEdit()
        self.outdir.setObjectName("printOutdir")
        self.outdir.textChanged.connect(lambda _t: self.update_actions())
        self.browse = QPushButton("Pilih folder…")
        self.browse.clicked.connect(self.choose_folder)
        out_row = QHBoxLayout()
        out_row.addWidget(self.outdir, 1)
        out_row.addWidget(self.browse)
        form = QFormLayout()
        form.addRow("Desa/Kelurahan", self.desa)
        form.addRow("Tanggal dokumen", self.when)
        form.addRow("Folder hasil", out_row)
        self.print_button = QPushButton("Cetak")
        self.print_button.setObjectName("printButton")
        self.print_button.setStyleSheet("font-weight: 600; padding: 4px 18px;")
        self.print_button.clicked.connect(self.print_documents)
        self.open_button = QPushButton("Buka folder")
        self.open_button.setObjectName("openFolderButton")
        self.open_button.clicked.connect(self.open_folder)
        self.state_note = QLabel()
        self.state_note.setObjectName("printStateNote")
        self.state_note.setWordWrap(True)
        self.state_note.setStyleSheet("color: #5d4037;")
        buttons = QHBoxLayout()
        buttons.addWidget(self.state_note, 1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.print_button)
        self.files = QListWidget()
        self.files.setObjectName("printedFiles")
        self.files_title = QLabel("Berkas tercetak")
        self.files_title.setObjectName("filesTitle")
        self.files_title.setWordWrap(True)
        self.warnings = QLabel()
        self.warnings.setObjectName("printWarnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("QLabel#printWarnings { background: #fff8e1; color: #5d4037; border-radius: 4px; "
                                    "padding: 5px 8px; }")
        self.warnings.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(what_box)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.warnings)
        layout.addWidget(self.files_title)
        layout.addWidget(self.files, 1)
        layout.addWidget(self.error)

    def what(self) -> str:
        return DOCUMENTS[max(self.what_group.checkedId(), 0)][0]

    def per_desa(self) -> bool:
        return DOCUMENTS[max(self.what_group.checkedId(), 0)][2]

    def choose(self, what: str) -> None:
        self.what_buttons[what].setChecked(True)

    def show_period(self) -> None:
        keep = self.desa.currentData()
        self.desa.clear()
        self.desa.addItem("Semua desa/kelurahan (satu berkas per desa)", None)
        for kec, desa in desa_nodes(self.tree):
            self.desa.addItem(f"{desa.nama} (Kec. {kec.nama}) — {angka(desa.lengkap)} KPM lengkap", desa.kode)
        i = self.desa.findData(keep)
        self.desa.setCurrentIndex(max(i, 0))
        text = self.outdir.text().strip()
        if self.period is not None and (not text or text == self._default_out):
            # The period's own folder, unless the user chose another one.
            self._default_out = str(default_outdir(self.period))
            self.outdir.setText(self._default_out)
        self.update_actions()

    def update_actions(self) -> None:
        p = self.period
        self.what_note.setText(DOCUMENTS[max(self.what_group.checkedId(), 0)][3])
        self.desa.setEnabled(self.per_desa())
        ready = p is not None and p.status in PRINTABLE
        self.print_button.setEnabled(self.may_print and self.busy == 0 and ready and bool(self.outdir.text().strip()))
        self.open_button.setEnabled(self.last_outdir is not None)
        if p is None:
            self.state_note.setText("")
        elif not ready:
            self.state_note.setText("Dokumen dicetak setelah daftar KPM dibersihkan (tab Pembersihan)."
                                    if p.status == PeriodStatus.DRAF else "Tahap ini dibatalkan.")
        elif self.what() != "dikembalikan" and p.lengkap == 0:
            self.state_note.setText("Belum ada KPM lengkap untuk dicetak.")
        else:
            self.state_note.setText("")

    def choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Folder hasil cetak", self.outdir.text())
        if path:
            self.outdir.setText(path)

    def print_documents(self) -> None:
        p = self.period
        if p is None:
            return
        outdir = Path(self.outdir.text().strip())
        what = self.what()
        desa = self.desa.currentData() if self.per_desa() else None
        label = next(lbl for w, lbl, _d, _t in DOCUMENTS if w == what)
        d = self.when.date()
        job = Job(printing.print_documents, self.ctx.db, self.ctx.actor, p.id, what, outdir, desa=desa,
                  when=date(d.year(), d.month(), d.day()))
        self.run(job, f"Mencetak {label} {p.programme} {p.period}", lambda res: self._printed(outdir, label, res),
                 cancellable=True, show_after_ms=150, changes=False)

    def _printed(self, outdir: Path, label: str, res) -> None:
        self.last_result = res
        self.last_outdir = outdir
        self.ctx.events.changed({events.DOCUMENTS}, source=self)  # letters (BAST) enter the register
        self.files.clear()
        for path in res.files:
            self.files.addItem(Path(path).name)
        self.files_title.setText(f"Berkas tercetak di {outdir}")
        text = f"{label}: {angka(len(res.files))} berkas, {angka(res.pages)} halaman"
        if res.nomor:
            text += f"; nomor {', '.join(res.nomor[:3])}" + (" …" if len(res.nomor) > 3 else "")
        self.error.show_ok(text + ".")
        self.warnings.setText("\n".join(res.warnings))
        self.warnings.setVisible(bool(res.warnings))
        self.update_actions()

    def open_folder(self) -> None:
        if self.last_outdir is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_outdir)))
