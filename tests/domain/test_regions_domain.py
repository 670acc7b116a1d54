"""Table-driven tests for dtks_desktop.domain.regions (DOMAIN.md section 2.4)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dtks_desktop.domain import regions as R

LEVELS = [
    ("provinsi", "33", 1),
    ("kabupaten", "33.10", 2),
    ("kecamatan", "33.10.01", 3),
    ("desa", "33.10.01.2001", 4),
]


@pytest.mark.parametrize(("code", "level"), [c[1:] for c in LEVELS], ids=[c[0] for c in LEVELS])
def test_region_level(code: str, level: int) -> None:
    assert R.region_level(code) == level
    assert R.is_region_code(code)


MALFORMED = [
    ("empty", ""),
    ("one_digit", "3"),
    ("undotted", "3310"),
    ("float_damaged", "11.1"),
    ("trailing_dot", "33.10."),
    ("village_3_digits", "33.10.01.201"),
    ("letters", "3A.10"),
    ("spaces", " 33.10"),
    ("too_deep", "33.10.01.2001.01"),
    ("arabic_indic", "٣٣"),
    ("none", None),
]


@pytest.mark.parametrize("code", [c[1] for c in MALFORMED], ids=[c[0] for c in MALFORMED])
def test_region_level_rejects_malformed(code: object) -> None:
    with pytest.raises(ValueError):
        R.region_level(code)  # type: ignore[arg-type]
    assert not R.is_region_code(code)


PARENTS = [
    ("provinsi", "33", None),
    ("kabupaten", "33.10", "33"),
    ("kecamatan", "33.10.01", "33.10"),
    ("desa", "33.10.01.2001", "33.10.01"),
]


@pytest.mark.parametrize(("code", "parent"), [c[1:] for c in PARENTS], ids=[c[0] for c in PARENTS])
def test_parent_code(code: str, parent: str | None) -> None:
    assert R.parent_code(code) == parent


def test_ancestors() -> None:
    assert R.ancestors("33.10.01.2001") == ("33", "33.10", "33.10.01", "33.10.01.2001")
    assert R.ancestors("33") == ("33",)


KINDS = [
    # id, code, is_kota, is_kelurahan, is_desa_adat, village_kind
    ("desa_in_kabupaten", "33.10.01.2001", False, False, False, "desa"),
    ("kelurahan_in_kota", "33.72.01.1001", True, True, False, "kelurahan"),
    ("kelurahan_in_kabupaten", "33.10.12.1001", False, True, False, "kelurahan"),
    ("desa_adat", "91.03.01.3007", False, False, True, "desa_adat"),
    ("kota_71", "34.71.01.1001", True, True, False, "kelurahan"),
    ("kabupaten_69", "33.69.01.2001", False, False, False, "desa"),
    ("kota_99", "33.99.01.2001", True, False, False, "desa"),
]


@pytest.mark.parametrize(
    ("code", "kota", "kelurahan", "adat", "kind"), [c[1:] for c in KINDS], ids=[c[0] for c in KINDS]
)
def test_village_kinds(code: str, kota: bool, kelurahan: bool, adat: bool, kind: str) -> None:
    assert R.is_kota(code) is kota
    assert R.is_kelurahan(code) is kelurahan
    assert R.is_desa_adat(code) is adat
    assert R.village_kind(code) == kind


ABOVE_VILLAGE = [
    ("provinsi", "33", False),
    ("kabupaten", "33.10", False),
    ("kota", "33.72", True),
    ("kecamatan_in_kota", "33.72.01", True),
]


@pytest.mark.parametrize(
    ("code", "kota"), [c[1:] for c in ABOVE_VILLAGE], ids=[c[0] for c in ABOVE_VILLAGE]
)
def test_codes_above_village(code: str, kota: bool) -> None:
    assert R.is_kota(code) is kota
    assert R.is_kelurahan(code) is False
    assert R.is_desa_adat(code) is False
    with pytest.raises(ValueError):
        R.village_kind(code)


TERMS = [
    ("desa", "33.10.01.2001", "Musyawarah Desa", "Kepala Desa", "Musdes", "Desa"),
    ("kelurahan", "33.72.01.1001", "Musyawarah Kelurahan", "Lurah", "Muskel", "Kelurahan"),
    (
        "desa_adat",
        "91.03.01.3007",
        "Musyawarah Desa Adat",
        "Kepala Desa Adat",
        "Musdes",
        "Desa Adat",
    ),
    ("by_kind_name", "kelurahan", "Musyawarah Kelurahan", "Lurah", "Muskel", "Kelurahan"),
]


@pytest.mark.parametrize(
    ("code", "meeting", "head", "short", "unit"), [c[1:] for c in TERMS], ids=[c[0] for c in TERMS]
)
def test_village_terms(code: str, meeting: str, head: str, short: str, unit: str) -> None:
    terms = R.village_terms(code)
    assert (terms.meeting, terms.head, terms.meeting_short, terms.unit) == (
        meeting,
        head,
        short,
        unit,
    )


@pytest.mark.parametrize(
    ("code", "label"), [("33.10", "Kabupaten"), ("33.72.01", "Kota")], ids=["kabupaten", "kota"]
)
def test_kabupaten_label(code: str, label: str) -> None:
    assert R.kabupaten_label(code) == label


CONVERSIONS = [
    ("kecamatan", "331001", "33.10.01"),
    ("whole_nik_uses_first_six", "3310011201850012", "33.10.01"),
]


@pytest.mark.parametrize(
    ("prefix", "code"), [c[1:] for c in CONVERSIONS], ids=[c[0] for c in CONVERSIONS]
)
def test_nik_prefix_to_code(prefix: str, code: str) -> None:
    assert R.nik_prefix_to_code(prefix) == code


@pytest.mark.parametrize("prefix", ["33100", "33A001", ""], ids=["five_digits", "letter", "empty"])
def test_nik_prefix_to_code_rejects(prefix: str) -> None:
    with pytest.raises(ValueError):
        R.nik_prefix_to_code(prefix)


DIGITS = [
    ("provinsi", "33", "33"),
    ("kabupaten", "33.10", "3310"),
    ("kecamatan", "33.10.01", "331001"),
    ("desa", "33.10.01.2001", "3310012001"),
]


@pytest.mark.parametrize(("code", "digits"), [c[1:] for c in DIGITS], ids=[c[0] for c in DIGITS])
def test_code_digits_round_trip(code: str, digits: str) -> None:
    assert R.code_to_digits(code) == digits
    assert R.digits_to_code(digits) == code


REPAIR = [
    ("float_lost_zero", "11.1", "11.10"),
    ("float_lost_zero_number", 11.1, "11.10"),
    ("comma_decimal", "11,1", "11.10"),
    ("already_good_kabupaten", "11.10", "11.10"),
    ("two_digit_kabupaten_kept", "33.72", "33.72"),
    ("desa_no_dots", "3310012001", "33.10.01.2001"),
    ("desa_int", 3310012001, "33.10.01.2001"),
    ("desa_float", 3310012001.0, "33.10.01.2001"),
    ("desa_decimal", Decimal("3310012001"), "33.10.01.2001"),
    ("desa_dot_zero_tail", "3310012001.0", "33.10.01.2001"),
    ("kecamatan_no_dots", "331001", "33.10.01"),
    ("kabupaten_no_dots", "3310", "33.10"),
    ("province_float", 33.0, "33"),
    ("province_dot_zero", "33.0", "33"),
    ("whitespace", "  33.10.01.2001 ", "33.10.01.2001"),
    ("inner_whitespace", "33.10. 01", "33.10.01"),
    ("apostrophe", "'3310012001", "33.10.01.2001"),
    ("good_desa_unchanged", "33.10.01.2001", "33.10.01.2001"),
    ("five_digits", "33100", None),
    ("letters", "abc", None),
    ("empty", "", None),
    ("none", None, None),
    ("nan", float("nan"), None),
    ("bool", True, None),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in REPAIR], ids=[c[0] for c in REPAIR])
def test_repair_code(text: object, expected: str | None) -> None:
    assert R.repair_code(text) == expected


NAMES = [
    ("kec_dot", "KEC. KLATEN UTARA", None, "KLATEN UTARA"),
    ("kec_space", "KEC KLATEN UTARA", None, "KLATEN UTARA"),
    ("kecamatan", "Kecamatan Klaten Utara", None, "KLATEN UTARA"),
    ("kec_glued", "Kec.Klaten Utara", None, "KLATEN UTARA"),
    ("ds_dot", "Ds. Jogonalan", None, "JOGONALAN"),
    ("ds_space", "DS JOGONALAN", None, "JOGONALAN"),
    ("desa", "Desa Jogonalan", None, "JOGONALAN"),
    ("desa_adat", "Desa Adat Yoboi", None, "YOBOI"),
    ("kel_dot", "Kel. Pajang", None, "PAJANG"),
    ("kel_space", "KEL PAJANG", None, "PAJANG"),
    ("kelurahan", "Kelurahan Pajang", None, "PAJANG"),
    ("kab_dot", "Kab. Klaten", None, "KLATEN"),
    ("kabupaten", "Kabupaten Klaten", None, "KLATEN"),
    ("kota", "Kota Surakarta", None, "SURAKARTA"),
    ("kota_administrasi", "Kota Administrasi Jakarta Selatan", None, "JAKARTA SELATAN"),
    ("kota_adm", "Kota Adm. Jakarta Selatan", None, "JAKARTA SELATAN"),
    ("prov_dot", "Prov. Jawa Tengah", None, "JAWA TENGAH"),
    ("provinsi", "Provinsi Jawa Tengah", None, "JAWA TENGAH"),
    ("only_the_word_kota", "KOTA", None, "KOTA"),
    ("only_the_word_desa", "Desa", None, "DESA"),
    ("prefix_inside_word_kept", "KOTABARU", None, "KOTABARU"),
    ("kecamatan_word_inside_kept", "Klaten Kota", None, "KLATEN KOTA"),
    ("apostrophe", "Pasi Kuala Ba'u", None, "PASI KUALA BAU"),
    ("punctuation", "Lubuk Pakam I,II", None, "LUBUK PAKAM I II"),
    ("parentheses", "Kurau (Timur)", None, "KURAU TIMUR"),
    ("level_limits_prefix", "Kota Baru", 4, "KOTA BARU"),
    ("level_strips_own_prefix", "Desa Kota Baru", 4, "KOTA BARU"),
    ("level_2_keeps_kec", "Kec. X", 2, "KEC X"),
    ("empty", "", None, ""),
    ("none", None, None, ""),
]


@pytest.mark.parametrize(
    ("name", "level", "expected"), [c[1:] for c in NAMES], ids=[c[0] for c in NAMES]
)
def test_normalize_region_name(name: str | None, level: int | None, expected: str) -> None:
    assert R.normalize_region_name(name, level) == expected
    assert R.normalize_region_name(expected, level) == expected  # idempotent


# ---------------------------------------------------------------------------------------------
# RegionCodes
# ---------------------------------------------------------------------------------------------

SMALL = R.RegionCodes(
    [
        ("33", "Jawa Tengah"),
        ("33.10", "Kabupaten Klaten"),
        ("33.10.01", "Prambanan"),
        ("33.10.01.2001", "Sengon"),
        ("33.10.01.2002", "Cucukan"),
        ("33.10.02", "Gantiwarno"),
        ("33.72", " Kota  Surakarta "),
        ("34", "Daerah Istimewa Yogyakarta"),
    ]
)

MEMBERSHIP = [
    ("provinsi", "33", True),
    ("kabupaten", "33.10", True),
    ("kecamatan", "33.10.01", True),
    ("desa", "33.10.01.2001", True),
    ("unknown_kecamatan", "33.10.99", False),
    ("undotted_not_member", "331001", False),
    ("none", None, False),
]


@pytest.mark.parametrize(
    ("code", "expected"), [c[1:] for c in MEMBERSHIP], ids=[c[0] for c in MEMBERSHIP]
)
def test_membership(code: object, expected: bool) -> None:
    assert (code in SMALL) is expected


CHILDREN = [
    ("provinces", None, ("33", "34")),
    ("of_province", "33", ("33.10", "33.72")),
    ("of_kabupaten", "33.10", ("33.10.01", "33.10.02")),
    ("of_kecamatan", "33.10.01", ("33.10.01.2001", "33.10.01.2002")),
    ("of_desa", "33.10.01.2001", ()),
    ("of_unknown", "99", ()),
]


@pytest.mark.parametrize(
    ("code", "children"), [c[1:] for c in CHILDREN], ids=[c[0] for c in CHILDREN]
)
def test_children(code: str | None, children: tuple[str, ...]) -> None:
    assert SMALL.children(code) == children


def test_names_and_lookups() -> None:
    assert SMALL.name("33.10") == "Kabupaten Klaten"
    assert SMALL.name("33.72") == "Kota Surakarta"  # whitespace cleaned
    assert SMALL.name("99") is None
    assert len(SMALL) == 8
    assert SMALL.codes_at_level(3) == ("33.10.01", "33.10.02")
    assert SMALL.path("33.10.01.2001") == (
        ("33", "Jawa Tengah"),
        ("33.10", "Kabupaten Klaten"),
        ("33.10.01", "Prambanan"),
        ("33.10.01.2001", "Sengon"),
    )
    assert SMALL.has_nik_prefix("3310011201850012")
    assert not SMALL.has_nik_prefix("3310991201850012")


FIND = [
    ("kecamatan_under_parent", "Kec. Prambanan", {"parent": "33.10"}, ("33.10.01",)),
    ("desa_under_parent", "DS. SENGON", {"parent": "33.10.01"}, ("33.10.01.2001",)),
    ("kabupaten_by_level", "KABUPATEN KLATEN", {"level": 2}, ("33.10",)),
    ("kota_anywhere", "kota surakarta", {}, ("33.72",)),
    ("wrong_parent", "Prambanan", {"parent": "33.72"}, ()),
    ("unknown", "Atlantis", {}, ()),
]


@pytest.mark.parametrize(
    ("name", "kwargs", "expected"), [c[1:] for c in FIND], ids=[c[0] for c in FIND]
)
def test_find(name: str, kwargs: dict, expected: tuple[str, ...]) -> None:
    assert SMALL.find(name, **kwargs) == expected


def test_malformed_code_in_rows_is_rejected() -> None:
    with pytest.raises(ValueError):
        R.RegionCodes([("11.1", "Kabupaten Aceh Singkil")])


def test_default_region_codes() -> None:
    codes = R.default_region_codes()
    assert codes is R.default_region_codes()  # cached
    assert len(codes) == 91_599
    assert len(codes.children(None)) == 38
    assert "33.10.01" in codes
    assert "33.10.01.2001" in codes
    assert codes.name("33.10") == "Kabupaten Klaten"
    assert codes.name("11.10") == "Kabupaten Aceh Singkil"
    assert codes.name("33.10.01.2001") == "Sengon"
    assert "33.10.01" in codes.children("33.10")
    # Totals from DOMAIN.md 2.4 (Kepmendagri 2025): 416 kabupaten + 98 kota, 7,285 kecamatan.
    kab_kota = codes.codes_at_level(2)
    assert sum(1 for c in kab_kota if R.is_kota(c)) == 98
    assert len(kab_kota) - 98 == 416
    assert len(codes.codes_at_level(3)) == 7_285
    villages = codes.codes_at_level(4)
    assert sum(1 for c in villages if R.is_kelurahan(c)) == 8_496
    assert R.repair_code("11.1") in codes
