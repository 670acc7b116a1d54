"""Status changes go through one function that checks the role and writes history + audit."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from dtks_desktop.db.models import Household, Member, StatusHistory
from dtks_desktop.services.core import audit
from dtks_desktop.services.core.registry import FamilyRecord, MemberRecord, bulk_add_families, update_member
from dtks_desktop.services.core.workflow import TransitionError, change_status


@pytest.fixture
def family(db):
    fam = FamilyRecord(
        no_kk="3310011201200003", desa_kode="33.10.01.2001", alamat="Jl. Mawar 3", rt="001", rw="002", desil=2,
        members=[
            MemberRecord("SLAMET RIYADI", nik="3310011205700001", tanggal_lahir=date(1970, 5, 12), jenis_kelamin="L", hubungan=1),
            MemberRecord("Hj. SITI AMINAH", nik="3310015508750002", tanggal_lahir=date(1975, 8, 15), jenis_kelamin="P", hubungan=2),
        ],
    )
    with db.transaction() as s:
        res = bulk_add_families(s, [fam])
    return res


def test_bulk_add_assigns_ids_and_search_keys(db, family):
    with db.sessions() as s:
        members = s.execute(select(Member).order_by(Member.id)).scalars().all()
        assert [m.household_id for m in members] == [family.first_household_id] * 2
        assert members[1].nama == "Hj. SITI AMINAH"  # kept as written
        assert members[1].nama_key == "SITI AMINAH"  # title removed for search
        assert members[0].status == "aktif" and members[0].version == 1
        assert s.get(Household, family.first_household_id).status == "terdaftar"


def test_bulk_add_rolls_back_with_the_transaction(db):
    fam = FamilyRecord(no_kk="3310011201200009", desa_kode="33.10.01.2001", members=[MemberRecord("A")])
    with pytest.raises(RuntimeError):
        with db.transaction() as s:
            bulk_add_families(s, [fam])
            raise RuntimeError("crash mid-way")
    with db.sessions() as s:
        assert s.execute(select(Member)).first() is None


def test_operator_records_death_with_history_and_audit(db, family, operator, admin):
    mid = family.first_member_id
    with db.transaction() as s:
        change_status(s, operator, "member", mid, "meninggal", "Akta kematian 12-10-2026")
    with db.sessions() as s:
        assert s.get(Member, mid).status == "meninggal"
        hist = s.execute(select(StatusHistory)).scalars().one()
        assert (hist.from_status, hist.to_status, hist.user_id) == ("aktif", "meninggal", operator.id)
        ev = audit.list_events(s, audit.AuditFilter(action="member.status"), actor=admin)[0]
        assert ev.username == "operator1" and "Meninggal" in ev.summary and ev.reason.startswith("Akta")


def test_undoing_a_death_needs_a_supervisor(db, family, operator, supervisor):
    mid = family.first_member_id
    with db.transaction() as s:
        change_status(s, operator, "member", mid, "meninggal", "laporan kader")
    with pytest.raises(TransitionError, match="Supervisor"):
        with db.transaction() as s:
            change_status(s, operator, "member", mid, "aktif", "salah input")
    with db.transaction() as s:
        change_status(s, supervisor, "member", mid, "aktif", "salah input, orangnya masih hidup")
    with db.sessions() as s:
        assert s.get(Member, mid).status == "aktif"


def test_forbidden_transition_and_missing_reason_change_nothing(db, family, operator, admin):
    hid = family.first_household_id
    with pytest.raises(TransitionError, match="tidak diperbolehkan"):
        with db.transaction() as s:
            change_status(s, operator, "household", hid, "disetujui", "langsung setujui")
    with pytest.raises(TransitionError, match="Alasan"):
        with db.transaction() as s:
            change_status(s, operator, "household", hid, "verifikasi", "  ")
    with db.sessions() as s:
        assert s.get(Household, hid).status == "terdaftar"
        assert s.execute(select(StatusHistory)).first() is None
        assert audit.count_events(s, audit.AuditFilter(action="household.status"), actor=admin) == 0


def test_pencetak_cannot_change_status(db, family, admin):
    from dtks_desktop.services.core.users import create_user

    with db.transaction() as s:
        printer = create_user(s, "cetak1", "rahasia-cetak", "pencetak", by=admin)
    with pytest.raises(TransitionError):
        with db.transaction() as s:
            change_status(s, printer, "household", family.first_household_id, "verifikasi", "kirim ke lapangan")


def test_member_edit_is_audited_with_old_and_new(db, family, operator, admin):
    mid = family.first_member_id
    with db.transaction() as s:
        diff = update_member(s, operator, mid, {"nama": "SLAMET RIYADI S.Pd.", "tempat_lahir": "KLATEN"}, "sesuai KK")
    assert set(diff) == {"nama", "tempat_lahir"}
    with db.sessions() as s:
        m = s.get(Member, mid)
        assert m.nama_key == "SLAMET RIYADI" and m.version == 2
        ev = audit.list_events(s, audit.AuditFilter(action="member.update"), actor=admin)[0]
        assert '"SLAMET RIYADI"' in ev.old_value and "S.Pd." in ev.new_value
