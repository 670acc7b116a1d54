import pytest

from dtks_desktop.domain.family import hubungan_label, parse_hubungan


@pytest.mark.parametrize("value, code", [
    ("KEPALA KELUARGA", 1), ("Kepala Rumah Tangga", 1), ("ISTRI", 2), ("Suami", 2), ("ISTRI/SUAMI", 2),
    ("ANAK", 3), ("MENANTU", 4), ("CUCU", 5), ("ORANG TUA", 6), ("MERTUA", 6), ("PEMBANTU", 7),
    ("FAMILI LAIN", 8), ("LAINNYA", 8), ("3", 3), (3, 3), (3.0, 3), ("1. KEPALA KELUARGA", 1),
    ("", None), (None, None), ("9", None), ("TETANGGA", None), (2.5, None),
], ids=lambda v: repr(v))
def test_parse_hubungan(value, code):
    assert parse_hubungan(value) == code


def test_label():
    assert hubungan_label(2) == "Istri/Suami" and hubungan_label(None) == ""
