"""The Data view's queries: filters, SQL sort orders, paging, one family, region options.

Runs on SQLite and, with DTKS_TEST_DATABASE_URL, on PostgreSQL. Expected results are
computed in Python from the rows the database holds, with each database's NULL order
(SQLite: NULL before every value; PostgreSQL: after).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from dtks_desktop.db.models import Household, Member, Region
from dtks_desktop.domain.names import search_key
from dtks_desktop.services.core import browse
from dtks_desktop.services.core import settings as settings_service
from dtks_desktop.services.core.browse import BrowseFilter
from dtks_desktop.services.core.registry import FamilyRecord, MemberRecord, bulk_add_families

KEC_A = "33.10.01"  # Prambanan
KEC_B = "33.10.02"  # Gantiwarno

FIRST = ["Sri", "Siti", "Slamet", "Suparmi", "Bambang", "Joko", "Djoko", "Soekarno", "Sukarno", "Moch.",
         "Muhammad", "Tjipto", "Cipto", "Endang", "Wahyu", "Agus", "Dewi", "Ngatini", "Paijo", "Eko"]
LAST = ["Wahyuni", "Lestari", "Santoso", "Widodo", "Ali", "Rahayu", "Prasetyo", "Utomo", "Astuti"]
STATUSES = ["aktif"] * 10 + ["meninggal", "pindah", "tidak_ditemukan", "ganda", "dihapus"]


def desa_codes(session, kecamatan: str, n: int = 3) -> list[str]:
    return list(
        session.execute(
            select(Region.kode).where(Region.parent_kode == kecamatan, Region.level == 4).order_by(Region.kode).limit(n)
        ).scalars()
    )


def make_families(desas: list[str], n_families: int = 240, seed: int = 7) -> list[FamilyRecord]:
    """Deterministic families in the given desas, with old spellings, NULLs and flags."""
    rng = random.Random(seed)
    families = []
    serial = 0
    for i in range(n_families):
        desa = desas[i % len(desas)]
        kec_digits = desa[:8].replace(".", "")
        members = []
        head_born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 40 * 365))
        for j in range(rng.randint(1, 5)):
            serial += 1
            female = j == 1 or rng.random() < 0.4
            born = head_born + timedelta(days=(0 if j == 0 else rng.randint(-700, 30 * 365)))
            day = born.day + (40 if female else 0)
            nik = f"{kec_digits}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"
            flags = None
            if serial % 17 == 0:
                nik, flags = nik[:15] + "0", "nik_rusak_excel"
            if serial % 41 == 0:
                nik, flags = None, None
            members.append(
                MemberRecord(
                    nama=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    nik=nik,
                    nik_flags=flags,
                    tanggal_lahir=None if serial % 29 == 0 else born,
                    jenis_kelamin="P" if female else "L",
                    hubungan=1 if j == 0 else (2 if j == 1 else 3),
                    status=rng.choice(STATUSES),
                    tempat_lahir="Klaten",
                )
            )
        no_kk = None if i % 23 == 5 else f"{kec_digits}{(i % 28) + 1:02d}0{(i % 9) + 1}20{i + 1:04d}"
        families.append(
            FamilyRecord(
                no_kk=no_kk,
                desa_kode=desa,
                alamat=f"Jl. Melati No. {i + 1}",
                dusun="Krajan",
                rt=f"{i % 7 + 1:03d}",
                rw=f"{i % 3 + 1:03d}",
                desil=(i % 10) + 1,
                members=members,
            )
        )
    return families


@dataclass(frozen=True)
class Fact:
    """What a test knows about one member, read back from the database."""

    id: int
    household_id: int
    nik: str | None
    nama: str
    nama_key: str
    tanggal_lahir: date | None
    status: str
    no_kk: str | None
    desa_kode: str | None
    nik_flags: str | None


def fill_registry(db, n_families: int = 240) -> list[Fact]:
    """Families in three desas of Prambanan and three of Gantiwarno."""
    with db.transaction() as s:
        desas = desa_codes(s, KEC_A) + desa_codes(s, KEC_B)
        bulk_add_families(s, make_families(desas, n_families))
    with db.sessions() as s:
        rows = s.execute(
            select(Member.id, Member.household_id, Member.nik, Member.nama, Member.nama_key, Member.tanggal_lahir,
                   Member.status, Household.no_kk, Household.desa_kode, Member.nik_flags)
            .join(Household, Household.id == Member.household_id)
        ).all()
    return [Fact(*r) for r in rows]


@pytest.fixture
def facts(db) -> list[Fact]:
    return fill_registry(db)


def _null_first(backend: str) -> bool:
    return backend == "sqlite"


def expected_order(facts: list[Fact], sort: str, descending: bool, backend: str) -> list[int]:
    nf = _null_first(backend)

    def nullable(v):
        # SQLite sorts NULL before every value, PostgreSQL after.
        return (0, "") if v is None and nf else (2, "") if v is None else (1, v)

    keys = {
        "nama": lambda x: (x.nama_key, x.id),
        "nik": lambda x: (nullable(x.nik), x.id),
        "tanggal_lahir": lambda x: (nullable(x.tanggal_lahir), x.id),
        "status": lambda x: (x.status, x.id),
        "no_kk": lambda x: (nullable(x.no_kk), x.household_id, x.id),
        "desa": lambda x: (nullable(x.desa_kode), x.household_id, x.id),
    }
    return [x.id for x in sorted(facts, key=keys[sort], reverse=descending)]


def all_ids(session, f: BrowseFilter, sort="nama", descending=False, page=37) -> list[int]:
    out: list[int] = []
    offset = 0
    while True:
        rows = browse.member_page(session, f, sort, descending, offset, page)
        out.extend(r.id for r in rows)
        if len(rows) < page:
            return out
        offset += page


# --------------------------------------------------------------------------- pure helpers


def test_prefix_end_and_parse_text():
    assert browse.prefix_end("3310") == "3311"
    assert browse.prefix_end("3319") == "331:"
    assert browse.prefix_end("33.10.01.") == "33.10.01/"
    assert browse.parse_text(None) is None
    assert browse.parse_text("   ") is None
    assert browse.parse_text("3310 0112") == browse.TextQuery("digits", "33100112")
    assert browse.parse_text("331") == browse.TextQuery("name", "331")  # fewer than 4 digits: not a NIK
    assert browse.parse_text("moch. soleh") == browse.TextQuery("name", "MUHAMMAD SOLEH")
    assert browse.parse_text("Soekarno") == browse.TextQuery("name", "SUKARNO")


def test_labels():
    assert browse.member_status_label("tidak_ditemukan") == "Tidak ditemukan"
    assert browse.household_status_label("terdaftar") == "Terdaftar"
    assert browse.hubungan_label(1) == "Kepala keluarga"
    assert browse.hubungan_label(None) == ""
    assert browse.nik_flag_labels("nik_rusak_excel, kode_baru") == (
        "NIK rusak oleh Excel (digit terakhir tidak dapat dipercaya)", "kode baru")
    assert browse.nik_flag_labels(None) == ()


# --------------------------------------------------------------------------- counting and filters


def test_count_and_filters_by_region_and_status(db, facts):
    with db.sessions() as s:
        assert browse.has_members(s)
        assert browse.count_members(s, BrowseFilter()) == len(facts)
        kec_a = [x for x in facts if x.desa_kode.startswith(KEC_A + ".")]
        assert 0 < len(kec_a) < len(facts)
        assert browse.count_members(s, BrowseFilter(kecamatan=KEC_A)) == len(kec_a)
        assert sorted(all_ids(s, BrowseFilter(kecamatan=KEC_A))) == sorted(x.id for x in kec_a)
        desa = kec_a[0].desa_kode
        in_desa = sorted(x.id for x in facts if x.desa_kode == desa)
        # desa wins over kecamatan; both given is the normal case from the filter bar
        for f in (BrowseFilter(desa=desa), BrowseFilter(kecamatan=KEC_A, desa=desa)):
            assert browse.count_members(s, f) == len(in_desa)
            assert sorted(all_ids(s, f)) == in_desa
        dead = sorted(x.id for x in facts if x.status == "meninggal")
        assert dead and browse.count_members(s, BrowseFilter(status="meninggal")) == len(dead)
        assert sorted(all_ids(s, BrowseFilter(status="meninggal"))) == dead
        both = sorted(x.id for x in kec_a if x.status == "aktif")
        f = BrowseFilter(kecamatan=KEC_A, status="aktif")
        assert browse.count_members(s, f) == len(both)
        assert sorted(all_ids(s, f, sort="nik")) == both
        assert browse.count_members(s, BrowseFilter(kecamatan="33.10.03")) == 0
        assert browse.member_page(s, BrowseFilter(kecamatan="33.10.03"), "nama", False, 0, 50) == []


@pytest.mark.parametrize("dense", [False, True], ids=["selective", "dense"])
def test_digits_search_nik_or_no_kk_prefix(db, facts, monkeypatch, dense):
    if dense:  # force the OR-over-the-family form that short prefixes get at scale
        monkeypatch.setattr(browse, "DENSE_NIK", 1)
        monkeypatch.setattr(browse, "DENSE_KK", 1)

    def expect(prefix: str) -> list[int]:
        return sorted(x.id for x in facts
                      if (x.nik or "").startswith(prefix) or (x.no_kk or "").startswith(prefix))

    someone = next(x for x in facts if x.nik and x.no_kk and x.status == "aktif")
    family = sorted(x.id for x in facts if x.household_id == someone.household_id)
    with db.sessions() as s:
        for prefix in (someone.nik, someone.nik[:10], someone.no_kk, someone.no_kk[:12], "3310", "331002"):
            want = expect(prefix)
            assert want, prefix
            f = BrowseFilter(text=prefix)
            assert browse.count_members(s, f) == len(want), prefix
            for sort in ("nama", "nik", "no_kk"):
                assert sorted(all_ids(s, f, sort)) == want, (prefix, sort)
        # a full No KK finds the whole family, and only it
        assert set(family) <= set(expect(someone.no_kk))
        assert sorted(all_ids(s, BrowseFilter(text=someone.no_kk))) == expect(someone.no_kk)
        # spaces and dots typed between digits are ignored
        spaced = f"{someone.nik[:4]} {someone.nik[4:8]}.{someone.nik[8:]}"
        assert someone.id in all_ids(s, BrowseFilter(text=spaced))
        # combined with a region and a status filter
        f = BrowseFilter(kecamatan=KEC_B, status="aktif", text="3310")
        want = sorted(x.id for x in facts if x.desa_kode.startswith(KEC_B + ".") and x.status == "aktif")
        assert browse.count_members(s, f) == len(want)
        assert sorted(all_ids(s, f, "nik")) == want
        assert browse.count_members(s, BrowseFilter(text="9999999")) == 0


def test_name_search_is_a_prefix_of_the_normalised_name(db, facts):
    def expect(text: str) -> list[int]:
        key = search_key(text)
        return sorted(x.id for x in facts if x.nama_key.startswith(key))

    by_name = {x.nama: x for x in facts}
    with db.sessions() as s:
        for text in ("sri", "SRI W", "s", "Bambang"):
            want = expect(text)
            assert want, text
            assert browse.count_members(s, BrowseFilter(text=text)) == len(want)
            assert sorted(all_ids(s, BrowseFilter(text=text))) == want

        def found(text: str) -> set[str]:
            return {r.nama.split()[0] for r in browse.member_page(s, BrowseFilter(text=text), "nama", False, 0, 1000)}

        # old spellings and abbreviations find the modern ones, and the other way round
        assert {"Soekarno", "Sukarno"} <= found("Soekarno")
        assert {"Soekarno", "Sukarno"} <= found("sukarno")
        assert {"Djoko", "Joko"} <= found("Djoko")
        assert {"Moch.", "Muhammad"} <= found("moch")
        assert {"Tjipto", "Cipto"} <= found("Tjipto")
        # a prefix, not a substring
        assert "Sri" not in found("wahyuni")
        assert any(n.startswith("Sri ") for n in by_name)


# --------------------------------------------------------------------------- sort orders and paging


@pytest.mark.parametrize("sort", browse.SORT_KEYS)
@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
def test_sort_orders_are_total_and_stable(db, facts, backend, sort, descending):
    with db.sessions() as s:
        got = all_ids(s, BrowseFilter(), sort, descending, page=41)
        assert got == expected_order(facts, sort, descending, backend)
        # the same page asked twice is the same page
        again = [r.id for r in browse.member_page(s, BrowseFilter(), sort, descending, 82, 41)]
        assert again == got[82:123]
        # a filtered list keeps the same order
        kec = [x for x in facts if x.desa_kode.startswith(KEC_B + ".")]
        assert all_ids(s, BrowseFilter(kecamatan=KEC_B), sort, descending, page=19) == \
            expected_order(kec, sort, descending, backend)


def test_sort_orders_null_placement(db, facts, backend):
    """NULL NIK / birth date / No KK rows are there, at the database's end of the order."""
    with db.sessions() as s:
        for sort, attr in (("nik", "nik"), ("tanggal_lahir", "tanggal_lahir"), ("no_kk", "no_kk")):
            nulls = {x.id for x in facts if getattr(x, attr) is None}
            assert nulls, sort
            got = all_ids(s, BrowseFilter(), sort, False, page=500)
            head = set(got[: len(nulls)])
            tail = set(got[-len(nulls):])
            assert (head if backend == "sqlite" else tail) == nulls


def test_paging_covers_every_row_exactly_once(db, facts):
    with db.sessions() as s:
        for f in (BrowseFilter(), BrowseFilter(kecamatan=KEC_A), BrowseFilter(status="aktif", text="s")):
            n = browse.count_members(s, f)
            for sort in browse.SORT_KEYS:
                for size in (1, 7, 200):
                    if size == 1 and sort not in ("nama", "no_kk"):
                        continue
                    ids = all_ids(s, f, sort, sort == "desa", page=size)
                    assert len(ids) == n == len(set(ids)), (f, sort, size)
        assert browse.member_page(s, BrowseFilter(), "nama", False, len(facts), 10) == []
        assert browse.member_page(s, BrowseFilter(), "nama", False, len(facts) - 3, 10)[-1].id == \
            expected_order(facts, "nama", False, "any")[-1]
        with pytest.raises(ValueError):
            browse.member_page(s, BrowseFilter(), "warna", False, 0, 10)


def test_member_rows_carry_display_columns(db, facts):
    x = next(f for f in facts if f.desa_kode.startswith(KEC_A + ".") and f.no_kk)
    with db.sessions() as s:
        (row,) = browse.member_rows(s, [x.id])
        desa_name = s.execute(select(Region.nama).where(Region.kode == x.desa_kode)).scalar_one()
        assert (row.id, row.household_id, row.nik, row.nama, row.no_kk) == (x.id, x.household_id, x.nik, x.nama,
                                                                            x.no_kk)
        assert row.desa == desa_name and row.kecamatan == "Prambanan" and row.desa_kode == x.desa_kode
        assert row.rt and row.rw and 1 <= row.desil <= 10 and row.status == x.status
        ids = [f.id for f in facts[10:20]][::-1]
        assert [r.id for r in browse.member_rows(s, ids)] == ids
        assert browse.member_rows(s, []) == []
        flagged = next(f for f in facts if f.nik_flags)
        (frow,) = browse.member_rows(s, [flagged.id])
        assert frow.nik_flags == "nik_rusak_excel"


# --------------------------------------------------------------------------- one family


def test_family_detail(db, facts):
    big = max({x.household_id for x in facts}, key=lambda h: sum(1 for x in facts if x.household_id == h))
    with db.sessions() as s:
        d = browse.family_detail(s, big)
        hh = s.get(Household, big)
        assert (d.household_id, d.no_kk, d.alamat, d.dusun, d.rt, d.rw, d.desil) == (
            hh.id, hh.no_kk, hh.alamat, hh.dusun, hh.rt, hh.rw, hh.desil)
        assert d.desa_kode == hh.desa_kode and d.kecamatan_kode == hh.desa_kode[:8]
        assert d.kecamatan in ("Prambanan", "Gantiwarno") and d.desa
        assert d.status == "terdaftar" and d.status_label == "Terdaftar"
        assert len(d.members) == sum(1 for x in facts if x.household_id == big) >= 3
        order = [(m.hubungan, m.tanggal_lahir or date.max, m.id) for m in d.members]
        assert order == sorted(order)
        assert d.members[0].hubungan == 1 and d.head is d.members[0]
        assert d.members[0].hubungan_label == "Kepala keluarga"
        for m in d.members:
            assert m.status_label == browse.member_status_label(m.status)
        flagged_hh = next(x.household_id for x in facts if x.nik_flags)
        fd = browse.family_detail(s, flagged_hh)
        assert any(m.flag_labels and "Excel" in m.flag_labels[0] for m in fd.members)
        with pytest.raises(browse.FamilyNotFound, match="tidak ditemukan"):
            browse.family_detail(s, 10**9)


# --------------------------------------------------------------------------- regions and the office


def test_region_options(db):
    with db.sessions() as s:
        kec = browse.kecamatan_options(s, "33.10")
        assert (KEC_A, "Prambanan") in kec and len(kec) == 26
        assert [n for _k, n in kec] == sorted(n for _k, n in kec)
        desa = browse.desa_options(s, KEC_A)
        assert desa and all(k.startswith(KEC_A + ".") and k.count(".") == 3 for k, _n in desa)
        assert browse.desa_options(s, "99.99.99") == []


def test_office_kab_kode_from_settings_or_data(db, admin, facts):
    with db.sessions() as s:
        assert browse.guess_kab_kode(s) == "33.10"
        assert browse.office_kab_kode(s) == "33.10"
    with db.transaction() as s:
        settings_service.put(s, admin, settings_service.KAB_KODE, "33.11")
    with db.sessions() as s:
        assert browse.office_kab_kode(s) == "33.11"


def test_empty_registry(db):
    with db.sessions() as s:
        assert not browse.has_members(s)
        assert browse.count_members(s, BrowseFilter()) == 0
        assert browse.guess_kab_kode(s) is None
        assert browse.member_page(s, BrowseFilter(text="sri"), "no_kk", True, 0, 200) == []


def test_match_status_label_says_what_was_decided():
    from dtks_desktop.services.core.browse import match_status_label

    assert match_status_label(None) == "Belum dipadankan"
    assert match_status_label("padan", None) == "Padan"
    assert match_status_label("usulan_koreksi", None) == "Usulan koreksi NIK"
    assert match_status_label("usulan_koreksi", "otomatis") == "NIK dipulihkan otomatis"
    assert match_status_label("usulan_koreksi", "diterima") == "NIK dikoreksi"
    assert match_status_label("nik_orang_lain", "diterima") == "NIK dikoreksi"
    assert match_status_label("usulan_koreksi", "ditolak") == "Usulan koreksi NIK (ditolak)"
    assert match_status_label("ganda", "diterima") == "Ganda (diterima)"
