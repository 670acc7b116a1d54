"""Results back from Kemensos: per NIK or ID DTKS, statuses through the workflow, report per desa,
bad input named by file, row and column."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dtks_desktop.db.models import AuditEvent, Household, Member, StatusHistory
from dtks_desktop.services.importing.readers import ImportFileError
from dtks_desktop.services.submission import approval, batches, outputs, results
from dtks_desktop.services.submission.common import SubmissionError
from tests.submission.conftest import PEOPLE


def sent(world, tmp_path, kind="usulan_baru"):
    with world.db.transaction() as s:
        bid = batches.create_batch(s, world.operator, "kemensos", "PKH", kind).id
        approval.submit(s, world.operator, bid)
    with world.db.transaction() as s:
        approval.approve(s, world.supervisor, bid)
    outputs.export_batch(world.db, world.operator, bid, tmp_path / f"out{bid}")
    return bid


def test_results_by_nik_and_id_move_statuses_and_report_per_desa(world, tmp_path):
    bid = sent(world, tmp_path)
    f = tmp_path / "hasil.csv"
    f.write_text("NIK,ID DTKS,Hasil,Alasan\n"
                 f"{PEOPLE['ANI'][2]},,Ditetapkan,\n"
                 ",B1,ditolak,sudah menerima bansos lain\n"
                 f"{PEOPLE['BUDI'][2]},,ditetapkan,\n"
                 f"{PEOPLE['GITA'][2]},,mungkin,\n", encoding="utf-8")
    res = results.import_results(world.db, world.operator, None, f)
    assert res.batch_id == bid and (res.imported, res.ditetapkan, res.ditolak, res.rejected) == (2, 1, 1, 2)
    msgs = [p.message for p in res.problems if p.level == "error"]
    assert any("hasil.csv" in m and "baris 4" in m.lower() and "tidak ada di batch" in m for m in msgs), msgs
    assert any("baris 5" in m.lower() and "mungkin" in m and "C" in p.column
               for p in res.problems if p.level == "error" for m in [p.message]), msgs
    assert sorted((a, r) for *_, a, r in res.per_desa) == [(0, 1), (1, 0)] and len({d for _, d, _, _ in res.per_desa}) == 2
    with world.db.sessions() as s:
        assert batches.get_batch(s, bid).status == "hasil_diterima"
        assert s.execute(select(AuditEvent.username).where(AuditEvent.action == "batch.results.import")).scalar_one() \
            == "operator1"
    # the families moved from diajukan by their results; nothing to warn about
    assert res.warnings == 0, res.problems
    assert res.family_status["moved"] == {"disetujui": 1, "ditolak": 1}
    with world.db.sessions() as s:
        status = {n: s.get(Household, s.get(Member, world.member[n]).household_id).status for n in ("ANI", "FAJAR")}
        assert status == {"ANI": "disetujui", "FAJAR": "ditolak"}
        why = s.execute(select(StatusHistory.reason).where(StatusHistory.to_status == "ditolak")).scalar_one()
        assert f"batch #{bid}" in why


def test_accepted_removal_moves_member_through_workflow(world, tmp_path):
    with world.db.transaction() as s:
        m = s.get(Member, world.member["DODI"])
        m.status = "meninggal"
    bid = sent(world, tmp_path, kind="hapus")
    f = tmp_path / "hasil.csv"
    f.write_text("ID DTKS;Status\nA4;ditetapkan\n", encoding="utf-8")
    res = results.import_results(world.db, world.supervisor, bid, f)
    assert res.ditetapkan == 1 and res.warnings == 0, res.problems
    with world.db.sessions() as s:
        assert s.get(Member, world.member["DODI"]).status == "dihapus"
        h = s.execute(select(StatusHistory).where(StatusHistory.entity_type == "member")).scalar_one()
        # DODI was the family's only member: the family is removed too
        assert s.get(Household, s.get(Member, world.member["DODI"]).household_id).status == "dihapus"
    assert h.to_status == "dihapus" and "batch" in h.reason


def test_bad_files_say_what_is_wrong(world, tmp_path):
    bid = sent(world, tmp_path)
    f = tmp_path / "x.csv"
    f.write_text("Nama,Alamat\nANI,Dukuh\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="kolom NIK atau ID DTKS dan kolom Hasil"):
        results.import_results(world.db, world.operator, bid, f)
    f.write_text("NIK,Hasil\n9999999999999999,ditetapkan\n", encoding="utf-8")
    with pytest.raises(SubmissionError, match="Tidak ada batch terkirim"):
        results.import_results(world.db, world.operator, None, f)
    with pytest.raises(SubmissionError, match="tidak ada di batch"):
        results.import_results(world.db, world.operator, bid, f)
    with world.db.transaction() as s:
        draft = batches.create_batch(s, world.operator, "kemensos", "PKH", "hapus").id
    f.write_text(f"NIK,Hasil\n{PEOPLE['DODI'][2]},ditetapkan\n", encoding="utf-8")
    with pytest.raises(SubmissionError, match="sudah dikirim"):
        results.import_results(world.db, world.operator, draft, f)
    with world.db.sessions() as s:
        assert batches.get_batch(s, bid).status == "dikirim"
