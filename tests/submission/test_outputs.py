"""Export of an approved batch: upload .xlsx with text NIK/No KK, numbered Surat Pengantar signed by
the chosen signatory, recap per desa, draft pengesahan; a frozen row changed by direct SQL stops
the export and nothing is written."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select, text

from dtks_desktop.db.models import AuditEvent
from dtks_desktop.services.documents import signers
from dtks_desktop.services.submission import approval, batches, outputs
from dtks_desktop.services.submission.common import SubmissionError
from tests.submission.conftest import PEOPLE


def approved(world, **kw):
    with world.db.transaction() as s:
        bid = batches.create_batch(s, world.operator, "kemensos", "PKH", "usulan_baru", **kw).id
        approval.submit(s, world.operator, bid)
    with world.db.transaction() as s:
        approval.approve(s, world.supervisor, bid, note="ok")
    return bid


def pdf_text(path) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(str(path)).pages)


def test_export_writes_upload_letters_and_moves_to_dikirim(world, tmp_path):
    with world.db.transaction() as s:
        sig = signers.add_signer(s, world.admin, nama="Drs. SUGENG WIBOWO, M.Si.", nip="196805121990031004",
                                 pangkat="Pembina Utama Muda (IV/c)", jabatan="Kepala Dinas Sosial")
        signers.use_signer(s, world.admin, "surat_pengantar_batch", sig.id)
    bid = approved(world)
    res = outputs.export_batch(world.db, world.operator, bid, tmp_path / "keluar")
    names = sorted(p.name for p in res.files)
    assert names == [f"batch-{bid}-kemensos-PKH-usulan_baru-{x}" for x in
                     ("draf-pengesahan.pdf", "rekap.pdf", "surat-pengantar.pdf", "unggah.xlsx")]
    assert all(p.exists() for p in res.files) and res.nomor.startswith("400.9.2/1/Dinsos/")
    ws = load_workbook(next(p for p in res.files if p.suffix == ".xlsx")).active
    head = [c.value for c in ws[1]]
    assert head[:8] == ["NO", "KODE_WILAYAH", "KECAMATAN", "DESA_KELURAHAN", "ID_DTKS", "NIK", "NO_KK", "NAMA"]
    nik = ws.cell(row=2, column=6)
    assert nik.data_type == "s" and nik.number_format == "@" and nik.value in {p[2] for p in PEOPLE.values()}
    assert ws.cell(row=2, column=7).data_type == "s" and ws.max_row == 4
    letter = pdf_text(next(p for p in res.files if p.name.endswith("surat-pengantar.pdf")))
    assert res.nomor in letter and "SUGENG WIBOWO" in letter and "196805121990031004" in letter
    assert "Pusat Data dan Informasi" in letter and "3 jiwa" in letter
    recap = pdf_text(next(p for p in res.files if p.name.endswith("rekap.pdf")))
    assert "JUMLAH" in recap and res.nomor in recap
    assert "DRAF" in pdf_text(next(p for p in res.files if p.name.endswith("draf-pengesahan.pdf")))
    with world.db.sessions() as s:
        assert batches.get_batch(s, bid).status == "dikirim"
        assert s.execute(select(AuditEvent.username).where(AuditEvent.action == "batch.export")).scalar_one() \
            == "operator1"
    with pytest.raises(SubmissionError, match="sudah diekspor"):
        outputs.export_batch(world.db, world.operator, bid, tmp_path / "lagi")


def test_row_changed_by_direct_sql_is_detected_and_nothing_written(world, tmp_path):
    bid = approved(world)
    with world.db.engine.begin() as conn:
        conn.execute(text("UPDATE submission_batch_rows SET nik = '3310010101909999' "
                          "WHERE id = (SELECT MIN(id) FROM submission_batch_rows WHERE batch_id = :b)"), {"b": bid})
    out = tmp_path / "keluar"
    with pytest.raises(SubmissionError, match="berubah sejak disetujui"):
        outputs.export_batch(world.db, world.operator, bid, out)
    assert list(out.iterdir()) == []
    with world.db.sessions() as s:
        assert batches.get_batch(s, bid).status == "disetujui"
        ev = s.execute(select(AuditEvent).where(AuditEvent.action == "batch.tamper")).scalar_one()
    assert ev.username == "operator1" and ev.entity_id == bid


def test_export_of_a_draft_is_refused(world, tmp_path):
    with world.db.transaction() as s:
        bid = batches.create_batch(s, world.operator, "kemensos", "PKH", "hapus").id
    with pytest.raises(SubmissionError, match="bukan disetujui"):
        outputs.export_batch(world.db, world.operator, bid, tmp_path)
