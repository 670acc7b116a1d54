"""The upload file in a layout the office configured (per target, per programme), and the
provincial programmes an administrator sets (validated, audited, used by new batches)."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from dtks_desktop.db.models import AuditEvent
from dtks_desktop.domain.permissions import PermissionDenied
from dtks_desktop.services.core import layouts as L
from dtks_desktop.services.submission import approval, batches, outputs
from dtks_desktop.services.submission.common import SubmissionError
from tests.submission.conftest import PEOPLE


def _approved(world, target="kemensos", programme="PKH", kind="usulan_baru"):
    with world.db.transaction() as s:
        bid = batches.create_batch(s, world.operator, target, programme, kind).id
        approval.submit(s, world.operator, bid)
    with world.db.transaction() as s:
        approval.approve(s, world.supervisor, bid, note="ok")
    return bid


def _sheet(res):
    return load_workbook(next(p for p in res.files if p.suffix == ".xlsx")).active


def test_the_upload_file_follows_the_programme_layout_then_the_target_layout(world, tmp_path):
    with world.db.transaction() as s:
        L.set_layout(s, world.admin, "batch.kemensos", [("NIK", "nik"), ("NAMA", "nama"), ("KODE", "kode_wilayah")])
        L.set_layout(s, world.admin, "batch.kemensos.PKH", [("No", "no"), ("NIK KPM", "nik"), ("Nomor KK", "no_kk"),
                                                             ("Nama KPM", "nama"), ("RT", "rt")])
    pkh = _approved(world, programme="PKH")
    res = outputs.export_batch(world.db, world.operator, pkh, tmp_path / "pkh")
    ws = _sheet(res)
    assert [c.value for c in ws[1]] == ["No", "NIK KPM", "Nomor KK", "Nama KPM", "RT"]
    row = [c for c in ws[2]]
    assert row[0].value == 1 and row[0].data_type == "n"
    for cell in (row[1], row[2], row[4]):  # NIK, No KK, RT: text cells
        assert cell.data_type == "s" and cell.number_format == "@"
    assert row[1].value in {p[2] for p in PEOPLE.values()} and row[4].value == "001"

    bpnt = _approved(world, programme="BPNT")  # no layout of its own: the target's
    ws = _sheet(outputs.export_batch(world.db, world.operator, bpnt, tmp_path / "bpnt"))
    assert [c.value for c in ws[1]] == ["NIK", "NAMA", "KODE"]
    assert ws.cell(row=2, column=3).data_type == "s" and ws.cell(row=2, column=3).value.startswith("3310")


def test_a_broken_stored_layout_stops_the_export_with_the_fix(world, tmp_path):
    from dtks_desktop.db.models import Setting

    bid = _approved(world)
    with world.db.transaction() as s:
        s.add(Setting(key="layout.batch.kemensos", value=json.dumps([{"header": "NIK", "field": "hilang"}])))
    with pytest.raises(SubmissionError, match="dtks layout reset batch.kemensos"):
        outputs.export_batch(world.db, world.operator, bid, tmp_path / "x")
    assert not (tmp_path / "x").exists() or list((tmp_path / "x").iterdir()) == []
    with world.db.sessions() as s:
        assert batches.get_batch(s, bid).status == "disetujui"


def test_provincial_programmes_are_set_by_an_administrator(world, tmp_path):
    with world.db.sessions() as s:
        assert batches.programmes_for(s, "provinsi") == ["BANSOS_PROVINSI"]
        assert not batches.provinsi_programmes_configured(s)
    with world.db.transaction() as s, pytest.raises(PermissionDenied):
        batches.set_provinsi_programmes(s, world.supervisor, ["RTLH"])
    with world.db.transaction() as s:
        assert batches.set_provinsi_programmes(s, world.admin, ["rtlh", "Jamsosda", "RTLH"]) == ["RTLH", "JAMSOSDA"]
    with world.db.sessions() as s:
        assert batches.programmes_for(s, "provinsi") == ["RTLH", "JAMSOSDA"]
        ev = s.execute(select(AuditEvent).where(AuditEvent.action == "settings.update")
                       .order_by(AuditEvent.id.desc())).scalars().first()
    assert ev.username == "admin" and json.loads(ev.new_value) == {"submission.programmes.provinsi": '["RTLH", "JAMSOSDA"]'}
    assert ev.reason == "Program provinsi diubah"

    with world.db.transaction() as s:  # a new batch may carry it; BANSOS_PROVINSI is no longer offered
        v = batches.create_batch(s, world.operator, "provinsi", "rtlh", "usulan_baru")
        assert v.programme == "RTLH" and v.rows == 3
        with pytest.raises(SubmissionError, match=r"Pilih salah satu: RTLH, JAMSOSDA\. Program provinsi diatur admin "
                                                  r"di Kantor & Dokumen › Format berkas"):
            batches.create_batch(s, world.operator, "provinsi", "BANSOS_PROVINSI", "usulan_baru")


@pytest.mark.parametrize("codes, expected", [
    ([], "Isi minimal satu program provinsi."),
    (["  "], "Isi minimal satu program provinsi."),
    (["RTLH", "Sembako"], "Sembako: program nasional (Bantuan Pangan Non Tunai (Sembako)), diajukan ke Kemensos"),
    (["Bansos Lansia"], "'Bansos Lansia': kode program hanya huruf, angka, _ dan - (paling panjang 30), "
                        "mis. BANSOS_LANSIA."),
    (["A.B"], "'A.B': kode program hanya huruf"),
])
def test_provincial_programmes_are_validated(world, codes, expected):
    with world.db.transaction() as s, pytest.raises(SubmissionError) as err:
        batches.set_provinsi_programmes(s, world.admin, codes)
    assert err.value.message.startswith("Daftar program provinsi tidak disimpan: ") and expected in err.value.message
    with world.db.sessions() as s:
        assert not batches.provinsi_programmes_configured(s)


def test_a_programme_taken_off_the_list_keeps_its_batches_and_their_layout(world, tmp_path):
    with world.db.transaction() as s:
        batches.set_provinsi_programmes(s, world.admin, ["RTLH"])
        L.set_layout(s, world.admin, "batch.provinsi.RTLH", [("NIK", "nik"), ("Nama", "nama"), ("Desa", "desa")])
    bid = _approved(world, target="provinsi", programme="RTLH")
    with world.db.transaction() as s:
        batches.set_provinsi_programmes(s, world.admin, ["JAMSOSDA"])
    ws = _sheet(outputs.export_batch(world.db, world.operator, bid, tmp_path / "rtlh"))
    assert [c.value for c in ws[1]] == ["NIK", "Nama", "Desa"]
