"""Verification services: assignment, findings with corrections, progress, proposals, the PDF."""

from __future__ import annotations

import subprocess
from datetime import date

import pytest
from sqlalchemy import func, select

from dtks_desktop.db.models import AuditEvent, Household, IdentityHistory, MatchResult, Member, VerificationFamily, \
    VerificationMember, VerificationProposal, VerificationProposalMember
from dtks_desktop.services.verification import common, proposals
from dtks_desktop.services.verification.assign import assign
from dtks_desktop.services.verification.findings import FamilyEntry, FieldProblem, MemberEntry, desa_families, \
    family_detail, save_family
from dtks_desktop.services.verification.progress import progress
from dtks_desktop.services.verification.worksheets import worksheet_data, write_worksheet_pdf

from .conftest import DESA, OTHER_DESA, ROUND


def _ids(db):
    with db.sessions() as s:
        hh = {h.no_kk: h.id for h in s.execute(select(Household)).scalars()}
        mm = {m.nama: m.id for m in s.execute(select(Member)).scalars()}
    return hh, mm


def test_assign_by_desa_and_rw_moves_families_between_petugas(desa, admin):
    with desa.transaction() as s:
        a = assign(s, admin, DESA, "Siti Aminah", peran="PSM", rw="1")
    assert (a.assigned, a.moved, a.unchanged, a.peran, a.putaran, a.rw) == (2, 0, 0, "PSM", ROUND, "001")
    with desa.transaction() as s:
        b = assign(s, admin, DESA, "Budi Santoso")
    assert (b.assigned, b.moved, b.peran) == (1, 2, "Petugas Pendata")
    with desa.transaction() as s:
        again = assign(s, admin, DESA, "budi  santoso")  # same petugas, written differently
    assert (again.assigned, again.moved, again.unchanged) == (0, 0, 3)
    with desa.sessions() as s:
        assert [(p.desa_kode, p.petugas, p.done, p.left) for p in progress(s)] == [(DESA, "Budi Santoso", 0, 3)]
        assert s.execute(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "verify.assign")
                         ).scalar_one() == 3


def test_assign_refuses_unknown_desa_role_and_empty_rw(desa, admin):
    with pytest.raises(common.VerificationError, match="Kode desa/kelurahan tidak dikenal"):
        with desa.transaction() as s:
            assign(s, admin, "33.10.01.9999", "Siti")
    with pytest.raises(common.VerificationError, match="Peran petugas tidak dikenal"):
        with desa.transaction() as s:
            assign(s, admin, DESA, "Siti", peran="lurah")
    with pytest.raises(common.VerificationError, match="Tidak ada keluarga DTKS di .* RW 007"):
        with desa.transaction() as s:
            assign(s, admin, DESA, "Siti", rw="7")


def test_the_first_assignment_fixes_the_default_round(db, admin):
    from dtks_desktop.services.core import settings
    from dtks_desktop.services.core.registry import bulk_add_families

    from .conftest import FAMILIES
    import copy

    with db.transaction() as s:
        bulk_add_families(s, copy.deepcopy(FAMILIES))
    with db.transaction() as s:
        assert settings.get(s, common.ROUND_KEY) is None
        res = assign(s, admin, DESA, "Siti")
    with db.sessions() as s:
        assert settings.get(s, common.ROUND_KEY) == res.putaran == date.today().strftime("%Y-%m")


def test_save_family_with_corrections_goes_through_the_audited_edits(desa, operator):
    hh, mm = _ids(desa)
    with desa.sessions() as s:
        before = s.execute(select(MatchResult.status).where(MatchResult.member_id == mm["BAGUS PRASETYO"])).scalar()
    assert before is not None
    entry = FamilyEntry(hh["3310012710160001"], kelayakan="Tidak Layak", koreksi_rt="3", tanggal_kunjungan=date(2026, 12, 3),
                        petugas="Siti Aminah", members=[
                            MemberEntry(mm["SLAMET RIYADI"], "ada"),
                            MemberEntry(mm["SUPARMI"], "meninggal"),
                            MemberEntry(mm["BAGUS PRASETYO"], "pindah_dalam_negeri", koreksi_nama="BAGUS PRASETYA",
                                        koreksi_nik="3310012212000004"),
                            MemberEntry(None, "anggota baru", koreksi_nama="ALYA PUTRI",
                                        koreksi_tanggal_lahir=date(2025, 1, 2))])
    with desa.transaction() as s:
        res = save_family(s, operator, entry)
    assert (res.members, res.nik_corrected, res.registry_changed, res.replaced) == (4, 1, True, False)
    with desa.sessions() as s:
        bagus = s.get(Member, mm["BAGUS PRASETYO"])
        assert (bagus.nik, bagus.nama) == ("3310012212000004", "BAGUS PRASETYA")
        hist = s.execute(select(IdentityHistory)).scalar_one()
        assert (hist.old_value, hist.new_value, hist.source) == ("3310012212000003", "3310012212000004",
                                                                 "koreksi_verifikasi")
        # The result was about the old NIK: gone, so the next matching run matches the member again.
        assert s.execute(select(MatchResult).where(MatchResult.member_id == bagus.id)).scalar() is None
        assert s.get(Household, hh["3310012710160001"]).rt == "003"
        vf = s.execute(select(VerificationFamily)).scalar_one()
        assert (vf.kelayakan, vf.putaran, vf.sumber, vf.tanggal_kunjungan) == ("tidak layak", ROUND, "aplikasi",
                                                                                date(2026, 12, 3))
        kinds = sorted((m.member_id is None, m.keberadaan) for m in s.execute(select(VerificationMember)).scalars())
        assert kinds == [(False, "ada"), (False, "meninggal"), (False, "pindah dalam negeri"), (True, "anggota baru")]
        actions = [a for (a,) in s.execute(select(AuditEvent.action).order_by(AuditEvent.id))]
        assert actions.count("member.update") == 1 and "household.update" in actions and "verify.finding" in actions
        assert [(p.petugas, p.done, p.left) for p in progress(s, DESA)] == [("Siti Aminah", 1, 0)]
        fams = desa_families(s, operator, DESA)
        assert [f.done for f in fams].count(True) == 1 and len(fams) == 3
        d = family_detail(s, operator, hh["3310012710160001"])
        assert d.done and d.kelayakan == "tidak layak" and d.new_members[0].koreksi_nama == "ALYA PUTRI"
    # The next incremental matching run matches the corrected member again.
    from dtks_desktop.services.matching.run import run_matching
    run_matching(desa, operator)
    with desa.sessions() as s:
        assert s.execute(select(MatchResult).where(MatchResult.member_id == mm["BAGUS PRASETYO"])).scalar() is not None
    # Saving again replaces the first save.
    with desa.transaction() as s:
        again = save_family(s, operator, FamilyEntry(hh["3310012710160001"], "layak", members=[
            MemberEntry(mm["SLAMET RIYADI"], "ada")]))
    assert again.replaced
    with desa.sessions() as s:
        assert s.execute(select(func.count()).select_from(VerificationMember)).scalar_one() == 1


@pytest.mark.parametrize("member, message", [
    (dict(keberadaan="hilang"), "Keberadaan 'hilang' tidak dikenal"),
    (dict(keberadaan="ada", koreksi_nik="3310011305700000"), "bukan NIK yang sah"),
    (dict(keberadaan="ada", koreksi_nik="12345"), "bukan NIK yang sah"),
    (dict(keberadaan="ada", koreksi_tanggal_lahir=date(2099, 1, 1)), "masa depan"),
])
def test_save_family_refuses_bad_values_and_writes_nothing(desa, operator, member, message):
    hh, mm = _ids(desa)
    with pytest.raises(FieldProblem, match=message):
        with desa.transaction() as s:
            save_family(s, operator, FamilyEntry(hh["3310012710160002"], members=[MemberEntry(mm["HARTONO"], **member)]))
    with desa.sessions() as s:
        assert s.execute(select(func.count()).select_from(VerificationFamily)).scalar_one() == 0
        assert s.get(Member, mm["HARTONO"]).nik == "3310013108610001"


def test_proposal_checks_the_nik_against_the_civil_registry(desa, operator):
    with desa.sessions() as s:
        found = proposals.check_nik(s, operator, "3310010101900002")
        missing = proposals.check_nik(s, operator, "3310010101900003")
        bad = proposals.check_nik(s, operator, "3310011399000001")
    assert found.dukcapil and found.dukcapil_nama == "WARSITO" and "WARSITO, lahir 01-01-1990" in found.text()
    assert missing.valid and not missing.dukcapil and "TIDAK ADA di data Dukcapil" in missing.text()
    assert not bad.valid and bad.text().startswith("NIK tidak sah")
    with desa.transaction() as s:
        pid = proposals.create_proposal(s, operator, proposals.ProposalInput(DESA, [
            proposals.ProposedPerson("WARSITO", "3310010101900002", date(1990, 1, 1), "L", 1),
            proposals.ProposedPerson("ANAK WARSITO", None, date(2019, 5, 5), "L", 3)], rt="2", rw="1",
            alasan="Keluarga miskin belum terdata", petugas="Siti Aminah"))
    with desa.sessions() as s:
        p = s.get(VerificationProposal, pid)
        assert (p.desa_kode, p.rt, p.rw, p.status, p.putaran) == (DESA, "002", "001", "usulan_baru", ROUND)
        ms = s.execute(select(VerificationProposalMember).order_by(VerificationProposalMember.id)).scalars().all()
        assert [(m.nama, m.dukcapil_ada, m.dukcapil_nama) for m in ms] == [("WARSITO", True, "WARSITO"),
                                                                          ("ANAK WARSITO", False, None)]
        # Not in the registry: the village meeting decides.
        assert s.execute(select(func.count()).select_from(Member).where(Member.nama == "WARSITO")).scalar_one() == 0
        info = proposals.list_proposals(s, operator, DESA)
        assert info[0].members == 2 and info[0].not_in_dukcapil == 1
    with pytest.raises(common.VerificationError, match="NIK tidak sah"):
        with desa.transaction() as s:
            proposals.create_proposal(s, operator, proposals.ProposalInput(DESA, [
                proposals.ProposedPerson("X", "3310011399000001")]))


def test_worksheet_pdf_masks_identifiers_and_numbers_pages(desa, operator, tmp_path):
    with desa.transaction() as s:
        assign(s, operator, DESA, "Siti Aminah", peran="PSM", rw="1")
        data = worksheet_data(s, operator, DESA)
        res = write_worksheet_pdf(s, operator, DESA, tmp_path / "lk.pdf")
    assert len(data.families) == 3 and data.members == 6 and res.pages >= 2  # two sections: Siti, unassigned
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "lk.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "LEMBAR KERJA VERIFIKASI LAPANGAN" in text and "Putaran verifikasi" in text and ROUND in text
    assert "3310********0001" in text and "3310011205700001" not in text and "3310012710160001" not in text
    assert "Siti Aminah" in text and "Belum ditugaskan" in text and "Halaman 1 dari 1" in text
    assert "SLAMET RIYADI" in text and "Padan" in text and "ART-" in text  # NAYLA has no ID DTKS
    assert "Kepala Desa" in text and OTHER_DESA not in text
