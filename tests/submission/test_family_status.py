"""Family and member statuses follow the stages: verification → Musdes final → batch submitted →
approved → exported → results, each move with its status history row and audit event; reject and
return to draft restore the Musdes outcome; a family in two open batches; a finding on a family
awaiting a decision; the Data view and the CLI show the new status.

Uses the Musdes tests' desa (three registered families with findings and a proposed family)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from dtks_desktop.db.models import AuditEvent, Household, Member, StatusHistory
from dtks_desktop.domain.status import Role
from dtks_desktop.domain.workflow import TransitionError
from dtks_desktop.domain.workflow.registry import HOUSEHOLD, MEMBER, MEMBER_BY_RESULT, musdes_outcome, result_outcome
from dtks_desktop.services.core import browse
from dtks_desktop.services.musdes import meetings, printing
from dtks_desktop.services.submission import approval, batches, outputs, results
from dtks_desktop.services.verification import findings
from tests.musdes.conftest import DESA, KELURAHAN, VISIT, household_of, ids, world  # noqa: F401

NAYLA_NIK = "3310015003100001"  # a new member found in family 3, in the civil registry
NIK = {"V1": "3310011205700001", "V4": "3310013108610001"}


def fam(db) -> dict[str, int]:
    """family 1 (V1 SLAMET, V2, V3), family 2 (V4 HARTONO), family 3 (V5 RATNA, NAYLA)."""
    return {"f1": household_of(db, "V1"), "f2": household_of(db, "V4"), "f3": household_of(db, "V5")}


def status(db) -> dict[str, str]:
    f = fam(db)
    with db.sessions() as s:
        return {k: s.get(Household, hid).status for k, hid in f.items()}


def history(db, hid: int) -> list[tuple[str | None, str]]:
    with db.sessions() as s:
        return [(h.from_status, h.to_status) for h in s.execute(
            select(StatusHistory).where(StatusHistory.entity_type == "household", StatusHistory.entity_id == hid)
            .order_by(StatusHistory.id)).scalars()]


def member_status(db, id_dtks: str) -> str:
    with db.sessions() as s:
        return s.execute(select(Member.status).where(Member.id_dtks == id_dtks)).scalar_one()


def newcomer(db, actor) -> None:
    """Family 3 is found with a new member whose NIK is in the civil registry (→ usulan baru)."""
    m = ids(db)
    with db.transaction() as s:
        findings.save_family(s, actor, findings.FamilyEntry(
            household_of(db, "V5"), "layak", tanggal_kunjungan=VISIT, petugas="Siti Aminah",
            members=[findings.MemberEntry(m["V5"], "ada"),
                     findings.MemberEntry(None, "anggota baru", koreksi_nama="NAYLA PUTRI", koreksi_nik=NAYLA_NIK)]))


def finalized(db, admin, tmp_path, day=date(2026, 12, 4)):
    with db.transaction() as s:
        m = meetings.create_meeting(s, admin, DESA, day, "09:00", "Balai Desa")
    printing.print_desa(db, admin, DESA, tmp_path / f"ba{m.id}.pdf")
    with db.transaction() as s:
        return meetings.finalize(s, admin, DESA, date(2026, 12, 5))


def build(db, actor, kind: str, programme: str = "PKH") -> int:
    with db.transaction() as s:
        return batches.create_batch(s, actor, "kemensos", programme, kind, desa=DESA).id


def submit(db, actor, bid: int):
    with db.transaction() as s:
        return approval.submit(s, actor, bid)


def sent(db, operator, supervisor, bid: int, tmp_path) -> None:
    with db.transaction() as s:
        approval.approve(s, supervisor, bid)
    outputs.export_batch(db, operator, bid, tmp_path / f"out{bid}")


def result_file(tmp_path, name: str, lines: list[str]):
    f = tmp_path / name
    f.write_text("NIK;Hasil;Alasan\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return f


def test_the_chain_from_verification_to_results(world, admin, operator, supervisor, tmp_path):  # noqa: F811
    db = world
    f = fam(db)
    # 1. verification (the fixture saved the findings): kelayakan layak / mampu
    newcomer(db, operator)
    assert status(db) == {"f1": "layak", "f2": "tidak_layak", "f3": "layak"}
    with db.sessions() as s:
        other = s.execute(select(Household.status).join(Member).where(Member.id_dtks == "K1")).scalar_one()
        h = s.execute(select(StatusHistory).where(StatusHistory.entity_type == "household",
                                                  StatusHistory.entity_id == f["f2"])).scalar_one()
    assert other == "terdaftar"  # not visited
    assert (h.from_status, h.to_status, h.user_id) == ("terdaftar", "tidak_layak", admin.id)
    assert "verifikasi lapangan putaran 2026-12" in h.reason and "Mampu" in h.reason

    # 2. the Musdes becomes final: removal of all members / a new member proposed / the rest tetap
    view = finalized(db, admin, tmp_path)
    assert status(db) == {"f1": "tetap", "f2": "usul_hapus", "f3": "usul_masuk"}
    assert any("Tetap (Musdes)" in line for line in view.family_status), view.family_status

    # 3. batches from the final decisions; drafts move nothing
    hapus = build(db, operator, "hapus")
    baru = build(db, operator, "usulan_baru")
    assert status(db) == {"f1": "tetap", "f2": "usul_hapus", "f3": "usul_masuk"}
    v = submit(db, operator, hapus)
    assert any("2 ke Diajukan" in line for line in v.family_status), v.family_status
    submit(db, operator, baru)  # family 3 (NAYLA); the proposed family WARSITO has no registry status
    assert status(db) == {"f1": "diajukan", "f2": "diajukan", "f3": "diajukan"}

    # 4. approval and export leave them diajukan: the decision is made above
    sent(db, operator, supervisor, hapus, tmp_path)
    sent(db, operator, supervisor, baru, tmp_path)
    assert status(db) == {"f1": "diajukan", "f2": "diajukan", "f3": "diajukan"}

    # 5. results: removals accepted (V1 of family 1; V4, the whole family 2), NAYLA accepted
    res = results.import_results(db, operator, hapus, result_file(
        tmp_path, "hapus.csv", [f"{NIK['V1']};ditetapkan;", f"{NIK['V4']};ditetapkan;"]))
    assert res.warnings == 0 and res.family_status["moved"] == {"dihapus": 1, "disetujui": 1}, res.problems
    assert res.family_status["members_moved"] == 2
    res = results.import_results(db, operator, baru, result_file(
        tmp_path, "baru.csv", [f"{NAYLA_NIK};ditetapkan;", "3310010101900002;ditolak;bukan prioritas"]))
    assert res.warnings == 0 and res.family_status["moved"] == {"disetujui": 1}, res.problems
    assert status(db) == {"f1": "disetujui", "f2": "dihapus", "f3": "disetujui"}
    assert (member_status(db, "V1"), member_status(db, "V2"), member_status(db, "V4")) == ("dihapus", "aktif", "dihapus")

    # every step is in the history, with who and why, and in the audit log
    assert history(db, f["f1"]) == [("terdaftar", "layak"), ("layak", "tetap"), ("tetap", "diajukan"),
                                    ("diajukan", "disetujui")]
    assert history(db, f["f2"]) == [("terdaftar", "tidak_layak"), ("tidak_layak", "usul_hapus"),
                                    ("usul_hapus", "diajukan"), ("diajukan", "dihapus")]
    assert history(db, f["f3"]) == [("terdaftar", "layak"), ("layak", "usul_masuk"), ("usul_masuk", "diajukan"),
                                    ("diajukan", "disetujui")]
    with db.sessions() as s:
        rows = s.execute(select(StatusHistory).where(StatusHistory.entity_type == "household")).scalars().all()
        assert all(r.reason and r.user_id for r in rows)
        by_reason = {(r.entity_id, r.to_status): r.reason for r in rows}
        assert f"musyawarah #{view.id}" in by_reason[(f["f2"], "usul_hapus")]
        assert f"batch #{hapus}" in by_reason[(f["f2"], "diajukan")]
        assert f"batch #{hapus}" in by_reason[(f["f2"], "dihapus")] and "hapus ditetapkan" in by_reason[(f["f2"], "dihapus")]
        who = dict(s.execute(select(StatusHistory.to_status, StatusHistory.user_id)
                             .where(StatusHistory.entity_type == "household", StatusHistory.entity_id == f["f1"])).all())
        assert who == {"layak": admin.id, "tetap": admin.id, "diajukan": operator.id, "disetujui": operator.id}
        events = s.execute(select(func.count()).select_from(AuditEvent)
                           .where(AuditEvent.action == "household.status")).scalar_one()
        assert events == len(rows) == 12
        member_rows = s.execute(select(StatusHistory.to_status).where(StatusHistory.entity_type == "member")).all()
        assert len(member_rows) == 2
        # the family detail (Data view, document letters) shows the label
        assert browse.family_detail(s, f["f2"]).status_label == "Dihapus"
        assert browse.family_detail(s, f["f1"]).status_label == "Disetujui"


def test_reject_and_return_to_draft_restore_the_musdes_outcome(world, admin, operator, supervisor,  # noqa: F811
                                                                 tmp_path):
    db = world
    finalized(db, admin, tmp_path)
    bid = build(db, operator, "hapus")
    submit(db, operator, bid)
    assert status(db)["f1"] == status(db)["f2"] == "diajukan"
    with db.transaction() as s:
        v = approval.reject(s, supervisor, bid, "Alasan hapus Hartono belum lengkap")
    assert (status(db)["f1"], status(db)["f2"]) == ("tetap", "usul_hapus")
    assert any("1 ke Tetap (Musdes)" in line and "1 ke Usul hapus (Musdes)" in line for line in v.family_status)
    with db.sessions() as s:
        why = s.execute(select(StatusHistory.reason).where(StatusHistory.entity_type == "household",
                                                           StatusHistory.entity_id == fam(db)["f2"])
                        .order_by(StatusHistory.id.desc()).limit(1)).scalar_one()
    assert f"Batch #{bid} ditolak" in why and "Alasan hapus Hartono" in why and "musyawarah #" in why
    with db.transaction() as s:
        v = approval.return_to_draft(s, operator, bid)
    assert v.family_status == ()  # nothing left to restore
    submit(db, operator, bid)
    assert status(db)["f2"] == "diajukan"
    assert history(db, fam(db)["f2"])[-3:] == [("usul_hapus", "diajukan"), ("diajukan", "usul_hapus"),
                                              ("usul_hapus", "diajukan")]


def test_a_family_in_two_open_batches_of_different_programmes(world, admin, operator, supervisor,  # noqa: F811
                                                             tmp_path):
    db = world
    finalized(db, admin, tmp_path)
    pkh, bpnt = build(db, operator, "hapus", "PKH"), build(db, operator, "hapus", "BPNT")
    submit(db, operator, pkh)
    v = submit(db, operator, bpnt)
    assert v.family_status == ()  # already diajukan: no second move
    with db.transaction() as s:
        v = approval.reject(s, supervisor, pkh, "Cek ulang data kematian")
    assert status(db)["f1"] == status(db)["f2"] == "diajukan"  # still awaiting BPNT
    assert any(f"batch pengajuan #{bpnt}" in line for line in v.family_status), v.family_status
    with db.transaction() as s:
        approval.return_to_draft(s, operator, pkh)
    submit(db, operator, pkh)
    # both sent; PKH answers first: the families wait for BPNT, without warnings
    sent(db, operator, supervisor, pkh, tmp_path)
    sent(db, operator, supervisor, bpnt, tmp_path)
    res = results.import_results(db, operator, pkh, result_file(
        tmp_path, "pkh.csv", [f"{NIK['V1']};ditetapkan;", f"{NIK['V4']};ditolak;masih tinggal di desa"]))
    assert res.warnings == 0 and res.family_status["moved"] == {} and res.family_status["kept"] == 2
    assert status(db)["f1"] == status(db)["f2"] == "diajukan"
    assert member_status(db, "V1") == "dihapus"
    res = results.import_results(db, operator, bpnt, result_file(
        tmp_path, "bpnt.csv", [f"{NIK['V1']};ditolak;", f"{NIK['V4']};ditetapkan;"]))
    # family 1: a removal accepted while it waited (PKH) → disetujui; family 2: removal accepted, nobody left
    assert (status(db)["f1"], status(db)["f2"]) == ("disetujui", "dihapus")
    assert res.family_status["moved"] == {"dihapus": 1, "disetujui": 1}
    assert [p.message for p in res.problems if p.level == "warning"] == \
        [f'Berkas "bpnt.csv", baris 2: SLAMET RIYADI ditolak tanpa alasan.']


def test_a_finding_on_a_family_awaiting_a_decision_keeps_its_status(world, admin, operator,  # noqa: F811
                                                                    tmp_path):
    db = world
    finalized(db, admin, tmp_path)
    bid = build(db, operator, "hapus")
    submit(db, operator, bid)
    m = ids(db)
    with db.transaction() as s:
        res = findings.save_family(s, operator, findings.FamilyEntry(
            household_of(db, "V4"), "layak", tanggal_kunjungan=VISIT, members=[findings.MemberEntry(m["V4"], "ada")]))
    assert res.replaced and not res.status_moved and res.status == "diajukan"
    assert f"batch pengajuan #{bid}" in res.status_note and "hasil verifikasi tetap disimpan" in res.status_note
    assert status(db)["f2"] == "diajukan"
    with db.sessions() as s:
        ev = s.execute(select(AuditEvent.new_value).where(AuditEvent.action == "verify.finding")
                       .order_by(AuditEvent.id.desc()).limit(1)).scalar_one()
    assert '"status_keluarga": "diajukan"' in ev
    # once the batch is rejected the family is back at its meeting's outcome (the finding waits for the next one)
    with db.transaction() as s:
        approval.reject(s, admin, bid, "Menunggu musyawarah ulang")
    assert status(db)["f2"] == "usul_hapus"


def test_a_new_final_meeting_reports_a_family_awaiting_a_decision(world, admin, operator, tmp_path):  # noqa: F811
    db = world
    finalized(db, admin, tmp_path)
    submit(db, operator, build(db, operator, "hapus"))
    view = finalized(db, admin, tmp_path, day=date(2026, 12, 5))  # replaces the final meeting
    assert status(db) == {"f1": "diajukan", "f2": "diajukan", "f3": "tetap"}
    text = "\n".join(view.family_status)
    assert "2 keluarga tetap pada statusnya" in text and "menunggu keputusan" in text, text


def test_sheet_import_moves_statuses_in_its_transaction(world, admin, operator, tmp_path):  # noqa: F811
    """A worksheet back: its families move by kelayakan; one awaiting a decision gets a warning on its row."""
    import openpyxl

    from dtks_desktop.services.verification import sheet_import, worksheets

    db = world
    finalized(db, admin, tmp_path)
    submit(db, operator, build(db, operator, "hapus"))  # families 1 and 2 diajukan
    out = tmp_path / "lk.xlsx"
    with db.transaction() as s:
        worksheets.write_worksheet_xlsx(s, operator, DESA, out)
    wb = openpyxl.load_workbook(out)
    ws = wb["Lembar kerja"]
    cols = {ws.cell(7, c).value: c for c in range(1, ws.max_column + 1)}
    for r in range(8, ws.max_row + 1):
        if ws.cell(r, cols["ID DTKS"]).value:
            ws.cell(r, cols["Keberadaan"]).value = "ada"
            ws.cell(r, cols["Kelayakan"]).value = "tidak layak"
    wb.save(out)
    res = sheet_import.import_findings(db, operator, out)
    assert res.ok and res.imported == 3, res.summary_text()
    assert status(db) == {"f1": "diajukan", "f2": "diajukan", "f3": "tidak_layak"}
    assert res.status_moved == {"tidak_layak": 1}
    kept = [p for p in res.problems if p.code == "status_keluarga_tetap"]
    assert len(kept) == 2 and all(p.severity == "warning" and "menunggu keputusan" in p.message for p in kept)
    assert all(p.column and "Kelayakan" in p.column for p in kept)
    assert "1 ke Tidak layak" in res.summary_text()


# --- the machine's rules ------------------------------------------------------------------------------

@pytest.mark.parametrize("household, rows, expected", [
    ("tidak_layak", [(1, "hapus"), (2, "hapus")], "usul_hapus"),
    ("layak", [(1, "hapus"), (2, "tetap")], "tetap"),
    ("layak", [(1, "tetap"), (None, "usulan_baru")], "usul_masuk"),
    ("terdaftar", [(1, "hapus"), (None, "usulan_baru")], "usul_masuk"),  # a new member keeps the family
    ("usulan_baru", [(1, "tetap")], "usul_masuk"),
    ("terdaftar", [(1, "perbaikan_data")], "tetap"),
    ("terdaftar", [], None),
])
def test_musdes_outcome(household, rows, expected):
    assert musdes_outcome(household, rows) == expected


@pytest.mark.parametrize("rows, left, expected", [
    ([("hapus", True)], 0, "dihapus"),
    ([("hapus", True)], 2, "disetujui"),
    ([("hapus", False)], 1, "ditolak"),
    ([("usulan_baru", True), ("usulan_baru", False)], 3, "disetujui"),
    ([("perbaikan_data", False)], 1, "ditolak"),
])
def test_result_outcome(rows, left, expected):
    assert result_outcome(rows, left) == expected


def test_recording_results_is_a_clerks_act_removal_by_hand_stays_a_supervisors():
    for to in ("disetujui", "ditolak", "dihapus"):
        assert HOUSEHOLD.check("diajukan", to, Role.OPERATOR, "Hasil batch #1").to_status == to
    with pytest.raises(TransitionError, match="Alasan"):
        HOUSEHOLD.check("diajukan", "disetujui", Role.OPERATOR, "")
    with pytest.raises(TransitionError, match="tidak diperbolehkan"):
        HOUSEHOLD.check("dihapus", "layak", Role.ADMIN, "x")
    with pytest.raises(TransitionError, match="tidak diperbolehkan"):
        HOUSEHOLD.check("diajukan", "layak", Role.ADMIN, "x")
    with pytest.raises(TransitionError):
        MEMBER.check("aktif", "dihapus", Role.OPERATOR, "x")
    assert MEMBER_BY_RESULT.check("aktif", "dihapus", Role.OPERATOR, "Hasil batch #1").to_status == "dihapus"
    with pytest.raises(TransitionError):
        MEMBER_BY_RESULT.check("aktif", "dihapus", Role.PENCETAK, "Hasil batch #1")
