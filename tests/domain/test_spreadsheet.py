"""Table-driven tests for dtks_desktop.domain.spreadsheet (DOMAIN.md section 2.5)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dtks_desktop.domain.spreadsheet import CleanId, clean_id, clean_rt_rw, clean_text

CLEAN_ID = [
    # id, raw, kwargs, value, excel_damaged, trusted_digits
    ("int_numeric_cell", 3310216707810930, {}, "3310216707810930", True, 15),
    ("float_exact_integer", 3.310216707810936e15, {}, "3310216707810936", True, 15),
    ("decimal", Decimal("3310216707810936"), {}, "3310216707810936", True, 15),
    (
        "str_from_numeric_cell",
        "3310216707810930",
        {"numeric_cell": True},
        "3310216707810930",
        True,
        15,
    ),
    ("scientific", "3.31022E+15", {}, "3310220000000000", True, 6),
    ("scientific_comma", "3,31022E+15", {}, "3310220000000000", True, 6),
    ("scientific_lower_e", "3.310216707810936e+15", {}, "3310216707810936", True, 15),
    ("apostrophe", "'3310216707810936", {}, "3310216707810936", False, 16),
    ("backtick", "`3310216707810936", {}, "3310216707810936", False, 16),
    ("spaces", "3310 2167 0781 0936", {}, "3310216707810936", False, 16),
    ("dots", "3310.2167.0781.0936", {}, "3310216707810936", False, 16),
    ("dashes", "3310-2167-0781-0936", {}, "3310216707810936", False, 16),
    ("no_break_space_around", "\u00a03310216707810936 ", {}, "3310216707810936", False, 16),
    ("dot_zero_tail", "3310216707810930.0", {}, "3310216707810930", True, 15),
    ("comma_zero_tail", "3310216707810930,0", {}, "3310216707810930", True, 15),
    ("thousands_separators", "3.310.216.707.810.936", {}, "3310216707810936", True, 15),
    ("text_cell_not_damaged", "3310216707810930", {}, "3310216707810930", False, 16),
    ("numeric_cell_15_digits_exact", 331021670781093, {}, "331021670781093", False, 15),
    ("empty", "", {}, None, False, 0),
    ("none", None, {}, None, False, 0),
    ("zero", "0", {}, None, False, 0),
    ("int_zero", 0, {}, None, False, 0),
    ("dash", "-", {}, None, False, 0),
    ("null", "NULL", {}, None, False, 0),
    ("nan_text", "nan", {}, None, False, 0),
    ("nan_float", float("nan"), {}, None, False, 0),
    ("letters_kept", "33102167O7810936", {}, "33102167O7810936", False, 0),
    ("fraction_kept_as_is", 12.5, {}, "12.5", False, 0),
    ("all_zero_16_kept", "0000000000000000", {}, "0000000000000000", False, 16),
]


@pytest.mark.parametrize(
    ("raw", "kwargs", "value", "damaged", "trusted"),
    [c[1:] for c in CLEAN_ID],
    ids=[c[0] for c in CLEAN_ID],
)
def test_clean_id(
    raw: object, kwargs: dict, value: str | None, damaged: bool, trusted: int
) -> None:
    result = clean_id(raw, **kwargs)
    assert isinstance(result, CleanId)
    assert result.value == value
    assert result.excel_damaged is damaged
    assert result.trusted_digits == trusted
    if damaged:
        assert result.note  # the clerk is told why


RAW_KEPT = [
    ("none", None, ""),
    ("str", "'3310216707810936", "'3310216707810936"),
    ("int", 3310216707810930, "3310216707810930"),
    ("float", 3.310216707810936e15, "3310216707810936.0"),
]


@pytest.mark.parametrize(
    ("raw", "expected"), [c[1:] for c in RAW_KEPT], ids=[c[0] for c in RAW_KEPT]
)
def test_clean_id_keeps_raw_text(raw: object, expected: str) -> None:
    assert clean_id(raw).raw == expected


def test_float_is_converted_exactly_not_through_str() -> None:
    # str(3310216707810936.0) would be fine, but str() of a large float switches to e-notation
    # (e.g. 1e16); the digits must come from exact integer conversion.
    assert clean_id(1e16).value == "10000000000000000"


NOTES = [
    ("scientific", "3.31022E+15", "notasi ilmiah"),
    ("numeric", 3310216707810930, "digit terakhir tidak dapat dipercaya"),
    ("short", "331021670781093", "Jumlah digit 15, seharusnya 16"),
    ("letters", "3310A", "Berisi karakter selain angka: A"),
]


@pytest.mark.parametrize(("raw", "fragment"), [c[1:] for c in NOTES], ids=[c[0] for c in NOTES])
def test_clean_id_notes_in_indonesian(raw: object, fragment: str) -> None:
    note = clean_id(raw).note
    assert note is not None and fragment in note


def test_clean_id_length_parameter() -> None:
    assert clean_id("3310012001", length=10).note is None
    assert clean_id("3310012001").note == "Jumlah digit 10, seharusnya 16"


RT_RW = [
    ("str_2", "2", "002"),
    ("int_2", 2, "002"),
    ("float_2", 2.0, "002"),
    ("str_2_dot_0", "2.0", "002"),
    ("already_padded", "002", "002"),
    ("two_digits", "12", "012"),
    ("rt_space", "RT 02", "002"),
    ("rt_dot", "RT.002", "002"),
    ("rw_colon", "rw: 5", "005"),
    ("zero", "0", None),
    ("zeros", "000", None),
    ("empty", "", None),
    ("none", None, None),
    ("dash", "-", None),
    ("four_digits_kept", "1234", "1234"),
    ("not_a_number_kept", "2A", "2A"),
]


@pytest.mark.parametrize(("raw", "expected"), [c[1:] for c in RT_RW], ids=[c[0] for c in RT_RW])
def test_clean_rt_rw(raw: object, expected: str | None) -> None:
    assert clean_rt_rw(raw) == expected


TEXT = [
    ("trim_collapse", "  Jl.  Merdeka\t No. 5 ", "Jl. Merdeka No. 5"),
    ("empty", "", None),
    ("blank", "   ", None),
    ("dash", "-", None),
    ("nan", "nan", None),
    ("NaN", "NaN", None),
    ("none", None, None),
    ("float_nan", float("nan"), None),
    ("float_integer", 3.0, "3"),
    ("zero_width_only", "\u200b", None),
    ("kept", "Dusun Krajan", "Dusun Krajan"),
]


@pytest.mark.parametrize(("raw", "expected"), [c[1:] for c in TEXT], ids=[c[0] for c in TEXT])
def test_clean_text(raw: object, expected: str | None) -> None:
    assert clean_text(raw) == expected
