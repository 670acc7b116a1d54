"""Usulan baru: a family proposed in the field, entered person by person.

The NIK is checked as it is typed (``domain/nik.py``: 16 digits, birth date, serial) and, once it
is a valid NIK, against the civil-registry snapshot in a job (the name and birth date Dukcapil
holds are shown at once). Saving runs ``proposals.create_proposal`` in a job; the proposal is
not in the registry (the Musdes decides later).
"""

from __future__ import annotations

from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from dtks_desktop.domain.family import HUBUNGAN_LABELS
from dtks_desktop.domain.formatting import tanggal
from dtks_desktop.domain.nik import parse_nik
from dtks_desktop.jobs import Job
from dtks_desktop.services.importing.dates import parse_date
from dtks_desktop.services.verification import proposals
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.latest import LatestJob
from dtks_desktop.views.common.widgets import ErrorLabel, start_job, user_message

OK_STYLE = "color: #2e7d32;"
WARN_STYLE = "color: #b26a00;"
BAD_STYLE = "color: #c62828;"


class ProposalDialog(QDialog):
    """Form for one proposed family; ``saved_id`` holds the proposal's id after OK."""

    def __init__(self, ctx: AppContext, desa_kode: str, desa_nama: str, petugas: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.desa_kode = desa_kode
        self.saved_id: int | None = None
        self.people: list[proposals.ProposedPerson] = []
        self.checks: list[str] = []
        self.last_check: proposals.NikCheck | None = None
        self.nik_reads = LatestJob(self)
        self.setWindowTitle(f"Usulan keluarga baru — {desa_nama}")
        self.setMinimumWidth(720)

        fam = QGroupBox("Keluarga")
        ff = QFormLayout(fam)
        self.no_kk = QLineEdit()
        self.no_kk.setMaxLength(16)
        self.no_kk.setPlaceholderText("16 digit, boleh kosong")
        self.alamat = QLineEdit()
        self.rt = QLineEdit()
        self.rt.setMaxLength(3)
        self.rw = QLineEdit()
        self.rw.setMaxLength(3)
        rtrw = QHBoxLayout()
        rtrw.addWidget(QLabel("RT"))
        rtrw.addWidget(self.rt)
        rtrw.addWidget(QLabel("RW"))
        rtrw.addWidget(self.rw)
        self.petugas = QComboBox()
        self.petugas.setEditable(True)
        self.petugas.addItems([""] + petugas)
        self.alasan = QLineEdit()
        self.alasan.setPlaceholderText("mengapa keluarga ini diusulkan")
        ff.addRow("No KK", self.no_kk)
        ff.addRow("Alamat", self.alamat)
        ff.addRow("", rtrw)
        ff.addRow("Petugas", self.petugas)
        ff.addRow("Alasan", self.alasan)

        person = QGroupBox("Anggota (kepala keluarga lebih dulu)")
        pf = QFormLayout(person)
        self.nik = QLineEdit()
        self.nik.setObjectName("nikEdit")
        self.nik.setMaxLength(16)
        self.nik.setPlaceholderText("16 digit")
        self.nik_status = QLabel("")
        self.nik_status.setObjectName("nikStatus")
        self.nik_status.setWordWrap(True)
        self.nama = QLineEdit()
        self.tgl = QLineEdit()
        self.tgl.setPlaceholderText("dd-mm-yyyy")
        self.jk = QComboBox()
        self.jk.addItem("Laki-laki", "L")
        self.jk.addItem("Perempuan", "P")
        self.hub = QComboBox()
        for code, label in HUBUNGAN_LABELS.items():
            self.hub.addItem(label, code)
        self.add_button = QPushButton("Tambah ke daftar")
        self.add_button.clicked.connect(self.add_person)
        pf.addRow("NIK", self.nik)
        pf.addRow("", self.nik_status)
        pf.addRow("Nama", self.nama)
        pf.addRow("Tanggal lahir", self.tgl)
        pf.addRow("Jenis kelamin", self.jk)
        pf.addRow("Hubungan", self.hub)
        pf.addRow("", self.add_button)
        self.nik.textChanged.connect(self.on_nik)

        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["Nama", "NIK", "Tgl lahir", "Hubungan", "Dukcapil"])
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setMinimumHeight(120)

        self.error = ErrorLabel()
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton("Simpan usulan", QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton("Batal", QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.clicked.connect(self.submit)
        cancel.clicked.connect(self.reject)
        self.ok_button.setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.addWidget(fam)
        layout.addWidget(person)
        layout.addWidget(self.table)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    # --- live NIK check -------------------------------------------------------------------------

    def on_nik(self, text: str) -> None:
        s = text.strip()
        self.last_check = None
        if not s:
            self.nik_reads.supersede()
            self._status("", OK_STYLE)
            return
        if len(s) < 16:
            self.nik_reads.supersede()
            bad = not s.isdigit()
            self._status("NIK hanya angka." if bad else f"{len(s)} dari 16 digit.", BAD_STYLE if bad else WARN_STYLE)
            return
        info = parse_nik(s)
        if not info.ok:
            self.nik_reads.supersede()
            self._status("NIK tidak sah: " + info.errors[0].message, BAD_STYLE)
            return
        self._status("NIK sah; memeriksa data Dukcapil…", WARN_STYLE)
        self.nik_reads.start(self.ctx.db.read, proposals.check_nik, self.ctx.actor, s, on_done=self._checked,
                             on_error=lambda exc: self._status(user_message(exc)[0], BAD_STYLE))

    def _checked(self, chk: proposals.NikCheck) -> None:
        self.last_check = chk
        self._status(chk.text(), OK_STYLE if chk.dukcapil else (BAD_STYLE if not chk.valid else WARN_STYLE))
        if chk.dukcapil and not self.nama.text().strip():
            self.nama.setText(chk.dukcapil_nama or "")
            if chk.dukcapil_tanggal_lahir:
                self.tgl.setText(tanggal(chk.dukcapil_tanggal_lahir))
            if chk.dukcapil_jenis_kelamin:
                self.jk.setCurrentIndex(max(0, self.jk.findData(chk.dukcapil_jenis_kelamin)))

    def _status(self, text: str, style: str) -> None:
        self.nik_status.setText(text)
        self.nik_status.setStyleSheet(style)

    # --- people ---------------------------------------------------------------------------------

    def add_person(self) -> None:
        nama = " ".join(self.nama.text().split())
        nik = self.nik.text().strip()
        if not nama:
            self.error.show_error("Isi nama anggota.")
            return
        if nik and not parse_nik(nik).ok:
            self.error.show_error("NIK anggota ini tidak sah; perbaiki atau kosongkan.")
            return
        dob = None
        if self.tgl.text().strip():
            dob, issue = parse_date(self.tgl.text().strip())
            if dob is None or (issue is not None and issue.is_error):
                self.error.show_error(f"Tanggal lahir tidak dapat dipakai: {issue.message if issue else ''}")
                return
        self.error.clear_error()
        self.people.append(proposals.ProposedPerson(nama, nik or None, dob, self.jk.currentData(),
                                                    self.hub.currentData()))
        check = self.last_check.text() if (self.last_check and self.last_check.nik == nik) else (
            "tanpa NIK" if not nik else "belum diperiksa")
        r = self.table.rowCount()
        self.table.insertRow(r)
        for c, v in enumerate([nama, nik or "-", tanggal(dob), self.hub.currentText(), check]):
            self.table.setItem(r, c, QTableWidgetItem(v))
        for w in (self.nik, self.nama, self.tgl):
            w.clear()
        self.hub.setCurrentIndex(min(2, self.hub.count() - 1))  # next ones are usually children
        self.nik.setFocus()

    def submit(self) -> None:
        if self.nama.text().strip():
            self.add_person()  # the person still in the fields belongs to the family too
        if not self.people:
            self.error.show_error("Tambahkan paling sedikit satu anggota (kepala keluarga).")
            return
        data = proposals.ProposalInput(self.desa_kode, list(self.people), self.no_kk.text().strip() or None,
                                       self.alamat.text().strip() or None, self.rt.text().strip() or None,
                                       self.rw.text().strip() or None, self.alasan.text().strip() or None,
                                       self.petugas.currentText().strip() or None)
        self.ok_button.setEnabled(False)
        start_job(self, Job(self.ctx.db.write, proposals.create_proposal, self.ctx.actor, data, with_progress=False),
                  "Menyimpan usulan", self._saved, on_error=self._failed)

    def _saved(self, pid: int) -> None:
        self.saved_id = pid
        self.ctx.events.changed(proposals.create_proposal.changes, source=self)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        message, hint = user_message(exc)
        self.error.show_error(f"{message} {hint}".strip())


__all__ = ["ProposalDialog"]
