"""Numbers and dates in Indonesian words, as minutes and receipts write them."""

from __future__ import annotations

from datetime import date

import pytest

from dtks_desktop.domain.formatting import bulan_romawi, hari_tanggal, kalimat_hari_ini
from dtks_desktop.domain.terbilang import rupiah, terbilang

CASES = [
    (0, "nol"), (1, "satu"), (9, "sembilan"), (10, "sepuluh"), (11, "sebelas"), (12, "dua belas"),
    (19, "sembilan belas"), (20, "dua puluh"), (21, "dua puluh satu"), (99, "sembilan puluh sembilan"),
    (100, "seratus"), (101, "seratus satu"), (111, "seratus sebelas"), (200, "dua ratus"),
    (999, "sembilan ratus sembilan puluh sembilan"), (1000, "seribu"), (1001, "seribu satu"),
    (1100, "seribu seratus"), (2000, "dua ribu"), (2026, "dua ribu dua puluh enam"),
    (11000, "sebelas ribu"), (100000, "seratus ribu"), (101000, "seratus satu ribu"),
    (999999, "sembilan ratus sembilan puluh sembilan ribu sembilan ratus sembilan puluh sembilan"),
    (1000000, "satu juta"), (1250000, "satu juta dua ratus lima puluh ribu"),
    (2500000, "dua juta lima ratus ribu"), (10000000, "sepuluh juta"), (1001000, "satu juta seribu"),
    (1000000000, "satu miliar"), (2000001000, "dua miliar seribu"),
    (1000000000000, "satu triliun"), (15000000000000, "lima belas triliun"),
    (123456789, "seratus dua puluh tiga juta empat ratus lima puluh enam ribu tujuh ratus delapan puluh sembilan"),
    (-5, "minus lima"),
]


@pytest.mark.parametrize("n, words", CASES, ids=[str(c[0]) for c in CASES])
def test_terbilang(n, words):
    assert terbilang(n) == words


def test_rupiah_writes_the_amount_and_the_words():
    assert rupiah(1250000) == "Rp 1.250.000 (satu juta dua ratus lima puluh ribu rupiah)"
    assert rupiah(0) == "Rp 0 (nol rupiah)"
    assert rupiah(1000) == "Rp 1.000 (seribu rupiah)"


def test_terbilang_refuses_what_it_cannot_say():
    with pytest.raises(ValueError):
        terbilang(10 ** 15)
    with pytest.raises(TypeError):
        terbilang(1.5)


@pytest.mark.parametrize("d, text", [
    (date(2026, 12, 4), "Jumat, 4 Desember 2026"),
    (date(2026, 8, 17), "Senin, 17 Agustus 2026"),
    (date(2027, 1, 3), "Minggu, 3 Januari 2027"),
])
def test_hari_tanggal(d, text):
    assert hari_tanggal(d) == text


def test_minutes_sentence_spells_the_date():
    assert kalimat_hari_ini(date(2026, 12, 4)) == (
        "Pada hari ini Jumat tanggal empat bulan Desember tahun dua ribu dua puluh enam")
    assert kalimat_hari_ini(date(2027, 3, 11)) == (
        "Pada hari ini Kamis tanggal sebelas bulan Maret tahun dua ribu dua puluh tujuh")


def test_roman_months():
    assert [bulan_romawi(m) for m in (1, 4, 9, 12)] == ["I", "IV", "IX", "XII"]
