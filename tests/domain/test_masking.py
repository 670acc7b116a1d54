"""Table-driven tests for dtks_desktop.domain.masking."""

from __future__ import annotations

import pytest

from dtks_desktop.domain.masking import MaskPolicy, mask_id, mask_nik, mask_no_kk, mask_numbers

DEFAULT = [
    ("nik_16", "3310011201850012", "3310********0012"),
    ("no_kk_16", "3310010101200001", "3310********0001"),
    ("whitespace_ignored", " 3310011201850012 ", "3310********0012"),
    ("15_digits", "331001120185001", "3310********001"),
    ("17_digits", "33100112018500123", "3310*********0123"),
    ("8_chars_half_shown", "12345678", "12****78"),
    ("6_chars", "123456", "12***6"),
    ("4_chars", "1234", "1**4"),
    ("2_chars", "12", "1*"),
    ("1_char", "1", "*"),
    ("empty", "", ""),
    ("none", None, ""),
]


@pytest.mark.parametrize(
    ("value", "expected"), [c[1:] for c in DEFAULT], ids=[c[0] for c in DEFAULT]
)
def test_mask_default_policy(value: str | None, expected: str) -> None:
    assert mask_nik(value) == expected
    assert mask_no_kk(value) == expected


@pytest.mark.parametrize("length", range(1, 25), ids=lambda n: f"len_{n}")
def test_never_reveals_more_than_policy_or_half(length: int) -> None:
    value = "7" * length
    masked = mask_nik(value)
    shown = sum(1 for c in masked if c != "*")
    assert len(masked) == length
    assert shown <= 8
    assert shown <= length // 2


POLICIES = [
    ("keep_end_only", MaskPolicy(keep_start=0, keep_end=4), "3310011201850012", "************0012"),
    (
        "keep_start_only",
        MaskPolicy(keep_start=6, keep_end=0),
        "3310011201850012",
        "331001**********",
    ),
    ("start_only_short_value", MaskPolicy(keep_start=6, keep_end=0), "12345678", "1234****"),
    ("other_char", MaskPolicy(char="x"), "3310011201850012", "3310xxxxxxxx0012"),
    ("mask_all", MaskPolicy(keep_start=0, keep_end=0), "3310011201850012", "*" * 16),
]


@pytest.mark.parametrize(
    ("policy", "value", "expected"), [c[1:] for c in POLICIES], ids=[c[0] for c in POLICIES]
)
def test_mask_policies(policy: MaskPolicy, value: str, expected: str) -> None:
    assert mask_nik(value, policy) == expected


@pytest.mark.parametrize(
    "kwargs",
    [{"keep_start": -1}, {"keep_end": -1}, {"char": ""}, {"char": "**"}],
    ids=["negative_start", "negative_end", "empty_char", "two_chars"],
)
def test_invalid_policy(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        MaskPolicy(**kwargs)


def test_aliases_share_one_rule() -> None:
    assert mask_no_kk is mask_nik
    assert mask_id is mask_nik


def test_numbers_inside_text_are_masked_dates_and_small_numbers_kept() -> None:
    text = "NIK: beda satu digit (3310015003100000 ↔ 3310015003100001); lahir 10-03-2010; anggota #123"
    assert mask_numbers(text) == (
        "NIK: beda satu digit (3310********0000 ↔ 3310********0001); lahir 10-03-2010; anggota #123")
    assert mask_numbers("Diusulkan NIK 3310015003100001", MaskPolicy(keep_start=6, keep_end=0, char="x")) == \
        "Diusulkan NIK 331001xxxxxxxxxx"
    assert mask_numbers(None) == "" and mask_numbers("") == ""


# --- which values are identifiers: one list (domain.masking.IDENTIFIER_FIELDS) -----------------------

def test_identifier_fields_and_problem_codes():
    from dtks_desktop.domain.masking import IDENTIFIER_FIELDS, is_identifier

    assert {"nik", "no_kk", "nik_raw", "nik_matched"} <= IDENTIFIER_FIELDS
    assert is_identifier("nik") and is_identifier("no_kk") and not is_identifier("nama")
    # an import problem about a NIK names the identifier as written, whatever its field
    assert is_identifier("id_dtks", "nik_tidak_sah") and is_identifier(None, "kk_rusak_excel")
    assert is_identifier("", "tanpa_nik_dan_id_dtks") and not is_identifier("tanggal_lahir", "tanggal_tidak_valid")


def test_mask_identifier_and_record():
    from dtks_desktop.domain.masking import mask_identifier, mask_record

    assert mask_identifier("3310 0112 0185 0012") == "3310********0012"  # digits of a written NIK
    assert mask_identifier("3,31001E+15") == mask_nik("3,31001E+15")  # too few digits: the text, masked
    rec = {"nik": "3310011201850012", "no_kk": "3310010101200001", "nama": "SLAMET", "desa": None}
    assert mask_record(rec, MaskPolicy()) == {"nik": "3310********0012", "no_kk": "3310********0001",
                                               "nama": "SLAMET", "desa": None}
    assert mask_record(rec, None) == rec  # a role that sees full NIKs
