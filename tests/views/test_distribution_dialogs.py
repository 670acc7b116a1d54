"""The dialogs of the Penyaluran page check what a clerk types before anything is sent: the
"Tahap baru" dialog (programme, name, cash or goods, batch or file) and the distribution point
(desa, name, hours that hold at least one session)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from PySide6.QtCore import QTime

from dtks_desktop.views.distribution.period_dialog import PeriodDialog
from dtks_desktop.views.distribution.point_dialog import PointDialog

PROGRAMMES = {"BPNT": "Bantuan Pangan Non Tunai (Sembako)", "BANPANGAN": "Bantuan Pangan (beras)"}


@dataclass
class _Batch:
    id: int
    programme: str = "BPNT"
    kind_label: str = "Usulan baru"
    scope_label: str = "Kecamatan Kalikotes (33.10.23)"
    rows: int = 12


def test_period_dialog_takes_cash_from_a_batch(qtbot):
    dlg = PeriodDialog(PROGRAMMES, [_Batch(4), _Batch(7)])
    qtbot.addWidget(dlg)
    assert dlg.batch_radio.isChecked() and not dlg.ok_button.isEnabled()  # no name, no amount yet
    dlg.period.setText("  2026   Tahap 1 ")
    dlg.cash.setText("600.000,5")
    assert not dlg.ok_button.isEnabled() and "tidak dikenal" in dlg.problem.text()
    dlg.cash.setText("Rp 600.000")
    assert dlg.ok_button.isEnabled() and dlg.benefit_note.text() == "Setiap KPM menerima Rp 600.000."
    dlg.batch.setCurrentIndex(1)
    assert dlg.values() == {"programme": "BPNT", "period": "2026 Tahap 1", "cash": "Rp 600.000", "goods": None,
                            "from_batch": 7, "from_file": None}


def test_period_dialog_takes_goods_from_a_file(qtbot, tmp_path):
    dlg = PeriodDialog(PROGRAMMES, [])
    qtbot.addWidget(dlg)
    # No batch with results: the file is the only source.
    assert not dlg.batch_radio.isEnabled() and dlg.file_radio.isChecked()
    dlg.programme.setCurrentIndex(dlg.programme.findData("BANPANGAN"))
    dlg.period.setText("Januari 2026")
    dlg.goods_radio.setChecked(True)
    assert not dlg.cash.isEnabled() and dlg.goods_qty.isEnabled()
    assert "Pilih berkas" in " ".join(dlg.problems())
    dlg.file.setText(str(tmp_path / "tidak_ada.xlsx"))
    assert not dlg.ok_button.isEnabled() and "tidak ditemukan" in " ".join(dlg.problems())
    f = tmp_path / "kpm.xlsx"
    f.write_bytes(b"x")
    dlg.file.setText(str(f))
    dlg.goods_qty.setValue(0)
    assert not dlg.ok_button.isEnabled()
    dlg.goods_qty.setValue(10)
    assert dlg.ok_button.isEnabled() and dlg.benefit_note.text() == "Setiap KPM menerima beras 10 kg."
    assert dlg.values() == {"programme": "BANPANGAN", "period": "Januari 2026", "cash": None,
                            "goods": "beras:10:kg", "from_batch": None, "from_file": str(f)}


def test_point_dialog_needs_a_name_and_one_session(qtbot):
    desa = [("33.10.01.2001", "Jimbung (Kec. Kalikotes)"), ("33.10.01.2002", "Krajan (Kec. Kalikotes)")]
    dlg = PointDialog(desa, "33.10.01.2002", {"33.10.01.2002": 45}, None)
    qtbot.addWidget(dlg)
    assert dlg.desa.currentData() == "33.10.01.2002"
    assert dlg.nama.text() == "Balai Desa Krajan" and dlg.ok_button.isEnabled()
    assert "4 sesi" in dlg.note.text() and "45 KPM" in dlg.note.text()
    dlg.kuota.setValue(10)
    assert "4 sesi × 10 KPM = 40 KPM" in dlg.note.text() and "Tambahkan" in dlg.note.text()
    dlg.selesai.setTime(QTime(8, 30))  # shorter than one 60-minute session
    assert not dlg.ok_button.isEnabled() and "setelah jam mulai" in dlg.note.text()
    dlg.slot.setValue(30)
    assert dlg.ok_button.isEnabled()
    dlg.nama.setText("  ")
    assert not dlg.ok_button.isEnabled()
    dlg.nama.setText("Kantor Pos Klaten")
    v = dlg.values()
    assert v["desa"] == "33.10.01.2002" and v["nama"] == "Kantor Pos Klaten" and v["kind"] == "balai_desa"
    assert v["jam_mulai"] == time(8, 0) and v["jam_selesai"] == time(8, 30) and v["slot_menit"] == 30
    assert v["kuota_slot"] == 10 and isinstance(v["tanggal"], date) and v["alamat"] is None
