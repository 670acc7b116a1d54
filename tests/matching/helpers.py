"""Hand-made civil-registry and registry rows for the matching tests."""

from __future__ import annotations

from datetime import date

from dtks_desktop.services.matching import engine as E

DESA = "33.10.01.2001"  # Prambanan
DESA2 = "33.10.01.2002"  # same kecamatan
DESA_OTHER_KEC = "33.10.02.2001"


def civil_row(i: int, nik: str, nama: str, dob: date | None, sex: str = "L", *, kk: str = "3310012710160001",
              ibu: str = "SUKIYEM", desa: str = DESA, flags: str | None = None) -> tuple:
    # CIVIL_COLUMNS: id, nik, no_kk, nama, nama_norm, tanggal_lahir, jenis_kelamin, nama_ibu, desa_kode, nik_flags
    return (i, nik, kk, nama, None, dob, sex, ibu, desa, flags)


def member_row(i: int, nik: str | None, nama: str, dob: date | None, sex: str = "L", *, kk: str = "3310012710160001",
               ibu: str | None = "SUKIYEM", desa: str = DESA, nik_raw: str | None = None, flags: str | None = None,
               kk_flags: str | None = None) -> tuple:
    # MEMBER_COLUMNS: id, nik, nik_raw, nik_flags, nama, nama_norm, tanggal_lahir, jenis_kelamin, nama_ibu, no_kk,
    # desa_kode, no_kk_flags
    return (i, nik, nik_raw if nik_raw is not None else nik, flags, nama, None, dob, sex, ibu, kk, desa, kk_flags)


# A small population: the people the registry rows below refer to, plus neighbours.
CIVIL = [
    civil_row(1, "3310011508680001", "SUPARMI", date(1968, 8, 15), "P", ibu="PAINEM"),
    civil_row(2, "3310012003700001", "AHMAD SUDIRMAN", date(1970, 3, 20)),
    civil_row(3, "3310010101900002", "MUHAMMAD RIZKY", date(1990, 1, 1), kk="3310012710160002"),
    civil_row(4, "3310014512950001", "SITI AMINAH", date(1995, 12, 5), "P", kk="3310012710160003"),
    civil_row(5, "3310012212000003", "BAGUS PRASETYO", date(2000, 12, 22), kk="3310012710160004"),
    civil_row(6, "3310011005050001", "DIMAS ARDIANSYAH", date(2005, 5, 10), kk="3310012710160004"),
    civil_row(7, "3310015003100001", "NAYLA PUTRI", date(2010, 3, 10), "P", kk="3310012710160004"),
    civil_row(8, "3310011807820001", "JOKO HIDAYAT", date(1982, 7, 18), kk="3310022710200009",
              desa=DESA_OTHER_KEC, ibu="ENDANG RAHAYU"),
    civil_row(9, "3310016405660001", "WARSINAH", date(1966, 5, 24), "P", kk="3310012710160005"),
    civil_row(10, "3310016405660001", "KARTINI", date(1966, 5, 24), "P", kk="3310012710160006", ibu="SARMI"),
    civil_row(11, "3310010707770001", "A", date(1977, 7, 7), kk="3310012710160007"),
    civil_row(12, "3310011111550001", "SLAMET RIYADI", date(1955, 11, 11), kk="3310012710160008"),
    civil_row(13, "3310012504880001", "BUDI SANTOSO", date(1988, 4, 25), kk="3310012710160009"),
    civil_row(14, "3310012504880002", "BUDI SANTOSO", date(1988, 4, 25), kk="3310012710160010", ibu="TUMINAH",
              desa=DESA_OTHER_KEC),
    civil_row(15, "3310013108610001", "HARTONO", date(1961, 8, 31), kk="3310012710160011"),
]


def build(civil_rows, member_rows):
    vocab = E.Vocab()
    cb = E.TableBuilder(vocab, "civil")
    cb.add(civil_rows)
    civil = E.CivilIndex(cb.finish(), vocab)
    mb = E.TableBuilder(vocab, "member")
    mb.add(member_rows)
    members = mb.finish()
    return members, civil
