"""The Musdes/Muskel page, driven like a clerk: a whole desa from its verification findings to the
printed Berita Acara with attachments (meeting, daftar hadir, a decision changed from the keyboard,
the totals following, the PDF checked with pdftotext), the override of a non-padan new proposal,
and "Berita Acara kembali". No statement of the page runs on the GUI thread."""

from __future__ import annotations

import os
import subprocess
from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import QFileDialog, QMessageBox
from sqlalchemy import event, select

from dtks_desktop.db.models import AuditEvent, MusdesDecision, MusdesMeeting
from dtks_desktop.services.core.users import create_user
from dtks_desktop.services.musdes import meetings
from dtks_desktop.services.musdes.common import Participant
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.widgets import job_runner
from dtks_desktop.views.musdes.decisions_table import COL_DECISION, COL_NAMA, COL_REASON
from dtks_desktop.views.musdes.musdes_view import MusdesView
from dtks_desktop.views.shell.main_window import KEY_MUSDES, MainWindow
from tests.musdes.conftest import DESA, MEETING_DAY, world  # noqa: F401 - the fixture
from tests.views.test_gui_thread import StatementRecorder

WAIT = 60_000


@pytest.fixture(autouse=True)
def _quiet_messages(monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or QMessageBox.StandardButton.Ok)
    yield shown
    job_runner().wait_all(WAIT)


@pytest.fixture
def recorder(world):
    rec = StatementRecorder(world.engine)
    event.listen(world.engine, "before_cursor_execute", rec)
    yield rec
    job_runner().wait_all(WAIT)
    event.remove(world.engine, "before_cursor_execute", rec)


def pdftext(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def open_page(qtbot, db, actor) -> MusdesView:
    view = MusdesView(AppContext(db, actor))
    qtbot.addWidget(view)
    view.resize(1400, 820)
    view.show()
    qtbot.waitExposed(view)
    assert view.wait_idle(WAIT)
    view.kec.setCurrentIndex(view.kec.findData("33.10.01"))
    assert view.wait_idle(WAIT)
    view.desa.setCurrentIndex(view.desa.findData(DESA))
    assert view.wait_idle(WAIT)
    return view


def row_named(view: MusdesView, nama: str) -> int:
    for r in range(view.model.rowCount()):
        if nama in (view.model.row_at(r).nama, view.model.row_at(r).id_dtks):
            return r
    raise AssertionError(f"{nama} not in the decisions table")


def cell(view: MusdesView, r: int, c: int) -> str:
    return view.model.index(r, c).data() or ""


def stored(db, nama: str) -> MusdesDecision:
    with db.sessions() as s:
        return s.execute(select(MusdesDecision).join(MusdesMeeting).where(
            MusdesDecision.nama == nama, MusdesMeeting.status != "diganti")).scalars().one()


def create_meeting_in_gui(qtbot, view: MusdesView) -> None:
    p = view.panel
    assert p.save_button.text() == "Buat rapat" and p.save_button.isEnabled()
    p.tanggal.setDate(QDate(MEETING_DAY.year, MEETING_DAY.month, MEETING_DAY.day))
    p.jam.setTime(p.jam.time().fromString("09:30", "HH:mm"))
    p.tempat.clear()
    qtbot.keyClicks(p.tempat, "Balai Desa Sengon")
    qtbot.mouseClick(p.save_button, Qt.MouseButton.LeftButton)
    assert view.wait_idle(WAIT)
    assert view.meeting is not None, view.error.text()


def test_a_clerk_runs_a_desa_from_findings_to_the_printed_berita_acara(qtbot, world, admin, tmp_path, monkeypatch,
                                                                         recorder):
    with world.transaction() as s:
        operator = create_user(s, "operator1", "rahasia-operator", "operator", full_name="Sri Wahyuni", by=admin)
    recorder.on = True
    view = open_page(qtbot, world, operator)
    p = view.panel
    # No meeting yet: the chair and the minute-taker come from the village officials.
    assert "Belum ada rapat" in p.status.text() and p.title().startswith("Musyawarah Desa")
    assert (p.ketua.currentText(), p.notulis.currentText()) == ("SUPARNO", "RINA WULANDARI")
    assert not view.print_button.isEnabled() and not view.finalize_button.isEnabled()
    create_meeting_in_gui(qtbot, view)
    assert "Draf" in p.status.text() and p.save_button.text() == "Simpan perubahan rapat"
    # The decisions come prefilled from the findings, the matching and the field proposals.
    assert view.model.total == 8 and view.model.rowCount() == 8
    assert cell(view, row_named(view, "SLAMET RIYADI"), COL_DECISION) == "Hapus: Meninggal dunia"
    assert cell(view, row_named(view, "V3"), COL_DECISION) == "Perbaikan data"
    assert cell(view, row_named(view, "SITI KHOTIJAH"), COL_DECISION) == "Tidak diusulkan"
    assert "3310********0001" in cell(view, row_named(view, "SLAMET RIYADI"), 2)  # NIK masked
    t = view.totals.totals
    assert (t.tetap, t.usulan_baru, t.hapus, t.perbaikan_data) == (3, 1, 2, 1)
    assert "Tetap:&nbsp;<b>3</b>" in view.totals.text()

    # Daftar hadir: typed in, element from the drop-down, saved.
    qtbot.mouseClick(p.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(p.participants.focusWidget(), "SUPARNO")
    qtbot.keyClick(p.participants, Qt.Key.Key_Return)
    for nama, unsur, jab in (("KH. ABDUL GHONI", "tokoh_agama", "Ulama"), ("SAMIRAN", "rt_rw", "Ketua RW 01"),
                             ("H. SUTOYO", "tokoh_masyarakat", ""), ("SITI AMINAH", "psm_tksk", "PSM")):
        p.participants.add_row(nama, unsur, jab)
    p.set_participants_dirty(True)
    assert "belum disimpan" in p.participants_label.text()
    qtbot.mouseClick(p.save_participants_button, Qt.MouseButton.LeftButton)
    assert view.wait_idle(WAIT)
    assert [x.nama for x in view.meeting.participants][:2] == ["SUPARNO", "KH. ABDUL GHONI"]
    assert [x.unsur for x in view.meeting.participants][1:3] == ["tokoh_agama", "rt_rw"]
    assert "5 orang" in p.participants_label.text() and "belum disimpan" not in p.participants_label.text()

    # The meeting decided that RATNA SARI moved: type "h" on her Keputusan, pick the reason, Enter.
    r = row_named(view, "RATNA SARI")
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(r, COL_DECISION))
    qtbot.keyClicks(view.table, "h")  # opens the drop-down at "Hapus: Meninggal dunia"
    editor = view.table.indexWidget(view.model.index(r, COL_DECISION)) or view.table.focusWidget()
    editor.setCurrentIndex(editor.findData("hapus:pindah"))
    qtbot.keyClick(view.table.focusWidget(), Qt.Key.Key_Return)
    assert view.wait_idle(WAIT)
    assert view.table.currentIndex().row() == r + 1  # Enter moved one row down
    assert cell(view, r, COL_DECISION) == "Hapus: Pindah domisili" and cell(view, r, COL_REASON) == "Pindah domisili"
    with recorder.paused():  # the test's own check
        d = stored(world, "RATNA SARI")
    assert (d.decision, d.reason, d.source) == ("hapus", "pindah", "petugas")
    t = view.totals.totals
    assert (t.tetap, t.hapus, t.hapus_by_reason["pindah"]) == (2, 3, 1)  # the totals followed
    assert "pindah domisili 1" in view.totals.text()
    # Enter on an unchanged cell only moves down; the search box finds a family.
    qtbot.keyClicks(view.search, "hartono")
    qtbot.keyClick(view.search, Qt.Key.Key_Return)
    assert view.wait_idle(WAIT)
    assert [view.model.row_at(i).nama for i in range(view.model.rowCount())] == ["HARTONO"]
    view.search.clear()
    view._search_now()
    assert view.wait_idle(WAIT) and view.model.rowCount() == 8

    # Cetak Berita Acara: save dialog, a job with progress, then the offer to open the PDF.
    out = tmp_path / "ba_sengon.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "PDF (*.pdf)"))
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: asked.append(box.text()) or 0)
    assert view.print_button.isEnabled()
    qtbot.mouseClick(view.print_button, Qt.MouseButton.LeftButton)
    assert view.wait_idle(WAIT)
    assert out.is_file() and view.last_print.pages >= 4, view.error.text()
    assert any("Buka PDF sekarang?" in a for a in asked)
    text = pdftext(out)
    upper = " ".join(text.upper().split())
    assert "BERITA ACARA" in upper and "MUSYAWARAH DESA" in upper
    assert "RATNA SARI" in text and "LAMPIRAN" in upper  # a removal, in Lampiran II
    assert "KH. ABDUL GHONI" in text and "SUPARNO" in text  # daftar hadir and the chair
    assert "3310011205700001" not in text  # NIKs masked on paper too
    assert "dicetak" in p.status.text().lower() and view.meeting.nomor
    assert not view.finalize_button.isEnabled()  # an operator does not finalize (leads only)
    assert recorder.off_gui > 0 and recorder.on_gui == [], recorder.on_gui
    recorder.on = False
    if os.environ.get("DTKS_SCREENSHOT_DIR"):
        view.grab().save(os.path.join(os.environ["DTKS_SCREENSHOT_DIR"], "musdes-test.png"))


def _answer_override(qtbot, view: MusdesView, reason: str | None) -> None:
    """Fill the override dialog once it is open (it runs modally); None presses Batal."""

    def answer() -> None:
        dlg = getattr(view, "override_dialog", None)
        if dlg is None or not dlg.isVisible():
            QTimer.singleShot(20, answer)
            return
        if reason is None:
            dlg.reject()
            return
        assert not dlg.ok_button.isEnabled()  # no reason, no proposal
        dlg.reason.setPlainText(reason)
        assert dlg.ok_button.isEnabled()
        dlg.ok_button.click()

    QTimer.singleShot(20, answer)


def test_proposing_a_non_padan_person_asks_for_a_reason(qtbot, world, admin):
    with world.transaction() as s:
        meetings.create_meeting(s, admin, DESA, MEETING_DAY, "09:00", "Balai Desa")
    view = open_page(qtbot, world, admin)
    r = row_named(view, "SITI KHOTIJAH")
    assert "Tidak padan" in cell(view, r, 7)
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(r, COL_DECISION))
    # Batal: nothing changes.
    _answer_override(qtbot, view, None)
    assert view.model.setData(view.model.index(r, COL_DECISION), "usulan_baru")
    assert view.wait_idle(WAIT)
    assert stored(world, "SITI KHOTIJAH").decision == "tetap" and "tanpa alasan" in view.error.text()
    # With a reason: proposed, the reason stored and audited with the clerk's name.
    _answer_override(qtbot, view, "KTP-el baru terbit, belum ada di data Dukcapil")
    view.model.setData(view.model.index(r, COL_DECISION), "usulan_baru")
    assert view.wait_idle(WAIT)
    d = stored(world, "SITI KHOTIJAH")
    assert (d.decision, d.override_reason) == ("usulan_baru", "KTP-el baru terbit, belum ada di data Dukcapil")
    assert cell(view, r, COL_DECISION) == "Usulan baru"
    assert "KTP-el baru" in view.model.index(r, COL_NAMA).data(Qt.ItemDataRole.ToolTipRole)
    assert view.totals.totals.usulan_baru == 2
    with world.sessions() as s:
        ev = s.execute(select(AuditEvent).where(AuditEvent.action == "musdes.decide")).scalars().one()
        assert ev.username == "admin" and "pengecualian" in ev.summary


def test_berita_acara_kembali_makes_the_decisions_final(qtbot, world, admin, tmp_path, monkeypatch):
    with world.transaction() as s:
        sup = create_user(s, "supervisor1", "rahasia-supervisor", "supervisor", full_name="Bambang", by=admin)
        m = meetings.create_meeting(s, admin, DESA, MEETING_DAY, "09:00", "Balai Desa")
        meetings.set_participants(s, admin, m.id, [Participant("H. SUTOYO", "tokoh_masyarakat")])
    view = open_page(qtbot, world, sup)
    assert not view.finalize_button.isEnabled()  # not printed yet
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "ba.pdf"), ""))
    view.print_desa()
    assert view.wait_idle(WAIT) and view.meeting.status == "dicetak" and view.finalize_button.isEnabled()
    scan = tmp_path / "ba_ttd.pdf"
    scan.write_bytes((tmp_path / "ba.pdf").read_bytes())

    def answer() -> None:
        dlg = getattr(view, "finalize_dialog", None)
        if dlg is None or not dlg.isVisible():
            QTimer.singleShot(20, answer)
            return
        dlg.returned.setDate(QDate(date.today().year, date.today().month, date.today().day))
        dlg.scan.setText(str(scan))
        dlg._accept()

    QTimer.singleShot(20, answer)
    qtbot.mouseClick(view.finalize_button, Qt.MouseButton.LeftButton)
    assert view.wait_idle(WAIT)
    assert view.meeting.status == "final" and view.meeting.scan_sha256 and view.meeting.returned_at == date.today()
    assert "Final" in view.panel.status.text() and "ada pindaian" in view.panel.status.text()
    # Final: nothing can be changed in place; a replacement meeting is offered.
    assert not view.model.flags(view.model.index(0, COL_DECISION)) & Qt.ItemFlag.ItemIsEditable
    assert not view.panel.save_button.isEnabled() and not view.panel.add_button.isEnabled()
    assert view.panel.replace_button.isVisible() and not view.print_button.isEnabled()


def test_the_page_is_in_the_window_for_clerks_and_printers(qtbot, world, admin):
    with world.transaction() as s:
        printer = create_user(s, "pencetak1", "rahasia-pencetak", "pencetak", full_name="Dwi", by=admin)
        meetings.create_meeting(s, admin, DESA, MEETING_DAY, "09:00", "Balai Desa")
    window = MainWindow(AppContext(world, printer))
    qtbot.addWidget(window)
    assert window.show_page(KEY_MUSDES)
    view = window.page(KEY_MUSDES)
    view.kec.setCurrentIndex(0)
    assert view.wait_idle(WAIT)
    view.kec.setCurrentIndex(view.kec.findData("33.10.01"))
    assert view.wait_idle(WAIT)
    view.desa.setCurrentIndex(view.desa.findData(DESA))
    assert view.wait_idle(WAIT)
    # A printer reads and prints, but changes nothing.
    assert view.model.rowCount() == 8 and view.print_button.isEnabled()
    assert not view.model.flags(view.model.index(0, COL_DECISION)) & Qt.ItemFlag.ItemIsEditable
    assert not view.panel.save_button.isEnabled() and not view.panel.import_button.isEnabled()
    window.close()


def test_participants_import_runs_in_a_job_and_reports_rejected_rows(qtbot, world, admin, tmp_path, monkeypatch,
                                                                      _quiet_messages):
    with world.transaction() as s:
        meetings.create_meeting(s, admin, DESA, MEETING_DAY, "09:00", "Balai Desa")
    view = open_page(qtbot, world, admin)
    f = tmp_path / "hadir.csv"
    f.write_text("Nama,Unsur,Jabatan\nSUPARNO,Perangkat Desa,Kepala Desa\nKH. ABDUL GHONI,toga,\n"
                 "JOKO,astronot,\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(f), ""))
    qtbot.mouseClick(view.panel.import_button, Qt.MouseButton.LeftButton)
    assert view.wait_idle(WAIT)
    assert [x.nama for x in view.meeting.participants] == ["SUPARNO", "KH. ABDUL GHONI"]
    assert view.panel.participants.rowCount() == 2
    assert any(t.startswith("2 peserta diimpor") and "1 baris ditolak" in t for t in _quiet_messages)


def test_a_desa_without_findings_is_offered_the_sptjm(qtbot, world, admin, tmp_path, monkeypatch):
    from tests.musdes.conftest import OTHER_DESA

    view = open_page(qtbot, world, admin)
    view.desa.setCurrentIndex(view.desa.findData(OTHER_DESA))
    assert view.wait_idle(WAIT)
    p = view.panel
    assert "belum punya temuan verifikasi" in p.warnings.text() and "SPTJM" in p.warnings.text()
    assert not p.sptjm_button.isHidden() and view.sptjm_button.isEnabled()
    out = tmp_path / "sptjm.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    qtbot.mouseClick(p.sptjm_button, Qt.MouseButton.LeftButton)
    assert view.wait_idle(WAIT)
    assert out.is_file(), view.error.text()
    text = " ".join(pdftext(out).upper().split())
    assert "PERNYATAAN" in text and "WIDODO" in text
    # With a meeting recorded this round the SPTJM is no longer offered.
    view.panel.tempat.setText("Balai Desa")
    view.panel.tanggal.setDate(QDate(MEETING_DAY.year, MEETING_DAY.month, MEETING_DAY.day))
    view.save_meeting()
    assert view.wait_idle(WAIT) and view.meeting is not None
    assert not view.sptjm_button.isEnabled() and "SPTJM" in view.panel.warnings.text()
    # It did not take place after all: cancelled with a reason, the SPTJM is offered again.
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Kepala Desa berhalangan, tidak ada musdes", True))
    qtbot.mouseClick(view.panel.cancel_button, Qt.MouseButton.LeftButton)
    assert view.wait_idle(WAIT)
    assert view.meeting is None and "Belum ada rapat" in view.panel.status.text() and view.sptjm_button.isEnabled()
    with world.sessions() as s:
        assert s.execute(select(MusdesMeeting.status).where(MusdesMeeting.desa_kode == OTHER_DESA)).scalar() == "batal"


def test_print_a_whole_kecamatan_and_reopen_after_a_change(qtbot, world, admin, tmp_path, monkeypatch):
    with world.transaction() as s:
        meetings.create_meeting(s, admin, DESA, MEETING_DAY, "09:00", "Balai Desa")
    view = open_page(qtbot, world, admin)
    outdir = tmp_path / "kecamatan"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(outdir))
    qtbot.mouseClick(view.print_kec_button, Qt.MouseButton.LeftButton)
    assert view.wait_idle(WAIT)
    files = sorted(outdir.glob("*.pdf"))
    assert len(files) == 1 and files[0].name.startswith("BA_3310012001"), view.error.text()
    assert "1 Berita Acara dicetak" in view.error.text() and view.meeting.status == "dicetak"
    # A decision changed after printing: the meeting is a draft again (print anew); Enter on an
    # unchanged cell only moves down.
    r = row_named(view, "V2")
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(r, COL_DECISION))
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert view.table.currentIndex().row() == r + 1 and view.meeting.status == "dicetak"
    view.model.setData(view.model.index(r, COL_DECISION), "perbaikan_data")
    assert view.wait_idle(WAIT)
    assert view.meeting.status == "draf" and "Draf" in view.panel.status.text()
    assert view.totals.totals.perbaikan_data == 2
