"""The Verifikasi Lapangan page and the usulan baru form, driven with the keyboard like a clerk."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from dtks_desktop.db.models import Member, VerificationFamily, VerificationMember, VerificationProposal
from dtks_desktop.services.verification.assign import assign
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.widgets import job_runner
from dtks_desktop.views.verification.proposal_dialog import ProposalDialog
from dtks_desktop.views.verification.verification_view import COL_KEB, COL_NIK, VerificationView

from .conftest import DESA

WAIT = 30_000


@pytest.fixture(autouse=True)
def _quiet_messages(monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or QMessageBox.StandardButton.Ok)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(a[2] if len(a) > 2 else ""))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append("WARN " + (a[2] if len(a) > 2 else "")))
    yield shown
    job_runner().wait_all(WAIT)


def open_page(qtbot, db, actor) -> VerificationView:
    view = VerificationView(AppContext(db, actor))
    qtbot.addWidget(view)
    view.resize(1400, 800)
    view.show()
    qtbot.waitExposed(view)
    assert view.wait_idle(WAIT)
    view.kec.setCurrentIndex(view.kec.findData("33.10.01"))
    assert view.wait_idle(WAIT)
    view.desa.setCurrentIndex(view.desa.findData(DESA))
    assert view.wait_idle(WAIT)
    return view


def test_keyboard_entry_family_by_family(qtbot, desa, operator, tmp_path):
    with desa.transaction() as s:
        assign(s, operator, DESA, "Siti Aminah", peran="PSM")
    view = open_page(qtbot, desa, operator)
    assert view.round_label.text() == "Putaran: 2026-12"
    assert view.family_table.rowCount() == 3 and view.progress_table.item(0, 3).text() == "3"
    first = view.detail
    assert first is not None and view.grid.rowCount() == len(first.members)
    assert view.grid.currentColumn() == COL_KEB and view.grid.item(0, 1).text() in (
        "3310011205700001", "3310013108610001", "3310014202020001")  # an operator sees full NIKs
    # Keberadaan of every member: type into the drop-down, Enter commits; Enter moves on.
    for r in range(view.grid.rowCount()):
        view.grid.setCurrentCell(r, COL_KEB)
        view.grid.item(r, COL_KEB).setText("ada")
    view.kelayakan.setCurrentIndex(view.kelayakan.findData("layak"))
    view.grid.setCurrentCell(0, COL_KEB)
    qtbot.keyClick(view.grid, Qt.Key.Key_Return)
    assert view.grid.currentColumn() == COL_KEB + 1  # Enter moved to the next cell to fill
    qtbot.keyClick(view.grid, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert view.wait_idle(WAIT)
    with desa.sessions() as s:
        vf = s.execute(select(VerificationFamily)).scalar_one()
        assert vf.household_id == first.household_id and vf.kelayakan == "layak" and vf.sumber == "aplikasi"
        assert {m.keberadaan for m in s.execute(select(VerificationMember)).scalars()} == {"ada"}
    # The next family is open, the first marked done, the progress counts it.
    assert view.detail.household_id != first.household_id and not view.detail.done
    assert [view.family_table.item(r, 3).text() for r in range(3)].count("Selesai") == 1
    assert (view.progress_table.item(0, 2).text(), view.progress_table.item(0, 3).text()) == ("1", "2")
    # A bad corrected NIK: the page says why, nothing is saved.
    view.grid.item(0, COL_KEB).setText("ada")
    view.grid.item(0, COL_NIK).setText("1234")
    view.save(False)
    assert view.wait_idle(WAIT)
    assert "bukan NIK yang sah" in view.error.text()
    with desa.sessions() as s:
        assert len(s.execute(select(VerificationFamily)).scalars().all()) == 1
    if os.environ.get("DTKS_SCREENSHOT_DIR"):
        view.grid.item(0, COL_NIK).setText("")
        view.error.clear_error()
        view.grab().save(os.path.join(os.environ["DTKS_SCREENSHOT_DIR"], "verifikasi-lapangan.png"))
    view.close()


def test_new_family_form_checks_the_nik_live(qtbot, desa, operator):
    dlg = ProposalDialog(AppContext(desa, operator), DESA, "Sengon", ["Siti Aminah"])
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.keyClicks(dlg.nik, "33100113")
    assert "8 dari 16 digit" in dlg.nik_status.text()
    dlg.nik.clear()
    qtbot.keyClicks(dlg.nik, "3310011399000001")
    assert dlg.nik_status.text().startswith("NIK tidak sah")
    dlg.nik.clear()
    qtbot.keyClicks(dlg.nik, "3310010101900002")
    qtbot.waitUntil(lambda: "Ada di data Dukcapil" in dlg.nik_status.text(), timeout=WAIT)
    assert "WARSITO" in dlg.nik_status.text() and dlg.nama.text() == "WARSITO" and dlg.tgl.text() == "01-01-1990"
    dlg.add_button.click()
    assert dlg.table.rowCount() == 1 and "Ada di data Dukcapil" in dlg.table.item(0, 4).text()
    qtbot.keyClicks(dlg.nik, "3310010101900003")
    qtbot.waitUntil(lambda: "TIDAK ADA" in dlg.nik_status.text(), timeout=WAIT)
    qtbot.keyClicks(dlg.nama, "SRI WARSITO")
    qtbot.keyClicks(dlg.alamat, "Dukuh Krajan")
    if os.environ.get("DTKS_SCREENSHOT_DIR"):
        dlg.grab().save(os.path.join(os.environ["DTKS_SCREENSHOT_DIR"], "verifikasi-usulan-baru.png"))
    dlg.ok_button.click()
    qtbot.waitUntil(lambda: dlg.saved_id is not None, timeout=WAIT)
    with desa.sessions() as s:
        p = s.execute(select(VerificationProposal)).scalar_one()
        assert p.alamat == "Dukuh Krajan" and p.id == dlg.saved_id
        assert s.execute(select(Member).where(Member.nama == "WARSITO")).scalar() is None


def test_printing_a_worksheet_without_the_kepala_desa_warns_which_setting_to_fill(qtbot, desa, operator, tmp_path,
                                                                                 monkeypatch, _quiet_messages):
    from PySide6.QtWidgets import QFileDialog

    view = open_page(qtbot, desa, operator)
    target = tmp_path / "lk.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    view.print_sheet()
    qtbot.waitUntil(lambda: any(m.startswith("WARN") for m in _quiet_messages), timeout=WAIT)
    message = next(m for m in _quiet_messages if m.startswith("WARN"))
    assert str(target) in message and "Kepala Desa" in message and "Perangkat desa" in message
    assert target.exists()
