"""Matching service on the real database (SQLite, and PostgreSQL with DTKS_TEST_DATABASE_URL)."""

from __future__ import annotations

import csv
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from dtks_desktop.domain.permissions import PermissionDenied
from dtks_desktop.domain.workflow import TransitionError
from dtks_desktop.db.models import AuditEvent, IdentityHistory, MatchResult, MatchRun, Member
from dtks_desktop.services.core.common import Cancelled
from dtks_desktop.services.matching import common as match_common
from dtks_desktop.services.matching import decisions as match_decisions
from dtks_desktop.services.matching import export as match_export
from dtks_desktop.services.matching import review as match_review
from dtks_desktop.services.matching import run as match_run
from dtks_desktop.services.core.registry import update_member
from dtks_desktop.services.core.users import create_user

from .conftest import EXPECTED, load_civil, load_registry


def statuses(db) -> dict[int, str]:
    with db.sessions() as s:
        return dict(s.execute(select(MatchResult.member_id, MatchResult.status)).all())


def test_run_statuses_and_run_row(loaded, admin):
    summary = match_run.run_matching(loaded, admin)
    assert statuses(loaded) == EXPECTED
    assert summary.members_matched == 9 and summary.skipped_unchanged == 0
    assert summary.counts["padan"] == 3 and summary.counts["ganda"] == 1
    with loaded.sessions() as s:
        run = s.get(MatchRun, summary.run_id)
        assert run.members_matched == 9 and json.loads(run.counts_json)["usulan_koreksi"] == 2
        r4 = s.execute(select(MatchResult).where(MatchResult.member_id == 4)).scalar_one()
        assert r4.nik_matched == "3310011005050001" and r4.priority == 2
        r5 = s.execute(select(MatchResult).where(MatchResult.member_id == 5)).scalar_one()
        assert r5.nik_matched == "3310015003100001" and r5.priority == 0
        r8 = s.execute(select(MatchResult).where(MatchResult.member_id == 8)).scalar_one()
        assert r8.ganda_of_member_id == 1 and r8.nik_matched == "3310011508680001"
        r7 = s.execute(select(MatchResult).where(MatchResult.member_id == 7)).scalar_one()
        assert r7.nik_matched is None and "Tidak ditemukan" in json.loads(r7.reasons)["ringkasan"]
        r2 = s.execute(select(MatchResult).where(MatchResult.member_id == 2)).scalar_one()
        notes = [b["cat"] for b in json.loads(r2.reasons)["bidang"]]
        assert "Nama: beda gelar (H. AHMAD SUDIRMAN ↔ AHMAD SUDIRMAN)" in notes


def test_no_civil_registry_data(db, admin):
    load_registry(db)
    with pytest.raises(match_common.MatchingError, match="Belum ada data Dukcapil"):
        match_run.run_matching(db, admin)


def test_no_registry_members(db, admin):
    load_civil(db)
    with pytest.raises(match_common.MatchingError, match="Belum ada data DTKS"):
        match_run.run_matching(db, admin)


def test_incremental_rerun_skips_unchanged_and_keeps_decisions(loaded, admin):
    match_run.run_matching(loaded, admin)
    again = match_run.run_matching(loaded, admin)
    assert again.members_matched == 0 and again.skipped_unchanged == 9
    match_decisions.decide(loaded, admin, 7, "tolak", reason="Bukan warga Dukcapil ini")
    with loaded.transaction() as s:
        update_member(s, admin, 1, {"nama": "SUPARMI BINTI SLAMET"})
    third = match_run.run_matching(loaded, admin)
    assert third.members_matched == 1 and third.skipped_decided == 1 and third.skipped_unchanged == 7
    full = match_run.run_matching(loaded, admin, full=True)
    assert full.members_matched == 8 and full.skipped_decided == 1
    with loaded.sessions() as s:
        r7 = s.execute(select(MatchResult).where(MatchResult.member_id == 7)).scalar_one()
        assert r7.decision == "ditolak" and r7.run_id != full.run_id


def test_new_snapshot_rematches_everything_but_decided(loaded, admin):
    match_run.run_matching(loaded, admin)
    match_decisions.decide(loaded, admin, 5, "terima")
    load_civil(loaded, file_name="dukcapil_baru.csv")  # another batch: results were made against the old one
    with loaded.transaction() as s:
        s.execute(MatchResult.__table__.select().limit(1))
        from dtks_desktop.db.models import DukcapilPerson

        old = s.execute(select(func.min(DukcapilPerson.batch_id))).scalar_one()
        s.execute(DukcapilPerson.__table__.delete().where(DukcapilPerson.batch_id == old))
    summary = match_run.run_matching(loaded, admin)
    assert summary.members_matched == 8 and summary.skipped_decided == 1
    assert statuses(loaded)[8] == "ganda"


def test_ganda_follows_the_keeper(loaded, admin):
    match_run.run_matching(loaded, admin)
    with loaded.transaction() as s:  # the first row now belongs to somebody else entirely
        update_member(s, admin, 1, {"nama": "RATMINI", "tanggal_lahir": date(1931, 1, 1), "nik": None})
    summary = match_run.run_matching(loaded, admin)
    st = statuses(loaded)
    assert summary.members_matched == 1 and summary.ganda_updated == 1
    assert st[8] == "padan" and st[1] != "ganda"


def _count_cancel_checks(db, admin) -> int:
    calls = {"n": 0}

    def count():
        calls["n"] += 1
        return False

    match_run.run_matching(db, admin, full=True, cancel=count)
    return calls["n"]


@pytest.mark.parametrize("when", [1, 5, 12, -1])
def test_cancel_writes_nothing(loaded, admin, when):
    match_run.run_matching(loaded, admin)
    if when == -1:  # the very last check: inside the write transaction, just before the commit
        when = _count_cancel_checks(loaded, admin)
    with loaded.transaction() as s:
        update_member(s, admin, 3, {"nama": "BAGUS PRASETYA"})
    with loaded.sessions() as s:
        before = s.execute(select(MatchResult.member_id, MatchResult.status, MatchResult.run_id,
                                  MatchResult.fingerprint).order_by(MatchResult.member_id)).all()
        runs = s.execute(select(func.count()).select_from(MatchRun)).scalar_one()
    calls = {"n": 0}

    def cancel():
        calls["n"] += 1
        return calls["n"] >= when

    with pytest.raises(Cancelled):
        match_run.run_matching(loaded, admin, full=True, cancel=cancel)
    with loaded.sessions() as s:
        after = s.execute(select(MatchResult.member_id, MatchResult.status, MatchResult.run_id,
                                 MatchResult.fingerprint).order_by(MatchResult.member_id)).all()
        assert after == before
        assert s.execute(select(func.count()).select_from(MatchRun)).scalar_one() == runs


def test_interrupted_write_leaves_previous_results(loaded, admin, monkeypatch):
    match_run.run_matching(loaded, admin)
    with loaded.sessions() as s:
        before = s.execute(select(MatchResult.member_id, MatchResult.run_id).order_by(MatchResult.member_id)).all()
    real = match_run.bulk_insert

    def broken(bind, table, cols, rows):
        if table == "match_results":
            rows = list(rows)
            real(bind, table, cols, rows[:3])  # half of the rows are in...
            raise OSError("disk penuh")  # ...when the machine fails
        return real(bind, table, cols, rows)

    monkeypatch.setattr(match_run, "bulk_insert", broken)
    with pytest.raises(OSError):
        match_run.run_matching(loaded, admin, full=True)
    with loaded.sessions() as s:
        after = s.execute(select(MatchResult.member_id, MatchResult.run_id).order_by(MatchResult.member_id)).all()
    assert after == before


def test_civil_registry_with_duplicate_nik(db, admin):
    load_civil(db)
    from dtks_desktop.services.core.registry import FamilyRecord

    from .conftest import M

    load_registry(db, [FamilyRecord(no_kk="3310012710160006", desa_kode="33.10.01.2001", members=[
        M("KARTINI", "3310016405660001", date(1966, 5, 24), "P", ibu="SARMI")])])
    summary = match_run.run_matching(db, admin)
    assert any("NIK ganda" in n for n in summary.notes)
    item = match_review.review_item(db.sessions(), 1)
    assert item.status == "padan_catatan" and item.nik_matched == "3310016405660001"
    assert any("NIK ganda" in c for c in item.catatan)


# --- review ----------------------------------------------------------------------------------------

def test_queue_order_count_and_filters(loaded, admin):
    match_run.run_matching(loaded, admin)
    with loaded.sessions() as s:
        q = match_review.review_queue(s)
        assert [i.member_id for i in q] == [5, 6, 4, 8, 7]  # Excel first, other corrections, ...
        assert [i.priority for i in q] == [0, 1, 2, 3, 4]
        assert match_review.count_queue(s) == 5
        assert match_review.count_queue(s, status="padan_catatan") == 1
        assert [i.member_id for i in match_review.review_queue(s, status="usulan_koreksi")] == [5, 6]
        assert match_review.count_queue(s, desa="33.10.02") == 0 and match_review.count_queue(s, desa="33.10.01") == 5
        assert match_review.count_queue(s, desa="33.10.01.2001") == 5
        assert [i.member_id for i in match_review.review_queue(s, offset=1, limit=2)] == [6, 4]
        assert q[0].desa_nama and q[0].ringkasan.startswith("Diusulkan NIK 3310015003100001")


def test_review_item_side_by_side(loaded, admin):
    match_run.run_matching(loaded, admin)
    with loaded.sessions() as s:
        item = match_review.review_item(s, 4)
        assert item.status == "nik_orang_lain" and item.no_kk == "3310012710160004"
        chosen = [c for c in item.candidates if c.chosen]
        assert len(chosen) == 1 and chosen[0].nik == "3310011005050001" and chosen[0].nama == "DIMAS ARDIANSYAH"
        f = {x.field: x for x in chosen[0].fields}
        assert f["nama"].level == "sama" and not f["nama"].differs and f["nama"].note == "Nama: sama"
        assert f["nik"].differs and f["nik"].member_value == "3310012212000003"
        holder = [c for c in item.candidates if c.nik == "3310012212000003"]
        assert holder and {x.field: x for x in holder[0].fields}["nama"].level == "beda"
        padan = match_review.review_item(s, 1)
        assert padan.candidates[0].chosen and padan.candidates[0].fields[1].note == "Nama: sama"
        with pytest.raises(match_common.MatchingError):
            match_review.review_item(s, 999)


def test_decide_accept_correction_undo(loaded, admin):
    match_run.run_matching(loaded, admin)
    r = match_decisions.decide(loaded, admin, 5, "terima", reason="Cocok dengan KK")
    assert r.nik_before == "3310015003100000" and r.nik_after == "3310015003100001"
    with loaded.sessions() as s:
        m = s.get(Member, 5)
        assert m.nik == "3310015003100001" and m.nik_flags is None and m.nik_raw == "3310015003100000.0"
        hist = s.execute(select(IdentityHistory).where(IdentityHistory.member_id == 5)).scalars().all()
        assert [(h.old_value, h.new_value, h.source) for h in hist] == [
            ("3310015003100000", "3310015003100001", "koreksi_pemadanan")]
        actions = [a for a in s.execute(select(AuditEvent.action).where(AuditEvent.entity_id == 5)).scalars()]
        assert "member.update" in actions and "match.decide" in actions
        assert s.execute(select(MatchResult.decision).where(MatchResult.member_id == 5)).scalar_one() == "diterima"
        assert match_review.count_queue(s) == 4
    with pytest.raises(TransitionError, match="sudah diputuskan"):
        match_decisions.decide(loaded, admin, 5, "tolak")
    with loaded.transaction() as s:
        text = match_decisions.undo_last(s, admin)
    assert "dibatalkan" in text
    with loaded.sessions() as s:
        m = s.get(Member, 5)
        assert m.nik == "3310015003100000" and m.nik_flags == "nik_rusak_excel"
        assert s.execute(select(MatchResult.decision).where(MatchResult.member_id == 5)).scalar_one() is None
        assert s.execute(select(func.count()).select_from(IdentityHistory)).scalar_one() == 2
    with loaded.transaction() as s:
        assert match_decisions.undo_last(s, admin) is None  # nothing left to undo


def test_decide_reject_and_pick(loaded, admin, operator):
    match_run.run_matching(loaded, admin)
    match_decisions.decide(loaded, operator, 7, "tolak", reason="Penduduk luar daerah")
    with pytest.raises(match_common.MatchingError, match="tidak ada di data Dukcapil"):
        match_decisions.decide(loaded, operator, 4, "pilih", candidate_nik="3310019999999999")
    r = match_decisions.decide(loaded, operator, 4, "pilih", candidate_nik="3310011005050001")
    assert r.nik_after == "3310011005050001"
    with pytest.raises(match_common.MatchingError, match="Tindakan"):
        match_decisions.decide(loaded, operator, 6, "hapus")
    with loaded.transaction() as s:
        match_decisions.undo_last(s, operator)  # the pick
    with loaded.sessions() as s:
        assert s.get(Member, 4).nik == "3310012212000003"
        assert s.execute(select(MatchResult.decision).where(MatchResult.member_id == 7)).scalar_one() == "ditolak"


def test_decide_needs_a_deciding_role(loaded, admin):
    match_run.run_matching(loaded, admin)
    with loaded.transaction() as s:
        pencetak = create_user(s, "cetak1", "rahasia-pencetak", "pencetak", by=admin)
    with pytest.raises(PermissionDenied, match="Peran Anda .*tidak boleh memutuskan hasil pemadanan"):
        match_decisions.decide(loaded, pencetak, 5, "terima")


def test_bulk_accept_preview_accept_and_undo(loaded, admin):
    match_run.run_matching(loaded, admin)
    with loaded.sessions() as s:
        assert match_decisions.bulk_accept_preview(s, "usulan_koreksi", 10, actor=admin) == 2
        assert match_decisions.bulk_accept_preview(s, "usulan_koreksi", 1000, actor=admin) == 0
    with pytest.raises(match_common.MatchingError, match="Status tidak dikenal"):
        match_decisions.bulk_accept(loaded, admin, "bagus", 0)
    assert match_decisions.bulk_accept(loaded, admin, "usulan_koreksi", 10) == 2
    with loaded.sessions() as s:
        assert s.get(Member, 5).nik == "3310015003100001" and s.get(Member, 6).nik == "3310013108610001"
        assert s.get(Member, 5).version == 2
        assert s.execute(select(func.count()).select_from(IdentityHistory)).scalar_one() == 2
        n_audit = s.execute(select(func.count()).select_from(AuditEvent)
                            .where(AuditEvent.action == "member.update")).scalar_one()
        assert n_audit == 2
        assert match_review.count_queue(s) == 3
    assert match_decisions.bulk_accept(loaded, admin, "usulan_koreksi", 10) == 0
    with loaded.transaction() as s:
        assert "massal" in match_decisions.undo_last(s, admin)
    with loaded.sessions() as s:
        assert s.get(Member, 5).nik == "3310015003100000" and s.get(Member, 6).nik is None
        assert match_review.count_queue(s) == 5


def test_export_csv(loaded, admin, tmp_path):
    match_run.run_matching(loaded, admin)
    match_decisions.decide(loaded, admin, 4, "tolak")
    out = tmp_path / "hasil.csv"
    with loaded.sessions() as s:
        assert match_export.export_csv(s, out, actor=admin) == 9
    rows = list(csv.DictReader(open(out, encoding="utf-8-sig")))
    assert tuple(rows[0]) == match_export.EXPORT_COLUMNS
    by = {r["id_dtks"]: r for r in rows}
    assert by["D1"]["status"] == "padan" and by["D1"]["nik_matched"] == "3310011508680001"
    assert by["D5"]["nik_file"] == "3310015003100000.0" and by["D5"]["nik_matched"] == "3310015003100001"
    assert by["D7"]["nik_matched"] == "" and by["D4"]["nik_matched"] == ""  # rejected by the clerk
    assert float(by["D1"]["score"]) > 20 and "Excel" in by["D5"]["reasons"]
    assert not list(tmp_path.glob(".*part"))


def test_new_members_with_unchanged_ones_keep_all_results(loaded, admin):
    """More new members than existing results must not wipe the unchanged results."""
    from dtks_desktop.services.core.registry import FamilyRecord

    from .conftest import M

    match_run.run_matching(loaded, admin)
    many = [FamilyRecord(no_kk=f"33100127101699{i:02d}", desa_kode="33.10.01.2001", members=[
        M(f"WARGA BARU {chr(65 + i)}", None, date(1990, 1, 1 + i), id_dtks=f"N{i}")]) for i in range(12)]
    load_registry(loaded, many)
    summary = match_run.run_matching(loaded, admin)
    assert summary.members_matched == 12 and summary.skipped_unchanged == 9
    st = statuses(loaded)
    assert len(st) == 21 and {k: v for k, v in st.items() if k <= 9} == EXPECTED


def test_reopen_an_earlier_decision_not_only_the_last(loaded, admin, operator):
    """"Buka kembali": a clerk reverts a decision made several decisions ago; the NIK it changed
    goes back, the result waits in the queue again, and Ctrl+Z never reverts it a second time."""
    match_run.run_matching(loaded, admin)
    match_decisions.decide(loaded, operator, 5, "terima")  # NAYLA: NIK corrected
    match_decisions.decide(loaded, operator, 7, "tolak")
    match_decisions.decide(loaded, operator, 6, "terima")  # HARTONO: NIK filled in
    with loaded.sessions() as s:
        decided = [q.member_id for q in match_review.review_queue(s, status=match_common.DECIDED_FILTER)]
        assert sorted(decided) == [5, 6, 7] and match_review.count_queue(s, status=match_common.DECIDED_FILTER) == 3
        assert 5 not in [q.member_id for q in match_review.review_queue(s)]
    text = match_decisions.reopen(loaded, admin, 5, reason="Salah orang")
    assert "dibuka kembali" in text
    with loaded.sessions() as s:
        m = s.get(Member, 5)
        assert m.nik == "3310015003100000" and m.nik_flags == "nik_rusak_excel"
        res = s.execute(select(MatchResult).where(MatchResult.member_id == 5)).scalar_one()
        assert res.decision is None and res.status == "usulan_koreksi"
        assert 5 in [q.member_id for q in match_review.review_queue(s)]
        ev = s.execute(select(AuditEvent).where(AuditEvent.action == "match.reopen")).scalar_one()
        assert ev.username == "admin" and ev.reason == "Salah orang" and ev.entity_id == 5
    # the operator's Ctrl+Z: HARTONO, then the rejection of 7, then nothing (5 was already reopened)
    with loaded.transaction() as s:
        match_decisions.undo_last(s, operator)
        match_decisions.undo_last(s, operator)
        assert match_decisions.undo_last(s, operator) is None
    with loaded.sessions() as s:
        assert s.get(Member, 5).nik == "3310015003100000"
        assert match_review.count_queue(s, status=match_common.DECIDED_FILTER) == 0
    with pytest.raises(TransitionError, match="Hanya keputusan petugas"):
        match_decisions.reopen(loaded, admin, 5)


def test_reopen_one_member_of_a_bulk_accept(loaded, admin):
    match_run.run_matching(loaded, admin)
    n = match_decisions.bulk_accept(loaded, admin, "usulan_koreksi", 10)
    assert n == 2
    match_decisions.reopen(loaded, admin, 5)
    with loaded.sessions() as s:
        assert s.get(Member, 5).nik == "3310015003100000"
        assert s.get(Member, 6).nik == "3310013108610001"  # the other one stays corrected
        assert s.execute(select(MatchResult.decision).where(MatchResult.member_id == 5)).scalar_one() is None
    # undoing the bulk accept now reverts only what is still decided
    with loaded.transaction() as s:
        assert "dibatalkan" in match_decisions.undo_last(s, admin)
    with loaded.sessions() as s:
        assert s.get(Member, 6).nik is None
        assert match_review.count_queue(s, status=match_common.DECIDED_FILTER) == 0
