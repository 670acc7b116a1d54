"""The realisation view (issue 14): its totals, tables and lists equal the receipts recorded (through
the real receipt services), the progress charts are there and drawn, the kecamatan filter and the
exports work."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from dtks_desktop.domain.distribution import FailReason
from dtks_desktop.services.distribution import receipts
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.distribution import realisation_view as rv
from dtks_desktop.views.distribution.realisation_view import BarsChart, ProgressChart, RealisationView
from tests.distribution.fixtures_receipts import build_world

WAIT = 30_000


@pytest.fixture
def w(db, admin):
    world = build_world(db, admin)
    ok = world.lengkap()
    with db.transaction() as s:
        for k in ok[:17]:
            receipts.receive(s, world.operator, world.period_id, kpm_id=k["id"], kuasa="Wakil" if k is ok[0] else None)
        for k, r in zip(ok[17:21], (FailReason.PINDAH, FailReason.MENINGGAL, FailReason.PINDAH, FailReason.MENOLAK)):
            receipts.fail(s, world.operator, world.period_id, kpm_id=k["id"], reason=r.value)
    return world


@pytest.fixture(autouse=True)
def _quiet(monkeypatch):
    monkeypatch.setattr(rv, "ask_yes_no", lambda *a, **k: False)

    def box(self):
        raise AssertionError(f"message box: {self.text()} {self.informativeText()}")

    monkeypatch.setattr(QMessageBox, "exec", box)


def open_view(qtbot, w, actor=None) -> RealisationView:
    view = RealisationView(AppContext(w.db, actor or w.supervisor))
    qtbot.addWidget(view)
    view.resize(1280, 820)
    view.show()
    qtbot.waitExposed(view)
    view.set_period(w.period_id)
    assert view.wait_idle(WAIT)
    return view


def recorded(w) -> tuple[int, int, int]:
    with w.db.sessions() as s:
        c = receipts.desk_counts(s, w.period_id)
        return c.target, c.diterima, c.gagal


def cell(table, row, col) -> str:
    return table.item(row, col).text()


def num(text: str) -> int:
    return int(text.replace(".", ""))


def test_totals_tables_and_lists_equal_the_receipts_recorded(qtbot, w):
    view = open_view(qtbot, w)
    target, diterima, gagal = recorded(w)
    assert (diterima, gagal) == (17, 4)
    assert num(view.t_target.value.text()) == target == len(w.lengkap())
    assert num(view.t_diterima.value.text()) == diterima
    assert num(view.t_gagal.value.text()) == gagal
    assert num(view.t_sisa.value.text()) == target - diterima - gagal
    assert view.t_nilai.value.text() == "Rp " + f"{diterima * 600_000:,}".replace(",", ".")
    # per kecamatan and per desa the rows add up to the totals
    for table, first in ((view.kec_table, 1), (view.desa_table, 2)):
        sums = [sum(num(cell(table, r, first + i)) for r in range(table.rowCount())) for i in range(4)]
        assert sums == [target, diterima, gagal, target - diterima - gagal]
    # the lists: the failed and the remaining KPM, every one
    assert len(view.failed) == gagal and view.failed_model.rowCount() == gagal
    assert len(view.remaining) == target - diterima - gagal
    assert {k.fail_reason for k in view.failed} == {"pindah", "meninggal", "menolak"}
    assert "Pindah domisili 2" in view.reasons_label.text()
    assert view.lists.tabText(0) == f"Gagal salur ({gagal})"
    # a receipt recorded elsewhere (another PC) shows after a reload
    with w.db.transaction() as s:
        receipts.receive(s, w.operator, w.period_id, kpm_id=view.remaining[0].id)
    view.reload()
    assert view.wait_idle(WAIT)
    assert num(view.t_diterima.value.text()) == diterima + 1 == recorded(w)[1]
    assert len(view.remaining) == target - diterima - gagal - 1


def test_charts_are_there_and_drawn(qtbot, w):
    view = open_view(qtbot, w)
    assert isinstance(view.findChild(ProgressChart, "progressChart"), ProgressChart)
    assert isinstance(view.findChild(BarsChart, "barsChart"), BarsChart)
    assert view.chart.points and view.chart.points[-1][1] == 17 and view.chart.target == recorded(w)[0]
    assert sum(r[2] for r in view.bars.rows) == 17 and sum(r[3] for r in view.bars.rows) == 4
    img = view.chart.grab().toImage()
    greens = sum(1 for x in range(0, img.width(), 3) for y in range(0, img.height(), 3)
                 if img.pixelColor(x, y).name() == "#2e7d32")
    assert greens > 5  # the cumulative line is painted
    empty = ProgressChart()
    empty.resize(400, 240)
    assert empty.grab().toImage().width() == 400  # an empty series paints its note, not an error


def test_kecamatan_filter_and_desa_list(qtbot, w):
    view = open_view(qtbot, w)
    assert view.kec_combo.count() > 2
    kec = view.real["kecamatan"][0]
    view.kec_combo.setCurrentIndex(view.kec_combo.findData(kec["kode"]))
    assert view.wait_idle(WAIT)
    assert num(view.t_target.value.text()) == kec["target"]
    assert all(d["kode"].startswith(kec["kode"] + ".") for d in view.real["desa"])
    assert view.bars.title.startswith("Per desa/kelurahan")
    # choosing a desa in the table narrows the lists to it
    view.tabs.setCurrentIndex(1)
    view.desa_table.selectRow(0)
    assert view.wait_idle(WAIT)
    desa = view.real["desa"][0]
    assert view.list_desa.currentData() == desa["kode"]
    assert all(k.desa_kode == desa["kode"] for k in view.remaining + view.failed)


def test_exports(qtbot, w, tmp_path):
    view = open_view(qtbot, w)
    out = tmp_path / "realisasi.xlsx"
    view.export_xlsx_to(str(out))
    qtbot.waitUntil(lambda: view.last_export is not None, timeout=WAIT)
    assert out.exists() and out.stat().st_size > 0
    view.last_export = None
    pdf = tmp_path / "realisasi.pdf"
    view.print_pdf_to(str(pdf))
    qtbot.waitUntil(lambda: view.last_export is not None, timeout=WAIT)
    assert pdf.exists() and pdf.read_bytes()[:4] == b"%PDF"
    QApplication.processEvents()
