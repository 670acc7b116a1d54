"""The receipt desk (issue 14) driven as an officer would, on the real receipt services: scan a
genuine invitation QR, scan it again, a forged and another period's QR, a KPM of another desa at a
desa desk, a returned KPM, NIK and name search then Enter, gagal salur with a reason, the kuasa that
clears, the counters and the last list, and the time from Enter to the result on screen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from dtks_desktop.domain.distribution import FailReason
from dtks_desktop.domain.workflow.distribution import PeriodStatus, ReceiptStatus
from dtks_desktop.services.distribution import receipts
from dtks_desktop.services.distribution.tokens import token_for
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.distribution.receipt_desk import ReceiptDesk, looks_like_token
from tests.distribution.fixtures_receipts import build_world

WAIT = 30_000


@pytest.fixture
def w(db, admin):
    return build_world(db, admin)


@pytest.fixture(autouse=True)
def _no_beep(monkeypatch):
    monkeypatch.setattr(QApplication, "beep", staticmethod(lambda: None))


def open_desk(qtbot, w, actor=None) -> ReceiptDesk:
    desk = ReceiptDesk(AppContext(w.db, actor or w.operator))
    qtbot.addWidget(desk)
    desk.resize(1280, 820)
    desk.show()
    qtbot.waitExposed(desk)
    desk.set_period(w.period_id)
    assert desk.wait_idle(WAIT)
    return desk


def token(w, kpm_id: int, period_id: int | None = None) -> str:
    with w.db.transaction() as s:  # the office secret is made (and kept) by the first token
        return token_for(s, period_id or w.period_id, kpm_id)


def scan(qtbot, desk: ReceiptDesk, text: str, *, fast: bool = True) -> str:
    """Type ``text`` into the scan input as a keyboard wedge would, then Enter."""
    desk.scan.setFocus()
    if fast:
        qtbot.keyClicks(desk.scan, text)
    else:
        desk.scan.setText(text)
    qtbot.keyClick(desk.scan, Qt.Key.Key_Return)
    assert desk.wait_idle(WAIT)
    return Shown(desk.last_kind, f"{desk.headline.text()} | {desk.who.text()} | {desk.detail.text()}")


class Shown(str):
    """The kind of result shown; compares as the kind, prints with the panel's text (failures)."""

    def __new__(cls, kind: str, panel: str):
        obj = super().__new__(cls, kind)
        obj.panel = panel
        return obj

    def __repr__(self) -> str:
        return f"{str(self)!r}\n  panel: {self.panel}\n"


def status_of(w, kpm_id: int) -> str:
    from dtks_desktop.db.models import DistKpm

    with w.db.sessions() as s:
        return s.get(DistKpm, kpm_id).receipt_status


def counted(w) -> dict:
    with w.db.sessions() as s:
        return receipts.desk_counts(s, w.period_id).as_dict()


def test_genuine_qr_is_received_then_second_scan_warns_loudly_and_counts_nothing(qtbot, w):
    desk = open_desk(qtbot, w)
    assert desk.scan.hasFocus()
    assert desk.c_target.value.text() != "–"
    k = w.lengkap()[0]
    before = counted(w)
    desk.kuasa.setText("Sumarni (anak)")
    assert scan(qtbot, desk, token(w, k["id"])) == "diterima"
    assert "DITERIMA" in desk.headline.text()
    assert k["nama"] in desk.who.text()
    assert "Rp 600.000" in desk.detail.text() and "Sumarni (anak)" in desk.detail.text()
    assert desk.kuasa.text() == ""  # the kuasa was for that one receipt
    assert desk.scan.hasFocus() and desk.scan.text() == ""
    assert status_of(w, k["id"]) == ReceiptStatus.DITERIMA.value
    assert desk.recent and desk.recent[0].id == k["id"] and desk.recent[0].kuasa == "Sumarni (anak)"
    assert desk.recent_table.item(0, 1).text() == k["nama"]
    assert desk.c_diterima.value.text() == str(before["diterima"] + 1)

    alerts = desk.alerts
    assert scan(qtbot, desk, token(w, k["id"])) == "sudah"
    assert "SUDAH DITERIMA" in desk.headline.text()
    assert "sudah diterima" in desk.detail.text() and "operator1" in desk.detail.text()
    assert "diterima" in desk.who.text() and "oleh operator1" in desk.who.text() and "Sumarni (anak)" in desk.who.text()
    assert desk.alerts == alerts + 1 and desk.flash_timer.isActive()
    assert counted(w)["diterima"] == before["diterima"] + 1  # nothing counted twice
    desk.refresh_counts()
    assert desk.wait_idle(WAIT)
    assert desk.c_diterima.value.text() == str(before["diterima"] + 1)
    assert desk.scan.hasFocus()


def test_forged_altered_and_other_period_qr_are_refused(qtbot, w):
    desk = open_desk(qtbot, w)
    k = w.lengkap()[1]
    good = token(w, k["id"])
    altered = good[:-1] + ("A" if good[-1] != "A" else "B")
    assert scan(qtbot, desk, altered) == "ditolak"
    assert "DITOLAK" in desk.headline.text() and "tidak sah" in (desk.who.text() + desk.detail.text())
    assert scan(qtbot, desk, f"KPM-{w.period_id}-{k['id']:06d}-AAAAAAAAAA") == "ditolak"
    other = token(w, k["id"], period_id=w.other_period_id)
    assert scan(qtbot, desk, other) == "ditolak"
    assert "tahap" in (desk.who.text() + desk.detail.text()).lower()
    assert desk.alerts == 3
    assert status_of(w, k["id"]) == ReceiptStatus.BELUM.value
    assert counted(w)["diterima"] == 0


def test_returned_kpm_and_another_desa_are_refused(qtbot, w):
    desk = open_desk(qtbot, w)
    returned = w.returned()[0]
    assert scan(qtbot, desk, token(w, returned["id"])) == "ditolak"
    assert "dikembalikan" in (desk.who.text() + desk.detail.text()).lower()
    # a desk of one desa refuses the KPM of another
    k = w.lengkap()[0]
    other_desa = next(x for x in w.lengkap() if x["desa"] != k["desa"])
    idx = desk.desa_combo.findData(k["desa"])
    assert idx > 0
    desk.desa_combo.setCurrentIndex(idx)
    assert desk.wait_idle(WAIT)
    assert scan(qtbot, desk, token(w, other_desa["id"])) == "ditolak"
    assert status_of(w, other_desa["id"]) == ReceiptStatus.BELUM.value
    assert scan(qtbot, desk, token(w, k["id"])) == "diterima"
    assert desk.c_diterima.value.text() == "1"
    assert "Hitungan untuk" in desk.counter_scope.text() and desk.desa_combo.currentText() in desk.counter_scope.text()


def test_nik_search_then_enter_records_and_tab_suffix_works(qtbot, w):
    desk = open_desk(qtbot, w)
    k = w.lengkap()[2]
    assert scan(qtbot, desk, k["nik"]) == "ditemukan"
    assert len(desk.found) == 1 and desk.found[0].id == k["id"]
    assert "1 KPM ditemukan" in desk.headline.text()
    assert status_of(w, k["id"]) == ReceiptStatus.BELUM.value  # a search records nothing
    desk._last_submit = 0  # the officer checks the KTP before pressing Enter again
    qtbot.keyClick(desk.scan, Qt.Key.Key_Return)
    assert desk.wait_idle(WAIT)
    assert desk.last_kind == "diterima" and status_of(w, k["id"]) == ReceiptStatus.DITERIMA.value
    assert desk.found == []
    # last digits of a NIK, with the scanner's Tab suffix instead of Enter: focus stays
    k2 = w.lengkap()[3]
    qtbot.keyClicks(desk.scan, k2["nik"][-6:])
    qtbot.keyClick(desk.scan, Qt.Key.Key_Tab)
    assert desk.wait_idle(WAIT)
    assert desk.scan.hasFocus()
    assert any(f.id == k2["id"] for f in desk.found)
    # a name: every word within the name
    first = k2["nama"].split()[0]
    assert scan(qtbot, desk, first.lower()) == "ditemukan"
    assert all(first.upper() in f.nama.upper() for f in desk.found)
    qtbot.keyClick(desk.scan, Qt.Key.Key_Down)
    assert desk.selected() is desk.found[min(1, len(desk.found) - 1)]
    assert scan(qtbot, desk, "Zzyzx Qwerty") == "kosong"


def test_scanner_without_line_end_and_double_enter(qtbot, w):
    desk = open_desk(qtbot, w)
    k = w.lengkap()[4]
    desk.scan.setFocus()
    qtbot.keyClicks(desk.scan, token(w, k["id"]))  # no Enter: taken once the keys stop
    qtbot.waitUntil(lambda: desk.last_kind == "diterima", timeout=5000)
    assert desk.wait_idle(WAIT)
    assert status_of(w, k["id"]) == ReceiptStatus.DITERIMA.value
    # CR LF: the second (empty) Enter right after a scan does nothing
    k2 = w.lengkap()[5]
    assert scan(qtbot, desk, k2["nik"]) == "ditemukan"
    qtbot.keyClick(desk.scan, Qt.Key.Key_Return)
    assert desk.wait_idle(WAIT)
    assert status_of(w, k2["id"]) == ReceiptStatus.BELUM.value
    assert looks_like_token(" kpm-1-000002-abcdefghij \r") and not looks_like_token("3310012345678901")


def test_gagal_salur_with_reason_then_received_with_reason(qtbot, w, monkeypatch):
    desk = open_desk(qtbot, w)
    k = w.lengkap()[6]
    assert not desk.fail_button.isEnabled()  # nobody chosen yet
    assert scan(qtbot, desk, k["nik"]) == "ditemukan"
    assert desk.fail_button.isEnabled()

    def pick(dlg):
        dlg.ok.click()  # no reason chosen: refused inside the dialog
        assert "Pilih alasan" in dlg.problem.text()
        dlg.reason.setCurrentIndex(dlg.reason.findData(FailReason.LAINNYA.value))
        dlg.ok.click()  # "Lainnya" needs a note
        assert "keterangan" in dlg.problem.text()
        dlg.reason.setCurrentIndex(dlg.reason.findData(FailReason.PINDAH.value))
        dlg.note.setText("Pindah ke Boyolali")
        dlg.ok.click()
        return dlg.result()

    monkeypatch.setattr("dtks_desktop.views.distribution.receipt_desk.FailDialog.exec", lambda self: pick(self))
    qtbot.keyClick(desk, Qt.Key.Key_F8)
    assert desk.wait_idle(WAIT)
    assert desk.last_kind == "gagal" and "GAGAL SALUR" in desk.headline.text()
    assert "Pindah" in desk.detail.text()
    assert status_of(w, k["id"]) == ReceiptStatus.GAGAL_SALUR.value
    assert counted(w)["gagal"] == 1
    assert desk.recent[0].id == k["id"] and desk.recent[0].fail_note == "Pindah ke Boyolali"
    assert desk.scan.hasFocus()
    # The KPM comes after all: Enter on the selected row asks a reason, then records diterima
    assert scan(qtbot, desk, k["nik"]) == "ditemukan"
    assert "gagal salur" in desk.headline.text()
    monkeypatch.setattr("dtks_desktop.views.distribution.receipt_desk.QInputDialog.getText",
                        lambda *a, **kw: ("Datang sendiri sore hari", True))
    desk._last_submit = 0
    qtbot.keyClick(desk.scan, Qt.Key.Key_Return)
    assert desk.wait_idle(WAIT)
    assert desk.last_kind == "diterima"
    assert status_of(w, k["id"]) == ReceiptStatus.DITERIMA.value
    c = counted(w)
    assert (c["diterima"], c["gagal"]) == (1, 0)


def test_pencetak_sees_but_cannot_record_and_closed_period(qtbot, w, db):
    desk = open_desk(qtbot, w, w.pencetak)
    assert "Hanya melihat" in desk.headline.text()
    assert not desk.kuasa.isEnabled() and not desk.receive_button.isEnabled()
    assert scan(qtbot, desk, token(w, w.lengkap()[0]["id"])) == "ditolak"  # the service refuses too
    assert status_of(w, w.lengkap()[0]["id"]) == ReceiptStatus.BELUM.value
    from dtks_desktop.db.models import DistPeriod

    with db.transaction() as s:
        s.get(DistPeriod, w.period_id).status = PeriodStatus.SELESAI.value
    desk2 = open_desk(qtbot, w)
    assert "tidak dibuka" in desk2.headline.text()
    assert scan(qtbot, desk2, token(w, w.lengkap()[0]["id"])) == "ditolak"


def test_scans_in_a_burst_are_recorded_in_order_and_scan_to_screen_is_measured(qtbot, w):
    desk = open_desk(qtbot, w)
    ks = w.lengkap()[10:20]
    desk.scan.setFocus()
    for k in ks:  # the scanner is faster than the database: every scan queued, none lost
        desk.scan.setText(token(w, k["id"]))
        qtbot.keyClick(desk.scan, Qt.Key.Key_Return)
    assert desk.wait_idle(WAIT)
    assert all(status_of(w, k["id"]) == ReceiptStatus.DITERIMA.value for k in ks)
    assert [r.id for r in desk.recent[:len(ks)]] == [k["id"] for k in reversed(ks)]
    assert counted(w)["diterima"] == len(ks)
    assert len(desk.scan_ms) >= len(ks)
    # Enter -> result painted, waited for in a real event loop (the GUI thread idle, as in the app).
    # The figure that counts (<= 50 ms on a 100,000-KPM period) is benchmarks/bench_dist_desk.py's on
    # a quiet machine; a test machine may be shared and busy, so here the bounds are loose: they catch
    # a regression such as a whole-period read or a blocking wait per scan.
    single = []
    for k in w.lengkap()[20:30]:
        desk.scan.setText(token(w, k["id"]))
        ms = desk.wait_scan(lambda: qtbot.keyClick(desk.scan, Qt.Key.Key_Return), WAIT)
        assert ms is not None and desk.last_kind == "diterima"
        assert desk.wait_idle(WAIT)
        single.append(ms)
    single.sort()
    assert single[0] <= 100 and single[len(single) // 2] <= 500, single
    assert desk.timing.text() == f"{desk.scan_ms[-1]:.0f} ms"


def test_no_statement_on_the_gui_thread(qtbot, w):
    from sqlalchemy import event

    from tests.views.test_gui_thread import StatementRecorder

    rec = StatementRecorder(w.db.engine)
    event.listen(w.db.engine, "before_cursor_execute", rec)
    qr = token(w, w.lengkap()[0]["id"])  # the test's own read, before recording
    try:
        rec.on = True
        desk = open_desk(qtbot, w)
        scan(qtbot, desk, qr)
        scan(qtbot, desk, w.lengkap()[1]["nik"])
        desk.refresh_counts()
        assert desk.wait_idle(WAIT)
        rec.on = False
        assert rec.on_gui == [] and rec.off_gui > 0
    finally:
        event.remove(w.db.engine, "before_cursor_execute", rec)
