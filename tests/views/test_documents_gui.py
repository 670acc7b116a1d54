"""Documents in the GUI (issue 11): the tab *Dokumen terbit* (list, filters, reprint; a refused
reprint shows the service's message), *Cetak agenda…*, the Surat Keterangan Terdaftar DTKS from
the Data page's family panel, and the matching reports from the Pemadanan page's menu *Laporan*.

Data: the demo generator's Dukcapil extract and SIKS-NG export (400 people), imported through the
real importer and matched by the real service. PDFs are read with pdftotext.

Set DTKS_SCREENSHOT_DIR to save the pages as PNG (docs/screenshots/documents_*.png)."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox
from sqlalchemy import select, update

from dtks_desktop.db.models import Household, IssuedDocument, Member
from dtks_desktop.demo import generator as demo
from dtks_desktop.domain.masking import mask_nik
from dtks_desktop.services.core import settings as settings_service
from dtks_desktop.services.core.users import create_user
from dtks_desktop.services.documents import issued as I
from dtks_desktop.services.documents import signers
from dtks_desktop.services.importing.run import run_import
from dtks_desktop.services.matching import run as match_run
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.widgets import job_runner
from dtks_desktop.views.core.data_view import DataView
from dtks_desktop.views.documents.keterangan_dialog import KeteranganDialog
from dtks_desktop.views.documents.register_view import RegisterView
from dtks_desktop.views.matching.review_view import ReviewView

from tests.documents.conftest import DAY, SIGNER, SK_DATA

WAIT = 30_000
DIGITS16 = re.compile(r"\b\d{16}\b")

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) not installed")


def _shot(widget, name):
    folder = os.environ.get("DTKS_SCREENSHOT_DIR")
    if folder:
        assert widget.grab().save(os.path.join(folder, name))


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture(autouse=True)
def _quiet(monkeypatch):
    shown: list[str] = []

    def fake_exec(box):
        shown.append(box.text())
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    yield shown
    job_runner().wait_all(WAIT)


def save_as(monkeypatch, path: Path) -> list[str]:
    """QFileDialog.getSaveFileName answers ``path``; returns the titles it was asked with."""
    asked: list[str] = []

    def fake(parent, title, name="", filt=""):
        asked.append(f"{title} | {name}")
        return str(path), filt

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))
    return asked


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory):
    return demo.generate_files(tmp_path_factory.mktemp("demo_docs"), demo.DemoConfig(people=400, seed=3), xlsx=False)


@pytest.fixture
def matched(db, admin, demo_files):
    with db.transaction() as s:
        settings_service.put(s, admin, settings_service.KAB_KODE, "33.10")
        kadis = signers.add_signer(s, admin, nama=SIGNER.nama, nip=SIGNER.nip, pangkat=SIGNER.pangkat,
                                   jabatan=SIGNER.jabatan)
        signers.use_signer(s, admin, "default", kadis.id)
    run_import(db, admin, demo_files["dukcapil"], kind="dukcapil")
    run_import(db, admin, demo_files["dtks_csv"], kind="dtks")
    match_run.run_matching(db, admin)
    return db


# --------------------------------------------------------------------------- Agenda Surat page


def _register(qtbot, db, actor) -> RegisterView:
    view = RegisterView(AppContext(db, actor))
    qtbot.addWidget(view)
    view.resize(1200, 620)
    view.show()
    qtbot.waitUntil(lambda: not view._loading and not view.issued._loading, timeout=WAIT)
    return view


def test_issued_tab_lists_filters_and_reprints_byte_identical(qtbot, db, admin, tmp_path, monkeypatch):
    with db.transaction() as s:
        sk = I.issue(s, admin, "surat_keterangan", SK_DATA, purpose="SK Slamet", when=DAY, signer=SIGNER)
        sk_id, sk_nomor, sk_bytes = sk.id, sk.nomor, sk.pdf
        ag = I.print_agenda(s, admin, year=2026, when=DAY).doc
        ag_id = ag.id
    with db.transaction() as s:
        clerk = create_user(s, "pencetak1", "rahasia-pencetak-1", "pencetak", by=admin)
    view = _register(qtbot, db, clerk)
    tab = view.issued
    view.tabs.setCurrentWidget(tab)
    assert [r["id"] for r in tab.rows] == [ag_id, sk_id]
    row = tab.rows.index(next(r for r in tab.rows if r["id"] == sk_id))
    assert tab.table.item(row, 1).text() == "Surat keterangan terdaftar DTKS"
    assert tab.table.item(row, 2).text() == sk_nomor
    assert tab.table.item(row, 3).text() == "admin"
    assert tab.table.item(row, 6).text() == hashlib.sha256(sk_bytes).hexdigest()[:12]
    assert tab.table.item(tab.rows.index(next(r for r in tab.rows if r["id"] == ag_id)), 2).text() == "(tanpa nomor)"
    assert not tab.reprint_button.isEnabled()

    with qtbot.waitSignal(tab.loaded, timeout=WAIT):
        tab.type_combo.setCurrentIndex(tab.type_combo.findData("surat_keterangan"))
    assert [r["id"] for r in tab.rows] == [sk_id]
    tab.text.setText(sk_nomor.split("/")[1] + "/Dinsos")
    with qtbot.waitSignal(tab.loaded, timeout=WAIT):
        tab.text.returnPressed.emit()
    assert [r["id"] for r in tab.rows] == [sk_id]
    _shot(view, "documents_issued.png")

    # "Cetak ulang…": the stored bytes, byte-identical, where the clerk chose
    tab.table.selectRow(0)
    assert tab.reprint_button.isEnabled()
    out = tmp_path / "cetak ulang.pdf"
    asked = save_as(monkeypatch, out)
    with qtbot.waitSignal(tab.finished, timeout=WAIT):
        tab.reprint_button.click()
    assert out.read_bytes() == sk_bytes
    assert f"dokumen {sk_id}" in asked[0] and "surat_keterangan_460-" in asked[0]
    assert "dicetak ulang" in tab.message.text()
    with db.sessions() as s:
        assert I.verify_file(s, admin, out).genuine

    # a stored row changed behind the office's back: refused, with the service's message, no file
    with db.transaction() as s:
        s.execute(update(IssuedDocument).where(IssuedDocument.id == sk_id).values(nomor="460/999/Dinsos/2026"))
    bad = tmp_path / "palsu.pdf"
    with qtbot.waitSignal(tab.finished, timeout=WAIT):
        tab.reprint_to(sk_id, str(bad))
    assert not bad.exists()
    text = tab.message.text()
    assert f"Dokumen {sk_id} (surat_keterangan" in text and "tidak dicetak ulang" in text
    assert "sudah diubah sejak diterbitkan" in text


def test_cetak_agenda_prints_the_filtered_year(qtbot, db, admin, tmp_path, monkeypatch):
    from dtks_desktop.services.documents import register as R

    with db.transaction() as s:
        for p in ("Undangan rapat koordinasi PKH", "Laporan bulanan BPNT"):
            R.take_number(s, admin, "surat_keluar", p, when=DAY)
        R.take_number(s, admin, "surat_keluar", "Surat tahun lalu", when=DAY.replace(year=2025))
        kadis = signers.add_signer(s, admin, nama=SIGNER.nama, nip=SIGNER.nip, pangkat=SIGNER.pangkat,
                                   jabatan=SIGNER.jabatan)
        signers.use_signer(s, admin, "default", kadis.id)
    view = _register(qtbot, db, admin)
    with qtbot.waitSignal(view.loaded, timeout=WAIT):
        view.year.setCurrentIndex(view.year.findData(2026))
    out = tmp_path / "agenda.pdf"
    asked = save_as(monkeypatch, out)
    with qtbot.waitSignal(view.printed, timeout=WAIT):
        view.agenda_button.click()
    assert "2026" in asked[0]
    text = pdf_text(out)
    assert "AGENDA SURAT KELUAR" in text.upper() and "2026" in text
    assert "Undangan rapat koordinasi PKH" in text and "Surat tahun lalu" not in text
    assert SIGNER.nama in text
    assert "ditulis ke" in view.message.text() and "halaman" in view.message.text()
    qtbot.waitUntil(lambda: any(r["type"] == "agenda_surat" for r in view.issued.rows), timeout=WAIT)
    doc_id = next(r["id"] for r in view.issued.rows if r["type"] == "agenda_surat")
    with db.sessions() as s:
        assert s.get(IssuedDocument, doc_id).pdf == out.read_bytes()


# --------------------------------------------------------------------------- Data page: surat keterangan


def _data_view(qtbot, db, actor) -> DataView:
    view = DataView(AppContext(db, actor))
    qtbot.addWidget(view)
    view.resize(1500, 720)
    view.show()
    qtbot.waitUntil(lambda: not view.is_busy() and view.model.member_count, timeout=WAIT)
    return view


def _keperluan(monkeypatch, text: str) -> None:
    def fake_exec(dialog):
        dialog.purpose.setEditText(text)
        dialog._ok()
        return dialog.result()

    monkeypatch.setattr(KeteranganDialog, "exec", fake_exec)


def test_family_panel_prints_surat_keterangan(qtbot, matched, admin, tmp_path, monkeypatch):
    db = matched
    view = _data_view(qtbot, db, admin)
    panel = view.family_panel
    assert not panel.certificate_button.isVisible()
    from dtks_desktop.views.core.members import COL_NAMA, ROW_ROLE

    qtbot.waitUntil(lambda: view.model.data(view.model.index(2, COL_NAMA), ROW_ROLE) is not None, timeout=WAIT)
    view.table.selectRow(2)
    qtbot.waitUntil(lambda: panel.detail is not None, timeout=WAIT)
    assert panel.certificate_button.isVisible()
    hid = panel.detail.household_id
    with db.sessions() as s:
        hh = s.get(Household, hid)
        active = s.scalars(select(Member).where(Member.household_id == hid, Member.status == "aktif")).all()
        policy = settings_service.mask_policy(s)
        head = next((m for m in active if m.hubungan == 1), active[0])
        no_kk, head_nik, head_name = hh.no_kk, head.nik, head.nama
    _shot(view, "data_family_certificate.png")

    _keperluan(monkeypatch, "")  # no purpose: the dialog says so and nothing is issued
    save_as(monkeypatch, tmp_path / "never.pdf")
    panel.certificate_button.click()
    assert not (tmp_path / "never.pdf").exists()

    out = tmp_path / "sk.pdf"
    _keperluan(monkeypatch, "pendaftaran   sekolah anak")
    asked = save_as(monkeypatch, out)
    with qtbot.waitSignal(view.certificatePrinted, timeout=WAIT):
        panel.certificate_button.click()
    assert "surat_keterangan_" in asked[0]
    text = pdf_text(out)
    assert "SURAT KETERANGAN TERDAFTAR DTKS" in text
    with db.sessions() as s:
        doc = s.scalars(select(IssuedDocument).where(IssuedDocument.doc_type == "surat_keterangan")).one()
        nomor, stored = doc.nomor, doc.pdf
    assert nomor and f"Nomor: {nomor}" in " ".join(text.split()) and stored == out.read_bytes()
    assert head_name in text and "pendaftaran sekolah anak" in text and SIGNER.nama in text
    assert mask_nik(head_nik, policy) in text and mask_nik(no_kk, policy) in text
    assert not DIGITS16.search(text)  # NIK and No KK masked
    for m in active:
        assert m.nama in text
    assert f"nomor {nomor}" in panel.action_message.text()

    # a family struck off the registry gets no "terdaftar" letter: the service's message shows
    with db.transaction() as s:
        s.execute(update(Household).where(Household.id == hid).values(status="dihapus"))
    refused = tmp_path / "dihapus.pdf"
    with qtbot.waitSignal(view.certificatePrinted, timeout=WAIT):
        view.print_certificate(hid, "berobat", str(refused))
    assert not refused.exists()
    assert "sudah dihapus dari DTKS" in panel.action_message.text()
    with db.sessions() as s:
        assert len(s.scalars(select(IssuedDocument.id)).all()) == 1


# --------------------------------------------------------------------------- Pemadanan page: reports


def _review(qtbot, db, actor) -> ReviewView:
    view = ReviewView(AppContext(db, actor))
    qtbot.addWidget(view)
    view.resize(1400, 820)
    view.show()
    assert view.wait_idle(WAIT)
    return view


def test_review_page_writes_the_matching_reports(qtbot, matched, admin, tmp_path, monkeypatch):
    db = matched
    view = _review(qtbot, db, admin)
    assert [a.text() for a in view.report_menu.actions()] == [
        "Rekap per kecamatan/desa (PDF)…", "Rekap per kecamatan/desa (Excel)…", "Daftar per desa (PDF)…",
        "Daftar per desa (Excel)…"]

    out = tmp_path / "rekap.pdf"
    save_as(monkeypatch, out)
    with qtbot.waitSignal(view.reportFinished, timeout=WAIT):
        view.report_actions[("summary", "pdf")].trigger()
    text = pdf_text(out)
    res = view.last_report
    assert "REKAPITULASI HASIL PEMADANAN" in text.upper() and res.nomor and res.nomor in text
    assert res.nomor in view.message_label.text() and str(out) in view.message_label.text()

    out = tmp_path / "rekap.xlsx"
    save_as(monkeypatch, out)
    with qtbot.waitSignal(view.reportFinished, timeout=WAIT):
        view.report_actions[("summary", "xlsx")].trigger()
    assert load_workbook(out).sheetnames and view.last_report.path == out

    # the lists of every desa, then of the desa filtered
    out_all = tmp_path / "daftar_semua.pdf"
    save_as(monkeypatch, out_all)
    with qtbot.waitSignal(view.reportFinished, timeout=WAIT):
        view.report_actions[("desa", "pdf")].trigger()
    every = view.last_report
    assert every.villages > 1 and every.nomor and every.nomor in pdf_text(out_all)

    view.kecamatan_combo.setCurrentIndex(1)
    qtbot.waitUntil(lambda: view.desa_combo.count() > 1, timeout=WAIT)
    assert view.wait_idle(WAIT)
    from dtks_desktop.services.matching import reports as RP

    with db.sessions() as s:
        desas = {r.desa_kode for r in RP.village_list_rows(s, view.kecamatan_combo.currentData())}
    i = next(i for i in range(1, view.desa_combo.count()) if view.desa_combo.itemData(i) in desas)
    view.desa_combo.setCurrentIndex(i)
    assert view.wait_idle(WAIT)
    desa_name = view.desa_combo.currentText()
    out = tmp_path / "daftar_desa.pdf"
    asked = save_as(monkeypatch, out)
    with qtbot.waitSignal(view.reportFinished, timeout=WAIT):
        view.report_actions[("desa", "pdf")].trigger()
    one = view.last_report
    assert desa_name in asked[0] and one.villages == 1 and one.nomor != every.nomor
    text = pdf_text(out)
    assert desa_name.upper() in text.upper() and one.nomor in text and not DIGITS16.search(text)
    _shot(view, "review_reports.png")

    out = tmp_path / "daftar_desa.xlsx"
    save_as(monkeypatch, out)
    with qtbot.waitSignal(view.reportFinished, timeout=WAIT):
        view.report_actions[("desa", "xlsx")].trigger()
    ws = load_workbook(out).active
    desa_col = [ws.cell(r, 3).value for r in range(6, ws.max_row + 1) if ws.cell(r, 1).value]
    assert desa_col and {str(v).upper() for v in desa_col} == {desa_name.upper()}
    with db.sessions() as s:
        types = [d.doc_type for d in I.list_documents(s)]
    assert sorted(types) == ["daftar_pemadanan_desa", "daftar_pemadanan_desa", "rekap_pemadanan"]


def test_report_refused_shows_the_message(qtbot, db, admin, tmp_path, monkeypatch):
    with db.transaction() as s:
        settings_service.put(s, admin, settings_service.KAB_KODE, "33.10")
    view = _review(qtbot, db, admin)
    out = tmp_path / "rekap.pdf"
    save_as(monkeypatch, out)
    with qtbot.waitSignal(view.reportFinished, timeout=WAIT):
        view.report_actions[("summary", "pdf")].trigger()
    assert not out.exists() and "Belum ada hasil pemadanan" in view.message_label.text()
    with db.sessions() as s:
        assert I.list_documents(s) == []
