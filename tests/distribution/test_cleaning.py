"""PT Pos cleaning in rounds: the rules, the returned list (.xlsx, NIK masked, per desa), the completed
file checked again (the same file twice refused), and the final list for PT Pos."""

from __future__ import annotations

import csv
import json
import shutil

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from dtks_desktop.db.models import (AuditEvent, DistCleanResult, DistCleanRound, DistKpm, DistPeriod, DukcapilPerson,
                                    ImportBatch)
from dtks_desktop.domain.permissions import PermissionDenied
from dtks_desktop.services.distribution import cleaning as C
from dtks_desktop.services.distribution import periods as P
from dtks_desktop.services.distribution import ptpos as X
from dtks_desktop.services.distribution.common import DistError

from tests.distribution.conftest import DESA_A, KPM_HEADER, NIK, kpm_row, write_xlsx

BUDI_NEW_NIK = "3310010101900012"


@pytest.fixture
def period(world):
    return P.create_period(world.db, world.operator, "BPNT", "Tahap 1 2027", cash="200.000", from_batch=world.batch).id


def _status(world, pid):
    with world.db.sessions() as s:
        return {k.nama: (k.clean_status, k.clean_reasons, k.clean_round)
                for k in s.execute(select(DistKpm).where(DistKpm.period_id == pid)).scalars()}


def test_the_first_round_checks_every_kpm_and_makes_the_period_ready(world, period):
    r = C.clean(world.db, world.operator, period)
    assert (r.round, r.checked, r.lengkap, r.dikembalikan) == (1, 6, 3, 3)
    assert r.reasons == {"nik_tidak_padan": 1, "rt_kosong": 1, "meninggal": 1}
    st = _status(world, period)
    assert st["ANI"] == ("lengkap", None, 1) and st["EKO"][0] == "lengkap" and st["FAJAR"][0] == "lengkap"
    assert st["BUDI"] == ("dikembalikan", "nik_tidak_padan", 1)
    assert st["CITRA"] == ("dikembalikan", "rt_kosong", 1) and st["DODI"] == ("dikembalikan", "meninggal", 1)
    d = r.as_dict()
    assert {"lengkap", "dikembalikan", "reasons"} <= set(d) and d["total"] == {"kpm": 6, "lengkap": 3,
                                                                              "dikembalikan": 3, "belum": 0}
    with world.db.sessions() as s:
        p = s.get(DistPeriod, period)
        assert p.status == "siap" and p.cleaned_at is not None
        assert s.execute(select(func.count()).select_from(DistCleanResult)).scalar_one() == 6
        assert s.execute(select(AuditEvent.action).where(AuditEvent.action.like("dist.%"))
                         .order_by(AuditEvent.id)).scalars().all() == ["dist.period.create", "dist.period.status",
                                                                        "dist.clean"]
    # a second round checks only what is not lengkap yet
    r2 = C.clean(world.db, world.operator, period)
    assert (r2.round, r2.checked, r2.lengkap) == (2, 3, 0)
    with world.db.sessions() as s:
        assert [v.round_no for v in C.rounds(s, period)] == [1, 2]
        assert C.rounds(s, period)[0].by == "operator1" and C.rounds(s, period)[1].checked == 3


def test_kk_ganda_tidak_terdaftar_desa_and_the_switchable_rules(world):
    f = write_xlsx(world.tmp / "kpm.xlsx", KPM_HEADER, [
        kpm_row(1, "EKO"), kpm_row(2, "EKA"),  # same No KK: the later one is returned
        kpm_row(3, "SUKIRAH", nik="3310015505600011", kk="3310011111110011"),  # not in the registry
        kpm_row(4, "FAJAR", desa="Desa Entah"),  # desa unknown
        kpm_row(5, "ANI", dusun=None, kk=""),  # no dusun, no No KK: lengkap by default
        kpm_row(6, "TONO", nik="33100101019", kk="3310011111110012")])  # 11 digits
    pid = P.create_period(world.db, world.operator, "BANPANGAN", "Tahap 1", goods="beras:10:kg", from_file=f).id
    with world.db.transaction() as s:  # ANI listed without No KK
        s.execute(DistKpm.__table__.update().where(DistKpm.nama == "ANI").values(no_kk=None))
    r = C.clean(world.db, world.operator, pid)
    st = _status(world, pid)
    assert st["EKO"][0] == "lengkap" and st["EKA"][1] == "kk_ganda"
    assert st["SUKIRAH"][1] == "nik_tidak_padan,tidak_terdaftar"
    assert st["FAJAR"][1] == "desa_tidak_dikenal"
    assert st["ANI"][0] == "lengkap"
    assert st["TONO"][1] == "nik_tidak_valid,tidak_terdaftar"
    assert r.reasons["tidak_terdaftar"] == 2
    with pytest.raises(PermissionDenied), world.db.transaction() as s:
        C.set_clean_rules(s, world.operator, {"dusun_wajib": True})
    with world.db.transaction() as s:
        assert C.set_clean_rules(s, world.supervisor, {"dusun_wajib": True, "kk_wajib": True, "padan_wajib": False}) \
            == {"dusun_wajib": True, "kk_wajib": True, "padan_wajib": False}
    with pytest.raises(DistError, match="tidak dikenal"), world.db.transaction() as s:
        C.set_clean_rules(s, world.supervisor, {"foto_wajib": True})
    with world.db.transaction() as s:  # ANI back to belum: checked again under the new rules
        s.execute(DistKpm.__table__.update().where(DistKpm.nama == "ANI").values(clean_status="belum"))
    C.clean(world.db, world.operator, pid)
    st = _status(world, pid)
    assert st["ANI"][1] == "dusun_kosong,aturan_tambahan"
    assert st["SUKIRAH"][1] == "tidak_terdaftar"  # padan no longer required


def test_a_pencetak_may_not_clean_and_a_cancelled_period_is_not_cleaned(world, period):
    with pytest.raises(PermissionDenied):
        C.clean(world.db, world.pencetak, period)
    with world.db.transaction() as s:
        P.cancel_period(s, world.supervisor, period, "salah daftar")
    with pytest.raises(DistError, match="Batal"):
        C.clean(world.db, world.operator, period)


def _fill(path, out, changes: dict[str, dict[str, str]]):
    """Write into the returned workbook what the desa completed: {nama: {header: value}}."""
    wb = load_workbook(path)
    for ws in wb.worksheets[1:]:
        header = None
        for row in ws.iter_rows():
            values = [c.value for c in row]
            if header is None:
                if "ID KPM" in values:
                    header = {v: i for i, v in enumerate(values) if v}
                continue
            nama = values[header["Nama"]]
            for h, v in changes.get(nama, {}).items():
                row[header[h]].value = v
    wb.save(out)
    return out


def test_returned_list_completed_file_and_the_same_file_twice(world, period):
    C.clean(world.db, world.operator, period)
    out = world.tmp / "dikembalikan.xlsx"
    with world.db.sessions() as s:
        X.export_returned(s, world.operator, period, out)
    wb = load_workbook(out)
    assert wb.sheetnames[0] == "Ringkasan" and len(wb.sheetnames) == 2  # all three returned are in DESA_A
    ws = wb.worksheets[1]
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    assert "DIKEMBALIKAN" in cells[0][0] and "Tahap 1 2027" in cells[0][0]
    header = cells[4]
    assert header[:3] == ["No", "ID KPM", "Kode Desa"] and header[-1] == "Alasan dikembalikan"
    body = {r[header.index("Nama")]: r for r in cells[5:]}
    assert sorted(body) == ["BUDI", "CITRA", "DODI"]
    nik = body["BUDI"][header.index("NIK")]
    assert nik != NIK["BUDI"] and "*" in nik and nik.endswith(NIK["BUDI"][-4:])  # masked
    assert body["CITRA"][header.index("Alasan dikembalikan")] == "RT kosong"
    assert body["BUDI"][header.index("Kode Desa")] == DESA_A and ws.cell(row=6, column=6).number_format == "@"
    # the desa completes: CITRA's RT, BUDI's right NIK (padan); DODI stays as it was
    with world.db.transaction() as s:
        ib = s.execute(select(ImportBatch)).scalars().first()
        s.add(DukcapilPerson(batch_id=ib.id, source_row=9, nik=BUDI_NEW_NIK, nama="BUDI", nama_key="BUDI",
                             desa_kode=DESA_A))
    done = _fill(out, world.tmp / "dilengkapi.xlsx", {"CITRA": {"RT": "5"}, "BUDI": {"NIK": BUDI_NEW_NIK}})
    r = X.import_completed(world.db, world.operator, period, done)
    assert (r.round, r.checked, r.lengkap, r.dikembalikan, r.updated) == (2, 3, 2, 1, 2)
    assert r.reasons == {"meninggal": 1} and r.total["lengkap"] == 5 and r.file_name == "dilengkapi.xlsx"
    with world.db.sessions() as s:
        k = {k.nama: k for k in s.execute(select(DistKpm).where(DistKpm.period_id == period)).scalars()}
        assert k["CITRA"].rt == "005" and k["BUDI"].nik == BUDI_NEW_NIK and k["BUDI"].clean_round == 2
        assert k["BUDI"].in_registry and k["BUDI"].member_id == world.member["BUDI"]  # the same person
        ev = s.execute(select(AuditEvent).where(AuditEvent.action == "dist.kpm.update",
                                                AuditEvent.entity_id == k["BUDI"].id)).scalar_one()
        assert json.loads(ev.old_value)["nik"] == NIK["BUDI"] and json.loads(ev.new_value)["nik"] == BUDI_NEW_NIK
        rnd = s.execute(select(DistCleanRound).where(DistCleanRound.round_no == 2)).scalar_one()
        assert rnd.file_name == "dilengkapi.xlsx" and len(rnd.file_sha256) == 64
    # the same file again, even renamed: refused, naming the round; nothing changes
    copy = world.tmp / "dilengkapi (1).xlsx"
    shutil.copyfile(done, copy)
    for f in (done, copy):
        with pytest.raises(DistError, match="sudah diimpor pada ronde 2"):
            X.import_completed(world.db, world.operator, period, f)
    with world.db.sessions() as s:
        assert s.execute(select(func.count()).select_from(DistCleanRound)).scalar_one() == 2
    with world.db.sessions() as s:
        assert [v.file_name for v in C.rounds(s, period)] == [None, "dilengkapi.xlsx"]


def test_a_completed_file_with_bad_rows_names_them(world, period):
    C.clean(world.db, world.operator, period)
    with world.db.sessions() as s:
        ids = {k.nama: k.id for k in s.execute(select(DistKpm).where(DistKpm.period_id == period)).scalars()}
    f = world.tmp / "lengkap.csv"
    f.write_text("ID KPM;NIK;Nama;RT;RW\n"
                 f"{ids['CITRA']};;CITRA;7;1\n"
                 f"99999;;ORANG LAIN;1;1\n"
                 f"{ids['CITRA']};;CITRA;8;1\n"
                 f"{ids['DODI']};{NIK['ANI']};DODI;2;1\n", encoding="utf-8")
    r = X.import_completed(world.db, world.operator, period, f)
    msgs = [p.message for p in r.problems]
    assert any("baris 3" in m and "99999" in m for m in msgs), msgs
    assert any("baris 4" in m and "sudah ada di baris 2" in m for m in msgs), msgs
    assert any("baris 5" in m and "sudah dipakai KPM lain" in m for m in msgs), msgs
    assert (r.checked, r.lengkap) == (1, 1) and _status(world, period)["CITRA"][0] == "lengkap"


def test_a_completed_file_without_the_columns_is_refused(world, period):
    from dtks_desktop.services.importing.readers import ImportFileError
    C.clean(world.db, world.operator, period)
    f = world.tmp / "salah.csv"
    f.write_text("A;B;C\n1;2;3\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="ID KPM"):
        X.import_completed(world.db, world.operator, period, f)


def test_the_list_for_pt_pos_has_the_lengkap_kpm_with_full_nik(world, period):
    with world.db.sessions() as s, pytest.raises(DistError, match="Belum ada KPM lengkap"):
        X.export_for_ptpos(s, world.operator, period, world.tmp / "ptpos.xlsx")
    C.clean(world.db, world.operator, period)
    with world.db.sessions() as s:
        x = X.export_for_ptpos(s, world.operator, period, world.tmp / "ptpos.xlsx")
        c = X.export_for_ptpos(s, world.operator, period, world.tmp / "ptpos.csv")
    ws = load_workbook(x).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0][:3] == ["NO", "ID_KPM", "KODE_WILAYAH"] and len(rows) == 4
    h = rows[0]
    assert [r[h.index("NAMA_PENERIMA")] for r in rows[1:]] == ["ANI", "EKO", "FAJAR"]
    assert rows[1][h.index("NIK")] == NIK["ANI"] and rows[1][h.index("BANTUAN")] == "Rp 200.000"
    with open(c, encoding="utf-8-sig") as fh:
        got = list(csv.reader(fh, delimiter=";"))
    assert got[0] == h and got[1][h.index("NIK")] == NIK["ANI"]
    with world.db.sessions() as s:
        assert s.execute(select(func.count()).select_from(AuditEvent)
                         .where(AuditEvent.action == "dist.export.ptpos")).scalar_one() == 2
    with world.db.sessions() as s, pytest.raises(PermissionDenied):
        X.export_for_ptpos(s, world.pencetak, period, world.tmp / "p2.xlsx")
