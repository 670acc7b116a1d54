"""The machine restores a NIK that a spreadsheet damaged (``match.pulih_otomatis``, on by default).

Member 5 of the small registry (NAYLA PUTRI) is written "3310015003100000.0": the last digit was
lost in a spreadsheet. Dukcapil has 3310015003100001 for a NAYLA PUTRI with the same birth date,
sex, desa and No KK. The clerk should not have to accept that by hand; the clerk must be able to
see it and put the file's NIK back.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from dtks_desktop.db.models import AuditEvent, IdentityHistory, MatchResult, Member
from dtks_desktop.services.core.common import Cancelled
from dtks_desktop.services.matching import engine as E
from dtks_desktop.services.matching import common as match_common
from dtks_desktop.services.matching import decisions as match_decisions
from dtks_desktop.services.matching import review as match_review
from dtks_desktop.services.matching import run as match_run
from dtks_desktop.services.matching import settings as S

from .conftest import EXPECTED, load_civil, load_registry
from .helpers import CIVIL, DESA, DESA2, DESA_OTHER_KEC, build, civil_row, member_row

NAYLA = 5
DAMAGED = "3310015003100000"
TRUE_NIK = "3310015003100001"


@pytest.fixture
def restored(db, admin):
    load_civil(db)
    load_registry(db)
    summary = match_run.run_matching(db, admin)
    assert summary.restored_auto == 1
    return db


def _result(db, member_id):
    with db.sessions() as s:
        return s.execute(select(MatchResult).where(MatchResult.member_id == member_id)).scalar_one()


def _member(db, member_id):
    with db.sessions() as s:
        return s.get(Member, member_id)


def test_spreadsheet_damage_is_restored_audited_and_out_of_the_queue(restored, admin):
    res = _result(restored, NAYLA)
    # with its NIK restored the member is found: "padan dengan catatan", the note being the restoration
    assert (res.status, res.decision, res.nik_matched, res.decided_by) == ("padan_catatan", match_common.AUTO, TRUE_NIK,
                                                                            admin.id)
    reasons = json.loads(res.reasons)
    assert reasons["otomatis"] == {"nik_lama": DAMAGED, "nik_flags_lama": "nik_rusak_excel"}
    assert "dipulihkan otomatis" in reasons["ringkasan"]
    m = _member(restored, NAYLA)
    assert m.nik == TRUE_NIK and m.nik_raw == "3310015003100000.0" and not m.nik_flags
    with restored.sessions() as s:
        hist = s.execute(select(IdentityHistory).where(IdentityHistory.member_id == NAYLA)).scalars().all()
        assert [(h.old_value, h.new_value, h.source) for h in hist] == [(DAMAGED, TRUE_NIK, "pulih_otomatis")]
        upd = s.execute(select(AuditEvent).where(AuditEvent.action == "member.update",
                                                 AuditEvent.entity_id == NAYLA)).scalar_one()
        assert json.loads(upd.old_value) == {"nik": DAMAGED} and json.loads(upd.new_value) == {"nik": TRUE_NIK}
        assert upd.username == "admin" and "spreadsheet" in upd.reason
        auto = s.execute(select(AuditEvent).where(AuditEvent.action == "match.auto_accept")).scalar_one()
        assert json.loads(auto.new_value)["count"] == 1
        # not waiting in the queue; listed under its own filter
        queue = [q.member_id for q in match_review.review_queue(s)]
        assert NAYLA not in queue and match_review.count_queue(s) == len(queue)
        listed = match_review.review_queue(s, status=match_common.AUTO_FILTER)
        assert [q.member_id for q in listed] == [NAYLA] and match_review.count_queue(s, status=match_common.AUTO_FILTER) == 1
        assert match_review.review_item(s, NAYLA).decision == match_common.AUTO
    with restored.sessions() as s:
        assert json.loads(match_run.latest_run(s).counts_json)[match_common.AUTO_COUNT_KEY] == 1
    # everyone else is matched as before
    with restored.sessions() as s:
        st = dict(s.execute(select(MatchResult.member_id, MatchResult.status)).all())
    assert st == {**EXPECTED, NAYLA: "padan_catatan"}


def test_rejecting_a_restoration_puts_the_file_nik_back_and_undo_restores_it(restored, admin):
    r = match_decisions.decide(restored, admin, NAYLA, "tolak")
    assert (r.decision, r.nik_before, r.nik_after) == ("ditolak", TRUE_NIK, DAMAGED)
    m = _member(restored, NAYLA)
    assert m.nik == DAMAGED and m.nik_flags == "nik_rusak_excel"
    res = _result(restored, NAYLA)
    assert res.decision == "ditolak" and res.status == "usulan_koreksi" and res.priority == 0
    with restored.sessions() as s:
        assert match_review.count_queue(s, status=match_common.AUTO_FILTER) == 0
        sources = s.execute(select(IdentityHistory.source).where(IdentityHistory.member_id == NAYLA)
                            .order_by(IdentityHistory.id)).scalars().all()
        assert sources == ["pulih_otomatis", "tolak_pulih_otomatis"]
    # Ctrl+Z: the machine's restoration is back, waiting under its filter again
    assert match_decisions.undo_last(restored, admin)
    m = _member(restored, NAYLA)
    assert m.nik == TRUE_NIK and not m.nik_flags
    assert _result(restored, NAYLA).decision == match_common.AUTO and _result(restored, NAYLA).status == "padan_catatan"
    # a re-run keeps the rejected-then-undone restoration as the machine left it
    match_run.run_matching(restored, admin)
    assert _result(restored, NAYLA).decision == match_common.AUTO and _member(restored, NAYLA).nik == TRUE_NIK


def test_confirming_a_restoration_keeps_the_nik(restored, operator):
    r = match_decisions.decide(restored, operator, NAYLA, "terima")
    assert r.decision == "diterima" and r.nik_before == r.nik_after == TRUE_NIK
    res = _result(restored, NAYLA)
    assert res.decision == "diterima" and res.decided_by == operator.id
    with restored.sessions() as s:
        assert match_review.count_queue(s, status=match_common.AUTO_FILTER) == 0
        ev = s.execute(select(AuditEvent).where(AuditEvent.action == "match.decide")).scalar_one()
        assert "dikonfirmasi" in ev.summary


def test_a_rerun_never_undoes_a_restoration(restored, admin):
    summary = match_run.run_matching(restored, admin, full=True)
    assert summary.restored_auto == 0 and summary.skipped_decided == 1
    assert _result(restored, NAYLA).decision == match_common.AUTO and _member(restored, NAYLA).nik == TRUE_NIK


def test_switched_off_the_correction_waits_for_a_clerk(db, admin):
    with db.transaction() as s:
        S.save_param(s, admin, "pulih_otomatis", 0)
    load_civil(db)
    load_registry(db)
    assert match_run.run_matching(db, admin).restored_auto == 0
    res = _result(db, NAYLA)
    assert res.decision is None and res.status == "usulan_koreksi" and res.priority == 0
    assert _member(db, NAYLA).nik == DAMAGED


def test_a_cancelled_run_restores_nothing(db, admin):
    load_civil(db)
    load_registry(db)
    calls = {"n": 0}

    def count():
        calls["n"] += 1
        return False

    # count the checks on a scratch copy of the run, then cancel at the very last (inside the write)
    with db.transaction() as s:
        S.save_param(s, admin, "pulih_otomatis", 0)
    match_run.run_matching(db, admin, full=True, cancel=count)
    with db.transaction() as s:
        S.save_param(s, admin, "pulih_otomatis", 1)
    last = calls["n"]
    calls["n"] = 0
    with pytest.raises(Cancelled):
        match_run.run_matching(db, admin, full=True, cancel=lambda: (calls.__setitem__("n", calls["n"] + 1)
                                                               or calls["n"] >= last))
    assert _member(db, NAYLA).nik == DAMAGED
    with db.sessions() as s:
        assert s.execute(select(func.count()).select_from(IdentityHistory)).scalar_one() == 0
        assert s.execute(select(func.count()).select_from(AuditEvent)
                         .where(AuditEvent.action == "match.auto_accept")).scalar_one() == 0
        assert _result(db, NAYLA).decision is None


# --- the rule itself (engine, no database) ------------------------------------------------------

def _restore_flags(civil_rows, member_rows, **params):
    members, civil = build(civil_rows, member_rows)
    res = E.link(members, civil, S.MatchParams(**params))
    return res.restore.tolist(), [E.STATUSES[s] for s in res.status]


def _damaged(i, nama, dob, sex="P", **kw):
    return member_row(i, DAMAGED, nama, dob, sex, nik_raw="3.31001500310000E+15", flags="nik_rusak_excel",
                      kk="3310012710160004", **kw)


def test_rule_restores_only_a_single_fitting_person():
    # the fitting person alone in the damage range
    flags, st = _restore_flags(CIVIL, [_damaged(1, "NAYLA PUTRI", date(2010, 3, 10))])
    assert flags == [True] and st == ["usulan_koreksi"]
    # a second person in the same 15 digits who fits almost as well: a clerk decides
    twin = civil_row(99, "3310015003100002", "NAYLA PUTRI", date(2010, 3, 10), "P", kk="3310012710160099",
                     desa=DESA2)
    flags, st = _restore_flags(CIVIL + [twin], [_damaged(1, "NAYLA PUTRI", date(2010, 3, 10))])
    assert flags == [False] and st == ["usulan_koreksi"]
    # the NIK holder is in the extract twice: a clerk decides
    dup = [r if r[0] != 7 else civil_row(7, TRUE_NIK, "NAYLA PUTRI", date(2010, 3, 10), "P",
                                          kk="3310012710160004", flags="nik_ganda") for r in CIVIL]
    dup.append(civil_row(98, TRUE_NIK, "NAYLA PUTRI", date(2010, 3, 10), "P", kk="3310012710160004"))
    flags, _ = _restore_flags(dup, [_damaged(1, "NAYLA PUTRI", date(2010, 3, 10))])
    assert flags == [False]
    # switched off
    flags, _ = _restore_flags(CIVIL, [_damaged(1, "NAYLA PUTRI", date(2010, 3, 10))], pulih_otomatis=0)
    assert flags == [False]
    # a clean NIK that belongs to somebody else is never "restored"
    flags, _ = _restore_flags(CIVIL, [member_row(1, "3310011005050001", "NAYLA PUTRI", date(2010, 3, 10), "P",
                                                 kk="3310012710160004")])
    assert flags == [False]


WIDE = dict(nik_raw="3,31001E+15", flags="nik_rusak_excel", kk="3310012710160004")
# NAYLA's civil record (row 7) with a rarer name, so that the score reaches ambang_pulih with one
# field differing; mother SUKIYEM, desa DESA, born 10-03-2010.
# Neighbours with other names (other desa, other birth dates) so that the name weighs what a rare
# name weighs in a real extract (the term-frequency u of a name is its share of the extract).
_SYL = ("BA", "DI", "KU", "MA", "NO", "RI", "SU", "TO", "WA", "YA")
_NEIGHBOURS = [civil_row(1000 + i, f"3310020101{60 + i // 300:02d}{i % 300 + 1:04d}",
                         f"{_SYL[i % 10]}{_SYL[i // 10 % 10]}{_SYL[i // 100 % 10]} WARGA", date(1960 + i // 300, 1, 1),
                         kk=f"33100227102{i:05d}", desa=DESA_OTHER_KEC, ibu="PAINEM") for i in range(1200)]
NAYLA_RARE = civil_row(7, TRUE_NIK, "NAYLA KHAIRUNNISA", date(2010, 3, 10), "P", kk="3310012710160004")
CIVIL_RARE = [r for r in CIVIL if r[0] != 7] + [NAYLA_RARE] + _NEIGHBOURS


def test_rule_with_few_trusted_digits_needs_everything_to_agree():
    # "3,31001E+15" (a General-format cell): only the kecamatan is left; name, birth date, sex, desa and KK agree -> restored
    ok = member_row(1, None, "NAYLA PUTRI", date(2010, 3, 10), "P", **WIDE)
    no_mother = dict(WIDE, ibu=None)
    moved = member_row(2, None, "NAYLA PUTRI", date(2010, 3, 10), "P", desa=DESA2, **no_mother)
    typo = member_row(3, None, "NAILA PUTRI", date(2010, 3, 10), "P", **no_mother)
    flags, st = _restore_flags(CIVIL, [ok, moved, typo])
    assert flags[0] is True
    # without the mother's name, a move or a spelling difference: a clerk looks
    assert flags[1] is False and flags[2] is False


@pytest.mark.parametrize("case, row, expect", [
    ("moved within the kecamatan", dict(desa=DESA2), True),
    ("moved to another kecamatan", dict(desa=DESA_OTHER_KEC), True),
    ("a typo in the name", dict(nama="NAYLA KHAIRUNISA"), True),
    ("day and month swapped", dict(dob=date(2010, 10, 3)), True),
    # another day is another date: a namesake of the same mother's name may be born then
    ("one part of the birth date", dict(dob=date(2010, 3, 11)), False),
    # two differences at once, or one the rule does not take: a clerk looks
    ("moved and a typo", dict(desa=DESA2, nama="NAYLA KHAIRUNISA"), False),
    ("moved and another day", dict(desa=DESA2, dob=date(2010, 3, 11)), False),
    ("only the year of birth", dict(dob=date(2010, 7, 22)), False),
    ("a name only 80 % alike", dict(nama="NAYLA KHAIRIYAH"), False),
    ("another mother", dict(desa=DESA2, ibu="PAINEM"), False),
    ("mother missing", dict(desa=DESA2, ibu=None), False),
    ("another sex", dict(desa=DESA2, sex="L"), False),
])
def test_rule_with_few_trusted_digits_and_the_mother_agreeing_takes_one_difference(case, row, expect):
    """Issue 10: on a file whose every NIK went through a spreadsheet (six digits left), a member
    whose mother's name agrees may differ in ONE of name (typo / written differently), desa (moved)
    or birth date (day and month swapped) and still be restored by the machine."""
    kw = dict(nama="NAYLA KHAIRUNNISA", dob=date(2010, 3, 10), sex="P")
    kw.update(row)
    extra = {k: kw.pop(k) for k in ("desa", "ibu") if k in kw}
    m = member_row(1, None, kw["nama"], kw["dob"], kw["sex"], **{**WIDE, **extra})
    flags, st = _restore_flags(CIVIL_RARE, [m])
    assert flags == [expect], case
    if expect:
        assert st == ["usulan_koreksi"]


def test_rule_with_few_trusted_digits_leaves_a_close_twin_to_a_clerk():
    """A twin (same mother, birth date, desa, sex) with a name as close as the member's typo is
    also in the extract: the margin leaves it to a clerk."""
    twin = civil_row(99, "3310015003100002", "NAYLA KHAIRUNNISAH", date(2010, 3, 10), "P", kk="3310012710160004")
    m = member_row(1, None, "NAYLA KHAIRUNISA", date(2010, 3, 10), "P", **WIDE)
    flags, _ = _restore_flags(CIVIL_RARE + [twin], [m])
    assert flags == [False]


@pytest.mark.parametrize("written", ["NAYLA P.", "NAYLA"])
def test_rule_restores_a_name_only_written_differently(written):
    """15 trusted digits and a name written as an initial or with a part left off (issue 10): the
    NIK with its last digit unread is still found by the machine; with a twin as close, a clerk decides."""
    flags, st = _restore_flags(CIVIL, [_damaged(1, written, date(2010, 3, 10))])
    assert flags == [True]
    twin = civil_row(99, "3310015003100002", "NAYLA PRATIWI", date(2010, 3, 10), "P", kk="3310012710160004")
    flags, st = _restore_flags(CIVIL + [twin], [_damaged(1, written, date(2010, 3, 10))])
    assert flags == [False]


def test_rule_does_not_take_a_twin_with_a_similar_name():
    """Twins share the first 15 NIK digits, the birth date, the KK and the mother. When the
    member's own person is missing from the extract, a twin whose name is only 80 % alike must
    not be taken for them."""
    twin = civil_row(7, TRUE_NIK, "NAILA PUTRA", date(2010, 3, 10), "P", kk="3310012710160004")
    civil = [r for r in CIVIL if r[0] != 7] + [twin]
    flags, st = _restore_flags(civil, [_damaged(1, "NAYLA PUTRI", date(2010, 3, 10))])
    assert flags == [False]


def test_programme_links_follow_the_restored_nik(db, admin):
    """A programme list names NAYLA by her real NIK; once the machine restored it, she is on it."""
    from dtks_desktop.services.matching.programmes import programmes_of_members

    from ..matching.test_programmes import add_list

    load_civil(db)
    load_registry(db)
    add_list(db, "PKH", [{"nik": TRUE_NIK, "nama": "NAYLA PUTRI"}])
    from dtks_desktop.services.matching.programmes import link_programmes

    link_programmes(db, admin)
    with db.sessions() as s:
        assert programmes_of_members(s, [NAYLA]) == {}  # her file NIK is damaged: not found yet
    summary = match_run.run_matching(db, admin)
    assert summary.restored_auto == 1 and any("Daftar program dicocokkan ulang" in n for n in summary.notes)
    with db.sessions() as s:
        assert [p.program for p in programmes_of_members(s, [NAYLA])[NAYLA]] == ["PKH"]
    # a clerk's later correction is picked up by the next run as well
    with db.transaction() as s:
        S.save_param(s, admin, "pulih_otomatis", 0)
    match_decisions.decide(db, admin, NAYLA, "tolak")
    again = match_run.run_matching(db, admin)
    assert any("Daftar program dicocokkan ulang" in n for n in again.notes)
    with db.sessions() as s:
        assert programmes_of_members(s, [NAYLA]) == {}
    assert not any("Daftar program" in n for n in match_run.run_matching(db, admin).notes)  # nothing changed since


def test_a_member_changed_while_the_run_linked_is_not_restored_and_its_result_is_still_written(db, admin,
                                                                                               monkeypatch):
    """The run reads, links, then writes; a member whose row is gone from what the write sees (an
    edit or a removal committed meanwhile) is not restored, and its proposal is written as usual."""
    load_civil(db)
    load_registry(db)
    real = match_run._current_members

    def without_nayla(s, ids):
        found = real(s, ids)
        found.pop(NAYLA, None)
        return found

    monkeypatch.setattr(match_run, "_current_members", without_nayla)
    summary = match_run.run_matching(db, admin)
    assert summary.restored_auto == 0
    res = _result(db, NAYLA)
    assert (res.status, res.decision, res.nik_matched) == ("usulan_koreksi", None, TRUE_NIK)
    reasons = json.loads(res.reasons)
    assert "otomatis" not in reasons and reasons["status_mesin"] == "usulan_koreksi"
    assert _member(db, NAYLA).nik == DAMAGED
