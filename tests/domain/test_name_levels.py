"""Table-driven tests for the name comparison levels (dtks_desktop.domain.names.compare_names)."""

from __future__ import annotations

import pytest

from dtks_desktop.domain.names import (NameComparison, NameLevel, compare_name_words, compare_names, compare_words,
                                      first_letter_mask, join_possible, may_be_alike)

L = NameLevel

# id, a, b, level, common_only
CASES = [
    # --- same / order
    ("same", "SITI AMINAH", "SITI AMINAH", L.SAMA, False),
    ("same_after_titles", "Hj. Siti Aminah, S.Pd.", "SITI AMINAH", L.SAMA, False),
    ("same_old_spelling", "SOEKARNO", "SUKARNO", L.SAMA, False),
    ("order", "AMINAH SITI", "SITI AMINAH", L.URUTAN, False),
    # --- initials
    ("initial_first", "Z. SYAIFUL", "ZAINAL SYAIFUL", L.INISIAL, False),
    ("initial_undotted", "S TUKINEM", "SULASTRI TUKINEM", L.INISIAL, False),
    ("initials_two", "R. A. KARTINI", "RADEN AJENG KARTINI", L.INISIAL, False),
    ("initial_last", "SITI A.", "SITI AMINAH", L.INISIAL, True),
    ("initial_last_reversed", "SITI AMINAH", "SITI A.", L.INISIAL, True),
    ("initials_only", "A. B.", "AGUS BUDI", L.INISIAL, True),
    # --- dropped name parts
    ("dropped_trailing", "UMI", "UMI SUHARTI", L.SEBAGIAN_BELAKANG, True),
    ("dropped_trailing_ahmad", "AHMAD", "AHMAD RIZKY", L.SEBAGIAN_BELAKANG, True),
    ("added_trailing", "SRI HENDRA", "SRI", L.SEBAGIAN_BELAKANG, True),
    ("husband_added", "DEWI", "DEWI WAWAN", L.SEBAGIAN_BELAKANG, True),
    ("subset_sri", "SRI", "SRI WAHYUNI", L.SEBAGIAN_BELAKANG, True),
    ("dropped_trailing_uncommon", "SUKIRMAN", "SUKIRMAN WIBOWO", L.SEBAGIAN_BELAKANG, False),
    ("dropped_given", "SUHARTI", "UMI SUHARTI", L.SEBAGIAN_DEPAN, False),
    ("dropped_middle", "SITI RAHAYU", "SITI NUR RAHAYU", L.SEBAGIAN_DEPAN, False),
    ("dropped_and_reordered", "WAHYUNI SRI", "SRI WAHYUNI NINGSIH", L.SEBAGIAN_DEPAN, False),
    ("patronymic_one_side", "SULAIMAN BIN AHMAD", "SULAIMAN", L.SEBAGIAN_BELAKANG, False),
    # --- joined / split
    ("joined_abdurrahman", "ABDURRAHMAN", "ABDUL RAHMAN", L.GABUNG_PISAH, False),
    ("joined_nurhayati", "NURHAYATI", "NUR HAYATI", L.GABUNG_PISAH, False),
    ("joined_muhammad", "MUHAMMADRIZKI", "MUHAMMAD RIZKI", L.GABUNG_PISAH, False),
    ("joined_abdussalam", "ABDUS SALAM", "ABDUSSALAM", L.GABUNG_PISAH, False),
    ("joined_in_longer_name", "SITI NURHAYATI", "SITI NUR HAYATI", L.GABUNG_PISAH, False),
    # --- typos, alone and inside the other levels
    ("typo", "SITI AMINAH", "SITI AMINA", L.MIRIP, False),
    ("typo_transposed", "SUKIRMAN", "SUKRIMAN", L.MIRIP, False),
    ("typo_with_initial", "Z. SYAIFUL", "ZAINAL SYAIPUL", L.MIRIP, False),
    ("dropped_plus_typo", "UMI SUHARTY", "UMI SUHARTI WIBOWO", L.MIRIP_SEBAGIAN, False),
    ("dropped_given_plus_typo", "SUHARTY", "UMI SUHARTI", L.MIRIP_SEBAGIAN, False),
    ("patronymic_plus_typo", "UMI SUHARTI", "UMI SUHARTY BINTI AHMAD", L.MIRIP_SEBAGIAN, False),
    ("joined_plus_typo", "NURHAYATI", "NUR HAYATY", L.MIRIP, False),
    # --- near-miss impostors
    ("impostor_shared_surname", "SRI WAHYUNI", "DWI WAHYUNI", L.BEDA, False),
    ("impostor_shared_given", "SITI AMINAH", "SITI FATIMAH", L.BEDA, True),
    ("impostor_short_words", "SRI", "DWI", L.BEDA, True),
    ("impostor_other_name", "SUKIRMAN", "PAINEM", L.BEDA, True),
    ("impostor_wrong_initial", "B. SYAIFUL", "ZAINAL SYAIFUL", L.BEDA, False),
    ("impostor_initials_order", "B. A.", "AGUS BUDI", L.BEDA, True),
    ("impostor_only_an_initial", "A.", "AGUS BUDI", L.BEDA, True),
    ("impostor_reordered_other", "WAHYUNI SRI", "DWI WAHYUNI NINGSIH", L.BEDA, False),
    ("impostor_nur_joined_only", "NUR", "NURHAYATI", L.BEDA, True),
    ("impostor_dewi_dwi", "DEWI LESTARI", "DWI LESTARI", L.BEDA, False),
    # --- bad input
    ("one_vs_five_words", "SRI", "SRI WAHYUNI NINGSIH RAHAYU PUTRI", L.SEBAGIAN_BELAKANG, True),
    ("five_vs_one_given", "SRI WAHYUNI NINGSIH RAHAYU PUTRI", "PUTRI", L.SEBAGIAN_DEPAN, True),
    ("initials_only_same", "A. B.", "A. B.", L.SAMA, True),
    ("initials_only_other", "A. B.", "A. C.", L.BEDA, True),
    ("only_title", "HJ.", "SITI AMINAH", L.KOSONG, False),
    ("only_titles_both", "HJ.", "IBU", L.KOSONG, False),
    ("empty", "", "SITI", L.KOSONG, False),
    ("none", None, None, L.KOSONG, False),
    ("punctuation_only", "...", "SITI", L.KOSONG, False),
    ("digits", "SITI 2", "SITI", L.SEBAGIAN_BELAKANG, True),
    # --- romanisations (Arabic, Chinese)
    ("muhammad_forms", "MUHAMMAD YUSUF", "MOHAMAD YUSUF", L.SAMA, False),
    ("muhammad_forms_2", "MUHAMAD YUSUF", "MOCH. YUSUF", L.SAMA, False),
    ("muhammad_m_dot", "M. YUSUF", "MUHAMMAD YUSUF", L.SAMA, False),
    ("yusuf_yusup", "MUHAMMAD YUSUF", "MUHAMMAD YUSUP", L.MIRIP, False),
    ("abd_abdul", "ABD. RAHMAN", "ABDUL RAHMAN", L.SAMA, False),
    ("abd_joined", "ABD. RAHMAN", "ABDURRAHMAN", L.GABUNG_PISAH, False),
    ("rahman_rohman", "ABDUL RAHMAN", "ABDUL ROHMAN", L.MIRIP, False),
    ("zainal_zaenal", "ZAINAL ARIFIN", "ZAENAL ARIFIN", L.MIRIP, False),
    ("tan_tjan", "TAN BOEN HOK", "TJAN BUN HOK", L.SAMA, False),
    ("lie_lee", "LIE SWIE LIAN", "LEE SWIE LIAN", L.SAMA, False),
    ("oei_wee", "OEI HONG DJIEN", "WEE HONG JIEN", L.SAMA, False),
    ("liem_lim", "LIEM SIOE LIONG", "LIM SIU LIONG", L.SAMA, False),
]


@pytest.mark.parametrize(("a", "b", "level", "common_only"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_level(a, b, level, common_only):
    r = compare_names(a, b)
    assert isinstance(r, NameComparison)
    assert r.level is level, r
    assert r.common_only is common_only, r
    assert r.explanation.startswith("Nama: ")


@pytest.mark.parametrize(("a", "b", "level", "common_only"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_symmetric_level(a, b, level, common_only):
    r = compare_names(b, a)
    assert r.level is level, r
    assert r.common_only is common_only, r


EXPLANATIONS = [
    ("Z. SYAIFUL", "ZAINAL SYAIFUL", "Nama: disingkat (Z. ↔ ZAINAL)"),
    ("UMI", "UMI SUHARTI", "Nama: sebagian nama tidak ditulis (SUHARTI); hanya nama yang sangat umum sama"),
    ("SUKIRMAN", "SUKIRMAN WIBOWO", "Nama: sebagian nama tidak ditulis (WIBOWO)"),
    ("SUHARTI", "UMI SUHARTI", "Nama: nama depan/tengah tidak ditulis (UMI)"),
    ("NURHAYATI", "NUR HAYATI", "Nama: kata digabung/dipisah (NURHAYATI ↔ NUR HAYATI)"),
    ("SITI AMINAH", "SITI AMINA", "Nama: salah ketik (AMINAH ↔ AMINA)"),
    ("SRI WAHYUNI", "DWI WAHYUNI", "Nama: berbeda (SRI ↔ DWI)"),
    ("AMINAH SITI", "SITI AMINAH", "Nama: urutan kata berbeda (AMINAH SITI ↔ SITI AMINAH)"),
    ("SULAIMAN BIN AHMAD", "SULAIMAN", "Nama: nama ayah (bin/binti) hanya di satu sisi (BIN AHMAD)"),
    ("HJ.", "SITI", "Nama: kosong atau hanya gelar"),
    ("UMI SUHARTY", "UMI SUHARTI WIBOWO",
     "Nama: sebagian nama tidak ditulis (WIBOWO); salah ketik (SUHARTY ↔ SUHARTI)"),
]


@pytest.mark.parametrize(("a", "b", "text"), EXPLANATIONS)
def test_explanation(a, b, text):
    assert compare_names(a, b).explanation == text


def test_details_for_highlighting():
    r = compare_names("Z. SYAIFUL", "ZAINAL SYAIFUL")
    assert (r.detail_a, r.detail_b) == (("Z",), ("ZAINAL",))
    r = compare_names("UMI", "UMI SUHARTI")
    assert (r.detail_a, r.detail_b) == ((), ("SUHARTI",))
    r = compare_names("SITI AMINAH", "SITI AMINA")
    assert (r.detail_a, r.detail_b, r.typo) == (("AMINAH",), ("AMINA",), True)
    assert compare_names("SITI AMINAH", "SITI AMINAH").detail_a == ()


def test_levels_are_ordered_strongest_first():
    order = list(NameLevel)
    assert order[0] is NameLevel.SAMA and order.index(NameLevel.BEDA) == len(order) - 2
    assert NameLevel.INISIAL.rank < NameLevel.SEBAGIAN_BELAKANG.rank < NameLevel.MIRIP_SEBAGIAN.rank
    assert NameLevel.SEBAGIAN_BELAKANG.rank < NameLevel.SEBAGIAN_DEPAN.rank


@pytest.mark.parametrize("junk", ["", "   ", "-", ".,.,", "HJ.", "A.", "12345", "ÀÉÎ", "SITI\tAMINAH", "X" * 300, 123])
def test_no_crash_on_junk(junk):
    for other in ("SITI AMINAH", "A. B.", "", junk):
        r = compare_names(junk, other)
        assert isinstance(r.level, NameLevel)


def test_first_letter_mask_never_hides_a_match():
    """The engine skips compare_names for pairs whose first-letter masks share no bit: such a pair
    must always be ``beda`` (every case above, both ways, and pairs across cases)."""
    names = sorted({x or "" for c in CASES for x in (c[1], c[2])} | {"", "HJ.", "A.", "CAN KIM", "TJAN KIM", "WEE LIAN",
                                                                   "OEI LIAN", "ABDURRAHMAN", "ABD. RAHMAN"})
    skipped = 0
    for a in names:
        for b in names:
            if first_letter_mask(a) & first_letter_mask(b) == 0:
                skipped += 1
                assert compare_names(a, b).level in (NameLevel.BEDA, NameLevel.KOSONG), (a, b)
    assert skipped > len(names)  # the test does look at skipped pairs
    assert first_letter_mask("HJ.") == 0 and first_letter_mask(None) == 0
    assert first_letter_mask("TJAN KIM") & first_letter_mask("TAN KIM")  # romanisation aliases first


# Joins in both directions at once: neither name's first letters are among the other's.
_CROSS_JOINS = [("NURHAYATI ABDUL RAHMAN", "NUR HAYATI ABDURRAHMAN"), ("NUR HAYATI ABDURRAHMAN", "NURHAYATI ABDUL RAHMAN"),
                ("MUHAMMADRIZKI ADI PUTRA", "MUHAMMAD RIZKI ADIPUTRA")]


def test_may_be_alike_never_hides_a_match():
    """The engine asks compare_names only for pairs that ``may_be_alike`` (80 % of the pairs of a
    file whose every member goes through blocking are not): a pair it turns away must always be
    ``beda`` or ``kosong``, for every case above, both ways, across cases, and for joins both ways."""
    names = sorted({x or "" for c in CASES for x in (c[1], c[2])} | {x for p in _CROSS_JOINS for x in p}
                   | {"", "HJ.", "A.", "CAN KIM", "TJAN KIM", "SITI RAHAYU", "SRI RAHAYU NINGSIH", "RAHAYU SITI",
                      "SITI AMINAH BINTI AHMAD", "A. B. C.", "NUR AINI", "NURAINI SITI"})
    turned_away = 0
    for a in names:
        for b in names:
            if not may_be_alike(a, b):
                turned_away += 1
                assert compare_names(a, b).level in (NameLevel.BEDA, NameLevel.KOSONG), (a, b)
    assert turned_away > len(names) * 5  # the test does look at pairs turned away


@pytest.mark.parametrize("a,b", _CROSS_JOINS)
def test_joins_both_ways_are_alike_through_join_possible(a, b):
    mask_a, mask_b = first_letter_mask(a), first_letter_mask(b)
    assert mask_a & ~mask_b and mask_b & ~mask_a  # neither name's first letters among the other's
    assert join_possible(compare_words(a), compare_words(b)) and may_be_alike(a, b)
    assert compare_names(a, b).level == NameLevel.GABUNG_PISAH


@pytest.mark.parametrize("a,b", [("SITI AMINAH", "SITI RAHAYU"), ("SRI WAHYUNI", "DWI WAHYUNI"),
                                 ("MUHAMMAD RIZKI", "MUHAMMAD FAUZI"), ("NUR AINI", "NUR HASANAH")])
def test_may_be_alike_turns_away_a_shared_common_word(a, b):
    """The commonest costly pair: one shared word, the other words different on both sides."""
    assert not may_be_alike(a, b) and compare_names(a, b).level == NameLevel.BEDA


def test_compare_name_words_is_compare_names():
    for _id, a, b, *_ in CASES:
        assert compare_name_words(compare_words(a), compare_words(b)) == compare_names(a, b)
