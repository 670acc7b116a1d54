"""The letter register: numbers per template series and year, voided numbers kept, filters, .xlsx."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from dtks_desktop.db.models import AuditEvent, RegisterEntry
from dtks_desktop.domain.permissions import PermissionDenied
from dtks_desktop.services.core.users import Actor
from dtks_desktop.services.documents import issued as I
from dtks_desktop.services.documents import register as R

from tests.documents.conftest import DAY, PROFILE, SK_DATA


def take(db, actor, doc_type="surat_keluar", purpose="Undangan rapat", when=DAY):
    with db.transaction() as s:
        return R.entry_dict(R.take_number(s, actor, doc_type, purpose, when=when))


def test_numbers_follow_the_template_one_after_another(db, clerks):
    got = [take(db, clerks["pencetak"], purpose=f"Surat {i}")["nomor"] for i in range(1, 4)]
    assert got == ["460/1/Dinsos/2026", "460/2/Dinsos/2026", "460/3/Dinsos/2026"]
    e = take(db, clerks["operator"])
    assert (e["year"], e["seq"], e["type"], e["created_by"]) == (2026, 4, "surat_keluar", "operator1")
    with db.sessions() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "docs.number")).all()
    assert len(events) == 4 and "460/4/Dinsos/2026" in events[-1].summary


def test_sequence_restarts_each_year_and_types_sharing_a_template_share_it(db, clerks):
    a = clerks["admin"]
    assert take(db, a)["nomor"] == "460/1/Dinsos/2026"
    assert take(db, a, "surat_keterangan", "SK")["nomor"] == "460/2/Dinsos/2026"  # same series
    assert take(db, a, when=date(2027, 1, 2))["nomor"] == "460/1/Dinsos/2027"
    assert take(db, a, "rekap_pemadanan", "Rekap")["nomor"] == "400.9.2/1/Dinsos/2026"


def test_permendagri_style_and_month_placeholders(db, clerks):
    a = clerks["admin"]
    with db.transaction() as s:
        R.set_template(s, a, "surat_keluar", "400.9.2/{seq}/Dinsos")
    assert take(db, a)["nomor"] == "400.9.2/1/Dinsos"
    # without {year} the same text comes again next year: unique per year, as the office keeps it
    assert take(db, a, when=date(2027, 2, 1))["nomor"] == "400.9.2/1/Dinsos"
    with db.transaction() as s:
        R.set_template(s, a, "surat_keluar", "460/{seq}/Dinsos/{month_roman}/{year}")
    assert take(db, a)["nomor"] == "460/1/Dinsos/XII/2026"


def test_a_template_that_renders_a_number_already_taken_skips_it(db, clerks):
    a = clerks["admin"]
    take(db, a)  # 460/1/Dinsos/2026
    with db.transaction() as s:
        R.set_template(s, a, "surat_keterangan", "460/{seq}/Dinsos/2026")  # another series, same text
    assert take(db, a, "surat_keterangan", "SK")["nomor"] == "460/2/Dinsos/2026"


@pytest.mark.parametrize("template, words", [
    ("460/{nomor}/Dinsos/{year}", "Penanda '{nomor}'"),
    ("460/{seq:03d}/Dinsos", "Penanda '{seq:03d}'"),
    ("460/Dinsos/{year}", "{seq} tepat satu kali"),
    ("460/{seq}/{seq}", "{seq} tepat satu kali"),
    ("460/{seq/Dinsos", "tidak berpasangan"),
    ("   ", "kosong"),
])
def test_bad_templates_are_refused_with_the_reason(db, clerks, template, words):
    with pytest.raises(R.RegisterError) as err:
        with db.transaction() as s:
            R.set_template(s, clerks["admin"], "surat_keluar", template)
    assert words in err.value.message
    with db.sessions() as s:
        assert R.template_for(s, "surat_keluar") == "460/{seq}/Dinsos/{year}"


def test_unknown_type_and_missing_purpose_are_refused(db, clerks):
    with pytest.raises(R.RegisterError, match="tidak dikenal"):
        take(db, clerks["admin"], "surat_cinta")
    with pytest.raises(R.RegisterError, match="wajib diisi"):
        take(db, clerks["admin"], purpose="  ")
    with db.sessions() as s:
        assert s.scalars(select(RegisterEntry)).all() == []


def test_a_voided_number_stays_with_its_reason_is_never_reused_and_cannot_be_voided_twice(db, clerks):
    a, sup = clerks["operator"], clerks["supervisor"]
    take(db, a)
    take(db, a)
    with db.transaction() as s:
        R.void(s, sup, "460/2/Dinsos/2026", "salah alamat tujuan")
    with pytest.raises(R.RegisterError, match="sudah dibatalkan oleh supervisor1"):
        with db.transaction() as s:
            R.void(s, sup, "460/2/Dinsos/2026", "lagi")
    with pytest.raises(R.RegisterError, match="tidak ada dalam agenda"):
        with db.transaction() as s:
            R.void(s, sup, "460/99/Dinsos/2026", "tidak ada")
    with pytest.raises(R.RegisterError, match="Alasan"):
        with db.transaction() as s:
            R.void(s, sup, "460/1/Dinsos/2026", "")
    assert take(db, a)["nomor"] == "460/3/Dinsos/2026"
    with db.sessions() as s:
        voided = R.list_register(s, voided=True)
        valid = R.list_register(s, voided=False)
    assert [(e.nomor, e.void_reason, e.voided_by) for e in voided] == [
        ("460/2/Dinsos/2026", "salah alamat tujuan", "supervisor1")]
    assert [e.nomor for e in valid] == ["460/3/Dinsos/2026", "460/1/Dinsos/2026"]


def test_register_filters_and_xlsx_keeps_the_number_as_text(db, clerks, tmp_path):
    a = clerks["admin"]
    take(db, a, purpose="Undangan rapat koordinasi PKH")
    take(db, a, "surat_keterangan", "SK terdaftar Slamet")
    take(db, a, purpose="Laporan bulanan", when=date(2025, 12, 30))
    with db.sessions() as s:
        assert [e.nomor for e in R.list_register(s, year=2025)] == ["460/1/Dinsos/2025"]
        assert [e.nomor for e in R.list_register(s, doc_type="surat_keterangan")] == ["460/2/Dinsos/2026"]
        assert [e.nomor for e in R.list_register(s, text="pkh")] == ["460/1/Dinsos/2026"]
        out = tmp_path / "agenda.xlsx"
        assert R.export_xlsx(s, out, year=2026) == 2
    ws = load_workbook(out).active
    assert ws["B1"].value == "Nomor surat"
    assert [ws.cell(r, 2).value for r in (2, 3)] == ["460/1/Dinsos/2026", "460/2/Dinsos/2026"]
    assert ws["B2"].data_type == "s" and ws["B2"].number_format == "@"
    assert ws["I2"].value == "Berlaku"


def test_document_services_call_the_guard(db, clerks):
    """DOCS_NUMBER, DOCS_VERIFY and DOCS_PRINT are held by every role; an actor without a role
    (a removed role) is refused by each service all the same."""
    nobody = Actor(None, "tamu", "tamu")
    calls = [
        lambda s: R.take_number(s, nobody, "surat_keluar", "x"),
        lambda s: I.verify_code(s, nobody, "DS-000001-AAAAAA"),
        lambda s: I.verify_bytes(s, nobody, b"%PDF-1.4"),
        lambda s: I.reprint(s, nobody, 1),
        lambda s: I.issue(s, nobody, "surat_keterangan", SK_DATA, when=DAY, profile=PROFILE),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            with db.transaction() as s:
                call(s)
    with db.sessions() as s:
        assert s.scalars(select(RegisterEntry)).all() == []
