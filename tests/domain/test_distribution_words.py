"""The words of a distribution period: what each KPM receives, programme codes, failure reasons."""

from decimal import Decimal

import pytest

from dtks_desktop.domain.distribution import (
    BenefitKind, FailReason, normalise_programme, parse_cash, parse_fail_reason, parse_goods, quantity, rupiah,
)


@pytest.mark.parametrize("text, rupiah_value", [("600000", 600_000), ("600.000", 600_000), ("Rp 600.000", 600_000),
                                                ("Rp 1.200.000,00", 1_200_000), (" 200000 ", 200_000)])
def test_cash_as_offices_write_it(text, rupiah_value):
    assert parse_cash(text) == rupiah_value


@pytest.mark.parametrize("text, says", [("0", "lebih dari Rp 0"), ("-5", "tidak dikenal"), ("abc", "tidak dikenal"),
                                        ("", "tidak dikenal"), ("600.00", "tidak dikenal"),
                                        ("200000000", "tidak wajar")])
def test_bad_cash_is_refused_in_indonesian(text, says):
    with pytest.raises(ValueError, match=says):
        parse_cash(text)


def test_goods_name_quantity_unit_with_either_decimal_mark():
    b = parse_goods("Beras:10:KG")
    assert (b.kind, b.goods, b.qty, b.unit) == (BenefitKind.BARANG, "beras", Decimal(10), "kg")
    assert b.label() == "beras 10 kg" and b.value_of(3) == 30
    assert parse_goods("minyak goreng:2,5:liter").qty == Decimal("2.5")
    assert quantity(Decimal("2.5")) == "2,5" and quantity(12000) == "12.000"


@pytest.mark.parametrize("text", ["beras:abc:kg", "beras:0:kg", "beras:10", "beras::kg", "beras:nan:kg",
                                  "beras:inf:kg", "beras:-1:kg"])
def test_bad_goods_are_refused(text):
    with pytest.raises(ValueError):
        parse_goods(text)


def test_programme_codes_and_rupiah():
    assert normalise_programme("sembako") == "BPNT" and normalise_programme("pbi jk") == "PBI-JK"
    assert normalise_programme(" banpangan ") == "BANPANGAN" and normalise_programme("bansos kab") == "BANSOS_KAB"
    assert rupiah(1_200_000) == "Rp 1.200.000"


@pytest.mark.parametrize("text, reason", [("meninggal", FailReason.MENINGGAL), ("Meninggal dunia", FailReason.MENINGGAL),
                                          ("wafat", FailReason.MENINGGAL), ("tidak_hadir", FailReason.TIDAK_HADIR),
                                          ("Tidak datang", FailReason.TIDAK_HADIR), ("PINDAH", FailReason.PINDAH)])
def test_fail_reasons_as_typed(text, reason):
    assert parse_fail_reason(text) == reason


def test_unknown_fail_reason_lists_the_choices():
    with pytest.raises(ValueError, match="tidak dikenal.*meninggal"):
        parse_fail_reason("kabur")
