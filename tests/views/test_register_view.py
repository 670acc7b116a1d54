"""The register page (Agenda Surat) and the authenticity check dialog, driven with pytest-qt."""

from __future__ import annotations

from datetime import date

from openpyxl import load_workbook

from dtks_desktop.services.core.users import create_user
from dtks_desktop.services.documents import issued as I
from dtks_desktop.services.documents import register as R
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.documents.register_view import RegisterView, TakeNumberDialog, VoidDialog
from dtks_desktop.views.documents.verify_dialog import VerifyDialog

from tests.documents.conftest import DAY, PROFILE, SIGNER, SK_DATA

WAIT = 20_000


def _numbers(db, actor, purposes, when=date(2026, 12, 4)):
    with db.transaction() as s:
        for p in purposes:
            R.take_number(s, actor, "surat_keluar", p, when=when)


def _view(qtbot, db, actor) -> RegisterView:
    view = RegisterView(AppContext(db, actor))
    qtbot.addWidget(view)
    view.resize(1200, 600)
    view.show()
    qtbot.waitUntil(lambda: not view._loading and view.table.rowCount() == len(view.rows), timeout=WAIT)
    return view


def _reload(qtbot, view, action):
    with qtbot.waitSignal(view.loaded, timeout=WAIT):
        action()


def test_register_lists_filters_takes_voids_and_exports(qtbot, db, admin, tmp_path):
    _numbers(db, admin, ["Undangan rapat PKH", "Laporan bulanan"])
    _numbers(db, admin, ["Surat tahun lalu"], when=date(2025, 6, 1))
    view = _view(qtbot, db, admin)
    assert [view.table.item(r, 0).text() for r in range(3)] == [
        "460/2/Dinsos/2026", "460/1/Dinsos/2026", "460/1/Dinsos/2025"]
    assert [view.year.itemText(i) for i in range(view.year.count())] == ["Semua tahun", "2026", "2025"]

    _reload(qtbot, view, lambda: view.year.setCurrentIndex(view.year.findData(2025)))
    assert view.table.rowCount() == 1 and view.table.item(0, 3).text() == "Surat tahun lalu"
    _reload(qtbot, view, lambda: view.year.setCurrentIndex(0))
    view.text.setText("pkh")
    _reload(qtbot, view, view.text.returnPressed.emit)
    assert view.table.rowCount() == 1 and view.table.item(0, 0).text() == "460/1/Dinsos/2026"
    view.text.clear()
    _reload(qtbot, view, view.text.returnPressed.emit)

    _reload(qtbot, view, lambda: view.take_number("surat_keluar", "Undangan sosialisasi"))
    assert view.table.item(0, 0).text().endswith("/Dinsos/" + str(date.today().year))
    assert "Nomor surat:" in view.message.text()

    view.table.selectRow([r["nomor"] for r in view.rows].index("460/2/Dinsos/2026"))
    assert view.void_button.isEnabled()
    _reload(qtbot, view, lambda: view.void_selected("salah tujuan"))
    row = next(r for r in view.rows if r["nomor"] == "460/2/Dinsos/2026")
    assert row["voided"] and row["void_reason"] == "salah tujuan"
    i = view.rows.index(row)
    assert view.table.item(i, 5).text() == "Batal" and view.table.item(i, 6).text() == "salah tujuan"

    _reload(qtbot, view, lambda: view.status.setCurrentIndex(view.status.findData(True)))
    assert [r["nomor"] for r in view.rows] == ["460/2/Dinsos/2026"]

    out = tmp_path / "agenda.xlsx"
    view.export_to(str(out))
    qtbot.waitUntil(lambda: "ditulis" in view.message.text(), timeout=WAIT)
    assert load_workbook(out).active["B2"].value == "460/2/Dinsos/2026"


def test_an_operator_may_take_but_not_void(qtbot, db, admin):
    with db.transaction() as s:
        op = create_user(s, "operator1", "rahasia-operator", "operator", by=admin)
    _numbers(db, admin, ["Undangan"])
    view = _view(qtbot, db, op)
    assert view.take_button.isVisibleTo(view) and not view.void_button.isVisibleTo(view)


def test_dialogs_ask_for_what_is_required(qtbot):
    take = TakeNumberDialog([("surat_keluar", "Surat keluar"), ("surat_keterangan", "SK")])
    qtbot.addWidget(take)
    assert take.type_combo.currentData() == "surat_keluar"
    take.ok_button.click()
    assert take.result() == 0 and "Perihal" in take.error.text()
    take.purpose.setText("Undangan")
    take.ok_button.click()
    assert take.result() == 1
    void = VoidDialog("460/1/Dinsos/2026")
    qtbot.addWidget(void)
    void.ok_button.click()
    assert void.result() == 0 and "Alasan" in void.error.text()


def test_verify_dialog_says_genuine_or_altered(qtbot, db, admin, tmp_path):
    with db.transaction() as s:
        doc = I.issue(s, admin, "surat_keterangan", SK_DATA, when=DAY, signer=SIGNER, profile=PROFILE)
        pdf, code = doc.pdf, I.code_of(s, doc)
    good, bad = tmp_path / "asli.pdf", tmp_path / "ubah.pdf"
    good.write_bytes(pdf)
    i = pdf.index(b"/Producer")
    bad.write_bytes(pdf[:i + 3] + bytes([pdf[i + 3] ^ 1]) + pdf[i + 4:])
    dialog = VerifyDialog(AppContext(db, admin))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.check_button.click()
    assert "terlebih dahulu" in dialog.answer.text()
    for path, genuine, words in ((good, True, "ASLI"), (bad, False, "sudah diubah")):
        dialog.file_edit.setText(str(path))
        dialog.result = None
        dialog.check_button.click()
        qtbot.waitUntil(lambda: dialog.result is not None, timeout=WAIT)
        assert dialog.result["genuine"] is genuine and words in dialog.answer.text()
    dialog.file_edit.clear()
    dialog.code_edit.setText(code)
    dialog.result = None
    dialog.check_button.click()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=WAIT)
    assert dialog.result["genuine"] and "460/1/Dinsos/2026" in dialog.answer.text()
