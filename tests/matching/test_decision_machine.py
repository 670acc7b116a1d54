"""Match decisions go through the one workflow machine (``DECISION``), and every mutating matching
service says what it changed (``DataKind``).

Runs on SQLite and, with DTKS_TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from dtks_desktop.db.models import AuditEvent, MatchResult, Member
from dtks_desktop.domain.workflow import TransitionError
from dtks_desktop.domain.workflow.matching import DECISION, Decision
from dtks_desktop.services.core import settings, users
from dtks_desktop.services.core.common import DataKind
from dtks_desktop.services.core.users import create_user
from dtks_desktop.services.core.workflow import apply
from dtks_desktop.services.matching import decisions as match_decisions
from dtks_desktop.services.matching import run as match_run

from .conftest import load_civil, load_registry
from .test_restoration import NAYLA, TRUE_NIK, restored  # noqa: F401 - the fixture

M, R = DataKind.MATCHING, DataKind.REGISTRY


def _decision(db, member_id):
    with db.sessions() as s:
        return s.execute(select(MatchResult.decision).where(MatchResult.member_id == member_id)).scalar_one()


def _events(db, action):
    with db.sessions() as s:
        return s.execute(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)).scalar_one()


def test_the_machine_refuses_a_decided_result_and_reopening_an_open_one(loaded, operator):
    match_run.run_matching(loaded, operator)
    match_decisions.decide(loaded, operator, 7, "tolak")
    with pytest.raises(TransitionError, match="dari Ditolak ke Diterima tidak diperbolehkan.*sudah diputuskan"):
        match_decisions.decide(loaded, operator, 7, "terima")
    with pytest.raises(TransitionError, match="Status sudah Menunggu keputusan.*Hanya keputusan petugas"):
        match_decisions.reopen(loaded, operator, 4)  # never decided
    assert _decision(loaded, 7) == Decision.DITOLAK and _decision(loaded, 4) is None
    assert _events(loaded, "match.decide") == 1 and _events(loaded, "match.reopen") == 0


def test_a_printer_is_refused_by_the_machine_itself(loaded, admin):
    """The capability guard stops a printer first; the machine would refuse it as well."""
    match_run.run_matching(loaded, admin)
    with loaded.transaction() as s:
        pencetak = create_user(s, "cetak1", "rahasia-pencetak", "pencetak", by=admin)
    with loaded.sessions() as s:
        res = s.execute(select(MatchResult).where(MatchResult.member_id == 5)).scalar_one()
        with pytest.raises(TransitionError, match="hanya boleh dilakukan oleh"):
            apply(s, pencetak, DECISION, res, Decision.DITERIMA, attr="decision", action="match.decide")
        assert res.decision is None
        s.rollback()
    assert _events(loaded, "match.decide") == 0


def test_a_decision_reports_the_registry_when_it_changed_a_nik(loaded, operator):
    match_run.run_matching(loaded, operator)
    corrected = match_decisions.decide(loaded, operator, 5, "terima")  # the proposed NIK becomes the member's
    assert corrected.nik_before != corrected.nik_after and corrected.changes == {M, R}
    rejected = match_decisions.decide(loaded, operator, 7, "tolak")
    assert rejected.decision == Decision.DITOLAK and rejected.changes == {M}
    with loaded.sessions() as s:
        ev = s.get(AuditEvent, corrected.audit_id)
        assert (ev.action, ev.entity_type, ev.entity_id) == ("match.decide", "member", 5)
        old, new = json.loads(ev.old_value), json.loads(ev.new_value)
        assert old["decision"] is None and new["decision"] == "diterima" and new["action"] == "terima"
    for fn in (match_decisions.undo_last, match_decisions.reopen, match_decisions.bulk_accept):
        assert fn.changes == {M, R}


def test_bulk_accept_checks_the_machine_once_not_per_row(loaded, admin, monkeypatch):
    match_run.run_matching(loaded, admin)
    calls = []
    check = DECISION.check
    monkeypatch.setattr(DECISION, "check", lambda *a, **k: calls.append(a) or check(*a, **k))
    assert match_decisions.bulk_accept(loaded, admin, "usulan_koreksi", 10) == 2
    assert calls == [(None, Decision.DITERIMA, admin.role)]


def test_a_restoration_goes_back_to_the_machine_when_a_clerks_verdict_is_reopened_or_undone(restored, operator):  # noqa: F811
    rejected = match_decisions.decide(restored, operator, NAYLA, "tolak")  # the NIK goes back: a registry change
    assert rejected.changes == {M, R} and _decision(restored, NAYLA) == Decision.DITOLAK
    match_decisions.reopen(restored, operator, NAYLA)  # ditolak -> otomatis
    assert _decision(restored, NAYLA) == Decision.OTOMATIS
    with restored.sessions() as s:
        assert s.get(Member, NAYLA).nik == TRUE_NIK
    with pytest.raises(TransitionError, match="Dipulihkan otomatis.*tombol Tolak"):
        match_decisions.reopen(restored, operator, NAYLA)
    confirmed = match_decisions.decide(restored, operator, NAYLA, "terima")  # otomatis -> diterima, NIK kept
    assert confirmed.changes == {M}
    with restored.transaction() as s:
        assert "dibatalkan" in match_decisions.undo_last(s, operator)  # diterima -> otomatis
    assert _decision(restored, NAYLA) == Decision.OTOMATIS


def test_a_match_run_reports_what_it_changed(db, admin):
    load_civil(db)
    load_registry(db)
    summary = match_run.run_matching(db, admin)  # restores member 5's spreadsheet-damaged NIK
    assert summary.restored_auto == 1 and summary.changes == {M, R}
    assert json.loads(json.dumps(summary.as_dict()))["changes"] == ["matching", "registry"]
    again = match_run.run_matching(db, admin)
    assert again.restored_auto == 0 and again.changes == {M}


def test_settings_and_users_say_what_they_change():
    assert settings.put.changes == settings.set_office_kab.changes == {DataKind.SETTINGS}
    assert users.create_user.changes == users.set_role.changes == users.set_active.changes == {DataKind.USERS}
