"""The Pemadanan (review) page, driven like a clerk would: the run button, the filters, and a
review session with the keyboard alone.

Data: the demo generator's Dukcapil extract and damaged SIKS-NG export (400 people, seed 3),
imported through the real importer, matched by the real service. Every outcome is checked
through the services (``review_item``, ``count_queue``, ``bulk_accept_preview``), never SQL.
"""

from __future__ import annotations

import json
import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import select

from dtks_desktop.db.models import MatchResult
from dtks_desktop.domain.masking import mask_nik
from dtks_desktop.demo import generator as demo
from dtks_desktop.services.core import settings as settings_service
from dtks_desktop.services.importing.run import run_import
from dtks_desktop.services.matching import common as match_common
from dtks_desktop.services.matching import decisions as match_decisions
from dtks_desktop.services.matching import review as match_review
from dtks_desktop.services.matching import run as match_run
from dtks_desktop.services.core.users import create_user
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.matching import common as review_common
from dtks_desktop.views.matching import queue as review_queue
from dtks_desktop.views.matching.queue import QCOL_NIK, QCOL_PRIO, QCOL_STATUS
from dtks_desktop.views.matching.review_view import ReviewView
from dtks_desktop.views.common.widgets import job_runner

WAIT = 30_000
DIGITS16 = re.compile(r"\d{16}")


@pytest.fixture(autouse=True)
def _quiet_messages(monkeypatch):
    shown: list[str] = []

    def fake_exec(box):
        shown.append(box.text())
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    yield shown
    job_runner().wait_all(WAIT)


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo_review")
    return demo.generate_files(out, demo.DemoConfig(people=400, seed=3), xlsx=False)


@pytest.fixture
def imported(db, admin, demo_files):
    """Registry and civil-registry snapshot imported; not matched yet."""
    with db.transaction() as s:
        settings_service.put(s, admin, settings_service.KAB_KODE, "33.10")
    run_import(db, admin, demo_files["dukcapil"], kind="dukcapil")
    run_import(db, admin, demo_files["dtks_csv"], kind="dtks")
    return db


@pytest.fixture
def matched(imported, admin):
    match_run.run_matching(imported, admin)
    return imported


@pytest.fixture
def make_view(qtbot):
    views: list[ReviewView] = []

    def make(db, actor, height: int = 820) -> ReviewView:
        view = ReviewView(AppContext(db, actor))
        qtbot.addWidget(view)
        view.resize(1400, height)
        view.show()
        qtbot.waitExposed(view)
        view.activateWindow()
        views.append(view)
        assert view.wait_idle(WAIT)
        return view

    yield make
    for v in views:  # no job may outlive the test's database
        v.wait_idle(WAIT)
        if v.bulk_dialog is not None:
            v.bulk_dialog.wait_idle(WAIT)
        v.close()


def queue_ids(db, **kw) -> list[int]:
    with db.sessions() as s:
        return [q.member_id for q in match_review.review_queue(s, limit=10_000, **kw)]


def item(db, member_id: int):
    with db.sessions() as s:
        return match_review.review_item(s, member_id)


def shown_ids(view: ReviewView) -> list[int]:
    return [view.model.item_at(r).member_id for r in range(view.model.rowCount())]


def current_id(view: ReviewView) -> int | None:
    it = view.current_item()
    return it.member_id if it else None


def focus_queue(qtbot, view: ReviewView) -> None:
    view.activateWindow()
    view.table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.table, timeout=WAIT)


def press(qtbot, view: ReviewView, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """One key press where the clerk's focus is (the queue), then let the view settle."""
    qtbot.keyClick(QApplication.focusWidget() or view.table, key, modifier)
    assert view.wait_idle(WAIT)


# --------------------------------------------------------------------------- run and queue


def test_run_from_button_fills_queue_and_summary(qtbot, imported, operator, make_view):
    view = make_view(imported, operator)
    assert view.model.rowCount() == 0
    assert view.count_label.text() == "0 menunggu"
    assert "belum pernah dijalankan" in view.summary_strip.text()
    assert "Jalankan pemadanan" in view.comparison.empty.text()
    assert view.run_button.text() == "Jalankan pemadanan"

    with qtbot.waitSignal(view.matchingFinished, timeout=WAIT):
        qtbot.mouseClick(view.run_button, Qt.MouseButton.LeftButton)
    assert view.wait_idle(WAIT)

    summary = view.last_summary
    assert summary is not None and summary.members_matched > 0
    # the strip shows the counts per status of the run
    assert view.summary_strip.counts == {s: summary.counts.get(s, 0) for s in review_common.STATUS_ORDER}
    for s, label in review_common.STATUS_LABELS.items():
        assert f"{label}:" in view.summary_strip.text()
    # the queue is the service's queue, in its order, and the count label says how many wait
    want = queue_ids(imported)
    assert 0 < len(want) == view.model.total
    assert shown_ids(view) == want
    assert view.count_label.text() == f"{len(want)} menunggu"
    # the first (most urgent) item is selected and compared
    assert current_id(view) == want[0]
    assert view.comparison.item is not None and view.comparison.item.member_id == want[0]
    assert view.table.verticalHeader().sectionResizeMode(0).name == "Fixed"
    # NIKs that only lost their last digit in a spreadsheet were restored by the machine and do not wait
    assert summary.restored_auto > 0
    assert f"{summary.restored_auto} NIK yang rusak oleh spreadsheet dipulihkan otomatis" in view.feedback.text()
    assert f"({summary.restored_auto} dipulihkan otomatis)" in view.summary_strip.text()
    # a correction is first: priority dot with its tooltip, "Usulan NIK" in large type
    first = view.comparison.item
    assert first.status == "usulan_koreksi"
    tip = view.model.data(view.model.index(0, QCOL_PRIO), Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Prioritas")
    assert view.comparison.proposal.isVisibleTo(view)
    assert first.nik_matched in view.comparison.proposal.text()
    assert "Usulan NIK" in view.comparison.proposal.text()
    assert view.comparison.header_civil.text() == "Dukcapil (kandidat 1)"


def test_run_without_civil_registry_shows_the_reason(qtbot, db, admin, operator, make_view, _quiet_messages):
    view = make_view(db, operator)
    qtbot.mouseClick(view.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.run_handle is not None and view.run_handle.finished, timeout=WAIT)
    assert view.run_handle.state == "failed"
    assert any("Belum ada data Dukcapil" in t for t in _quiet_messages)
    assert view.run_button.isEnabled()


def test_differences_are_highlighted(qtbot, matched, operator, make_view):
    view = make_view(matched, operator)
    # a correction whose NIK differs by one digit: the NIK cells are marked, equal names are not
    target = next(m for m in queue_ids(matched, status="usulan_koreksi")
                  if (it := item(matched, m)).nik and len(it.candidates) == 1
                  and next(f for f in it.candidates[0].fields if f.field == "nik").level == "satu_digit")
    view._select_row(view.model.row_of(target))
    assert view.wait_idle(WAIT)  # the comparison is read in a job
    assert view.comparison.item.member_id == target
    cand = view.comparison.candidate()
    fields = {f.field: f for f in cand.fields}
    assert view.comparison.cell_state("nik") == "near"  # one digit: a small difference
    for key in ("nama", "tanggal_lahir"):
        if not fields[key].differs:
            assert view.comparison.cell_state(key) == ""
    nik_row = view.comparison.rows["nik"]
    assert "font-weight: bold" in nik_row.civil.styleSheet()
    assert nik_row.weight.text().startswith("+")
    assert view.comparison.rows["nama"].dtks.text() == fields["nama"].member_value
    assert "Usulan NIK: " in view.comparison.proposal.text()


def test_filters_status_and_region(qtbot, matched, operator, make_view):
    view = make_view(matched, operator)
    assert view.status_combo.itemText(0) == "Semua yang perlu diperiksa"
    labels = [view.status_combo.itemText(i) for i in range(view.status_combo.count())]
    assert "Usulan koreksi NIK" in labels and "NIK milik orang lain" in labels and "Tidak padan" in labels

    view.status_combo.setCurrentIndex(view.status_combo.findData("tidak_padan"))
    assert view.wait_idle(WAIT)
    want = queue_ids(matched, status="tidak_padan")
    assert shown_ids(view) == want and len(want) > 0
    assert view.count_label.text() == f"{len(want)} menunggu"
    assert {view.model.data(view.model.index(r, QCOL_STATUS)) for r in range(view.model.rowCount())} == \
        {"Tidak padan"}

    # a kecamatan: its desa become choosable; the queue is that kecamatan's
    view.status_combo.setCurrentIndex(0)
    assert view.wait_idle(WAIT)
    kec_of = {it.desa_kode[:8] for it in (view.model.item_at(r) for r in range(view.model.rowCount()))}
    kec = sorted(kec_of)[0]
    assert not view.desa_combo.isEnabled()
    view.kecamatan_combo.setCurrentIndex(view.kecamatan_combo.findData(kec))
    assert view.wait_idle(WAIT)
    assert view.desa_combo.isEnabled() and view.desa_combo.count() > 1
    assert shown_ids(view) == queue_ids(matched, desa=kec)
    desa = view.model.item_at(0).desa_kode
    view.desa_combo.setCurrentIndex(view.desa_combo.findData(desa))
    assert view.wait_idle(WAIT)
    assert shown_ids(view) == queue_ids(matched, desa=desa)
    with matched.sessions() as s:
        assert view.model.total == match_review.count_queue(s, desa=desa)


def test_queue_pages_with_fetch_more(qtbot, matched, operator, make_view, monkeypatch):
    monkeypatch.setattr(review_queue, "PAGE", 5)
    # built at its small height: a tall window would (in its own time) fetch the whole short queue
    view = make_view(matched, operator, height=420)
    want = queue_ids(matched)
    assert len(want) > 20
    table = view.table

    def viewport_full() -> bool:
        rows = view.model.rowCount()
        return rows > 0 and rows * table.rowHeight(0) >= table.viewport().height()

    # the table asks for pages while its viewport has room; each page follows the last in its own job
    qtbot.waitUntil(lambda: view.wait_idle(WAIT) and viewport_full(), timeout=WAIT)
    assert table.viewport().height() < len(want) * table.rowHeight(0)  # the premise: it cannot show all
    # pages of 5, not everything at once
    assert view.model.rowCount() % 5 == 0 and 5 <= view.model.rowCount() < len(want)
    assert view.model.total == len(want) and view.model.canFetchMore()
    focus_queue(qtbot, view)
    # stepping down through the queue fetches the next pages on the way
    for _ in range(len(want) - 1):
        press(qtbot, view, Qt.Key.Key_N)
    assert current_id(view) == want[-1]
    assert shown_ids(view) == want
    assert not view.model.canFetchMore()


def test_deciding_across_pages_follows_the_service_queue(qtbot, matched, operator, make_view, monkeypatch):
    monkeypatch.setattr(review_queue, "PAGE", 5)
    view = make_view(matched, operator)
    view.resize(1400, 360)
    focus_queue(qtbot, view)
    for _ in range(12):  # the corrections at the top, over more than two pages
        head = queue_ids(matched)[0]
        assert current_id(view) == head  # what is selected is always the first of the service's queue
        press(qtbot, view, Qt.Key.Key_Return)
        assert item(matched, head).decision == "diterima"
    assert shown_ids(view)[: view.model.rowCount()] == queue_ids(matched)[: view.model.rowCount()]
    with matched.sessions() as s:
        assert view.model.total == match_review.count_queue(s)


# --------------------------------------------------------------------------- the keyboard


def test_keyboard_only_review_session(qtbot, matched, operator, make_view):
    view = make_view(matched, operator)
    focus_queue(qtbot, view)
    queue = queue_ids(matched)
    a, b, c, d = queue[:4]
    before_a = item(matched, a)
    assert before_a.status == "usulan_koreksi" and before_a.nik_matched
    assert before_a.nik != before_a.nik_matched
    assert current_id(view) == a
    # the buttons name their keys
    assert view.accept_button.text() == "Terima (Enter)"
    assert view.reject_button.text() == "Tolak (T)"
    assert view.next_button.text() == "Berikutnya (N)"
    assert view.undo_button.text() == "Urungkan (Ctrl+Z)"

    # Enter: accept the first correction -> the member's NIK is the proposed one
    with qtbot.waitSignal(view.decided, timeout=WAIT) as sig:
        press(qtbot, view, Qt.Key.Key_Return)
    assert sig.args == [a]
    after_a = item(matched, a)
    assert after_a.decision == "diterima"
    assert after_a.nik == before_a.nik_matched
    assert a not in shown_ids(view)
    assert view.count_label.text() == f"{len(queue) - 1} menunggu"
    assert current_id(view) == b  # the next one is selected at once

    # T: reject the next; its NIK stays
    before_b = item(matched, b)
    press(qtbot, view, Qt.Key.Key_T)
    after_b = item(matched, b)
    assert after_b.decision == "ditolak" and after_b.nik == before_b.nik
    assert current_id(view) == c

    # N: skip without deciding
    press(qtbot, view, Qt.Key.Key_N)
    assert current_id(view) == d
    assert item(matched, c).decision is None

    # Ctrl+Z: the rejection is undone, the item is back and selected
    press(qtbot, view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    restored_b = item(matched, b)
    assert restored_b.decision is None and restored_b.nik == before_b.nik
    assert b in shown_ids(view) and current_id(view) == b
    assert view.count_label.text() == f"{len(queue) - 1} menunggu"
    # Ctrl+Z again: the accepted correction is undone, the NIK as it was
    press(qtbot, view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    restored_a = item(matched, a)
    assert restored_a.decision is None and restored_a.nik == before_a.nik
    assert restored_a.nik_raw == before_a.nik_raw
    assert shown_ids(view) == queue_ids(matched) == queue

    # 2: on an item with two candidates, show the second; Enter links that one
    target = next(m for m in queue if len(item(matched, m).candidates) >= 2)
    second = item(matched, target).candidates[1]
    assert not second.chosen
    for _ in range(len(queue)):
        if current_id(view) == target:
            break
        press(qtbot, view, Qt.Key.Key_N)
    assert current_id(view) == target
    press(qtbot, view, Qt.Key.Key_2)
    assert view.comparison.candidate_index == 1
    assert view.comparison.header_civil.text() == "Dukcapil (kandidat 2)"
    assert view.accept_button.text() == "Terima kandidat 2 (Enter)"
    assert view.comparison.candidate_buttons[1].isChecked()
    press(qtbot, view, Qt.Key.Key_Return)
    chosen = item(matched, target)
    assert chosen.decision == "diterima"
    assert chosen.nik_matched == second.nik and chosen.nik == second.nik
    assert target not in shown_ids(view)


def test_other_keys(qtbot, matched, operator, make_view):
    view = make_view(matched, operator)
    focus_queue(qtbot, view)
    queue = queue_ids(matched)
    press(qtbot, view, Qt.Key.Key_Down)
    assert current_id(view) == queue[1]
    press(qtbot, view, Qt.Key.Key_Down)
    assert current_id(view) == queue[2]
    press(qtbot, view, Qt.Key.Key_Up)
    assert current_id(view) == queue[1]
    press(qtbot, view, Qt.Key.Key_P)
    assert current_id(view) == queue[0]
    press(qtbot, view, Qt.Key.Key_P)  # at the top: stays
    assert current_id(view) == queue[0]

    # 3 where there is one candidate: nothing chosen, a hint instead
    press(qtbot, view, Qt.Key.Key_3)
    assert view.comparison.candidate_index == 0
    assert "Tidak ada kandidat 3" in view.feedback.text()

    # A accepts, Delete rejects
    press(qtbot, view, Qt.Key.Key_A)
    assert item(matched, queue[0]).decision == "diterima"
    press(qtbot, view, Qt.Key.Key_Delete)
    assert item(matched, queue[1]).decision == "ditolak"
    assert current_id(view) == queue[2]


def test_only_a_chosen_candidate_replaces_the_proposal(qtbot, matched, operator, make_view):
    view = make_view(matched, operator)
    target = next(m for m in queue_ids(matched) if len(item(matched, m).candidates) >= 2)
    view._select_row(view.model.row_of(target))
    assert view.wait_idle(WAIT)
    comp = view.comparison
    assert comp.candidate_box.isVisibleTo(view)
    assert comp.candidate_buttons[0].text().endswith("(usulan mesin)")
    assert comp.candidate_buttons[1].text().endswith("(bukan usulan)")
    # only looked at (not chosen): Enter still accepts the machine's proposal
    comp.select_candidate(1)
    assert not comp.picks_other_candidate() and view.accept_button.text() == "Terima (Enter)"
    # a click on the second candidate chooses it
    qtbot.mouseClick(comp.candidate_buttons[1], Qt.MouseButton.LeftButton)
    assert comp.picks_other_candidate() and view.accept_button.text() == "Terima kandidat 2 (Enter)"
    assert "Enter memilih kandidat ini" in comp.proposal_sub.text()
    # the next item starts again from the proposal
    view.select_next()
    assert not comp.picks_other_candidate()


def test_letters_in_the_filter_bar_never_decide(qtbot, matched, operator, make_view):
    view = make_view(matched, operator)
    first = current_id(view)
    view.status_combo.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.status_combo, timeout=WAIT)
    for key in (Qt.Key.Key_T, Qt.Key.Key_A, Qt.Key.Key_Return):
        qtbot.keyClick(view.status_combo, key)
    assert view.wait_idle(WAIT)
    assert item(matched, first).decision is None


# --------------------------------------------------------------------------- bulk accept


def test_bulk_accept_dialog(qtbot, matched, supervisor, make_view):
    view = make_view(matched, supervisor)  # bulk accept: supervisor or admin (domain/permissions.py)
    qtbot.mouseClick(view.bulk_button, Qt.MouseButton.LeftButton)
    dialog = view.bulk_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.status == "usulan_koreksi"
    assert dialog.wait_idle(WAIT)

    with matched.sessions() as s:
        n_default = match_decisions.bulk_accept_preview(s, "usulan_koreksi", dialog.min_score, actor=supervisor)
    assert dialog.count == n_default
    dialog.score_spin.setValue(20.0)
    assert dialog.wait_idle(WAIT)
    with matched.sessions() as s:
        n = match_decisions.bulk_accept_preview(s, "usulan_koreksi", 20.0, actor=supervisor)
        before = match_review.count_queue(s, status="usulan_koreksi")
    assert 0 < n < before  # part of the queue
    assert dialog.count == n
    assert dialog.preview_label.text() == f"{n} usulan akan diterima"
    assert dialog.accept_button.text() == f"Terima {n} usulan"
    assert dialog.score_spin.text() == "20,0"  # Indonesian decimal comma

    # another status: the count follows
    dialog.status_combo.setCurrentIndex(dialog.status_combo.findData("padan_catatan"))
    assert dialog.wait_idle(WAIT)
    with matched.sessions() as s:
        assert dialog.count == match_decisions.bulk_accept_preview(s, "padan_catatan", 20.0, actor=supervisor)
    assert dialog.preview_label.text().endswith("hasil akan diterima")
    dialog.status_combo.setCurrentIndex(dialog.status_combo.findData("usulan_koreksi"))
    assert dialog.wait_idle(WAIT)
    assert dialog.count == n

    with qtbot.waitSignal(view.bulkAccepted, timeout=WAIT) as sig:
        qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    assert sig.args == [n]
    assert view.wait_idle(WAIT)
    with matched.sessions() as s:
        assert match_decisions.bulk_accept_preview(s, "usulan_koreksi", 20.0, actor=supervisor) == 0
        assert match_review.count_queue(s, status="usulan_koreksi") == before - n
    # what is left of the corrections in the queue is below the threshold
    shown = [view.model.item_at(r) for r in range(view.model.rowCount())]
    assert all(it.score < 20.0 for it in shown if it.status == "usulan_koreksi")
    assert shown_ids(view) == queue_ids(matched)

    # Ctrl+Z reverts the whole bulk accept
    focus_queue(qtbot, view)
    press(qtbot, view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    with matched.sessions() as s:
        assert match_decisions.bulk_accept_preview(s, "usulan_koreksi", 20.0, actor=supervisor) == n
    assert view.model.total == len(queue_ids(matched))


# --------------------------------------------------------------------------- roles


def test_operator_decides_one_by_one_but_may_not_bulk_accept(qtbot, matched, operator, make_view):
    """Bulk accept is for supervisors and admins (domain/permissions.py): the button stays off."""
    view = make_view(matched, operator)
    assert view.wait_idle(WAIT) and view.model.rowCount() > 0
    assert view.may_decide and view.accept_button.isVisible()
    assert not view.bulk_button.isEnabled() and view.open_bulk_dialog() is None


def test_pencetak_sees_masked_niks_and_cannot_decide(qtbot, matched, admin, make_view):
    with matched.transaction() as s:
        pencetak = create_user(s, "cetak1", "rahasia-cetak-1", "pencetak", full_name="Operator Cetak", by=admin)
        policy = settings_service.mask_policy(s)
    view = make_view(matched, pencetak)
    assert view.model.rowCount() > 0
    for r in range(view.model.rowCount()):
        it = view.model.item_at(r)
        written = it.nik_raw or it.nik
        shown = view.model.data(view.model.index(r, QCOL_NIK))
        if written:
            assert shown == mask_nik(written, policy)
        assert not DIGITS16.search(shown)
        tip = view.model.data(view.model.index(r, review_queue.QCOL_NAMA), Qt.ItemDataRole.ToolTipRole) or ""
        assert not DIGITS16.search(tip)
    # the comparison of a correction: every NIK and No KK masked, also inside the notes
    row = next(r for r in range(view.model.rowCount()) if view.model.item_at(r).status == "usulan_koreksi"
               and (view.model.item_at(r).nik_raw or "").isdigit())
    view._select_row(row)
    assert view.wait_idle(WAIT)
    comp = view.comparison
    texts = [comp.proposal.text(), comp.proposal_sub.text(), comp.summary.text(), comp.extra.text()]
    for r in comp.rows.values():
        texts += [r.dtks.text(), r.civil.text(), r.note.text()]
    assert comp.item.nik_matched and all(comp.item.nik_matched not in t for t in texts)
    assert not any(DIGITS16.search(t) for t in texts)
    assert mask_nik(comp.item.nik_matched, policy) in comp.proposal.text()
    # read-only: no run, no decisions, keys do nothing
    assert not view.run_button.isEnabled() and not view.bulk_button.isEnabled()
    assert not view.accept_button.isEnabled() and not view.reject_button.isEnabled()
    focus_queue(qtbot, view)
    member = current_id(view)
    press(qtbot, view, Qt.Key.Key_Return)
    press(qtbot, view, Qt.Key.Key_T)
    assert item(matched, member).decision is None
    assert view.open_bulk_dialog() is None


def test_operator_sees_full_niks(qtbot, matched, operator, make_view):
    view = make_view(matched, operator)
    it = view.model.item_at(0)
    assert view.model.data(view.model.index(0, QCOL_NIK)) == (it.nik_raw or it.nik or "(kosong)")
    assert view.comparison.item.nik_matched in view.comparison.proposal.text()


def test_restored_niks_are_listed_and_can_be_rejected_with_the_keyboard(qtbot, matched, operator, make_view):
    """The machine's restorations of spreadsheet-damaged NIKs: a filter of their own; T puts the
    file's NIK back, Enter confirms, Ctrl+Z undoes."""
    view = make_view(matched, operator)
    auto = queue_ids(matched, status=match_common.AUTO_FILTER)
    assert len(auto) >= 2
    view.status_combo.setCurrentIndex(view.status_combo.findData(match_common.AUTO_FILTER))
    assert view.wait_idle(WAIT)
    assert shown_ids(view) == auto
    assert view.count_label.text() == f"{len(auto)} dipulihkan"
    focus_queue(qtbot, view)
    first, second = auto[:2]
    before = item(matched, first)
    assert before.decision == match_common.AUTO and before.nik == before.nik_matched
    assert "dipulihkan otomatis" in view.action_help.text()
    assert view.comparison.proposal.text().startswith("NIK dipulihkan otomatis")
    with matched.sessions() as s:
        reasons = s.execute(select(MatchResult.reasons).where(MatchResult.member_id == first)).scalar_one()
    was = json.loads(reasons)["otomatis"]
    # T: the restoration was wrong -> the NIK goes back to what the file had
    press(qtbot, view, Qt.Key.Key_T)
    after = item(matched, first)
    assert after.decision == "ditolak" and after.nik == was["nik_lama"] != before.nik_matched
    assert after.nik_flags == was["nik_flags_lama"]
    assert "NIK dikembalikan" in view.feedback.text()
    assert first not in shown_ids(view) and current_id(view) == second
    # Enter: the next restoration is confirmed, its NIK stays
    restored_second = item(matched, second).nik_matched
    press(qtbot, view, Qt.Key.Key_Return)
    assert item(matched, second).decision == "diterima" and item(matched, second).nik == restored_second
    # Ctrl+Z twice: both back under the filter, the first with its restored NIK again
    press(qtbot, view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    press(qtbot, view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    again = item(matched, first)
    assert again.decision == match_common.AUTO and again.nik == before.nik_matched
    assert shown_ids(view) == auto



def test_reopen_an_earlier_decision_from_the_decided_list(qtbot, matched, operator, make_view):
    """A clerk accepted a correction, went on, then saw it was wrong: "Sudah diputuskan petugas",
    select it, B: the NIK is back as it was and the result waits in the queue again."""
    view = make_view(matched, operator)
    focus_queue(qtbot, view)
    queue = queue_ids(matched)
    first = queue[0]
    before = item(matched, first)
    press(qtbot, view, Qt.Key.Key_Return)  # accept the first
    press(qtbot, view, Qt.Key.Key_T)  # reject the second
    assert item(matched, first).decision == "diterima"
    view.status_combo.setCurrentIndex(view.status_combo.findData(match_common.DECIDED_FILTER))
    assert view.wait_idle(WAIT)
    assert sorted(shown_ids(view)) == sorted(queue[:2]) and view.count_label.text() == "2 diputuskan"
    assert view.reopen_button.isVisible() and not view.accept_button.isVisible()
    focus_queue(qtbot, view)
    view._select_row(shown_ids(view).index(first))
    assert view.wait_idle(WAIT)
    assert "Buka kembali (B)" in view.action_help.text()
    press(qtbot, view, Qt.Key.Key_Return)  # Enter does not decide again here
    assert item(matched, first).decision == "diterima" and "Tekan B" in view.feedback.text()
    press(qtbot, view, Qt.Key.Key_B)
    again = item(matched, first)
    assert again.decision is None and again.nik == before.nik
    assert "dibuka kembali" in view.feedback.text() and first not in shown_ids(view)
    assert first in queue_ids(matched)


# --------------------------------------------------------------------------- decisions are written in jobs


def test_decisions_run_in_jobs_bound_to_their_member(qtbot, matched, operator, make_view, monkeypatch):
    """Enter shows the next item at once while the decision is written; the write acts on the
    member the key was pressed on; two quick presses never decide the same member twice."""
    import threading

    from dtks_desktop.services.matching import decisions as match_decisions

    view = make_view(matched, operator)
    focus_queue(qtbot, view)
    first, second = shown_ids(view)[:2]
    gate = threading.Event()
    calls: list[tuple[int, str, bool]] = []
    real = match_decisions.decide

    def slow_decide(db, actor, member_id, action, **kw):
        calls.append((member_id, action, threading.current_thread() is threading.main_thread()))
        gate.wait(WAIT / 1000)
        return real(db, actor, member_id, action, **kw)

    monkeypatch.setattr(match_decisions, "decide", slow_decide)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    # the next item is selected at once, the first is out of the list, its write still runs
    assert current_id(view) == second and first not in shown_ids(view)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)  # before the next comparison is here: nothing
    qtbot.waitUntil(lambda: view.comparison.item is not None, timeout=WAIT)
    gate.set()
    assert view.wait_idle(WAIT)
    assert [(m, a) for m, a, _main in calls] == [(first, "terima")]
    assert not any(main for _m, _a, main in calls)  # never on the GUI thread
    assert item(matched, first).decision == "diterima"
    assert current_id(view) == second and item(matched, second).decision is None
    assert "Diterima:" in view.feedback.text()


def test_a_failed_decision_is_told_and_its_item_comes_back(qtbot, matched, operator, make_view, monkeypatch,
                                                           _quiet_messages):
    from dtks_desktop.services.core.users import UserError
    from dtks_desktop.services.matching import decisions as match_decisions

    view = make_view(matched, operator)
    focus_queue(qtbot, view)
    first = shown_ids(view)[0]

    def refused(db, actor, member_id, action, **kw):
        raise UserError("Data anggota ini baru saja diubah di komputer lain.")

    monkeypatch.setattr(match_decisions, "decide", refused)
    press(qtbot, view, Qt.Key.Key_T)
    assert "Data anggota ini baru saja diubah di komputer lain." in _quiet_messages
    assert item(matched, first).decision is None
    assert first in shown_ids(view) and current_id(view) == first  # back, and selected
    assert view.comparison.item is not None and view.comparison.item.member_id == first
