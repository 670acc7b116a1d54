"""Tab "Penanda tangan": the signatories (add with a checked NIP, deactivate) and who signs each
document type."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dtks_desktop.domain.nip import NipError, format_nip, parse_nip
from dtks_desktop.jobs import Job
from dtks_desktop.services.documents import signers
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.widgets import ErrorLabel, ask_yes_no, start_job, user_message

COLUMNS = ("ID", "Nama", "NIP", "Pangkat/golongan", "Jabatan", "Status")


def load(db):
    with db.sessions() as s:
        return signers.list_signers(s), signers.choices(s)


def add(db, actor, values: dict):
    with db.transaction() as s:
        return signers.add_signer(s, actor, **values)


def deactivate(db, actor, signer_id: int):
    with db.transaction() as s:
        return signers.deactivate_signer(s, actor, signer_id)


def use(db, actor, doc_type: str, signer_id: int | None):
    with db.transaction() as s:
        return signers.use_signer(s, actor, doc_type, signer_id)


class SignersTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list = []
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.deactivate_button = QPushButton("Nonaktifkan")
        self.deactivate_button.clicked.connect(self.deactivate_selected)
        self.table.itemSelectionChanged.connect(self._selection)

        # add form
        self.nama = QLineEdit()
        self.nama.setPlaceholderText("Drs. SUTRISNO, M.Si")
        self.nip = QLineEdit()
        self.nip.setPlaceholderText("19680514 199303 1 007")
        self.nip.textEdited.connect(self._check_nip)
        self.nip_note = QLabel()
        self.pangkat = QLineEdit()
        self.pangkat.setPlaceholderText("Pembina Tingkat I (IV/b)")
        self.jabatan = QLineEdit()
        self.jabatan.setPlaceholderText("Kepala Dinas Sosial")
        self.add_button = QPushButton("Tambah penanda tangan")
        self.add_button.clicked.connect(self.add)
        form = QFormLayout()
        form.addRow("Nama:", self.nama)
        form.addRow("NIP:", self.nip)
        form.addRow("", self.nip_note)
        form.addRow("Pangkat/golongan:", self.pangkat)
        form.addRow("Jabatan:", self.jabatan)
        form.addRow("", self.add_button)
        add_box = QGroupBox("Tambah penanda tangan")
        add_box.setLayout(form)

        # per document type
        self.type_combos: dict[str, QComboBox] = {}
        types_form = QFormLayout()
        for doc_type, label in signers.DOC_TYPES.items():
            combo = QComboBox()
            combo.setMinimumWidth(320)
            combo.activated.connect(lambda _i, t=doc_type: self.choose(t))
            self.type_combos[doc_type] = combo
            types_form.addRow(label + ":", combo)
        types_box = QGroupBox("Penanda tangan per jenis dokumen")
        types_box.setLayout(types_form)

        self.message = ErrorLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel("Penanda tangan dokumen dinas. Yang dinonaktifkan tetap tercatat pada dokumen lama."), 1)
        top.addWidget(self.deactivate_button)
        lower = QHBoxLayout()
        lower.addWidget(add_box, 1)
        lower.addWidget(types_box, 1)
        column = QVBoxLayout(self)
        column.addLayout(top)
        column.addWidget(self.table, 1)
        column.addLayout(lower)
        column.addWidget(self.message)
        self._selection()
        self.reload()

    def reload(self) -> None:
        start_job(self, Job(load, self.ctx.db, with_progress=False), "Memuat penanda tangan", self._loaded,
                  on_error=self._failed)

    def _loaded(self, result) -> None:
        self.rows, chosen = result
        self.table.setRowCount(len(self.rows))
        for r, s in enumerate(self.rows):
            values = (str(s.id), s.nama, format_nip(s.nip), s.pangkat, s.jabatan, "Aktif" if s.aktif else "Nonaktif")
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                if not s.aktif:
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(r, c, item)
        for doc_type, combo in self.type_combos.items():
            combo.clear()
            combo.addItem("(belum dipilih)" if doc_type == signers.DEFAULT_TYPE else "(ikut bawaan)", None)
            current = chosen.get(doc_type)
            for s in self.rows:
                if s.aktif or s.id == current:
                    combo.addItem(f"{s.nama} — {s.jabatan}" + ("" if s.aktif else " (nonaktif)"), s.id)
            combo.setCurrentIndex(max(0, combo.findData(current)) if current is not None else 0)
        self._selection()

    def _failed(self, exc: BaseException) -> None:
        message, hint = user_message(exc)
        self.message.show_error(f"{message} {hint}".strip())

    def _selection(self) -> None:
        row = self.table.currentRow()
        self.deactivate_button.setEnabled(0 <= row < len(self.rows) and self.rows[row].aktif
                                          and bool(self.table.selectedItems()))

    def _check_nip(self, text: str) -> None:
        if not text.strip():
            self.nip_note.setText("")
            return
        try:
            info = parse_nip(text)
        except NipError as exc:
            self.nip_note.setText(f"<span style='color:#b00020'>{exc.message}</span>")
            return
        self.nip_note.setText(f"<span style='color:#1b5e20'>Lahir {info.lahir:%d-%m-%Y}, diangkat "
                              f"{info.diangkat[1]:02d}/{info.diangkat[0]}, "
                              f"{'laki-laki' if info.jenis_kelamin == 'L' else 'perempuan'}.</span>")

    def add(self) -> None:
        values = {"nama": self.nama.text(), "nip": self.nip.text(), "pangkat": self.pangkat.text(),
                  "jabatan": self.jabatan.text()}
        self.add_button.setEnabled(False)
        start_job(self, Job(add, self.ctx.db, self.ctx.actor, values, with_progress=False), "Menambah penanda tangan",
                  self._added, on_error=self._change_failed)

    def _added(self, signer) -> None:
        self.add_button.setEnabled(True)
        for edit in (self.nama, self.nip, self.pangkat, self.jabatan):
            edit.clear()
        self.nip_note.clear()
        self.message.show_ok(f"{signer.nama} ditambahkan sebagai penanda tangan #{signer.id}.")
        self.ctx.events.changed(signers.add_signer.changes, source=self.window())
        self.reload()

    def _change_failed(self, exc: BaseException) -> None:
        self.add_button.setEnabled(True)
        message = getattr(exc, "message", None)
        if not message:
            message, hint = user_message(exc)
            message = f"{message} {hint}".strip()
        self.message.show_error(message)
        self.reload()

    def deactivate_selected(self, confirm: bool = True) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.rows):
            return
        s = self.rows[row]
        if confirm and not ask_yes_no(self, "Nonaktifkan penanda tangan",
                                      f"Nonaktifkan {s.nama} ({s.jabatan})? Dokumen baru tidak lagi memakai "
                                      "penanda tangan ini."):
            return
        start_job(self, Job(deactivate, self.ctx.db, self.ctx.actor, s.id, with_progress=False),
                  "Menonaktifkan", self._deactivated, on_error=self._change_failed)

    def _deactivated(self, signer) -> None:
        self.message.show_ok(f"{signer.nama} dinonaktifkan.")
        self.ctx.events.changed(signers.deactivate_signer.changes, source=self.window())
        self.reload()

    def choose(self, doc_type: str) -> None:
        sid = self.type_combos[doc_type].currentData()
        start_job(self, Job(use, self.ctx.db, self.ctx.actor, doc_type, sid, with_progress=False),
                  "Menyimpan pilihan", lambda changed: self._chosen(doc_type, changed), on_error=self._change_failed)

    def _chosen(self, doc_type: str, changed: bool) -> None:
        if changed:
            self.message.show_ok(f"Penanda tangan {signers.DOC_TYPES.get(doc_type, doc_type)} disimpan.")
            self.ctx.events.changed(signers.use_signer.changes, source=self.window())
