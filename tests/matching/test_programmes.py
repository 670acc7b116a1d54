"""Programme lists linked to the registry (by NIK, No KK, name + birth date) and double receipt.

Runs on SQLite and, with DTKS_TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, select

from dtks_desktop.domain.permissions import PermissionDenied
from dtks_desktop.db.models import AuditEvent, ImportBatch, ProgrammeLink, ProgrammeRecipient
from dtks_desktop.domain.names import search_key
from dtks_desktop.services.matching import programmes as P
from dtks_desktop.services.core.common import Cancelled
from dtks_desktop.services.core.registry import FamilyRecord, MemberRecord, bulk_add_families

SENGON = "33.10.01.2001"
KOTESAN = "33.10.01.2003"


@pytest.fixture
def registry(db):
    """Three families; returns {short name: (member id, household id)}."""
    fams = [
        FamilyRecord(no_kk="3310011606160001", desa_kode=SENGON, rt="001", rw="002", members=[
            MemberRecord("SLAMET RIYADI", nik="3310011109860001", tanggal_lahir=date(1986, 9, 11), hubungan=1),
            MemberRecord("Hj. SITI AMINAH", nik="3310015810870001", tanggal_lahir=date(1987, 10, 18), hubungan=2),
            MemberRecord("BAYU", nik=None, tanggal_lahir=date(2012, 3, 4), hubungan=3),
        ]),
        FamilyRecord(no_kk="3310011701100002", desa_kode=KOTESAN, members=[
            MemberRecord("PAIDI", nik="3310010101500003", tanggal_lahir=date(1950, 1, 1), hubungan=1),
            # Went through Excel: the last digit became 0.
            MemberRecord("SUKINEM", nik="3310014202550000", nik_flags="nik_rusak_excel", tanggal_lahir=date(1955, 2, 2),
                         hubungan=2),
        ]),
        FamilyRecord(no_kk="3310012001150005", desa_kode=KOTESAN, members=[
            MemberRecord("WARSITO", nik="3310010505800007", tanggal_lahir=date(1980, 5, 5), hubungan=1),
            # Two members called SRI WAHYUNI born the same day (no NIK): a name + date alone is ambiguous.
            MemberRecord("SRI WAHYUNI", nik=None, tanggal_lahir=date(1990, 1, 1), hubungan=2),
        ]),
        FamilyRecord(no_kk="3310012001150006", desa_kode=SENGON, members=[
            MemberRecord("SRI WAHYUNI", nik=None, tanggal_lahir=date(1990, 1, 1), hubungan=1),
        ]),
    ]
    with db.transaction() as s:
        res = bulk_add_families(s, fams)
    ids = {}
    mid, hid = res.first_member_id, res.first_household_id
    for i, f in enumerate(fams):
        for m in f.members:
            ids.setdefault(m.nama, (mid, hid + i))
            mid += 1
    return ids


def add_list(db, program, rows, periode="2026-01"):
    """rows: dicts with nik, nik_flags, no_kk, nama, tanggal_lahir. Returns the recipient ids."""
    with db.transaction() as s:
        batch = ImportBatch(kind="program", program=program, file_name=f"{program}.xlsx", file_sha256="0" * 64,
                            file_size=1)
        s.add(batch)
        s.flush()
        recs = []
        for i, r in enumerate(rows, start=2):
            rec = ProgrammeRecipient(batch_id=batch.id, source_row=i, program=program, periode=periode,
                                     nik=r.get("nik"), nik_flags=r.get("nik_flags"), no_kk=r.get("no_kk"),
                                     nama=r.get("nama"), nama_key=search_key(r.get("nama")) if r.get("nama") else None,
                                     tanggal_lahir=r.get("tanggal_lahir"), desa_kode=r.get("desa_kode"))
            s.add(rec)
            recs.append(rec)
        s.flush()
        return [r.id for r in recs]


def links(db):
    with db.sessions() as s:
        return s.execute(select(ProgrammeLink.recipient_id, ProgrammeLink.member_id, ProgrammeLink.household_id,
                                ProgrammeLink.program, ProgrammeLink.via)
                         .order_by(ProgrammeLink.recipient_id, ProgrammeLink.member_id)).all()


def by_recipient(db):
    return {r.recipient_id: r for r in links(db)}


def test_links_by_nik_first(db, admin, registry):
    rid, = add_list(db, "PKH", [{"nik": "3310011109860001", "no_kk": "3310011606160001", "nama": "Slamet"}])
    summary = P.link_programmes(db, admin)
    got = by_recipient(db)[rid]
    assert (got.member_id, got.household_id, got.via) == (*registry["SLAMET RIYADI"], "nik")
    assert summary.linked == summary.recipients == 1 and summary.by_via == {"nik": 1, "no_kk": 0, "nama_tgl": 0}


def test_links_family_by_no_kk_and_names_the_member_when_the_name_fits(db, admin, registry):
    r_name, r_other = add_list(db, "PKH", [
        # No NIK on the list: the family by KK, and the member by name within that family.
        {"no_kk": "3310011606160001", "nama": "Siti Aminah", "tanggal_lahir": date(1987, 10, 18)},
        # A NIK the registry does not know, and a name not in the family: the family only.
        {"nik": "3310019999990001", "no_kk": "3310011701100002", "nama": "ORANG LAIN"},
    ])
    P.link_programmes(db, admin)
    got = by_recipient(db)
    assert (got[r_name].via, got[r_name].member_id, got[r_name].household_id) == (
        "no_kk", *registry["Hj. SITI AMINAH"])
    assert (got[r_other].via, got[r_other].member_id, got[r_other].household_id) == (
        "no_kk", None, registry["PAIDI"][1])


def test_links_by_name_and_birth_date_only_when_unique(db, admin, registry):
    r_bayu, r_sri = add_list(db, "BLT_DD", [
        {"nama": "bayu", "tanggal_lahir": date(2012, 3, 4)},
        {"nama": "Sri Wahyuni", "tanggal_lahir": date(1990, 1, 1)},  # two members fit: no link
    ])
    s = P.link_programmes(db, admin)
    got = by_recipient(db)
    assert (got[r_bayu].via, got[r_bayu].member_id, got[r_bayu].household_id) == ("nama_tgl", *registry["BAYU"])
    assert r_sri not in got
    assert (s.recipients, s.linked, s.unlinked) == (2, 1, 1)


def test_two_clean_different_niks_are_two_people(db, admin, registry):
    rid, = add_list(db, "PKH", [{"nik": "3310011109860009", "nama": "SLAMET RIYADI",
                                 "tanggal_lahir": date(1986, 9, 11)}])
    P.link_programmes(db, admin)
    assert links(db) == []
    assert rid


def test_damaged_nik_never_links_by_exact_nik(db, admin, registry):
    r_list_damaged, r_member_damaged, r_no_other = add_list(db, "PKH", [
        # The list's NIK went through Excel and happens to equal PAIDI's NIK: not a NIK link;
        # the other rules find him (name + birth date, first 14 digits agree).
        {"nik": "3310010101500000", "nik_flags": "nik_rusak_excel", "nama": "Paidi",
         "tanggal_lahir": date(1950, 1, 1)},
        # SUKINEM's registry NIK is damaged; the list has her true NIK: linked by name + date.
        {"nik": "3310014202550004", "nama": "SUKINEM", "tanggal_lahir": date(1955, 2, 2)},
        # A damaged list NIK equal to a registry NIK, with no other evidence: no link at all.
        {"nik": "3310011109860001", "nik_flags": "nik_wilayah_tidak_dikenal,nik_rusak_excel", "nama": "SIAPA"},
    ])
    # Make the first row's damaged value collide with a clean registry NIK.
    with db.transaction() as s:
        s.execute(ProgrammeRecipient.__table__.update().where(ProgrammeRecipient.id == r_list_damaged)
                  .values(nik="3310010101500003"))
    P.link_programmes(db, admin)
    got = by_recipient(db)
    assert all(r.via != "nik" for r in got.values())
    assert (got[r_list_damaged].via, got[r_list_damaged].member_id) == ("nama_tgl", registry["PAIDI"][0])
    assert (got[r_member_damaged].via, got[r_member_damaged].member_id) == ("nama_tgl", registry["SUKINEM"][0])
    assert r_no_other not in got


def test_damaged_nik_falls_back_to_no_kk(db, admin, registry):
    rid, = add_list(db, "PKH", [{"nik": "3310011109860001", "nik_flags": "nik_rusak_excel",
                                 "no_kk": "3310011606160001", "nama": "SLAMET RIYADI"}])
    P.link_programmes(db, admin)
    got = by_recipient(db)[rid]
    # Family by KK; the member is named by the name key within the family.
    assert (got.via, got.member_id, got.household_id) == ("no_kk", *registry["SLAMET RIYADI"])


def test_rerun_replaces_links_and_counts_per_programme(db, admin, registry):
    pkh = add_list(db, "PKH", [{"nik": "3310011109860001"}, {"no_kk": "3310011701100002"}])
    add_list(db, "BPNT", [{"nik": "3310010505800007"}, {"nik": "3310019999990001"}], periode="2026-02")
    first = P.link_programmes(db, admin)
    assert (first.recipients, first.linked, first.links) == (4, 3, 3)
    counts = {(p.program, p.periode): (p.recipients, p.linked, p.nik, p.no_kk, p.nama_tgl) for p in first.programmes}
    assert counts == {("BPNT", "2026-02"): (2, 1, 1, 0, 0), ("PKH", "2026-01"): (2, 2, 1, 1, 0)}
    assert first.households == 3 and first.members == 2
    again = P.link_programmes(db, admin)
    assert again.links == 3 and len(links(db)) == 3  # replaced, not added
    with db.transaction() as s:
        s.execute(delete(ProgrammeRecipient).where(ProgrammeRecipient.id == pkh[0]))
    third = P.link_programmes(db, admin)
    assert (third.recipients, third.linked) == (3, 2)
    with db.sessions() as s:
        ev = s.execute(select(AuditEvent).where(AuditEvent.action == "programmes.link")
                       .order_by(AuditEvent.id.desc())).scalars().first()
        assert ev.username == "admin" and "2 dari 3" in ev.summary
    assert "ditemukan di DTKS" in third.summary_text()


def test_cancel_leaves_the_old_links(db, admin, registry):
    add_list(db, "PKH", [{"nik": "3310011109860001"}])
    P.link_programmes(db, admin)
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 2  # after the old links were deleted and NIK links inserted

    with pytest.raises(Cancelled):
        P.link_programmes(db, admin, cancel=cancel)
    assert len(links(db)) == 1


def test_programmes_of_member_and_household(db, admin, registry):
    add_list(db, "PKH", [{"no_kk": "3310011606160001"}], periode="2026-01")
    add_list(db, "PKH", [{"no_kk": "3310011606160001"}], periode="2026-04")
    add_list(db, "PBI_JK", [{"nik": "3310015810870001"}], periode=None)
    P.link_programmes(db, admin)
    siti, hid = registry["Hj. SITI AMINAH"]
    with db.sessions() as s:
        assert P.programmes_of_member(s, siti) == [("PBI_JK", None, "nik")]
        fam = P.programmes_of_household(s, hid)
        assert fam == [("PBI_JK", None, "nik"), ("PKH", "2026-04", "no_kk"), ("PKH", "2026-01", "no_kk")]
        assert fam[1].label == "PKH 2026-04"
        assert P.programmes_of_member(s, registry["SLAMET RIYADI"][0]) == []  # the family's, not his
        assert P.programmes_of_members(s, [siti, registry["PAIDI"][0]]) == {siti: [("PBI_JK", None, "nik")]}


def test_rules_default_none_then_set_with_audit(db, admin, supervisor, operator):
    with db.sessions() as s:
        assert P.get_rules(s) == [] and P.count_double_receipts(s) == 0 and P.double_receipts(s) == []
    with db.transaction() as s:
        saved = P.set_rules(s, supervisor, [{"a": " pkh ", "b": "Bansos_Provinsi", "level": "keluarga"},
                                          {"a": "BANSOS_PROVINSI", "b": "PKH", "level": "keluarga"},  # same pair
                                          {"a": "PBI_JK", "b": "BPJS_MANDIRI", "level": "orang"}])
    assert saved == [P.Rule("PKH", "BANSOS_PROVINSI", "keluarga"), P.Rule("PBI_JK", "BPJS_MANDIRI", "orang")]
    with db.sessions() as s:
        assert P.get_rules(s) == saved
        ev = s.execute(select(AuditEvent).where(AuditEvent.action == "settings.update")).scalars().one()
        assert ev.username == "supervisor1" and "programmes.rules" in ev.summary
    for bad, msg in (([{"a": "PKH", "b": "PKH", "level": "orang"}], "sama"),
                     ([{"a": "PKH", "b": "", "level": "orang"}], "kosong"),
                     ([{"a": "PKH", "b": "BPNT", "level": "rumah"}], "keluarga")):
        with pytest.raises(P.RuleError, match=msg):
            with db.transaction() as s:
                P.set_rules(s, admin, bad)
    with pytest.raises(PermissionDenied, match="mengubah aturan penerimaan ganda") as refused:
        with db.transaction() as s:
            P.set_rules(s, operator, [])
    assert "Supervisor, Administrator" in refused.value.hint
    with db.sessions() as s:
        assert P.get_rules(s) == saved  # a refused change leaves the rules as they were


def test_pencetak_may_not_rebuild_links(db, admin):
    from dtks_desktop.services.core.users import create_user

    with db.transaction() as s:
        printer = create_user(s, "cetak1", "rahasia-cetak-1", "pencetak", by=admin)
    with pytest.raises(PermissionDenied, match="Peran Anda"):
        P.link_programmes(db, printer)


def test_double_receipt_per_family_and_per_person(db, admin, registry):
    add_list(db, "PKH", [{"no_kk": "3310011606160001"},  # family of SLAMET (family level)
                         {"nik": "3310010101500003"},  # PAIDI
                         {"nik": "3310010505800007"}])  # WARSITO
    add_list(db, "bansos_provinsi", [{"nik": "3310015810870001"},  # SITI, in SLAMET's family
                                     {"nik": "3310010505800007"}], periode="2026")  # WARSITO again
    P.link_programmes(db, admin)
    with db.transaction() as s:
        P.set_rules(s, admin, [{"a": "PKH", "b": "BANSOS_PROVINSI", "level": "keluarga"},
                               {"a": "PKH", "b": "BANSOS_PROVINSI", "level": "orang"}])
    with db.sessions() as s:
        assert P.count_double_receipts(s) == 3
        rows = P.double_receipts(s, offset=0, limit=10)
        got = [(r.level, r.member_id, r.household_id, r.nama) for r in rows]
        slamet_h = registry["SLAMET RIYADI"][1]
        warsito_m, warsito_h = registry["WARSITO"]
        # By village code (Sengon 2001 before Kotesan 2003), then family; the family row before its people.
        assert got == [("keluarga", None, slamet_h, "SLAMET RIYADI"),
                       ("keluarga", None, warsito_h, "WARSITO"),
                       ("orang", warsito_m, warsito_h, "WARSITO")]
        assert rows[0].desa == "Sengon" and rows[0].kecamatan == "Prambanan" and rows[0].no_kk == "3310011606160001"
        assert rows[0].programmes_label == "PKH (2026-01) + BANSOS_PROVINSI (2026)"
        assert rows[2].nik == "3310010505800007"
        assert [r.member_id for r in P.double_receipts(s, offset=2, limit=5)] == [warsito_m]
        assert P.programme_names(s) == ["BANSOS_PROVINSI", "PKH"]
        only_person = [P.Rule("PKH", "BANSOS_PROVINSI", "orang")]
        assert P.count_double_receipts(s, only_person) == 1


def test_data_view_page_and_family_carry_the_programmes(db, admin, registry):
    """browse.member_rows (one page of the Data view) and browse.family_detail show who is on which list."""
    from dtks_desktop.services.core import browse

    add_list(db, "PKH", [{"no_kk": "3310011606160001", "nama": "SITI AMINAH"}], periode="2026-01")
    add_list(db, "PKH", [{"no_kk": "3310011606160001", "nama": "SITI AMINAH"}], periode="2026-04")
    add_list(db, "PBI_JK", [{"nik": "3310015810870001"}], periode=None)
    add_list(db, "BPNT", [{"no_kk": "3310011701100002", "nama": "SRI SUMARNI"}])  # nobody of that name: the family
    P.link_programmes(db, admin)
    siti, hid = registry["Hj. SITI AMINAH"]
    slamet = registry["SLAMET RIYADI"][0]
    paidi, hid2 = registry["PAIDI"]
    warsito = registry["WARSITO"][0]
    with db.sessions() as s:
        assert P.family_programmes(s, [hid, hid2]) == {hid2: [("BPNT", "2026-01", "no_kk")]}
        rows = {r.id: r for r in browse.member_rows(s, [siti, slamet, paidi, warsito])}
        assert rows[siti].programmes == (("PBI_JK", None, "nik"), ("PKH", "2026-04", "no_kk"),
                                         ("PKH", "2026-01", "no_kk"))
        assert rows[siti].programmes_text == "PBI_JK, PKH"
        assert browse.programme_lines(rows[siti].programmes) == [
            "PBI_JK (tanpa periode): ditemukan menurut NIK",
            "PKH periode 2026-04: ditemukan menurut No KK",
            "PKH periode 2026-01: ditemukan menurut No KK"]
        assert rows[slamet].programmes == () and rows[slamet].programmes_text == ""  # his wife's, not his
        assert rows[paidi].programmes == () and rows[paidi].family_programmes == (("BPNT", "2026-01", "no_kk"),)
        assert rows[paidi].programmes_text == "BPNT (keluarga)"
        assert rows[warsito].programmes_text == "" and rows[warsito].pemadanan_alasan == ()
        fam = browse.family_detail(s, hid).programmes
        assert [(p.label, p.nama, p.via_label) for p in fam] == [
            ("PBI_JK", "Hj. SITI AMINAH", "NIK"), ("PKH 2026-04", "Hj. SITI AMINAH", "No KK"),
            ("PKH 2026-01", "Hj. SITI AMINAH", "No KK")]
        assert [(p.label, p.member_id) for p in browse.family_detail(s, hid2).programmes] == [("BPNT 2026-01", None)]
