"""Batches from final Musdes decisions, exclusions, four-eyes approval, frozen rows."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dtks_desktop.db.models import AuditEvent, SubmissionBatchRow
from dtks_desktop.domain.permissions import PermissionDenied
from dtks_desktop.services.core import settings as settings_service
from dtks_desktop.services.matching import programmes as P
from dtks_desktop.services.submission import approval, batches
from dtks_desktop.services.submission.common import SubmissionError, content_hash
from tests.submission.conftest import DESA_A, KEC


def _create(w, actor=None, kind="usulan_baru", programme="PKH", **scope):
    with w.db.transaction() as s:
        return batches.create_batch(s, actor or w.operator, "kemensos", programme, kind, **scope)


def _events(w, action):
    with w.db.sessions() as s:
        return s.execute(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).scalars().all()


def test_usulan_baru_batch_keeps_good_rows_and_says_why_others_are_left_out(world):
    v = _create(world)
    assert v.status == "draft" and v.kind_label == "Usulan baru" and v.target_label.startswith("Pusdatin")
    with world.db.sessions() as s:
        names = sorted(r.nama for r in batches.batch_rows(s, v.id))
        excl = {e.nama: e.reason for e in batches.excluded_rows(s, v.id)}
        row = batches.batch_rows(s, v.id)[0]
    assert names == ["ANI", "FAJAR", "GITA"]
    assert excl == {"BUDI": "nik_tidak_padan", "CITRA": "alamat_tidak_lengkap", "HADI": "ba_belum_kembali"}
    assert v.rows == 3 and v.excluded == {"nik_tidak_padan": 1, "ba_belum_kembali": 1, "alamat_tidak_lengkap": 1}
    assert "*" in row.nik_masked and len(row.nik_masked) == 16
    assert [e.summary for e in _events(world, "batch.create")][0].startswith(f"Batch #{v.id}")


def test_scope_kind_and_programme_rule(world):
    with world.db.transaction() as s:
        settings_service.put(s, world.admin, P.RULES_KEY, '[{"a": "PKH", "b": "BPNT", "level": "orang"}]')
    v = _create(world, programme="Sembako", desa=DESA_A)
    assert v.programme == "BPNT" and v.rows == 1
    v2 = _create(world, programme="BPNT", kecamatan=KEC)
    with world.db.sessions() as s:
        excl = {e.nama: e.reason for e in batches.excluded_rows(s, v2.id)}
    assert excl["GITA"] == "aturan_program" and excl["ANI"] == "di_batch_lain" and "HADI" not in excl
    hapus = _create(world, kind="hapus")
    perb = _create(world, kind="perbaikan")
    with world.db.sessions() as s:
        assert [(r.nama, r.reason) for r in batches.batch_rows(s, hapus.id)] == [("DODI", "meninggal")]
        assert [r.nama for r in batches.batch_rows(s, perb.id)] == ["EKO"]


def test_bad_requests_are_refused_in_indonesian(world):
    with pytest.raises(SubmissionError, match="bukan program untuk kemensos"):
        _create(world, programme="BLT")
    with pytest.raises(SubmissionError, match="Kode desa/kelurahan tidak dikenal"):
        _create(world, desa="99.99.99.9999")
    with pytest.raises(SubmissionError, match="usulan_baru, hapus atau perbaikan"):
        _create(world, kind="tambah")
    with pytest.raises(PermissionDenied):
        _create(world, actor=world.pencetak)


def _submitted(world, by=None):
    v = _create(world)
    with world.db.transaction() as s:
        approval.submit(s, by or world.operator, v.id)
    return v.id


def test_four_eyes_operator_cannot_approve_and_creator_is_refused_and_audited(world):
    bid = _submitted(world)
    with world.db.transaction() as s, pytest.raises(PermissionDenied):
        approval.approve(s, world.operator, bid)
    # a supervisor who built and submitted a batch cannot approve it
    v = _create(world, actor=world.supervisor, kind="hapus")
    with world.db.transaction() as s:
        approval.submit(s, world.supervisor, v.id)
    with world.db.transaction() as s, pytest.raises(SubmissionError, match="empat mata"):
        approval.approve(s, world.supervisor, v.id)
    with world.db.transaction() as s, pytest.raises(SubmissionError, match="empat mata"):
        approval.reject(s, world.supervisor, v.id, "salah")
    ev = _events(world, "batch.four_eyes")
    assert len(ev) == 2 and ev[0].username == "supervisor1" and ev[0].entity_id == v.id
    with world.db.sessions() as s:
        assert batches.get_batch(s, v.id).status == "diajukan"


def test_approval_freezes_rows_and_a_later_change_is_refused_and_audited(world):
    bid = _submitted(world)
    with world.db.sessions() as s:
        summ = approval.summary(s, bid)
    assert sorted(n for *_, n in summ.per_desa) == [1, 2] and {k for _, _, k, _ in summ.per_desa} == {"usulan_baru"}
    assert summ.diff_previous == {"added": 3, "removed": 0, "previous_batch_id": None}
    assert len(summ.excluded) == 3 and len(summ.sample) == 3
    with world.db.transaction() as s:
        v = approval.approve(s, world.supervisor, bid, note="lengkap")
    assert v.status == "disetujui" and v.frozen and v.decided_by == "supervisor1" and len(v.sha256) == 64
    with world.db.sessions() as s:
        assert content_hash(s, bid) == v.sha256
        rows = s.execute(select(SubmissionBatchRow).where(SubmissionBatchRow.batch_id == bid)).scalars().all()
        assert all(r.frozen for r in rows)
        rid = rows[0].id
    with world.db.transaction() as s, pytest.raises(SubmissionError, match="dibekukan"):
        batches.remove_row(s, world.operator, rid, "salah orang")
    assert [e.username for e in _events(world, "batch.row.refused")] == ["operator1"]
    with world.db.sessions() as s:
        assert batches.count_rows(s, bid) == 3
    # deciding again is refused with who decided first
    with world.db.transaction() as s, pytest.raises(SubmissionError, match="sudah diputuskan .* oleh Bambang"):
        approval.reject(s, world.supervisor2, bid, "terlambat")


def test_reject_needs_a_note_and_returns_to_draft(world):
    bid = _submitted(world)
    with world.db.transaction() as s, pytest.raises(SubmissionError, match="Alasan penolakan wajib"):
        approval.reject(s, world.supervisor, bid, " ")
    with world.db.transaction() as s:
        v = approval.reject(s, world.supervisor, bid, "data desa B belum lengkap")
    assert v.status == "ditolak" and v.note == "data desa B belum lengkap" and not v.frozen
    with world.db.transaction() as s:
        v = approval.return_to_draft(s, world.operator, bid)
    assert v.status == "draft"
    with world.db.sessions() as s:
        row = batches.batch_rows(s, bid)[0]
    with world.db.transaction() as s:
        v = batches.remove_row(s, world.operator, row.id, "diganti")
    assert v.rows == 2
    with world.db.sessions() as s:
        actions = [e for e in s.execute(select(AuditEvent.action).where(AuditEvent.entity_type == "submission_batch")
                                        .order_by(AuditEvent.id)).scalars()]
    assert actions == ["batch.create", "batch.submit", "batch.reject", "batch.redraft", "batch.row.remove"]


def test_empty_batch_cannot_be_submitted(world):
    with world.db.transaction() as s:
        v = batches.create_batch(s, world.operator, "kemensos", "PKH", "usulan_baru", desa="33.10.02.2001")
    assert v.rows == 0 and v.excluded == {"ba_belum_kembali": 1}
    with world.db.transaction() as s, pytest.raises(SubmissionError, match="tidak berisi baris"):
        approval.submit(s, world.operator, v.id)


def test_diff_against_previous_batch(world):
    bid = _submitted(world)
    with world.db.transaction() as s:
        approval.reject(s, world.supervisor, bid, "ulang")
    v2 = _create(world, desa=DESA_A)
    with world.db.sessions() as s:
        d = approval.summary(s, v2.id).diff_previous
    assert d == {"added": 0, "removed": 2, "previous_batch_id": bid}

