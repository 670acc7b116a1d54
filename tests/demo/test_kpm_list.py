"""The demo KPM list: a file as Kemensos/Bulog send it, made from the registry, with its damage and a
ground truth that says what a correct importer and cleaner must make of each row."""

import csv

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from dtks_desktop.db.models import Member
from dtks_desktop.demo.kpm_list import KpmListConfig, write_kpm_list
from dtks_desktop.demo.loader import load_demo
from dtks_desktop.domain.spreadsheet import clean_id


@pytest.fixture
def registry(db, admin):
    load_demo(db, admin, people=1500, seed=5, kab="33.10")
    return db


def _truth(path):
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("seed", [1, 2, 7])
def test_list_rows_and_truth_agree(registry, tmp_path, seed):
    with registry.sessions() as s:
        res = write_kpm_list(s, tmp_path / "kpm.xlsx", KpmListConfig(seed=seed))
        niks = set(s.execute(select(Member.nik).where(Member.nik.is_not(None))).scalars())
    ws = load_workbook(res.path, read_only=True).worksheets[0]
    data = list(ws.iter_rows(values_only=True))
    assert data[0][:4] == ("NO", "NIK_PENERIMA", "NO_KK", "NAMA_PENERIMA")
    truth = _truth(res.truth)
    assert len(data) - 1 == len(truth) == res.rows
    assert sum(res.expect.values()) == res.rows
    for row, t in zip(data[1:], truth):
        nik = row[1]
        assert isinstance(nik, str), "NIK written as a text cell"
        assert nik == t["nik_in_file"]
        if t["expect"] == "tidak_terdaftar":
            assert nik not in niks and not t["member_id"]
        elif t["expect"] == "ditolak:nik_excel":
            assert clean_id(nik).excel_damaged
        elif t["expect"] == "ditolak:duplikat":
            earlier = [x for x in truth[:truth.index(t)] if x["nik_in_file"] == nik]
            assert earlier, "a duplicate follows the row it copies"
        else:
            assert nik in niks and t["member_id"]
    # kk_ganda: a second recipient of a family listed earlier in the file
    for i, t in enumerate(truth):
        if "kk_ganda" in t["expect"]:
            kk = data[i + 1][2]
            assert any(r[2] == kk for r in data[1:i + 1])
    assert res.expect.get("tidak_terdaftar", 0) >= 1 and res.expect.get("dikembalikan", 0) >= 1


def test_bulog_layout_names_the_desa_and_a_clean_list_is_all_lengkap(registry, tmp_path):
    with registry.sessions() as s:
        res = write_kpm_list(s, tmp_path / "kpm.csv", KpmListConfig(layout="bulog", damage=False, count=50))
    with open(res.path, encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["No", "NIK", "No KK", "Nama KPM", "Alamat", "RT", "RW", "Dusun/Lingkungan", "Desa/Kelurahan",
                       "Kecamatan"]
    assert set(res.expect) <= {"lengkap", "dikembalikan"} and res.rows == len(rows) - 1 <= 50


def test_empty_database_is_refused(db, tmp_path):
    with db.sessions() as s, pytest.raises(ValueError, match="demo-load"):
        write_kpm_list(s, tmp_path / "kpm.xlsx")
