"""Musdes/Muskel: the village meeting of one desa/kelurahan, its decisions per family and member,
and the Berita Acara with its attachments.

Layout: the desa picker (kecamatan → desa/kelurahan) and the print actions on top; on the left the
meeting (date, time, place, chair prefilled from the village officials, minute-taker, agenda,
status, warnings) and the participants (daftar hadir, unsur drop-down, import in a job); on the
right the decisions (``decisions_table``: paged, keyboard-fast drop-downs, Enter moves down), a
search box and the totals strip, which follows every change.

Every read and write runs in a job through ``services/musdes``; nothing here touches the
database. Decisions are written one after another in the order the clerk made them (she moves on
while a write runs); a new proposal whose NIK is not padan first asks for a written reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import shiboken6
from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (QComboBox, QDialog, QFileDialog, QHBoxLayout, QInputDialog, QLabel, QLineEdit,
                               QMessageBox, QPushButton, QSplitter, QVBoxLayout, QWidget)

from dtks_desktop.domain.formatting import angka, tanggal
from dtks_desktop.domain.musdes import REASON_LABELS, Decision, Reason
from dtks_desktop.domain.permissions import Capability, can
from dtks_desktop.domain.regions import village_terms
from dtks_desktop.domain.workflow.musdes import OPEN_STATES
from dtks_desktop.jobs import Job
from dtks_desktop.services.core import browse
from dtks_desktop.services.documents import officials as officials_service
from dtks_desktop.services.musdes import decisions as decisions_service
from dtks_desktop.services.musdes import meetings, printing
from dtks_desktop.services.musdes.common import Participant
from dtks_desktop.services.verification.common import current_round
from dtks_desktop.views.common import events
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.latest import LatestJob
from dtks_desktop.views.common.widgets import (ErrorLabel, ask_yes_no, fill_desa_combo, fill_kecamatan_combo,
                                               job_runner, show_message, start_job, user_message)
from dtks_desktop.views.musdes.decisions_table import DecisionModel, DecisionTable, is_padan, match_label
from dtks_desktop.views.musdes.dialogs import FinalizeDialog, OverrideDialog
from dtks_desktop.views.musdes.meeting_panel import MeetingPanel

#: What the Musdes services report as changed (``@changes`` of meetings, decisions and printing).
CHANGED = {events.REGISTRY, events.DOCUMENTS}
#: Hints of the services that name a CLI command: the page has a button for each of them.
_CLI_HINT = re.compile(r"\s*\((?:dtks|--)[^)]*\)")


def gui_text(text: str) -> str:
    """A service message without its CLI command in brackets (the page offers that as a button)."""
    return _CLI_HINT.sub("", text or "")


def _overview(s) -> tuple[str | None, list[tuple[str, str]]]:
    """Worker (through ``Database.read``): the office's kabupaten and its kecamatan."""
    kab = browse.office_kab_kode(s)
    return kab, (browse.kecamatan_options(s, kab) if kab else [])


@dataclass(frozen=True)
class DesaState:
    """What the page shows of one desa besides its decisions (read in one job)."""

    meeting: object | None  # MeetingView of the current meeting
    officials: object | None  # VillageOfficials
    putaran: str
    first_finding: date | None  # the round's first verification finding in the desa (None: no findings)
    decisions: int | None


def _desa_state(s, kode: str) -> DesaState:
    """Worker (through ``Database.read``)."""
    m = meetings.current_meeting(s, kode)
    found = officials_service.list_officials(s, kode)
    putaran = current_round(s)
    count = decisions_service.count_decisions(s, m.id) if m is not None else None
    return DesaState(m, found[0] if found else None, putaran, meetings.first_finding_date(s, kode, putaran), count)


def _decide(s, actor, meeting_id: int, row, decision: str, reason, override_reason):
    """Worker: a member's decision, or (a person of a family proposed in the field) the row's."""
    return decisions_service.decide(s, actor, meeting_id, row.member_id, decision, reason=reason,
                                    override_reason=override_reason,
                                    row_id=row.id if row.member_id is None else None)


class TotalsStrip(QLabel):
    """Tetap · Usulan baru · Hapus (by reason) · Perbaikan data · families and members."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("totalsStrip")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setStyleSheet("QLabel#totalsStrip { background: palette(alternate-base); border-radius: 4px; "
                           "padding: 5px 8px; }")
        self.totals = None

    def set_totals(self, t) -> None:
        self.totals = t
        if t is None:
            self.setText("")
            return
        reasons = ", ".join(f"{REASON_LABELS.get(Reason(k), k).lower()} {angka(v)}"
                            for k, v in t.hapus_by_reason.items() if v)
        parts = [
            ("#37474f", "Tetap", t.tetap, ""),
            ("#1b5e20", "Usulan baru", t.usulan_baru, ""),
            ("#b71c1c", "Hapus", t.hapus, f" ({reasons})" if reasons else ""),
            ("#0d47a1", "Perbaikan data", t.perbaikan_data, ""),
        ]
        html = " &nbsp;&nbsp; ".join(
            f"<span style='white-space:nowrap'><span style='color:{c}'>●</span>&nbsp;{label}:&nbsp;"
            f"<b>{angka(n)}</b>{extra}</span>" for c, label, n, extra in parts)
        self.setText(f"{html}<br><span style='color:#616161'>Diputuskan untuk {angka(t.families)} keluarga, "
                     f"{angka(t.members)} orang (anggota DTKS dan usulan baru)</span>")


class MusdesView(QWidget):
    """The "Musdes/Muskel" page."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.may_record = can(ctx.actor, Capability.MUSDES_RECORD)
        self.may_print = can(ctx.actor, Capability.DOCS_PRINT)
        self.may_finalize = can(ctx.actor, Capability.MUSDES_FINALIZE)
        self.meeting = None
        self.state: DesaState | None = None
        self.officials = None
        self.kab: str | None = None
        self._first = True
        self.overview_reads = LatestJob(self)
        self.desa_reads = LatestJob(self)
        self.totals_reads = LatestJob(self)
        self.busy = 0  # meeting/participant writes and prints under way
        self._writes: list[tuple] = []  # decisions waiting to be written (FIFO)
        self._write_job: Job | None = None
        self.last_print = None  # PrintResult(s) of the last print (tests, "open PDF")

        self.error = ErrorLabel()
        # --- top bar: picker; the actions go under the page
        self.kec = QComboBox()
        self.kec.setObjectName("kecCombo")
        self.kec.setMinimumContentsLength(14)
        self.kec.addItem("Pilih kecamatan", None)
        self.desa = QComboBox()
        self.desa.setObjectName("desaCombo")
        self.desa.setMinimumContentsLength(18)
        self.desa.setEnabled(False)
        self.kec.currentIndexChanged.connect(self._kec_changed)
        self.desa.currentIndexChanged.connect(lambda _i: self.load_desa())
        self.print_button = QPushButton("Cetak Berita Acara…")
        self.print_button.setObjectName("printButton")
        self.print_button.setToolTip("Berita Acara, Lampiran I–III dan daftar hadir desa/kelurahan ini dalam satu PDF")
        self.print_kec_button = QPushButton("Cetak satu kecamatan…")
        self.print_kec_button.setToolTip("Berita Acara setiap desa/kelurahan kecamatan ini ke satu folder")
        self.sptjm_button = QPushButton("Cetak SPTJM…")
        self.sptjm_button.setToolTip("Surat Pernyataan Tanggung Jawab Mutlak: desa/kelurahan yang tidak "
                                     "mengadakan musyawarah")
        self.finalize_button = QPushButton("Berita Acara kembali…")
        self.finalize_button.setObjectName("finalizeButton")
        self.finalize_button.setToolTip("Catat Berita Acara bertanda tangan yang sudah kembali (tanggal, pindaian)")
        self.print_button.clicked.connect(self.print_desa)
        self.print_kec_button.clicked.connect(self.print_kecamatan)
        self.sptjm_button.clicked.connect(self.print_sptjm)
        self.finalize_button.clicked.connect(self.finalize)
        top = QHBoxLayout()
        for w in (QLabel("Kecamatan"), self.kec, QLabel("Desa/Kelurahan"), self.desa):
            top.addWidget(w)
        top.addStretch(1)
        # The documents, in the order of the work: print, (a whole kecamatan), SPTJM instead, came back.
        actions = QHBoxLayout()
        actions.addWidget(self.error, 4)
        actions.addStretch(1)
        for w in (self.print_button, self.print_kec_button, self.sptjm_button, self.finalize_button):
            actions.addWidget(w)

        # --- left: meeting and participants
        self.panel = MeetingPanel()
        self.panel.save_button.clicked.connect(self.save_meeting)
        self.panel.replace_button.clicked.connect(self.replace_meeting)
        self.panel.cancel_button.clicked.connect(self.cancel_meeting)
        self.panel.save_participants_button.clicked.connect(self.save_participants)
        self.panel.import_button.clicked.connect(self.import_participants)
        self.panel.sptjm_button.clicked.connect(self.print_sptjm)

        # --- right: decisions
        self.search = QLineEdit()
        self.search.setObjectName("decisionSearch")
        self.search.setPlaceholderText("Cari nama, NIK atau ID DTKS…  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(300)
        self._search_timer.timeout.connect(self.load_decisions)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self._search_now)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=lambda: (self.search.setFocus(),
                                                                          self.search.selectAll()))
        self.count_label = QLabel()
        self.count_label.setObjectName("decisionCount")
        self.model = DecisionModel(ctx.db, self)
        self.model.decisionRequested.connect(self._decision_requested)
        self.model.countChanged.connect(self._show_count)
        self.model.loadFailed.connect(lambda msg: self.error.show_error(msg))
        self.table = DecisionTable()
        self.table.setModel(self.model)
        self.model.apply_widths(self.table)
        self.totals = TotalsStrip()
        help_text = QLabel("Ketik huruf pertama pada kolom Keputusan atau Alasan untuk memilih (t = tetap, "
                           "u = usulan baru, h = hapus, p = perbaikan), Enter menyimpan dan turun satu baris.")
        help_text.setObjectName("decisionHelp")
        help_text.setWordWrap(True)
        help_text.setStyleSheet("color: #616161;")
        search_row = QHBoxLayout()
        search_row.addWidget(QLabel("Keputusan per keluarga dan anggota"))
        search_row.addStretch(1)
        search_row.addWidget(self.count_label)
        search_row.addWidget(self.search, 1)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addLayout(search_row)
        rl.addWidget(self.table, 1)
        rl.addWidget(help_text)
        rl.addWidget(self.totals)

        split = QSplitter()
        split.addWidget(self.panel)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        split.setSizes([380, 900])
        split.setCollapsible(0, False)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addLayout(actions)
        self._update_actions()
        events.follow(self, ctx.events, {events.REGISTRY, events.MATCHING, events.DOCUMENTS, events.SETTINGS},
                      self.refresh)
        self.refresh()

    # --- waiting (tests, screenshots)

    def wait_idle(self, timeout_ms: int = 30_000) -> bool:
        """Wait (processing events) until every read, write and print of the page has been delivered."""
        from PySide6.QtCore import QCoreApplication

        from dtks_desktop.views.common.widgets import desa_reads

        for _ in range(4):  # a delivered read may start the next one (desa list -> meeting -> decisions)
            if not job_runner().wait_all(timeout_ms):
                return False
            QCoreApplication.processEvents()
            for r in (self.overview_reads, self.desa_reads, self.totals_reads, desa_reads(self.desa)):
                if not r.wait_idle(timeout_ms):
                    return False
            if not self.model.wait_idle(timeout_ms):
                return False
        return not self._writes and self._write_job is None and self.busy == 0

    # --- loading

    def refresh(self) -> None:
        self.overview_reads.start(self.ctx.db.read, _overview, on_done=self._overview,
                                  on_error=lambda exc: self.error.show_error(user_message(exc)[0]))
        if self.desa.currentData():
            self.load_desa()

    def _overview(self, res) -> None:
        self.kab, kec = res
        if self._first or self.kec.count() <= 1:
            self._first = False
            self.kec.blockSignals(True)
            fill_kecamatan_combo(self.kec, kec)
            self.kec.setItemText(0, "Pilih kecamatan")
            self.kec.blockSignals(False)

    def _kec_changed(self, _i: int) -> None:
        fill_desa_combo(self.ctx.db, self.kec, self.desa,
                        on_filled=lambda: self.desa.setItemText(0, "Pilih desa/kelurahan"))
        self.load_desa()
        self._update_actions()

    def load_desa(self) -> None:
        kode = self.desa.currentData()
        self.error.clear_error()
        if not kode:
            self.desa_reads.supersede()
            self.meeting = None
            self.panel.meeting = None
            self.panel.setTitle("Rapat")
            self.panel.status.setText("Pilih kecamatan dan desa/kelurahan.")
            self.panel.set_warnings((), no_findings=False)
            self.panel.participants.set_participants(())
            self.panel.save_button.setEnabled(False)
            self.model.load(None)
            self.totals.set_totals(None)
            self._update_actions()
            return
        self.desa_reads.start(self.ctx.db.read, _desa_state, kode, on_done=lambda res: self._desa(kode, res),
                              on_error=lambda exc: self.error.show_error(user_message(exc)[0]))

    def _desa(self, kode: str, st: DesaState) -> None:
        if kode != self.desa.currentData():
            return
        self.state = st
        self.officials = st.officials
        terms = village_terms(kode)
        self.panel.set_officials(st.officials, terms)
        self.panel.set_date_range(st.first_finding)
        old = self.meeting.id if self.meeting is not None else None
        m = self.meeting = st.meeting
        if m is None:
            self.panel.show_none(self.desa.currentText(), terms, self.may_record)
            if st.first_finding is None:
                self.panel.set_warnings(
                    (f"{terms.unit} {self.desa.currentText()} belum punya temuan verifikasi lapangan pada putaran "
                     f"{st.putaran}. Rapat tetap dapat dicatat (keputusan diisi dari pemadanan saja); bila tidak ada "
                     "musyawarah, cetak SPTJM.",), no_findings=self.may_print)
            self.model.load(None)
            self.totals.set_totals(None)
            self.count_label.setText("")
        else:
            self.panel.show_meeting(m, self.may_record)
            no_meeting_ok = self.may_print and (st.decisions == 0 or st.first_finding is None) and \
                m.putaran != st.putaran
            self.panel.set_warnings(tuple(gui_text(w) for w in m.warnings), no_findings=no_meeting_ok)
            self.model.editable = self.may_record and m.status in OPEN_STATES
            if old != m.id or self.model.query is None:
                self.load_decisions()
            self.load_totals()
        self._update_actions()

    def _search_now(self) -> None:
        self._search_timer.stop()
        self.load_decisions()
        self.table.setFocus()

    def load_decisions(self) -> None:
        if self.meeting is None:
            self.model.load(None)
            return
        text = self.search.text().strip() or None
        self.model.load((self.meeting.id, text))

    def load_totals(self) -> None:
        if self.meeting is None:
            return
        mid = self.meeting.id
        self.totals_reads.start(self.ctx.db.read, decisions_service.totals, mid,
                                on_done=lambda t: self.totals.set_totals(t) if self.meeting and self.meeting.id == mid
                                else None,
                                on_error=lambda exc: self.error.show_error(user_message(exc)[0]))

    def _show_count(self) -> None:
        m = self.model
        if m.total is None:
            self.count_label.setText("memuat…" if m.active else "")
        else:
            shown = "" if m.rowCount() >= m.total else f" ({angka(m.rowCount())} dimuat)"
            self.count_label.setText(f"{angka(m.total)} baris{shown}")

    def _update_actions(self) -> None:
        has_desa = bool(self.desa.currentData())
        m = self.meeting
        self.print_button.setEnabled(self.may_print and m is not None and m.status in OPEN_STATES)
        self.print_kec_button.setEnabled(self.may_print and bool(self.kec.currentData()))
        st = getattr(self, "state", None)
        no_meeting = m is None or (st is not None and m.putaran != st.putaran)
        self.sptjm_button.setEnabled(self.may_print and has_desa and no_meeting)
        self.sptjm_button.setToolTip("Surat Pernyataan Tanggung Jawab Mutlak: desa/kelurahan yang tidak mengadakan "
                                     "musyawarah" if no_meeting or not has_desa else
                                     "Desa/kelurahan ini sudah mencatat musyawarah pada putaran ini: cetak Berita "
                                     "Acara-nya, bukan SPTJM.")
        self.finalize_button.setEnabled(self.may_finalize and m is not None and m.status == "dicetak")
        tip = "Cetak Berita Acara dulu; setelah yang bertanda tangan kembali, catat di sini." if (
            m is not None and m.status == "draf") else "Catat Berita Acara bertanda tangan yang sudah kembali"
        if not self.may_finalize:
            tip = "Hanya supervisor atau admin yang mencatat Berita Acara kembali."
        self.finalize_button.setToolTip(tip)

    # --- meeting and participants

    def _need_desa(self) -> str | None:
        kode = self.desa.currentData()
        if not kode:
            show_message(self, "Pilih desa", "Pilih kecamatan dan desa/kelurahan dulu.")
        return kode

    def _run(self, job: Job, title: str, on_done, *, show_after_ms: int = 300, cancellable: bool = False,
             on_error=None, cancel_text: str = "Dibatalkan; tidak ada yang diubah atau dicetak.") -> None:
        self.busy += 1

        def done(res) -> None:
            self.busy -= 1
            on_done(res)

        def failed(exc) -> None:
            self.busy -= 1
            if on_error is not None:
                on_error(exc)
            else:
                message, hint = user_message(exc)
                self.error.show_error(gui_text(f"{message} {hint}".strip()))

        def cancelled() -> None:
            self.busy -= 1
            self.error.show_error(cancel_text)

        start_job(self, job, title, done, on_error=failed, on_cancel=cancelled, show_after_ms=show_after_ms,
                  cancellable=cancellable)

    def save_meeting(self) -> None:
        kode = self._need_desa()
        if not kode or not self.may_record:
            return
        v = self.panel.values()
        if not v["tempat"]:
            self.error.show_error("Tempat rapat wajib diisi.")
            self.panel.tempat.setFocus()
            return
        if self.meeting is None:
            job = Job(self.ctx.db.write, meetings.create_meeting, self.ctx.actor, kode, v["tanggal"], v["jam"],
                      v["tempat"], ketua=v["ketua"], notulis=v["notulis"], agenda=v["agenda"], with_progress=False)
            title = "Membuat rapat dan mengisi keputusan dari hasil verifikasi"
        else:
            job = Job(self.ctx.db.write, meetings.update_meeting, self.ctx.actor, self.meeting.id,
                      with_progress=False, **v)
            title = "Menyimpan rapat"
        self._run(job, title, self._meeting_saved)

    def replace_meeting(self) -> None:
        """A final meeting is changed only by a new one for the same desa (the old stays readable)."""
        kode = self._need_desa()
        if not kode or self.meeting is None:
            return
        if not ask_yes_no(self, "Rapat pengganti",
                          f"Keputusan {self.meeting.kind_label} {self.meeting.desa_nama} sudah final. Buat rapat "
                          "pengganti dengan tanggal, jam dan tempat di formulir? Rapat lama tetap tersimpan dan "
                          "dapat dibaca (status: diganti).", yes="Buat rapat pengganti"):
            return
        v = self.panel.values()
        job = Job(self.ctx.db.write, meetings.create_meeting, self.ctx.actor, kode, v["tanggal"], v["jam"],
                  v["tempat"], ketua=v["ketua"], notulis=v["notulis"], agenda=v["agenda"], with_progress=False)
        self._run(job, "Membuat rapat pengganti", self._meeting_saved)

    def cancel_meeting(self) -> None:
        """The meeting did not take place (or was recorded by mistake): cancelled with a reason."""
        if self.meeting is None:
            return
        reason, ok = QInputDialog.getText(
            self, "Batalkan rapat", f"{self.meeting.kind_label} {self.meeting.desa_nama} tanggal "
            f"{tanggal(self.meeting.tanggal)} dibatalkan. Alasan (dicatat di log audit):")
        if not ok or not reason.strip():
            return
        job = Job(self.ctx.db.write, meetings.cancel_meeting, self.ctx.actor, self.meeting.id, reason.strip(),
                  with_progress=False)
        self._run(job, "Membatalkan rapat", self._meeting_cancelled)

    def _meeting_cancelled(self, m) -> None:
        self._changed()
        self.meeting = None
        self.model.load(None)
        self.error.show_ok(f"{m.kind_label} {m.desa_nama} dibatalkan (catatannya tetap tersimpan).")
        self.load_desa()

    def _meeting_saved(self, m) -> None:
        self._changed()
        self.error.show_ok(f"{m.kind_label} {m.desa_nama} tersimpan.")
        self.load_desa()

    def _changed(self) -> None:
        self.ctx.events.changed(CHANGED, source=self)

    def save_participants(self) -> None:
        if self.meeting is None:
            return
        if self.panel.participants.state() == self.panel.participants.State.EditingState:
            self.panel.participants.commitData(self.panel.participants.focusWidget())
        people = [Participant(nama, unsur, jab) for nama, unsur, jab in self.panel.participants.rows()]
        job = Job(self.ctx.db.write, meetings.set_participants, self.ctx.actor, self.meeting.id, people,
                  with_progress=False)
        self._run(job, "Menyimpan daftar hadir", self._participants_saved)

    def _participants_saved(self, m) -> None:
        self._changed()
        self.meeting = m
        self.panel.show_meeting(m, self.may_record)
        self.error.show_ok(f"Daftar hadir tersimpan ({angka(len(m.participants))} orang).")

    def import_participants(self) -> None:
        if self.meeting is None:
            return
        path, _f = QFileDialog.getOpenFileName(self, "Impor daftar hadir", "",
                                               "Daftar hadir (*.csv *.xlsx *.xls *.ods)")
        if not path:
            return
        # The service reads the file and stores it in one transaction (no progress to report: the
        # dialog shows a busy bar when it takes longer than a moment).
        job = Job(meetings.import_participants, self.ctx.db, self.ctx.actor, self.meeting.id, path,
                  with_progress=False)
        self._run(job, "Mengimpor daftar hadir", self._participants_imported, show_after_ms=200)

    def _participants_imported(self, res) -> None:
        self._changed()
        head = f"{angka(res.imported)} peserta diimpor dan menggantikan daftar hadir"
        head += f"; {angka(res.rejected)} baris ditolak." if res.rejected else "."
        if res.warnings:
            head += f" {angka(res.warnings)} baris dengan peringatan."
        box = QMessageBox(QMessageBox.Icon.Warning if res.rejected else QMessageBox.Icon.Information,
                          "Impor daftar hadir", head, parent=self)
        if res.problems:
            box.setDetailedText("\n".join(p.message for p in res.problems))
        box.exec()
        self.load_desa()

    # --- decisions

    def _decision_requested(self, row, decision: str, reason) -> None:
        if self.meeting is None:
            return
        if decision == Decision.HAPUS and not reason:
            reason = Reason.TIDAK_DITEMUKAN.value if row.decision != Decision.HAPUS else row.reason
        override = None
        if decision == Decision.USULAN_BARU and not is_padan(row):
            dlg = OverrideDialog(row.nama, row.nik_masked, match_label(row.match_status), self)
            self.override_dialog = dlg
            accepted = dlg.exec() == QDialog.DialogCode.Accepted
            self.override_dialog = None
            if not accepted:
                self.error.show_error(f"{row.nama}: tidak diusulkan baru (tanpa alasan).")
                return
            override = dlg.text()
        self._writes.append((self.meeting.id, row, decision, reason, override))
        self._next_write()

    def _next_write(self) -> None:
        if self._write_job is not None or not self._writes:
            return
        mid, row, decision, reason, override = self._writes.pop(0)
        job = Job(self.ctx.db.write, _decide, self.ctx.actor, mid, row, decision, reason, override,
                  with_progress=False)
        self._write_job = job
        alive = lambda: shiboken6.isValid(self)  # noqa: E731
        job.signals.finished.connect(lambda new: alive() and self._decided(new))
        job.signals.failed.connect(lambda exc, _tb: alive() and self._decide_failed(row, exc))
        job.signals.cancelled.connect(lambda: alive() and self._write_ended())
        job_runner().start(job)

    def _write_ended(self) -> None:
        self._write_job = None
        self._next_write()

    def _decided(self, new) -> None:
        self.model.replace(new)
        self.error.clear_error()
        self._write_ended()
        if not self._writes:
            self._changed()
            self.load_totals()
            if self.meeting is not None and self.meeting.status == "dicetak":
                self.load_desa()  # a change after printing puts the meeting back to draf

    def _decide_failed(self, row, exc: BaseException) -> None:
        message, hint = user_message(exc)
        self.error.show_error(gui_text(f"{row.nama}: {message} {hint}".strip()))
        i = self.model.row_of(row.id)
        if i >= 0:  # show the row as it is stored again
            self.model.dataChanged.emit(self.model.index(i, 0), self.model.index(i, self.model.columnCount() - 1))
        self._write_ended()

    # --- printing and finalizing

    def print_desa(self) -> None:
        kode = self._need_desa()
        if not kode or self.meeting is None:
            return
        name = f"berita_acara_{self.meeting.kind}_{self.desa.currentText().lower().replace(' ', '_')}.pdf"
        path, _f = QFileDialog.getSaveFileName(self, "Simpan Berita Acara", name, "PDF (*.pdf)")
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        job = Job(printing.print_desa, self.ctx.db, self.ctx.actor, kode, path)
        self._run(job, f"Mencetak Berita Acara {self.desa.currentText()}", self._printed, cancellable=True,
                  show_after_ms=150)

    def _printed(self, res) -> None:
        self.last_print = res
        self._changed()
        self.load_desa()
        nomor = f" nomor {res.nomor}" if res.nomor else ""
        self.error.show_ok(f"Berita Acara{nomor} dicetak: {res.path} ({angka(res.pages)} halaman).")
        if ask_yes_no(self, "Berita Acara dicetak",
                      f"Berita Acara{nomor} dengan lampiran dan daftar hadir ({angka(res.pages)} halaman) "
                      f"tersimpan di\n{res.path}\n\nBuka PDF sekarang?", yes="Buka PDF", no="Tutup"):
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(res.path)))

    def print_kecamatan(self) -> None:
        kec = self.kec.currentData()
        if not kec:
            show_message(self, "Pilih kecamatan", "Pilih kecamatan dulu.")
            return
        outdir = QFileDialog.getExistingDirectory(self, f"Folder untuk Berita Acara Kecamatan {self.kec.currentText()}")
        if not outdir:
            return
        job = Job(printing.print_kecamatan, self.ctx.db, self.ctx.actor, kec, outdir)
        self._run(job, f"Mencetak Berita Acara Kecamatan {self.kec.currentText()}",
                  lambda res: self._printed_kecamatan(outdir, res), cancellable=True, show_after_ms=150,
                  cancel_text="Dibatalkan; Berita Acara desa yang sudah selesai tetap tersimpan di folder itu.")

    def _printed_kecamatan(self, outdir: str, results) -> None:
        self.last_print = results
        self._changed()
        self.load_desa()
        pages = sum(r.pages for r in results)
        self.error.show_ok(f"{angka(len(results))} Berita Acara dicetak ke {outdir}.")
        if ask_yes_no(self, "Berita Acara satu kecamatan",
                      f"{angka(len(results))} Berita Acara ({angka(pages)} halaman) tersimpan di\n{outdir}\n\n"
                      "Buka foldernya?", yes="Buka folder", no="Tutup"):
            QDesktopServices.openUrl(QUrl.fromLocalFile(outdir))

    def print_sptjm(self) -> None:
        kode = self._need_desa()
        if not kode:
            return
        name = f"sptjm_{self.desa.currentText().lower().replace(' ', '_')}.pdf"
        path, _f = QFileDialog.getSaveFileName(self, "Simpan SPTJM", name, "PDF (*.pdf)")
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        job = Job(printing.print_sptjm, self.ctx.db, self.ctx.actor, kode, path, with_progress=False)
        self._run(job, f"Mencetak SPTJM {self.desa.currentText()}", self._printed_sptjm)

    def _printed_sptjm(self, res) -> None:
        self.last_print = res
        self._changed()
        self.error.show_ok(f"SPTJM dicetak: {res.path}.")
        if ask_yes_no(self, "SPTJM dicetak", f"SPTJM tersimpan di\n{res.path}\n\nBuka PDF sekarang?",
                      yes="Buka PDF", no="Tutup"):
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(res.path)))

    def finalize(self) -> None:
        kode = self._need_desa()
        if not kode or self.meeting is None:
            return
        dlg = FinalizeDialog(self.meeting.desa_nama, self.meeting.tanggal, self)
        self.finalize_dialog = dlg
        accepted = dlg.exec() == QDialog.DialogCode.Accepted
        self.finalize_dialog = None
        if not accepted:
            return
        job = Job(self.ctx.db.write, meetings.finalize, self.ctx.actor, kode, dlg.returned_date(), dlg.scan_path(),
                  with_progress=False)
        self._run(job, "Mencatat Berita Acara kembali", self._finalized)

    def _finalized(self, m) -> None:
        self._changed()
        self.load_desa()
        text = f"{m.kind_label} {m.desa_nama}: Berita Acara kembali, keputusan final."
        if m.family_status:
            text += " " + " ".join(line.strip() for line in m.family_status[:6])
        self.error.show_ok(text)


__all__ = ["MusdesView", "TotalsStrip"]
