from datetime import date

import pytest

from dtks_desktop.domain.formatting import angka, tanggal


@pytest.mark.parametrize("n, dec, text", [(0, 0, "0"), (999, 0, "999"), (1000, 0, "1.000"), (1234567, 0, "1.234.567"),
                                          (1234.5, 1, "1.234,5"), (-2500, 0, "-2.500")])
def test_angka(n, dec, text):
    assert angka(n, dec) == text


def test_tanggal():
    assert tanggal(date(2026, 8, 17)) == "17-08-2026"
    assert tanggal(date(2026, 8, 17), long=True) == "17 Agustus 2026"
    assert tanggal(None) == ""
