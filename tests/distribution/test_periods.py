"""Distribution periods: made from a batch whose results came back or from a KPM list file; the
bad inputs of the KPM list (people not in the registry, Excel-damaged NIK, the same NIK twice,
another kabupaten's desa codes, a hapus batch) are refused or listed, never silently taken."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from dtks_desktop.db.models import AuditEvent, DistKpm, DistPeriod, Household, Member
from dtks_desktop.domain.permissions import PermissionDenied
from dtks_desktop.services.distribution import periods as P
from dtks_desktop.services.distribution.common import DistError
from dtks_desktop.services.importing.readers import ImportFileError

from tests.distribution.conftest import DESA_A, DESA_B, KPM_HEADER, NIK, PEOPLE, kpm_row, write_xlsx


def _kpm(world, pid):
    with world.db.sessions() as s:
        return {k.nama: k for k in s.execute(select(DistKpm).where(DistKpm.period_id == pid)).scalars()}


def test_a_period_from_a_batch_takes_the_ditetapkan_one_per_family_from_the_registry(world):
    r = P.create_period(world.db, world.operator, "sembako", "Tahap 1 2027", goods="beras:10:kg", from_batch=world.batch)
    kpm = _kpm(world, r.id)
    # GITA was ditolak; EKA is EKO's wife (same family): one KPM per family
    assert sorted(kpm) == ["ANI", "BUDI", "CITRA", "DODI", "EKO", "FAJAR"]
    assert r.kpm == 6 and r.in_registry == 6 and r.tidak_terdaftar == 0 and r.skipped == 1
    assert any("EKA" in p.message and "satu keluarga" in p.message for p in r.problems)
    # identity and address from the registry, not the batch's copy
    assert kpm["ANI"].alamat == "Dukuh Ani" and kpm["ANI"].dusun == "Krajan" and kpm["ANI"].in_registry
    assert kpm["ANI"].member_id == world.member["ANI"] and kpm["ANI"].clean_status == "belum"
    with world.db.sessions() as s:
        p = s.get(DistPeriod, r.id)
        assert (p.programme, p.period, p.status, p.benefit_kind, p.goods, p.goods_unit) == (
            "BPNT", "Tahap 1 2027", "draf", "barang", "beras", "kg")
        ev = s.execute(select(AuditEvent).where(AuditEvent.action == "dist.period.create")).scalar_one()
        assert ev.entity_id == r.id and ev.username == "operator1"
    d = r.as_dict()
    assert {"id", "kpm", "tidak_terdaftar", "rejected", "problems"} <= set(d) and json.dumps(d)
    assert d["period"]["benefit_label"] == "beras 10 kg"


def test_a_hapus_batch_is_refused_and_nothing_is_written(world):
    with pytest.raises(DistError, match="usulan hapus"):
        P.create_period(world.db, world.operator, "BPNT", "Tahap 1", cash=200000, from_batch=world.hapus_batch)
    with world.db.sessions() as s:
        assert s.execute(select(func.count()).select_from(DistPeriod)).scalar_one() == 0


def test_a_batch_without_results_is_refused(world):
    from dtks_desktop.db.models import SubmissionBatch
    with world.db.transaction() as s:
        s.get(SubmissionBatch, world.batch).status = "dikirim"
    with pytest.raises(DistError, match="belum kembali"):
        P.create_period(world.db, world.operator, "BPNT", "Tahap 1", cash=200000, from_batch=world.batch)


def test_arguments_are_checked(world):
    with pytest.raises(DistError, match="tepat satu bentuk"):
        P.create_period(world.db, world.operator, "BPNT", "T1", cash=1, goods="beras:10:kg", from_batch=world.batch)
    with pytest.raises(DistError, match="tepat satu sumber"):
        P.create_period(world.db, world.operator, "BPNT", "T1", cash="600.000")
    with pytest.raises(DistError, match="tidak dikenal"):
        P.create_period(world.db, world.operator, "ZAKAT", "T1", cash="600.000", from_batch=world.batch)
    with pytest.raises(DistError, match="Nilai tunai"):
        P.create_period(world.db, world.operator, "BLT", "T1", cash="enam ratus", from_batch=world.batch)


def test_the_same_programme_and_period_twice_is_refused(world):
    P.create_period(world.db, world.operator, "BLT", "Januari 2027", cash="Rp 300.000", from_batch=world.batch)
    with pytest.raises(DistError, match="sudah ada"):
        P.create_period(world.db, world.operator, "blt", "Januari  2027", cash=300000, from_batch=world.batch)


def test_a_pencetak_may_not_create_a_period(world):
    with pytest.raises(PermissionDenied):
        P.create_period(world.db, world.pencetak, "BLT", "T1", cash=300000, from_batch=world.batch)


def test_a_kpm_list_file_lists_people_not_in_the_registry_without_adding_them(world):
    f = write_xlsx(world.tmp / "kpm.xlsx", KPM_HEADER, [
        kpm_row(1, "ANI"), kpm_row(2, "FAJAR"),
        kpm_row(3, "SUKIRAH", nik="3310015505600011", kk="3310011111110011"),  # not in the registry
        kpm_row(4, "BUDI", nik=NIK["BUDI"], rt=None)])  # in the registry: kept as listed
    with world.db.sessions() as s:
        before = (s.execute(select(func.count()).select_from(Member)).scalar_one(),
                  s.execute(select(func.count()).select_from(Household)).scalar_one())
    r = P.create_period(world.db, world.operator, "BANPANGAN", "Tahap 1 2027", goods="beras:10:kg", from_file=f)
    assert (r.kpm, r.in_registry, r.tidak_terdaftar, r.rejected) == (4, 3, 1, 0)
    kpm = _kpm(world, r.id)
    assert not kpm["SUKIRAH"].in_registry and kpm["SUKIRAH"].member_id is None
    assert kpm["SUKIRAH"].desa_kode == DESA_A and kpm["SUKIRAH"].nik == "3310015505600011"
    assert kpm["BUDI"].rt is None and kpm["BUDI"].member_id == world.member["BUDI"]  # as listed, linked
    assert kpm["FAJAR"].desa_kode == DESA_B
    with world.db.sessions() as s:
        after = (s.execute(select(func.count()).select_from(Member)).scalar_one(),
                 s.execute(select(func.count()).select_from(Household)).scalar_one())
        p = s.get(DistPeriod, r.id)
    assert after == before  # nobody added to the registry
    assert p.source == "file" and p.source_file == "kpm.xlsx" and len(p.source_sha256) == 64


def test_excel_damaged_nik_and_the_same_nik_twice_are_rejected_with_row_and_column(world):
    f = write_xlsx(world.tmp / "kpm_rusak.xlsx", KPM_HEADER, [
        kpm_row(1, "ANI"), kpm_row(2, "BUDI"), kpm_row(3, "ANI"), kpm_row(4, "FAJAR")], numeric_nik={1})
    r = P.create_period(world.db, world.operator, "BPNT", "Tahap 2", cash=200000, from_file=f)
    assert (r.kpm, r.rejected) == (2, 2)
    msgs = [p.message for p in r.problems if p.level == "error"]
    assert any('"kpm_rusak.xlsx", baris 3, kolom B (NIK)' in m and "Excel" in m for m in msgs), msgs
    assert any("baris 4" in m and "sudah ada di baris 2" in m and NIK["ANI"] in m for m in msgs), msgs
    row, column, message = r.problems[0]
    assert row == 3 and column == "B (NIK)"
    assert sorted(_kpm(world, r.id)) == ["ANI", "FAJAR"]


def test_a_kpm_list_of_another_kabupaten_is_refused(world):
    f = write_xlsx(world.tmp / "kpm_boyolali.xlsx", KPM_HEADER, [
        kpm_row(1, "WARSO", nik="3309010101700001", desa="33.09.01.2001"),
        kpm_row(2, "WARSI", nik="3309014101700002", desa="3309012002")])
    with pytest.raises(DistError, match="tidak berisi KPM") as e:
        P.create_period(world.db, world.operator, "BPNT", "Tahap 3", cash=200000, from_file=f)
    assert "kode wilayah 33.09.01.2001" in e.value.message and "baris 2" in e.value.message
    with world.db.sessions() as s:
        assert s.execute(select(func.count()).select_from(DistPeriod)).scalar_one() == 0
    # mixed: the foreign rows are rejected, naming the row and column; the others are listed
    g = write_xlsx(world.tmp / "kpm_campur.xlsx", KPM_HEADER, [
        kpm_row(1, "ANI"), kpm_row(2, "WARSO", nik="3309010101700001", desa="33.09.01.2001")])
    r = P.create_period(world.db, world.operator, "BPNT", "Tahap 3", cash=200000, from_file=g)
    assert (r.kpm, r.rejected) == (1, 1)
    assert "baris 3, kolom I (KODE WILAYAH)" in r.problems[0].message


def test_a_file_without_nik_column_is_refused_clearly(world):
    f = write_xlsx(world.tmp / "tanpa_nik.xlsx", ["NO", "NAMA", "ALAMAT", "RT", "RW", "DESA"],
                   [[1, "ANI", "Dukuh", "001", "001", "Desa"]])
    with pytest.raises(ImportFileError, match="NIK"):
        P.create_period(world.db, world.operator, "BPNT", "Tahap 4", cash=200000, from_file=f)


def test_a_csv_list_with_desa_names(world):
    f = world.tmp / "kpm.csv"
    with world.db.sessions() as s:
        from dtks_desktop.services.core.regions import region_name
        desa, kec = region_name(s, DESA_B), region_name(s, "33.10.01")
    f.write_text(f"NIK;Nama;No KK;Alamat;RT;RW;Desa/Kelurahan;Kecamatan\n"
                 f"{NIK['FAJAR']};FAJAR;{PEOPLE['FAJAR'][2]};Dukuh Lor;3;1;{desa};{kec}\n"
                 f"{NIK['GITA']};GITA;{PEOPLE['GITA'][2]};Dukuh Lor;3;1;Desa Entah;{kec}\n", encoding="utf-8")
    r = P.create_period(world.db, world.operator, "PKH", "Tahap 1", cash=750000, from_file=f)
    kpm = _kpm(world, r.id)
    assert kpm["FAJAR"].desa_kode == DESA_B and kpm["FAJAR"].rt == "003"
    # an unknown desa is kept as written; the cleaning returns it (desa_tidak_dikenal)
    assert kpm["GITA"].desa_kode is None and kpm["GITA"].desa_text == "Desa Entah"


def test_kpm_page_filters_masks_and_counts(world):
    r = P.create_period(world.db, world.operator, "BPNT", "Tahap 1", cash=200000, from_batch=world.batch)
    with world.db.sessions() as s:
        rows = P.kpm_page(s, world.pencetak, r.id)
        assert [k.nama for k in rows] == ["ANI", "BUDI", "DODI", "EKO", "CITRA", "FAJAR"]  # CITRA: no RT, last
        assert "*" in rows[0].nik and rows[0].nik != NIK["ANI"]  # the printer role sees masked NIKs
        assert P.kpm_page(s, world.admin, r.id, text="ani")[0].nik == NIK["ANI"]  # full for the admin
        assert [k.nama for k in P.kpm_page(s, world.operator, r.id, desa=DESA_B)] == ["FAJAR"]
        assert P.count_kpm(s, r.id, desa="33.10.01") == 6 and P.count_kpm(s, r.id, rt="2") == 2
        assert P.count_kpm(s, r.id, text=NIK["EKO"][-4:]) == 1 and P.count_kpm(s, r.id, text=NIK["EKO"]) == 1
        assert P.count_kpm(s, r.id, clean="belum") == 6 and P.count_kpm(s, r.id, receipt="diterima") == 0
        assert [k.nama for k in P.kpm_page(s, world.operator, r.id, offset=3, limit=2)] == ["EKO", "CITRA"]
        assert [v.id for v in P.list_periods(s)] == [r.id] and P.get_period(s, r.id).kpm == 6
    with world.db.sessions() as s, pytest.raises(DistError, match="tidak ada"):
        P.get_period(s, 999)


def test_programmes_added_by_the_admin(world):
    with world.db.transaction() as s:
        P.add_programme(s, world.admin, "bansos kab", "Bantuan Sosial Kabupaten")
    with world.db.sessions() as s:
        assert P.programmes(s)["BANSOS_KAB"] == "Bantuan Sosial Kabupaten" and "PKH" in P.programmes(s)
    r = P.create_period(world.db, world.operator, "BANSOS_KAB", "2027", cash=100000, from_batch=world.batch)
    with world.db.sessions() as s:
        assert P.get_period(s, r.id).programme_name == "Bantuan Sosial Kabupaten"
    with pytest.raises(PermissionDenied), world.db.transaction() as s:
        P.add_programme(s, world.supervisor, "X", "Y")
    with pytest.raises(DistError, match="nasional"), world.db.transaction() as s:
        P.add_programme(s, world.admin, "sembako", "Sembako")


def test_cancel_a_period(world):
    r = P.create_period(world.db, world.operator, "BPNT", "Tahap 1", cash=200000, from_batch=world.batch)
    with pytest.raises(PermissionDenied), world.db.transaction() as s:
        P.cancel_period(s, world.operator, r.id, "salah")
    with pytest.raises(DistError, match="[Aa]lasan"), world.db.transaction() as s:
        P.cancel_period(s, world.supervisor, r.id, "")
    with world.db.transaction() as s:
        v = P.cancel_period(s, world.supervisor, r.id, "daftar salah")
    assert v.status == "batal" and v.closed_at is not None
