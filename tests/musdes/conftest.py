"""A desa with findings for the Musdes tests (the verification tests' three families, their civil
registry and matching run), plus village officials, a signatory for the Berita Acara and a
kelurahan family.

Findings (round 2026-12, visited 2 December 2026):
* family 1 (V1 SLAMET RIYADI, V2 SUPARMI, V3 BAGUS): V1 meninggal, V3 name corrected;
* family 2 (V4 HARTONO): kelayakan mampu;
* family 3 (V5 RATNA SARI, NAYLA): visited, everyone there;
* a proposed family: WARSITO (in the civil registry) and SITI (not in it).
"""

from __future__ import annotations

import copy
from datetime import date

import pytest
from sqlalchemy import select

from dtks_desktop.db.models import Household, Member
from dtks_desktop.services.core import settings as settings_service
from dtks_desktop.services.core.registry import FamilyRecord, bulk_add_families
from dtks_desktop.services.documents import officials, signers
from dtks_desktop.services.verification import findings, proposals
from tests.verification.conftest import DESA, FAMILIES, M, OTHER_DESA, ROUND, load_civil  # noqa: F401

KELURAHAN = "33.10.20.1015"
VISIT = date(2026, 12, 2)
MEETING_DAY = date(2026, 12, 4)


def ids(db) -> dict[str, int]:
    with db.sessions() as s:
        return {k: v for k, v in s.execute(select(Member.id_dtks, Member.id).where(Member.id_dtks.is_not(None)))}


def household_of(db, id_dtks: str) -> int:
    with db.sessions() as s:
        return s.execute(select(Member.household_id).where(Member.id_dtks == id_dtks)).scalar_one()


@pytest.fixture
def world(db, admin):
    """Registry, civil registry, matching, findings, a proposal, officials and a signatory."""
    from dtks_desktop.services.matching.run import run_matching

    fams = copy.deepcopy(FAMILIES) + [
        FamilyRecord(no_kk="3310201201200001", desa_kode=KELURAHAN, alamat="Jl. Pemuda 7", rt="003", rw="001",
                     members=[M("DARMAJI", "3310200101600001", date(1960, 1, 1), id_dtks="K1")])]
    with db.transaction() as s:
        bulk_add_families(s, fams)
        settings_service.set_office_kab(s, admin, "33.10")
        settings_service.put(s, admin, "verify.putaran", ROUND)
    load_civil(db)
    run_matching(db, admin)
    m = ids(db)
    with db.transaction() as s:
        findings.save_family(s, admin, findings.FamilyEntry(
            household_of(db, "V1"), "layak", tanggal_kunjungan=VISIT, petugas="Siti Aminah",
            members=[findings.MemberEntry(m["V1"], "meninggal"), findings.MemberEntry(m["V2"], "ada"),
                     findings.MemberEntry(m["V3"], "ada", koreksi_nama="BAGUS PRASETYA")]))
        findings.save_family(s, admin, findings.FamilyEntry(
            household_of(db, "V4"), "mampu", tanggal_kunjungan=VISIT, petugas="Siti Aminah",
            members=[findings.MemberEntry(m["V4"], "ada")]))
        findings.save_family(s, admin, findings.FamilyEntry(
            household_of(db, "V5"), "layak", tanggal_kunjungan=date(2026, 12, 3), petugas="Siti Aminah",
            members=[findings.MemberEntry(m["V5"], "ada")]))
        proposals.create_proposal(s, admin, proposals.ProposalInput(
            DESA, [proposals.ProposedPerson("WARSITO", "3310010101900002", hubungan=1),
                   proposals.ProposedPerson("SITI KHOTIJAH", "3310014101920003", hubungan=2)],
            no_kk="3310019999990001", alamat="Dukuh Tegal", rt="004", rw="001", alasan="keluarga miskin baru"))
        officials.set_officials(s, admin, DESA, kepala="SUPARNO", ketua_bpd="H. MUHAMMAD YUSUF",
                                sekretaris="RINA WULANDARI")
        officials.set_officials(s, admin, KELURAHAN, kepala="Drs. BAMBANG SETIAWAN", ketua_bpd="AGUS SALIM",
                                sekretaris="DEWI LESTARI")
        officials.set_officials(s, admin, OTHER_DESA, kepala="WIDODO")
        sig = signers.add_signer(s, admin, nama="SUGENG RIYANTO, S.Sos., M.Si.", nip="197003121990031004",
                                 pangkat="Pembina (IV/a)", jabatan="Camat Klaten Selatan")
        signers.use_signer(s, admin, "berita_acara_musdes", sig.id)
    return db
