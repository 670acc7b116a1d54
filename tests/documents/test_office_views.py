"""Kantor & Dokumen page: profile (with the real kop preview), signatories, village officials.

Set DTKS_SCREENSHOT_DIR to save each tab as PNG (docs/screenshots/kantor-*.png)."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from dtks_desktop.db.models import Setting
from dtks_desktop.services.documents import office, officials, signers
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.documents.office_page import OfficePage
from tests.documents.conftest import make_logo
from tests.documents.test_signers_officials import KADIS, SEKDIN, _xlsx

WAIT = 20_000


def _shot(widget, name):
    folder = os.environ.get("DTKS_SCREENSHOT_DIR")
    if folder:
        assert widget.grab().save(os.path.join(folder, name))


def _page(qtbot, db, actor) -> OfficePage:
    page = OfficePage(AppContext(db, actor))
    qtbot.addWidget(page)
    page.resize(1180, 760)
    page.show()
    return page


@pytest.fixture
def realistic(office_db, admin, tmp_path):
    logo = make_logo(tmp_path / "logo_klaten.png")
    with office_db.transaction() as s:
        office.set_values(s, admin, {"alamat": "Jl. Pemuda No. 294, Klaten", "telepon": "(0272) 321046",
                                     "email": "dinsos@klatenkab.go.id", "website": "dinsos.klatenkab.go.id",
                                     "kode_pos": "57411", "logo": str(logo)})
        kadis = signers.add_signer(s, admin, **KADIS)
        signers.add_signer(s, admin, **SEKDIN)
        signers.use_signer(s, admin, "default", kadis.id)
        for kode, k, b, sek in (("33.10.01.2001", "SUPARNO", "H. MUHAMMAD ARIF", "WAHYUDI"),
                                ("33.10.01.2002", "SRI WIDODO, S.E.", "JOKO SANTOSO", "ANI RAHAYU"),
                                ("33.10.01.2003", "BAMBANG SUTEJO", "", "SITI AMINAH")):
            officials.set_officials(s, admin, kode, kepala=k, ketua_bpd=b, sekretaris=sek)
    return office_db


def _stored(db, key):
    with db.sessions() as s:
        return s.execute(select(Setting.value).where(Setting.key == key)).scalar_one_or_none()


def test_profile_tab_saves_checked_values_and_previews_the_real_kop(qtbot, realistic, admin, tmp_path):
    page = _page(qtbot, realistic, admin)
    tab = page.profile
    qtbot.waitUntil(lambda: tab.edits["kode_pos"].text() == "57411", timeout=WAIT)
    qtbot.waitUntil(lambda: tab.preview_label.pixmap() is not None and not tab.preview_label.pixmap().isNull(),
                    timeout=WAIT)
    assert tab.edits["pemerintah"].text() == "PEMERINTAH KABUPATEN KLATEN"  # derived, shown
    assert "PNG" in tab.logo_info.text()
    _shot(page, "kantor-profil.png")

    tab.edits["kode_pos"].setText("574")
    tab.save()
    qtbot.waitUntil(lambda: "kode_pos harus 5 angka" in tab.message.text(), timeout=WAIT)
    assert _stored(realistic, "office.kode_pos") == "57411"

    tab.edits["kode_pos"].setText("57412")
    tab.kertas.setCurrentIndex(tab.kertas.findData("F4"))
    bad = tmp_path / "bukan.png"
    bad.write_text("teks")
    tab.set_logo_file(str(bad))
    assert "bukan gambar PNG" in tab.message.text() and tab.logo_path is None
    tab.save()
    qtbot.waitUntil(lambda: "Tersimpan" in tab.message.text(), timeout=WAIT)
    assert _stored(realistic, "office.kode_pos") == "57412" and _stored(realistic, "office.kertas") == "F4"
    assert _stored(realistic, "office.pemerintah") is None  # the derived value shown was not stored


def test_signers_tab_adds_checks_nip_live_chooses_and_deactivates(qtbot, realistic, admin):
    page = _page(qtbot, realistic, admin)
    page.tabs.setCurrentWidget(page.signers)
    tab = page.signers
    qtbot.waitUntil(lambda: tab.table.rowCount() == 2, timeout=WAIT)
    qtbot.keyClicks(tab.nip, "1968051419930310")
    assert "NIP harus 18 angka, bukan 16" in tab.nip_note.text()
    tab.nip.clear()
    qtbot.keyClicks(tab.nip, "19850611 201001 2 015")
    assert "perempuan" in tab.nip_note.text()
    tab.nama.setText("RATNA DEWI, S.Sos")
    tab.pangkat.setText("Penata Tingkat I (III/d)")
    tab.jabatan.setText("Kepala Bidang Penanganan Fakir Miskin")
    _shot(page, "kantor-penanda-tangan.png")
    tab.add()
    qtbot.waitUntil(lambda: tab.table.rowCount() == 3, timeout=WAIT)
    combo = tab.type_combos["surat_keterangan"]
    index = next(i for i in range(combo.count()) if "RATNA" in combo.itemText(i))
    combo.setCurrentIndex(index)
    tab.choose("surat_keterangan")
    qtbot.waitUntil(lambda: "disimpan" in tab.message.text(), timeout=WAIT)
    with realistic.sessions() as s:
        assert signers.signer_for(s, "surat_keterangan").nama == "RATNA DEWI, S.Sos"
    row = next(r for r in range(3) if tab.table.item(r, 1).text() == SEKDIN["nama"])
    tab.table.selectRow(row)
    tab.deactivate_selected(confirm=False)
    qtbot.waitUntil(lambda: "dinonaktifkan" in tab.message.text(), timeout=WAIT)
    with realistic.sessions() as s:
        assert [x.aktif for x in signers.list_signers(s) if x.nama == SEKDIN["nama"]] == [False]


def test_officials_tab_edits_a_cell_and_imports_a_file(qtbot, realistic, admin, tmp_path):
    page = _page(qtbot, realistic, admin)
    page.tabs.setCurrentWidget(page.officials)
    tab = page.officials
    qtbot.waitUntil(lambda: tab.table.rowCount() == 401, timeout=WAIT)
    tab.kec_combo.setCurrentIndex(tab.kec_combo.findData("33.10.01"))
    assert "3 dengan kepala desa/lurah" in tab.counts.text()
    _shot(page, "kantor-perangkat-desa.png")
    row = next(r for r in range(401) if tab.table.item(r, 0).text() == "33.10.01.2003")
    tab.table.item(row, 4).setText("H. SLAMET")
    qtbot.waitUntil(lambda: "Tersimpan" in tab.message.text(), timeout=WAIT)
    with realistic.sessions() as s:
        assert officials.list_officials(s, "33.10.01.2003")[0].ketua_bpd == "H. SLAMET"

    path = _xlsx(tmp_path / "perangkat.xlsx", [["Kode Desa", "Kepala Desa", "Sekdes"],
                                                ["33.10.01.2004", "PARJO", "SUMARNI"],
                                                ["33.11.01.2001", "LAIN", "LAIN"]])
    handle = tab.import_file(str(path))
    qtbot.waitUntil(lambda: handle.finished, timeout=WAIT)
    qtbot.waitUntil(lambda: "1 disimpan" in tab.message.text(), timeout=WAIT)
    assert tab.problems.count() == 1 and "baris 3" in tab.problems.item(0).text()
    qtbot.waitUntil(lambda: "4 dengan kepala desa/lurah" in tab.counts.text(), timeout=WAIT)  # reloaded
    _shot(page, "kantor-perangkat-desa-impor.png")
    empty = tmp_path / "kosong.xlsx"
    empty.write_bytes(b"")
    handle = tab.import_file(str(empty))
    qtbot.waitUntil(lambda: "Tidak ada yang diimpor" in tab.message.text(), timeout=WAIT)


def test_an_operator_sees_only_the_village_officials(qtbot, office_db, operator):
    page = _page(qtbot, office_db, operator)
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == ["Perangkat desa"]
    assert page.profile is None and page.signers is None
