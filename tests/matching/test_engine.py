"""The linkage engine on hand-made pairs (no database)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from dtks_desktop.domain.names import without_patronymic
from dtks_desktop.services.matching import engine as E
from dtks_desktop.services.matching import settings as S

from .helpers import CIVIL, DESA, DESA2, DESA_OTHER_KEC, build, civil_row, member_row

F = {f: i for i, f in enumerate(S.FIELDS)}

# (case, member row, expected status, expected civil id (link) or None, {field: level})
CASES = [
    ("identical", member_row(101, "3310011508680001", "SUPARMI", date(1968, 8, 15), "P", ibu="PAINEM"),
     "padan", 1, {"nama": "sama", "tanggal_lahir": "sama"}),
    ("title before the name", member_row(102, "3310012003700001", "H. AHMAD SUDIRMAN", date(1970, 3, 20)),
     "padan_catatan", 2, {"nama": "sama_beda_tulisan"}),
    ("degree after the name", member_row(103, "3310012003700001", "Drs. Ahmad Sudirman, S.Pd.", date(1970, 3, 20)),
     "padan_catatan", 2, {"nama": "sama_beda_tulisan"}),
    ("old spelling", member_row(104, "3310011508680001", "SOEPARMI", date(1968, 8, 15), "P", ibu="PAINEM"),
     "padan_catatan", 1, {"nama": "sama_beda_tulisan"}),
    ("Muhammad abbreviation", member_row(105, "3310010101900002", "MOCH. RIZKY", date(1990, 1, 1),
                                         kk="3310012710160002"),
     "padan_catatan", 3, {"nama": "sama_beda_tulisan"}),
    ("given-name order", member_row(106, "3310014512950001", "AMINAH SITI", date(1995, 12, 5), "P",
                                    kk="3310012710160003"),
     "padan_catatan", 4, {"nama": "urutan"}),
    ("case, dots and spaces only", member_row(107, "3310011508680001", "  suparmi. ", date(1968, 8, 15), "P",
                                              ibu="PAINEM"),
     "padan", 1, {"nama": "sama"}),
    ("Excel-damaged NIK (truncated)", member_row(108, "3310011508680000", "SUPARMI", date(1968, 8, 15), "P",
                                                 ibu="PAINEM", nik_raw="3310011508680000.0", flags="nik_rusak_excel"),
     "usulan_koreksi", 1, {"nik": "excel"}),
    ("Excel-damaged NIK in scientific notation", member_row(109, None, "AHMAD SUDIRMAN", date(1970, 3, 20),
                                                            nik_raw="3,31001E+15",
                                                            flags="nik_tidak_sah,nik_rusak_excel"),
     "usulan_koreksi", 2, {"nik": "kosong", "nama": "sama"}),
    ("one substituted digit", member_row(110, "3310012003700007", "AHMAD SUDIRMAN", date(1970, 3, 20)),
     "usulan_koreksi", 2, {"nik": "satu_digit"}),
    ("two swapped digits", member_row(111, "3310012003070001", "AHMAD SUDIRMAN", date(1970, 3, 20)),
     "usulan_koreksi", 2, {"nik": "tukar"}),
    ("NIK of a sibling", member_row(112, "3310012212000003", "DIMAS ARDIANSYAH", date(2005, 5, 10),
                                    kk="3310012710160004"),
     "nik_orang_lain", 6, {"nama": "sama", "nik": "beda"}),
    ("moved to another kecamatan", member_row(113, "3310011807820001", "JOKO HIDAYAT", date(1982, 7, 18),
                                              kk="3310012710169999", ibu="ENDANG RAHAYU", desa=DESA),
     "padan_catatan", 8, {"desa": "pindah_kec", "no_kk": "beda"}),
    ("no NIK, found by name and birth date", member_row(114, None, "HARTONO", date(1961, 8, 31),
                                                        kk="3310012710160011"),
     "usulan_koreksi", 15, {"nik": "kosong"}),
    ("not in the civil registry", member_row(115, "3310010202020001", "RATNA SARI", date(2002, 2, 2), "P",
                                             kk="3310012710169998"),
     "tidak_padan", None, {}),
    ("one-letter name, everything else equal", member_row(116, "3310010707770001", "A", date(1977, 7, 7),
                                                          kk="3310012710160007"),
     "padan_catatan", 11, {"nama": "kosong"}),
    ("one-letter name in the registry only", member_row(117, None, "S", date(1955, 11, 11),
                                                        kk="3310019999990000"),
     "tidak_padan", None, {}),
    ("no birth date, exact NIK", member_row(118, "3310011111550001", "SLAMET RIYADI", None,
                                            kk="3310012710160008"),
     "padan_catatan", 12, {"tanggal_lahir": "kosong"}),
    ("no birth date, no NIK", member_row(119, None, "SLAMET RIYADI", None, kk="3310012710160008"),
     "usulan_koreksi", 12, {"tanggal_lahir": "kosong"}),
    ("birth date day and month swapped", member_row(120, "3310012504880001", "BUDI SANTOSO", date(1988, 4, 25),
                                                    kk="3310012710160009"),
     "padan", 13, {"tanggal_lahir": "sama"}),
    ("duplicate NIK in the civil registry", member_row(121, "3310016405660001", "KARTINI", date(1966, 5, 24), "P",
                                                       kk="3310012710160006", ibu="SARMI"),
     "padan_catatan", 10, {"nama": "sama"}),
]


def _run(rows):
    members, civil = build(CIVIL, rows)
    res = E.link(members, civil)
    return members, civil, res


@pytest.mark.parametrize("case,row,status,civil_id,levels", CASES, ids=[c[0] for c in CASES])
def test_case(case, row, status, civil_id, levels):
    members, civil, res = _run([row])
    assert E.STATUSES[res.status[0]] == status, (case, res.notes[0], res.levels[0])
    got = int(civil.t.ids[res.civil[0]]) if res.civil[0] >= 0 else None
    assert got == civil_id
    for f, lvl in levels.items():
        assert S.FIELD_LEVELS[f][res.levels[0, F[f]]] == lvl, (case, f)


def test_swapped_day_month_is_a_note():
    row = member_row(1, "3310012504880001", "BUDI SANTOSO", date(1988, 4, 25).replace(month=4, day=25),
                     kk="3310012710160009")
    members, civil, res = _run([row])
    assert E.STATUSES[res.status[0]] == "padan"
    row = member_row(1, "3310011111550001", "SLAMET RIYADI", date(1955, 11, 11).replace(day=11, month=11),
                     kk="3310012710160008")
    swapped = member_row(2, "3310013108610001", "HARTONO", date(1961, 8, 31), kk="3310012710160011")
    _, _, res = _run([row, swapped])
    assert list(res.status) == [E.PADAN, E.PADAN]


def test_dob_levels():
    base = dict(kk="3310012710160009")
    rows = [member_row(1, "3310012504880001", "BUDI SANTOSO", date(1988, 4, 26), **base),
            member_row(2, "3310012504880001", "BUDI SANTOSO", date(1986, 4, 25), **base),
            member_row(3, "3310012504880001", "BUDI SANTOSO", date(1988, 1, 1), **base)]
    _, _, res = _run(rows)
    names = [S.FIELD_LEVELS["tanggal_lahir"][v] for v in res.levels[:, F["tanggal_lahir"]]]
    assert names == ["satu_beda", "satu_beda", "tahun_sama"]
    assert [E.STATUSES[s] for s in res.status] == ["padan_catatan"] * 3


def test_swap_level():
    civil = CIVIL + [civil_row(99, "3310010512800001", "EKO", date(1980, 12, 5), kk="3310012710169990", ibu="SRI")]
    members, civ = build(civil, [member_row(1, "3310010512800001", "EKO", date(1980, 5, 12), kk="3310012710169990",
                                            ibu="SRI")])
    res = E.link(members, civ)
    assert S.FIELD_LEVELS["tanggal_lahir"][res.levels[0, F["tanggal_lahir"]]] == "tukar"
    assert E.STATUSES[res.status[0]] == "padan_catatan"


def test_excel_damaged_nik_picks_the_right_person_among_neighbours():
    # Two people share the 15 leading digits; name and birth date decide.
    civil = CIVIL + [civil_row(98, "3310011508680004", "SUKINEM", date(1968, 8, 15), "P", kk="3310012710169991",
                               ibu="SARMI")]
    members, civ = build(civil, [member_row(1, "3310011508680000", "SUKINEM", date(1968, 8, 15), "P",
                                            kk="3310012710169991", ibu="SARMI", nik_raw="3310011508680000.0",
                                            flags="nik_rusak_excel")])
    res = E.link(members, civ)
    assert E.STATUSES[res.status[0]] == "usulan_koreksi"
    assert civ.t.ids[res.civil[0]] == 98
    assert members.damaged[0]
    assert E.priority_of("usulan_koreksi", True) == 0


def test_duplicate_nik_in_civil_registry_flagged_and_kept():
    members, civil, res = _run([member_row(1, "3310016405660001", "WARSINAH", date(1966, 5, 24), "P",
                                           kk="3310012710160005")])
    assert civil.dup_nik[[8, 9]].all()  # rows of ids 9 and 10
    assert civil.t.ids[res.civil[0]] == 9
    assert any("NIK ganda" in n for n in res.notes[0])


def test_ganda_two_registry_rows_one_person():
    rows = [member_row(1, "3310011508680001", "SUPARMI", date(1968, 8, 15), "P", ibu="PAINEM"),
            member_row(2, "3310011508680000", "SUPARMI", date(1968, 8, 15), "P", ibu="PAINEM",
                       nik_raw="3310011508680000.0", flags="nik_rusak_excel")]
    members, civil, res = _run(rows)
    assert res.civil[0] == res.civil[1] >= 0
    keeper = E.assign_ganda(res.civil, res.base_status.astype(np.int64), res.score, members.ids)
    assert keeper.tolist() == [-1, 0]  # the second row is a duplicate of the first (padan wins)
    # A clerk's accepted link keeps its place whatever the scores.
    keeper = E.assign_ganda(res.civil, res.base_status.astype(np.int64), res.score, members.ids,
                            fixed=np.array([False, True]))
    assert keeper.tolist() == [1, -1]


def test_deterministic_and_input_order_independent_results():
    rows = [c[1] for c in CASES]
    _, _, a = _run(rows)
    _, _, b = _run(rows)
    assert a.status.tolist() == b.status.tolist() and a.civil.tolist() == b.civil.tolist()
    assert np.allclose(a.score, b.score)
    _, _, c = _run(rows[::-1])
    assert c.status.tolist()[::-1] == a.status.tolist()


def test_rare_name_weighs_more_than_common_name():
    civil = list(CIVIL) + [civil_like(200 + i, f"33100105058{i:04d}1"[:16], "SITI AMINAH") for i in range(20)]
    civil += [civil_like(1000 + i, f"3310020101{i:06d}", f"WARGA {chr(65 + i % 26)}{chr(65 + i // 26 % 26)}")
              for i in range(2000)]
    members, civ = build(civil, [
        member_row(1, "3310014512950001", "SITI AMINAH", date(1995, 12, 5), "P", kk="3310012710160003"),
        member_row(2, "3310016405660001", "WARSINAH", date(1966, 5, 24), "P", kk="3310012710160005")])
    res = E.link(members, civ)
    assert res.weights[1, F["nama"]] > res.weights[0, F["nama"]] + 2


def civil_like(i, nik, nama):
    return civil_row(i, nik, nama, date(1950, 1, 1), "P", kk="3310019999990001", ibu="X", desa=DESA2)


def test_explanations_in_indonesian():
    members, civil, res = _run([
        member_row(1, "3310011807820001", "JOKO HIDAYAT", date(1982, 7, 18), kk="3310012710169999",
                   ibu="ENDANG RAHAYU", desa=DESA),
        member_row(2, "3310011508680001", "SOEPARMI", date(1968, 8, 15), "P", ibu="PAINEM")])
    note = E.field_note("desa", "pindah_kec", DESA, DESA_OTHER_KEC, region_name=lambda c: {
        "33.10.02": "JOGONALAN", DESA_OTHER_KEC: "TEGALMAS"}.get(c))
    assert note == "Desa: pindah ke Kec. JOGONALAN (Desa TEGALMAS)"
    assert E.field_note("nama", "sama_beda_tulisan", "SOEPARMI", "SUPARMI") == \
        "Nama: beda ejaan lama (SOEPARMI ↔ SUPARMI)"
    assert "gelar" in E.field_note("nama", "sama_beda_tulisan", "H. AHMAD", "AHMAD")
    assert E.field_note("tanggal_lahir", "sama", date(1990, 1, 1), date(1990, 1, 1)) == "Tanggal lahir: sama"
    assert "tertukar" in E.field_note("tanggal_lahir", "tukar", date(1990, 5, 12), date(1990, 12, 5))
    fields = E.explain_fields(res.levels[0], res.weights[0], {}, {}, region_name=lambda c: None)
    assert [f["f"] for f in fields] == list(S.FIELDS)


def test_empty_inputs():
    members, civil = build(CIVIL, [])
    res = E.link(members, civil)
    assert len(res.status) == 0
    members, civil = build([], [member_row(1, "3310011508680001", "SUPARMI", date(1968, 8, 15), "P")])
    res = E.link(members, civil)
    assert E.STATUSES[res.status[0]] == "tidak_padan"


def test_cancel_raises():
    from dtks_desktop.services.core.common import Cancelled

    members, civil = build(CIVIL, [c[1] for c in CASES])
    with pytest.raises(Cancelled):
        E.link(members, civil, cancel=lambda: True)


def test_a_patronymic_on_one_side_only_is_the_same_name():
    """Aceh/Sumatra: "SULAIMAN BIN AHMAD" in DTKS, "SULAIMAN" on the KTP (or the other way round)."""
    from datetime import date

    from .helpers import build, civil_row, member_row

    civil = [civil_row(1, "1101011505700001", "SULAIMAN", date(1970, 5, 15), kk="1101012710160001", desa="11.01.01.2001"),
             civil_row(2, "1101015505750001", "SITI AISYAH BINTI YUSUF", date(1975, 5, 15), "P",
                       kk="1101012710160001", desa="11.01.01.2001")]
    members = [member_row(1, "1101011505700001", "SULAIMAN BIN AHMAD", date(1970, 5, 15), kk="1101012710160001",
                          desa="11.01.01.2001"),
               member_row(2, "1101015505750001", "SITI AISYAH", date(1975, 5, 15), "P", kk="1101012710160001",
                          desa="11.01.01.2001")]
    m, c = build(civil, members)
    res = E.link(m, c, S.DEFAULTS)
    assert [E.STATUSES[x] for x in res.status] == ["padan_catatan", "padan_catatan"]
    assert res.name_sim[0] == 1.0 and res.name_sim[1] == 1.0
    assert without_patronymic("SULAIMAN BIN AHMAD") == "SULAIMAN"
    assert without_patronymic("BINTANG SAMUDRA") is None and without_patronymic("ABDUL BIN") is None


def _exact_nik_case(civil_name, member_name, **member_fields):
    """A member carrying the exact, intact NIK of ``civil_name`` (same birth date and sex)."""
    desa = "73.71.01.1001"
    civil = [civil_row(1, "7371011505700001", civil_name, date(1970, 5, 15), "P", kk="7371012710160001",
                       ibu="MARYAM", desa=desa)]
    fields = dict(kk="7371012710160001", ibu="MARYAM", desa=desa) | member_fields
    m, c = build(civil, [member_row(1, "7371011505700001", member_name, date(1970, 5, 15), "P", **fields)])
    res = E.link(m, c, S.DEFAULTS)
    lvl = S.FIELD_LEVELS["nama"][res.levels[0, F["nama"]]]
    return E.STATUSES[res.status[0]], lvl, res


@pytest.mark.parametrize("family", ["same", "other"])
def test_exact_nik_with_an_abbreviated_name_is_the_same_person(family):
    """Issue 10 part 3: the NIK carries birth date and sex; a name written as an initial is no
    disagreement (before: ``beda`` by the character ratio, so usulan_koreksi or nik_orang_lain)."""
    other = dict(kk="7371019999990001", ibu="ROSMINA", desa="73.71.02.1001") if family == "other" else {}
    status, lvl, res = _exact_nik_case("ZAINAL SYAIFUL", "Z. SYAIFUL", **other)
    assert (status, lvl) == ("padan_catatan", "inisial")
    assert int(res.civil[0]) == 0
    assert E.field_note("nama", lvl, "Z. SYAIFUL", "ZAINAL SYAIFUL") == "Nama: disingkat (Z. ↔ ZAINAL)"
    if family == "other":  # accepted on the NIK, birth date and sex alone: said so
        assert res.identity[0] < S.DEFAULTS.ambang_terima
        assert "nama hanya ditulis berbeda" in " ".join(res.notes[0])


def test_exact_nik_with_a_really_different_name_stays_somebody_else():
    """SRI WAHYUNI / DWI WAHYUNI: words left off on both sides are different names."""
    status, lvl, res = _exact_nik_case("DWI WAHYUNI", "SRI WAHYUNI", kk="7371019999990001", ibu="ROSMINA",
                                       desa="73.71.02.1001")
    assert status == "nik_orang_lain"
    assert lvl not in S.NAME_WRITTEN_LEVELS


def test_a_twin_on_the_other_twins_nik_is_not_accepted():
    """SRI WAHYUNI on DWI WAHYUNI's NIK, same KK, mother, desa, birth date and sex (twins): the
    character ratio (0.82) used to call the names alike and the holder was accepted. One word that
    is clearly another name makes the name ``beda``: the holder is not accepted on its NIK alone."""
    status, lvl, res = _exact_nik_case("DWI WAHYUNI", "SRI WAHYUNI")
    assert lvl == "beda"
    assert status not in ("padan", "padan_catatan")


@pytest.mark.parametrize("member,civil", [("KUSNADI", "GUSNADI"), ("SITI AMINAH", "SITI ANIMAH")])
def test_a_misspelt_word_stays_alike(member, civil):
    """A word misspelt (first letter, letters swapped) is not "clearly another name"."""
    status, lvl, res = _exact_nik_case(civil, member)
    assert lvl in ("mirip80", "mirip90")
    assert status == "padan_catatan"


@pytest.mark.parametrize("member,civil,level", [
    ("ABDUSSALAM", "ABDUL SALAM", "gabung_pisah"),
    ("SRI WAHYUNI NINGSIH", "SRI WAHYUNI", "sebagian_belakang"),
    ("ZAINAL SYAIFUL", "Z. SYAIFUL", "inisial"),
    ("SULASTRI", "SRI SULASTRI", "sebagian_depan"),
    ("SRI", "SRI WAHYUNI", "sebagian_umum"),
])
def test_written_name_levels_in_the_engine(member, civil, level):
    status, lvl, res = _exact_nik_case(civil, member)
    assert lvl == level
    assert status == "padan_catatan"
    w = S.level_weights()["nama"]
    assert w[S.NAME_LEVELS.index("mirip80")] <= res.weights[0, F["nama"]] <= w[S.NAME_LEVELS.index("mirip90")]
    note = E.field_note("nama", lvl, member, civil)
    assert note.startswith("Nama: ") and note != "Nama: " + lvl


def test_result_rows_explain_every_field_as_explain_fields_does():
    """The result builder shares the notes that name no value between rows; every row's
    "bidang" must still be exactly what explain_fields says for that member and candidate."""
    import json

    from dtks_desktop.services.matching.result_rows import ResultBuilder

    members, civil, res = _run([c[1] for c in CASES])
    rb = ResultBuilder(members, civil, res, region_name=lambda c: None)
    v = civil.vocab

    def vals(t, i, nik):
        return {"nik": f"{nik:016d}" if nik >= 0 else None,
                "nama": v.raw.values[t.raw[i]] if t.raw[i] >= 0 else None, "tanggal_lahir": int(t.dob[i]),
                "jenis_kelamin": {1: "L", 2: "P"}.get(int(t.sex[i])),
                "nama_ibu": v.mothers.values[t.mother[i]] if t.mother[i] >= 0 else None,
                "no_kk": f"{int(t.kk[i]):016d}" if t.kk[i] >= 0 else None,
                "desa": v.desa.values[t.desa[i]] if t.desa[i] >= 0 else None}

    rows = rb.rows(0, members.n, ["fp"] * members.n, 1, [None] * members.n)
    checked = 0
    for i, row in enumerate(rows):
        d = json.loads(row[5])
        ci = int(res.civil[i])
        best = ci if ci >= 0 else (res.candidates[i][0][0] if res.candidates[i] else -1)
        if best < 0:
            assert d["bidang"] == []
            continue
        want = E.explain_fields(res.levels[i], np.round(res.weights[i].astype(np.float64), 2).tolist(),
                                vals(members, i, int(members.nik_any[i])), vals(civil.t, best, int(civil.t.nik[best])),
                                sim=float(res.name_sim[i]), region_name=lambda c: None)
        assert d["bidang"] == want, CASES[i][0]
        checked += 1
    assert checked >= len(CASES) - 2


def test_written_levels_in_bulk_equal_compare_names_on_every_pair(monkeypatch):
    """The engine asks compare_names only for the pairs that may be alike (names.may_be_alike in
    bulk); the name level of every pair must be what asking it for every pair gives."""
    from dtks_desktop.services.matching.engine import comparison as C

    rng = np.random.default_rng(7)
    words = ["SITI", "SRI", "NUR", "MUHAMMAD", "AHMAD", "ABDUL", "RAHMAN", "ABDURRAHMAN", "NURHAYATI", "HAYATI",
             "AMINAH", "A.", "Z.", "ZAINAL", "WAHYUNI", "DWI", "RIZKI", "RIZKY", "MUHAMMADRIZKI", "BIN", "TAN", "TJAN",
             "SALAM", "ABDUSSALAM", "PUTRI", "PUTRA", "ADI", "ADIPUTRA", "SURYANI", "SURYANTI"]
    names = sorted({" ".join(rng.choice(words, size=rng.integers(1, 4))) for _ in range(400)}
                   | {"NURHAYATI ABDUL RAHMAN", "NUR HAYATI ABDURRAHMAN", "SITI AMINAH", "SITI RAHAYU"})
    civ = [civil_row(i + 1, f"33100101019{i:05d}", n, date(1980, 1, 1)) for i, n in enumerate(names)]
    mem = [member_row(i + 1, None, n, date(1980, 1, 1)) for i, n in enumerate(names)]
    members, civil = build(civ, mem)
    civil.refresh_vocab()
    mi, ci = (g.ravel() for g in np.meshgrid(np.arange(members.n), np.arange(civil.n), indexing="ij"))
    got = C.Comparator(members, civil, S.DEFAULTS).compare(mi, ci)[0][:, F["nama"]]

    # the reference: the ratio level alone, then compare_names on every pair that has one
    monkeypatch.setattr(C.Comparator, "_written_levels", lambda self, a, b, ratio: ratio)
    ratio = C.Comparator(members, civil, S.DEFAULTS).compare(mi, ci)[0][:, F["nama"]]
    w = S.level_weights()["nama"]
    want = ratio.copy()
    asked = 0
    for k in np.flatnonzero(ratio >= C._NAME["mirip80"]).tolist():
        cn = C.cn_level(names[mi[k]], names[ci[k]])
        asked += 1
        if cn >= 0 and w[cn] > w[ratio[k]]:
            want[k] = cn
        elif cn == C.OTHER_WORD and ratio[k] == C._NAME["mirip80"]:
            want[k] = C._NAME["beda"]
    assert asked > 50_000
    assert (got == want).all(), [(names[mi[k]], names[ci[k]], S.NAME_LEVELS[got[k]], S.NAME_LEVELS[want[k]])
                                 for k in np.flatnonzero(got != want)[:5]]
    assert len(set(got.tolist()) & set(C.NAME_WRITTEN.tolist())) >= 4  # the written levels do occur
