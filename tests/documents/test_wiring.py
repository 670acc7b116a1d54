"""Office profile, signatories and documents wired together: what the office sets with
`dtks office set` / `dtks signer use` is what every printed document shows."""

from __future__ import annotations

import json
import subprocess
from datetime import date

import pytest
from pypdf import PdfReader

from dtks_desktop.domain.office import DOCUMENT_TYPES
from dtks_desktop.services.core import settings as settings_service
from dtks_desktop.services.documents import issued, office, register, signers
from dtks_desktop.documents.types import TYPES

KADIS_NIP = "196805141993031007"
from tests.documents.conftest import make_logo
from tests.documents.test_office_cli import run, url  # noqa: F401 (fixture)


def _text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _mm(path) -> tuple[int, int]:
    box = PdfReader(path).pages[0].mediabox
    return round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)


def _agenda(capsys, url, path):  # noqa: F811
    assert run(capsys, url, "docs", "number", "surat_keluar", "--purpose", "Undangan rapat PKH")[0] == 0
    return run(capsys, url, "docs", "agenda", str(path), "--json")


def test_a_document_printed_after_office_set_kertas_f4_is_215_by_330(capsys, url, tmp_path):  # noqa: F811
    code, out, err = _agenda(capsys, url, tmp_path / "a4.pdf")
    assert code == 0, err
    assert _mm(tmp_path / "a4.pdf") == (210, 297)
    assert run(capsys, url, "office", "set", "kertas=F4")[0] == 0
    code, out, err = run(capsys, url, "docs", "agenda", str(tmp_path / "f4.pdf"), "--json")
    assert code == 0, err
    assert _mm(tmp_path / "f4.pdf") == (215, 330)


def test_the_signer_chosen_for_a_type_is_printed_and_none_chosen_warns(capsys, url, tmp_path):  # noqa: F811
    code, out, err = _agenda(capsys, url, tmp_path / "none.pdf")
    assert code == 0, err
    data = json.loads(out)
    assert len(data["warnings"]) == 1 and "dtks signer use agenda_surat" in err and "titik-titik" in err
    assert "(......" in _text(tmp_path / "none.pdf")
    code, out, err = run(capsys, url, "signer", "add", "--name", "Drs. SUGENG RIYANTO, M.Si.", "--nip", KADIS_NIP,
                         "--pangkat", "Pembina Tingkat I (IV/b)", "--jabatan", "Kepala Dinas Sosial", "--json")
    assert code == 0, err
    sid = json.loads(out)["id"]
    assert run(capsys, url, "signer", "use", "agenda_surat", str(sid))[0] == 0
    code, out, err = run(capsys, url, "docs", "agenda", str(tmp_path / "signed.pdf"), "--json")
    assert code == 0 and json.loads(out)["warnings"] == [] and err == ""
    text = _text(tmp_path / "signed.pdf")
    assert "Drs. SUGENG RIYANTO, M.Si." in text and f"NIP. {KADIS_NIP}" in text and "Mengetahui," in text


def test_the_logo_set_is_in_the_pdf(capsys, url, tmp_path):  # noqa: F811
    _agenda(capsys, url, tmp_path / "plain.pdf")
    assert len(PdfReader(tmp_path / "plain.pdf").pages[0].images) == 0
    logo = make_logo(tmp_path / "logo.png")
    assert run(capsys, url, "office", "set", f"logo={logo}", "alamat=Jl. Pemuda No. 294", "email=dinsos@klatenkab.go.id")[0] == 0
    code, _, err = run(capsys, url, "docs", "agenda", str(tmp_path / "logo.pdf"))
    assert code == 0, err
    assert len(PdfReader(tmp_path / "logo.pdf").pages[0].images) == 1
    text = _text(tmp_path / "logo.pdf")
    assert "Jl. Pemuda No. 294" in text and "dinsos@klatenkab.go.id" in text and "PEMERINTAH KABUPATEN KLATEN" in text


def test_one_list_of_document_types_for_the_register_and_the_signer_choice():
    codes = [t.code for t in DOCUMENT_TYPES]
    assert set(register.DOC_TYPES) >= set(codes)
    printed = {t.code for t in DOCUMENT_TYPES if t.printed}
    assert printed == {"surat_keterangan", "agenda_surat", "rekap_pemadanan", "daftar_pemadanan_desa",
                       "lembar_kerja_verifikasi", "berita_acara_musdes", "lampiran_musdes", "daftar_hadir_musdes",
                       "sptjm_musdes", "surat_pengantar_batch", "rekap_batch", "surat_pengesahan_batch",
                       "daftar_nominatif", "rekap_penyaluran", "surat_undangan", "daftar_tanda_terima",
                       "bast_penyaluran", "daftar_dikembalikan", "laporan_realisasi"}
    # Every type with a module of its own is in the list; the matching reports lay themselves out.
    assert set(TYPES) <= printed
    assert list(signers.DOC_TYPES) == ["default", "surat_keterangan", "agenda_surat", "rekap_pemadanan",
                                       "berita_acara_musdes", "surat_pengantar_batch", "rekap_batch",
                                       "daftar_nominatif", "rekap_penyaluran", "bast_penyaluran", "laporan_realisasi"]
    for code, label in signers.DOC_TYPES.items():
        assert code == "default" or label == register.DOC_TYPES[code].label


def test_signer_choice_for_a_type_without_office_signature_is_refused(office_db, admin):
    with office_db.transaction() as s:
        kadis = signers.add_signer(s, admin, nama="KADIS", nip=KADIS_NIP, pangkat="Pembina", jabatan="Kepala Dinas")
    for doc_type, message in (("lembar_kerja_verifikasi", "tidak ditandatangani pejabat Dinas"),
                              ("surat_keterangn", "Pilih salah satu")):
        with pytest.raises(signers.SignerError, match=message):
            with office_db.transaction() as s:
                signers.use_signer(s, admin, doc_type, kadis.id)


def test_old_settings_still_print(office_db, admin, tmp_path):
    """An office that set the old keys: office.name (the office line), office.logo as a file path,
    office.kepala_nama/kepala_nip (the signatory when none is chosen)."""
    logo = make_logo(tmp_path / "logo.png")
    with office_db.transaction() as s:
        settings_service.put(s, admin, settings_service.OFFICE_NAME,
                             "Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak Kabupaten Klaten")
        settings_service.put(s, admin, "office.logo", str(logo))
        settings_service.put(s, admin, signers.LEGACY_KEPALA_NAMA, "Drs. BAMBANG SUTRISNO, M.Si.")
        settings_service.put(s, admin, signers.LEGACY_KEPALA_NIP, KADIS_NIP)
    with office_db.transaction() as s:
        profile = office.load_profile(s)
        assert profile.dinas == "DINAS SOSIAL, PEMBERDAYAAN PEREMPUAN DAN PERLINDUNGAN ANAK"
        assert profile.logo == logo.read_bytes()
        assert signers.missing_signer_warning(s, "agenda_surat") is None
        doc = issued.print_agenda(s, admin, year=2026, when=date(2026, 12, 4)).doc
    (tmp_path / "a.pdf").write_bytes(doc.pdf)
    text = _text(tmp_path / "a.pdf")
    assert "Drs. BAMBANG SUTRISNO, M.Si." in text and KADIS_NIP in text
    assert "PEMBERDAYAAN PEREMPUAN" in text
    assert len(PdfReader(tmp_path / "a.pdf").pages[0].images) == 1
