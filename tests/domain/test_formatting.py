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


def test_tanggal_jam_and_jam_match_the_formats_they_replace():
    from datetime import datetime, timedelta, timezone

    from dtks_desktop.domain.formatting import jam, tanggal_jam

    t = datetime(2026, 8, 7, 4, 5, 9)
    assert tanggal_jam(t) == t.strftime("%d-%m-%Y %H:%M") == "07-08-2026 04:05"
    assert tanggal_jam(t, detik=True) == t.strftime("%d-%m-%Y %H:%M:%S")
    assert jam(t) == "04:05" and jam(t, detik=True) == "04:05:09"
    utc = datetime(2026, 8, 7, 23, 30, tzinfo=timezone.utc)
    assert tanggal_jam(utc, lokal=True) == utc.astimezone().strftime("%d-%m-%Y %H:%M")
    assert jam(utc, lokal=True) == utc.astimezone().strftime("%H:%M")
    wib = timezone(timedelta(hours=7))
    assert tanggal_jam(utc.astimezone(wib)) == "08-08-2026 06:30"
