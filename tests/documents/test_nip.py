"""NIP rules, one row per rule: what a clerk types and what the app says."""

from __future__ import annotations

from datetime import date

import pytest

from dtks_desktop.domain.nip import NipError, format_nip, parse_nip

TODAY = date(2026, 12, 4)

GOOD = [
    ("197503122000031002", date(1975, 3, 12), (2000, 3), "L"),
    ("19750312 200003 1 002", date(1975, 3, 12), (2000, 3), "L"),  # as written on letters
    ("198802292014022001", date(1988, 2, 29), (2014, 2), "P"),  # leap day
    ("200801012026121001", date(2008, 1, 1), (2026, 12), "L"),  # 18 this very month, appointed this month
]

BAD = [
    ("19750312200003100", "panjang", "NIP harus 18 angka, bukan 17"),
    ("1975031220000310021", "panjang", "NIP harus 18 angka, bukan 19"),
    ("", "panjang", "NIP kosong"),
    ("19750312-200003-1-002", "angka", "hanya boleh berisi angka"),
    ("1,97503E+17", "angka", "hanya boleh berisi angka"),
    ("197513402000031002", "tanggal_lahir", "NIP: tanggal lahir 19751340 tidak valid"),
    ("197502302000031002", "tanggal_lahir", "NIP: tanggal lahir 19750230 tidak valid"),
    ("197503122000131002", "bulan_pengangkatan", "NIP: bulan pengangkatan 200013 tidak valid"),
    ("197503122000001002", "bulan_pengangkatan", "NIP: bulan pengangkatan 200000 tidak valid"),
    ("197503122027011002", "masa_depan", "NIP: bulan pengangkatan 202701 belum terjadi"),
    ("197503121993021002", "umur", "sebelum umur 18 tahun"),
    ("193001012005011002", "umur", "umur saat pengangkatan 75 tahun"),
    ("197503122000033002", "jenis_kelamin", "angka ke-15 (jenis kelamin) harus 1 (laki-laki) atau 2 (perempuan), bukan 3"),
    ("197503122000030002", "jenis_kelamin", "bukan 0"),
    ("197503122000031000", "nomor_urut", "nomor urut (3 angka terakhir) tidak boleh 000"),
]


@pytest.mark.parametrize("text, born, appointed, sex", GOOD)
def test_valid_nips_are_read(text, born, appointed, sex):
    info = parse_nip(text, today=TODAY)
    assert (info.lahir, info.diangkat, info.jenis_kelamin) == (born, appointed, sex)
    assert len(info.nip) == 18 and info.nip.isdigit() and isinstance(info.nip, str)


@pytest.mark.parametrize("text, rule, message", BAD)
def test_each_rule_refuses_with_its_own_message(text, rule, message):
    with pytest.raises(NipError) as err:
        parse_nip(text, today=TODAY)
    assert err.value.rule == rule
    assert message in err.value.message


def test_the_18th_birthday_month_is_the_earliest_appointment():
    assert parse_nip("197503121993031002", today=TODAY).diangkat == (1993, 3)
    with pytest.raises(NipError, match="sebelum umur 18"):
        parse_nip("197503121993021002", today=TODAY)


def test_nip_is_shown_grouped_as_on_letters():
    assert format_nip("197503122000031002") == "19750312 200003 1 002"
    assert format_nip("abc") == "abc"
