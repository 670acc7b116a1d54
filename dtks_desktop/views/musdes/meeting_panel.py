"""The meeting of one desa/kelurahan: its details (date, time, place, chair, minute-taker, agenda),
its status and warnings, and the participants (daftar hadir) with their element (unsur).

Widgets only: the page (``musdes_view``) reads and saves through the services in jobs.
"""

from __future__ import annotations

from datetime import date, time

from PySide6.QtCore import QDate, Qt, QTime, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDateEdit, QFormLayout, QGroupBox, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QStyledItemDelegate,
                               QTableWidget, QTableWidgetItem, QTimeEdit, QVBoxLayout, QWidget)

from dtks_desktop.domain.formatting import tanggal
from dtks_desktop.domain.musdes import UNSUR_LABELS, Unsur
from dtks_desktop.domain.workflow.musdes import MEETING_STATUS_COLOURS, OPEN_STATES, MeetingStatus

PARTICIPANT_COLUMNS = ("Nama", "Unsur", "Jabatan")
COL_P_NAMA, COL_P_UNSUR, COL_P_JABATAN = range(3)
UNSUR_ROLE = Qt.ItemDataRole.UserRole + 1


class UnsurDelegate(QStyledItemDelegate):
    """A drop-down of the participants' elements; the item keeps the value in ``UNSUR_ROLE``."""

    def createEditor(self, parent, option, index):  # noqa: N802 - Qt API
        box = QComboBox(parent)
        for u in Unsur:
            box.addItem(UNSUR_LABELS[u], u.value)
        return box

    def setEditorData(self, editor, index):  # noqa: N802
        editor.setCurrentIndex(max(0, editor.findData(index.data(UNSUR_ROLE))))

    def setModelData(self, editor, model, index):  # noqa: N802
        model.setData(index, editor.currentData(), UNSUR_ROLE)
        model.setData(index, editor.currentText(), Qt.ItemDataRole.DisplayRole)


class ParticipantsTable(QTableWidget):
    """Daftar hadir: Nama, Unsur (drop-down), Jabatan; Enter moves to the next cell."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(PARTICIPANT_COLUMNS), parent)
        self.setObjectName("participantsTable")
        self.setHorizontalHeaderLabels(PARTICIPANT_COLUMNS)
        self.setItemDelegateForColumn(COL_P_UNSUR, UnsurDelegate(self))
        self.verticalHeader().setDefaultSectionSize(24)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        h = self.horizontalHeader()
        h.setSectionResizeMode(COL_P_NAMA, QHeaderView.ResizeMode.Stretch)
        self.setColumnWidth(COL_P_UNSUR, 150)
        self.setColumnWidth(COL_P_JABATAN, 96)
        self._filling = False
        self.itemChanged.connect(lambda _it: None if self._filling else self.edited.emit())

    def set_participants(self, participants) -> None:
        self._filling = True
        try:
            self.setRowCount(0)
            for p in participants:
                self.add_row(p.nama, p.unsur, p.jabatan)
        finally:
            self._filling = False

    def add_row(self, nama: str = "", unsur: str = Unsur.LAINNYA.value, jabatan: str = "") -> int:
        r = self.rowCount()
        was = self._filling
        self._filling = True
        try:
            self.insertRow(r)
            self.setItem(r, COL_P_NAMA, QTableWidgetItem(nama))
            u = QTableWidgetItem(UNSUR_LABELS.get(unsur, unsur))  # type: ignore[call-overload]
            u.setData(UNSUR_ROLE, unsur)
            self.setItem(r, COL_P_UNSUR, u)
            self.setItem(r, COL_P_JABATAN, QTableWidgetItem(jabatan or ""))
        finally:
            self._filling = was
        return r

    def remove_selected(self) -> int:
        rows = sorted({i.row() for i in self.selectedIndexes()} | ({self.currentRow()} if self.currentRow() >= 0
                                                                      and not self.selectedIndexes() else set()),
                      reverse=True)
        for r in rows:
            self.removeRow(r)
        if rows:
            self.edited.emit()
        return len(rows)

    def rows(self) -> list[tuple[str, str, str]]:
        """(nama, unsur, jabatan) of every row with a name."""
        out = []
        for r in range(self.rowCount()):
            nama = (self.item(r, COL_P_NAMA).text() if self.item(r, COL_P_NAMA) else "").strip()
            unsur_item = self.item(r, COL_P_UNSUR)
            unsur = (unsur_item.data(UNSUR_ROLE) if unsur_item else None) or Unsur.LAINNYA.value
            jab = (self.item(r, COL_P_JABATAN).text() if self.item(r, COL_P_JABATAN) else "").strip()
            if nama:
                out.append((nama, unsur, jab))
        return out

    def keyPressEvent(self, event):  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.state() == QAbstractItemView.State.EditingState:
                self.commitData(self.focusWidget())
                self.closeEditor(self.focusWidget(), QStyledItemDelegate.EndEditHint.NoHint)
            r, c = self.currentRow(), self.currentColumn()
            if c < self.columnCount() - 1:
                self.setCurrentCell(r, c + 1)
            elif r < self.rowCount() - 1:
                self.setCurrentCell(r + 1, 0)
            else:
                self.setCurrentCell(self.add_row(), 0)  # Enter on the last cell starts a new participant
            return
        super().keyPressEvent(event)


class MeetingPanel(QGroupBox):
    """The meeting's details, its status and warnings, and the participants."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Rapat", parent)
        self.setObjectName("meetingPanel")
        self.status = QLabel("Pilih desa/kelurahan.")
        self.status.setObjectName("meetingStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.warnings = QLabel()
        self.warnings.setObjectName("meetingWarnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("QLabel#meetingWarnings { background: #fff3e0; color: #6d4c00; "
                                    "border: 1px solid #ffcc80; border-radius: 4px; padding: 4px 6px; }")
        self.warnings.hide()
        self.sptjm_button = QPushButton("Cetak SPTJM…")
        self.sptjm_button.setObjectName("warningSptjmButton")
        self.sptjm_button.setToolTip("Surat Pernyataan Tanggung Jawab Mutlak, untuk desa/kelurahan yang tidak "
                                     "mengadakan musyawarah")
        self.sptjm_button.hide()

        self.tanggal = QDateEdit(QDate.currentDate())
        self.tanggal.setObjectName("meetingDate")
        self.tanggal.setCalendarPopup(True)
        self.tanggal.setDisplayFormat("dd-MM-yyyy")
        self.jam = QTimeEdit(QTime(9, 0))
        self.jam.setObjectName("meetingTime")
        self.jam.setDisplayFormat("HH:mm")
        self.tempat = QLineEdit()
        self.tempat.setObjectName("meetingPlace")
        self.tempat.setPlaceholderText("mis. Balai Desa")
        self.ketua = QComboBox()
        self.ketua.setObjectName("meetingChair")
        self.ketua.setEditable(True)
        self.ketua.lineEdit().setPlaceholderText("Kepala Desa/Lurah (dari data perangkat desa)")
        self.notulis = QComboBox()
        self.notulis.setObjectName("meetingNotulis")
        self.notulis.setEditable(True)
        self.notulis.lineEdit().setPlaceholderText("Notulis")
        self.agenda = QPlainTextEdit()
        self.agenda.setObjectName("meetingAgenda")
        self.agenda.setPlaceholderText("Kosong: agenda baku (verifikasi dan validasi data, usulan baru, "
                                       "penghapusan, perbaikan data)")
        self.agenda.setFixedHeight(84)
        self.save_button = QPushButton("Buat rapat")
        self.save_button.setObjectName("meetingSaveButton")
        self.replace_button = QPushButton("Rapat pengganti…")
        self.replace_button.setToolTip("Keputusan rapat yang sudah final hanya diubah dengan rapat baru; "
                                       "rapat lama tetap dapat dibaca.")
        self.replace_button.hide()
        self.cancel_button = QPushButton("Batalkan rapat…")
        self.cancel_button.setObjectName("meetingCancelButton")
        self.cancel_button.setToolTip("Rapat tidak jadi diadakan atau salah dicatat: batalkan (dengan alasan; "
                                      "catatannya tetap tersimpan). Setelah itu dapat dicatat rapat baru atau "
                                      "dicetak SPTJM.")
        self.cancel_button.hide()

        when = QHBoxLayout()
        when.addWidget(self.tanggal)
        when.addWidget(QLabel("Jam"))
        when.addWidget(self.jam)
        when.addStretch(1)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Tanggal", when)
        form.addRow("Tempat", self.tempat)
        form.addRow("Pimpinan rapat", self.ketua)
        form.addRow("Notulis", self.notulis)
        form.addRow("Agenda", self.agenda)
        save_row = QHBoxLayout()
        save_row.addWidget(self.cancel_button)
        save_row.addStretch(1)
        save_row.addWidget(self.replace_button)
        save_row.addWidget(self.save_button)

        self.participants = ParticipantsTable()
        self.participants_label = QLabel("Daftar hadir")
        self.participants_label.setObjectName("participantsLabel")
        self.add_button = QPushButton("Tambah")
        self.add_button.setToolTip("Tambah peserta (Enter pada sel terakhir juga menambah baris)")
        self.remove_button = QPushButton("Hapus baris")
        self.import_button = QPushButton("Impor…")
        self.import_button.setToolTip("Impor daftar hadir dari CSV atau Excel (kolom Nama, Unsur, Jabatan); "
                                      "menggantikan daftar di atas")
        self.import_button.setObjectName("participantsImportButton")
        self.save_participants_button = QPushButton("Simpan daftar hadir")
        self.save_participants_button.setObjectName("participantsSaveButton")
        self.add_button.clicked.connect(self._add)
        self.remove_button.clicked.connect(self.participants.remove_selected)
        self.participants.edited.connect(lambda: self.set_participants_dirty(True))
        p_buttons = QHBoxLayout()
        for b in (self.add_button, self.remove_button, self.import_button):
            p_buttons.addWidget(b)
        p_buttons.addStretch(1)
        p_buttons.addWidget(self.save_participants_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        warn_row = QHBoxLayout()
        warn_row.addWidget(self.warnings, 1)
        warn_row.addWidget(self.sptjm_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(warn_row)
        layout.addLayout(form)
        layout.addLayout(save_row)
        layout.addWidget(self.participants_label)
        layout.addWidget(self.participants, 1)
        layout.addLayout(p_buttons)
        self.meeting = None
        self.set_participants_dirty(False)

    # --- filling

    def _add(self) -> None:
        r = self.participants.add_row()
        self.participants.setCurrentCell(r, 0)
        self.participants.setFocus()
        self.participants.editItem(self.participants.item(r, 0))
        self.set_participants_dirty(True)

    def set_participants_dirty(self, dirty: bool) -> None:
        self.participants_dirty = dirty
        n = len(self.participants.rows())
        self.participants_label.setText(f"Daftar hadir ({n} orang)" + (" — <b>belum disimpan</b>" if dirty else ""))
        self.save_participants_button.setEnabled(dirty and self.meeting is not None and self._open())

    def _open(self) -> bool:
        return self.meeting is not None and self.meeting.status in OPEN_STATES

    def set_officials(self, officials, terms) -> None:
        """Chair and minute-taker choices from the village officials (before a meeting exists)."""
        kepala = officials.kepala if officials else ""
        others = [x for x in ((officials.ketua_bpd, officials.sekretaris) if officials else ()) if x]
        for box, first, rest in ((self.ketua, kepala, others), (self.notulis, officials.sekretaris if officials else "",
                                                                 [kepala] + others if kepala else others)):
            box.clear()
            for name in [first] + [n for n in rest if n != first]:
                if name:
                    box.addItem(name)
            box.setCurrentText(first or "")
        head = terms.head if terms else "Kepala Desa/Lurah"
        self.ketua.lineEdit().setPlaceholderText(f"{head} (isi di Kantor & Dokumen › Perangkat desa)")

    def set_date_range(self, first_finding: date | None) -> None:
        """A meeting is held after the round's first finding in the desa, and not in the future."""
        low = first_finding or date(2000, 1, 1)
        self.tanggal.setDateRange(QDate(low.year, low.month, low.day), QDate.currentDate())
        self.tanggal.setToolTip(f"Tidak lebih awal dari temuan verifikasi pertama ({tanggal(first_finding)}) dan "
                                "tidak di masa depan." if first_finding else "Tidak di masa depan.")

    def show_none(self, desa_nama: str, terms, may_record: bool) -> None:
        """The desa has no meeting yet: an empty form to create one."""
        self.meeting = None
        meeting = terms.meeting if terms else "Musyawarah"
        self.setTitle(f"{meeting} {desa_nama}")
        self.status.setText(f"<b>Belum ada rapat.</b> Isi tanggal, jam dan tempat {meeting.lower()}, lalu "
                            "<i>Buat rapat</i>: keputusan diisi dulu dari hasil verifikasi dan pemadanan.")
        self.warnings.hide()
        self.sptjm_button.hide()
        self.tanggal.setDate(QDate.currentDate())
        self.jam.setTime(QTime(9, 0))
        self.tempat.setText(f"Balai {terms.unit} {desa_nama.title()}" if terms else "")
        self.agenda.setPlainText("")
        self.participants.set_participants(())
        self.save_button.setText("Buat rapat")
        self.save_button.setEnabled(may_record)
        self.replace_button.hide()
        self.cancel_button.hide()
        self._editable(may_record, participants=False)
        self.set_participants_dirty(False)

    def show_meeting(self, m, may_record: bool) -> None:
        self.meeting = m
        self.setTitle(f"{m.kind_label} {m.desa_nama}")
        colour = MEETING_STATUS_COLOURS.get(m.status, "#000")  # type: ignore[call-overload]
        bits = [f"Status: <b style='color:{colour}'>{m.status_label}</b>", f"putaran {m.putaran}"]
        if m.nomor:
            bits.append(f"No. {m.nomor}")
        if m.returned_at:
            bits.append(f"kembali {tanggal(m.returned_at)}" + (" (ada pindaian)" if m.scan_sha256 else ""))
        self.status.setText(" · ".join(bits))
        self.set_warnings(m.warnings, no_findings=False)
        self.tanggal.setDate(QDate(m.tanggal.year, m.tanggal.month, m.tanggal.day))
        self.jam.setTime(QTime(m.jam.hour, m.jam.minute))
        self.tempat.setText(m.tempat or "")
        self.ketua.setCurrentText(m.ketua or "")
        self.notulis.setCurrentText(m.notulis or "")
        self.agenda.setPlainText(m.agenda or "")
        self.participants.set_participants(m.participants)
        is_open = m.status in OPEN_STATES
        self.save_button.setText("Simpan perubahan rapat")
        self.save_button.setEnabled(may_record and is_open)
        self.replace_button.setVisible(may_record and m.status == MeetingStatus.FINAL)
        self.cancel_button.setVisible(may_record and is_open)
        self._editable(may_record and is_open, participants=True)
        self.set_participants_dirty(False)

    def set_warnings(self, warnings, *, no_findings: bool) -> None:
        text = "\n".join(f"⚠ {w}" for w in warnings)
        self.warnings.setText(text)
        self.warnings.setVisible(bool(text))
        self.sptjm_button.setVisible(no_findings)

    def _editable(self, on: bool, *, participants: bool) -> None:
        for w in (self.tanggal, self.jam, self.tempat, self.ketua, self.notulis):
            w.setEnabled(on)
        self.agenda.setReadOnly(not on)
        p = on and participants
        self.participants.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers if p
                                          else QAbstractItemView.EditTrigger.NoEditTriggers)
        for b in (self.add_button, self.remove_button, self.import_button):
            b.setEnabled(p)

    # --- reading the form

    def values(self) -> dict:
        d = self.tanggal.date()
        t = self.jam.time()
        return {"tanggal": date(d.year(), d.month(), d.day()), "jam": time(t.hour(), t.minute()),
                "tempat": self.tempat.text().strip(), "ketua": self.ketua.currentText().strip() or None,
                "notulis": self.notulis.currentText().strip() or None,
                "agenda": self.agenda.toPlainText().strip() or None}
