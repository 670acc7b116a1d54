"""Signatories (checked NIP, deactivation, choice per document type) and village officials
(one desa at a time, and the .xlsx import with its bad inputs)."""

from __future__ import annotations

import json

import pytest
import xlsxwriter
from sqlalchemy import func, select

from dtks_desktop.db.models import AuditEvent, VillageOfficialsRow
from dtks_desktop.services.documents import officials, signers
from dtks_desktop.services.importing.readers import ImportFileError

KADIS = dict(nama="Drs. SUTRISNO, M.Si", nip="19680514 199303 1 007", pangkat="Pembina Tingkat I (IV/b)",
             jabatan="Kepala Dinas Sosial")
SEKDIN = dict(nama="Hj. SRI LESTARI, S.Sos", nip="197207182000032004", pangkat="Pembina (IV/a)",
              jabatan="Sekretaris Dinas Sosial")


def _add(db, actor, **kw):
    with db.transaction() as s:
        return signers.add_signer(s, actor, **kw)


def test_signers_are_added_chosen_per_type_and_deactivated(office_db, admin):
    kadis, sekdin = _add(office_db, admin, **KADIS), _add(office_db, admin, **SEKDIN)
    assert kadis.nip == "196805141993031007" and isinstance(kadis.nip, str)
    with office_db.transaction() as s:
        assert signers.use_signer(s, admin, "default", kadis.id)
        assert signers.use_signer(s, admin, "surat_keterangan", sekdin.id)
        assert not signers.use_signer(s, admin, "surat_keterangan", sekdin.id)
    with office_db.sessions() as s:
        assert signers.signer_for(s, "surat_keterangan").nama == SEKDIN["nama"]
        assert signers.signer_for(s, "rekap_pemadanan").nama == KADIS["nama"]  # the default
    with office_db.transaction() as s:
        signers.deactivate_signer(s, admin, sekdin.id)
    with office_db.sessions() as s:
        assert signers.signer_for(s, "surat_keterangan") is None  # chosen, but no longer active
        assert [(x.id, x.aktif) for x in signers.list_signers(s)] == [(kadis.id, True), (sekdin.id, False)]
        actions = s.execute(select(AuditEvent.action).where(AuditEvent.action.like("signer.%"))
                            .order_by(AuditEvent.id)).scalars().all()
    assert actions == ["signer.add", "signer.add", "signer.deactivate"]
    with pytest.raises(signers.SignerError, match="sudah tidak aktif"):
        with office_db.transaction() as s:
            signers.use_signer(s, admin, "surat_keterangan", sekdin.id)


@pytest.mark.parametrize("change, message", [
    ({"nip": "1968051419930310"}, "NIP harus 18 angka, bukan 16"),
    ({"nip": "196813401993031007"}, "tanggal lahir 19681340 tidak valid"),
    ({"nip": "196805141993031000"}, "tidak boleh 000"),
    ({"nama": "  "}, "nama penanda tangan wajib diisi"),
    ({"jabatan": ""}, "jabatan penanda tangan wajib diisi"),
])
def test_a_bad_signer_is_refused(office_db, admin, change, message):
    with pytest.raises(signers.SignerError, match=message):
        _add(office_db, admin, **{**KADIS, **change})
    with office_db.sessions() as s:
        assert signers.list_signers(s) == []


def test_the_same_nip_twice_and_bad_choices_are_refused(office_db, admin):
    first = _add(office_db, admin, **KADIS)
    with pytest.raises(signers.SignerError, match="sudah terdaftar"):
        _add(office_db, admin, **KADIS)
    for doc_type, sid, message in (("Surat Keluar!", first.id, "tidak valid"), ("surat_keterangan", 999, "tidak ada")):
        with pytest.raises(signers.SignerError, match=message):
            with office_db.transaction() as s:
                signers.use_signer(s, admin, doc_type, sid)


# --- village officials ---------------------------------------------------------------------------


def test_one_desa_is_set_with_its_wording(office_db, operator):
    with office_db.transaction() as s:
        desa = officials.set_officials(s, operator, "3310012001", kepala="SUPARNO", ketua_bpd="H. MUHAMMAD  ARIF")
        kel = officials.set_officials(s, operator, "33.10.20.1015", kepala="Dra. ENDANG", sekretaris="BUDI")
    assert (desa.desa_kode, desa.sebutan, desa.kepala_jabatan, desa.ketua_bpd) == (
        "33.10.01.2001", "Desa", "Kepala Desa", "H. MUHAMMAD ARIF")
    assert (kel.sebutan, kel.kepala_jabatan, kel.desa_nama) == ("Kelurahan", "Lurah", "Jatinom")
    with office_db.transaction() as s:
        officials.set_officials(s, operator, "33.10.01.2001", sekretaris="WAHYUDI")  # only that field
    with office_db.sessions() as s:
        rows = {v.desa_kode: v for v in officials.list_officials(s)}
        assert rows["33.10.01.2001"].kepala == "SUPARNO" and rows["33.10.01.2001"].sekretaris == "WAHYUDI"
        assert [v.desa_kode for v in officials.list_officials(s, "33.10.20")] == ["33.10.20.1015"]
        assert len(officials.list_officials(s, all_desa=True)) == 401
        n = s.execute(select(func.count()).select_from(AuditEvent)
                      .where(AuditEvent.action == "village_officials.set")).scalar_one()
    assert n == 3


@pytest.mark.parametrize("kode, message", [("33.11.01.2001", "tidak ada di 33.10"), ("33.10.01", "tidak ada di 33.10"),
                                           ("abc", "tidak ada di 33.10")])
def test_a_desa_outside_the_kabupaten_is_refused(office_db, operator, kode, message):
    with pytest.raises(officials.OfficialsError, match=message):
        with office_db.transaction() as s:
            officials.set_officials(s, operator, kode, kepala="X")


def _xlsx(path, rows):
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Perangkat")
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is not None:
                ws.write(r, c, v)
    wb.close()
    return path


def _stored(db):
    with db.sessions() as s:
        return {r.desa_kode: (r.kepala, r.ketua_bpd, r.sekretaris)
                for r in s.execute(select(VillageOfficialsRow)).scalars()}


def test_import_places_rows_by_code_or_unique_name_and_rejects_the_rest(office_db, operator, tmp_path):
    path = _xlsx(tmp_path / "perangkat.xlsx", [
        ["DAFTAR PERANGKAT DESA SE-KABUPATEN KLATEN"],
        [],
        ["No", "Kode Desa", "Desa/Kelurahan", "Kepala Desa/Lurah", "Ketua BPD", "Sekretaris", "Keterangan"],
        [1, "33.10.01.2001", "Sengon", "SUPARNO", "H. MUHAMMAD", "WAHYUDI", ""],
        [2, 3310012003.0, "Kotesan", "SRI WIDODO", "", "ANI", ""],  # a number cell, an empty BPD
        [3, None, "Cucukan", "BAMBANG", "JOKO", "SITI", ""],  # name only, unique in Klaten
        [4, None, "Beji", "X", "Y", "Z", ""],  # name only, several in Klaten
        [5, "33.11.01.2001", "Desa Sukoharjo", "A", "B", "C", ""],  # another kabupaten
        [6, "33.10.01.2999", "", "A", "B", "C", ""],  # unknown code
        [7, "33.10.01.2001", "Sengon", "LAIN", "", "", ""],  # the same desa again
        [8, "33.10.20.1015", "Jatinim", "Dra. ENDANG", "", "BUDI", ""],  # kelurahan, name misspelt
    ])
    result = officials.import_officials(office_db, operator, path)
    assert (result.rows_read, result.imported, result.rejected) == (8, 4, 4)
    assert _stored(office_db) == {
        "33.10.01.2001": ("SUPARNO", "H. MUHAMMAD", "WAHYUDI"),
        "33.10.01.2003": ("SRI WIDODO", "", "ANI"),
        "33.10.01.2002": ("BAMBANG", "JOKO", "SITI"),
        "33.10.20.1015": ("Dra. ENDANG", "", "BUDI"),
    }
    rejected = {p.row: p for p in result.problems if p.level == "baris ditolak"}
    assert set(rejected) == {7, 8, 9, 10}
    assert "bernama 'Beji'" in rejected[7].message and "isi kolom kode desa" in rejected[7].message
    assert rejected[7].column == "C (Desa/Kelurahan)"
    assert rejected[8].message.startswith('Berkas "perangkat.xlsx", baris 8, kolom B (Kode Desa)')
    assert "bukan desa di kabupaten/kota kantor (33.10)" in rejected[8].message
    assert "tidak dikenal" in rejected[9].message
    assert "sudah ada di baris 4" in rejected[10].message
    warnings = [p.message for p in result.problems if p.level == "peringatan"]
    assert result.warnings == len(warnings) == 2
    assert any("G (Keterangan)" in w for w in warnings) and any("'Jatinim' berbeda" in w for w in warnings)
    # importing the same file again changes nothing
    again = officials.import_officials(office_db, operator, path)
    assert (again.imported, again.unchanged, again.rejected) == (0, 4, 4)


def test_import_bad_files_store_nothing(office_db, operator, tmp_path):
    unknown = _xlsx(tmp_path / "judul.xlsx", [["Nomor", "Wilayah", "Pejabat"], [1, "Sengon", "SUPARNO"]])
    only_header = _xlsx(tmp_path / "kosong.xlsx", [["Kode Desa", "Kepala Desa"]])
    empty = tmp_path / "nol.xlsx"
    empty.write_bytes(b"")
    for path, message in ((unknown, "judul kolom tidak dikenali"), (only_header, "tidak berisi data"),
                          (empty, "kosong"), (tmp_path / "tidak_ada.xlsx", "tidak ditemukan")):
        with pytest.raises(ImportFileError) as err:
            officials.import_officials(office_db, operator, path)
        assert message in err.value.message and path.name in err.value.message
    assert _stored(office_db) == {}


def test_an_xlsx_that_is_really_a_csv_is_read_and_says_so(office_db, operator, tmp_path):
    path = tmp_path / "perangkat.xlsx"
    path.write_text("kode desa;kepala desa;ketua bpd;sekdes\n3310012001;SUPARNO;MUHAMMAD;WAHYUDI\n", encoding="utf-8")
    result = officials.import_officials(office_db, operator, path)
    assert result.imported == 1 and result.warnings == 1
    assert "isinya teks CSV" in result.problems[0].message
    assert _stored(office_db) == {"33.10.01.2001": ("SUPARNO", "MUHAMMAD", "WAHYUDI")}


def test_import_before_the_office_kabupaten_is_set_stores_nothing(db, admin, tmp_path):
    path = _xlsx(tmp_path / "p.xlsx", [["Kode Desa", "Kepala Desa"], ["33.10.01.2001", "SUPARNO"]])
    with pytest.raises(officials.OfficialsError, match="belum ditetapkan"):
        officials.import_officials(db, admin, path)
    assert _stored(db) == {}


def test_import_is_audited_per_desa_and_per_file(office_db, operator, tmp_path):
    path = _xlsx(tmp_path / "p.xlsx", [["KODE DESA", "KADES", "SEKDES"], ["3310012001", "SUPARNO", "WAHYUDI"]])
    officials.import_officials(office_db, operator, path)
    with office_db.sessions() as s:
        events = s.execute(select(AuditEvent).where(AuditEvent.action.like("village_officials.%"))
                           .order_by(AuditEvent.id)).scalars().all()
    assert [(e.action, e.username) for e in events] == [("village_officials.set", "operator1"),
                                                        ("village_officials.import", "operator1")]
    assert json.loads(events[0].new_value) == {"kepala": "SUPARNO", "sekretaris": "WAHYUDI"}
