"""Table-driven tests for dtks_desktop.domain.names."""

from __future__ import annotations

import random

import pytest

from dtks_desktop.domain.names import (
    display_name,
    has_digits,
    modernize_spelling,
    name_key,
    name_tokens,
    normalize_name,
    search_key,
)

TITLES = [
    # id, name, normalized
    ("haji_dotted", "H. Ahmad Yusuf", "AHMAD YUSUF"),
    ("haji_glued", "H.Ahmad Yusuf", "AHMAD YUSUF"),
    ("haji_undotted_leading", "H AHMAD YUSUF", "AHMAD YUSUF"),
    ("h_initial_kept_at_end", "AHMAD H", "AHMAD H"),
    ("hajah_hj", "Hj. Siti Aminah", "SITI AMINAH"),
    ("hajah_hj_undotted", "HJ SITI AMINAH", "SITI AMINAH"),
    ("haji_word", "HAJI AHMAD", "AHMAD"),
    ("hajah_word", "HAJAH SITI", "SITI"),
    ("kyai_haji", "K.H. Ahmad Dahlan", "AHMAD DAHLAN"),
    ("drs", "Drs. Sutrisno", "SUTRISNO"),
    ("dra", "Dra. Sulastri", "SULASTRI"),
    ("dr", "Dr. Sutrisno", "SUTRISNO"),
    ("dr_lower", "dr. Budi", "BUDI"),
    ("ir", "Ir. Sutrisno", "SUTRISNO"),
    ("prof", "Prof. Sutrisno", "SUTRISNO"),
    ("before_chain", "DRS. H. AHMAD", "AHMAD"),
    ("prof_dr_ir_h", "Prof. Dr. Ir. H. Sutrisno, M.Sc.", "SUTRISNO"),
    ("s_pd_after_comma", "BUDI, S.PD.", "BUDI"),
    ("s_pd_two_degrees", "Budi Santoso, S.Pd., M.Pd.", "BUDI SANTOSO"),
    ("s_e", "BUDI, S.E.", "BUDI"),
    ("s_h", "BUDI, S.H.", "BUDI"),
    ("s_kom", "BUDI, S.Kom.", "BUDI"),
    ("s_ag", "Hj. Siti Aminah, S.Ag", "SITI AMINAH"),
    ("m_pd", "BUDI, M.PD", "BUDI"),
    ("a_md", "RINA, A.Md.", "RINA"),
    ("a_md_keb", "RINA, A.MD.KEB", "RINA"),
    ("glued_initials_before_name_not_a_degree", "M.T. Haryono", "MUHAMMAD T HARYONO"),
    ("glued_initials_s_h_before_name", "S.H. MINTAREDJA", "S MINTAREJA"),
    ("st_title_after_comma", "BUDI, ST", "BUDI"),
    ("st_dotted", "ST. AISYAH", "AISYAH"),
    ("degree_after_comma_undotted", "BUDI, SPD", "BUDI"),
    ("degree_after_comma_spaced", "BUDI, S. PD.", "BUDI"),
    ("degree_at_end_glued", "BUDI SANTOSO S.PD", "BUDI SANTOSO"),
    ("degree_at_end_undotted", "BUDI SANTOSO SPD", "BUDI SANTOSO"),
    ("degree_at_end_spaced", "BUDI S. PD", "BUDI"),
    ("degree_sh_at_end", "AHMAD SH", "AHMAD"),
    ("specialist", "dr. Budi, Sp.PD", "BUDI"),
    ("bpk", "Bpk. Slamet", "SLAMET"),
    ("bapak", "BAPAK SLAMET", "SLAMET"),
    ("ibu", "Ibu Tuminah", "TUMINAH"),
    ("pak_leading", "PAK SLAMET", "SLAMET"),
    ("sdr", "Sdr. Budi", "BUDI"),
    ("sdri", "Sdri. Wati", "WATI"),
    ("ny", "Ny. Tuminah", "TUMINAH"),
    ("tn", "Tn. Budi", "BUDI"),
    ("alm", "Alm. Suparman", "SUPARMAN"),
    ("almh", "Almh. Tuminah", "TUMINAH"),
    ("almarhum", "ALMARHUM BAPAK SUPARMAN", "SUPARMAN"),
    ("almarhumah", "ALMARHUMAH SITI", "SITI"),
    ("title_in_middle", "SUPARMAN BIN ALM. SUKIRNO", "SUPARMAN BIN SUKIRNO"),
    ("only_title_kept", "IBU", "IBU"),
    ("only_titles_kept", "ALM. HJ.", "ALM HJ"),
    ("comma_non_title_kept", "SANTOSO, BUDI", "SANTOSO BUDI"),
]


@pytest.mark.parametrize(("name", "expected"), [c[1:] for c in TITLES], ids=[c[0] for c in TITLES])
def test_titles(name: str, expected: str) -> None:
    assert normalize_name(name) == expected


SPELLING = [
    ("oe_u", "SOEKARNO", "SUKARNO"),
    ("dj_j", "DJOKO", "JOKO"),
    ("tj_c", "TJIPTO", "CIPTO"),
    ("sj_sy", "SJAHRIR", "SYAHRIR"),
    ("nj_ny", "NJOMAN", "NYOMAN"),
    ("ch_kh", "CHAIRUL", "KHAIRUL"),
    ("noer_nur", "NOER HADI", "NUR HADI"),
    ("several_in_one_word", "SOEDJATMIKO", "SUJATMIKO"),
    ("every_word", "Soekarno Djojohadikoesoemo", "SUKARNO JOJOHADIKUSUMO"),
    ("mixed_case", "Tjokroaminoto", "COKROAMINOTO"),
    ("modern_unchanged", "SUKARNO", "SUKARNO"),
    ("ndj_then_nj_stable", "PANDJI", "PANYI"),
    ("modern_nj_same_as_old", "PANJI", "PANYI"),
]


@pytest.mark.parametrize(
    ("name", "expected"), [c[1:] for c in SPELLING], ids=[c[0] for c in SPELLING]
)
def test_old_spelling(name: str, expected: str) -> None:
    assert normalize_name(name) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [("SOEKARNO", "SUKARNO"), ("TJH", "KH"), ("DDJ", "J")],
    ids=["simple", "chained_tj_then_ch", "chained_dj"],
)
def test_modernize_spelling_reaches_fixed_point(word: str, expected: str) -> None:
    assert modernize_spelling(word) == expected
    assert modernize_spelling(expected) == expected


MUHAMMAD = [
    ("m_dotted", "M. Yusuf"),
    ("m_first_undotted", "M YUSUF"),
    ("moh_dotted", "Moh. Yusuf"),
    ("moh", "MOH YUSUF"),
    ("muh_dotted", "Muh. Yusuf"),
    ("muh", "MUH YUSUF"),
    ("moch_dotted", "Moch. Yusuf"),
    ("moch", "MOCH YUSUF"),
    ("mochamad", "MOCHAMAD YUSUF"),
    ("mochammad", "MOCHAMMAD YUSUF"),
    ("mohamad", "MOHAMAD YUSUF"),
    ("mohammad", "MOHAMMAD YUSUF"),
    ("muhamad", "MUHAMAD YUSUF"),
    ("muhammad", "MUHAMMAD YUSUF"),
    ("muhammed", "MUHAMMED YUSUF"),
    ("mhd", "MHD. YUSUF"),
    ("haji_m", "H.M. YUSUF"),
    ("haji_m_spaced", "H. M. YUSUF"),
]


@pytest.mark.parametrize("name", [c[1] for c in MUHAMMAD], ids=[c[0] for c in MUHAMMAD])
def test_muhammad_abbreviations(name: str) -> None:
    assert normalize_name(name) == "MUHAMMAD YUSUF"


MISC = [
    ("accents_folded", "José Ramos-Horta", "JOSE RAMOS HORTA"),
    ("apostrophe_removed", "Ma'ruf Amin", "MARUF AMIN"),
    ("curly_apostrophe_removed", "Ma\u2019ruf", "MARUF"),
    ("punctuation_to_space", "SITI/AMINAH (WATI)", "SITI AMINAH WATI"),
    ("spaces_collapsed", "  SITI   AMINAH  ", "SITI AMINAH"),
    ("m_in_middle_undotted_kept", "AGUS M SANTOSO", "AGUS M SANTOSO"),
    ("m_dotted_in_middle", "AGUS M. SANTOSO", "AGUS MUHAMMAD SANTOSO"),
    ("digits_kept", "BUDI 2", "BUDI 2"),
    ("empty", "", ""),
    ("none", None, ""),
]


@pytest.mark.parametrize(("name", "expected"), [c[1:] for c in MISC], ids=[c[0] for c in MISC])
def test_misc(name: str | None, expected: str) -> None:
    assert normalize_name(name) == expected


ALL_CASES = [c[1] for c in TITLES + SPELLING + MISC] + [c[1] for c in MUHAMMAD]


@pytest.mark.parametrize("name", ALL_CASES, ids=[f"{i}:{n}" for i, n in enumerate(ALL_CASES)])
def test_idempotent(name: str | None) -> None:
    once = normalize_name(name)
    assert normalize_name(once) == once


def test_idempotent_on_random_combinations() -> None:
    words = [
        "BUDI", "SITI", "M.", "M", "H.", "H", "HJ.", "DRS.", "IBU", "PAK", "S.", "PD", "SE",
        "S.PD", "ST.", "ALM.", "SOEKARNO", "PANDJI", "TJH", "MOCH.", "A.MD.KEB", ",", ", S.PD",
        "BU", "KH", "NUR", "Ré", "D'JO",
    ]  # fmt: skip
    rng = random.Random(20250601)
    for _ in range(20000):
        name = " ".join(rng.choices(words, k=rng.randint(1, 6)))
        once = normalize_name(name)
        assert normalize_name(once) == once, name


ORDER = [
    ("swapped", "SITI AMINAH", "Aminah Siti"),
    ("swapped_with_titles", "Hj. Siti Aminah, S.Ag", "AMINAH SITI"),
    ("old_and_new_spelling", "SOEKARNO DJOKO", "joko sukarno"),
]


@pytest.mark.parametrize(("a", "b"), [c[1:] for c in ORDER], ids=[c[0] for c in ORDER])
def test_name_key_ignores_order(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


def test_name_tokens_and_search_key() -> None:
    assert name_tokens("Drs. H. Moch. Soekarno, S.Pd.") == ["MUHAMMAD", "SUKARNO"]
    assert name_tokens(None) == []
    assert search_key("Moch. Soekarno") == normalize_name("Moch. Soekarno") == "MUHAMMAD SUKARNO"
    assert name_key("Soekarno Moch.") == "MUHAMMAD SUKARNO"


DISPLAY = [
    ("as_written", "Drs. H. Moch. Soekarno, S.Pd.", "Drs. H. Moch. Soekarno, S.Pd."),
    ("whitespace", "  Siti   Aminah\t", "Siti Aminah"),
    ("none", None, ""),
]


@pytest.mark.parametrize(
    ("name", "expected"), [c[1:] for c in DISPLAY], ids=[c[0] for c in DISPLAY]
)
def test_display_name(name: str | None, expected: str) -> None:
    assert display_name(name) == expected


DIGITS = [
    ("no_digits", "SITI AMINAH", False),
    ("digit", "SITI AMINAH 2", True),
    ("empty", "", False),
    ("none", None, False),
]


@pytest.mark.parametrize(("name", "expected"), [c[1:] for c in DIGITS], ids=[c[0] for c in DIGITS])
def test_has_digits(name: str | None, expected: bool) -> None:
    assert has_digits(name) is expected
