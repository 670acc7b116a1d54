"""Issued documents: stored, reprinted byte-identical, verified; altered files and tampered rows refused."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from dataclasses import replace

import pytest
from sqlalchemy import select, update

from dtks_desktop.db.models import IssuedDocument, RegisterEntry, Setting
from dtks_desktop.documents.engine import DocContext, render
from dtks_desktop.documents.layout import Stamp
from dtks_desktop.documents.types import surat_keterangan
from dtks_desktop.services.documents import issued as I

from tests.documents.conftest import DAY, PROFILE, SIGNER, SK_DATA


def issue_sk(db, actor, profile=PROFILE, signer=SIGNER, data=SK_DATA):
    with db.transaction() as s:
        doc = I.issue(s, actor, "surat_keterangan", data, purpose="SK terdaftar Slamet", when=DAY, signer=signer,
                      profile=profile)
        return doc.id, doc.nomor, doc.pdf, I.code_of(s, doc)


def pdftext(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_issue_numbers_stores_and_prints_the_document(db, clerks, tmp_path):
    doc_id, nomor, pdf, code = issue_sk(db, clerks["pencetak"])
    assert nomor == "460/1/Dinsos/2026" and re.fullmatch(r"DS-000001-[A-Z2-7]{6}", code)
    path = tmp_path / "sk.pdf"
    path.write_bytes(pdf)
    text = pdftext(path)
    for expected in ("PEMERINTAH KABUPATEN KLATEN", "DINAS SOSIAL", "Kode Pos 57424", "Telepon (0272) 321046",
                     "SURAT KETERANGAN TERDAFTAR DTKS", "Nomor: 460/1/Dinsos/2026", "Jumat, 4 Desember 2026",
                     "Klaten, 4 Desember 2026", "Drs. SUGENG RIYANTO, M.Si.", "NIP. 196805121994031007",
                     "Pembina Tingkat I (IV/b)", "Halaman 1 dari 1", f"Kode keaslian: {code}"):
        assert expected in text, expected
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all("DejaVuSansCondensed" in r[0] for r in rows)
    assert all(r[-5] == "yes" for r in rows), fonts  # emb column: every font embedded
    with db.sessions() as s:
        row = s.get(IssuedDocument, doc_id)
        entry = s.scalars(select(RegisterEntry)).one()
        assert row.sha256 == hashlib.sha256(pdf).hexdigest() and row.created_by == "pencetak1"
        assert json.loads(row.parameters)["data"]["nama"] == "SLAMET RIYADI"
        assert (entry.nomor, entry.document_id, entry.purpose) == (nomor, doc_id, "SK terdaftar Slamet")
        assert len(s.get(Setting, I.SECRET_KEY).value) == 64


def test_rendering_is_deterministic(db, clerks):
    ctx = DocContext(profile=PROFILE, when=DAY, nomor="460/7/Dinsos/2026", signer=SIGNER,
                     stamp=Stamp("DS-000007-ABCDEF"))
    a = render(ctx, lambda: surat_keterangan.story(ctx, SK_DATA), title="SK")
    b = render(ctx, lambda: surat_keterangan.story(ctx, SK_DATA), title="SK")
    assert a == b


def test_f4_paper_from_the_profile(db, clerks, tmp_path):
    _, _, pdf, _ = issue_sk(db, clerks["admin"], profile=replace(PROFILE, kertas="F4"))
    path = tmp_path / "f4.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    w, h = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert (round(w / 72 * 25.4), round(h / 72 * 25.4)) == (215, 330)


def test_missing_signer_leaves_dotted_lines(db, clerks, tmp_path):
    _, _, pdf, _ = issue_sk(db, clerks["admin"], signer=None)
    path = tmp_path / "blank.pdf"
    path.write_bytes(pdf)
    text = pdftext(path)
    assert "(......" in text and "NIP. ....." in text and "KEPALA DINAS SOSIAL" in text


def test_reprint_is_byte_identical(db, clerks):
    doc_id, _, pdf, _ = issue_sk(db, clerks["admin"])
    with db.transaction() as s:
        assert I.reprint(s, clerks["pencetak"], doc_id) == pdf


@pytest.mark.parametrize("column, value", [
    ("parameters", '{"data":{"nama":"ORANG LAIN"}}'),
    ("nomor", "460/99/Dinsos/2026"),
    ("pdf", b"%PDF-1.4 palsu"),
])
def test_reprint_of_a_tampered_row_is_refused(db, clerks, column, value):
    doc_id, *_ = issue_sk(db, clerks["admin"])
    with db.transaction() as s:
        s.execute(update(IssuedDocument).where(IssuedDocument.id == doc_id).values({column: value}))
    with pytest.raises(I.DocumentError) as err:
        with db.transaction() as s:
            I.reprint(s, clerks["admin"], doc_id)
    assert "tidak dicetak ulang" in err.value.message
    with db.sessions() as s:
        verdict = I.verify_code(s, clerks["admin"], I.make_code(bytes.fromhex(s.get(Setting, I.SECRET_KEY).value),
                                                                doc_id))
    assert not verdict.genuine and "tidak utuh" in verdict.message


def test_verify_genuine_file_and_code(db, clerks, tmp_path):
    doc_id, nomor, pdf, code = issue_sk(db, clerks["admin"])
    path = tmp_path / "asli.pdf"
    path.write_bytes(pdf)
    with db.sessions() as s:
        v = I.verify_file(s, clerks["pencetak"], path)
        c = I.verify_code(s, clerks["pencetak"], code.lower())
    assert v.genuine and (v.id, v.nomor, v.type, v.created_by) == (doc_id, nomor, "surat_keterangan", "admin")
    assert c.genuine and c.id == doc_id and "ASLI" in c.message


def test_one_byte_changed_is_not_genuine(db, clerks, tmp_path):
    _, nomor, pdf, _ = issue_sk(db, clerks["admin"])
    i = pdf.index(b"/Producer")  # the document information: the page still reads the same
    changed = pdf[:i + 3] + bytes([pdf[i + 3] ^ 0x01]) + pdf[i + 4:]
    path = tmp_path / "ubah.pdf"
    path.write_bytes(changed)
    with db.sessions() as s:
        v = I.verify_file(s, clerks["admin"], path)
    assert not v.genuine
    assert f"dokumen nomor {nomor} dari kantor ini, tetapi berkasnya sudah diubah" in v.message


def test_an_edited_number_is_not_genuine(db, clerks, tmp_path):
    """The printout re-made with another number but the same code (an edited PDF)."""
    doc_id, nomor, pdf, code = issue_sk(db, clerks["admin"])
    ctx = DocContext(profile=PROFILE, when=DAY, nomor="460/2/Dinsos/2026", signer=SIGNER, stamp=Stamp(code))
    forged, _ = render(ctx, lambda: surat_keterangan.story(ctx, SK_DATA), title="Surat Keterangan Terdaftar Dtks")
    path = tmp_path / "palsu.pdf"
    path.write_bytes(forged)
    assert "Nomor: 460/2/Dinsos/2026" in pdftext(path)
    with db.sessions() as s:
        v = I.verify_file(s, clerks["admin"], path)
    assert not v.genuine and v.id == doc_id and "sudah diubah" in v.message


def test_foreign_files_and_codes_are_not_genuine(db, clerks, tmp_path):
    issue_sk(db, clerks["admin"])
    other = DocContext(profile=PROFILE, when=DAY, nomor="460/1/Dinsos/2026", signer=SIGNER,
                       stamp=Stamp("DS-000001-AAAAAA"))  # a code not made with this office's secret
    pdf, _ = render(other, lambda: surat_keterangan.story(other, SK_DATA), title="x")
    (tmp_path / "lain.pdf").write_bytes(pdf)
    (tmp_path / "bukan.pdf").write_bytes(b"bukan pdf sama sekali")
    with db.sessions() as s:
        a = I.verify_file(s, clerks["admin"], tmp_path / "lain.pdf")
        b = I.verify_file(s, clerks["admin"], tmp_path / "bukan.pdf")
        c = I.verify_code(s, clerks["admin"], "DS-000001-AAAAAA")
        d = I.verify_code(s, clerks["admin"], "kode asal")
    assert not any(v.genuine for v in (a, b, c, d))
    assert "tidak dikeluarkan oleh kantor ini" in a.message and "tidak dikeluarkan" in c.message
    assert "tidak ada kode keaslian" in b.message and "bukan kode keaslian" in d.message


def test_unnumbered_type_takes_no_number(db, clerks):
    rows = [["460/1/Dinsos/2026", "04-12-2026", "Surat keluar", "Undangan", "admin", "Berlaku"]]
    with db.transaction() as s:
        doc = I.issue(s, clerks["admin"], "agenda_surat", {"year": 2026, "rows": rows}, when=DAY, profile=PROFILE)
        assert doc.nomor is None
    with db.sessions() as s:
        assert s.scalars(select(RegisterEntry)).all() == []


def test_unknown_document_type_is_refused(db, clerks):
    with pytest.raises(I.DocumentError, match="tidak dikenal"):
        with db.transaction() as s:
            I.issue(s, clerks["admin"], "surat_sakti", {}, when=DAY, profile=PROFILE)
