"""The Penyaluran page, driven as the office works: an operator creates a period from a KPM list
file (a stranger is listed, a repeated NIK is refused with its row), runs the PT Pos cleaning, sees
the returned KPM with their reasons and exports them, reads the tree from kecamatan down to RT, adds
a distribution point and spreads the KPM over its sessions, and prints the receipt lists. A
pencetak sees the same period and prints, but prepares nothing; a supervisor cancels a period.
Every call runs through the real services; no statement runs on the GUI thread."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox
from sqlalchemy import event

from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.widgets import job_runner
from dtks_desktop.views.distribution import mapping_tab
from dtks_desktop.views.distribution.common import texts
from dtks_desktop.views.distribution.distribution_view import DistributionView
from dtks_desktop.views.distribution.period_dialog import PeriodDialog
from dtks_desktop.views.distribution.point_dialog import PointDialog
from dtks_desktop.views.shell.main_window import KEY_DISTRIBUTION, PAGES, MainWindow
from tests.distribution.conftest import DESA_A, DESA_B, KPM_HEADER, NIK, kpm_row, world, write_xlsx  # noqa: F401
from tests.views.test_gui_thread import StatementRecorder

WAIT = 60_000
STRANGER_NIK = "3310015505800011"


@pytest.fixture(autouse=True)
def _quiet(monkeypatch):
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append((box.text(), box.detailedText()))
                        or QMessageBox.StandardButton.Ok)
    monkeypatch.setattr(mapping_tab, "ask_yes_no", lambda *_a, **_k: True)
    yield shown
    job_runner().wait_all(WAIT)


@pytest.fixture
def recorder(world):
    rec = StatementRecorder(world.db.engine)
    event.listen(world.db.engine, "before_cursor_execute", rec)
    yield rec
    job_runner().wait_all(WAIT)
    event.remove(world.db.engine, "before_cursor_execute", rec)


def kpm_file(world):
    """ANI, BUDI (not padan), CITRA (no RT), EKO and EKA (one No KK), FAJAR (desa B), a stranger
    not in the registry, and ANI again (refused: the same NIK twice)."""
    rows = [kpm_row(1, "ANI"), kpm_row(2, "BUDI"), kpm_row(3, "CITRA", rt=None), kpm_row(4, "EKO", rt="002"),
            kpm_row(5, "EKA", rt="002"), kpm_row(6, "FAJAR", rt="003"),
            kpm_row(7, "ZAINAL", nik=STRANGER_NIK, kk="3310010101900099"), kpm_row(8, "ANI")]
    return write_xlsx(world.tmp / "kpm_bpnt.xlsx", KPM_HEADER, rows)


def open_page(qtbot, db, actor) -> DistributionView:
    view = DistributionView(AppContext(db, actor))
    qtbot.addWidget(view)
    view.resize(1400, 860)
    view.show()
    qtbot.waitExposed(view)
    assert view.wait_idle(WAIT)
    return view


def create_in_gui(view: DistributionView, monkeypatch, path) -> None:
    seen = {}

    def fill(dlg: PeriodDialog) -> int:
        seen["programmes"] = [dlg.programme.itemData(i) for i in range(dlg.programme.count())]
        seen["batches"] = [dlg.batch.itemData(i) for i in range(dlg.batch.count())]
        dlg.programme.setCurrentIndex(dlg.programme.findData("BPNT"))
        dlg.period.setText("2026 Tahap 1")
        dlg.cash.setText("200.000")
        dlg.file_radio.setChecked(True)
        dlg.file.setText(str(path))
        assert dlg.ok_button.isEnabled(), dlg.problems()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PeriodDialog, "exec", fill)
    view.create_button.click()
    assert view.wait_idle(WAIT)
    assert {"PKH", "BPNT", "BANPANGAN", "BLT", "PBI-JK"} <= set(seen["programmes"])
    return seen


def kpm_names(view: DistributionView) -> list[str]:
    return sorted(r.nama for r in view.kpm_tab.model.rows())


def test_the_page_is_there_for_every_role_that_prints(qtbot, world):
    spec = next(p for p in PAGES if p.key == KEY_DISTRIBUTION)
    assert spec.label == "Penyaluran"
    assert all(spec.allowed(a) for a in (world.operator, world.supervisor, world.pencetak, world.admin))
    window = MainWindow(AppContext(world.db, world.pencetak))
    qtbot.addWidget(window)
    assert window.show_page(KEY_DISTRIBUTION)
    page = window.page(KEY_DISTRIBUTION)
    assert isinstance(page, DistributionView)
    assert page.wait_idle(WAIT)
    assert page.create_button.isHidden() and "Belum ada tahap" in page.list_count.text()


def test_operator_runs_a_period_from_file_to_the_receipt_lists(qtbot, world, monkeypatch, tmp_path, recorder,
                                                                 _quiet):
    db = world.db
    recorder.on = True
    view = open_page(qtbot, db, world.operator)
    seen = create_in_gui(view, monkeypatch, kpm_file(world))
    # The batch whose results came back is offered; the removal batch is not.
    assert seen["batches"] == [world.batch]

    res = view.last_created
    assert res is not None and res.kpm == 7 and res.tidak_terdaftar == 1 and res.rejected == 1
    text, detail = _quiet[-1]
    assert "7 KPM" in text and "1 tidak terdaftar" in text and "1 baris berkas ditolak" in text
    assert "baris 9" in detail.lower() and "NIK" in detail  # the repeated ANI: file, row and column
    assert [p.id for p in view.periods] == [res.id] and view.period.id == res.id
    assert view.period.status == "draf" and view.status_chip.text().startswith("Draf")
    assert "Rp 200.000" in view.meta.text() and "kpm_bpnt.xlsx" in view.meta.text()
    assert view.tabs.currentWidget() is view.cleaning_tab
    assert not view.print_tab.print_button.isEnabled()  # nothing prints before the cleaning
    assert "dibersihkan" in view.print_tab.state_note.text()

    # --- cleaning: one round, the reasons, the period is ready
    tab = view.cleaning_tab
    assert tab.clean_button.isEnabled() and not tab.completed_button.isEnabled()
    tab.clean_button.click()
    assert view.wait_idle(WAIT)
    d = tab.last_result.as_dict()
    assert d["round"] == 1 and d["lengkap"] + d["dikembalikan"] == 7
    assert d["lengkap"] == 3 and d["dikembalikan"] == 4  # ANI, EKO, FAJAR; BUDI, CITRA, EKA, ZAINAL
    assert f"Ronde 1: 7 KPM diperiksa — {d['lengkap']} lengkap, {d['dikembalikan']} dikembalikan." \
        == tab.error.text()
    assert view.period.status == "siap" and view.period.lengkap == d["lengkap"]
    rounds = texts(tab.rounds_table)
    assert len(rounds) == 1 and rounds[0][0] == "1" and rounds[0][2] == "7" and rounds[0][5] == "operator1"
    reasons = dict(texts(tab.reasons_table))
    for label in ("NIK tidak padan dengan Dukcapil", "RT kosong", "Lebih dari satu KPM dalam satu KK",
                  "Tidak terdaftar di DTKS"):
        assert label in reasons, reasons
    assert view.list.item(0, 2).text() == "Siap salur"

    # --- the returned KPM in the list, with their reasons and masked NIKs
    tab.show_returned_button.click()
    assert view.wait_idle(WAIT)
    assert view.tabs.currentWidget() is view.kpm_tab
    returned = kpm_names(view)
    assert {"BUDI", "CITRA", "ZAINAL"} <= set(returned) and "ANI" not in returned
    assert len(returned) == d["dikembalikan"] and view.kpm_tab.count.text().startswith(f"{d['dikembalikan']} KPM")
    zainal = next(r for r in view.kpm_tab.model.rows() if r.nama == "ZAINAL")
    assert zainal.nik == STRANGER_NIK and not zainal.in_registry  # an operator sees full NIKs on screen
    row = next(i for i, r in enumerate(view.kpm_tab.model.rows()) if r.nama == "ZAINAL")
    cells = [view.kpm_tab.model.index(row, c).data() for c in range(view.kpm_tab.model.columnCount())]
    assert "Tidak" in cells and "Dikembalikan" in cells and "Tidak terdaftar di DTKS" in " ".join(map(str, cells))

    # --- exported for completion (.xlsx, NIK masked)
    out = tmp_path / "kembali.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(out), "Excel (*.xlsx)"))
    view.tabs.setCurrentWidget(tab)
    assert tab.returned_button.isEnabled()
    tab.returned_button.click()
    assert view.wait_idle(WAIT)
    assert tab.last_export == out and out.is_file()
    cells = " ".join(str(c.value) for ws in load_workbook(out) for row in ws.iter_rows() for c in row if c.value)
    assert "BUDI" in cells and "ZAINAL" in cells and STRANGER_NIK not in cells and NIK["BUDI"] not in cells

    # --- the desa completes CITRA's RT; a row naming no KPM of the period is named, not taken
    citra = next(r.id for r in view.kpm_tab.model.rows() if r.nama == "CITRA")
    done = tmp_path / "dilengkapi.csv"
    done.write_text(f"ID KPM;NIK;Nama;RT;RW\n{citra};;CITRA;5;1\n99999;;ORANG LAIN;1;1\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(done), ""))
    assert tab.completed_button.isEnabled()
    shown_before = len(_quiet)
    tab.completed_button.click()
    assert view.wait_idle(WAIT)
    r2 = tab.last_result
    assert (r2.round, r2.checked, r2.lengkap, r2.updated) == (2, 1, 1, 1)
    assert tab.error.text().startswith("dilengkapi.csv: data 1 KPM diperbarui. Ronde 2: 1 KPM diperiksa — 1 lengkap")
    assert "1 baris berkas tidak diambil" in tab.error.text()
    text, detail = _quiet[shown_before]
    assert "baris 3" in detail and "99999" in detail
    assert [row[:5] for row in texts(tab.rounds_table)][1] == ["2", "dilengkapi.csv", "1", "1", "0"]
    assert view.period.lengkap == 4 and view.period.dikembalikan == 3
    tab.completed_button.click()  # the same file again: refused, naming the round
    assert view.wait_idle(WAIT)
    assert "sudah diimpor pada ronde 2" in tab.error.text() and tab.last_result is r2

    # --- the tree: kecamatan → desa → RW → RT with counts
    mt = view.mapping_tab
    view.tabs.setCurrentWidget(mt)
    top = [mt.model.item(r, 0).text() for r in range(mt.model.rowCount())]
    assert len(top) >= 1 and all(t.startswith("Kec. ") for t in top)
    assert "7" in mt.totals.text() and "Rp" in mt.totals.text()
    assert mt.choose_desa(DESA_A)
    assert view.wait_idle(WAIT)
    desa_item = mt.model.itemFromIndex(mt._find(DESA_A))
    assert desa_item.rowCount() >= 1 and desa_item.child(0, 0).text().startswith("RW ")
    assert desa_item.child(0, 0).child(0, 0).text().startswith("RT ")
    assert mt.points_table.rowCount() == 0 and "Belum ada titik salur di desa ini" in mt.points_note.text()
    # --- a point and the sessions
    desa_a_lengkap = next(d.lengkap for _k, d in mapping_tab.desa_nodes(view.tree) if d.kode == DESA_A)

    def fill_point(dlg: PointDialog) -> int:
        assert dlg.desa.currentData() == DESA_A
        dlg.nama.setText("Balai Desa Contoh")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PointDialog, "exec", fill_point)
    assert mt.add_button.isEnabled()
    mt.add_button.click()
    assert view.wait_idle(WAIT)
    assert [r[1] for r in texts(mt.points_table)] == ["Balai Desa Contoh"]
    assert mt.slots_button.isEnabled() and mt.slots_button.text().startswith("Bagi jadwal ")
    mt.slots_button.click()
    assert view.wait_idle(WAIT)
    assert mt.last_assigned == desa_a_lengkap
    view.kpm_tab.desa.setCurrentIndex(view.kpm_tab.desa.findData(DESA_A))
    view.kpm_tab.clean.setCurrentIndex(view.kpm_tab.clean.findData("lengkap"))
    assert view.wait_idle(WAIT)
    assert len(view.kpm_tab.model.rows()) == desa_a_lengkap
    assert all(r.slot_mulai is not None for r in view.kpm_tab.model.rows())

    # --- the receipt lists of every desa
    pt = view.print_tab
    view.tabs.setCurrentWidget(pt)
    pt.choose("tanda-terima")
    pt.outdir.setText(str(tmp_path / "cetak"))
    assert pt.print_button.isEnabled() and pt.desa.isEnabled()
    pt.print_button.click()
    assert view.wait_idle(WAIT)
    files = pt.last_result.files
    assert files and all(p.exists() and p.suffix == ".pdf" for p in files)
    assert pt.files.count() == len(files) and "berkas" in pt.error.text()
    pt.choose("rekap")
    assert not pt.desa.isEnabled()

    assert recorder.on_gui == [], recorder.on_gui
    assert recorder.off_gui > 0


def test_kpm_filters_by_rw_rt_and_text(qtbot, world, monkeypatch):
    view = open_page(qtbot, world.db, world.operator)
    create_in_gui(view, monkeypatch, kpm_file(world))
    kt = view.kpm_tab
    view.tabs.setCurrentWidget(kt)
    assert view.wait_idle(WAIT)
    assert len(kt.model.rows()) == 7 and not kt.rw.isEnabled()
    kt.desa.setCurrentIndex(kt.desa.findData(DESA_A))
    assert view.wait_idle(WAIT)
    assert "FAJAR" not in kpm_names(view) and kt.rw.isEnabled()
    kt.rw.setCurrentIndex(kt.rw.findData("001"))
    assert view.wait_idle(WAIT)
    rts = [kt.rt.itemData(i) for i in range(1, kt.rt.count())]
    assert "002" in rts
    kt.rt.setCurrentIndex(kt.rt.findData("002"))
    assert view.wait_idle(WAIT)
    assert kpm_names(view) == ["EKA", "EKO"]
    kt.rt.setCurrentIndex(0)
    kt.desa.setCurrentIndex(0)
    kt.text.setText("eko")
    qtbot.waitUntil(lambda: not kt.model.is_loading() and kpm_names(view) == ["EKO"], timeout=WAIT)
    kt.text.setText(NIK["FAJAR"][-4:])
    qtbot.waitUntil(lambda: not kt.model.is_loading() and kpm_names(view) == ["FAJAR"], timeout=WAIT)


def test_pencetak_prints_but_prepares_nothing_and_a_supervisor_cancels(qtbot, world, monkeypatch, tmp_path):
    from dtks_desktop.services.distribution import cleaning, periods

    made = periods.create_period(world.db, world.operator, "BANPANGAN", "Januari 2026", goods="beras:10:kg",
                                 from_file=kpm_file(world))
    cleaning.clean(world.db, world.operator, made.id)
    view = open_page(qtbot, world.db, world.pencetak)
    assert view.period.id == made.id and "beras 10 kg" in view.meta.text()
    view.kpm_tab.wait_idle(WAIT)
    niks = [r.nik for r in view.kpm_tab.model.rows()]
    assert len(niks) == 7 and all("*" in n for n in niks)  # the printer's screen shows masked NIKs
    assert view.create_button.isHidden() and view.cancel_button.isHidden()
    ct = view.cleaning_tab
    assert not ct.clean_button.isEnabled() and not ct.returned_button.isEnabled()
    assert not view.mapping_tab.add_button.isVisible()
    assert "kg" in view.mapping_tab.totals.text()
    pt = view.print_tab
    pt.choose("nominatif")
    pt.desa.setCurrentIndex(pt.desa.findData(DESA_B))
    pt.outdir.setText(str(tmp_path / "nominatif"))
    pt.print_button.click()
    assert view.wait_idle(WAIT)
    assert len(pt.last_result.files) == 1 and pt.last_result.files[0].exists()

    # A supervisor cancels a period that has not started distributing, with a reason.
    sup = open_page(qtbot, world.db, world.supervisor)
    assert sup.cancel_button.isVisible() and sup.cancel_button.isEnabled()
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("Daftar KPM salah kirim", True))
    sup.cancel_button.click()
    assert sup.wait_idle(WAIT)
    assert sup.period.status == "batal" and not sup.cancel_button.isEnabled()
    assert not sup.print_tab.print_button.isEnabled() and "dibatalkan" in sup.print_tab.state_note.text()
