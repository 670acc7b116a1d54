"""`dtks office`, `dtks signer`, `dtks village-officials`: JSON keys, messages and exit codes."""

from __future__ import annotations

import json

import pytest

from dtks_desktop.cli import EXIT_FORBIDDEN, main
from tests.documents.conftest import make_logo
from tests.documents.test_signers_officials import _xlsx

ADMIN_PW = "rahasia-kadis"


@pytest.fixture
def url(db_url, db, capsys, monkeypatch):
    monkeypatch.setenv("DTKS_PASSWORD", ADMIN_PW)
    assert main(["--db", db_url, "db", "init", "--admin", "kadis", "--kab", "33.10"]) == 0
    capsys.readouterr()
    return db_url


def run(capsys, url, *argv, user="kadis"):
    code = main(["--db", url, "--user", user, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_office_set_and_show(capsys, url, tmp_path):
    logo = make_logo(tmp_path / "logo.png")
    code, out, err = run(capsys, url, "office", "set", "kertas=F4", "kode_pos=57411", f"logo={logo}", "--json")
    assert code == 0, err
    assert sorted(json.loads(out)["changed"]) == ["kertas", "kode_pos", "logo"]
    code, out, _ = run(capsys, url, "office", "show", "--json")
    data = json.loads(out)
    assert set(data) == {"pemerintah", "dinas", "alamat", "telepon", "email", "website", "kode_pos", "tempat",
                         "kertas", "logo"}
    assert data["kertas"] == "F4" and data["pemerintah"] == "PEMERINTAH KABUPATEN KLATEN"
    assert set(data["logo"]) == {"sha256", "bytes", "type"} and data["logo"]["type"] == "PNG"
    code, out, _ = run(capsys, url, "office", "show")
    assert code == 0 and "kertas     F4" in out and "(bawaan)" in out


@pytest.mark.parametrize("pair, message", [("kode_pos=5741", "kode_pos harus 5 angka"),
                                           ("warna=biru", "'warna' tidak dikenal"),
                                           ("logo=/tidak/ada.png", "logo")])
def test_office_set_bad_value(capsys, url, pair, message):
    code, out, err = run(capsys, url, "office", "set", "kertas=F4", pair)
    assert code == 1 and message in err and "Traceback" not in err
    code, out, _ = run(capsys, url, "office", "show", "--json")
    assert json.loads(out)["kertas"] == "A4"  # nothing of the refused call stored


def test_office_set_needs_an_administrator(capsys, url, monkeypatch):
    monkeypatch.setenv("DTKS_NEW_PASSWORD", "rahasia-operator")
    assert run(capsys, url, "user", "add", "sri", "--role", "supervisor")[0] == 0
    monkeypatch.setenv("DTKS_PASSWORD", "rahasia-operator")
    code, _, err = run(capsys, url, "office", "set", "kertas=F4", user="sri")
    assert code == EXIT_FORBIDDEN and "tidak boleh" in err


def test_signer_commands(capsys, url):
    code, out, err = run(capsys, url, "signer", "add", "--name", "Drs. SUTRISNO, M.Si", "--nip", "196805141993031007",
                         "--pangkat", "Pembina Tingkat I (IV/b)", "--jabatan", "Kepala Dinas Sosial", "--json")
    assert code == 0, err
    added = json.loads(out)
    code, _, err = run(capsys, url, "signer", "add", "--name", "X", "--nip", "19680514199303100", "--pangkat", "a",
                       "--jabatan", "b")
    assert code == 1 and "NIP harus 18 angka, bukan 17" in err
    assert run(capsys, url, "signer", "use", "surat_keterangan", str(added["id"]))[0] == 0
    code, out, _ = run(capsys, url, "signer", "list", "--json")
    listed = json.loads(out)
    assert listed == [{"id": added["id"], "nama": "Drs. SUTRISNO, M.Si", "nip": "196805141993031007",
                       "pangkat": "Pembina Tingkat I (IV/b)", "jabatan": "Kepala Dinas Sosial", "aktif": True}]
    assert run(capsys, url, "signer", "deactivate", str(added["id"]))[0] == 0
    code, out, _ = run(capsys, url, "signer", "list", "--json")
    assert json.loads(out)[0]["aktif"] is False
    code, _, err = run(capsys, url, "signer", "use", "surat_keterangan", "99")
    assert code == 1 and "#99 tidak ada" in err


def test_village_officials_import_and_list(capsys, url, tmp_path):
    path = _xlsx(tmp_path / "perangkat.xlsx", [
        ["Kode Desa", "Nama Desa", "Kades/Lurah", "Ketua BPD", "Sekdes"],
        ["33.10.01.2001", "Sengon", "SUPARNO", "MUHAMMAD", "WAHYUDI"],
        ["33.11.01.2001", "Lain", "A", "B", "C"],
    ])
    code, out, err = run(capsys, url, "village-officials", "import", str(path), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert {"imported", "rejected", "warnings"} <= set(data)
    assert (data["imported"], data["rejected"], data["warnings"]) == (1, 1, 0)
    assert data["problems"][0]["row"] == 3 and "bukan desa di kabupaten/kota kantor" in data["problems"][0]["message"]
    code, out, _ = run(capsys, url, "village-officials", "list", "--desa", "33.10.01.2001", "--json")
    assert json.loads(out) == [{"desa_kode": "33.10.01.2001", "desa_nama": "Sengon", "sebutan": "Desa",
                                "kepala_jabatan": "Kepala Desa", "kepala": "SUPARNO", "ketua_bpd": "MUHAMMAD",
                                "sekretaris": "WAHYUDI"}]
    bad = tmp_path / "kosong.xlsx"
    bad.write_bytes(b"")
    code, _, err = run(capsys, url, "village-officials", "import", str(bad))
    assert code == 1 and "kosong" in err and "Traceback" not in err
