"""The Pengajuan page, driven like the office works: an operator builds a batch from the final
Musdes decisions (and sees who was left out and why) and submits it; another user, a supervisor,
reads the approval summary and approves it; the export writes the files; the results from above
are imported. A supervisor who built a batch is told (and refused by the service) that another
supervisor must approve it. No statement of the page runs on the GUI thread."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox
from sqlalchemy import event, select

from dtks_desktop.db.models import AuditEvent, SubmissionBatch
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.widgets import job_runner
from dtks_desktop.views.shell.main_window import KEY_SUBMISSION, PAGES, MainWindow
from dtks_desktop.views.submission import submission_view
from dtks_desktop.views.submission.dialogs import CreateBatchDialog, DecisionDialog
from dtks_desktop.views.submission.submission_view import SubmissionView
from tests.submission.conftest import PEOPLE, world  # noqa: F401 - the fixture
from tests.views.test_gui_thread import StatementRecorder

WAIT = 60_000


@pytest.fixture(autouse=True)
def _quiet(monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or QMessageBox.StandardButton.Ok)
    asked: list[str] = []

    def ask(_parent, title, text, yes="Ya", no="Batal"):
        asked.append(title)
        return title in ("Ajukan batch",)  # confirm submitting; never open a folder from a test

    monkeypatch.setattr(submission_view, "ask_yes_no", ask)
    yield shown
    job_runner().wait_all(WAIT)


@pytest.fixture
def recorder(world):
    rec = StatementRecorder(world.db.engine)
    event.listen(world.db.engine, "before_cursor_execute", rec)
    yield rec
    job_runner().wait_all(WAIT)
    event.remove(world.db.engine, "before_cursor_execute", rec)


def open_page(qtbot, db, actor) -> SubmissionView:
    view = SubmissionView(AppContext(db, actor))
    qtbot.addWidget(view)
    view.resize(1400, 820)
    view.show()
    qtbot.waitExposed(view)
    assert view.wait_idle(WAIT)
    return view


def create_in_gui(view: SubmissionView, monkeypatch, *, target="kemensos", programme="PKH", kind="usulan_baru",
                  kecamatan=None) -> None:
    seen = {}

    def fill(dlg: CreateBatchDialog) -> int:
        seen["programmes"] = [dlg.programme.itemData(i) for i in range(dlg.programme.count())]
        dlg.target.setCurrentIndex(dlg.target.findData(target))
        dlg.programme.setCurrentIndex(dlg.programme.findData(programme))
        dlg.kind.setCurrentIndex(dlg.kind.findData(kind))
        if kecamatan:
            dlg.kec.setCurrentIndex(dlg.kec.findData(kecamatan))
        assert dlg.ok_button.isEnabled()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(CreateBatchDialog, "exec", fill)
    view.create_button.click()
    assert view.wait_idle(WAIT)
    assert "PKH" in seen["programmes"] and "BPNT" in seen["programmes"]


def decide_in_gui(view: SubmissionView, monkeypatch, approve: bool, note: str) -> None:
    def fill(dlg: DecisionDialog) -> int:
        dlg.note.setPlainText(note)
        assert dlg.ok_button.isEnabled()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(DecisionDialog, "exec", fill)
    (view.approve_button if approve else view.reject_button).click()
    assert view.wait_idle(WAIT)


def select_batch(view: SubmissionView, batch_id: int) -> None:
    row = next(r for r, b in enumerate(view.batches) if b.id == batch_id)
    view.list.selectRow(row)
    assert view.wait_idle(WAIT)
    assert view.batch is not None and view.batch.id == batch_id


def table_texts(table) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def stored(db, batch_id: int) -> SubmissionBatch:
    with db.sessions() as s:
        return s.get(SubmissionBatch, batch_id)


def test_the_page_is_there_for_builders_and_approvers(qtbot, world):
    spec = next(p for p in PAGES if p.key == KEY_SUBMISSION)
    assert spec.label == "Pengajuan"
    assert spec.allowed(world.operator) and spec.allowed(world.supervisor) and not spec.allowed(world.pencetak)
    window = MainWindow(AppContext(world.db, world.operator))
    qtbot.addWidget(window)
    assert window.show_page(KEY_SUBMISSION)
    assert isinstance(window.page(KEY_SUBMISSION), SubmissionView)


def test_operator_builds_and_submits_another_supervisor_approves_export_and_results(qtbot, world, monkeypatch,
                                                                                     tmp_path, recorder, _quiet):
    db = world.db
    recorder.on = True
    op = open_page(qtbot, db, world.operator)
    assert "Belum ada batch" in op.list_count.text()
    assert not op.approve_button.isVisible()  # an operator never approves
    create_in_gui(op, monkeypatch)
    b = op.batch
    assert b is not None and b.status == "draft" and b.created_by == world.operator.username
    assert "dibuat" in op.error.text() and f"#{b.id}" in op.error.text()
    # The rows that went in, and the families left out with their reasons.
    names = [op.rows_model.row_at(r).nama for r in range(op.rows_model.rowCount())]
    assert "ANI" in names and "FAJAR" in names and "BUDI" not in names and "HADI" not in names
    assert op.tabs.tabText(1) == f"Baris ({b.rows})"
    excluded = {row[1]: row[3] for row in table_texts(op.excluded_table)}
    assert "NIK tidak padan" in excluded["BUDI"]
    assert "Alamat tidak lengkap" in excluded["CITRA"]
    assert "Berita acara" in excluded["HADI"]
    assert op.tabs.currentIndex() == 2 and op.tabs.tabText(2) == f"Dikecualikan ({len(excluded)})"
    assert "nik tidak padan" in op.excluded_note.text().lower()
    # NIKs stay masked on the page.
    assert all("*" in (op.rows_model.row_at(r).nik_masked or "*") for r in range(op.rows_model.rowCount()))

    assert op.submit_button.isEnabled() and not op.export_button.isEnabled()
    op.submit_button.click()
    assert op.wait_idle(WAIT)
    assert op.batch.status == "diajukan" and not op.submit_button.isEnabled(), op.error.text()
    assert f"Status keluarga: {op.batch.rows} ke Diajukan." in op.error.text()  # one family per person here
    assert op.four_eyes.isVisible() and "Menunggu persetujuan supervisor" in op.four_eyes.text()

    # Another user, a supervisor, reviews: totals per desa and kind, the exclusions, a sample.
    sup = open_page(qtbot, db, world.supervisor)
    select_batch(sup, b.id)
    totals = table_texts(sup.totals_table)
    assert any("Usulan baru" in row[2] for row in totals)
    assert sum(int(row[3]) for row in totals) == b.rows
    assert "Belum ada batch PKH sebelumnya" in sup.diff_label.text()
    assert sup.sample_table.rowCount() == min(b.rows, 20)
    assert sup.approve_button.isEnabled() and sup.reject_button.isEnabled() and not sup.four_eyes.isVisible()
    decide_in_gui(sup, monkeypatch, True, "Sudah diperiksa")
    assert sup.batch.status == "disetujui" and sup.batch.frozen and len(sup.batch.sha256) == 64
    assert sup.batch.decided_by == world.supervisor.username
    assert "SHA-256" in sup.meta.text() and "Sudah diperiksa" in sup.meta.text()
    assert not sup.approve_button.isEnabled()

    # Back on the operator's PC: the change arrives on refresh; export to a folder in a job.
    op.refresh()
    assert op.wait_idle(WAIT)
    assert op.batch.status == "disetujui" and op.export_button.isEnabled()
    outdir = tmp_path / "kirim"
    outdir.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(outdir))
    op.export_button.click()
    assert op.wait_idle(WAIT)
    res = op.last_export
    assert res is not None, op.error.text()
    assert res.files and all(p.exists() and p.parent == outdir for p in res.files)
    assert any(p.suffix == ".xlsx" for p in res.files) and any(p.suffix == ".pdf" for p in res.files)
    with recorder.paused():
        assert op.batch.status == "dikirim" and stored(db, b.id).status == "dikirim"
    assert "diekspor" in op.error.text()
    assert op.results_button.isEnabled()

    # The results from Kemensos: ANI ditetapkan, FAJAR ditolak; the batch moves to hasil_diterima.
    hasil = tmp_path / "hasil_pkh.csv"
    hasil.write_text("NIK,ID DTKS,Hasil,Alasan\n"
                     f"{PEOPLE['ANI'][2]},,Ditetapkan,\n"
                     ",B1,ditolak,sudah menerima bansos lain\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(hasil), ""))
    op.results_button.click()
    assert op.wait_idle(WAIT)
    r = op.last_results
    assert r is not None, op.error.text()
    assert (r.ditetapkan, r.ditolak, r.rejected) == (1, 1, 0)
    assert "1 ditetapkan, 1 ditolak" in op.error.text()
    assert "ditetapkan" in op.results_report and op.results_report.count("\n") == 2  # two desa
    assert any("Hasil diimpor" in t for t in _quiet)
    assert op.batch.status == "hasil_diterima" and not op.results_button.isEnabled()
    with recorder.paused():
        assert stored(db, b.id).status == "hasil_diterima"
    recorder.on = False
    assert not recorder.on_gui and recorder.off_gui > 0, recorder.on_gui[:3]

    with db.sessions() as s:
        actions = [(a, u) for a, u in s.execute(select(AuditEvent.action, AuditEvent.username)
                                                .where(AuditEvent.action.like("batch.%")).order_by(AuditEvent.id))]
    # The audit log shows every step and who did it.
    op_name, sup_name = world.operator.username, world.supervisor.username
    for step in (("batch.create", op_name), ("batch.submit", op_name), ("batch.approve", sup_name),
                 ("batch.export", op_name), ("batch.results.import", op_name)):
        assert step in actions, (step, actions)


def test_a_supervisor_who_built_a_batch_cannot_approve_it_and_a_rejection_returns_it(qtbot, world, monkeypatch):
    db = world.db
    sup = open_page(qtbot, db, world.supervisor)
    create_in_gui(sup, monkeypatch)
    b = sup.batch
    sup.submit_button.click()
    assert sup.wait_idle(WAIT)
    # Four eyes: the page says so and the buttons are off ...
    assert sup.batch.status == "diajukan"
    assert sup.four_eyes.isVisible() and "supervisor lain" in sup.four_eyes.text()
    assert not sup.approve_button.isEnabled() and "empat mata" in sup.approve_button.toolTip()
    # ... and should the approval be started anyway (a stale screen), the service refuses it.
    monkeypatch.setattr(DecisionDialog, "exec", lambda dlg: QDialog.DialogCode.Accepted)
    sup.decide(True)
    assert sup.wait_idle(WAIT)
    assert sup.error.isVisible() and "sendiri" in sup.error.text().lower(), sup.error.text()
    assert stored(db, b.id).status == "diajukan" and sup.batch.status == "diajukan"
    with db.sessions() as s:
        refusals = s.execute(select(AuditEvent.username).where(AuditEvent.action == "batch.four_eyes")).scalars().all()
    assert refusals == [world.supervisor.username]

    # The second supervisor rejects it with a note; the builder sees the note and puts it back to draft.
    sup2 = open_page(qtbot, db, world.supervisor2)
    select_batch(sup2, b.id)
    decide_in_gui(sup2, monkeypatch, False, "Alamat CITRA belum lengkap, lengkapi dulu")
    assert sup2.batch.status == "ditolak"
    sup.refresh()
    assert sup.wait_idle(WAIT)
    assert sup.batch.status == "ditolak" and "Alamat CITRA belum lengkap" in sup.meta.text()
    assert sup.redraft_button.isVisible() and not sup.submit_button.isEnabled()
    sup.redraft_button.click()
    assert sup.wait_idle(WAIT)
    assert sup.batch.status == "draft" and sup.submit_button.isEnabled()


def test_status_filter_and_reject_needs_a_note(qtbot, world, monkeypatch):
    db = world.db
    op = open_page(qtbot, db, world.operator)
    create_in_gui(op, monkeypatch)
    op.status_filter.setCurrentIndex(op.status_filter.findData("diajukan"))
    assert op.wait_idle(WAIT)
    assert op.batches == [] and "dengan saringan ini" in op.list_count.text()
    op.status_filter.setCurrentIndex(op.status_filter.findData("draft"))
    assert op.wait_idle(WAIT)
    assert len(op.batches) == 1
    select_batch(op, op.batches[0].id)
    # A draft's row can be taken out, with a reason (audited).
    before = op.batch.rows
    op.tabs.setCurrentIndex(1)
    assert op.remove_row_button.isVisible() and not op.remove_row_button.isEnabled()  # nothing selected
    r = next(i for i in range(op.rows_model.rowCount()) if op.rows_model.row_at(i).nama == "FAJAR")
    op.rows_table.selectRow(r)
    assert op.remove_row_button.isEnabled()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("pindah ke luar kabupaten", True))
    op.remove_row_button.click()
    assert op.wait_idle(WAIT)
    assert op.batch.rows == before - 1 and op.rows_model.total == before - 1, op.error.text()
    assert "FAJAR" not in [op.rows_model.row_at(i).nama for i in range(op.rows_model.rowCount())]
    with db.sessions() as s:
        assert s.execute(select(AuditEvent.reason).where(AuditEvent.action == "batch.row.remove")).scalar_one() \
            == "pindah ke luar kabupaten"
    first = op.batch
    # A second PKH batch over the same scope: the others are already in the open first batch.
    create_in_gui(op, monkeypatch)
    second = op.batch
    # FAJAR, taken out of the first batch, is the only one not in an open batch any more.
    assert second.id != first.id and second.rows == 1
    assert [second_row.nama for second_row in op.rows_model.rows()] == ["FAJAR"]
    assert {row[3] for row in table_texts(op.excluded_table)} >= {
        "Sudah ada di batch lain yang masih terbuka untuk program yang sama"}
    assert f"Dibanding batch #{first.id}" in op.diff_label.text()
    assert "<b>1</b> orang baru di batch ini" in op.diff_label.text()
    assert f"<b>{first.rows}</b> orang batch #{first.id} tidak ada di batch ini" in op.diff_label.text()
    dlg = DecisionDialog(False, "Batch #1")
    qtbot.addWidget(dlg)
    assert not dlg.ok_button.isEnabled()
    dlg.note.setPlainText("kurang")
    assert not dlg.ok_button.isEnabled() and "minimal" in dlg.count.text()
    dlg.note.setPlainText("Lengkapi alamat dulu")
    assert dlg.ok_button.isEnabled()


def test_a_row_changed_behind_the_apps_back_stops_the_export_with_a_message(qtbot, world, monkeypatch, tmp_path):
    from sqlalchemy import text

    from dtks_desktop.services.submission import approval, batches

    db = world.db
    with db.transaction() as s:
        bid = batches.create_batch(s, world.operator, "kemensos", "PKH", "usulan_baru").id
        approval.submit(s, world.operator, bid)
    with db.transaction() as s:
        approval.approve(s, world.supervisor, bid)
    op = open_page(qtbot, db, world.operator)
    select_batch(op, bid)
    assert op.batch.status == "disetujui" and op.export_button.isEnabled()
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE submission_batch_rows SET nik = '3310010101909999' "
                          "WHERE id = (SELECT MIN(id) FROM submission_batch_rows WHERE batch_id = :b)"), {"b": bid})
    out = tmp_path / "keluar"
    out.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(out))
    op.export_button.click()
    assert op.wait_idle(WAIT)
    assert op.last_export is None and list(out.iterdir()) == []
    assert "berubah sejak disetujui" in op.error.text() and "Traceback" not in op.error.text()
    assert op.batch.status == "disetujui"
