"""Printing a distribution period's documents (issue 14 item 4): the text of every document read
back with pypdf (masked NIK, names, RT/RW, amounts with terbilang, the invitation's QR token
readable by ``tokens.read_token``, signatories), issued-document registration, refusals, the
worker processes, and the ``dtks dist print`` command."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from dtks_desktop.documents import qrfast
from dtks_desktop.db.models import DistKpm, DistPeriod, DistPoint, IssuedDocument
from dtks_desktop.domain.distribution import CleanStatus
from dtks_desktop.domain.masking import mask_nik
from dtks_desktop.domain.terbilang import terbilang
from dtks_desktop.domain.workflow.distribution import PeriodStatus, ReceiptStatus
from dtks_desktop.services.core import settings
from dtks_desktop.services.distribution import printing
from dtks_desktop.services.distribution.common import DistError
from dtks_desktop.services.distribution.tokens import TOKEN_RE, TokenError, read_token
from dtks_desktop.services.documents import issued, officials, signers
from tests.conftest import ADMIN_PASSWORD
from tests.distribution.fixtures_docs import demo_period

ROOT = Path(__file__).resolve().parents[2]


def text_of(path: Path) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(str(path)).pages)


def qr_of(image) -> int:
    """The QR matrix of an invitation's QR image (one pixel a module, quiet zone of one)."""
    px = image.convert("L").load()
    n = qrfast.SIZE
    assert image.size == (n + 2, n + 2)
    return sum(1 << (r * n + c) for r in range(n) for c in range(n) if px[c + 1, r + 1] < 128)


def lengkap(world, desa: str) -> list[DistKpm]:
    return [k for k in world["kpm"].values() if k.desa_kode == desa and k.clean_status == CleanStatus.LENGKAP.value]


@pytest.fixture
def world(db, admin):
    w = demo_period(db, admin, people=900)
    with db.transaction() as s:
        officials.set_officials(s, admin, w["desa"][0], kepala="SUPARNO HADI")
        kadis = signers.add_signer(s, admin, nama="Drs. SUGENG WIBOWO, M.Si.", nip="196805121990031004",
                                   pangkat="Pembina Utama Muda (IV/c)", jabatan="Kepala Dinas Sosial")
        signers.use_signer(s, admin, "default", kadis.id)
    return w


def test_receipt_list_names_masked_niks_amounts_and_signatories(db, admin, world, tmp_path):
    desa = world["desa"][0]
    res = printing.print_documents(db, admin, world["period_id"], "tanda-terima", tmp_path, desa=desa)
    assert len(res.files) == 1 and res.files[0].name.startswith("Tanda_Terima_BPNT_Tahap_1_2027_")
    text = text_of(res.files[0])
    people = lengkap(world, desa)
    assert res.kpm == len(people) and res.pages == len(PdfReader(str(res.files[0])).pages) >= 2
    with db.sessions() as s:
        policy = settings.mask_policy(s)
    for k in people:
        assert k.nama in text
        assert mask_nik(k.nik, policy) in text and k.nik not in text  # masked, never the full NIK
        assert f"{k.rt}/{k.rw}" in text
    assert text.count("Rp 600.000") >= len(people)
    n = len(people)
    assert f"Rp {n * 600_000:,}".replace(",", ".") in text and terbilang(n * 600_000) in text
    assert "Yang menyerahkan," in text and "PETUGAS PT POS INDONESIA" in text
    assert "Mengetahui," in text and "SUPARNO HADI" in text
    assert "Tanda tangan / cap jempol" in text and f"{n}." in text
    returned = [world["kpm"][i] for i in world["returned"] if world["kpm"][i].desa_kode == desa]
    assert returned and all(k.nama not in text or any(p.nama == k.nama for p in people) for k in returned)
    # an issued document, genuine and unaltered
    with db.sessions() as s:
        doc = s.get(IssuedDocument, res.documents[0])
        assert doc.doc_type == "daftar_tanda_terima" and doc.nomor is None
        verdict = issued.verify_file(s, admin, res.files[0])
    assert verdict.genuine, verdict
    code = re.search(r"DS-\d{6}-[A-Z2-7]{6}", text).group(0)
    with db.sessions() as s:
        assert issued.verify_code(s, admin, code).id == res.documents[0]


def test_invitations_carry_place_time_what_to_bring_and_a_readable_token(db, admin, world, tmp_path):
    desa = world["desa"][1]
    res = printing.print_documents(db, admin, world["period_id"], "undangan", tmp_path, desa=desa)
    people = {k.id: k for k in lengkap(world, desa)}
    reader = PdfReader(str(res.files[0]))
    assert len(reader.pages) == -(-len(people) // 6) == res.pages
    with db.sessions() as s:
        points = {p.id: p for p in s.execute(select(DistPoint).where(DistPoint.desa_kode == desa)).scalars()}
        policy = settings.mask_policy(s)
        seen = set()
        for page in reader.pages:
            text = page.extract_text()
            assert "Wajib dibawa" in text and "KTP-el asli" in text and "Kartu Keluarga asli" in text
            assert "surat kuasa" in text and "Rp 600.000 (enam ratus ribu rupiah)" in text
            for m in TOKEN_RE.finditer(text.replace("\n", " ")):
                period_id, kpm_id = read_token(s, m.group(0))
                assert period_id == world["period_id"] and kpm_id in people
                k = people[kpm_id]
                assert k.nama in text and f"NIK {mask_nik(k.nik, policy)}" in text and k.nik not in text
                p = points[k.point_id]
                assert p.nama in text and f"{k.slot_mulai:%H.%M}–{k.slot_selesai:%H.%M} WIB" in text
                assert "Januari 2027" in text
                seen.add(kpm_id)
        assert seen == set(people)  # one card per KPM, each token genuine and naming its KPM
        # the QR codes drawn are the tokens' codes (qrfast agrees with reportlab: test_qrfast.py)
        first = reader.pages[0]
        tokens = {m.group(0) for m in TOKEN_RE.finditer(first.extract_text().replace("\n", " "))}
        drawn = {qr_of(img.image) for img in first.images}
        assert len(tokens) == 6 and drawn == {qrfast.matrix(t) for t in tokens}
        forged = m.group(0)[:-1] + ("A" if m.group(0)[-1] != "A" else "B")
        with pytest.raises(TokenError):
            read_token(s, forged)


def test_invitations_refused_while_a_kpm_has_no_place_and_time(db, admin, world, tmp_path):
    with db.transaction() as s:
        s.execute(update(DistKpm).where(DistKpm.desa_kode == world["desa"][2]).values(point_id=None))
    with pytest.raises(DistError) as e:
        printing.print_documents(db, admin, world["period_id"], "undangan", tmp_path)
    assert "belum punya tempat dan jam" in e.value.message and "dtks dist slots" in e.value.hint
    assert not list(tmp_path.glob("*.pdf"))  # checked before anything is issued
    with db.sessions() as s:
        assert s.execute(select(IssuedDocument)).first() is None


def test_goods_recap_for_bulog_per_kecamatan_and_desa_numbered_and_signed(db, admin, tmp_path):
    w = demo_period(db, admin, people=900, goods=True)
    with db.transaction() as s:
        kadis = signers.add_signer(s, admin, nama="Drs. SUGENG WIBOWO, M.Si.", nip="196805121990031004",
                                   pangkat="Pembina Utama Muda (IV/c)", jabatan="Kepala Dinas Sosial")
        signers.use_signer(s, admin, "rekap_penyaluran", kadis.id)
    res = printing.print_documents(db, admin, w["period_id"], "rekap", tmp_path)
    assert [f.name for f in res.files] == ["Rekap_Penyaluran_BANPANGAN_Tahap_1_2027.pdf"]
    text = text_of(res.files[0])
    n = sum(1 for k in w["kpm"].values() if k.clean_status == CleanStatus.LENGKAP.value)
    assert res.kpm == n and res.nomor and res.nomor[0] in text
    assert "Perum Bulog" in text and "Beras (kg)" in text
    assert f"{n * 10:,} kg beras ({terbilang(n * 10)} kg)".replace(",", ".") in text
    assert "JUMLAH KABUPATEN" in text and "Jumlah Kec." in text
    assert "Drs. SUGENG WIBOWO, M.Si." in text and "NIP. 196805121990031004" in text


def test_cash_recap_with_terbilang_for_dinas_sosial(db, admin, world, tmp_path):
    res = printing.print_documents(db, admin, world["period_id"], "rekap", tmp_path)
    text = text_of(res.files[0])
    total = res.kpm * 600_000
    assert "Dinas Sosial" in text and "Nilai (Rp)" in text
    assert f"Rp {total:,}".replace(",", ".") in text and f"({terbilang(total)} rupiah)" in text


def test_bast_numbered_with_the_parties_and_the_realisation(db, admin, world, tmp_path):
    desa = world["desa"][0]
    res = printing.print_documents(db, admin, world["period_id"], "bast", tmp_path, desa=desa)
    text = text_of(res.files[0])
    assert res.nomor and res.nomor[0].startswith("400.9.2/") and res.nomor[0] in text
    assert "BERITA ACARA SERAH TERIMA BANTUAN BPNT" in text and "PIHAK PERTAMA" in text and "PIHAK KEDUA" in text
    assert "SUPARNO HADI" in text and "Drs. SUGENG WIBOWO, M.Si." in text and "Pada hari ini" in text
    assert "b. Diterima KPM" in text and "......" in text  # nothing recorded yet: left to fill in
    ids = [k.id for k in lengkap(world, desa)]
    with db.transaction() as s:
        s.execute(update(DistKpm).where(DistKpm.id.in_(ids[:5])).values(receipt_status=ReceiptStatus.DITERIMA.value))
        s.execute(update(DistKpm).where(DistKpm.id == ids[5]).values(receipt_status=ReceiptStatus.GAGAL_SALUR.value))
    res2 = printing.print_documents(db, admin, world["period_id"], "bast", tmp_path / "lagi", desa=desa)
    text = text_of(res2.files[0])
    assert res2.nomor[0] != res.nomor[0]
    assert "5 KPM" in text and "1 KPM" in text and f"{len(ids) - 6} KPM" in text
    assert "Rp 3.000.000 (tiga juta rupiah)" in text


def test_nominatif_by_rw_rt_and_the_returned_list_with_reasons(db, admin, world, tmp_path):
    desa = world["desa"][1]
    res = printing.print_documents(db, admin, world["period_id"], "nominatif", tmp_path, desa=desa)
    text = text_of(res.files[0])
    people = lengkap(world, desa)
    with db.sessions() as s:
        policy = settings.mask_policy(s)
    for k in people:
        assert k.nama in text and mask_nik(k.nik, policy) in text and k.nik not in text
    assert "Drs. SUGENG WIBOWO, M.Si." in text and "NIK dan No KK disamarkan" in text
    back = printing.print_documents(db, admin, world["period_id"], "dikembalikan", tmp_path, desa=desa)
    text = text_of(back.files[0])
    returned = [world["kpm"][i] for i in world["returned"] if world["kpm"][i].desa_kode == desa]
    assert back.kpm == len(returned) > 0
    assert text.count("RT kosong; Dusun/lingkungan kosong") == len(returned)
    for k in returned:
        assert k.nama in text and k.nik not in text


def test_refusals_name_what_to_do(db, admin, world, tmp_path):
    with pytest.raises(DistError, match="tidak dikenal"):
        printing.print_documents(db, admin, world["period_id"], "kartu", tmp_path)
    with pytest.raises(DistError, match="tidak ada"):
        printing.print_documents(db, admin, 999, "nominatif", tmp_path)
    with pytest.raises(DistError, match="Kode desa/kecamatan tidak dikenal"):
        printing.print_documents(db, admin, world["period_id"], "nominatif", tmp_path, desa="99.99.99.9999")
    with db.transaction() as s:
        s.execute(update(DistKpm).values(clean_status=CleanStatus.BELUM.value))
    with pytest.raises(DistError) as e:
        printing.print_documents(db, admin, world["period_id"], "tanda-terima", tmp_path)
    assert "Belum ada KPM lengkap" in e.value.message and "dtks dist clean" in e.value.hint
    with db.transaction() as s:
        s.execute(update(DistPeriod).values(status=PeriodStatus.BATAL.value))
    with pytest.raises(DistError, match="dibatalkan"):
        printing.print_documents(db, admin, world["period_id"], "rekap", tmp_path)


def test_a_pencetak_prints_and_a_kecamatan_gives_one_file_per_desa(db, admin, world, tmp_path):
    from dtks_desktop.services.core.users import create_user

    with db.transaction() as s:
        printer = create_user(s, "cetak1", "rahasia-cetak-1", "pencetak", by=admin)
    kec = world["desa"][0].rsplit(".", 1)[0]
    res = printing.print_documents(db, printer, world["period_id"], "tanda-terima", tmp_path, desa=kec)
    want = [d for d in world["desa"] if d.startswith(kec + ".")]
    assert len(res.files) == len(want) and all(f.exists() for f in res.files)
    assert len(set(f.name for f in res.files)) == len(res.files)


def test_two_worker_processes_give_the_same_files_in_the_same_order(db, admin, world, tmp_path, monkeypatch, db_url):
    monkeypatch.setattr(printing, "PARALLEL_FROM_KPM", 1)
    one = printing.print_documents(db, admin, world["period_id"], "tanda-terima", tmp_path / "satu", workers=1)
    two = printing.print_documents(db, admin, world["period_id"], "tanda-terima", tmp_path / "dua", workers=2)
    assert one.workers == 0 and two.workers == 2
    assert [f.name for f in one.files] == [f.name for f in two.files] and one.pages == two.pages
    for a, b in zip(one.files, two.files):
        ta, tb = text_of(a), text_of(b)
        strip = lambda t: re.sub(r"DS-\d{6}-[A-Z2-7]{6}", "", t)  # noqa: E731 (each document has its own code)
        assert strip(ta) == strip(tb)
    with db.sessions() as s:
        for f in two.files:
            assert issued.verify_file(s, admin, f).genuine


def dtks(db_url, *args):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DTKS_PASSWORD": ADMIN_PASSWORD}
    return subprocess.run([sys.executable, "-m", "dtks_desktop.cli", "--db", db_url, "--user", "admin", *args],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)


def test_dtks_dist_print_on_the_command_line(db, admin, world, db_url, tmp_path):
    out = tmp_path / "cetak"
    r = dtks(db_url, "dist", "print", str(world["period_id"]), "--what", "tanda-terima", "--desa", world["desa"][0],
             str(out), "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert set(data) >= {"files", "pages", "documents", "kpm", "warnings"} and len(data["files"]) == 1
    assert Path(data["files"][0]).exists() and data["pages"] >= 1
    r = dtks(db_url, "dist", "print", str(world["period_id"]), "--what", "undangan", str(out))
    assert r.returncode == 0, r.stderr
    assert "3 berkas" in r.stdout and "Undangan_BPNT_Tahap_1_2027_" in r.stdout
    r = dtks(db_url, "dist", "print", str(world["period_id"]), "--what", "kartu", str(out))
    assert r.returncode == 2 and "tidak dikenal" in r.stderr and "Traceback" not in r.stderr
    r = dtks(db_url, "dist", "print", "77", "--what", "bast", str(out))
    assert r.returncode == 1 and "Tahap penyaluran #77 tidak ada" in r.stderr and "Traceback" not in r.stderr
