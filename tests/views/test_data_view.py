"""The Data view, driven like a user would: typing, choosing, clicking headers and rows."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from dtks_desktop.domain.masking import mask_nik
from dtks_desktop.services.core import browse
from dtks_desktop.services.core import settings as settings_service
from dtks_desktop.services.core.browse import BrowseFilter
from dtks_desktop.services.core.users import create_user
from dtks_desktop.views.core import members as member_table
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.core.data_view import DataView
from dtks_desktop.views.core.members import (
    COL_KK,
    COL_NAMA,
    COL_NIK,
    COL_TGL,
    COL_JK,
    LOADING_TEXT,
    ROW_ROLE,
    MemberTableModel,
)
from dtks_desktop.views.common.widgets import job_runner

from tests.submission.conftest import world  # noqa: F401  (the submission tests' final meetings)

from ..core.test_browse import KEC_A, expected_order, fill_registry

WAIT = 15_000


@pytest.fixture(autouse=True)
def _quiet_messages(monkeypatch):
    monkeypatch.setattr(QMessageBox, "exec", lambda box: QMessageBox.StandardButton.Ok)
    yield
    job_runner().wait_all(30_000)


@pytest.fixture
def facts(db):
    return fill_registry(db)


@pytest.fixture
def make_view(qtbot):
    views: list[DataView] = []

    def make(db, actor) -> DataView:
        view = DataView(AppContext(db, actor))
        qtbot.addWidget(view)
        view.resize(1500, 700)
        view.show()
        views.append(view)
        wait_loaded(qtbot, view)
        return view

    yield make
    for v in views:  # no job may outlive the test's database
        v.model.wait_idle(WAIT)
        v.close()


def wait_loaded(qtbot, view: DataView) -> None:
    qtbot.waitUntil(lambda: not view.is_busy() and not view.model.is_loading() and view.model.member_count is not None,
                    timeout=WAIT)


def shown_ids(view: DataView, qtbot) -> list[int]:
    """Every row of the model, read through data() the way the view reads it."""
    model = view.model
    out = []
    for r in range(model.rowCount()):
        idx = model.index(r, COL_NAMA)
        if model.data(idx, ROW_ROLE) is None:
            qtbot.waitUntil(lambda i=idx: model.data(i, ROW_ROLE) is not None, timeout=WAIT)
        out.append(model.data(idx, ROW_ROLE).id)
    return out


def click_header(qtbot, view: DataView, column: int) -> None:
    header = view.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


# --------------------------------------------------------------------------- rows, count, search


def test_view_shows_rows_and_count(qtbot, db, admin, facts, backend, make_view):
    view = make_view(db, admin)
    assert not view.is_empty_state()
    assert view.model.rowCount() == len(facts)
    assert view.count_label.text() == f"{len(facts)} anggota"
    first = view.model.data(view.model.index(0, COL_NAMA))
    assert first and first != LOADING_TEXT
    assert shown_ids(view, qtbot) == expected_order(facts, "nama", False, backend)
    # the office kabupaten came from the data: its kecamatan are offered
    assert view.kab_kode == "33.10"
    assert view.kecamatan_combo.count() == 27 and view.kecamatan_combo.itemText(0) == "Semua kecamatan"
    assert not view.desa_combo.isEnabled()
    # fixed row heights: nothing measures rows
    assert view.table.verticalHeader().sectionResizeMode(0).name == "Fixed"


def test_search_box_filters_after_debounce(qtbot, db, admin, facts, make_view):
    view = make_view(db, admin)
    qtbot.keyClicks(view.search_edit, "sri")
    assert view.model.filter.text is None  # not yet: the 300 ms debounce is running
    qtbot.waitUntil(lambda: view.model.filter.text == "sri", timeout=WAIT)
    wait_loaded(qtbot, view)
    want = sorted(x.id for x in facts if x.nama_key.startswith("SRI"))
    assert view.model.member_count == len(want) > 0
    assert sorted(shown_ids(view, qtbot)) == want
    assert view.count_label.text() == f"{len(want)} anggota"

    # a NIK prefix
    someone = next(x for x in facts if x.nik)
    view.search_edit.setText(someone.nik)
    qtbot.waitUntil(lambda: view.model.filter.text == someone.nik, timeout=WAIT)
    wait_loaded(qtbot, view)
    assert someone.id in shown_ids(view, qtbot)

    # nothing matches: a message says so
    view.search_edit.setText("Zzzz")
    qtbot.waitUntil(lambda: view.model.filter.text == "Zzzz", timeout=WAIT)
    wait_loaded(qtbot, view)
    assert view.model.rowCount() == 0 and view.count_label.text() == "0 anggota"
    assert view.message_label.isVisible() and "Tidak ada anggota" in view.message_label.text()

    view.clear_button.click()
    wait_loaded(qtbot, view)
    assert view.search_edit.text() == "" and view.model.member_count == len(facts)
    assert not view.message_label.isVisible()


def test_kecamatan_desa_and_status_filters(qtbot, db, admin, facts, make_view):
    view = make_view(db, admin)
    view.kecamatan_combo.setCurrentIndex(view.kecamatan_combo.findData(KEC_A))
    wait_loaded(qtbot, view)
    in_kec = [x for x in facts if x.desa_kode.startswith(KEC_A + ".")]
    assert view.model.filter == BrowseFilter(kecamatan=KEC_A)
    assert view.model.member_count == len(in_kec)
    assert sorted(shown_ids(view, qtbot)) == sorted(x.id for x in in_kec)
    # the desa list now holds this kecamatan's desa
    assert view.desa_combo.isEnabled() and view.desa_combo.count() > 3
    desa = in_kec[0].desa_kode
    view.desa_combo.setCurrentIndex(view.desa_combo.findData(desa))
    wait_loaded(qtbot, view)
    assert view.model.member_count == sum(1 for x in in_kec if x.desa_kode == desa)
    view.status_combo.setCurrentIndex(view.status_combo.findData("meninggal"))
    assert view.status_combo.currentText() == "Meninggal"
    wait_loaded(qtbot, view)
    want = sorted(x.id for x in in_kec if x.desa_kode == desa and x.status == "meninggal")
    assert sorted(shown_ids(view, qtbot)) == want
    # back to every kecamatan: the desa filter goes too
    view.kecamatan_combo.setCurrentIndex(0)
    wait_loaded(qtbot, view)
    assert view.model.filter == BrowseFilter(status="meninggal")
    assert not view.desa_combo.isEnabled()


# --------------------------------------------------------------------------- sorting


def test_header_click_sorts_in_sql(qtbot, db, admin, facts, backend, make_view):
    view = make_view(db, admin)
    click_header(qtbot, view, COL_TGL)
    qtbot.waitUntil(lambda: view.model.sort_key == "tanggal_lahir", timeout=WAIT)
    wait_loaded(qtbot, view)
    first = shown_ids(view, qtbot)
    direction = view.model.descending
    assert first == expected_order(facts, "tanggal_lahir", direction, backend)
    click_header(qtbot, view, COL_TGL)  # again: the other direction
    qtbot.waitUntil(lambda: view.model.descending is not direction, timeout=WAIT)
    wait_loaded(qtbot, view)
    assert shown_ids(view, qtbot) == expected_order(facts, "tanggal_lahir", not direction, backend)
    assert shown_ids(view, qtbot) == first[::-1]

    click_header(qtbot, view, COL_KK)
    qtbot.waitUntil(lambda: view.model.sort_key == "no_kk", timeout=WAIT)
    wait_loaded(qtbot, view)
    assert shown_ids(view, qtbot) == expected_order(facts, "no_kk", view.model.descending, backend)

    # JK cannot be sorted: the order and the indicator stay
    before = (view.model.sort_key, view.model.descending)
    click_header(qtbot, view, COL_JK)
    wait_loaded(qtbot, view)
    assert (view.model.sort_key, view.model.descending) == before
    assert view.table.horizontalHeader().sortIndicatorSection() == COL_KK


def test_model_pages_rows_on_demand(qtbot, db, operator, facts, backend, monkeypatch):
    """Small pages: every row arrives exactly once, and only a window stays in memory."""
    monkeypatch.setattr(member_table, "PAGE_SIZE", 10)
    monkeypatch.setattr(member_table, "ID_BLOCK", 30)
    monkeypatch.setattr(member_table, "NEAR_ROWS", 50)  # below row 50: ids of three pages per query
    monkeypatch.setattr(member_table, "MAX_PAGES", 4)
    model = MemberTableModel(db, operator)
    assert model.wait_idle(WAIT)
    assert model.rowCount() == len(facts) and len(model._pages) == 1
    assert model.data(model.index(55, COL_NAMA)) == LOADING_TEXT  # not loaded yet: queued
    assert model.wait_idle(WAIT)
    assert model.data(model.index(55, COL_NAMA)) != LOADING_TEXT
    model.sort(COL_NIK, Qt.SortOrder.DescendingOrder)
    assert model.wait_idle(WAIT)
    seen = []
    for r in range(model.rowCount()):
        idx = model.index(r, COL_NIK)
        if model.data(idx, ROW_ROLE) is None:
            model.data(idx)
            assert model.wait_idle(WAIT)
        seen.append(model.data(idx, ROW_ROLE).id)
        assert len(model._pages) <= 4
    assert seen == expected_order(facts, "nik", True, backend)


# --------------------------------------------------------------------------- family panel, masking


def test_selecting_a_row_fills_the_family_panel(qtbot, db, admin, facts, make_view):
    view = make_view(db, admin)
    panel = view.family_panel
    assert not panel.members_table.isVisible() and panel.hint.isVisible()
    view.table.selectRow(3)
    row = view.model.row_at(3)
    qtbot.waitUntil(lambda: panel.detail is not None, timeout=WAIT)
    with db.sessions() as s:
        detail = browse.family_detail(s, row.household_id)
    assert panel.no_kk_label.text() == (row.no_kk or "-")
    assert panel.desa_label.text() == row.desa and panel.kecamatan_label.text() == row.kecamatan
    assert panel.alamat_label.text() == detail.alamat
    assert panel.rtrw_label.text() == f"{row.rt}/{row.rw}"
    assert panel.status_label.text() == "Terdaftar"
    t = panel.members_table
    assert t.isVisible() and t.rowCount() == len(detail.members)
    assert [t.item(i, 1).text() for i in range(t.rowCount())] == [m.nama for m in detail.members]
    assert t.item(0, 2).text() == "Kepala keluarga"
    # a new filter clears the panel
    view.search_edit.setText("Zzzz")
    view.search_edit.returnPressed.emit()
    wait_loaded(qtbot, view)
    assert panel.detail is None


def test_nik_masked_for_pencetak_full_for_operator(qtbot, db, admin, operator, facts, make_view):
    with db.transaction() as s:
        pencetak = create_user(s, "cetak1", "rahasia-cetak-1", "pencetak", by=admin)
        policy = settings_service.mask_policy(s)
    flagged = next(x for x in facts if x.nik_flags and x.no_kk)
    for actor, masked in ((operator, False), (pencetak, True)):
        view = make_view(db, actor)
        view.search_edit.setText(flagged.nik)
        view.search_edit.returnPressed.emit()
        qtbot.waitUntil(lambda v=view: v.model.filter.text == flagged.nik, timeout=WAIT)
        wait_loaded(qtbot, view)
        r = shown_ids(view, qtbot).index(flagged.id)
        idx = view.model.index(r, COL_NIK)
        shown = view.model.data(idx)
        if masked:
            assert shown == mask_nik(flagged.nik, policy) and shown != flagged.nik and "*" in shown
            assert flagged.no_kk not in view.model.data(view.model.index(r, COL_KK))
        else:
            assert shown == flagged.nik
            assert view.model.data(view.model.index(r, COL_KK)) == flagged.no_kk
        # a damaged NIK carries a warning icon and says why
        assert view.model.data(idx, Qt.ItemDataRole.DecorationRole) is not None
        assert "rusak oleh Excel" in view.model.data(idx, Qt.ItemDataRole.ToolTipRole)
        view.table.selectRow(r)
        qtbot.waitUntil(lambda v=view: v.family_panel.detail is not None, timeout=WAIT)
        t = view.family_panel.members_table
        niks = [t.item(i, 0).text() for i in range(t.rowCount())]
        assert (flagged.nik in niks) is not masked


# --------------------------------------------------------------------------- empty database


def test_empty_database_shows_empty_state_and_demo_button(qtbot, db, admin, make_view):
    view = make_view(db, admin)
    assert view.is_empty_state()
    assert view.demo_button.isVisible() and view.demo_button.text() == "Buat data contoh"
    with qtbot.waitSignal(view.demoRequested, timeout=WAIT):
        qtbot.mouseClick(view.demo_button, Qt.MouseButton.LeftButton)
    # after data arrives, refresh() shows the table
    fill_registry(db, 20)
    view.refresh()
    wait_loaded(qtbot, view)
    assert not view.is_empty_state() and view.model.member_count > 0


# --------------------------------------------------------------------------- programmes, matching explanation


def _rows_by_name(view: DataView, qtbot) -> dict[str, int]:
    """Row number of each member name (the first row with that name)."""
    model = view.model
    out: dict[str, int] = {}
    for r in range(model.rowCount()):
        idx = model.index(r, COL_NAMA)
        if model.data(idx, ROW_ROLE) is None:
            qtbot.waitUntil(lambda i=idx: model.data(i, ROW_ROLE) is not None, timeout=WAIT)
        out.setdefault(model.data(idx, ROW_ROLE).nama, r)
    return out


@pytest.fixture
def matched_with_programmes(db, admin):
    """The matching tests' registry and civil-registry snapshot, matched, with two programme lists linked.

    PKH: JOKO HIDAYAT by NIK; the family of BAGUS/DIMAS/NAYLA by No KK under a name nobody in that
    family has (so the list names the family, not a member). BPNT: JOKO HIDAYAT by NIK, HARTONO (no NIK)
    by No KK + his name. RATNA SARI (HARTONO's family) and H. AHMAD SUDIRMAN are on no list.
    """
    from dtks_desktop.services.matching.run import run_matching
    from dtks_desktop.services.matching.programmes import link_programmes

    from ..matching.conftest import load_civil, load_registry
    from ..matching.test_programmes import add_list

    load_civil(db)
    load_registry(db)
    add_list(db, "PKH", [{"nik": "3310011807820001", "nama": "JOKO HIDAYAT"},
                         {"no_kk": "3310012710160004", "nama": "SITI MARYAM"}])
    add_list(db, "BPNT", [{"nik": "3310011807820001", "nama": "JOKO HIDAYAT"},
                          {"no_kk": "3310012710160011", "nama": "Hartono"}])
    run_matching(db, admin)
    summary = link_programmes(db, admin)
    assert summary.linked == 4
    return db


def test_program_column_shows_who_receives_what(qtbot, db, admin, matched_with_programmes, make_view):
    from dtks_desktop.views.core.members import COL_PROG

    view = make_view(db, admin)
    model = view.model
    assert model.headerData(COL_PROG, Qt.Orientation.Horizontal) == "Program"
    rows = _rows_by_name(view, qtbot)

    def cell(name, role=Qt.ItemDataRole.DisplayRole):
        return model.data(model.index(rows[name], COL_PROG), role)

    assert cell("JOKO HIDAYAT") == "BPNT, PKH"
    tip = cell("JOKO HIDAYAT", Qt.ItemDataRole.ToolTipRole)
    assert "BPNT periode 2026-01: ditemukan menurut NIK" in tip
    assert "PKH periode 2026-01: ditemukan menurut NIK" in tip
    assert cell("HARTONO") == "BPNT"
    assert "BPNT periode 2026-01: ditemukan menurut No KK" in cell("HARTONO", Qt.ItemDataRole.ToolTipRole)
    # the PKH list names the family, not a member: every member of it shows it, marked
    for name in ("BAGUS PRASETYO", "DIMAS ARDIANSYAH", "NAYLA PUTRI"):
        assert cell(name) == "PKH (keluarga)"
        assert "untuk seluruh keluarga, ditemukan menurut No KK" in cell(name, Qt.ItemDataRole.ToolTipRole)
    # on no list: empty, no tooltip
    for name in ("RATNA SARI", "H. AHMAD SUDIRMAN"):
        assert cell(name) == "" and cell(name, Qt.ItemDataRole.ToolTipRole) is None

    # the family panel lists who in the family is on which list
    view.table.selectRow(rows["RATNA SARI"])
    panel = view.family_panel
    qtbot.waitUntil(lambda: panel.detail is not None, timeout=WAIT)
    assert panel.programmes_label.isVisible()
    assert panel.programmes_label.text() == "BPNT 2026-01 — HARTONO"
    assert "ditemukan menurut No KK" in panel.programmes_label.toolTip()
    view.table.selectRow(rows["H. AHMAD SUDIRMAN"])
    qtbot.waitUntil(lambda: panel.detail is not None and panel.detail.household_id == model.row_at(
        rows["H. AHMAD SUDIRMAN"]).household_id, timeout=WAIT)
    assert panel.programmes_label.text() == "Tidak ada di daftar penerima program"


def test_pemadanan_tooltip_explains_the_outcome(qtbot, db, admin, matched_with_programmes, make_view):
    import re

    from dtks_desktop.db.models import MatchResult
    from dtks_desktop.services.matching.export import reason_lines
    from dtks_desktop.views.core.members import COL_MATCH

    with db.sessions() as s:
        stored = {mid: (status, reasons) for mid, status, reasons in
                  s.execute(select(MatchResult.member_id, MatchResult.status, MatchResult.reasons))}
    view = make_view(db, admin)
    model = view.model
    rows = _rows_by_name(view, qtbot)

    def tip(name):
        return model.data(model.index(rows[name], COL_MATCH), Qt.ItemDataRole.ToolTipRole)

    # a spelling difference in the name: the summary and the note of the field that differs
    assert model.data(model.index(rows["H. AHMAD SUDIRMAN"], COL_MATCH)) == "Padan dengan catatan"
    t = tip("H. AHMAD SUDIRMAN")
    assert t.startswith("Hasil pemadanan dengan data Dukcapil: Padan dengan catatan, skor ")
    assert re.search(r"^NIK ditemukan; ada perbedaan: nama$", t, re.M | re.I)  # the summary, its own line
    assert re.search(r"^• Nama: .*H\. AHMAD SUDIRMAN ↔ AHMAD SUDIRMAN", t, re.M)
    assert t.endswith("Rinciannya di halaman Pemadanan.")
    # every line of the stored explanation is in the tooltip
    for name, row in rows.items():
        mid = model.row_at(row).id
        lines = reason_lines(*stored[mid])
        assert lines and all(line in tip(name) for line in lines), name
    assert "Tidak ditemukan di data Dukcapil" in tip("RATNA SARI")
    # NAYLA's NIK lost its last digit in a spreadsheet; the machine restored it, and the cell says so
    assert model.data(model.index(rows["NAYLA PUTRI"], COL_MATCH)) == "NIK dipulihkan otomatis"
    assert "dipulihkan otomatis menjadi 3310015003100001" in tip("NAYLA PUTRI")


def test_pemadanan_tooltip_masks_niks_for_pencetak(qtbot, db, admin, matched_with_programmes, make_view):
    import re

    from dtks_desktop.views.core.members import COL_MATCH

    with db.transaction() as s:
        pencetak = create_user(s, "cetak1", "rahasia-cetak-1", "pencetak", by=admin)
        policy = settings_service.mask_policy(s)
    tips = {}
    for actor in (admin, pencetak):
        view = make_view(db, actor)
        rows = _rows_by_name(view, qtbot)
        tips[actor.username] = view.model.data(view.model.index(rows["NAYLA PUTRI"], COL_MATCH),
                                               Qt.ItemDataRole.ToolTipRole)
    niks = re.findall(r"\d{16}", tips["admin"])
    assert niks, tips["admin"]  # the explanation quotes the proposed NIK
    for nik in niks:
        assert nik not in tips["cetak1"] and mask_nik(nik, policy) in tips["cetak1"]



def test_the_family_panel_shows_where_the_family_stands(qtbot, db, world, make_view):
    """A submitted batch moves ANI's family to diajukan (its desa's meeting is final): the panel says so."""
    from dtks_desktop.services.submission import approval, batches

    with db.transaction() as s:
        bid = batches.create_batch(s, world.operator, "kemensos", "PKH", "usulan_baru").id
        approval.submit(s, world.operator, bid)
    view = make_view(db, world.operator)
    view.search_edit.setText("ANI")
    view.search_edit.returnPressed.emit()
    wait_loaded(qtbot, view)
    names = [view.model.row_at(i).nama for i in range(view.model.rowCount())]
    view.table.selectRow(names.index("ANI"))
    qtbot.waitUntil(lambda: view.family_panel.detail is not None, timeout=WAIT)
    assert view.family_panel.status_label.text() == "Diajukan"
