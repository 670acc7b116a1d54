"""Kantor & Dokumen › Format berkas: pick a format, edit its columns (add, remove, up, down,
field combo), save, see a programme follow its target, reset; the provincial programmes editor;
a supervisor does not see the tab. Set DTKS_SCREENSHOT_DIR to save docs/screenshots/kantor-format.png."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from dtks_desktop.db.models import AuditEvent
from dtks_desktop.services.core import layouts as L
from dtks_desktop.services.submission import batches, outputs
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.documents.office_page import OfficePage

WAIT = 20_000


def _page(qtbot, db, actor) -> OfficePage:
    page = OfficePage(AppContext(db, actor))
    qtbot.addWidget(page)
    page.resize(1180, 760)
    page.show()
    return page


def _tab(qtbot, db, actor):
    page = _page(qtbot, db, actor)
    tab = page.layouts
    page.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.current is not None and tab.table.rowCount() > 0, timeout=WAIT)
    return page, tab


def _choose(qtbot, tab, key):
    tab.scope_combo.setCurrentIndex(tab.scope_combo.findData(key))
    tab._scope_chosen(tab.scope_combo.currentIndex())
    assert tab.current["key"] == key


def test_edit_save_follow_and_reset(qtbot, office_db, admin, monkeypatch):
    page, tab = _tab(qtbot, office_db, admin)
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == [
        "Profil kantor", "Penanda tangan", "Format berkas", "Perangkat desa"]
    keys = [tab.scope_combo.itemData(i) for i in range(tab.scope_combo.count())]
    assert keys[:4] == ["batch.kemensos", "batch.kemensos.PKH", "batch.kemensos.BPNT", "batch.kemensos.PBI-JK"]
    assert tab.columns() == outputs.DEFAULT_LAYOUTS["kemensos"]
    assert tab.state.text() == "Format bawaan aplikasi." and not tab.save_button.isEnabled()
    assert tab.table.item(5, 2).text() == "teks, wajib"  # NIK

    # remove everything after NAMA, rename a header, move KODE_WILAYAH down, pick No KK for a new column
    while tab.table.rowCount() > 8:
        tab.table.selectRow(8)
        tab.remove_row()
    tab.table.item(7, 0).setText("NAMA LENGKAP")
    tab.table.selectRow(1)
    tab.move_row(1)
    assert [f for _h, f in tab.columns()][1:3] == ["kecamatan", "kode_wilayah"]
    tab.table.selectRow(7)
    tab.add_row()
    assert tab.table.rowCount() == 9 and tab.table.currentRow() == 8
    combo = tab.table.cellWidget(8, 1)
    combo.setCurrentIndex(combo.findData("alamat"))
    tab.table.item(8, 0).setText("ALAMAT RUMAH")
    assert tab.dirty and tab.save_button.isEnabled()
    tab.save()
    qtbot.waitUntil(lambda: "disimpan: 9 kolom" in tab.message.text(), timeout=WAIT)
    qtbot.waitUntil(lambda: not tab.dirty and tab.state.text() == "Format diatur kantor.", timeout=WAIT)
    with office_db.sessions() as s:
        stored = [(c.header, c.field) for c in L.layout(s, "batch.kemensos")]
    assert stored[7:] == [("NAMA LENGKAP", "nama"), ("ALAMAT RUMAH", "alamat")] and stored[2][1] == "kode_wilayah"

    _choose(qtbot, tab, "batch.kemensos.PKH")  # follows its target
    assert tab.state.text() == "Mengikuti format batch.kemensos (belum diatur sendiri)."
    assert tab.columns() == stored and not tab.reset_button.isEnabled()

    # an invalid layout: the service's message, nothing stored
    tab.table.selectRow(7)
    tab.remove_row()  # NAMA (required)
    tab.table.item(0, 0).setText("=A1")
    tab.save()
    qtbot.waitUntil(lambda: "Isian wajib belum ada: Nama (nama)." in tab.message.text(), timeout=WAIT)
    assert "tampak seperti rumus" in tab.message.text()
    with office_db.sessions() as s:
        assert L.configured_key(s, "batch.kemensos.PKH") == "batch.kemensos"

    # leaving unsaved edits asks first
    asked = []
    monkeypatch.setattr("dtks_desktop.views.documents.layouts_tab.ask_yes_no", lambda *a, **k: asked.append(a) or False)
    tab.scope_combo.setCurrentIndex(tab.scope_combo.findData("batch.provinsi"))
    tab._scope_chosen(0)
    assert asked and tab.current["key"] == "batch.kemensos.PKH" and tab.scope_combo.currentData() == "batch.kemensos.PKH"

    monkeypatch.setattr("dtks_desktop.views.documents.layouts_tab.ask_yes_no", lambda *a, **k: True)
    _choose(qtbot, tab, "batch.kemensos")
    assert tab.reset_button.isEnabled()
    tab.reset(confirm=False)
    qtbot.waitUntil(lambda: "kini memakai format bawaan" in tab.message.text(), timeout=WAIT)
    qtbot.waitUntil(lambda: tab.state.text() == "Format bawaan aplikasi.", timeout=WAIT)
    assert tab.columns() == outputs.DEFAULT_LAYOUTS["kemensos"]
    with office_db.sessions() as s:
        actions = list(s.execute(select(AuditEvent.action).where(AuditEvent.action.like("layout.%"))
                                 .order_by(AuditEvent.id)).scalars())
    assert actions == ["layout.set", "layout.reset"]


def test_provincial_programmes_editor(qtbot, office_db, admin):
    page, tab = _tab(qtbot, office_db, admin)
    assert tab.programme_codes() == ["BANSOS_PROVINSI"] and "bawaan" in tab.programme_note.text()
    assert not tab.programme_save.isEnabled()
    tab.programme_edit.setText("rtlh, PKH")
    tab.add_programme()
    assert tab.programme_codes() == ["BANSOS_PROVINSI", "RTLH", "PKH"]
    tab.save_programmes()
    qtbot.waitUntil(lambda: "PKH: program nasional" in tab.message.text(), timeout=WAIT)
    tab.programmes.setCurrentRow(2)
    tab.remove_programme()
    tab.programmes.setCurrentRow(0)
    tab.remove_programme()
    tab.save_programmes()
    qtbot.waitUntil(lambda: tab.message.text() == "Program provinsi disimpan: RTLH.", timeout=WAIT)
    with office_db.sessions() as s:
        assert batches.programmes_for(s, "provinsi") == ["RTLH"]
    # the new programme has a format of its own to configure; the removed one is gone
    qtbot.waitUntil(lambda: tab.scope_combo.findData("batch.provinsi.RTLH") >= 0, timeout=WAIT)
    assert tab.scope_combo.findData("batch.provinsi.BANSOS_PROVINSI") == -1
    assert tab.programme_note.text() == ""
    folder = os.environ.get("DTKS_SCREENSHOT_DIR")
    if folder:
        assert page.grab().save(os.path.join(folder, "kantor-format.png"))


@pytest.mark.parametrize("role", ["supervisor", "operator"])
def test_only_administrators_see_the_tab(qtbot, office_db, admin, role, supervisor, operator):
    actor = {"supervisor": supervisor, "operator": operator}[role]
    page = _page(qtbot, office_db, actor)
    assert page.layouts is None
    assert "Format berkas" not in [page.tabs.tabText(i) for i in range(page.tabs.count())]
