"""The one workflow machine and the machines built with it."""

from __future__ import annotations

import pytest

from dtks_desktop.domain.status import Role
from dtks_desktop.domain.workflow import OPEN, TransitionError
from dtks_desktop.domain.workflow.matching import (
    DECISION, DECISION_COLOURS, DECISION_LABELS, MATCH_STATUS_COLOURS, MATCH_STATUS_LABELS, MATCH_STATUS_SHORT,
    Decision, MatchStatus,
)
from dtks_desktop.domain.workflow.registry import HOUSEHOLD, MEMBER, HouseholdStatus, MemberStatus


def test_every_state_has_a_label():
    assert set(MEMBER.labels) == set(MemberStatus)
    assert set(HOUSEHOLD.labels) == set(HouseholdStatus)
    assert set(DECISION_LABELS) == set(Decision) | {OPEN} == set(DECISION_COLOURS)
    assert set(MATCH_STATUS_LABELS) == set(MATCH_STATUS_SHORT) == set(MATCH_STATUS_COLOURS) == set(MatchStatus)


def test_registry_transition_needs_role_path_and_reason():
    t = MEMBER.check("aktif", "meninggal", Role.OPERATOR, "Akta kematian 12/2026")
    assert (t.kind, t.from_status, t.to_status) == ("member", "aktif", "meninggal")
    with pytest.raises(TransitionError, match="Supervisor"):
        MEMBER.check("meninggal", "aktif", Role.OPERATOR, "salah catat")
    with pytest.raises(TransitionError, match="tidak diperbolehkan"):
        HOUSEHOLD.check("terdaftar", "disetujui", Role.ADMIN, "x")
    with pytest.raises(TransitionError, match="Alasan"):
        MEMBER.check("aktif", "pindah", Role.OPERATOR, "  ")
    with pytest.raises(TransitionError, match="tidak dikenal"):
        MEMBER.check("aktif", "hilang", Role.ADMIN, "x")
    with pytest.raises(TransitionError, match="sudah"):
        MEMBER.check("aktif", "aktif", Role.ADMIN, "x")


@pytest.mark.parametrize("before, after, ok", [
    (OPEN, Decision.DITERIMA, True),
    (OPEN, Decision.DITOLAK, True),
    (Decision.OTOMATIS, Decision.DITERIMA, True),
    (Decision.OTOMATIS, Decision.DITOLAK, True),
    (Decision.DITERIMA, OPEN, True),  # undo / reopen
    (Decision.DITOLAK, OPEN, True),
    (Decision.DITERIMA, Decision.DITOLAK, False),  # reopen first
    (OPEN, Decision.OTOMATIS, False),  # only the machine restores, during a run
])
def test_match_decision_paths(before, after, ok):
    if ok:
        assert DECISION.check(before, after, Role.OPERATOR).to_status == (None if after is None else str(after))
    else:
        with pytest.raises(TransitionError):
            DECISION.check(before, after, Role.OPERATOR)


def test_a_printer_decides_nothing():
    with pytest.raises(TransitionError, match="hanya boleh"):
        DECISION.check(OPEN, Decision.DITERIMA, Role.PENCETAK)
    assert DECISION.allowed_targets(None, Role.PENCETAK) == []
    assert set(DECISION.allowed_targets(None, Role.OPERATOR)) == {Decision.DITERIMA, Decision.DITOLAK}
